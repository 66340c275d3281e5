package interp

import (
	"testing"

	"mmplay/engine/arch"
)

// fuzzBuiltins is a small builtin set whose Go side is bounded whatever
// the arguments (no loops over caller-given lengths).
func (m *machine) fuzzBuiltins() map[string]Builtin {
	all := m.builtins()
	b := map[string]Builtin{}
	for _, name := range []string{"printf", "puts", "putchar", "malloc", "calloc", "free",
		"sbrk", "malloc_usable_size", "mallopt", "malloc_trim", "minor_faults", "rss_pages",
		"is_mmapped", "exit", "abort", "strlen", "strcmp", "open", "read", "write", "close", "munmap"} {
		b[name] = all[name]
	}
	b["malloc"] = func(c *Call) uint64 {
		if c.Args[0] > 64<<10 {
			return 0
		}
		return m.alloc(c.Args[0])
	}
	b["calloc"] = func(c *Call) uint64 {
		if c.Args[0] > 64<<10 || c.Args[1] > 64<<10 || c.Args[0]*c.Args[1] > 64<<10 {
			return 0
		}
		return m.alloc(c.Args[0] * c.Args[1])
	}
	b["sbrk"] = func(c *Call) uint64 { return m.brk }
	b["realloc"] = func(c *Call) uint64 { return 0 }
	b["mmap"] = func(c *Call) uint64 { return ^uint64(0) }
	b["memset"] = func(c *Call) uint64 { return c.Args[0] }
	b["memcpy"] = func(c *Call) uint64 { return c.Args[0] }
	b["strcpy"] = func(c *Call) uint64 { return c.Args[0] }
	return b
}

// FuzzCompileRun feeds arbitrary text through parse → check → run with
// a small step limit. Any outcome is fine — compile errors, signals, the
// step limit — except a Go panic or a hang. The seed corpus in
// testdata/fuzz/FuzzCompileRun holds the oracle programs, the gcc
// programs and small snippets of every statement and expression kind.
func FuzzCompileRun(f *testing.F) {
	f.Add([]byte("int main(void) { return 0; }"))
	f.Add([]byte("#include <stdio.h>\nint main(void) { int a[3] = {1,2}; printf(\"%d\\n\", a[1]); return a[2]; }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		m := &machine{}
		p, _ := Compile("fuzz.c", src, Options{Headers: testHeaders, Builtins: m.fuzzBuiltins(), MaxSourceBytes: 64 << 10,
			Externs: map[string]uint64{"hostvar": testHeap}})
		if p == nil || !p.HasFunc("main") {
			return
		}
		if p.BssSize > 1<<28 || p.DataSize+p.RodataSize > 16<<20 {
			return // the test machine maps only what fits the fake memory comfortably
		}
		m.load(p)
		m.mem.budget = 64 << 20
		th := p.NewThread(m.mem, testStackTop, RunOptions{MaxSteps: 20000})
		r := th.Run("main")
		if r.Signal != nil && r.Signal.Signo != arch.SIGSEGV && r.Signal.Signo != arch.SIGFPE && r.Signal.Signo != arch.SIGABRT && r.Signal.Signo != arch.SIGKILL {
			t.Fatalf("unexpected signal %v", r.Signal)
		}
	})
}
