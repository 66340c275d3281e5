// Error cases, starlark style: chunks separated by "---"; a line with
// three hashes and a quoted regexp must produce an error matching it on
// that line. A chunk without a marker must compile cleanly.
int main(void) {
	return y; ### "'y' undeclared"
}
---
int main(void) {
	char *p = kmalloc(10); ### "implicit declaration of function 'kmalloc'"
	return 0;
}
---
int f(int a);
int main(void) {
	return f(1); ### "undefined reference to `f'"
}
---
int main(void) {
	float x; ### "floating point is not supported in mmplay"
	return 0;
}
---
int main(void) {
	double d = 1.5; ### "floating point is not supported"
	return 0;
}
---
int f(int n, ...) { return n; } ### "variadic function definitions are not supported"
---
int f(int a, int b) { return a + b; }
int main(void) {
	return f(1); ### "too few arguments to 'f'"
}
---
int f(int a) { return a; }
int main(void) {
	return f(1, 2); ### "too many arguments to 'f'"
}
---
struct s { int a; };
int main(void) {
	struct s x;
	return x.b; ### "has no member named 'b'"
}
---
int main(void) {
	int x;
	x.a = 1; ### "request for member 'a' in something not a structure"
	return 0;
}
---
int main(void) {
	const int c = 1;
	c = 2; ### "assignment of read-only variable 'c'"
	return 0;
}
---
int main(void) {
	1 = 2; ### "lvalue required as left operand of assignment"
	return 0;
}
---
int main(void) {
	break; ### "break statement not within a loop or switch"
}
---
int main(void) {
	continue; ### "continue statement not within a loop"
}
---
int main(void) {
	goto out; ### "goto is not supported in mmplay"
}
---
int main(void) {
	int x = 1;
	int x = 2; ### "redefinition of 'x'"
	return x;
}
---
int main(void) {
	void *p = 0;
	return *p; ### "dereferencing a 'void \*' pointer"
}
---
int main(void) {
	int a[3];
	a = 0; ### "assignment to an expression with array type"
	return 0;
}
---
int main(void) {
	switch (1) {
	case 1:
	case 1: ### "duplicate case value"
		break;
	}
	return 0;
}
---
int g = 0;
int *p = &g;
int n = g; ### "initializer element is not constant"
---
long main(void) { return 0; } ### "'main' must return 'int'"
---
int main(void) {
	unknown_t x; ### "unknown type name 'unknown_t'"
	return 0;
}
---
int main(void) {
	int a[n]; ### "'n' undeclared"
	return 0;
}
---
int main(int n) { ### "'main' takes"
	return 0;
}
---
int main(void) {
	int x = 5;
	return x(); ### "called object is not a function"
}
---
int main(void) {
	return sizeof(struct nope); ### "incomplete type 'struct nope'"
}
---
struct ops { int (*read)(int); };
int my_read(int n) { return n; }
struct ops fops = { .read = my_read };
int main(void) { return fops.read(3); }
---
int main(void) {
	int *p = 5; // a warning only, as in gcc 12
	return 0;
}
---
#include <nope.h>
int main(void) { return 0; }
---
int main(void) {
	int x = 1 +; ### "expected an expression, found ';'"
	return 0;
}
---
int main(void) {
	return 0; ### "expected '}' before end of input"
---
struct s { int a : 3; }; ### "bit-fields are not supported"
---
struct s { int a; };
struct s f(void) { struct s r = {1}; return r; }
int main(void) {
	f().a = 2; ### "lvalue required as left operand of assignment"
	int *p = &f().a; ### "lvalue required as unary '&' operand"
	f().a++; ### "lvalue required as increment operand"
	return f().a;
}
---
struct later;
struct later g(void);
int main(void) {
	g(); ### "calling 'g' with the incomplete return type 'struct later'"
	return 0;
}
struct later { int a; };
struct later g(void) { struct later r = {0}; return r; }
---
struct later;
struct later g(void) { ### "return type of 'g' is the incomplete type 'struct later'"
}
---
struct e {};
struct e x[] = {1}; ### "excess elements in initializer"
---
extern long never_used;
int main(void) {
	return sizeof never_used - 8;
}
---
extern long nowhere;
int main(void) {
	return nowhere; ### "undefined reference to `nowhere' \(declared extern, never defined\)"
}
