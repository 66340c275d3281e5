/* How glibc sizes chunks: a request gets 8 bytes of header, rounded up to a
   multiple of 16 with a minimum chunk of 32 bytes, and malloc_usable_size
   is the chunk size minus 8.  Consecutive chunks are carved from the top
   chunk one after the other, the first after the 0x290-byte tcache
   structure.  Offsets are from the initial program break; nothing is
   printed until all the measurements are done (printf mallocs a buffer). */
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <unistd.h>

#define N 14

int main(void)
{
    char *base = sbrk(0);
    size_t req[N] = {0, 1, 8, 24, 25, 40, 56, 100, 120, 1000, 1032, 1033, 4000, 70000};
    char *p[N];
    size_t usable[N];
    int i;

    for (i = 0; i < N; i++) {
        p[i] = malloc(req[i]);
        usable[i] = malloc_usable_size(p[i]);
    }
    for (i = 0; i + 1 < N; i++)
        printf("malloc(%5zu) at base+0x%05lx usable %5zu, next chunk 0x%lx further\n", req[i], p[i] - base,
               usable[i], p[i + 1] - p[i]);
    printf("malloc(%5zu) at base+0x%05lx usable %5zu, the last\n", req[i], p[i] - base, usable[i]);
    printf("brk at base+0x%lx\n", (char *)sbrk(0) - base);
    return 0;
}
