package view

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"

	"mmplay/engine"
	"mmplay/engine/glibc"
	"mmplay/engine/mm"
	"mmplay/engine/phys"
	"mmplay/engine/slab"
	"mmplay/engine/vmalloc"
)

func TestLayout(t *testing.T) {
	for _, c := range []struct {
		name          string
		frames        uint64
		width, zoom   int
		cols, rows, c int
	}{
		{"1 Mi frames at 1024 px: one pixel each, a square", 1 << 20, 1024, 1, 1024, 1024, 1},
		{"16384 frames (64 MiB) at 1024 px: 8-px cells", 16384, 1024, 1, 128, 128, 8},
		{"32768 frames (128 MiB) at 1024 px: 5-px cells, columns a multiple of 64", 32768, 1024, 1, 192, 171, 5},
		{"4096 frames (16 MiB) at 1024 px: 16-px cells", 4096, 1024, 1, 64, 64, 16},
		{"a 4 GiB machine with its PCI hole at 1024 px", 1310720, 1024, 1, 1024, 1280, 1},
		{"1 Mi frames at 360 px (a phone): 320 columns", 1 << 20, 360, 1, 320, 3277, 1},
		{"zoom 2 doubles the cell and keeps the columns", 32768, 1024, 2, 192, 171, 10},
		{"zoom 8 on 1 Mi frames stops at 4-px cells (2^24 pixels)", 1 << 20, 1024, 8, 1024, 1024, 4},
		{"zoom 0 is zoom 1", 16384, 1024, 0, 128, 128, 8},
		{"cells never exceed MaxCell", 16, 1024, 4, 16, 1, MaxCell},
		{"fewer than 64 columns are not aligned", 4096, 50, 1, 50, 82, 1},
		{"width 0 is one column", 10, 0, 1, 1, 10, 1},
		{"more columns than frames: one row", 3, 1024, 1, 3, 1, MaxCell},
	} {
		l := Layout(c.frames, c.width, c.zoom)
		if l.Frames != c.frames || l.Cols != c.cols || l.Rows != c.rows || l.Cell != c.c {
			t.Errorf("%s: Layout(%d, %d, %d) = %+v, want cols %d rows %d cell %d", c.name, c.frames, c.width, c.zoom, l, c.cols, c.rows, c.c)
		}
		if l.Cols*l.Rows < int(l.Frames) {
			t.Errorf("%s: %d×%d cells hold fewer than %d frames", c.name, l.Cols, l.Rows, l.Frames)
		}
	}
	if l := Layout(0, 1024, 1); l.Frames != 0 || l.Cols != 0 || l.Rows != 0 || l.Cell != 1 {
		t.Errorf("zero frames: %+v, want an empty layout with Cell 1", l)
	}
}

func TestOwnerColorsAreDistinct(t *testing.T) {
	seen := map[[3]byte]string{}
	for o := phys.Owner(0); o < phys.NumOwners; o++ {
		if o == phys.OwnerFree {
			continue
		}
		c := OwnerColor(o.String(), "DMA32")
		if c == ([3]byte{}) || c == unknownColor {
			t.Errorf("owner %s has no colour of its own: %v", o, c)
		}
		if other, dup := seen[c]; dup {
			t.Errorf("owners %s and %s share colour %s", o, other, CSS(c))
		}
		seen[c] = o.String()
	}
	for z := phys.ZoneID(0); z < phys.NumZones; z++ {
		c := OwnerColor("free", z.String())
		if other, dup := seen[c]; dup {
			t.Errorf("free %s shares colour %s with %s", z, CSS(c), other)
		}
		seen[c] = "free " + z.String()
		// Free frames are pale: every channel above 0xd0.
		if c[0] < 0xd0 || c[1] < 0xd0 || c[2] < 0xd0 {
			t.Errorf("free %s colour %s is not pale", z, CSS(c))
		}
	}
	if got := OwnerColor("no such owner", "DMA"); got != unknownColor {
		t.Errorf("unknown owner colour %v, want magenta", got)
	}
	if got, want := OwnerColor("free", "no such zone"), ownerColors[phys.OwnerFree]; got != want {
		t.Errorf("free frame of an unknown zone: %v, want %v", got, want)
	}
	if got, want := OwnerColor("slab", "DMA"), OwnerColor("slab", "Normal"); got != want {
		t.Errorf("the zone changes a slab frame's colour: %v vs %v", got, want)
	}
}

