package interp

import "testing"

// Struct results: the caller's hidden slot receives the value; member
// access works on the call, on a conditional and on a comma expression.
// The expected outputs are gcc's (Debian 12, gcc -O0).
func TestStructReturn(t *testing.T) {
	for _, tc := range []struct{ name, src, out string }{
		{"small struct by value", `#include <stdio.h>
struct pt { int x, y; };
struct pt add(struct pt a, struct pt b) { struct pt r; r.x = a.x + b.x; r.y = a.y + b.y; return r; }
int main(void) { struct pt p = {1, 2}, q = {10, 20}; p = add(p, q); struct pt r = add(p, p);
printf("%d %d %d %d %d\n", p.x, p.y, r.x, r.y, add(q, q).y); return 0; }`, "11 22 22 44 40\n"},
		{"large struct (class MEMORY) and a member that is an array", `#include <stdio.h>
struct big { long a, b; char name[8]; int arr[3]; };
struct big mk(long v) { struct big r = {v, v * 2, "big", {1, 2, 3}}; r.arr[2] = v; return r; }
int main(void) { struct big t; t = mk(4);
printf("%ld %ld %s %d %s %d %lu\n", t.a, t.b, t.name, t.arr[2], mk(9).name, mk(9).arr[2], sizeof mk(1)); return 0; }`,
			"4 8 big 4 big 9 40\n"},
		{"a call's result passed by value", `#include <stdio.h>
struct pt { int x, y; };
struct pt mp(int x, int y) { struct pt r = {x, y}; return r; }
int sum(struct pt a, struct pt b) { return a.x + a.y + b.x + b.y; }
int main(void) { printf("%d\n", sum(mp(1, 2), mp(30, 40))); return 0; }`, "73\n"},
		{"conditional and comma rvalues", `#include <stdio.h>
struct pt { int x, y; };
struct pt mp(int x, int y) { struct pt r = {x, y}; return r; }
int main(void) { struct pt a = {1, 2}, b = {3, 4}; int c = 0;
printf("%d %d %d %d\n", (c ? a : b).x, (!c ? a : b).y, (c ? mp(5, 6) : mp(7, 8)).y, (c++, a).x + c); return 0; }`,
			"1 4 6 2\n"}, // arguments right to left: c++ runs first
		{"return of a call, through a function pointer, recursively", `#include <stdio.h>
struct fp { long cur, next; };
struct fp fib(int n) { struct fp r; if (n == 0) { r.cur = 0; r.next = 1; return r; }
  struct fp s = fib(n - 1); r.cur = s.next; r.next = s.cur + s.next; return r; }
struct fp again(int n) { return fib(n); }
int main(void) { struct fp (*f)(int) = again; printf("%ld %ld\n", f(50).cur, fib(10).next); return 0; }`,
			"12586269025 89\n"},
		{"hidden slots go below the named locals", `#include <stdio.h>
struct big { long a, b, c; };
struct pt { int x, y; };
struct big mk(long v) { struct big r = {v, v + 1, v + 2}; return r; }
struct pt mp(int x) { struct pt r = {x, -x}; return r; }
int main(void) { int a = 1; struct big t = mk(5); int b = mk(7).c + mp(3).y;
printf("%ld %ld %d\n", (char *)&a - (char *)&b, t.b, b); return 0; }`, "32 6 6\n"},
		{"result discarded, struct with a const member returned", `#include <stdio.h>
struct k { const int id; int v; };
int calls;
struct k mk(int v) { struct k r = {7, v}; calls++; return r; }
int main(void) { mk(1); mk(2); printf("%d %d %d\n", calls, mk(3).id, mk(4).v); return 0; }`, "4 7 4\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, r, err := runProgram(tc.src, 1_000_000)
			if err != nil {
				t.Fatal(err)
			}
			if r.Signal != nil || r.StepLimit || r.Status != 0 {
				t.Fatalf("ended with %+v (signal %v)", r, r.Signal)
			}
			if out != tc.out {
				t.Fatalf("got %q, want %q", out, tc.out)
			}
		})
	}
}

// A struct-returning function called with no slot (CallAddr from a
// builtin, as the kernel would call a handler) returns without writing
// anywhere; the caller gets 0 in rax.
func TestStructReturnWithoutSlot(t *testing.T) {
	src := `struct big { long a, b, c; };
struct big mk(void) { struct big r = {1, 2, 3}; return r; }
long callback(long (*f)(void));
int main(void) { return callback((long (*)(void))mk) == 0; }`
	var got uint64 = 99
	m, p, _ := loadTest(t, src, map[string]Builtin{"callback": func(c *Call) uint64 {
		got = c.Thread.CallAddr(c.Args[0])
		return got
	}})
	r := p.NewThread(m.mem, testStackTop, RunOptions{MaxSteps: 1000}).Run("main")
	if r.Signal != nil || r.Status != 1 || got != 0 {
		t.Fatalf("got %d, result %+v", got, r)
	}
}
