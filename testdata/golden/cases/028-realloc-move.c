/* realloc in place versus move: growing a chunk whose neighbour is the top
   chunk extends it in place; shrinking splits it in place; once another
   chunk follows, growing must move (malloc, copy, free), and the contents
   travel along; growing into a freed neighbour (not a tcache one) stays in
   place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <malloc.h>

int main(void)
{
    char *base = sbrk(0);
    char *p = malloc(200);
    char *p1, *p2, *p3, *blocker, *p4;
    char *q, *n, *q1;
    size_t u1, u2, u3;
    int kept;

    strcpy(p, "payload");
    p1 = realloc(p, 2000);
    u1 = malloc_usable_size(p1);
    p2 = realloc(p1, 600);
    u2 = malloc_usable_size(p2);
    blocker = malloc(32);
    p3 = realloc(p2, 700);
    p4 = realloc(p3, 4000);
    u3 = malloc_usable_size(p4);
    kept = strcmp(p4, "payload") == 0;

    q = malloc(1100);
    n = malloc(1100);
    malloc(16);
    free(n);
    q1 = realloc(q, 2000);

    printf("malloc(200)      base+0x%lx\n", p - base);
    printf("realloc -> 2000  base+0x%lx usable %zu (in place %d)\n", p1 - base, u1, p1 == p);
    printf("realloc -> 600   base+0x%lx usable %zu (in place %d)\n", p2 - base, u2, p2 == p);
    printf("blocker          base+0x%lx\n", blocker - base);
    printf("realloc -> 700   base+0x%lx (in place %d)\n", p3 - base, p3 == p);
    printf("realloc -> 4000  base+0x%lx usable %zu (moved %d, contents kept %d)\n", p4 - base, u3, p4 != p, kept);
    printf("q = malloc(1100) base+0x%lx, n base+0x%lx\n", q - base, n - base);
    printf("realloc(q, 2000) after free(n): base+0x%lx (in place %d) usable %zu\n", q1 - base, q1 == q,
           malloc_usable_size(q1));
    printf("brk base+0x%lx\n", (char *)sbrk(0) - base);
    return 0;
}
