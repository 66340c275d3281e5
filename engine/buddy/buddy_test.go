package buddy

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// window builds a 16 MiB machine whose buddy allocator owns only the frames
// [start, end): every other free frame is reserved as memblock first. The
// watermarks are then zeroed unless keepWmarks, so whole-state cases see the
// pure buddy algorithm.
func window(t testing.TB, start, end uint64, maxOrder int, keepWmarks bool) *Allocator {
	t.Helper()
	mem, err := phys.New(phys.Config{RAM: 16 << 20, Kernel: "6.1"})
	if err != nil {
		t.Fatal(err)
	}
	for pfn := uint64(0); pfn < mem.MaxPFN(); pfn++ {
		if (pfn < start || pfn >= end) && mem.Frame(pfn).Owner == phys.OwnerFree && mem.Frame(pfn).Flags == 0 {
			if err := mem.Reserve(pfn, pfn+1, phys.OwnerMemblock); err != nil {
				t.Fatal(err)
			}
		}
	}
	a, err := New(mem, Config{MaxOrder: maxOrder})
	if err != nil {
		t.Fatal(err)
	}
	if !keepWmarks {
		for i := range a.zones {
			z := &a.zones[i]
			z.WmarkMin, z.WmarkLow, z.WmarkHigh, z.LowmemReserve = 0, 0, 0, [phys.NumZones]uint64{}
		}
	}
	check(t, a)
	return a
}

func check(t testing.TB, a *Allocator) {
	t.Helper()
	if err := a.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// state renders the DMA zone's free lists as "order:pfn,pfn order:pfn" in
// list order (hex pfns), omitting empty orders.
func state(a *Allocator) string {
	var parts []string
	for _, z := range a.Snapshot() {
		for o, l := range z.FreeLists {
			if len(l) == 0 {
				continue
			}
			s := make([]string, len(l))
			for i, p := range l {
				s[i] = fmt.Sprintf("%x", p)
			}
			parts = append(parts, fmt.Sprintf("%d:%s", o, strings.Join(s, ",")))
		}
	}
	return strings.Join(parts, " ")
}

// op is one step: "a<order>" allocates (want = expected pfn in hex, or
// "fail"), "f<order> <pfn>" frees (want = "" or "bad").
type op struct {
	do   string
	want string
}

func run(t *testing.T, a *Allocator, ops []op) {
	t.Helper()
	for _, o := range ops {
		var got string
		var order int
		var pfn uint64
		switch o.do[0] {
		case 'a':
			fmt.Sscanf(o.do, "a%d", &order)
			p, err := a.AllocPages(GFP_KERNEL, order, phys.OwnerPages)
			got = fmt.Sprintf("%x", p)
			if err != nil {
				got = "fail"
			}
		case 'f':
			fmt.Sscanf(o.do, "f%d %x", &order, &pfn)
			if err := a.FreePages(pfn, order); err != nil {
				var bp *BadPageError
				if !errors.As(err, &bp) {
					t.Fatalf("%s: %v", o.do, err)
				}
				got = "bad"
			}
		}
		if got != o.want {
			t.Fatalf("%s: got %q, want %q (state %s)", o.do, got, o.want, state(a))
		}
		check(t, a)
	}
}

func TestWholeState(t *testing.T) {
	cases := []struct {
		name        string
		start, end  uint64
		before, ops string
		steps       []op
		after       string
	}{
		{name: "order-0 alloc splits a lone order-4 block, upper halves to the list heads",
			start: 0x800, end: 0x810, before: "4:800",
			steps: []op{{"a0", "800"}},
			after: "0:801 1:802 2:804 3:808"},
		{name: "order-0 free merges four times back into the order-4 block",
			start: 0x800, end: 0x810, before: "4:800",
			steps: []op{{"a0", "800"}, {"f0 800", ""}},
			after: "4:800"},
		{name: "allocation takes the first block of the smallest non-empty order",
			start: 0x800, end: 0x810, before: "4:800",
			steps: []op{{"a0", "800"}, {"a1", "802"}, {"a0", "801"}, {"a0", "804"}},
			after: "0:805 1:806 3:808"},
		{name: "order-3 free merges with its right buddy only",
			start: 0x800, end: 0x820, before: "5:800",
			steps: []op{{"a3", "800"}, {"a3", "808"}, {"a3", "810"}, {"f3 808", ""}, {"f3 800", ""}},
			after: "3:818 4:800"},
		{name: "order-3 free merges with its left buddy",
			start: 0x800, end: 0x820, before: "5:800",
			steps: []op{{"a3", "800"}, {"a3", "808"}, {"a3", "810"}, {"f3 800", ""}, {"f3 808", ""}},
			after: "3:818 4:800"},
		{name: "free goes to the tail when the next-higher buddy is free (buddy_merge_likely)",
			start: 0x800, end: 0x810, before: "4:800",
			// Freeing 800 (its buddy 801 is in use): the buddy of the order-1
			// block 800 is 802, free at order 1, so 800 goes to the tail,
			// behind 805; freeing 802 found no free order-2 buddy: head.
			steps: []op{{"a0", "800"}, {"a0", "801"}, {"a1", "802"}, {"a0", "804"}, {"f1 802", ""}, {"f0 800", ""}},
			after: "0:805,800 1:802,806 3:808"},
		{name: "a block at the top of the window has no buddy and stays at its order",
			start: 0x800, end: 0x818, before: "3:810 4:800",
			steps: []op{{"a3", "810"}, {"f3 810", ""}},
			after: "3:810 4:800"},
		{name: "double free is refused as a bad page and changes nothing",
			start: 0x800, end: 0x810, before: "4:800",
			steps: []op{{"a0", "800"}, {"f0 800", ""}, {"f0 800", "bad"}},
			after: "4:800"},
		{name: "free with too large an order covering a live allocation is refused",
			start: 0x800, end: 0x810, before: "4:800",
			steps: []op{{"a0", "800"}, {"a0", "801"}, {"f1 800", "bad"}},
			after: "1:802 2:804 3:808"},
		{name: "free with too small an order leaks the rest of the block",
			start: 0x800, end: 0x810, before: "4:800",
			steps: []op{{"a2", "800"}, {"f0 800", ""}},
			after: "0:800 2:804 3:808"},
		{name: "an empty window fails every allocation",
			start: 0x800, end: 0x802, before: "1:800",
			steps: []op{{"a2", "fail"}, {"a1", "800"}, {"a0", "fail"}},
			after: ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := window(t, c.start, c.end, MaxOrder61, false)
			if got := state(a); got != c.before {
				t.Fatalf("before: got %q, want %q", got, c.before)
			}
			run(t, a, c.steps)
			if got := state(a); got != c.after {
				t.Fatalf("after: got %q, want %q", got, c.after)
			}
		})
	}
}

