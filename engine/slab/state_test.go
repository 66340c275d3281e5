package slab

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

// cacheState renders a cache's whole state: its slabs in creation order as
// "<n><role>:<objects>" where role is c (CPU slab), p (partial) or f
// (full), objects one character each (A allocated, . free), then the
// partial list as "P=<n>,<n>" and each non-full slab's free list from its
// head as "<n>[i,j,…]".
func cacheState(c *Cache) string {
	id := map[*slab]int{}
	var parts, lists []string
	for n, s := range c.slabs {
		id[s] = n
		role := "f"
		if s == c.cpu {
			role = "c"
		} else if len(s.free) > 0 {
			role = "p"
		}
		var b strings.Builder
		for _, r := range s.req {
			if r != 0 {
				b.WriteByte('A')
			} else {
				b.WriteByte('.')
			}
		}
		parts = append(parts, fmt.Sprintf("%d%s:%s", n, role, b.String()))
		if len(s.free) > 0 {
			fl := make([]string, len(s.free))
			for k := range s.free {
				fl[k] = fmt.Sprint(s.free[len(s.free)-1-k])
			}
			lists = append(lists, fmt.Sprintf("%d[%s]", n, strings.Join(fl, ",")))
		}
	}
	var p []string
	for _, s := range c.partial {
		p = append(p, fmt.Sprint(id[s]))
	}
	return strings.Join(parts, " ") + " P=" + strings.Join(p, ",") + " " + strings.Join(lists, " ")
}

// TestCacheStates runs named whole-state cases on a custom cache of 2048-byte
// objects: 8 objects per order-2 slab, min_partial 5.
func TestCacheStates(t *testing.T) {
	type op struct {
		do   string // "a" alloc, "a*N" N allocs, "f<slab>.<obj>" free
		want string // a: "<slab>.<obj>"; f: "" or "bug"
	}
	cases := []struct {
		name        string
		ops         []op
		after       string
		slabsFreed  int
		freePointer bool // check the in-memory free-pointer chains
	}{
		{name: "fresh cache: the first alloc makes a slab and hands out object 0",
			ops:   []op{{"a", "0.0"}},
			after: "0c:A....... P= 0[1,2,3,4,5,6,7]"},
		{name: "a freed object is handed out next (LIFO)",
			ops:   []op{{"a", "0.0"}, {"a", "0.1"}, {"a", "0.2"}, {"f0.1", ""}, {"a", "0.1"}},
			after: "0c:AAA..... P= 0[3,4,5,6,7]"},
		{name: "frees push onto the CPU slab's free list in LIFO order",
			ops:   []op{{"a*3", ""}, {"f0.0", ""}, {"f0.2", ""}},
			after: "0c:.A...... P= 0[2,0,3,4,5,6,7]", freePointer: true},
		{name: "an exhausted CPU slab is dropped as full and a new slab made",
			ops:   []op{{"a*8", ""}, {"a", "1.0"}},
			after: "0f:AAAAAAAA 1c:A....... P= 1[1,2,3,4,5,6,7]"},
		{name: "a free into a full slab puts it on the partial list tail",
			ops:   []op{{"a*24", ""}, {"f0.3", ""}, {"f1.5", ""}},
			after: "0p:AAA.AAAA 1p:AAAAA.AA 2c:AAAAAAAA P=0,1 0[3] 1[5]"},
		{name: "the CPU slab exhausted, the partial head becomes the CPU slab",
			ops:   []op{{"a*24", ""}, {"f0.3", ""}, {"f1.5", ""}, {"a", "0.3"}},
			after: "0c:AAAAAAAA 1p:AAAAA.AA 2f:AAAAAAAA P=1 1[5]"},
		{name: "an empty slab stays on the partial list while it is shorter than min_partial",
			ops:   []op{{"a*16", ""}, {"f0.0", ""}, {"f0.1", ""}, {"f0.2", ""}, {"f0.3", ""}, {"f0.4", ""}, {"f0.5", ""}, {"f0.6", ""}, {"f0.7", ""}},
			after: "0p:........ 1c:AAAAAAAA P=0 0[7,6,5,4,3,2,1,0]", freePointer: true},
		{name: "an empty slab is discarded when min_partial slabs are already partial",
			ops: []op{{"a*56", ""}, {"f1.0", ""}, {"f2.0", ""}, {"f3.0", ""}, {"f4.0", ""}, {"f5.0", ""},
				{"f0.0", ""}, {"f0.1", ""}, {"f0.2", ""}, {"f0.3", ""}, {"f0.4", ""}, {"f0.5", ""}, {"f0.6", ""}, {"f0.7", ""}},
			after:      "0p:.AAAAAAA 1p:.AAAAAAA 2p:.AAAAAAA 3p:.AAAAAAA 4p:.AAAAAAA 5c:AAAAAAAA P=0,1,2,3,4 0[0] 1[0] 2[0] 3[0] 4[0]",
			slabsFreed: 1},
		{name: "a double free is refused and changes nothing",
			ops:   []op{{"a*2", ""}, {"f0.0", ""}, {"f0.0", "bug"}},
			after: "0c:.A...... P= 0[0,2,3,4,5,6,7]"},
		{name: "a free of a never-allocated object is a double free too",
			ops:   []op{{"a", "0.0"}, {"f0.5", "bug"}},
			after: "0c:A....... P= 0[1,2,3,4,5,6,7]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := boot(t, 32<<20, false)
			cache, err := a.KmemCacheCreate("test-2048", 2048, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if cache.ObjPerSlab != 8 || cache.Order != 2 || cache.MinPartial != 5 {
				t.Fatalf("geometry %d/%d min_partial %d", cache.ObjPerSlab, cache.Order, cache.MinPartial)
			}
			freeBefore := a.pages.FreePagesTotal()
			made := 0
			addrOf := map[string]uint64{}
			name := func(p uint64) string {
				s, i, _, _ := a.lookup(p)
				for n, x := range cache.slabs {
					if x == s {
						return fmt.Sprintf("%d.%d", n, i)
					}
				}
				return "?"
			}
			for _, o := range c.ops {
				switch {
				case strings.HasPrefix(o.do, "a"):
					n := 1
					if strings.HasPrefix(o.do, "a*") {
						fmt.Sscanf(o.do, "a*%d", &n)
					}
					for k := 0; k < n; k++ {
						before := len(cache.slabs)
						p, prob := a.KmemCacheAlloc(cache, buddy.GFP_KERNEL)
						if p == 0 {
							t.Fatal(prob)
						}
						made += len(cache.slabs) - before
						addrOf[name(p)] = p
						if o.want != "" && name(p) != o.want {
							t.Fatalf("%s = %s, want %s (state %s)", o.do, name(p), o.want, cacheState(cache))
						}
					}
				case strings.HasPrefix(o.do, "f"):
					var sl, obj int
					fmt.Sscanf(o.do, "f%d.%d", &sl, &obj)
					p := cache.slabs[sl].objAddr(int32(obj))
					prob := a.KmemCacheFree(cache, p)
					if got := map[bool]string{true: "bug", false: ""}[prob != nil]; got != o.want {
						t.Fatalf("%s: %v, want %q", o.do, prob, o.want)
					}
				}
				check(t, a)
			}
			if got := cacheState(cache); got != c.after {
				t.Errorf("state\n got %s\nwant %s", got, c.after)
			}
			if used := (freeBefore - a.pages.FreePagesTotal()) >> cache.Order; int(used) != made-c.slabsFreed {
				t.Errorf("%d slabs of pages in use, want %d made − %d freed", used, made, c.slabsFreed)
			}
			if c.freePointer {
				for _, s := range cache.slabs {
					for k := len(s.free) - 1; k >= 0; k-- {
						slot := s.objAddr(s.free[k]) + uint64(cache.Offset)
						var want uint64
						if k > 0 {
							want = s.objAddr(s.free[k-1])
						}
						if got := cache.freePointer(a.mem.Load(slot-PageOffset, 8), slot); got != want {
							t.Errorf("free pointer of object %d decodes to %#x, want %#x", s.free[k], got, want)
						}
					}
				}
			}
		})
	}
}