func TestOwnerIndexKnowsEveryPhysName(t *testing.T) {
	for o := phys.Owner(0); o < phys.NumOwners; o++ {
		if got := ownerIndex(o.String()); got != o {
			t.Errorf("ownerIndex(%q) = %d, want %d", o.String(), got, o)
		}
	}
	for z := phys.ZoneID(0); z < phys.NumZones; z++ {
		if got := zoneIndex(z.String()); got != z {
			t.Errorf("zoneIndex(%q) = %d, want %d", z.String(), got, z)
		}
	}
	if ownerIndex("?") != phys.NumOwners || zoneIndex("?") != phys.NumZones {
		t.Error("unknown names are not NumOwners/NumZones")
	}
}

func TestLegendMatchesOwnerColor(t *testing.T) {
	owners := map[string]bool{}
	for _, e := range Legend() {
		owners[e.Owner] = true
		if want := CSS(OwnerColor(e.Owner, e.Zone)); e.Color != want {
			t.Errorf("legend %q: colour %s, OwnerColor says %s", e.Label, e.Color, want)
		}
		if e.Label == "" || e.Help == "" {
			t.Errorf("legend entry %+v lacks a label or help", e)
		}
	}
	for o := phys.Owner(0); o < phys.NumOwners; o++ {
		if !owners[o.String()] {
			t.Errorf("owner %s is missing from the legend", o)
		}
	}
	if got := CSS([3]byte{0x0a, 0xbc, 0xff}); got != "#0abcff" {
		t.Errorf("CSS = %q", got)
	}
}

// paintReference is Paint written the slow, obvious way: every pixel
// asks FrameAt for its frame.
func paintReference(runs []phys.FrameRun, l PhysLayout) []byte {
	w := l.Width()
	buf := make([]byte, w*l.Height()*4)
	for y := 0; y < l.Height(); y++ {
		for x := 0; x < w; x++ {
			pfn, ok := PFNAt(l, x, y)
			if !ok {
				continue
			}
			r, ok := FrameAt(runs, pfn)
			if !ok {
				continue
			}
			c := OwnerColor(r.Owner, r.Zone)
			px := [4]byte{c[0], c[1], c[2], 0xff}
			if l.Cell >= 4 && r.Order >= 0 && pfn == r.PFN && x%l.Cell == 0 {
				px = darker(c)
			}
			copy(buf[(y*w+x)*4:], px[:])
		}
	}
	return buf
}

// randomRuns cuts frames [0, n) into runs of random owners, zones and
// orders, with gaps when gaps is set.
func randomRuns(rng *rand.Rand, n uint64, meanLen int, gaps bool) []phys.FrameRun {
	owners := []string{"free", "slab", "user anon", "pages", "reserved", "vmalloc"}
	zones := []string{"DMA", "DMA32", "Normal"}
	var runs []phys.FrameRun
	for pfn := uint64(0); pfn < n; {
		k := uint64(1 + rng.Intn(2*meanLen))
		k = min(k, n-pfn)
		if !gaps || rng.Intn(5) != 0 {
			runs = append(runs, phys.FrameRun{PFN: pfn, Count: k, Owner: owners[rng.Intn(len(owners))],
				Zone: zones[rng.Intn(len(zones))], Order: rng.Intn(4) - 1})
		}
		pfn += k
	}
	return runs
}

func TestPaintMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, c := range []struct {
		name   string
		frames uint64
		width  int
		zoom   int
		gaps   bool
	}{
		{"1-px cells, runs wrapping rows", 5000, 100, 1, false},
		{"2-px cells: rows copied down", 3000, 128, 1, false},
		{"8-px cells draw block boundaries", 300, 200, 1, false},
		{"gaps between runs are transparent", 2000, 64, 1, true},
		{"zoomed 3× with gaps", 700, 100, 3, true},
		{"a last row only partly filled", 130, 64, 1, false},
	} {
		runs := randomRuns(rng, c.frames, 7, c.gaps)
		l := Layout(c.frames, c.width, c.zoom)
		want := paintReference(runs, l)
		if got := Paint(runs, l, nil); !bytes.Equal(got, want) {
			t.Errorf("%s: Paint differs from the reference (layout %+v)", c.name, l)
		}
		// A dirty buffer that is big enough is reused and fully redrawn.
		dirty := bytes.Repeat([]byte{0x77}, len(want)+100)
		got := Paint(runs, l, dirty)
		if &got[0] != &dirty[0] {
			t.Errorf("%s: Paint did not reuse a buffer big enough", c.name)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: Paint over a dirty buffer differs from the reference", c.name)
		}
	}
	// Names with bytes of their own (a snapshot decoded from JSON) and a
	// name sharing its bytes with a longer one paint the same colours.
	runs := randomRuns(rng, 3000, 3, false)
	l := Layout(3000, 100, 1)
	want := paintReference(runs, l)
	js, err := json.Marshal(runs)
	if err != nil {
		t.Fatal(err)
	}
	var decoded []phys.FrameRun
	if err := json.Unmarshal(js, &decoded); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(Paint(decoded, l, nil), want) {
		t.Error("runs decoded from JSON paint differently")
	}
	long := "slabs"
	tricky := []phys.FrameRun{{PFN: 0, Count: 2, Owner: long, Zone: "DMA", Order: -1}, {PFN: 2, Count: 2, Owner: long[:4], Zone: "DMA", Order: -1}}
	l = PhysLayout{Frames: 4, Cols: 4, Rows: 1, Cell: 1}
	if got := Paint(tricky, l, nil); !bytes.Equal(got, paintReference(tricky, l)) || pixel(got, l, 2, 0) != [4]byte{0x2f, 0x9e, 0x96, 0xff} {
		t.Errorf("a name that is a prefix of the previous run's name: %v", got)
	}

	if got := Paint(nil, Layout(0, 100, 1), nil); len(got) != 0 {
		t.Errorf("empty layout: %d bytes", len(got))
	}
	// Runs beyond the layout are ignored; a layout beyond the runs is transparent.
	runs = []phys.FrameRun{{PFN: 0, Count: 100, Owner: "slab", Zone: "DMA", Order: -1}}
	l = Layout(10, 10, 1)
	if got := Paint(runs, l, nil); !bytes.Equal(got, paintReference(runs, l)) {
		t.Error("runs longer than the layout")
	}
}

func pixel(buf []byte, l PhysLayout, x, y int) [4]byte {
	o := (y*l.Width() + x) * 4
	return [4]byte{buf[o], buf[o+1], buf[o+2], buf[o+3]}
}

func TestHighlightFrames(t *testing.T) {
	runs := []phys.FrameRun{{PFN: 0, Count: 64, Owner: "free", Zone: "DMA", Order: -1}}
	red := [3]byte{0xff, 0, 0}
	redPx := [4]byte{0xff, 0, 0, 0xff}
	free := OwnerColor("free", "DMA")
	freePx := [4]byte{free[0], free[1], free[2], 0xff}

	// 4-px cells, 8 columns: frames 6..17 span three rows.
	l := PhysLayout{Frames: 64, Cols: 8, Rows: 8, Cell: 4}
	buf := Paint(runs, l, nil)
	HighlightFrames(buf, l, 6, 12, red)
	for _, c := range []struct {
		name string
		x, y int
		want [4]byte
	}{
		{"top edge of the first frame", 6*4 + 1, 0, redPx},
		{"left edge of the first frame", 6 * 4, 2, redPx},
		{"inside the first frame keeps its colour", 6*4 + 1, 1, freePx},
		{"frame 5 before the range is untouched", 5*4 + 1, 0, freePx},
		{"second row, frame 8 at column 0: left edge", 0, 4 + 2, redPx},
		{"frame 8 has frame 0 above, outside: top edge", 1, 4, redPx},
		{"frame 14 has frame 6 above, inside: no top edge", 6*4 + 1, 4, freePx},
		{"frame 17 is the last: right edge", 1*4 + 3, 8 + 1, redPx},
		{"frame 17 has nothing below: bottom edge", 1*4 + 1, 8 + 3, redPx},
		{"frame 9 has frame 17 below, inside: no bottom edge", 1*4 + 1, 4 + 3, freePx},
		{"frame 10 has frame 18 below, outside: bottom edge", 2*4 + 1, 4 + 3, redPx},
		{"frame 18 is untouched", 2*4 + 1, 8 + 1, freePx},
	} {
		if got := pixel(buf, l, c.x, c.y); got != c.want {
			t.Errorf("4-px cells: %s: pixel (%d,%d) = %v, want %v", c.name, c.x, c.y, got, c.want)
		}
	}

	// 1-px cells blend half-way.
	l = PhysLayout{Frames: 64, Cols: 8, Rows: 8, Cell: 1}
	buf = Paint(runs, l, nil)
	HighlightFrames(buf, l, 60, 100, red) // clipped at the end
	want := [4]byte{byte((uint(free[0]) + 0xff) / 2), byte(uint(free[1]) / 2), byte(uint(free[2]) / 2), 0xff}
	if got := pixel(buf, l, 4, 7); got != want {
		t.Errorf("1-px cells: frame 60 = %v, want the blend %v", got, want)
	}
	if got := pixel(buf, l, 3, 7); got != freePx {
		t.Errorf("1-px cells: frame 59 = %v, want untouched", got)
	}
	// Out of range and empty: nothing happens, nothing panics.
	before := append([]byte(nil), buf...)
	HighlightFrames(buf, l, 64, 1, red)
	HighlightFrames(buf, l, 0, 0, red)
	HighlightFrames(buf[:10], l, 0, 1, red)
	HighlightFrames(buf, l, 1, ^uint64(0), [3]byte{}) // count overflows: up to the last frame
	if bytes.Equal(before, buf) {
		t.Error("an overflowing count highlighted nothing")
	}
}

