package view

import (
	"math"
	"strings"
	"testing"

	"mmplay/engine"
	"mmplay/engine/glibc"
)

func handHeap() *glibc.Snapshot {
	const base = 0x555555559000
	return &glibc.Snapshot{
		Initialized: true,
		Chunks: []glibc.Chunk{
			{Addr: base, Size: 0x290, Flags: 1},                                       // tcache_perthread_struct
			{Addr: base + 0x290, Size: 0x20, Flags: 1, State: glibc.InTcache, Bin: 0}, // tcache[0]
			{Addr: base + 0x2b0, Size: 0x30, Flags: 1, State: glibc.InFastbin, Bin: 1},
			{Addr: base + 0x2e0, Size: 0x50, Flags: 1, State: glibc.InSmallbin, Bin: 5},
			{Addr: base + 0x330, Size: 0x20, Flags: 0},
			{Addr: base + 0x350, Size: 0x410, Flags: 1, State: glibc.InLargebin, Bin: 64},
			{Addr: base + 0x760, Size: 0x100, Flags: 0, State: glibc.InUnsorted, Bin: 1},
			{Addr: base + 0x860, Size: 0x207a0, Flags: 1, State: glibc.Top},
		},
		Top: base + 0x860, TopSize: 0x207a0, LastRemainder: base + 0x760,
		Tcache:   []glibc.List{{Index: 0, ChunkSize: 32, Count: 1, Chunks: []uint64{base + 0x290}}},
		Fastbins: []glibc.List{{Index: 1, ChunkSize: 48, Count: 1, Chunks: []uint64{base + 0x2b0}}},
		Bins: []glibc.List{
			{Index: 1, Count: 1, Chunks: []uint64{base + 0x760}},
			{Index: 5, ChunkSize: 80, Count: 1, Chunks: []uint64{base + 0x2e0}},
			{Index: 64, Count: 1, Chunks: []uint64{base + 0x350}},
		},
		Mmapped: []glibc.MmappedChunk{{Addr: 0x7ffff7d8c000, Size: 0x33000}},
		Params:  glibc.Params{TrimThreshold: 128 << 10, TopPad: 128 << 10, MmapThreshold: 128 << 10, NMmaps: 1, MmappedMem: 0x33000, SystemMem: 132 << 10},
	}
}