func TestBootReleasesLargestAlignedBlocks(t *testing.T) {
	cases := []struct {
		ram    uint64
		kernel string
		info   string
	}{
		// The DMA line is the same as on the real 6.1 machines measured
		// (reference/kernel/README.md, and this machine's /proc/buddyinfo):
		// 1 MiB … 16 MiB released as orders 8, 9, 10, 10, 10. The top
		// 128 KiB of low RAM are the firmware's: the last 4 MiB below it
		// come as orders 9, 8, 7, 6, 5.
		{128 << 20, "6.1", "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n" +
			"Node 0, zone    DMA32      0      0      0      0      0      1      1      1      1      1     25 \n"},
		{16 << 20, "6.1", "Node 0, zone      DMA      0      0      0      0      0      1      1      1      1      2      2 \n"},
		{32 << 20, "2.0", "Node 0, zone      DMA      0      0      0      0      0    112 \n" +
			"Node 0, zone    DMA32      0      0      0      0      0    127 \n"},
		{4 << 30, "6.1", "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n" +
			"Node 0, zone    DMA32      0      0      0      0      0      1      1      1      1      1    761 \n" +
			"Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0    256 \n"},
	}
	for _, c := range cases {
		m, err := Boot(MachineConfig{RAM: c.ram, Kernel: c.kernel})
		if err != nil {
			t.Fatal(err)
		}
		check(t, m.Pages)
		if got := m.Pages.BuddyInfo(); got != c.info {
			t.Errorf("ram %d MiB kernel %s:\n%s\nwant\n%s", c.ram>>20, c.kernel, got, c.info)
		}
	}
}

