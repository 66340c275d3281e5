/* Where gcc and ld put globals: .data in source order, .data.rel.local
   (initializers holding addresses) after it, zero-initialized ones in
   .bss, arrays and structs of 16 and 32 bytes or more 16- and 32-aligned,
   static locals among them (engine/cc/check/globals.go); and main's
   arguments (engine/startstack.go). Only distances are printed: the
   image and the stack move with ASLR. */
#include <stdio.h>
#include <stdlib.h>

int a = 1;
int zero = 0;
int *pa = &a;
char b[3] = "xy";
long c[5] = {1, 2};
int z1;
char z2[100];
char *names[2] = {"x", "y"};
struct pair { long k, v; } pr = {1, 2};
static int s1 = 5;
static char s2[40];
short tail = 7;

#define D(x, y) ((long)((char *)(x) - (char *)(y)))

int main(int argc, char **argv)
{
    static int fs = 3;
    static int fz;
    int local = 1;

    printf("data: b %ld c %ld pr %ld s1 %ld tail %ld fs %ld\n",
           D(b, &a), D(c, &a), D(&pr, &a), D(&s1, &a), D(&tail, &a), D(&fs, &a));
    printf("rel: pa %ld names %ld\n", D(&pa, &a), D(names, &a));
    printf("bss: zero %ld z1 %ld z2 %ld s2 %ld fz %ld\n",
           D(&zero, &a), D(&z1, &a), D(z2, &a), D(s2, &a), D(&fz, &a));
    printf("align: c %ld z2 %ld pr %ld\n", (long)c & 31, (long)z2 & 31, (long)&pr & 15);
    printf("main: argc %d, argv[1] %p, argv is %ld bytes above local\n",
           argc, (void *)argv[1], D(argv, &local));
    return 0;
}
