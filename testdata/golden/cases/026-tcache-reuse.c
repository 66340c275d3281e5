/* The tcache: freed small chunks go to a per-size list that hands them back
   last-in first-out, only to requests of the same size class (24 and 17
   share the 0x20 class, 40 does not).  Each list holds at most 7 chunks;
   the 8th free of a 0x90 chunk (above the fastbin limit) goes to the
   unsorted bin instead, and comes back only after the tcache is empty.
   (The tcache list is refilled from the bins only for fastbin and
   smallbin hits, so big[7] is handed out last.) */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    char *base = sbrk(0);
    char *a = malloc(24);
    char *b = malloc(24);
    char *c = malloc(24);
    char *r1, *r2, *r3, *r4;
    char *big[8];
    char *again[8];
    char *guard;
    int i;

    free(a);
    free(b);
    r1 = malloc(40);   /* other size class: from top */
    r2 = malloc(17);   /* same class: b, the last freed */
    r3 = malloc(24);   /* then a */
    r4 = malloc(24);   /* list empty: from top */
    free(c);

    for (i = 0; i < 8; i++)
        big[i] = malloc(0x80);
    guard = malloc(50);      /* keeps big[7] away from the top chunk */
    for (i = 0; i < 8; i++)
        free(big[i]);
    for (i = 0; i < 8; i++)
        again[i] = malloc(0x80);

    printf("a base+0x%lx, b base+0x%lx, c base+0x%lx\n", a - base, b - base, c - base);
    printf("malloc(40) base+0x%lx (new)\n", r1 - base);
    printf("malloc(17) base+0x%lx (b: %d)\n", r2 - base, r2 == b);
    printf("malloc(24) base+0x%lx (a: %d)\n", r3 - base, r3 == a);
    printf("malloc(24) base+0x%lx (new)\n", r4 - base);
    for (i = 0; i < 8; i++)
        printf("big[%d] base+0x%lx -> again[%d] base+0x%lx\n", i, big[i] - base, i, again[i] - base);
    printf("guard base+0x%lx\n", guard - base);
    return 0;
}
