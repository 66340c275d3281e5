/* The first output to stdout mallocs stdio's buffer: 4096 bytes when
   stdout is a pipe, a 0x1010-byte chunk taken like any other request.  So
   a malloc after the first printf lands 0x1010 bytes further than one
   before it; later printfs allocate nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    char *base = sbrk(0);
    char *a = malloc(64);
    char *b;
    char *c;

    printf("a at base+0x%lx\n", a - base);
    b = malloc(64);
    printf("b at base+0x%lx (b - a = 0x%lx)\n", b - base, b - a);
    c = malloc(64);
    printf("c at base+0x%lx (c - b = 0x%lx)\n", c - base, c - b);
    return 0;
}
