package interp

import (
	"testing"

	"mmplay/engine/arch"
)

func TestRunBasics(t *testing.T) {
	for _, tc := range []struct{ name, src, out string }{
		{"hello", `#include <stdio.h>
int main(void) { printf("hello %d\n", 42); return 0; }`, "hello 42\n"},
		{"loop", `#include <stdio.h>
int main(void) { int i, s = 0; for (i = 0; i < 10; i++) s += i; printf("%d\n", s); return 0; }`, "45\n"},
		{"recursion", `#include <stdio.h>
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int main(void) { printf("%d\n", fib(15)); return 0; }`, "610\n"},
		{"pointers", `#include <stdio.h>
int main(void) { int a[5] = {1, 2, 3}; int *p = a + 1; *p += 10; p[2] = 7;
printf("%d %d %d %d %d %ld\n", a[0], a[1], a[2], a[3], a[4], &a[4] - p); return 0; }`, "1 12 3 7 0 3\n"},
		{"struct", `#include <stdio.h>
struct pt { char c; long x; int y; };
struct pt g = { 'a', 5, -1 };
int main(void) { struct pt l = g; struct pt *p = &l; p->x *= 3; l.y--;
printf("%c %ld %d %lu\n", l.c, p->x, l.y, sizeof l); return 0; }`, "a 15 -2 24\n"},
		{"fops", `#include <stdio.h>
struct ops { int (*read)(int); int (*write)(int, int); };
static int my_read(int n) { return n * 2; }
static int my_write(int a, int b) { return a - b; }
struct ops fops = { .read = my_read, .write = my_write };
int main(void) { struct ops *o = &fops; printf("%d %d\n", o->read(21), fops.write(5, 7)); return 0; }`, "42 -2\n"},
		{"strings", `#include <stdio.h>
const char *msg = "global";
int main(void) { char buf[8] = "ab"; char *s = "lit"; printf("%s %s %s %c%c\n", msg, buf, s, s[1], "xyz"[2]); return 0; }`, "global ab lit iz\n"},
		{"switch", `#include <stdio.h>
int f(int x) { int r = 0; switch (x) { case 1: r += 1; case 2: r += 2; break; case 5: r = 50; break; default: r = -1; } return r; }
int main(void) { printf("%d %d %d %d\n", f(1), f(2), f(5), f(9)); return 0; }`, "3 2 50 -1\n"},
		{"unsigned", `#include <stdio.h>
int main(void) { unsigned char c = 250; c += 10; int i = -1; unsigned u = i; long l = u;
printf("%d %u %ld %d\n", c, u, l, (int)(i < u)); return 0; }`, "4 4294967295 4294967295 0\n"},
		{"static local", `#include <stdio.h>
int counter(void) { static int n = 10; return n++; }
int main(void) { counter(); counter(); printf("%d\n", counter()); return 0; }`, "12\n"},
		{"logical", `#include <stdio.h>
int calls;
int t(void) { calls++; return 1; }
int main(void) { int a = 0 && t(); int b = 1 || t(); int c = 1 && t(); printf("%d %d %d %d\n", a, b, c, calls); return 0; }`, "0 1 1 1\n"},
		{"do while", `#include <stdio.h>
int main(void) { int i = 0; do { i += 3; if (i == 6) continue; } while (i < 10); printf("%d\n", i); return 0; }`, "12\n"},
		{"2d array", `#include <stdio.h>
int m[3][4];
int main(void) { int i, j; for (i = 0; i < 3; i++) for (j = 0; j < 4; j++) m[i][j] = i * 10 + j;
printf("%d %d %lu\n", m[2][3], *(*(m + 1) + 2), sizeof m[0]); return 0; }`, "23 12 16\n"},
		{"exit", `#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("a\n"); exit(3); printf("b\n"); return 0; }`, "a\n"},
		{"union enum typedef", `#include <stdio.h>
typedef union { int i; unsigned char b[4]; } U;
enum { A = 3, B, C = A * 10 };
int main(void) { U u; u.i = 0x01020304; printf("%d %d %d %d\n", u.b[0], u.b[3], B, C); return 0; }`, "4 1 4 30\n"},
		{"shifts", `#include <stdio.h>
int main(void) { int x = -16; unsigned y = 0x80000000; int n = 33;
printf("%d %u %d %lx\n", x >> 2, y >> 31, 1 << n, 1UL << 40); return 0; }`, "-4 1 2 10000000000\n"},
		{"comma cond", `#include <stdio.h>
int main(void) { int a = 1, b; b = (a++, a + 10); printf("%d %d %d\n", a, b, a > 1 ? 100 : 200); return 0; }`, "2 12 100\n"},
		{"bool compound", `#include <stdio.h>
int main(void) { _Bool b = 1; b += 255; _Bool c = 0; c |= 4; bool d = 1; d--; d--; printf("%d %d %d\n", b, c, d); return 0; }`, "1 1 1\n"},
		{"char arith", `#include <stdio.h>
int main(void) { char c = 127; c++; signed char s = -128; s--; printf("%d %d\n", c, s); return 0; }`, "-128 127\n"},
		{"func ptr array", `#include <stdio.h>
int add(int a, int b) { return a + b; }
int sub(int a, int b) { return a - b; }
int (*ops[2])(int, int) = { add, sub };
int main(void) { int (*f)(int, int) = ops[1]; printf("%d %d\n", ops[0](2, 3), (*f)(2, 3)); return 0; }`, "5 -1\n"},
		{"nested struct init", `#include <stdio.h>
struct in { int a, b; };
struct out { struct in x; int y[2]; char *s; };
struct out o = { {1, 2}, {3}, "s" };
struct out o2 = { .y = {[1] = 9}, .x.b = 7 };
int main(void) { struct out l = { 4, 5, 6, 7 }; printf("%d %d %d %d %s | %d %d %d | %d %d %d %d\n",
o.x.a, o.x.b, o.y[0], o.y[1], o.s, o2.x.b, o2.y[1], o2.x.a, l.x.a, l.x.b, l.y[0], l.y[1]); return 0; }`, "1 2 3 0 s | 7 9 0 | 4 5 6 7\n"},
	} {
		out, r, err := runProgram(tc.src, 1_000_000)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if r.Signal != nil || r.StepLimit {
			t.Errorf("%s: %+v", tc.name, r)
		}
		if out != tc.out {
			t.Errorf("%s: output %q, want %q", tc.name, out, tc.out)
		}
	}
}