func TestFrameAtPFNAtFrameXY(t *testing.T) {
	runs := []phys.FrameRun{
		{PFN: 0, Count: 256, Owner: "reserved", Order: -1},
		{PFN: 256, Count: 8, Owner: "free", Order: 3},
		{PFN: 300, Count: 1, Owner: "slab", Order: 0}, // after a gap
	}
	for _, c := range []struct {
		name string
		pfn  uint64
		ok   bool
		run  uint64
	}{
		{"the first frame", 0, true, 0},
		{"the last frame of the first run", 255, true, 0},
		{"the first frame of a block", 256, true, 256},
		{"inside a block", 263, true, 256},
		{"in a gap between runs", 280, false, 0},
		{"a one-frame run", 300, true, 300},
		{"beyond the last run", 301, false, 0},
	} {
		r, ok := FrameAt(runs, c.pfn)
		if ok != c.ok || ok && r.PFN != c.run {
			t.Errorf("%s: FrameAt(%d) = %+v, %v", c.name, c.pfn, r, ok)
		}
	}
	if _, ok := FrameAt(nil, 0); ok {
		t.Error("FrameAt(nil) found a frame")
	}
	l := PhysLayout{Frames: 100, Cols: 64, Rows: 2, Cell: 3}
	for pfn := uint64(0); pfn < 100; pfn++ {
		x, y, ok := FrameXY(l, pfn)
		if !ok {
			t.Fatalf("FrameXY(%d) not ok", pfn)
		}
		for _, d := range [][2]int{{0, 0}, {2, 2}, {1, 2}} {
			if got, ok := PFNAt(l, x+d[0], y+d[1]); !ok || got != pfn {
				t.Errorf("PFNAt(FrameXY(%d) + %v) = %d, %v", pfn, d, got, ok)
			}
		}
	}
	for _, c := range []struct {
		name string
		x, y int
	}{
		{"left of the canvas", -1, 0},
		{"above the canvas", 0, -1},
		{"right of the last column", 64 * 3, 0},
		{"below the last row", 0, 6},
		{"after the last frame in the last row", 36 * 3, 3},
	} {
		if pfn, ok := PFNAt(l, c.x, c.y); ok {
			t.Errorf("%s: PFNAt(%d,%d) = %d", c.name, c.x, c.y, pfn)
		}
	}
	if _, _, ok := FrameXY(l, 100); ok {
		t.Error("FrameXY beyond the frames")
	}
	if _, ok := PFNAt(PhysLayout{}, 0, 0); ok {
		t.Error("PFNAt on a zero layout")
	}
}