func TestWatermarks(t *testing.T) {
	m, err := Boot(MachineConfig{RAM: 128 << 20, Kernel: "6.1"})
	if err != nil {
		t.Fatal(err)
	}
	a := m.Pages
	// facts §3.6: min_free_kbytes = int_sqrt(lowmem_kbytes*16).
	if got, want := a.MinFreeKbytes(), isqrt((3840+26624-32)*4*16); got != want || got != 1395 {
		t.Fatalf("min_free_kbytes %d, want %d", got, want)
	}
	z := a.Zone(phys.ZoneDMA32)
	if z.WmarkMin != 1395/4*26592/30432 || z.WmarkLow != z.WmarkMin+z.WmarkMin/4 || z.WmarkHigh != z.WmarkLow+z.WmarkMin/4 {
		t.Fatalf("DMA32 watermarks %d %d %d", z.WmarkMin, z.WmarkLow, z.WmarkHigh)
	}
	if d := a.Zone(phys.ZoneDMA); d.LowmemReserve[phys.ZoneNormal] != 26592/256 {
		t.Fatalf("DMA lowmem_reserve %v", d.LowmemReserve)
	}
	// Drain with GFP_KERNEL: it stops when every zone is at its min watermark
	// (DMA keeps its lowmem_reserve too): an allocation needs free > min.
	var got []uint64
	for {
		pfn, err := a.AllocPages(GFP_KERNEL, 0, phys.OwnerPages)
		if err != nil {
			var ae *AllocError
			if !errors.As(err, &ae) || !ae.MayOOM || ae.TooLarge {
				t.Fatalf("GFP_KERNEL failure %#v", err)
			}
			break
		}
		got = append(got, pfn)
	}
	d := a.Zone(phys.ZoneDMA)
	if z.FreePages != z.WmarkMin || d.FreePages != d.WmarkMin+d.LowmemReserve[phys.ZoneNormal] {
		t.Fatalf("after GFP_KERNEL drain: DMA32 free %d (min %d), DMA free %d (min %d reserve %d)",
			z.FreePages, z.WmarkMin, d.FreePages, d.WmarkMin, d.LowmemReserve[phys.ZoneNormal])
	}
	// GFP_ATOMIC goes on down to min - min/2 - (min-min/2)/4 in DMA32; DMA
	// still keeps its lowmem_reserve.
	atomic := 0
	for {
		if _, err := a.AllocPages(GFP_ATOMIC, 0, phys.OwnerPages); err != nil {
			var ae *AllocError
			if errors.As(err, &ae) && ae.MayOOM {
				t.Fatal("GFP_ATOMIC failure must not OOM")
			}
			break
		}
		atomic++
	}
	m32 := z.WmarkMin - z.WmarkMin/2
	m32 -= m32 / 4
	if z.FreePages != m32 || atomic == 0 {
		t.Fatalf("after GFP_ATOMIC drain: DMA32 free %d, want %d", z.FreePages, m32)
	}
	check(t, a)
	for _, pfn := range got {
		if err := a.FreePages(pfn, 0); err != nil {
			t.Fatal(err)
		}
	}
	check(t, a)
}

func TestZoneFallbackAndGFPDMA(t *testing.T) {
	m, _ := Boot(MachineConfig{RAM: 128 << 20, Kernel: "6.1"})
	a := m.Pages
	pfn, err := a.AllocPages(GFP_KERNEL, 0, phys.OwnerPages)
	if err != nil || a.mem.Frame(pfn).Zone != phys.ZoneDMA32 {
		t.Fatalf("GFP_KERNEL on a machine without Normal: pfn %#x err %v", pfn, err)
	}
	pfn, err = a.AllocPages(GFP_KERNEL|GFP_DMA, 3, phys.OwnerPages)
	if err != nil || pfn >= phys.MaxDMAPFN || pfn < 256 {
		t.Fatalf("GFP_DMA: pfn %#x err %v", pfn, err)
	}
	if _, err := a.AllocPages(GFP_KERNEL, 11, phys.OwnerPages); err == nil || !err.(*AllocError).TooLarge {
		t.Fatalf("order 11: %v", err)
	}
	m2, _ := Boot(MachineConfig{RAM: 32 << 20, Kernel: "2.0"})
	if _, err := m2.Pages.AllocPages(GFP_KERNEL, 6, phys.OwnerPages); err == nil {
		t.Fatal("kernel 2.0: order 6 must fail")
	}
	if _, err := m2.Pages.AllocPages(GFP_KERNEL, 5, phys.OwnerPages); err != nil {
		t.Fatal(err)
	}
}

type events []arch.Event

func (e *events) Record(ev arch.Event) { *e = append(*e, ev) }

