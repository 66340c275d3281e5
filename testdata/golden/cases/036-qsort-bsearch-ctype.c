/* qsort and bsearch call the comparison function in glibc's order (merge
   sort; a malloc'd temporary array from 1024 bytes on; pointer sorting for
   elements over 32 bytes), ctype's class tests return glibc's bits, and an
   assert that holds does nothing (engine/libc/sort.go, ctype.go). */
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <assert.h>
int calls;
int cmp(const void *a, const void *b) { calls++; int x = *(const int *)a, y = *(const int *)b; printf("(%d,%d)", x, y); return x - y; }
struct big { int key; char pad[40]; };
int cmpbig(const void *a, const void *b) { calls++; return ((const struct big *)a)->key - ((const struct big *)b)->key; }
int main(void) {
    char *base = (char *)sbrk(0);
    int v[9] = {5, 3, 9, 1, 4, 4, 8, 0, 7};
    qsort(v, 9, sizeof v[0], cmp);
    printf("\n");
    for (int i = 0; i < 9; i++) printf("%d ", v[i]);
    printf("calls %d\n", calls);
    int key = 8;
    int *f = bsearch(&key, v, 9, sizeof v[0], cmp);
    printf("\nfound %ld\n", f - v);
    int *w = malloc(300 * sizeof(int));
    for (int i = 0; i < 300; i++) w[i] = (i * 7919) % 300;
    calls = 0;
    qsort(w, 300, sizeof(int), cmpbig == 0 ? cmp : (int (*)(const void *, const void *))cmpbig);
    char *after = malloc(10);
    printf("calls %d sorted %d %d %d after %lx\n", calls, w[0], w[150], w[299], after - base);
    struct big bs[5] = {{3}, {1}, {4}, {1}, {5}};
    calls = 0;
    qsort(bs, 5, sizeof bs[0], cmpbig);
    printf("big: %d %d %d %d %d calls %d\n", bs[0].key, bs[1].key, bs[2].key, bs[3].key, bs[4].key, calls);
    printf("%d %d %d %c%c\n", isalpha('q'), isdigit('x'), isspace('\t'), toupper('m'), tolower('Q'));
    assert(calls == 7);

    return 0;
}
