package view

import (
	"bytes"
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

func pixel(buf []byte, l PhysLayout, x, y int) [4]byte {
	o := (y*l.Width() + x) * 4
	return [4]byte{buf[o], buf[o+1], buf[o+2], buf[o+3]}
}

func TestHighlightFrames(t *testing.T) {
	red := [3]byte{0xff, 0, 0}
	redPx := [4]byte{0xff, 0, 0, 0xff}
	free := LightPalette.Free[phys.ZoneDMA]
	freePx := [4]byte{free[0], free[1], free[2], 0xff}
	// 64 free frames of zone DMA, no block heads.
	fm := &engine.FrameMap{State: make([]engine.FrameState, 64), Order: make([]uint8, 64)}
	for i := range fm.State {
		fm.State[i] = engine.MakeFrameState(phys.OwnerFree, phys.ZoneDMA, false)
	}
	paint := func(l PhysLayout) []byte {
		var c PhysCanvas
		c.Show(fm, l, &LightPalette, false)
		return c.Pix
	}

	// 4-px cells, 8 columns: frames 6..17 span three rows.
	l := PhysLayout{Frames: 64, Cols: 8, Rows: 8, Cell: 4}
	buf := paint(l)
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
	buf = paint(l)
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
