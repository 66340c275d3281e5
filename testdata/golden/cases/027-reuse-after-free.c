/* Reuse of larger freed chunks (beyond the tcache's 1032-byte limit): a
   freed chunk goes to the unsorted bin and the next request that fits
   takes it, splitting off the rest; two free neighbours merge into one
   chunk; a free chunk next to the top chunk merges into top; memory given
   back is reused for a later request of another size. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    char *base = sbrk(0);
    char *a = malloc(2000);
    char *g1 = malloc(16);
    char *b = malloc(3000);
    char *c = malloc(3000);
    char *g2 = malloc(16);
    char *d = malloc(5000);
    char *r1, *r2, *r3, *r4, *r5;
    char *t, *top_after;

    free(a);
    r1 = malloc(2000);        /* exactly a's chunk */
    free(b);
    free(c);                  /* b and c merge: one 0x1780 chunk */
    r2 = malloc(5000);        /* fits in the merged chunk */
    r3 = malloc(500);         /* from the remainder */
    t = malloc(24);           /* from what is left of b + c */
    free(t);                  /* into the tcache: stays a chunk in use */
    free(d);                  /* next to top: merges into it */
    top_after = malloc(6000); /* so this starts where d was */
    r4 = malloc(1200);
    free(r1);
    r5 = malloc(1500);        /* carved from a's old chunk */

    printf("a  base+0x%lx\n", a - base);
    printf("b  base+0x%lx, c base+0x%lx, d base+0x%lx\n", b - base, c - base, d - base);
    printf("guards base+0x%lx base+0x%lx\n", g1 - base, g2 - base);
    printf("malloc(2000) again: base+0x%lx (a: %d)\n", r1 - base, r1 == a);
    printf("malloc(5000) after freeing b, c: base+0x%lx (b: %d)\n", r2 - base, r2 == b);
    printf("malloc(500): base+0x%lx\n", r3 - base);
    printf("malloc(24): base+0x%lx\n", t - base);
    printf("malloc(6000) after freeing d: base+0x%lx (d: %d)\n", top_after - base, top_after == d);
    printf("malloc(1200): base+0x%lx\n", r4 - base);
    printf("malloc(1500) after freeing a again: base+0x%lx (a: %d)\n", r5 - base, r5 == a);
    return 0;
}
