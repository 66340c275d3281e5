/* mallopt changes the tunables: with M_MMAP_THRESHOLD lowered to 64 KiB a
   100000-byte request still comes from the top chunk, which has room (the
   threshold matters only when the heap must grow), but a 200000-byte one
   gets its own mmap; M_MMAP_MAX 0 forbids mmap, so even 400000
   bytes come from brk; M_TOP_PAD sets how much extra each brk step takes;
   M_TRIM_THRESHOLD decides when free gives the top back with a smaller
   brk.  mallopt returns 1 on success. */
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
    char *first = malloc(10);
    char *brk0 = sbrk(0);
    int r1 = mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    char *m0 = malloc(100000);
    int m0_heap = in_heap(m0, base);
    char *m = malloc(200000);
    int m_heap = in_heap(m, base);
    int r2 = mallopt(M_MMAP_MAX, 0);
    char *big = malloc(400000);
    int big_heap = in_heap(big, base);
    char *brk1 = sbrk(0);
    int r3 = mallopt(M_TOP_PAD, 0);
    char *x = malloc(200000);
    char *brk2 = sbrk(0);
    int r4 = mallopt(M_TRIM_THRESHOLD, 100000);
    char *brk3, *brk4;

    free(x);
    brk3 = sbrk(0);
    free(big);
    brk4 = sbrk(0);
    free(m);
    free(m0);

    printf("first malloc base+0x%lx, brk base+0x%lx\n", first - base, brk0 - base);
    printf("mallopt results %d %d %d %d\n", r1, r2, r3, r4);
    printf("malloc(100000) with threshold 64 KiB: in brk heap %d at base+0x%lx\n", m0_heap, m0 - base);
    printf("malloc(200000) with threshold 64 KiB: in brk heap %d\n", m_heap);
    printf("malloc(400000) with M_MMAP_MAX 0: in brk heap %d at base+0x%lx, brk base+0x%lx\n", big_heap,
           big - base, brk1 - base);
    printf("malloc(200000) with M_TOP_PAD 0: base+0x%lx, brk base+0x%lx\n", x - base, brk2 - base);
    printf("after free(x): brk base+0x%lx; after free(big): brk base+0x%lx\n", brk3 - base, brk4 - base);
    return 0;
}
