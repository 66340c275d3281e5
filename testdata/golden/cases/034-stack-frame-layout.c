/* Where gcc -O0 puts locals and parameters in a frame: distances from a
   parameter, printed for scalars, arrays, structs, unions, nested blocks,
   unused and address-taken variables (engine/cc/check/frame.go). */
#include <stdio.h>
#include <string.h>
#define OFF(v) ((long)((char*)&(v) - (char*)&anchor))
struct S12 { int a, b, c; };
struct S16 { long a, b; };
struct S24 { long a, b, c; };
void d1(int anchor) { int a; { int b; { int b2; printf("b2 %ld\n", OFF(b2)); } } { int c; printf("c %ld\n", OFF(c)); } int a2; printf("a %ld a2 %ld\n", OFF(a), OFF(a2)); { int b; printf("b %ld\n", OFF(b)); } }
void d2(int anchor, int p) { long l; printf("l %ld p %ld\n", OFF(l), OFF(p)); }
void d3(int anchor, char a, char b) { printf("a %ld b %ld\n", OFF(a), OFF(b)); }
struct S24 d4(int anchor, int p) { struct S24 r; int q; r.a = p; printf("r %ld q %ld p %ld\n", OFF(r), OFF(q), OFF(p)); return r; }
void d5(int anchor, long a) { static int st; char c; printf("c %ld a %ld\n", OFF(c), OFF(a)); }
void d6(int anchor, int n) { switch (n) { case 1: { int x; printf("x %ld\n", OFF(x)); } } while (n--) { int w; printf("w %ld n %ld\n", OFF(w), OFF(n)); } }
void d7(int anchor) { int arr[4] = {0}; char s[] = "hello world, a string of 33 byte"; printf("arr %ld s %ld\n", OFF(arr), OFF(s)); }
void e2(int anchor, struct S12 s, int q) { int x = 0; printf("s %ld q %ld x %ld\n", OFF(s), OFF(q), OFF(x)); }
void e7(int anchor) { int x; int used = 1; printf("used %ld\n", OFF(used)); }
void e8(int anchor) { int x = sizeof(x); int z = 2; printf("x %ld z %ld\n", OFF(x), OFF(z)); }
void e9(int anchor) { int q; int y = sizeof(q); printf("y %ld\n", OFF(y)); }
void f1(int anchor) { int x = 5; int y = 1; printf("y %ld\n", OFF(y)); }
void f3(int anchor) { int a[4] = {1}; int y = 1; printf("y %ld\n", OFF(y)); }
void g3(int anchor) { { int i = 0; } int y = 1; printf("y %ld\n", OFF(y)); }
void g7(int anchor) { int a = 1; { int b = 2; } int a2 = 3; printf("a %ld a2 %ld\n", OFF(a), OFF(a2)); }
void h5(int anchor) { int a = 1; int b = 2; char *p = 0; int c = 3; printf("b %ld\n", OFF(b)); }
void k(int anchor) { char c1; int arr[3]; char c2; long l; char s15[15]; char s16[16]; char s17[17]; printf("c1 %ld arr %ld c2 %ld l %ld s15 %ld s16 %ld s17 %ld\n", OFF(c1), OFF(arr), OFF(c2), OFF(l), OFF(s15), OFF(s16), OFF(s17)); }
void u1(int anchor) { union { int i; char c[20]; } u; struct S16 t; printf("u %ld t %ld\n", OFF(u), OFF(t)); }
int main(void) { struct S12 a = {1,2,3}; d1(0); d2(0, 1); d3(0, 1, 2); d4(0, 3); d5(0, 4); d6(0, 1); d7(0); e2(0, a, 1); e7(0); e8(0); e9(0); f1(0); f3(0); g3(0); g7(0); h5(0); k(0); u1(0); return 0; }
