package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeaders resolves #include names from testdata/include.
func testHeaders(name string) (string, bool) {
	b, err := os.ReadFile(filepath.Join("testdata", "include", filepath.FromSlash(name)))
	if err != nil {
		return "", false
	}
	return string(b), true
}

func parseOK(t *testing.T, src string) *File {
	t.Helper()
	f, errs := Parse("t.c", []byte(src), testHeaders)
	if errs.HasErrors() {
		t.Fatalf("parse %q: %v", src, errs)
	}
	return f
}

func TestParseExpr(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"a + b * c", "(+ a (* b c))"},
		{"(a + b) * c", "(* (+ a b) c)"},
		{"a - b - c", "(- (- a b) c)"},
		{"a = b = c", "(= a (= b c))"},
		{"x += 1 << 2", "(+= x (<< 1 2))"},
		{"a ? b : c ? d : e", "(? a b (? c d e))"},
		{"a || b && c", "(|| a (&& b c))"},
		{"a & b == c", "(& a (== b c))"},
		{"*p++", "(deref (post++ p))"},
		{"-x", "(neg x)"},
		{"&a[1]", "(addr (index a 1))"},
		{"p->next->val", "(-> (-> p next) val)"},
		{"s.a.b", "(. (. s a) b)"},
		{"f(x, 1)(2)", "(call (call f x 1) 2)"},
		{"(char *)p + 1", "(+ (cast (ptr char) p) 1)"},
		{"(unsigned long)x", "(cast unsigned long x)"},
		{"sizeof(int) * 2", "(* (sizeof-type int) 2)"},
		{"sizeof x", "(sizeof x)"},
		{"sizeof (x)", "(sizeof x)"},
		{"sizeof(struct s *)", "(sizeof-type (ptr struct s))"},
		{"(void (*)(int))0", "(cast (ptr (fn void int)) 0)"},
		{"a, b", "(, a b)"},
		{"!~x", "(! (~ x))"},
		{"--x", "(pre-- x)"},
		{"\"ab\" \"cd\"", "\"abcd\""},
		{"'\\n'", "'\\n'"},
		{"0x10UL", "0x10UL"},
		{"NULL", "(cast (ptr void) 0)"},
	} {
		f := parseOK(t, "#include <stddef.h>\nvoid f(void) { "+tc.src+"; }")
		body := f.Decls[len(f.Decls)-1].Body
		got := ExprString(body.Stmts[0].(*ExprStmt).X)
		if got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestParseDecl(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"int x;", "(decl x int)"},
		{"unsigned long x = 1;", "(decl x unsigned long = 1)"},
		{"int *a[3];", "(decl a (array 3 (ptr int)))"},
		{"int (*a)[3];", "(decl a (ptr (array 3 int)))"},
		{"int a[2][3];", "(decl a (array 2 (array 3 int)))"},
		{"char *s = \"x\";", "(decl s (ptr char) = \"x\")"},
		{"static int n;", "(static n int)"},
		{"extern int n;", "(extern n int)"},
		{"const char *const p;", "(decl p (const ptr const char))"},
		{"int (*fp)(int, char *);", "(decl fp (ptr (fn int int (ptr char))))"},
		{"void (*signal(int, void (*)(int)))(int);", "(decl signal (fn (ptr (fn void int)) int (ptr (fn void int))))"},
		{"int printf(const char *fmt, ...);", "(decl printf (fn int fmt:(ptr const char) ...))"},
		{"int f();", "(decl f (fn int ?))"},
		{"int main(void) { return 0; }", "(func main (fn int) (block (return 0)))"},
		{"typedef unsigned long size_t;", "(typedef size_t unsigned long)"},
		{"struct s { int a; char *b; };", "(tag struct s {a int; b (ptr char)})"},
		{"struct s *p;", "(decl p (ptr struct s))"},
		{"union u { int i; long l; } x;", "(decl x union u {i int; l long})"},
		{"enum color { RED, GREEN = 5, BLUE };", "(tag enum color {RED GREEN=5 BLUE})"},
		{"int a[] = {1, 2, [5] = 3};", "(decl a (array ? int) = {1 2 [5]=3})"},
		{"struct fo { int (*read)(int); } f = { .read = r };", "(decl f struct fo {read (ptr (fn int int))} = {.read=r})"},
		{"_Bool b;", "(decl b _Bool)"},
		{"bool b;", "(decl b _Bool)"},
		{"typedef _Bool bool;", "(typedef bool _Bool)"},
		{"static inline int f(int x) { return x; }", "(func f (fn int x:int) (block (return x)))"},
		{"long long x;", "(decl x long long)"},
		{"int __attribute__((unused)) x;", "(decl x int)"},
	} {
		f := parseOK(t, tc.src)
		var got []string
		for _, d := range f.Decls {
			got = append(got, DeclString(d))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.src, g, tc.want)
		}
	}
}