func TestHeapRows(t *testing.T) {
	v := HeapRows(&engine.Snapshot{Heap: handHeap()})
	if v.Message != "" || len(v.Chunks) != 8 {
		t.Fatalf("view %+v", v)
	}
	for _, c := range []struct{ name, got, want string }{
		{"an in-use chunk", v.Chunks[0].Title, "0x555555559000 · 656 B · in use · user pointer 0x555555559010 · P"},
		{"a tcache chunk names its bin and size", v.Chunks[1].Bin, "tcache[0] 32 B"},
		{"a fastbin chunk", v.Chunks[2].Bin, "fastbin[1] 48 B"},
		{"a small bin chunk", v.Chunks[3].Bin, "smallbin[5] 80 B"},
		{"a large bin chunk says where its range starts", v.Chunks[5].Bin, "largebin[64] ≥ 1 KiB"},
		{"the unsorted chunk is the last remainder", v.Chunks[6].Title, "0x555555559760 · 256 B · unsorted · user pointer 0x555555559770 · last remainder"},
		{"a chunk after a free one has no P", v.Chunks[4].Flags, ""},
		{"top has no user pointer", v.Chunks[7].Title, "0x555555559860 · 129.91 KiB · top · P"},
		{"the heap's bounds", v.Start + "–" + v.End, "0x555555559000–0x55555557a000"},
		{"the span", v.Span, "132 KiB"},
		{"an mmapped chunk", v.Mmapped[0].Title, "0x7ffff7d8c000 · 204 KiB · mmapped chunk (its own mapping, munmap'ed by free) · user pointer 0x7ffff7d8c010"},
		{"params", v.Params, "mmap threshold 128 KiB · trim threshold 128 KiB · top pad 128 KiB · 132 KiB from the kernel · 1 mmapped chunk (204 KiB)"},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
	var classes []string
	var sum float64
	for _, c := range v.Chunks {
		classes = append(classes, c.Class)
		sum += c.Pct
		if c.Pct < MinChunkPct-1e-9 {
			t.Errorf("chunk %s is %.3f%% wide", c.Addr, c.Pct)
		}
	}
	if got := strings.Join(classes, ","); got != "inuse,tcache,fastbin,smallbin,inuse,largebin,unsorted,top" {
		t.Errorf("classes %s", got)
	}
	if math.Abs(sum-100) > 1e-6 {
		t.Errorf("widths sum to %v", sum)
	}
	if v.Top == nil || v.Top.AddrNum != 0x555555559860 {
		t.Errorf("top %+v", v.Top)
	}
	var bins []string
	for _, b := range v.Bins {
		bins = append(bins, b.Kind+":"+b.Label+":"+strings.Join(b.Chunks, "/"))
	}
	if got, want := strings.Join(bins, " "), "tcache:tcache[0] 32 B:0x555555559290 fastbin:fastbin[1] 48 B:0x5555555592b0 "+
		"unsorted:unsorted:0x555555559760 smallbin:smallbin[5] 80 B:0x5555555592e0 largebin:largebin[64] ≥ 1 KiB:0x555555559350"; got != want {
		t.Errorf("bins\n got %s\nwant %s", got, want)
	}
}

func TestHeapRowsWithoutAHeap(t *testing.T) {
	fence := handHeap()
	fence.Chunks = append(fence.Chunks[:7:7], glibc.Chunk{Addr: 0x555555559860, Size: 16, Flags: 1}, glibc.Chunk{Addr: 0x555555559870, Size: 16, Flags: 1})
	for _, c := range []struct {
		name    string
		snap    *engine.Snapshot
		message string
		err     bool
		chunks  int
		mmapped int
	}{
		{"a nil snapshot", nil, "no program has run yet", false, 0, 0},
		{"a corrupted heap", &engine.Snapshot{HeapError: "the heap could not be walked"}, "the heap could not be walked", true, 0, 0},
		{"no heap at all", &engine.Snapshot{}, "no heap", false, 0, 0},
		{"malloc not called yet", &engine.Snapshot{Heap: &glibc.Snapshot{}}, "malloc has not set up the heap yet", false, 0, 0},
		{"only mmapped chunks (mallopt before the first malloc)", &engine.Snapshot{Heap: &glibc.Snapshot{Mmapped: []glibc.MmappedChunk{{Addr: 0x7ffff7000000, Size: 0x21000}}}},
			"malloc has not set up the heap yet", false, 0, 1},
		{"a segment ending in fence posts", &engine.Snapshot{Heap: fence}, "", false, 9, 1},
	} {
		v := HeapRows(c.snap)
		if v.Message != c.message || v.Error != c.err || len(v.Chunks) != c.chunks || len(v.Mmapped) != c.mmapped {
			t.Errorf("%s: message %q error %v, %d chunks, %d mmapped", c.name, v.Message, v.Error, len(v.Chunks), len(v.Mmapped))
		}
		if c.name == "a segment ending in fence posts" {
			if v.Chunks[7].Class != "fence" || v.Chunks[7].Bin != "fence post" || v.Top != nil {
				t.Errorf("fence post %+v, top %v", v.Chunks[7], v.Top)
			}
		}
	}
}

func TestLargebinMin(t *testing.T) {
	for _, c := range []struct {
		name string
		bin  int
		want uint64
	}{
		{"the first large bin starts at 1 KiB", 64, 1024},
		{"bins 64…96 are 64 bytes apart", 65, 1088},
		{"the last 64-byte bin", 96, 3072},
		{"the first 512-byte bin starts after 3135", 97, 3136},
		{"the 4 KiB bins", 113, 12288},
		{"the last bin holds everything from 512 KiB", 126, 524288},
		{"out of range", 200, 0},
	} {
		if got := largebinMin(c.bin); got != c.want {
			t.Errorf("%s: largebinMin(%d) = %d, want %d", c.name, c.bin, got, c.want)
		}
	}
	for sz := uint64(1024); sz < 1<<20; sz += 16 {
		i := largebinIndex(sz)
		if largebinMin(i) > sz {
			t.Fatalf("size %d in bin %d below its minimum %d", sz, i, largebinMin(i))
		}
	}
}

// TestHeapOnARealRun draws the heap of the malloc/free/trim example at the
// moment a and b are both allocated: every chunk of the walk is drawn, the
// last is top, and widths sum to 100.
func TestHeapOnARealRun(t *testing.T) {
	s := session(t, "01.c", galleryExample(t, "01-malloc-free-trim.c"), "")
	if s.RunToLine(32) { // show("free a (below b)") after free(a)
		t.Fatal("ended before line 32")
	}
	snap := s.Snapshot()
	v := HeapRows(snap)
	if v.Message != "" || len(v.Chunks) != len(snap.Heap.Chunks) {
		t.Fatalf("view %q with %d chunks of %d", v.Message, len(v.Chunks), len(snap.Heap.Chunks))
	}
	if v.Top == nil || v.Chunks[len(v.Chunks)-1].State != "top" {
		t.Errorf("the last chunk is not top: %+v", v.Chunks[len(v.Chunks)-1])
	}
	free := 0
	for _, c := range v.Chunks {
		if c.State != "in use" && c.State != "top" {
			free++
		}
	}
	if free == 0 {
		t.Errorf("after free(a) no chunk is free: %+v", v.Chunks)
	}
	var sum float64
	for _, c := range v.Chunks {
		sum += c.Pct
	}
	if math.Abs(sum-100) > 1e-6 {
		t.Errorf("widths sum to %v", sum)
	}
}

// TestHeapRowsBounded: past MaxChunksShown the first chunks and the top
// are drawn, the rest counted.
func TestHeapRowsBounded(t *testing.T) {
	h := &glibc.Snapshot{Initialized: true}
	addr := uint64(0x555555559000)
	for i := 0; i < MaxChunksShown+10; i++ {
		h.Chunks = append(h.Chunks, glibc.Chunk{Addr: addr, Size: 32, State: glibc.InUse})
		addr += 32
	}
	h.Chunks = append(h.Chunks, glibc.Chunk{Addr: addr, Size: 4096, State: glibc.Top})
	v := HeapRows(&engine.Snapshot{Heap: h})
	if len(v.Shown) != MaxChunksShown || v.Shown[len(v.Shown)-1].State != "top" || v.More != "11 chunks before the last not drawn (311 chunks in all)" {
		t.Errorf("shown %d, last %q, more %q", len(v.Shown), v.Shown[len(v.Shown)-1].State, v.More)
	}
	var sum float64
	for _, r := range v.Shown {
		sum += r.Pct
	}
	if sum < 99.9 || sum > 100.1 {
		t.Errorf("the chunks drawn fill %.1f%% of the bar, want 100%%", sum)
	}
	small := HeapRows(&engine.Snapshot{Heap: &glibc.Snapshot{Initialized: true, Chunks: h.Chunks[len(h.Chunks)-3:]}})
	if len(small.Shown) != 3 || small.More != "" {
		t.Errorf("3 chunks: shown %d, more %q", len(small.Shown), small.More)
	}
}
