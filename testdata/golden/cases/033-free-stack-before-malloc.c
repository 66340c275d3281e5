/* free() of a stack address before any malloc: glibc rejects the fake
   chunk (its size word is 0) with its own message and aborts. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    long x[8] = {0, 0, 0, 0, 0, 0, 0, 0};

    free(&x[2]);
    printf("not reached\n");
    return 0;
}