func TestParseStmt(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"if (a) b; else c;", "(if a b c)"},
		{"if (a) if (b) c; else d;", "(if a (if b c d))"},
		{"while (i < 10) i++;", "(while (< i 10) (post++ i))"},
		{"do i++; while (i);", "(do (post++ i) i)"},
		{"for (i = 0; i < n; i++) s += i;", "(for (= i 0) (< i n) (post++ i) (+= s i))"},
		{"for (int j = 0; ; ) ;", "(for (decl j int = 0) nil nil (empty))"},
		{"for (;;) break;", "(for nil nil nil (break))"},
		{"switch (x) { case 1: case 2: y; break; default: z; }", "(switch x (block (case 1 (case 2 y)) (break) (default z)))"},
		{"{ int a = 1, *b; }", "(block (decl a int = 1) (decl b (ptr int)))"},
		{"return;", "(return)"},
		{"typedef int T; T *p;", "(typedef T int) (decl p (ptr T))"},
	} {
		f := parseOK(t, "void f(void) { "+tc.src+" }")
		var got []string
		for _, s := range f.Decls[0].Body.Stmts {
			got = append(got, StmtString(s))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.src, g, tc.want)
		}
	}
}

func TestPositions(t *testing.T) {
	src := "#include <stddef.h>\nint main(void)\n{\n    int *p = NULL;\n    return p  +  1;\n}\n"
	f := parseOK(t, src)
	main := f.Decls[len(f.Decls)-1]
	if main.NamePos != (Pos{2, 5}) {
		t.Errorf("main at %v", main.NamePos)
	}
	decl := main.Body.Stmts[0].(*DeclStmt)
	if decl.DeclPos != (Pos{4, 5}) || decl.Decls[0].NamePos != (Pos{4, 10}) {
		t.Errorf("decl at %v, name at %v", decl.DeclPos, decl.Decls[0].NamePos)
	}
	// NULL's expansion carries the position of NULL in the snippet
	if p := decl.Decls[0].Init.Pos(); p != (Pos{4, 14}) {
		t.Errorf("NULL at %v", p)
	}
	ret := main.Body.Stmts[1].(*ReturnStmt)
	if b := ret.X.(*Binary); b.OpPos != (Pos{5, 15}) || b.Y.Pos() != (Pos{5, 18}) {
		t.Errorf("+ at %v, 1 at %v", b.OpPos, b.Y.Pos())
	}
	// declarations from a header name the header
	if f.Decls[0].File != "stddef.h" || f.Decls[0].NamePos.Line != 3 {
		t.Errorf("first decl from %s:%v", f.Decls[0].File, f.Decls[0].NamePos)
	}
}

