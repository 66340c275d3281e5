package kernel

import (
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/cc/interp"
)

func FuzzVsnprintf(f *testing.F) {
	for _, s := range []string{"%d", "%-*.*s|", "%pa%pGg%px%p%pS", "%#llx %hhu %zd", "%", "%5", "%.*", "%*d"} {
		f.Add(s, uint64(42), uint64(PageOffset+0x100000))
	}
	k := boot(f, 16<<20, "6.1", false)
	f.Fuzz(func(t *testing.T, format string, a, b uint64) {
		_ = k.Vsnprintf(format, []uint64{a, b, a ^ b}, func(addr uint64, buf []byte) bool { return k.peek(addr, buf) })
	})
}

// Every builtin survives absurd arguments: it may end the simulated task
// (an *arch.Signal panic, as a real Oops would) but never panics otherwise,
// and the kernel's invariants hold afterwards.
func TestBuiltinsBadArguments(t *testing.T) {
	k, sa, va := bootFull(t, 32<<20, true)
	s := newSnippet(k)
	nop := s.fn(func(...uint64) uint64 { return 0 })
	b := k.Builtins()
	names := make([]string, 0, len(b))
	for n := range b {
		names = append(names, n)
	}
	sortStrings(names)
	values := []uint64{0, 1, 16, 4095, ^uint64(0), 1 << 63, PageOffset, PageOffset + 32<<20, VmallocStart, VmemmapBase + 64, arch.TaskSize, nop}
	for _, n := range names {
		for i, v := range values {
			w := values[(i+3)%len(values)]
			args := []uint64{v, w, v, w, v, w}
			func() {
				defer func() {
					if r := recover(); r != nil {
						if _, ok := r.(*arch.Signal); !ok {
							t.Fatalf("%s(%#x, %#x, …) panicked: %v", n, v, w, r)
						}
					}
				}()
				b[n](&interp.Call{Name: n, Args: args})
			}()
		}
	}
	// leave the context clean, then check
	k.ctx = contextState{}
	checkFull(t, k, sa, va)
	_ = buddy.GFP_KERNEL
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
