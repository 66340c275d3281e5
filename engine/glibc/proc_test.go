package glibc

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
)

// proc runs a C program's allocator calls on the model, the way the
// oracle programs make them, and prints like printf on a pipe: the first
// printf mallocs the 4096-byte stdout buffer (facts §1.17), and an abort
// loses everything still buffered.
type proc struct {
	k       *fakeKernel
	m       *Malloc
	base    uint64
	out     strings.Builder
	stdoutB uint64
	check   func(*Malloc) // called after every allocator call (may be nil)
}

func newProc() *proc {
	k := newFakeKernel()
	p := &proc{k: k, m: New(k, Config{})}
	p.base = p.m.Sbrk(0)
	return p
}

func (p *proc) after() {
	if p.check != nil {
		p.check(p.m)
	}
}

func (p *proc) malloc(n uint64) uint64     { r := p.m.Malloc(n); p.after(); return r }
func (p *proc) calloc(n, s uint64) uint64  { r := p.m.Calloc(n, s); p.after(); return r }
func (p *proc) realloc(a, n uint64) uint64 { r := p.m.Realloc(a, n); p.after(); return r }
func (p *proc) free(a uint64)              { p.m.Free(a); p.after() }
func (p *proc) mallopt(c, v int32) int     { r := p.m.Mallopt(c, v); p.after(); return r }
func (p *proc) trim(pad uint64) int        { r := p.m.Trim(pad); p.after(); return r }
func (p *proc) sbrk(n int64) uint64        { r := p.m.Sbrk(n); p.after(); return r }
func (p *proc) usable(a uint64) uint64     { return p.m.UsableSize(a) }
func (p *proc) isMmapped(a uint64) int {
	if p.k.Load(a-8, 8)&2 != 0 {
		return 1
	}
	return 0
}
func (p *proc) off(a uint64) uint64 { return a - p.base }
func (p *proc) brkOff() uint64      { return p.m.Sbrk(0) - p.base }

// printf formats a C format string with Go's fmt (%ld, %zu → %d, %lx → %x).
func (p *proc) printf(format string, args ...any) {
	if p.stdoutB == 0 {
		p.stdoutB = p.m.Malloc(4096)
		p.after()
	}
	r := strings.NewReplacer("%ld", "%d", "%zu", "%d", "%lx", "%x")
	fmt.Fprintf(&p.out, r.Replace(format), args...)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// run calls body and returns stdout and the .err text of run.sh: empty, or
// stderr plus a status line when glibc aborted or the process crashed.
func (p *proc) run(body func()) (stdout, stderr string) {
	func() {
		defer func() {
			if r := recover(); r != nil {
				switch e := r.(type) {
				case *aborted:
					stderr = e.msg + "\n== killed by signal 6 (SIGABRT)\n"
					p.out.Reset() // a pipe is fully buffered; abort does not flush
				case *arch.Signal:
					stderr = fmt.Sprintf("== killed by signal %d (%s)\n", e.Signo, arch.SignalName(e.Signo))
					p.out.Reset()
				default:
					panic(r)
				}
			}
		}()
		body()
	}()
	return p.out.String(), stderr
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