func TestPreprocessor(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"#define N 10\nN", "10"},
		{"#define SQ(x) ((x)*(x))\nSQ(a+1)", "( ( a + 1 ) * ( a + 1 ) )"},
		{"#define F(a, b) a b\nF((1,2), 3)", "( 1 , 2 ) 3"},
		{"#define F(x) x\nF(F(1))", "1"},
		{"#define A A B\nA", "A B"},
		{"#define S(x) #x\nS(a + b)", "\"a + b\""},
		{"#define CAT(a,b) a##b\nCAT(x, 1)", "x1"},
		{"#define F(x) x\nF", "F"},
		{"#if 0\nhidden\n#else\nshown\n#endif", "shown"},
		{"#if 1\none\n#elif 1\ntwo\n#endif", "one"},
		{"#define X\n#ifdef X\nyes\n#endif\n#ifndef X\nno\n#endif", "yes"},
		{"#define V 3\n#if V > 2 && defined(V)\nbig\n#endif", "big"},
		{"#if 0\n#if 1\nx\n#endif\ny\n#endif\nz", "z"},
		{"#define N 1\n#undef N\nN", "N"},
		{"a /* c */ b // d\nc", "a b c"},
		{"#define LONG 1 + \\\n 2\nLONG", "1 + 2"},
		{"#include <stddef.h>\nNULL", "( ( void * ) 0 )"},
		{"#define P(fmt, ...) printk(\"<6>\" fmt, ##__VA_ARGS__)\nP(\"a\"); P(\"b %d\", 1, 2);", "printk ( \"<6>\" \"a\" ) ; printk ( \"<6>\" \"b %d\" , 1 , 2 ) ;"},
		{"#define V(...) f(__VA_ARGS__)\nV() V(1) V(1, 2)", "f ( ) f ( 1 ) f ( 1 , 2 )"},
	} {
		var errs ErrorList
		toks := Preprocess("t.c", []byte(tc.src), testHeaders, &errs)
		if errs.HasErrors() {
			t.Errorf("%q: %v", tc.src, errs)
			continue
		}
		var got []string
		for _, tk := range toks {
			if tk.File == "t.c" {
				got = append(got, tk.Text)
			}
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%q: got %q, want %q", tc.src, g, tc.want)
		}
	}
}

func TestLiterals(t *testing.T) {
	for _, tc := range []struct {
		text string
		v    uint64
		info IntLitInfo
	}{
		{"0", 0, IntLitInfo{Decimal: true}},
		{"10", 10, IntLitInfo{Decimal: true}},
		{"0x1F", 31, IntLitInfo{}},
		{"017", 15, IntLitInfo{}},
		{"10UL", 10, IntLitInfo{Decimal: true, Unsigned: true, Long: 1}},
		{"5ll", 5, IntLitInfo{Decimal: true, Long: 2}},
		{"0xffffffffffffffff", ^uint64(0), IntLitInfo{}},
		{"0b101", 5, IntLitInfo{}},
	} {
		v, info, ov, err := ParseInt(tc.text)
		if err != "" || ov || v != tc.v || info != tc.info {
			t.Errorf("%s: %d %+v %v %q", tc.text, v, info, ov, err)
		}
	}
	for _, bad := range []string{"1.5", "08", "1uu", "0x", "99999999999999999999"} {
		_, _, ov, err := ParseInt(bad)
		if err == "" && !ov {
			t.Errorf("%s: accepted", bad)
		}
	}
	for _, tc := range []struct {
		text string
		v    int64
	}{{"'a'", 97}, {`'\0'`, 0}, {`'\n'`, 10}, {`'\x41'`, 65}, {`'\101'`, 65}, {`'\xff'`, -1}, {`'\''`, 39}} {
		v, err := ParseChar(tc.text)
		if err != "" || v != tc.v {
			t.Errorf("%s: %d %q", tc.text, v, err)
		}
	}
	b, err := ParseString(`"a\tb\x41\0"`)
	if err != "" || string(b) != "a\tbA\x00" {
		t.Errorf("string: %q %q", b, err)
	}
}

func TestOracleCasesParse(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/oracle/public/cases/*.c")
	if len(files) == 0 {
		files, _ = filepath.Glob("/work/shared/oracle/public/cases/*.c")
	}
	if len(files) == 0 {
		t.Skip("oracle cases not found")
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		_, errs := Parse(filepath.Base(name), src, testHeaders)
		if len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
	}
}
