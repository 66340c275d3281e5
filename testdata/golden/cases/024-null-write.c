/* Writing through a NULL pointer: the page at address 0 is never mapped, so
   the store faults and the kernel kills the process with SIGSEGV (status
   139 in a shell).  Nothing reaches stderr, and the line printed before is
   lost in stdout's buffer. */
#include <stdio.h>
#include <stddef.h>

struct counter {
    long pad;
    int hits;
};

struct counter table[4];

struct counter *lookup(int id)
{
    if (id < 0 || id >= 4)
        return NULL;
    return &table[id];
}

int main(void)
{
    struct counter *c = lookup(7);

    printf("about to write through %s\n", c == NULL ? "NULL" : "a pointer");
    c->hits = 1;
    printf("not reached\n");
    return 0;
}