// handSnapshot is a small machine: 64 frames, each owner once, and the
// allocator state that explains them.
func handSnapshot() *engine.Snapshot {
	return &engine.Snapshot{
		Frames: []phys.FrameRun{
			{PFN: 0, Count: 16, Owner: "reserved", Zone: "DMA", Order: -1},
			{PFN: 16, Count: 8, Owner: "free", Zone: "DMA", Order: 3},
			{PFN: 24, Count: 1, Owner: "slab", Zone: "DMA", Order: 0},
			{PFN: 25, Count: 1, Owner: "zero page", Zone: "DMA", Order: -1},
			{PFN: 26, Count: 1, Owner: "user anon", Zone: "DMA", Order: 0},
			{PFN: 27, Count: 1, Owner: "vmalloc", Zone: "DMA", Order: 0},
			{PFN: 28, Count: 4, Owner: "pages", Zone: "DMA", Order: 2},
			{PFN: 32, Count: 2, Owner: "pages", Zone: "DMA", Order: 1},
			{PFN: 34, Count: 1, Owner: "vmalloc", Zone: "DMA", Order: 0},
			{PFN: 35, Count: 29, Owner: "kernel", Zone: "DMA", Order: -1},
		},
		Process: mm.Snapshot{VMAs: []mm.VMASnapshot{{Start: 0x555555559000, End: 0x55555555c000, Perms: "rw-p", Name: "[heap]",
			Pages: []mm.PageRun{
				{Start: 0x555555559000, Count: 1, State: "present", PFN: 26, Dirty: true, Writable: true},
				{Start: 0x55555555a000, Count: 1, State: "zero"},
				{Start: 0x55555555b000, Count: 1, State: "none"},
			}}}},
		Slab: slab.Snapshot{
			Caches: []slab.CacheSnapshot{{Name: "kmalloc-64", ObjectSize: 64, Size: 64, ObjPerSlab: 64, ActiveObjs: 64, InUse: 1,
				Slabs: []slab.SlabSnapshot{{PFN: 24, Addr: 0xffff888000018000, Role: "cpu", InUse: 1,
					Objects:  []slab.ObjectSnapshot{{Addr: 0xffff888000018000, State: slab.ObjAllocated, Req: 24}, {Addr: 0xffff888000018040}},
					FreeList: []uint64{0xffff888000018040}}}}},
			Large: []slab.LargeSnapshot{{Addr: 0xffff88800001c000, PFN: 28, Order: 2, Req: 10000}},
		},
		Vmalloc: []vmalloc.AreaSnapshot{{Addr: 0xffffc90000000000, End: 0xffffc90000002000, Size: 0x2000, Req: 4096,
			Kind: "vmalloc", Caller: "init_module+0x10", Pages: []uint64{27}}},
		Heap: &glibc.Snapshot{},
	}
}

