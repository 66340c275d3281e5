/* Requests at or above the mmap threshold (128 KiB at start) get their own
   mmap: they are not in the brk heap, each mapping is the request plus 8
   bytes rounded up to pages, and a second one lies directly below the
   first.  Freeing one unmaps it and raises the threshold to its size, so
   the same request then comes from the brk heap.  Only differences between
   mmapped addresses are printed (sizes avoid multiples of 2 MiB). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <malloc.h>

int in_heap(char *p, char *base)
{
    return p >= base && p < (char *)sbrk(0);
}

int main(void)
{
    char *base = sbrk(0);
    char *small = malloc(100);
    char *below = malloc(131000);
    char *a = malloc(300000);
    char *b = malloc(300000);
    char *c = malloc(500000);
    int a_heap = in_heap(a, base), b_heap = in_heap(b, base), c_heap = in_heap(c, base);
    int below_heap = in_heap(below, base);
    size_t ua = malloc_usable_size(a), uc = malloc_usable_size(c);
    long ab = a - b, bc = b - c;
    char *brk1 = sbrk(0);
    char *d;
    char *brk2;
    int d_heap;

    a[0] = 1;
    a[299999] = 2;
    free(b);
    d = malloc(300000);
    d_heap = in_heap(d, base);
    brk2 = sbrk(0);

    printf("malloc(100) base+0x%lx\n", small - base);
    printf("malloc(131000): in brk heap %d, base+0x%lx\n", below_heap, below - base);
    printf("malloc(300000) x2, malloc(500000): in brk heap %d %d %d\n", a_heap, b_heap, c_heap);
    printf("usable sizes %zu %zu\n", ua, uc);
    printf("a - b = 0x%lx, b - c = 0x%lx\n", ab, bc);
    printf("brk base+0x%lx before, base+0x%lx after the threshold rose\n", brk1 - base, brk2 - base);
    printf("malloc(300000) after free(b): in brk heap %d, base+0x%lx\n", d_heap, d - base);
    return 0;
}