func TestEvents(t *testing.T) {
	a := window(t, 0x800, 0x804, MaxOrder61, false)
	var ev events
	a.rec = &ev
	pfn, _ := a.AllocPages(GFP_KERNEL, 0, phys.OwnerPages)
	a.FreePages(pfn, 0)
	var got []string
	for _, e := range ev {
		got = append(got, fmt.Sprintf("%s %x/%d", e.Kind, e.PFN, e.Order))
	}
	want := "split 802/1 split 801/0 alloc 800/0 free 800/0 merge 800/1 merge 800/2"
	if strings.Join(got, " ") != want {
		t.Fatalf("events %q, want %q", strings.Join(got, " "), want)
	}
}

// BenchmarkAllocFree is the steady state of a running machine: the
// per-CPU lists are on (as after start_kernel), so an order-0 alloc+free
// pair takes the head of the pcp list and puts it back.
func BenchmarkAllocFree(b *testing.B) {
	m, _ := Boot(MachineConfig{RAM: 128 << 20, Kernel: "6.1"})
	a := m.Pages
	a.SetupPCP(false)
	if _, err := a.AllocPages(GFP_KERNEL, 0, phys.OwnerPages); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		pfn, err := a.AllocPages(GFP_KERNEL, 0, phys.OwnerPages)
		if err != nil {
			b.Fatal(err)
		}
		a.FreePages(pfn, 0)
	}
}

// BenchmarkAllocFreeSplitMerge is the worst case: a fresh machine has only
// order-10 blocks and no per-CPU lists (the boot pageset), so each order-0
// allocation splits ten times and each free merges ten times.
func BenchmarkAllocFreeSplitMerge(b *testing.B) {
	m, _ := Boot(MachineConfig{RAM: 128 << 20, Kernel: "6.1"})
	a := m.Pages
	b.ReportAllocs()
	for b.Loop() {
		pfn, err := a.AllocPages(GFP_KERNEL, 0, phys.OwnerPages)
		if err != nil {
			b.Fatal(err)
		}
		a.FreePages(pfn, 0)
	}
}

func BenchmarkBoot4G(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Boot(MachineConfig{RAM: 4 << 30, Kernel: "6.1"}); err != nil {
			b.Fatal(err)
		}
	}
}

// fakeOOM is a kernel whose OOM killer kills the current task on its
// first call and reports progress; the victim then has the reserves.
type fakeOOM struct {
	calls  []string
	victim bool
}

func (f *fakeOOM) OutOfMemory(gfp GFP, order int) bool {
	f.calls = append(f.calls, fmt.Sprintf("%#x order %d", uint32(gfp), order))
	if f.victim {
		return false // task_will_free_mem(current): no new kill, no retry
	}
	f.victim = true
	return true
}
func (f *fakeOOM) OOMReserves() bool { return f.victim }

// The OOM killer in the slow path (__alloc_pages_may_oom): a GFP_KERNEL
// request that fails at the min watermark calls it once; the victim's
// retry may take DMA32 down to min/2 (ALLOC_OOM); its next failure does
// not call the killer again. Costly orders, __GFP_NORETRY and atomic
// requests never call it; __GFP_NOMEMALLOC gets no reserves (and asks
// again, in vain).
func TestOOMKillerHook(t *testing.T) {
	m, err := Boot(MachineConfig{RAM: 128 << 20, Kernel: "6.1"})
	if err != nil {
		t.Fatal(err)
	}
	a := m.Pages
	f := &fakeOOM{}
	a.SetOOM(f)
	z, d := a.Zone(phys.ZoneDMA32), a.Zone(phys.ZoneDMA)
	var got []uint64
	take := func(gfp GFP, order int) error {
		pfn, err := a.AllocPages(gfp, order, phys.OwnerPages)
		if err == nil {
			got = append(got, pfn)
		}
		return err
	}
	// __GFP_NORETRY and costly orders fail at min without the killer
	for take(GFP_KERNEL|GFP__NORETRY, 0) == nil {
	}
	if take(GFP_KERNEL, 4) == nil || len(f.calls) != 0 || z.FreePages != z.WmarkMin {
		t.Fatalf("calls %q, DMA32 free %d (min %d)", f.calls, z.FreePages, z.WmarkMin)
	}
	// the first GFP_KERNEL failure at min: the killer runs, the retry
	// succeeds from the victim's reserves
	if err := take(GFP_KERNEL, 0); err != nil || len(f.calls) != 1 || f.calls[0] != "0xcc0 order 0" || z.FreePages != z.WmarkMin-1 {
		t.Fatalf("%v: calls %q, DMA32 free %d (min %d)", err, f.calls, z.FreePages, z.WmarkMin)
	}
	if take(GFP_KERNEL|GFP__NOMEMALLOC, 0) == nil {
		t.Error("__GFP_NOMEMALLOC used the victim's reserves")
	}
	// the victim goes on down to min - min/2, then fails without a second kill
	for take(GFP_KERNEL, 0) == nil {
	}
	if want := z.WmarkMin - z.WmarkMin/2; z.FreePages != want {
		t.Errorf("victim's drain: DMA32 free %d, want %d", z.FreePages, want)
	}
	if want := d.WmarkMin - d.WmarkMin/2 + d.LowmemReserve[phys.ZoneNormal]; d.FreePages != want {
		t.Errorf("victim's drain: DMA free %d, want %d", d.FreePages, want)
	}
	if len(f.calls) != 3 {
		t.Errorf("calls %q, want two more calls (which decline)", f.calls)
	}
	check(t, a)
	for _, pfn := range got {
		if err := a.FreePages(pfn, int(a.mem.Frame(pfn).Order)); err != nil {
			t.Fatal(err)
		}
	}
	check(t, a)
}

