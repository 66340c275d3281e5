/* Freeing the same small chunk twice, with another free in between (so the
   simple "top of the fastbin" check would not see it): the chunk carries
   the tcache key, glibc finds it in the tcache list and aborts with
   "free(): double free detected in tcache 2" on stderr, SIGABRT.  The
   line printed before is lost: abort does not flush stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
    char name[16];
    int refs;
};

void put(struct buf *b)
{
    if (--b->refs <= 0)
        free(b);
}

int main(void)
{
    struct buf *x = malloc(sizeof *x);
    struct buf *y = malloc(sizeof *y);

    strcpy(x->name, "x");
    x->refs = 1;
    y->refs = 1;
    printf("releasing %s\n", x->name);
    put(x);
    put(y);
    free(x);
    printf("not reached\n");
    return 0;
}