// Linux 2.0 (facts §5.6): scull's 4000-byte quantum fits one page, 4096
// bytes take an 8 KiB area, the 128 KiB limit.
func TestKmalloc20(t *testing.T) {
	m, err := buddy.Boot(buddy.MachineConfig{RAM: 16 << 20, Kernel: "2.0"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := New20(Config20{Pages: m.Pages})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ n, bucket uint64 }{
		{1, 32}, {24, 32}, {25, 64}, {244, 252}, {245, 508}, {4000, 4080}, {4072, 4080}, {4073, 8176},
		{4096, 8176}, {131048, 131056}, {131049, 0},
	} {
		if got := Bucket20(c.n); got != c.bucket {
			t.Errorf("Bucket20(%d) = %d, want %d", c.n, got, c.bucket)
		}
	}
	free := m.Pages.FreePagesTotal()
	q := mustAlloc(t, a, 4000, buddy.GFP_KERNEL)
	if used := free - m.Pages.FreePagesTotal(); used != 1 || q&arch.PageMask != 16+8 {
		t.Errorf("kmalloc(4000): %d pages, pointer %#x; want one page, block after the 16-byte descriptor and 8-byte header", used, q)
	}
	p := mustAlloc(t, a, 4096, buddy.GFP_KERNEL)
	if used := free - m.Pages.FreePagesTotal(); used != 3 || a.Ksize(p) != 8168 {
		t.Errorf("kmalloc(4096): %d pages in all, ksize %d; want an 8 KiB area", used, a.Ksize(p))
	}
	if v := m.Mem.Load(p-8, 4); v != mfUsed || m.Mem.Load(p-4, 4) != 4096 {
		t.Errorf("block header %#x %d", v, m.Mem.Load(p-4, 4))
	}
	if r, prob := a.Kmalloc(131049, buddy.GFP_KERNEL); r != 0 || prob == nil || prob.Text != "kmalloc of too large a block (131049 bytes)." {
		t.Errorf("kmalloc(131049) = %#x, %+v", r, prob)
	}
	if r, prob := a.Kmalloc(^uint64(0), buddy.GFP_KERNEL); r != 0 || prob == nil {
		t.Errorf("kmalloc(-1) = %#x, %v", r, prob)
	}
	big := mustAlloc(t, a, 131048, buddy.GFP_KERNEL)
	var ps []uint64
	for i := 0; i < 127; i++ {
		ps = append(ps, mustAlloc(t, a, 16, buddy.GFP_KERNEL))
	}
	if ps[126]-ps[0] != 126*32 {
		t.Errorf("127 blocks of 32 bytes should share one page")
	}
	check(t, a)
	if a.Kfree(p) != nil || a.Kfree(big) != nil {
		t.Fatal("kfree reported")
	}
	prob := a.Kfree(p)
	if prob == nil || !strings.HasPrefix(prob.Text, "kfree of non-kmalloced memory: ") {
		t.Errorf("double kfree: %+v", prob)
	}
	for _, x := range ps {
		a.Kfree(x)
	}
	a.Kfree(q)
	if m.Pages.FreePagesTotal() != free {
		t.Errorf("all areas freed, but %d pages are missing", free-m.Pages.FreePagesTotal())
	}
	if _, ok := a.SlabInfo(); ok {
		t.Error("Linux 2.0 has no /proc/slabinfo")
	}
	check(t, a)
}

type recorder []arch.Event

func (r *recorder) Record(e arch.Event) { *r = append(*r, e) }

func TestEvents(t *testing.T) {
	m, _ := buddy.Boot(buddy.MachineConfig{RAM: 32 << 20, Kernel: "6.1"})
	var rec recorder
	a, _ := New(Config{Pages: m.Pages, InitOnAlloc: true, Recorder: &rec})
	p := mustAlloc(t, a, 100, buddy.GFP_KERNEL)
	a.Kfree(p)
	var got []string
	for _, e := range rec {
		got = append(got, fmt.Sprintf("%v %s %s", e.Kind, e.Source, e.Detail))
	}
	want := "alloc slab new slab of kmalloc-128|alloc slab kmalloc-128|free slab kmalloc-128"
	if strings.Join(got, "|") != want {
		t.Errorf("events %q, want %q", strings.Join(got, "|"), want)
	}
}

// Bad input never panics: random pointers and sizes against both
// implementations, with the invariants checked throughout.
func TestRandomAbuse(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	m, _ := buddy.Boot(buddy.MachineConfig{RAM: 32 << 20, Kernel: "6.1"})
	a61, _ := New(Config{Pages: m.Pages, FreelistRandom: true, Seed: 9})
	m2, _ := buddy.Boot(buddy.MachineConfig{RAM: 16 << 20, Kernel: "2.0"})
	a20, _ := New20(Config20{Pages: m2.Pages, PageOffset: PageOffset})
	for _, k := range []Kmalloc{a61, a20} {
		var live []uint64
		for i := 0; i < 5000; i++ {
			switch r.Intn(6) {
			case 0, 1:
				sizes := []uint64{uint64(r.Intn(300)), uint64(r.Intn(20000)), 1 << uint(r.Intn(64)), r.Uint64()}
				if p, _ := k.Kmalloc(sizes[r.Intn(4)], buddy.GFP_KERNEL); p != 0 && p != ZeroSizePtr {
					live = append(live, p)
				}
			case 2:
				if len(live) > 0 {
					j := r.Intn(len(live))
					k.Kfree(live[j])
					live = append(live[:j], live[j+1:]...)
				}
			case 3:
				wild := []uint64{r.Uint64(), PageOffset + uint64(r.Intn(40<<20)), 1}
				if len(live) > 0 {
					wild = append(wild, live[r.Intn(len(live))]+uint64(r.Intn(64)))
				}
				w := wild[r.Intn(len(wild))]
				k.Ksize(w)
				k.Find(w)
				if _, ok := k.Find(w); !ok || k.Ksize(w) == 0 {
					k.Kfree(w) // only frees of non-live pointers: reports, no change
				}
			case 4:
				if len(live) > 0 {
					j := r.Intn(len(live))
					if q, _ := Krealloc(k, live[j], uint64(r.Intn(10000)), buddy.GFP_KERNEL); q != 0 {
						live[j] = q
					}
				}
			case 5:
				Kcalloc(k, r.Uint64()>>uint(r.Intn(64)), uint64(r.Intn(100)), buddy.GFP_KERNEL)
			}
			if i%250 == 0 {
				check(t, k)
			}
		}
		check(t, k)
	}
}