// arch=i386: DMA, Normal up to 896 MiB (lowmem), HighMem above, no DMA32.
// GFP_KERNEL and GFP_DMA32 stay in lowmem, GFP_HIGHUSER prefers HighMem
// and falls back to Normal; HighMem's min watermark is the small fixed
// reserve (managed/1024 within 32 … 128 pages) and min_free_kbytes counts
// lowmem only.
func TestI386Zones(t *testing.T) {
	m, err := Boot(MachineConfig{RAM: 1 << 30, Kernel: "6.1", Arch: "i386"})
	if err != nil {
		t.Fatal(err)
	}
	a := m.Pages
	for _, c := range []struct {
		id         phys.ZoneID
		start, end uint64
	}{{phys.ZoneDMA, 0, 0x1000}, {phys.ZoneDMA32, 0x1000, 0x1000}, {phys.ZoneNormal, 0x1000, 0x38000}, {phys.ZoneHighMem, 0x38000, 0x40000}} {
		if s, e := a.mem.ZoneSpan(c.id); s != c.start || e != c.end {
			t.Errorf("%v spans %#x–%#x, want %#x–%#x", c.id, s, e, c.start, c.end)
		}
	}
	hz, nz := a.Zone(phys.ZoneHighMem), a.Zone(phys.ZoneNormal)
	if hz.WmarkMin != min(max(hz.Managed/1024, 32), 128) {
		t.Errorf("HighMem min %d, managed %d", hz.WmarkMin, hz.Managed)
	}
	if got, want := a.MinFreeKbytes(), isqrt((a.Zone(phys.ZoneDMA).Managed+nz.Managed)*4*16); got > want || got < want-8 {
		t.Errorf("min_free_kbytes %d, want about %d (lowmem only)", got, want)
	}
	for _, c := range []struct {
		gfp  GFP
		want phys.ZoneID
	}{{GFP_KERNEL, phys.ZoneNormal}, {GFP_KERNEL | GFP_DMA32, phys.ZoneNormal}, {GFP_HIGHUSER_MOVABLE, phys.ZoneHighMem}, {GFP_KERNEL | GFP_DMA, phys.ZoneDMA}} {
		pfn, err := a.AllocPages(c.gfp, 0, phys.OwnerPages)
		if err != nil || a.mem.Frame(pfn).Zone != c.want {
			t.Errorf("%v: pfn %#x (%v), err %v; want %v", c.gfp, pfn, a.mem.Frame(pfn).Zone, err, c.want)
		}
	}
	// HighMem exhausted: user pages fall back to lowmem
	for hz.FreePages > hz.WmarkLow+8 {
		if _, err := a.AllocPages(GFP_HIGHUSER_MOVABLE, 0, phys.OwnerPages); err != nil {
			t.Fatal(err)
		}
	}
	var zones []phys.ZoneID
	for i := 0; i < 40; i++ {
		pfn, err := a.AllocPages(GFP_HIGHUSER_MOVABLE, 0, phys.OwnerPages)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, a.mem.Frame(pfn).Zone)
	}
	if zones[len(zones)-1] != phys.ZoneNormal {
		t.Errorf("GFP_HIGHUSER with HighMem at its watermark: zones %v", zones)
	}
	check(t, a)
}
