package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mmplay/engine/cc/syntax"
)

func testHeaders(name string) (string, bool) {
	b, err := os.ReadFile(filepath.Join("..", "syntax", "testdata", "include", filepath.FromSlash(name)))
	if err != nil {
		return "", false
	}
	return string(b), true
}

var testBuiltins = map[string]bool{
	"malloc": true, "free": true, "calloc": true, "realloc": true, "printf": true,
	"puts": true, "putchar": true, "sbrk": true, "mmap": true, "munmap": true,
	"malloc_usable_size": true, "mallopt": true, "malloc_trim": true,
	"minor_faults": true, "rss_pages": true, "is_mmapped": true, "exit": true,
	"memset": true, "memcpy": true, "strlen": true, "strcmp": true, "strcpy": true,
	"open": true, "read": true, "write": true, "close": true, "abort": true,
}

func testConfig() Config {
	return Config{
		IsBuiltin: func(n string) bool { return testBuiltins[n] },
		Hint: func(n string) string {
			if n == "kmalloc" {
				return "kmalloc is a kernel function; user programs call malloc"
			}
			return ""
		},
	}
}

func checkSrc(t *testing.T, src string) (*Program, syntax.ErrorList) {
	t.Helper()
	f, errs := syntax.Parse("t.c", []byte(src), testHeaders)
	if errs.HasErrors() {
		return nil, errs
	}
	p, cerrs := Check(f, testConfig())
	return p, append(errs, cerrs...)
}

func TestOracleCasesCheck(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/oracle/public/cases/*.c")
	if len(files) == 0 {
		t.Skip("oracle cases not found")
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		_, errs := checkSrc(t, string(src))
		for _, e := range errs {
			t.Errorf("%s: %v", filepath.Base(name), e)
		}
	}
}

func TestTypeSizes(t *testing.T) {
	for _, tc := range []struct {
		decl        string
		size, align int64
		str         string
	}{
		{"char x;", 1, 1, "char"},
		{"short x;", 2, 2, "short"},
		{"int x;", 4, 4, "int"},
		{"long x;", 8, 8, "long"},
		{"long long x;", 8, 8, "long long"},
		{"unsigned x;", 4, 4, "unsigned int"},
		{"char *x;", 8, 8, "char *"},
		{"int x[10];", 40, 4, "int[10]"},
		{"struct s { char c; int i; } x;", 8, 4, "struct s"},
		{"struct s { char c; long l; char d; } x;", 24, 8, "struct s"},
		{"union u { char c[5]; int i; } x;", 8, 4, "union u"},
		{"struct s { char a; struct { short b; char c; } in; } x;", 6, 2, "struct s"},
		{"_Bool x;", 1, 1, "_Bool"},
		{"int (*x)(int, char *);", 8, 8, "int (*)(int, char *)"},
		{"char *x[3];", 24, 8, "char *[3]"},
		{"enum e { A, B } x;", 4, 4, "enum e"},
		{"const char *x;", 8, 8, "const char *"},
		{"char *const x = 0;", 8, 8, "char * const"},
	} {
		p, errs := checkSrc(t, tc.decl)
		if errs.HasErrors() {
			t.Errorf("%s: %v", tc.decl, errs)
			continue
		}
		v := p.Globals[0]
		if v.Type.Size() != tc.size || v.Type.Align() != tc.align || v.Type.String() != tc.str {
			t.Errorf("%s: size %d align %d %q", tc.decl, v.Type.Size(), v.Type.Align(), v.Type.String())
		}
	}
}

func TestConstantFolding(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want string // type:value (value as int64)
	}{
		{"1 + 2 * 3", "int:7"},
		{"-1", "int:-1"},
		{"2147483647 + 1", "int:-2147483648"},
		{"4294967295", "long:4294967295"},
		{"0xffffffff", "unsigned int:4294967295"},
		{"-1 < 0u", "int:0"},
		{"-1L < 0u", "int:1"},
		{"(unsigned char)300", "unsigned char:44"},
		{"(signed char)200", "signed char:-56"},
		{"sizeof(long) * 3", "unsigned long:24"},
		{"'A' + 1", "int:66"},
		{"1 << 31", "int:-2147483648"},
		{"-7 / 2", "int:-3"},
		{"-7 % 2", "int:-1"},
		{"7u >> 1", "unsigned int:3"},
		{"-8 >> 1", "int:-4"},
		{"!5", "int:0"},
		{"~0UL", "unsigned long:-1"},
		{"1 ? 2 : 3L", "long:2"},
		{"(char)0x1ff", "char:-1"},
		{"(_Bool)256", "_Bool:1"},
		{"1 && 0", "int:0"},
		{"3 || 0", "int:1"},
		{"sizeof \"abc\"", "unsigned long:4"},
		{"(short)-1 == 65535", "int:0"},
		{"(unsigned short)-1 == 65535", "int:1"},
	} {
		p, errs := checkSrc(t, "void f(void) { "+tc.expr+"; }")
		if errs.HasErrors() {
			t.Errorf("%s: %v", tc.expr, errs)
			continue
		}
		x := p.Funcs[0].Body.Stmts[0].(*ExprStmt).X
		k, ok := x.(*Const)
		if !ok {
			t.Errorf("%s: not folded (%T)", tc.expr, x)
			continue
		}
		got := k.T.String() + ":" + itoa64(int64(k.V))
		if got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.expr, got, tc.want)
		}
	}
}

func itoa64(v int64) string {
	if v < 0 {
		return "-" + strings.TrimPrefix(itoa64(-v), "-")
	}
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa64(v/10) + string(rune('0'+v%10))
}
