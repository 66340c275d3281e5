package glibc

import (
	"fmt"
	"strings"
	"testing"
)

// heapString renders the brk heap as "offset:size:state" words relative to
// the first chunk, e.g. "0:290:use 290:20:tcache0 2b0:20d50:top".
func heapString(t *testing.T, m *Malloc) string {
	t.Helper()
	s, err := m.Snapshot()
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	if len(s.Chunks) == 0 {
		return ""
	}
	base := s.Chunks[0].Addr
	var w []string
	for _, c := range s.Chunks {
		st := map[ChunkState]string{InUse: "use", InTcache: "tcache", InFastbin: "fast", InUnsorted: "unsorted",
			InSmallbin: "small", InLargebin: "large", Top: "top"}[c.State]
		if c.State == InTcache || c.State == InFastbin || c.State == InSmallbin || c.State == InLargebin {
			st += fmt.Sprint(c.Bin)
		}
		w = append(w, fmt.Sprintf("%x:%x:%s", c.Addr-base, c.Size, st))
	}
	return strings.Join(w, " ")
}

// TestWholeState: named cases, each a sequence of operations from a fresh
// process, and the whole heap afterwards (STYLE.md habit 7). Invariants
// are checked after every operation.
func TestWholeState(t *testing.T) {
	cases := []struct {
		name  string
		ops   func(p *proc) []uint64 // returns results to check
		want  []uint64               // results as offsets from the first chunk (0: NULL)
		after string
	}{
		{
			name:  "first malloc puts the tcache struct first and leaves top 0x20d50",
			ops:   func(p *proc) []uint64 { return []uint64{p.malloc(1)} },
			want:  []uint64{0x2a0},
			after: "0:290:use 290:20:use 2b0:20d50:top",
		},
		{
			name: "free of a small chunk goes to the tcache, not into top",
			ops: func(p *proc) []uint64 {
				a := p.malloc(24)
				p.free(a)
				return nil
			},
			after: "0:290:use 290:20:tcache0 2b0:20d50:top",
		},
		{
			name: "eighth free of a 0x30 chunk goes to fastbin 1",
			ops: func(p *proc) []uint64 {
				var a [8]uint64
				for i := range a {
					a[i] = p.malloc(40)
				}
				p.malloc(40)
				for i := range a {
					p.free(a[i])
				}
				return nil
			},
			after: "0:290:use 290:30:tcache1 2c0:30:tcache1 2f0:30:tcache1 320:30:tcache1 350:30:tcache1 380:30:tcache1 3b0:30:tcache1 3e0:30:fast1 410:30:use 440:20bc0:top",
		},
		{
			name: "two neighbouring 0x500 chunks merge in the unsorted bin",
			ops: func(p *proc) []uint64 {
				a, b := p.malloc(0x4f0), p.malloc(0x4f0)
				p.malloc(16)
				p.free(a)
				p.free(b)
				return nil
			},
			after: "0:290:use 290:a00:unsorted c90:20:use cb0:20350:top",
		},
		{
			name: "a large request sorts unsorted chunks into their bins and splits the best fit",
			ops: func(p *proc) []uint64 {
				a := p.malloc(0x1000)
				p.malloc(16)
				b := p.malloc(0x2000)
				p.malloc(16)
				p.free(a)
				p.free(b)
				return []uint64{p.malloc(0x1800)}
			},
			want:  []uint64{0x12d0},
			after: "0:290:use 290:1010:large99 12a0:20:use 12c0:1810:use 2ad0:800:unsorted 32d0:20:use 32f0:1dd10:top",
		},
		{
			name: "calloc overflow fails with ENOMEM and touches nothing",
			ops: func(p *proc) []uint64 {
				p.malloc(1)
				r := p.calloc(1<<62, 8)
				if p.m.Errno != ENOMEM {
					panic("errno not ENOMEM")
				}
				return []uint64{r}
			},
			want:  []uint64{0},
			after: "0:290:use 290:20:use 2b0:20d50:top",
		},
		{
			name: "brk refused: the heap continues in a 1 MiB mmap and the arena turns non-contiguous",
			ops: func(p *proc) []uint64 {
				p.malloc(1)
				p.k.brkLimit = p.k.brk
				p.mallopt(M_MMAP_MAX, 0)
				r := p.malloc(200000)
				if p.m.contiguous() || p.isMmapped(r) != 0 {
					panic("expected a non-contiguous arena and a heap chunk")
				}
				return nil
			},
			// old top 0x20d50 keeps (0x20d50-0x20)&^15 and two fence posts;
			// the new top is the 1 MiB mapping, 0x30d50 carved from its start.
			after: "0:290:use 290:20:use 2b0:20d30:unsorted 20fe0:10:use 20ff0:10:use 2aaaa277c000:30d50:use 2aaaa27acd50:cf2b0:top",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProc()
			p.check = checkEvery(t)
			var got []uint64
			_, errText := p.run(func() { got = c.ops(p) })
			if errText != "" {
				t.Fatalf("died: %s", errText)
			}
			s, _ := p.m.Snapshot()
			for i, w := range c.want {
				g := got[i]
				if g != 0 {
					g -= s.Chunks[0].Addr
				}
				if g != w {
					t.Errorf("result %d: got %#x want %#x", i, g, w)
				}
			}
			if h := heapString(t, p.m); h != c.after {
				t.Errorf("heap after:\n got %s\nwant %s", h, c.after)
			}
		})
	}
}

