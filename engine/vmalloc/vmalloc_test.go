package vmalloc

import (
	"fmt"
	"strings"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
	"mmplay/engine/slab"
)

const caller = "scen_vmalloc+0x4e/0x21b [memoracle]"

func boot(t testing.TB, ram uint64, withSlab bool) (*Allocator, *buddy.Machine) {
	t.Helper()
	m, err := buddy.Boot(buddy.MachineConfig{RAM: ram, Kernel: "6.1"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Pages: m.Pages, InitOnAlloc: true}
	if withSlab {
		s, err := slab.New(slab.Config{Pages: m.Pages, InitOnAlloc: true})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Slab = s
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	check(t, a)
	return a, m
}

func check(t testing.TB, a *Allocator) {
	t.Helper()
	if err := a.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if err := a.pages.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if a.cfg.Slab != nil {
		if err := a.cfg.Slab.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
}

// state renders the space compactly: each area as "<page offset from
// VMALLOC_START>+<pages incl. guard>" (hex), ioremap areas with "io",
// unpurged ranges with "u".
func state(a *Allocator) string {
	var parts []string
	for _, s := range a.Snapshot() {
		p := fmt.Sprintf("%x+%x", (s.Addr-VmallocStart)>>arch.PageShift, s.Size>>arch.PageShift)
		switch s.Kind {
		case "ioremap":
			p = "io" + p
		case "unpurged":
			p = "u" + p
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

// reference/kernel/README.md "vmalloc": vmallocinfo sizes PAGE_ALIGN(n) +
// 4096, one guard page, page counts, the exact line format.
func TestVmallocinfoSizes(t *testing.T) {
	a, _ := boot(t, 64<<20, false)
	var lines []string
	for _, c := range []struct{ n, size, pages uint64 }{
		{1, 8192, 1}, {4096, 8192, 1}, {4097, 12288, 2}, {65536, 69632, 16}, {1048576, 1052672, 256},
	} {
		p, prob := a.Vmalloc(c.n, caller)
		if p == 0 || prob != nil || p&arch.PageMask != 0 {
			t.Fatalf("vmalloc(%d) = %#x, %v", c.n, p, prob)
		}
		w := a.Lookup(p)
		if w.Kind != InArea || w.Area.Size != c.size || uint64(len(w.Area.Pages)) != c.pages {
			t.Errorf("vmalloc(%d): %+v, measured size %d, %d pages", c.n, w, c.size, c.pages)
		}
		if g := a.Lookup(p + c.size - GuardSize); g.Kind != InGuard {
			t.Errorf("vmalloc(%d): the page after the area is %v, want the guard", c.n, g.Kind)
		}
		if g := a.Lookup(p + c.size - GuardSize - 1); g.Kind != InArea {
			t.Errorf("vmalloc(%d): the last byte is %v", c.n, g.Kind)
		}
		for i, pfn := range w.Area.Pages {
			if got, ok := a.VmallocToPFN(p + uint64(i)*arch.PageSize + 123); !ok || got != pfn {
				t.Errorf("vmalloc_to_pfn page %d = %#x, %v; want %#x", i, got, ok, pfn)
			}
		}
		lines = append(lines, fmt.Sprintf("0x%016x-0x%016x %7d %s pages=%d vmalloc N0=%d", p, p+c.size, c.size, caller, c.pages, c.pages))
		check(t, a)
	}
	if got, want := a.Info(), strings.Join(lines, "\n")+"\n"; got != want {
		t.Errorf("vmallocinfo:\n%s\nwant\n%s", got, want)
	}
	// The measured line shape, byte for byte, for an area at offset 0x4d000.
	ar := &area{addr: VmallocStart + 0x4d000, size: 8192, flags: VM_ALLOC, pages: []uint64{1}, caller: caller}
	b := &Allocator{areas: []*area{ar}}
	if got, want := b.Info(), "0xffffc9000004d000-0xffffc9000004f000    8192 scen_vmalloc+0x4e/0x21b [memoracle] pages=1 vmalloc N0=1\n"; got != want {
		t.Errorf("line %q, measured %q", got, want)
	}
	if a.VmallocUsedKB() != (1+1+2+16+256)*4 {
		t.Errorf("VmallocUsed %d kB", a.VmallocUsedKB())
	}
	if VmallocTotalKB() != 34359738367 {
		t.Errorf("VmallocTotal %d, measured 34359738367", VmallocTotalKB())
	}
}

// summary.txt bursts: back-to-back areas are spaced PAGE_ALIGN(n)+4096
// apart, a 4096-byte gap.
func TestBurstGuardGap(t *testing.T) {
	a, _ := boot(t, 64<<20, false)
	for _, pages := range []uint64{1, 3, 16} {
		var prev uint64
		for i := 0; i < 5; i++ {
			p, _ := a.Vmalloc(pages*arch.PageSize, caller)
			if i > 0 {
				if stride, gap := p-prev, p-prev-pages*arch.PageSize; stride != (pages+1)*arch.PageSize || gap != 4096 {
					t.Errorf("burst of %d pages: stride %d gap %d", pages, stride, gap)
				}
			}
			prev = p
		}
	}
	check(t, a)
}

func TestVmallocZero(t *testing.T) {
	a, _ := boot(t, 32<<20, false)
	p, prob := a.Vmalloc(0, caller)
	if p != 0 || prob == nil || prob.Kind != slab.Warning || prob.Site != "mm/vmalloc.c:3227" || prob.Func != "__vmalloc_node_range+0x806/0x880" {
		t.Fatalf("vmalloc(0) = %#x, %+v", p, prob)
	}
	if p, prob := a.Vmalloc(0, caller); p != 0 || prob != nil {
		t.Errorf("second vmalloc(0) = %#x, %v; WARN_ON_ONCE fires once", p, prob)
	}
	if p, prob := a.Vmalloc(1<<40, caller); p != 0 || prob == nil || !strings.HasPrefix(prob.Text, "vmalloc error: size 1099511627776, exceeds total pages") {
		t.Errorf("vmalloc(1 TiB) = %#x, %+v", p, prob)
	}
	check(t, a)
}

// vzalloc is zero; vmalloc pages come one by one and are scattered once
// the machine is fragmented (measured: 1 MiB from 2–14 runs).
func TestZeroAndScatter(t *testing.T) {
	a, m := boot(t, 64<<20, false)
	a.cfg.InitOnAlloc = false
	// Dirty and fragment: take 600 pages, write to them, free every other.
	var taken []uint64
	for i := 0; i < 600; i++ {
		pfn, err := m.Pages.AllocPages(buddy.GFP_KERNEL, 0, phys.OwnerPages)
		if err != nil {
			t.Fatal(err)
		}
		m.Mem.Store(pfn<<arch.PageShift, 8, 0xdeadbeef)
		taken = append(taken, pfn)
	}
	for i := 0; i < len(taken); i += 2 {
		m.Pages.FreePages(taken[i], 0)
	}
	z, _ := a.Vzalloc(12288, caller)
	for off := uint64(0); off < 12288; off += 8 {
		pa, ram, ok := a.Translate(z + off)
		if !ok || !ram || m.Mem.Load(pa, 8) != 0 {
			t.Fatalf("vzalloc byte %d not zero", off)
		}
	}
	p, _ := a.Vmalloc(1<<20, caller)
	pages := a.Lookup(p).Area.Pages
	runs := 1
	for i := 1; i < len(pages); i++ {
		if pages[i] != pages[i-1]+1 {
			runs++
		}
	}
	if runs < 2 {
		t.Errorf("1 MiB on a fragmented machine came from %d run(s); measured 2–14", runs)
	}
	dirty := false
	for i := range pages {
		if m.Mem.Load(pages[i]<<arch.PageShift, 8) == 0xdeadbeef {
			dirty = true
		}
	}
	if !dirty {
		t.Error("init_on_alloc=0: vmalloc pages should keep old contents")
	}
	check(t, a)
}

// summary.txt "ioremap": 0xfed00000 and 0xfed00040, and RAM refused.
func TestIoremap(t *testing.T) {
	a, m := boot(t, 128<<20, false)
	free := m.Pages.FreePagesTotal()
	p, prob := a.Ioremap(0xfed00000, 4096, "scen_ioremap+0x1c/0x1a7 [memoracle]")
	if p == 0 || prob != nil || p&arch.PageMask != 0 || p < VmallocStart {
		t.Fatalf("ioremap(0xfed00000) = %#x, %v", p, prob)
	}
	q, _ := a.Ioremap(0xfed00040, 16, "scen_ioremap+0x97/0x1a7 [memoracle]")
	if q&arch.PageMask != 0x40 {
		t.Errorf("ioremap(0xfed00040) = %#x, want the in-page offset 0x40", q)
	}
	if pfn, ok := a.VmallocToPFN(q); !ok || pfn != 0xfed00 {
		t.Errorf("ioremap maps pfn %#x", pfn)
	}
	want := fmt.Sprintf("0x%016x-0x%016x    8192 scen_ioremap+0x1c/0x1a7 [memoracle] phys=0x00000000fed00000 ioremap\n", p, p+8192) +
		fmt.Sprintf("0x%016x-0x%016x    8192 scen_ioremap+0x97/0x1a7 [memoracle] phys=0x00000000fed00000 ioremap\n", q-0x40, q-0x40+8192)
	if got := a.Info(); got != want {
		t.Errorf("vmallocinfo:\n%s\nwant\n%s", got, want)
	}
	// No RAM frames are used (only page-table pages) and VmallocUsed is 0.
	for pfn := uint64(0); pfn < m.Mem.MaxPFN(); pfn++ {
		if m.Mem.Frame(pfn).Owner == phys.OwnerVmalloc {
			t.Fatalf("ioremap took RAM frame %#x", pfn)
		}
	}
	if a.VmallocUsedKB() != 0 || free-m.Pages.FreePagesTotal() != a.tables.NrTables()-1 {
		t.Errorf("ioremap used memory: VmallocUsed %d, %d pages", a.VmallocUsedKB(), free-m.Pages.FreePagesTotal())
	}
	r, prob := a.Ioremap(0x657a000, 4096, "x")
	if r != 0 || prob == nil || prob.Text != "ioremap on RAM at 0x000000000657a000 - 0x000000000657afff" || prob.Site != "arch/x86/mm/ioremap.c:211" {
		t.Errorf("ioremap of RAM = %#x, %+v", r, prob)
	}
	if r, prob := a.Ioremap(0x657b000, 4096, "x"); r != 0 || prob != nil {
		t.Errorf("second ioremap of RAM = %#x, %v; WARN_ONCE", r, prob)
	}
	if prob := a.Iounmap(q); prob != nil {
		t.Errorf("iounmap(%#x): %v", q, prob)
	}
	if prob := a.Iounmap(q); prob == nil || !strings.HasPrefix(prob.Text, "iounmap: bad address") {
		t.Errorf("second iounmap: %+v", prob)
	}
	if prob := a.Iounmap(p); prob != nil {
		t.Error(prob)
	}
	check(t, a)
}

func TestBadVfree(t *testing.T) {
	a, _ := boot(t, 32<<20, false)
	p, _ := a.Vmalloc(8192, caller)
	before := state(a)
	for _, c := range []struct {
		addr uint64
		text string
	}{
		{p + 8, fmt.Sprintf("Trying to vfree() bad address (%016x)", p+8)},
		{p + 8192, fmt.Sprintf("Trying to vfree() nonexistent vm area (%016x)", p+8192)},
		{slab.PageOffset + 0x100000, "Trying to vfree() nonexistent vm area (ffff888000100000)"},
	} {
		prob := a.Vfree(c.addr)
		if prob == nil || prob.Kind != slab.Warning || prob.Text != c.text || prob.Explain == "" {
			t.Errorf("vfree(%#x) = %+v, want %q", c.addr, prob, c.text)
		}
	}
	if state(a) != before {
		t.Errorf("a refused vfree changed the state: %s → %s", before, state(a))
	}
	if a.Vfree(0) != nil || a.Vfree(p) != nil {
		t.Error("vfree(NULL) or a good vfree reported")
	}
	if prob := a.Vfree(p); prob == nil {
		t.Error("double vfree not reported")
	}
	check(t, a)
}

// With a slab allocator the vm_struct and pages[] are real kmallocs; more
// than 512 pages put pages[] in its own vmalloc area ("vpages").
func TestSideAllocations(t *testing.T) {
	a, _ := boot(t, 64<<20, true)
	s := a.cfg.Slab
	p, _ := a.Vmalloc(1<<20, caller)
	text, _ := s.SlabInfo()
	if slabLine(text, "kmalloc-2k") != "1 8" || slabLine(text, "kmalloc-64") != "1 64" {
		t.Errorf("pages[] of 256 entries should be in kmalloc-2k and vm_struct in kmalloc-64:\n%s", text)
	}
	q, _ := a.Vmalloc(4<<20, caller)
	info := a.Info()
	if !strings.Contains(info, " pages=1024 vmalloc vpages N0=1024\n") || !strings.Contains(info, "   12288 "+caller+" pages=2 vmalloc N0=2\n") {
		t.Errorf("4 MiB vmalloc should have a vmalloc'ed pages[] of 2 pages:\n%s", info)
	}
	check(t, a)
	a.Vfree(q)
	a.Vfree(p)
	check(t, a)
	for _, c := range s.Snapshot().Caches {
		if c.InUse != 0 {
			t.Errorf("%s: %d objects still allocated after vfree", c.Name, c.InUse)
		}
	}
}

// Whole-state cases: placement, guard pages, lazy purge.
func TestVmallocStates(t *testing.T) {
	type op struct {
		do   string // "v<bytes>", "f<index of the nth area returned>", "io<phys>+<size>", "purge"
		want string // for v/io: page offset from VMALLOC_START in hex, or "fail"
	}
	cases := []struct {
		name  string
		ops   []op
		after string
	}{
		{"first area starts at VMALLOC_START with its guard page",
			[]op{{"v1", "0"}}, "0+2"},
		{"back-to-back areas are separated by exactly the guard page",
			[]op{{"v4096", "0"}, {"v8192", "2"}, {"v4097", "5"}}, "0+2 2+3 5+3"},
		{"a freed area is not reused before the lazy purge",
			[]op{{"v4096", "0"}, {"v4096", "2"}, {"f0", ""}, {"v4096", "4"}}, "2+2 4+2 u0+2"}, // areas first, then the purge list, as vmallocinfo
		{"after the purge the lowest hole is reused first-fit",
			[]op{{"v4096", "0"}, {"v4096", "2"}, {"f0", ""}, {"purge", ""}, {"v4096", "0"}}, "0+2 2+2"},
		{"a hole too small is skipped",
			[]op{{"v4096", "0"}, {"v4096", "2"}, {"f0", ""}, {"purge", ""}, {"v8192", "4"}, {"v1", "0"}}, "0+2 2+2 4+3"},
		{"adjacent unpurged ranges merge",
			[]op{{"v4096", "0"}, {"v4096", "2"}, {"v4096", "4"}, {"f0", ""}, {"f1", ""}}, "4+2 u0+4"},
		{"ioremap areas are aligned to their size",
			[]op{{"v4096", "0"}, {"io0xfed00000+0x4000", "4"}, {"v4096", "2"}}, "0+2 2+2 io4+5"},
		{"more than lazy_max_pages freed purges everything",
			[]op{{"v4096", "0"}, {"v33554432", "2"}, {"f0", ""}, {"f1", ""}, {"v4096", "0"}}, "0+2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _ := boot(t, 96<<20, false)
			var got []uint64
			for _, o := range c.ops {
				var p uint64
				switch {
				case o.do == "purge":
					a.Purge()
				case strings.HasPrefix(o.do, "io"):
					var pa, size uint64
					fmt.Sscanf(o.do, "io%v+%v", &pa, &size)
					p, _ = a.Ioremap(pa, size, "io")
				case o.do[0] == 'v':
					var n uint64
					fmt.Sscanf(o.do, "v%d", &n)
					p, _ = a.Vmalloc(n, caller)
				case o.do[0] == 'f':
					var i int
					fmt.Sscanf(o.do, "f%d", &i)
					if prob := a.Vfree(got[i]); prob != nil {
						t.Fatalf("%s: %v", o.do, prob)
					}
				}
				if o.do[0] == 'v' || strings.HasPrefix(o.do, "io") {
					got = append(got, p)
					res := "fail"
					if p != 0 {
						res = fmt.Sprintf("%x", (p-VmallocStart)>>arch.PageShift)
					}
					if res != o.want {
						t.Fatalf("%s = %s, want %s (state %s)", o.do, res, o.want, state(a))
					}
				}
				check(t, a)
			}
			if s := state(a); s != c.after {
				t.Errorf("state %s, want %s", s, c.after)
			}
		})
	}
}

// slabLine returns "<num_slabs> <active_objs>" of a cache in /proc/slabinfo.
func slabLine(text, name string) string {
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(l)
		if len(f) == 16 && f[0] == name {
			return f[14] + " " + f[1]
		}
	}
	return "?"
}

type recorder []arch.Event

func (r *recorder) Record(e arch.Event) { *r = append(*r, e) }

// Bad input never panics; events are emitted for map and unmap.
func TestRandomAbuseAndEvents(t *testing.T) {
	m, _ := buddy.Boot(buddy.MachineConfig{RAM: 32 << 20, Kernel: "6.1"})
	var rec recorder
	a, err := New(Config{Pages: m.Pages, Recorder: &rec})
	if err != nil {
		t.Fatal(err)
	}
	r := uint64(12345)
	next := func() uint64 { r ^= r << 13; r ^= r >> 7; r ^= r << 17; return r }
	var live []uint64
	for i := 0; i < 3000; i++ {
		switch next() % 5 {
		case 0:
			sizes := []uint64{next() % 70000, next(), 1 << (next() % 64)}
			if p, _ := a.Vmalloc(sizes[next()%3], caller); p != 0 {
				live = append(live, p)
			}
		case 1:
			if len(live) > 0 {
				j := int(next() % uint64(len(live)))
				a.Vfree(live[j])
				live = append(live[:j], live[j+1:]...)
			}
		case 2:
			w := []uint64{next(), VmallocStart + next()%(1<<24), slab.PageOffset + next()%(32<<20)}[next()%3]
			a.Lookup(w)
			a.VmallocToPFN(w)
			if a.Lookup(w).Kind != InArea {
				a.Vfree(w)
				a.Iounmap(w)
			}
		case 3:
			if p, _ := a.Ioremap(next(), next()%(1<<20), "io"); p != 0 {
				a.Iounmap(p)
			}
		case 4:
			a.Ioremap(0xfe000000+next()%(1<<24), next()%(1<<16), "io")
		}
		if i%200 == 0 {
			check(t, a)
		}
	}
	check(t, a)
	kinds := map[arch.EventKind]bool{}
	for _, e := range rec {
		if e.Source == "vmalloc" {
			kinds[e.Kind] = true
		}
	}
	if !kinds[arch.EvMap] || !kinds[arch.EvUnmap] {
		t.Errorf("events: %v", kinds)
	}
}

// THREAD_ALIGN stacks (16 KiB areas aligned to 16 KiB, 20 KiB with the
// guard) sit 32 KiB apart; the 12 KiB holes between them take the next
// 1-page areas (8 KiB with the guard) first: 32 KiB strides, as measured.
// A 3-page area (16 KiB) fits no hole and goes to the end.
func TestAlignedStacksLeaveHoles(t *testing.T) {
	a, _ := boot(t, 64<<20, true)
	var stacks []uint64
	for i := 0; i < 4; i++ {
		p, prob := a.VmallocAligned(16<<10, 16<<10, "copy_process")
		if p == 0 {
			t.Fatal(prob)
		}
		stacks = append(stacks, p-VmallocStart)
		check(t, a)
	}
	if fmt.Sprint(stacks) != "[0 32768 65536 98304]" {
		t.Fatalf("stacks at %v", stacks)
	}
	var small []uint64
	for i := 0; i < 4; i++ {
		p, _ := a.Vmalloc(1, "burst")
		small = append(small, p-VmallocStart)
	}
	if fmt.Sprint(small) != "[20480 53248 86016 118784]" {
		t.Errorf("1-page areas at %v, want the holes 0x5000 + k·0x8000", small)
	}
	p, _ := a.Vmalloc(3*4096, "big")
	if p-VmallocStart != 118784+8192 {
		t.Errorf("3-page area at %#x, want after the last area", p-VmallocStart)
	}
	if p, _ := a.VmallocAligned(4096, 3000, "bad align"); p == 0 || p&0xfff != 0 {
		t.Errorf("a bad alignment falls back to pages: %#x", p)
	}
	check(t, a)
}
