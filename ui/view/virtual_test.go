package view

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"mmplay/engine"
	"mmplay/engine/arch"
	"mmplay/engine/mm"
	"mmplay/engine/phys"
	"mmplay/engine/vmalloc"
)

func TestWidths(t *testing.T) {
	for _, c := range []struct {
		name  string
		sizes []uint64
		min   float64
		want  []float64
	}{
		{"proportional when all are wide enough", []uint64{1, 1, 2}, 0.5, []float64{25, 25, 50}},
		{"a tiny segment is raised to the minimum, the big one pays", []uint64{1, 999}, 0.5, []float64{0.5, 99.5}},
		{"zero sizes get no width", []uint64{0, 3, 0, 1}, 0.5, []float64{0, 75, 0, 25}},
		{"all zero", []uint64{0, 0}, 0.5, []float64{0, 0}},
		{"nothing", nil, 0.5, []float64{}},
		{"too many for the minimum: equal shares", []uint64{1, 1000, 1, 1}, 30, []float64{25, 25, 25, 25}},
		{"raising one pushes another under: both raised", []uint64{1, 6, 993}, 1, []float64{1, 1, 98}},
	} {
		got := widths(c.sizes, c.min)
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-9 {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

// checkSegments checks a bar's invariants: widths at least the minimum,
// summing to 100, pages summing to the VMA's.
func checkSegments(t *testing.T, what string, segs []Segment, pages uint64) {
	t.Helper()
	var sum float64
	var n uint64
	for _, s := range segs {
		if s.Pages > 0 && s.Pct < MinSegmentPct-1e-9 && len(segs) < 200 {
			t.Errorf("%s: segment %q is %.3f%% wide", what, s.Title, s.Pct)
		}
		sum += s.Pct
		n += s.Pages
	}
	if len(segs) > 0 && math.Abs(sum-100) > 1e-6 {
		t.Errorf("%s: widths sum to %v", what, sum)
	}
	if n != pages {
		t.Errorf("%s: segments hold %d pages, the VMA %d", what, n, pages)
	}
	if len(segs) > MaxSegments {
		t.Errorf("%s: %d segments", what, len(segs))
	}
}

func TestUserRegions(t *testing.T) {
	p := mm.Snapshot{VMAs: []mm.VMASnapshot{
		{Start: 0x555555559000, End: 0x55555555d000, Perms: "rw-p", Name: "[heap]", Pages: []mm.PageRun{
			{Start: 0x555555559000, Count: 1, State: "present", PFN: 0x3f2a1},
			{Start: 0x55555555a000, Count: 1, State: "present", PFN: 0x3f2a2},
			{Start: 0x55555555b000, Count: 1, State: "present", PFN: 0x10},
			{Start: 0x55555555c000, Count: 1, State: "none"},
		}},
		{Start: 0x7ffff3dd1000, End: 0x7ffff7dd2000, Perms: "rw-p", Name: "", Pages: []mm.PageRun{
			{Start: 0x7ffff3dd1000, Count: 1, State: "present", PFN: 0x500},
			{Start: 0x7ffff3dd2000, Count: 16, State: "zero"},
			{Start: 0x7ffff3de2000, Count: 16384 - 17, State: "none"},
		}},
	}}
	rs := UserRegions(p)
	if len(rs) != 2 {
		t.Fatalf("%d regions", len(rs))
	}
	heap, anon := rs[0], rs[1]
	for _, c := range []struct{ name, got, want string }{
		{"start", heap.Start, "0x555555559000"},
		{"size", heap.Size, "16 KiB"},
		{"kind of [heap]", heap.Kind, "heap"},
		{"an unnamed VMA is [anon]", anon.Name, "[anon]"},
		{"kind of an unnamed VMA", anon.Kind, "anon"},
		{"summary", anon.Summary, "1 present · 16 zero · 16367 not present"},
		{"adjacent present runs of scattered frames are merged and say so",
			heap.Segments[0].Title, "0x555555559000–0x55555555c000 · 3 pages · present → pfn 0x3f2a1, … (frames not contiguous)"},
		{"a one-page present segment names its frame",
			anon.Segments[0].Title, "0x7ffff3dd1000–0x7ffff3dd2000 · 1 page · present → pfn 0x500"},
		{"a zero segment", anon.Segments[1].Title, "0x7ffff3dd2000–0x7ffff3de2000 · 16 pages · the shared zero page (read-only until written)"},
		{"a width for CSS", anon.Segments[0].Width, "0.500%"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if len(heap.Segments) != 2 || heap.Segments[0].Pages != 3 || !strings.Contains(heap.Segments[0].Title, "not contiguous") {
		t.Errorf("heap segments %+v", heap.Segments)
	}
	checkSegments(t, "heap", heap.Segments, 4)
	checkSegments(t, "anon", anon.Segments, 16384)
	if anon.Segments[0].PFN != 0x500 || anon.Segments[1].PFN != 0 {
		t.Errorf("PFNs %#x %#x", anon.Segments[0].PFN, anon.Segments[1].PFN)
	}
	if got := UserRegions(mm.Snapshot{}); len(got) != 0 {
		t.Errorf("no VMAs: %v", got)
	}
}

func TestUserRegionsCoarsensAlternatingPages(t *testing.T) {
	// 1000 pages alternating present and none: 1000 runs.
	var runs []mm.PageRun
	for i := uint64(0); i < 1000; i++ {
		st := "none"
		if i%2 == 0 {
			st = "present"
		}
		runs = append(runs, mm.PageRun{Start: 0x10000000 + i<<arch.PageShift, Count: 1, State: st, PFN: 0x100 + 2*i})
	}
	rs := UserRegions(mm.Snapshot{VMAs: []mm.VMASnapshot{{Start: 0x10000000, End: 0x10000000 + 1000<<arch.PageShift, Perms: "rw-p", Pages: runs}}})
	segs := rs[0].Segments
	checkSegments(t, "alternating", segs, 1000)
	if segs[0].State != "mixed" || !strings.Contains(segs[0].Title, "mixed: 2 present · 2 not present") {
		t.Errorf("first bucket %+v", segs[0])
	}
}

func TestPageFrame(t *testing.T) {
	p := handSnapshot().Process
	for _, c := range []struct {
		name  string
		va    uint64
		pfn   uint64
		state string
		ok    bool
	}{
		{"a present page's first byte", 0x555555559000, 26, "present", true},
		{"inside a present page", 0x555555559abc, 26, "present", true},
		{"a page mapping the zero page", 0x55555555a010, 0, "zero", true},
		{"a page not faulted in", 0x55555555bfff, 0, "none", true},
		{"below every VMA", 0x1000, 0, "", false},
		{"the VMA's end is outside", 0x55555555c000, 0, "", false},
	} {
		pfn, st, ok := PageFrame(p, c.va)
		if pfn != c.pfn || st != c.state || ok != c.ok {
			t.Errorf("%s: PageFrame(%#x) = %#x, %q, %v; want %#x, %q, %v", c.name, c.va, pfn, st, ok, c.pfn, c.state, c.ok)
		}
	}
	if pfn, ok := ZeroPagePFN(handSnapshot()); !ok || pfn != 25 {
		t.Errorf("ZeroPagePFN = %d, %v", pfn, ok)
	}
	if _, ok := ZeroPagePFN(nil); ok {
		t.Error("ZeroPagePFN(nil)")
	}
}

func TestKernelRegions(t *testing.T) {
	snap := &engine.Snapshot{
		Step: 10,
		Frames: []phys.FrameRun{
			{PFN: 0, Count: 0xc0000, Owner: "free", Zone: "DMA32", Order: -1},
			{PFN: 0xc0000, Count: 0x40000, Owner: "hole", Zone: "DMA32", Order: -1},
			{PFN: 0x100000, Count: 0x40000, Owner: "free", Zone: "Normal", Order: -1},
		},
		Vmalloc: []vmalloc.AreaSnapshot{
			{Addr: 0xffffc90000000000, End: 0xffffc90000005000, Size: 0x5000, Req: 0x4000, Kind: "vmalloc", Caller: "copy_process+0x1f6/0x1c20", Pages: []uint64{1, 2, 3, 4}},
			{Addr: 0xffffc90000005000, End: 0xffffc90000007000, Size: 0x2000, Req: 0x1000, Kind: "ioremap", Caller: "init_module+0x1", Phys: 0xfebf0000},
			{Addr: 0xffffc90000007000, End: 0xffffc90000009000, Size: 0x2000, Kind: "unpurged"},
		},
	}
	events := []engine.Event{
		{Event: arch.Event{Kind: arch.EvMap, Source: "kernel", Addr: 0xffffffffc0000000, Size: 0x4000, Detail: "module_alloc"}, Step: 0},
		{Event: arch.Event{Kind: arch.EvMap, Source: "kernel", Addr: 0xffffffffc0005000, Size: 0x1000, Detail: "module_alloc"}, Step: 0},
		{Event: arch.Event{Kind: arch.EvUnmap, Source: "kernel", Addr: 0xffffffffc0005000, Detail: "module_memfree"}, Step: 3},
		{Event: arch.Event{Kind: arch.EvUnmap, Source: "kernel", Addr: 0xffffffffc0000000, Detail: "module_memfree"}, Step: 11}, // after the snapshot
	}
	rs := KernelRegions(snap, events)
	if len(rs) != 4 {
		t.Fatalf("%d regions: %+v", len(rs), rs)
	}
	dm, vm, ki, mod := rs[0], rs[1], rs[2], rs[3]
	for _, c := range []struct{ name, got, want string }{
		{"the direct map starts at PAGE_OFFSET", dm.Start, "0xffff888000000000"},
		{"the direct map spans RAM and the hole", dm.End, "0xffff888140000000"},
		{"its size is the RAM", dm.Size, "4 GiB"},
		{"its summary names the hole", dm.Summary, "all 4 GiB of RAM at PAGE_OFFSET + phys (__va, __pa) · 1 GiB hole"},
		{"the hole is a none segment", dm.Segments[1].State + " " + dm.Segments[1].Title,
			"none 0xffff8880c0000000–0xffff888100000000 · 1 GiB · the PCI hole: no RAM"},
		{"the vmalloc range", vm.Start + "–" + vm.End + " " + vm.Size, "0xffffc90000000000–0xffffe90000000000 32 TiB"},
		{"vmalloc summary counts areas in use without unpurged ranges", vm.Summary, "3 areas · 28 KiB in use"},
		{"a vmalloc area", vm.Areas[0].Title, "0xffffc90000000000–0xffffc90000005000 · vmalloc · 20 KiB · 16 KiB asked · 4 frames + guard page · copy_process+0x1f6/0x1c20"},
		{"an ioremap area", vm.Areas[1].Title, "0xffffc90000005000–0xffffc90000007000 · ioremap · 8 KiB · phys 0xfebf0000–0xfebf1000 · + guard page · init_module+0x1"},
		{"an unpurged range", vm.Areas[2].Title, "0xffffc90000007000–0xffffc90000009000 · unpurged · 8 KiB · freed, not yet purged from the kernel's TLBs (lazy vunmap)"},
		{"the kernel image mapping", ki.Start, "0xffffffff80000000"},
		{"the module area", mod.Start + " " + mod.Summary, "0xffffffffc0000000 1 allocation · 16 KiB of module code and data"},
		{"the live module allocation", mod.Areas[0].Title, "0xffffffffc0000000–0xffffffffc0004000 · module_alloc · 4 frames + guard page"},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
	if vm.Areas[0].Frames != 4 {
		t.Errorf("frames %d", vm.Areas[0].Frames)
	}
	// After every module allocation is freed there is no module row.
	snap.Step = 20
	if rs := KernelRegions(snap, events); len(rs) != 3 {
		t.Errorf("after module_memfree: %d regions", len(rs))
	}
	if rs := KernelRegions(nil, events); rs != nil {
		t.Errorf("nil snapshot: %v", rs)
	}
	if rs := KernelRegions(&engine.Snapshot{}, nil); len(rs) != 3 || rs[0].Segments != nil {
		t.Errorf("empty snapshot: %+v", rs)
	}
}

// TestVirtualOnARealMachine draws the demand-paging example: every VMA's
// bar holds its pages, and PageFrame agrees with the page runs.
func TestVirtualOnARealMachine(t *testing.T) {
	s := session(t, "02.c", galleryExample(t, "02-demand-paging.c"), "")
	// Run to the free: the 64 MiB mapping has 17 pages written (16 and
	// the last), and it merged with the 3 pages of TLS above it.
	if s.RunToLine(38) {
		t.Fatal("the program ended before line 38")
	}
	snap := s.Snapshot()
	var big *Region
	for _, r := range UserRegions(snap.Process) {
		checkSegments(t, r.Name, r.Segments, (r.EndAddr-r.StartAddr)>>arch.PageShift)
		if r.EndAddr-r.StartAddr > 64<<20 {
			rr := r
			big = &rr
		}
	}
	if big == nil {
		t.Fatal("no 64 MiB mapping")
	}
	if big.Summary != "20 present · 16368 not present" {
		t.Errorf("the 64 MiB mapping: %q", big.Summary)
	}
	for _, v := range snap.Process.VMAs {
		for _, pr := range v.Pages {
			pfn, st, ok := PageFrame(snap.Process, pr.Start+pr.Count<<arch.PageShift-1)
			if !ok || st != pr.State || st == "present" && pfn != pr.PFN+pr.Count-1 {
				t.Errorf("PageFrame at the end of run %+v: %#x %q %v", pr, pfn, st, ok)
			}
		}
	}
	rs := KernelRegions(snap, s.Events())
	if len(rs) < 3 || len(rs[1].Areas) == 0 {
		t.Errorf("kernel regions %+v", rs)
	}
}

// TestKernelRegionsFromFrameMap: the direct map drawn from the frame map
// (what the playground builds) is the one drawn from the frame runs (the
// JSON snapshot), on a 4 GiB machine with its PCI hole.
func TestKernelRegionsFromFrameMap(t *testing.T) {
	s, full := runSnippet(t, "02.c", galleryExample(t, "02-demand-paging.c"), "ram=4G")
	lazy := s.SnapshotOf(engine.PartFrameMap | engine.PartVmalloc | engine.PartProcess)
	a, b := KernelRegions(full, s.Events()), KernelRegions(lazy, s.Events())
	if !reflect.DeepEqual(a, b) {
		t.Errorf("from the runs:\n%+v\nfrom the frame map:\n%+v", a[0], b[0])
	}
	if !strings.Contains(b[0].Summary, "hole") {
		t.Errorf("the 4 GiB direct map shows no hole: %q", b[0].Summary)
	}
}