// TestIntegrityChecks: each corruption dies with glibc's own message.
func TestIntegrityChecks(t *testing.T) {
	cases := []struct {
		name string
		ops  func(p *proc)
		want string
	}{
		{"double free at the fastbin head", func(p *proc) {
			var a [8]uint64
			for i := range a {
				a[i] = p.malloc(40)
			}
			for i := range a {
				p.free(a[i])
			}
			p.free(a[7])
		}, "double free or corruption (fasttop)"},
		{"free of a fake mmapped header", func(p *proc) {
			a := p.malloc(100)
			p.k.Store(a+8, 8, 0x1002)
			p.free(a + 16)
		}, "munmap_chunk(): invalid pointer"},
		{"free of a chunk with a tiny size", func(p *proc) {
			a := p.malloc(100)
			p.k.Store(a-8, 8, 0x11)
			p.free(a)
		}, "free(): invalid size"},
		{"double free of top-adjacent chunk that was merged", func(p *proc) {
			a := p.malloc(5000)
			p.free(a)
			p.free(a)
		}, "double free or corruption (top)"},
		{"overwritten next size of a large free", func(p *proc) {
			a := p.malloc(2000)
			p.malloc(16)
			p.k.Store(a+2008, 8, 0x3) // the next chunk's size word
			p.free(a)
		}, "free(): invalid next size (normal)"},
		{"unsorted chunk with a smashed size", func(p *proc) {
			a := p.malloc(2000)
			p.malloc(16)
			p.free(a)
			p.k.Store(a-8, 8, 0x100001) // above system_mem
			p.malloc(3000)
		}, "malloc(): invalid size (unsorted)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProc()
			_, errText := p.run(func() { c.ops(p) })
			if want := c.want + "\n== killed by signal 6 (SIGABRT)\n"; errText != want {
				t.Errorf("got %q want %q", errText, want)
			}
		})
	}
}

func TestMalloptReturns(t *testing.T) {
	p := newProc()
	for _, c := range []struct {
		param, value int32
		want         int
	}{{M_MXFAST, 160, 1}, {M_MXFAST, 161, 0}, {M_MXFAST, -1, 0}, {M_TRIM_THRESHOLD, -1, 1},
		{M_CHECK_ACTION, 3, 1}, {M_ARENA_MAX, 0, 1}, {99, 1, 1}} {
		if got := p.m.Mallopt(c.param, c.value); got != c.want {
			t.Errorf("mallopt(%d, %d) = %d, want %d", c.param, c.value, got, c.want)
		}
	}
	if p.k.brk != fakeBrkStart {
		t.Errorf("mallopt moved the break")
	}
}
