package libc

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestHeadersPlainSubset(t *testing.T) {
	forbidden := []string{"__attribute__", "inline", "restrict", "float", "double", "{", "asm(", "__asm"}
	for _, name := range HeaderNames() {
		h, _ := Header(name)
		for _, f := range forbidden {
			if strings.Contains(h, f) {
				t.Errorf("%s contains %q", name, f)
			}
		}
		if !strings.HasPrefix(h, "#ifndef ") || !strings.HasSuffix(h, "#endif\n") {
			t.Errorf("%s has no include guard", name)
		}
	}
	if _, ok := Header("linux/slab.h"); ok {
		t.Error("kernel headers are not user-space headers")
	}
}

func TestFunctions(t *testing.T) {
	cases := []struct {
		header string
		want   []string
	}{
		{"oracle.h", []string{"minor_faults", "rss_pages", "is_mmapped"}},
		{"malloc.h", []string{"malloc", "free", "calloc", "realloc", "mallopt", "malloc_trim", "malloc_usable_size"}},
		{"sys/mman.h", []string{"mmap", "munmap", "mprotect", "mremap", "madvise"}},
		{"unistd.h", []string{"brk", "sbrk", "read", "write", "close", "getpid", "getpagesize", "_exit"}},
		{"fcntl.h", []string{"open"}},
		{"stddef.h", nil},
		{"no-such.h", nil},
	}
	for _, c := range cases {
		if got := Functions(c.header); !slices.Equal(got, c.want) {
			t.Errorf("Functions(%q) = %v, want %v", c.header, got, c.want)
		}
	}
	// Every builtin of SPEC §5's user list has a header.
	for _, fn := range strings.Fields("malloc free calloc realloc mallopt malloc_trim malloc_usable_size memset memcpy memmove strcpy strlen strcmp brk sbrk mmap munmap open read write close getpid exit abort printf puts putchar") {
		if _, ok := HeaderFor(fn); !ok {
			t.Errorf("%s is in no header", fn)
		}
	}
}

func TestHint(t *testing.T) {
	cases := []struct{ name, want string }{
		{"kmalloc", "kmalloc is a kernel function; user programs call malloc"},
		{"kzalloc", "kzalloc is a kernel function; user programs call calloc"},
		{"vfree", "vfree is a kernel function; user programs call free"},
		{"__get_free_pages", "__get_free_pages is a kernel function; user programs call mmap"},
		{"printk", "printk is a kernel function; user programs call printf"},
		{"malloc", "malloc is declared in <stdlib.h>; add #include <stdlib.h>"},
		{"mallopt", "mallopt is declared in <malloc.h>; add #include <malloc.h>"},
		{"mmap", "mmap is declared in <sys/mman.h>; add #include <sys/mman.h>"},
		{"minor_faults", "minor_faults is declared in <oracle.h>; add #include <oracle.h>"},
		{"frobnicate", ""},
	}
	for _, c := range cases {
		if got := Hint(c.name); got != c.want {
			t.Errorf("Hint(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

var (
	defineRE  = regexp.MustCompile(`(?m)^#define ([A-Za-z_][A-Za-z0-9_]*) (.+)$`)
	typedefRE = regexp.MustCompile(`(?m)^typedef (.+) ([A-Za-z_][A-Za-z0-9_]*);$`)
)

// TestHeadersMatchSystem compiles the headers with gcc, alone
// (-nostdinc, prototypes checked against gcc's builtins), then prints
// every constant and every typedef's size and signedness once with them
// and once with the real /usr/include, and compares.
func TestHeadersMatchSystem(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found")
	}
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc")
	for _, name := range HeaderNames() {
		h, _ := Header(name)
		p := filepath.Join(inc, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(h), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var includes, body strings.Builder
	seen := map[string]bool{}
	for _, name := range HeaderNames() {
		if name == "oracle.h" {
			continue
		}
		fmt.Fprintf(&includes, "#include <%s>\n", name)
		h, _ := Header(name)
		for _, m := range defineRE.FindAllStringSubmatch(h, -1) {
			n := m[1]
			if seen[n] || strings.HasSuffix(n, "_H") || strings.HasPrefix(n, "__") || n == "NULL" || n == "MAP_FAILED" || strings.Contains(n, "(") || m[2] == "" {
				continue
			}
			seen[n] = true
			fmt.Fprintf(&body, "\tprintf(\"%s %%lld %%d\\n\", (long long)(%s), (int)sizeof(%s));\n", n, n, n)
		}
		for _, m := range typedefRE.FindAllStringSubmatch(h, -1) {
			n := m[2]
			if seen[n] || n == "FILE" {
				continue
			}
			seen[n] = true
			fmt.Fprintf(&body, "\tprintf(\"%s %%d %%d\\n\", (int)sizeof(%s), (int)((%s)-1 < 0));\n", n, n, n)
		}
	}
	body.WriteString("\tprintf(\"NULL %d MAP_FAILED %ld\\n\", NULL == (void *)0, (long)MAP_FAILED);\n")
	prog := includes.String() + "int main(void) {\n" + body.String() + "\treturn 0;\n}\n"
	src := filepath.Join(dir, "h.c")
	os.WriteFile(src, []byte(prog), 0o644)
	run := func(args ...string) string {
		bin := filepath.Join(dir, "h")
		cmd := exec.Command(gcc, append(args, "-o", bin, src)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gcc %v: %v\n%s", args, err, out)
		}
		out, err := exec.Command(bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	ours := run("-std=gnu11", "-nostdinc", "-I", inc, "-Werror=builtin-declaration-mismatch", "-Werror=implicit-function-declaration")
	real := run("-std=gnu11", "-D_GNU_SOURCE")
	if ours != real {
		ol, rl := strings.Split(ours, "\n"), strings.Split(real, "\n")
		for i := range min(len(ol), len(rl)) {
			if ol[i] != rl[i] {
				t.Errorf("ours %q, /usr/include %q", ol[i], rl[i])
			}
		}
	}
	// Each header alone, and oracle.h, compile with the builtin checks.
	for _, name := range HeaderNames() {
		one := filepath.Join(dir, "one.c")
		os.WriteFile(one, []byte("#include <"+name+">\n#include <"+name+">\nint main(void) { return 0; }\n"), 0o644)
		if out, err := exec.Command(gcc, "-std=gnu11", "-nostdinc", "-I", inc, "-fsyntax-only", "-Werror=builtin-declaration-mismatch", "-Wall", "-Werror", one).CombinedOutput(); err != nil {
			t.Errorf("%s alone: %v\n%s", name, err, out)
		}
	}
	t.Logf("%d names compared", strings.Count(ours, "\n"))
}
