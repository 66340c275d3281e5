// free() gives memory back to malloc, not always to the kernel: the heap only shrinks when its top is free.
// mallopt(M_TRIM_THRESHOLD, -1) and mallopt(M_MMAP_MAX, 0) keep every byte inside the process, even big blocks.
//
// Small blocks come from the heap (brk). Freeing the lower one changes
// nothing; freeing the one at the top lets free trim the heap. A 200 KiB
// block is above the 128 KiB mmap threshold: malloc mmaps it and free
// munmaps it at once, but that free also raises the (dynamic) mmap
// threshold to 200 KiB and the trim threshold to twice that, so the next
// 200 KiB block lives on the heap and its free returns nothing.
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <unistd.h>

static char *brk0;

static void show(const char *what)
{
    printf("%-30s heap = %4ld KiB\n", what, ((char *)sbrk(0) - brk0) / 1024);
}

int main(void)
{
    char *a, *b, *big;

    setvbuf(stdout, NULL, _IONBF, 0);   /* no stdio buffer on the heap */
    brk0 = sbrk(0);
    a = malloc(100 * 1024);
    b = malloc(100 * 1024);
    show("malloc a, b (100 KiB each)");
    free(a);
    show("free a (below b)");
    free(b);
    show("free b (the top): trimmed");

    big = malloc(200 * 1024);
    printf("big (200 KiB) %s\n", (char *)big > (char *)sbrk(0) ? "is mmapped" : "is on the heap");
    free(big);
    big = malloc(200 * 1024);
    printf("big again    %s\n", (char *)big > (char *)sbrk(0) ? "is mmapped" : "is on the heap");
    free(big);
    show("free big: kept (threshold up)");

    mallopt(M_TRIM_THRESHOLD, -1);
    mallopt(M_MMAP_MAX, 0);
    big = malloc(1024 * 1024);
    show("no trim, no mmap: 1 MiB");
    free(big);
    show("free it: all kept");
    return 0;
}
