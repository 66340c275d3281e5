package interp

import (
	"strings"
	"testing"
)

// hostVar is where the fake host keeps a provided extern variable, as
// libc keeps stdout in its .data (outside every snippet section).
const hostVar = 0x7ffff7fa9868

// externRun compiles src with the host providing "hostvar" (and "stdout_like")
// at hostVar, which holds initial; it runs main and returns the result
// and the memory.
func externRun(t *testing.T, src string, initial uint64) (*machine, *Program, Result) {
	t.Helper()
	m := &machine{}
	opts := Options{Headers: testHeaders, Builtins: m.builtins(),
		Externs: map[string]uint64{"stdout_like": hostVar, "hostvar": hostVar}}
	p, diags := Compile("t.c", []byte(src), opts)
	if p == nil {
		t.Fatalf("compile: %v", diags)
	}
	m.load(p)
	m.mem.mapRegion(hostVar&^4095, hostVar&^4095+4096, true, "libc .data")
	m.mem.Store(hostVar, 8, initial)
	r := p.NewThread(m.mem, testStackTop, RunOptions{MaxSteps: 10000}).Run("main")
	if r.Err != nil || r.Signal != nil {
		t.Fatalf("run: %+v", r)
	}
	return m, p, r
}

func TestExternProvidedByHost(t *testing.T) {
	t.Run("load at the host's address", func(t *testing.T) {
		_, _, r := externRun(t, `extern long stdout_like; int main(void){ return stdout_like; }`, 42)
		if r.Status != 42 {
			t.Fatalf("status %d, want 42", r.Status)
		}
	})
	t.Run("store and address-of", func(t *testing.T) {
		m, _, r := externRun(t, `extern long hostvar;
int main(void) { long *p = &hostvar; hostvar = 7; *p += 1; return p == (long *)0x7ffff7fa9868; }`, 0)
		if r.Status != 1 {
			t.Fatalf("&hostvar is not the host's address (status %d)", r.Status)
		}
		if v := m.mem.Load(hostVar, 8); v != 8 {
			t.Fatalf("host variable holds %d, want 8", v)
		}
	})
	t.Run("relocation in a static initializer", func(t *testing.T) {
		_, p, r := externRun(t, `extern long hostvar;
long *pv = &hostvar;
int main(void) { return *pv + 1; }`, 99)
		if r.Status != 100 {
			t.Fatalf("status %d, want 100", r.Status)
		}
		if p.DataSize != 8 || p.BssSize != 0 {
			t.Fatalf("the extern took room in the snippet: data %d bss %d", p.DataSize, p.BssSize)
		}
	})
	t.Run("a definition in the snippet wins", func(t *testing.T) {
		m, _, r := externRun(t, `extern long hostvar; long hostvar = 3;
int main(void) { hostvar++; return hostvar; }`, 50)
		if r.Status != 4 || m.mem.Load(hostVar, 8) != 50 {
			t.Fatalf("status %d, host variable %d; want 4 and untouched 50", r.Status, m.mem.Load(hostVar, 8))
		}
	})
	t.Run("FILE pointer through a header's declaration", func(t *testing.T) {
		_, _, r := externRun(t, `struct file { int fd; };
extern struct file *stdout_like;
int main(void) { return stdout_like == 0 ? 1 : 2; }`, 0x1000)
		if r.Status != 2 {
			t.Fatalf("status %d, want 2", r.Status)
		}
	})
}

func TestExternNotProvided(t *testing.T) {
	for _, tc := range []struct{ name, src, err string }{
		{"unused extern is fine", `extern long nobody; extern int arr[];
int main(void) { return 0; }`, ""},
		{"sizeof is not a use", `extern long nobody;
int main(void) { return sizeof nobody; }`, ""},
		{"used unknown extern", `extern long nobody;
int main(void) { return nobody; }`, "t.c:2:25: undefined reference to `nobody' (declared extern, never defined)"},
		{"address of unknown extern", `extern long nobody;
long *p = &nobody;
int main(void) { return 0; }`, "t.c:2:12: undefined reference to `nobody'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &machine{}
			opts := Options{Headers: testHeaders, Builtins: m.builtins(), Externs: map[string]uint64{"hostvar": hostVar}}
			p, diags := Compile("t.c", []byte(tc.src), opts)
			if tc.err == "" {
				if p == nil {
					t.Fatalf("compile: %v", diags)
				}
				m.load(p)
				if r := p.NewThread(m.mem, testStackTop, RunOptions{}).Run("main"); r.Signal != nil || r.Err != nil {
					t.Fatalf("run: %+v", r)
				}
				return
			}
			if p != nil || len(diags) == 0 {
				t.Fatalf("compiled; want %q", tc.err)
			}
			if got := diags[0].Error(); !strings.HasPrefix(got, tc.err) {
				t.Fatalf("got %q, want %q", got, tc.err)
			}
		})
	}
}