func TestFrameInfo(t *testing.T) {
	snap := handSnapshot()
	for _, c := range []struct {
		name string
		pfn  uint64
		want string
	}{
		{"reserved", 3, "pfn 0x3 · phys 0x3000 · zone DMA · reserved (never given to the buddy allocator)"},
		{"inside a free block", 19, "pfn 0x13 · phys 0x13000 · zone DMA · free · order-3 block at pfn 0x10 (8 pages (32 KiB))"},
		{"a slab page names its cache", 24, "pfn 0x18 · phys 0x18000 · zone DMA · slab (kmalloc-64) · cpu slab at 0xffff888000018000 · 1 of 2 objects in use"},
		{"the zero page counts its user pages", 25, "pfn 0x19 · phys 0x19000 · zone DMA · the shared zero page · read-only under 1 user page"},
		{"a user page names its address", 26, "pfn 0x1a · phys 0x1a000 · zone DMA · user anon · mapped at 0x555555559000 in [heap] rw-p · dirty"},
		{"a vmalloc page names its area", 27, "pfn 0x1b · phys 0x1b000 · zone DMA · vmalloc area 0xffffc90000000000 · page 1 of 1 at 0xffffc90000000000 · init_module+0x10"},
		{"a large kmalloc", 30, "pfn 0x1e · phys 0x1e000 · zone DMA · large kmalloc(10000) → 0xffff88800001c000 · order 2"},
		{"pages without a kmalloc are alloc_pages", 33, "pfn 0x21 · phys 0x21000 · zone DMA · pages (alloc_pages) · order-1 block at pfn 0x20 (2 pages (8 KiB))"},
		{"a vmalloc page of no area is module memory", 34, "pfn 0x22 · phys 0x22000 · zone DMA · vmalloc (module code or data)"},
		{"kernel image", 40, "pfn 0x28 · phys 0x28000 · zone DMA · kernel image (code, data, bss)"},
		{"beyond memory", 64, ""},
	} {
		if got := FrameInfo(snap, c.pfn); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	if got := FrameInfo(nil, 0); got != "" {
		t.Errorf("nil snapshot: %q", got)
	}
}

// TestFrameInfoOnARealMachine checks the hover text against the real
// snapshot of a gallery example: every user page, slab and vmalloc page
// is explained by the part of the snapshot that owns it.
func TestFrameInfoOnARealMachine(t *testing.T) {
	_, snap := runSnippet(t, "07c-scullv.c", galleryExample(t, "07c-scullv.c"), "")
	n := FramesOf(snap.Frames)
	for pfn := uint64(0); pfn < n; pfn++ {
		if FrameInfo(snap, pfn) == "" {
			t.Fatalf("pfn %#x has no hover text", pfn)
		}
	}
	for _, v := range snap.Process.VMAs {
		for _, pr := range v.Pages {
			if pr.State == "present" {
				if s := FrameInfo(snap, pr.PFN); !strings.Contains(s, "mapped at ") {
					t.Errorf("user pfn %#x: %q", pr.PFN, s)
				}
			}
		}
	}
	for _, c := range snap.Slab.Caches {
		for _, s := range c.Slabs {
			if got := FrameInfo(snap, s.PFN); !strings.Contains(got, "("+c.Name+")") {
				t.Errorf("slab of %s at pfn %#x: %q", c.Name, s.PFN, got)
			}
		}
	}
	for _, a := range snap.Vmalloc {
		for _, p := range a.Pages {
			if got := FrameInfo(snap, p); !strings.Contains(got, Addr(a.Addr)) {
				t.Errorf("vmalloc page %#x of %#x: %q", p, a.Addr, got)
			}
		}
	}
}

// syntheticRuns1M is a busy 1 Mi-frame machine: runs of 1 to 127 frames
// (64 on average, about 16000 runs), owners and zones varied.
func syntheticRuns1M() []phys.FrameRun {
	return randomRuns(rand.New(rand.NewSource(7)), 1<<20, 64, false)
}

func BenchmarkPaint1M(b *testing.B) {
	runs := syntheticRuns1M()
	l := Layout(1<<20, 1024, 1)
	buf := Paint(runs, l, nil)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = Paint(runs, l, buf)
	}
}

// BenchmarkPaint1MWorstCase: every frame is its own run (a machine whose
// frames alternate owners page by page).
func BenchmarkPaint1MWorstCase(b *testing.B) {
	owners := []string{"slab", "user anon"}
	runs := make([]phys.FrameRun, 1<<20)
	for i := range runs {
		runs[i] = phys.FrameRun{PFN: uint64(i), Count: 1, Owner: owners[i%2], Zone: "DMA32", Order: 0}
	}
	l := Layout(1<<20, 1024, 1)
	buf := Paint(runs, l, nil)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = Paint(runs, l, buf)
	}
}

// BenchmarkPaint1MOrder0: every frame is its own run of one owner (a
// program that touched all of memory page by page: each order-0
// allocation heads a run).
func BenchmarkPaint1MOrder0(b *testing.B) {
	runs := make([]phys.FrameRun, 1<<20)
	for i := range runs {
		runs[i] = phys.FrameRun{PFN: uint64(i), Count: 1, Owner: "user anon", Zone: "DMA32", Order: 0}
	}
	l := Layout(1<<20, 1024, 1)
	buf := Paint(runs, l, nil)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = Paint(runs, l, buf)
	}
}

// BenchmarkPaint1MZoom4: the same machine zoomed to 4-px cells (16 Mi
// pixels, block boundaries drawn).
func BenchmarkPaint1MZoom4(b *testing.B) {
	runs := syntheticRuns1M()
	l := Layout(1<<20, 1024, 4)
	buf := Paint(runs, l, nil)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = Paint(runs, l, buf)
	}
}

// BenchmarkPaint4GiB paints the real snapshot of a 4 GiB machine (1.25 Mi
// frames with the PCI hole) after the demand-paging example.
func BenchmarkPaint4GiB(b *testing.B) {
	_, snap := runSnippet(b, "02.c", galleryExample(b, "02-demand-paging.c"), "ram=4G")
	l := Layout(FramesOf(snap.Frames), 1024, 1)
	buf := Paint(snap.Frames, l, nil)
	b.ReportMetric(float64(len(snap.Frames)), "runs")
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = Paint(snap.Frames, l, buf)
	}
}
