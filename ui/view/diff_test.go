package view

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"mmplay/engine"
	"mmplay/engine/glibc"
	"mmplay/engine/mm"
	"mmplay/engine/phys"
	"mmplay/engine/slab"
	"mmplay/engine/vmalloc"
)

func run(pfn, count uint64, owner string, order int) phys.FrameRun {
	return phys.FrameRun{PFN: pfn, Count: count, Owner: owner, Zone: "DMA32", Order: order}
}

func ranges(rs []PFNRange) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprintf("%d+%d", r.PFN, r.Count))
	}
	return strings.Join(s, " ")
}

func TestDiffFrames(t *testing.T) {
	base := []phys.FrameRun{run(0, 16, "reserved", -1), run(16, 16, "free", 4)}
	for _, c := range []struct {
		name      string
		prev, cur []phys.FrameRun
		want      string
	}{
		{"identical runs: nothing", base, base, ""},
		{"an order-0 allocation split from a free order-4 block",
			base,
			[]phys.FrameRun{run(0, 16, "reserved", -1), run(16, 1, "slab", 0), run(17, 1, "free", 0), run(18, 2, "free", 1), run(20, 4, "free", 2), run(24, 8, "free", 3)},
			"16+16"},
		{"freeing it back merges all the way up: the whole block",
			[]phys.FrameRun{run(0, 16, "reserved", -1), run(16, 1, "slab", 0), run(17, 1, "free", 0), run(18, 2, "free", 1), run(20, 4, "free", 2), run(24, 8, "free", 3)},
			base,
			"16+16"},
		{"an owner change inside one run",
			[]phys.FrameRun{run(0, 32, "free", -1)},
			[]phys.FrameRun{run(0, 10, "free", -1), run(10, 2, "user anon", -1), run(12, 20, "free", -1)},
			"10+2"},
		{"two separate changes stay separate",
			[]phys.FrameRun{run(0, 32, "free", -1)},
			[]phys.FrameRun{run(0, 2, "slab", -1), run(2, 10, "free", -1), run(12, 1, "slab", -1), run(13, 19, "free", -1)},
			"0+2 12+1"},
		{"a block's order changing without an owner change marks the block",
			[]phys.FrameRun{run(0, 4, "pages", 2), run(4, 4, "pages", 2)},
			[]phys.FrameRun{run(0, 8, "pages", 3)},
			"0+8"},
		{"the zone alone changing is a change",
			[]phys.FrameRun{{PFN: 0, Count: 4, Owner: "free", Zone: "DMA", Order: -1}},
			[]phys.FrameRun{{PFN: 0, Count: 4, Owner: "free", Zone: "DMA32", Order: -1}},
			"0+4"},
		{"a longer machine: the extra frames are new",
			[]phys.FrameRun{run(0, 4, "free", -1)},
			[]phys.FrameRun{run(0, 8, "free", -1)},
			"4+4"},
		{"nothing before", nil, base, "0+32"},
	} {
		if got := ranges(diffFrames(c.prev, c.cur)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// keys renders a set's keys in hex, sorted.
func keys(m map[uint64]bool) string {
	var ks []uint64
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	var s []string
	for _, k := range ks {
		s = append(s, Hex(k))
	}
	return strings.Join(s, " ")
}

func TestDiff(t *testing.T) {
	prev := handSnapshot()
	prev.Stdout, prev.KernelLog = "a\n", []string{"one"}
	cur := handSnapshot()
	cur.Stdout, cur.Stderr, cur.KernelLog = "a\nbc\n", "x", []string{"one", "two", "three"}
	// A fault maps the zero-page page at 0x55555555a000 to a frame.
	cur.Process.VMAs[0].Pages[1] = mm.PageRun{Start: 0x55555555a000, Count: 1, State: "present", PFN: 16}
	cur.Frames[1] = phys.FrameRun{PFN: 16, Count: 1, Owner: "user anon", Zone: "DMA", Order: 0}
	cur.Frames = append(cur.Frames[:2], append([]phys.FrameRun{{PFN: 17, Count: 1, Owner: "free", Zone: "DMA", Order: 0},
		{PFN: 18, Count: 2, Owner: "free", Zone: "DMA", Order: 1}, {PFN: 20, Count: 4, Owner: "free", Zone: "DMA", Order: 2}}, cur.Frames[2:]...)...)
	// A new VMA, a kmalloc, a chunk freed to tcache, a vfree'd area.
	cur.Process.VMAs = append(cur.Process.VMAs, mm.VMASnapshot{Start: 0x7ffff7000000, End: 0x7ffff7001000, Perms: "rw-p"})
	cur.Slab.Caches[0].InUse, cur.Slab.Caches[0].Slabs[0].InUse = 2, 2
	cur.Slab.Caches[0].Slabs[0].Objects = []slab.ObjectSnapshot{{Addr: 0xffff888000018000, State: slab.ObjAllocated, Req: 24}, {Addr: 0xffff888000018040, State: slab.ObjAllocated, Req: 64}}
	prev.Heap = &glibc.Snapshot{Initialized: true, Chunks: []glibc.Chunk{{Addr: 0x1000, Size: 0x20}, {Addr: 0x1020, Size: 0x1000, State: glibc.Top}}}
	cur.Heap = &glibc.Snapshot{Initialized: true, Chunks: []glibc.Chunk{{Addr: 0x1000, Size: 0x20, State: glibc.InTcache}, {Addr: 0x1020, Size: 0x1000, State: glibc.Top}},
		Mmapped: []glibc.MmappedChunk{{Addr: 0x7ffff7000000, Size: 0x21000}}}
	cur.Vmalloc = []vmalloc.AreaSnapshot{{Addr: 0xffffc90000000000, End: 0xffffc90000002000, Size: 0x2000, Kind: "unpurged"}}

	c := Diff(prev, cur)
	for _, x := range []struct{ name, got, want string }{
		{"frames: the faulted frame and the block it split from", ranges(c.Frames), "16+8"},
		{"VMAs: the faulted one and the new one", keys(c.VMAs), "0x555555559000 0x7ffff7000000"},
		{"the tcache'd chunk and the new mmapped chunk", keys(c.Chunks), "0x1000 0x7ffff7000000"},
		{"the cache that allocated", fmt.Sprint(c.Caches), "map[kmalloc-64:true]"},
		{"the object it allocated", keys(c.Objects), "0xffff888000018040"},
		{"the area that changed", keys(c.Areas), "0xffffc90000000000"},
		{"counts", fmt.Sprint(c.NewLogLines, c.NewStdout, c.NewStderr, c.RemovedVMAs), "2 3 1 0"},
	} {
		if x.got != x.want {
			t.Errorf("%s: %s, want %s", x.name, x.got, x.want)
		}
	}
	if !c.FrameChanged(16) || !c.FrameChanged(23) || c.FrameChanged(24) || c.FrameChanged(15) {
		t.Error("FrameChanged disagrees with Frames")
	}
	if c.Empty() {
		t.Error("Empty")
	}
	// Going back: the VMA vanished, nothing counts negative.
	back := Diff(cur, prev)
	if back.RemovedVMAs != 1 || back.NewLogLines != 0 || back.NewStdout != 0 {
		t.Errorf("backwards: %+v", back)
	}
	for _, x := range []struct {
		name      string
		prev, cur *engine.Snapshot
	}{
		{"nil prev", nil, cur},
		{"nil cur", prev, nil},
		{"the same snapshot", cur, cur},
		{"empty snapshots", &engine.Snapshot{}, &engine.Snapshot{}},
	} {
		if d := Diff(x.prev, x.cur); !d.Empty() {
			t.Errorf("%s: %+v", x.name, d)
		}
	}
}

// TestDiffOfARealStep steps over a malloc that faults in the heap's first
// page: the frame that now backs it is among the changed frames, and the
// heap and its VMA changed.
func TestDiffOfARealStep(t *testing.T) {
	s := session(t, "d.c", "#include <stdlib.h>\nint main(void)\n{\n    int x = 0;\n    char *p = malloc(100);\n    free(p);\n    return x;\n}\n", "")
	s.Step()
	prev := s.Snapshot() // paused before the malloc on line 5
	if prev.Line != 5 {
		t.Fatalf("paused at line %d", prev.Line)
	}
	s.Step()
	cur := s.Snapshot()
	c := Diff(prev, cur)
	pfn, st, ok := PageFrame(cur.Process, cur.Process.StartBrk)
	if !ok || st != "present" {
		t.Fatalf("the heap's first page: %v %q", ok, st)
	}
	if !c.FrameChanged(pfn) {
		t.Errorf("frame %#x of the new heap page not among %s", pfn, ranges(c.Frames))
	}
	if len(c.Chunks) == 0 || len(c.VMAs) == 0 {
		t.Errorf("chunks %v, VMAs %v", c.Chunks, c.VMAs)
	}
}

func BenchmarkDiff1M(b *testing.B) {
	prev := &engine.Snapshot{Frames: syntheticRuns1M()}
	cur := &engine.Snapshot{Frames: append([]phys.FrameRun(nil), prev.Frames...)}
	for i := 100; i < len(cur.Frames); i += 1000 {
		cur.Frames[i].Owner = "user file"
	}
	b.ReportMetric(float64(len(prev.Frames)), "runs")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Diff(prev, cur)
	}
}

func BenchmarkDiff1MWorstCase(b *testing.B) {
	runs := make([]phys.FrameRun, 1<<20)
	for i := range runs {
		runs[i] = phys.FrameRun{PFN: uint64(i), Count: 1, Owner: "user anon", Zone: "DMA32", Order: 0}
	}
	cur := append([]phys.FrameRun(nil), runs...)
	cur[5000].Owner = "slab"
	p, c := &engine.Snapshot{Frames: runs}, &engine.Snapshot{Frames: cur}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Diff(p, c)
	}
}

// syntheticRuns1M is a busy 1 Mi-frame machine as runs: 1 to 127 frames
// (64 on average, about 16000 runs), owners and zones varied.
func syntheticRuns1M() []phys.FrameRun {
	rng := rand.New(rand.NewPCG(7, 7))
	owners := []string{"free", "slab", "user anon", "pages", "reserved", "vmalloc"}
	zones := []string{"DMA", "DMA32", "Normal"}
	var runs []phys.FrameRun
	for pfn := uint64(0); pfn < 1<<20; {
		k := min(uint64(1+rng.IntN(128)), 1<<20-pfn)
		runs = append(runs, phys.FrameRun{PFN: pfn, Count: k, Owner: owners[rng.IntN(len(owners))],
			Zone: zones[rng.IntN(len(zones))], Order: rng.IntN(4) - 1})
		pfn += k
	}
	return runs
}
