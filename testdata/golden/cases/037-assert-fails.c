/* assert: a failed assertion prints glibc's message with the program's
   name, the file, the line and the function, then aborts; what stdout
   held in its buffer is lost (stdout is a pipe here). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

static int check(int *p, int n)
{
    assert(p != NULL);
    assert(n > 0 && "n must be positive");
    return p[0];
}

int main(void)
{
    int *a = malloc(4 * sizeof *a);

    a[0] = 1;
    printf("first: %d\n", check(a, 4));
    check(a, 0);
    printf("not reached\n");
    return 0;
}