func TestRunFaults(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		signo     int
		stepLimit bool
		status    int
	}{
		{"null deref", `int main(void) { int *p = 0; return *p; }`, arch.SIGSEGV, false, 0},
		{"write rodata", `int main(void) { char *s = "abc"; s[0] = 'x'; return 0; }`, arch.SIGSEGV, false, 0},
		{"write const global", `const int k = 5; int main(void) { int *p = (int *)&k; *p = 1; return 0; }`, arch.SIGSEGV, false, 0},
		{"div zero", `int main(void) { int a = 1, b = 0; return a / b; }`, arch.SIGFPE, false, 0},
		{"rem zero", `int main(void) { long a = 1, b = 0; a %= b; return 0; }`, arch.SIGFPE, false, 0},
		{"int min div", `int main(void) { int a = -2147483647 - 1, b = -1; return a / b; }`, arch.SIGFPE, false, 0},
		{"recursion", `int f(int n) { return f(n + 1) + 1; } int main(void) { return f(0); }`, arch.SIGSEGV, false, 0},
		{"big frame recursion", `int f(int n) { char buf[4096]; buf[0] = n; return f(n + 1) + buf[0]; } int main(void) { return f(0); }`, arch.SIGSEGV, false, 0},
		{"bad fp", `int main(void) { int (*f)(void) = (int (*)(void))0x1234; return f(); }`, arch.SIGSEGV, false, 0},
		{"null fp", `struct ops { int (*read)(void); } o; int main(void) { return o.read(); }`, arch.SIGSEGV, false, 0},
		{"endless", `int main(void) { for (;;) ; }`, 0, true, 0},
		{"endless empty block", `int main(void) { while (1) {} }`, 0, true, 0},
		{"abort", `#include <stdlib.h>
int main(void) { abort(); }`, arch.SIGABRT, false, 0},
		{"status", `int main(void) { return 7; }`, 0, false, 7},
		{"fall off main", `int main(void) { }`, 0, false, 0},
	} {
		_, r, err := runProgram(tc.src, 100_000_000)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		signo := 0
		if r.Signal != nil {
			signo = r.Signal.Signo
		}
		if signo != tc.signo || r.StepLimit != tc.stepLimit || r.Status != tc.status {
			t.Errorf("%s: got %+v (signal %v)", tc.name, r, r.Signal)
		}
	}
}

// TestRunawayRecursionIsSIGSEGV: recursion of several shapes, as deep as
// the simulated stack lets it go, ends in SIGSEGV, never in a crash of
// the host (under wasm, MaxCallDepth stops it before V8's own stack runs
// out: platform_js.go).
func TestRunawayRecursionIsSIGSEGV(t *testing.T) {
	for _, shape := range []string{
		`int f(int n) { int a = n; a -= 1; if (a <= 0) return 0; return f(a) + 1; }`,
		`int f(int n) { if (n > 0) { return f(n - 1) + 1; } return 0; }`,
		`int g(int n); int f(int n) { int r = 0; if (n > 0) { r = g(n); } return r; } int g(int n) { return f(n - 1) + 1; }`,
		`long f(long n) { return n ? n + f(n - 1) : 0; }`,
		`int f(int n) { while (n > 0) { if (n & 1) { return f(n - 1) * 2 + 1; } else { return f(n - 1) - 1; } } return 0; }`,
		`void f(int n) { if (n) f(n - 1); }`,
	} {
		_, r, err := runProgram(shape+"\nint main(void) { f(1000000); return 0; }", 0)
		if err != nil || r.Signal == nil || r.Signal.Signo != arch.SIGSEGV {
			t.Errorf("%s: %+v (%v)", shape, r, err)
		}
	}
}
