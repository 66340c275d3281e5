package view

// The Physical view: every page frame of the machine as one square cell of
// a canvas, coloured by owner (and, for free frames, by zone), with the
// first frame of every buddy block marked when the cells are big enough.
//
// The canvas holds one pixel per frame at zoom 1 (CSS scales it up);
// PhysCanvas (physcanvas.go) keeps the picture between steps and repaints
// the frames that changed, from the engine's FrameMap. This file decides
// the geometry (Layout), the legend (Palette.Legend), the hover text
// (FrameInfo), the change and focus marks (HighlightFrames) and the
// mapping between pixels and pfns (PFNAt, FrameXY).

import (
	"encoding/binary"
	"sort"
	"strings"

	"mmplay/engine"
	"mmplay/engine/arch"
	"mmplay/engine/mm"
	"mmplay/engine/phys"
)

// PhysLayout is the geometry of the Physical view's canvas: frame pfn is
// the cell at column pfn%Cols, row pfn/Cols, each Cell×Cell pixels. The
// canvas is Cols*Cell pixels wide and Rows*Cell high.
type PhysLayout struct {
	Frames uint64 // frames drawn: pfn 0 … Frames-1
	Cols   int    // cells per row (a multiple of 64 when at least 64 fit)
	Rows   int    // rows of cells: ceil(Frames / Cols)
	Cell   int    // pixels per cell side, ≥ 1
}

// Width is the canvas width in pixels.
func (l PhysLayout) Width() int { return l.Cols * l.Cell }

// Height is the canvas height in pixels.
func (l PhysLayout) Height() int { return l.Rows * l.Cell }

// Limits of the canvas Layout chooses.
const (
	// MaxCell bounds a cell's side in pixels at any zoom.
	MaxCell = 32
	// maxCanvasPixels bounds the canvas area (2^24 pixels = 64 MiB of
	// RGBA): a 1 M-frame machine can be zoomed to 4×4-pixel cells.
	maxCanvasPixels = 1 << 24
	// maxCanvasSide bounds either side (browsers refuse larger canvases).
	maxCanvasSide = 16384
	// colAlign: rows hold a multiple of 64 frames, so that buddy blocks up
	// to order 6 never wrap from one row to the next.
	colAlign = 64
)

// Layout chooses the canvas for totalFrames frames in a box widthPx pixels
// wide. At zoom 1 the picture is about square and fills the width: the
// cell side is the largest whole number with Cell²·totalFrames ≤ widthPx²
// (1 px for 1 Mi frames at 1024 px, 8 px for 16384 frames), at least 1 and
// at most MaxCell. Zoom z keeps the columns and multiplies the cell side by
// z, so a frame stays at the same row and column and the canvas grows (it
// scrolls); the cell stops growing where the canvas would pass 2^24 pixels
// or 16384 pixels on a side. A zero totalFrames gives an empty layout.
func Layout(totalFrames uint64, widthPx int, zoom int) PhysLayout {
	if totalFrames == 0 {
		return PhysLayout{Cell: 1}
	}
	widthPx = max(widthPx, 1)
	zoom = max(zoom, 1)
	cell := 1
	for cell < MaxCell && uint64(cell+1)*uint64(cell+1)*totalFrames <= uint64(widthPx)*uint64(widthPx) {
		cell++
	}
	cols := widthPx / cell
	if cols >= colAlign {
		cols -= cols % colAlign
	}
	cols = max(cols, 1)
	if uint64(cols) > totalFrames {
		cols = int(totalFrames)
	}
	rows := int((totalFrames + uint64(cols) - 1) / uint64(cols))
	fits := func(c int) bool {
		return c*cols <= maxCanvasSide && c*rows <= maxCanvasSide &&
			uint64(c)*uint64(c)*uint64(cols)*uint64(rows) <= maxCanvasPixels
	}
	z := min(cell*zoom, MaxCell)
	for z > cell && !fits(z) {
		z--
	}
	return PhysLayout{Frames: totalFrames, Cols: cols, Rows: rows, Cell: z}
}

// FramesOf returns the number of frames a snapshot's runs cover (the end
// of the last run): the totalFrames to pass to Layout.
func FramesOf(runs []phys.FrameRun) uint64 {
	if len(runs) == 0 {
		return 0
	}
	r := runs[len(runs)-1]
	return r.PFN + r.Count
}

// CSS formats a colour as "#rrggbb".
func CSS(c [3]byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{'#', digits[c[0]>>4], digits[c[0]&15], digits[c[1]>>4], digits[c[1]&15], digits[c[2]>>4], digits[c[2]&15]})
}

// LegendEntry is one swatch of the Physical view's legend.
type LegendEntry struct {
	Owner string // the phys owner name, as in phys.FrameRun.Owner
	Zone  string // the zone for the free swatches, else ""
	Label string // what the legend prints
	Color string // CSS "#rrggbb"
	Help  string // one sentence for the swatch's title
}

// Legend lists the palette's swatches in reading order: free memory per
// zone, the boot-time owners, the kernel's allocators, the user's pages.
func (p *Palette) Legend() []LegendEntry {
	type e struct {
		o          phys.Owner
		z          phys.ZoneID
		label, hlp string
	}
	list := []e{
		{phys.OwnerFree, phys.ZoneDMA, "free · DMA", "Free in the buddy allocator, zone DMA (below 16 MiB, for old ISA devices)."},
		{phys.OwnerFree, phys.ZoneDMA32, "free · DMA32", "Free in the buddy allocator, zone DMA32 (16 MiB to 4 GiB; x86-64 only)."},
		{phys.OwnerFree, phys.ZoneNormal, "free · Normal", "Free in the buddy allocator, zone Normal (above 4 GiB on x86-64; 16 to 896 MiB on i386)."},
		{phys.OwnerFree, phys.ZoneHighMem, "free · HighMem", "Free in the buddy allocator, zone HighMem (i386 only: above 896 MiB, outside the kernel's permanent mapping)."},
		{phys.OwnerReserved, 0, "reserved", "Reserved by the firmware memory map (the first MiB): never given to the buddy allocator."},
		{phys.OwnerHole, 0, "hole", "No RAM behind these page frame numbers (the PCI hole below 4 GiB)."},
		{phys.OwnerKernelImage, 0, "kernel image", "The kernel's code, data and bss, placed at boot."},
		{phys.OwnerZeroPage, 0, "zero page", "empty_zero_page: the one frame of zeros that every untouched page reads until it is written."},
		{phys.OwnerMemblock, 0, "memblock", "Taken by memblock at boot, before the buddy allocator existed."},
		{phys.OwnerPageTable, 0, "page tables", "Page-table pages (PGD, PUD, PMD, PTE) of the kernel and the process."},
		{phys.OwnerSlab, 0, "slab", "Slabs of kmem caches: the pages kmalloc carves into objects."},
		{phys.OwnerPages, 0, "pages", "Blocks from alloc_pages/__get_free_pages, and large kmallocs."},
		{phys.OwnerVmalloc, 0, "vmalloc", "Pages behind vmalloc areas, kernel stacks and module code: one at a time, not contiguous."},
		{phys.OwnerUserAnon, 0, "user anon", "Anonymous pages of the process: heap, stack, mmap'ed memory."},
		{phys.OwnerUserFile, 0, "user file", "Pages of files the process maps: its program and libc."},
		{phys.OwnerAllocated, 0, "allocated", "Taken from the buddy allocator by a caller that did not say what for."},
	}
	out := make([]LegendEntry, len(list))
	for i, x := range list {
		c := p.Owner[x.o]
		le := LegendEntry{Owner: x.o.String(), Label: x.label, Help: x.hlp}
		if x.o == phys.OwnerFree {
			c = p.Free[x.z]
			le.Zone = x.z.String()
		}
		le.Color = CSS(c)
		out[i] = le
	}
	return out
}

// ownerIndex is the phys.Owner named s, or NumOwners for an unknown name
// (TestOwnerIndex keeps it in step with phys's names).
func ownerIndex(s string) phys.Owner {
	switch s {
	case "free":
		return phys.OwnerFree
	case "reserved":
		return phys.OwnerReserved
	case "hole":
		return phys.OwnerHole
	case "kernel":
		return phys.OwnerKernelImage
	case "zero page":
		return phys.OwnerZeroPage
	case "memblock":
		return phys.OwnerMemblock
	case "page table":
		return phys.OwnerPageTable
	case "user anon":
		return phys.OwnerUserAnon
	case "user file":
		return phys.OwnerUserFile
	case "slab":
		return phys.OwnerSlab
	case "vmalloc":
		return phys.OwnerVmalloc
	case "pages":
		return phys.OwnerPages
	case "allocated":
		return phys.OwnerAllocated
	}
	return phys.NumOwners
}

// zoneIndex is the phys.ZoneID named s, or NumZones.
func zoneIndex(s string) phys.ZoneID {
	switch s {
	case "DMA":
		return phys.ZoneDMA
	case "DMA32":
		return phys.ZoneDMA32
	case "Normal":
		return phys.ZoneNormal
	case "HighMem":
		return phys.ZoneHighMem
	}
	return phys.NumZones
}

// fillRGBA repeats the 4-byte pattern c over dst (len(dst) a multiple of 4) by
// doubling copies: O(log n) calls of copy, no per-pixel work.
func fillRGBA(dst []byte, c [4]byte) {
	if len(dst) <= 32 {
		v := binary.LittleEndian.Uint32(c[:])
		for i := 0; i+3 < len(dst); i += 4 {
			binary.LittleEndian.PutUint32(dst[i:], v)
		}
		return
	}
	copy(dst, c[:])
	for k := 4; k < len(dst); k *= 2 {
		copy(dst[k:], dst[:k])
	}
}

// HighlightFrames marks the frames [pfn, pfn+count) on a buffer Paint drew with
// layout l, in colour c: with cells of 4 pixels or more it draws the
// outline of the range (the outer edges of its cells, 1 pixel, 2 from 12
// pixels up), keeping the owner colours inside; with smaller cells it
// blends the cells half-way to c. Frames outside the layout are ignored.
func HighlightFrames(buf []byte, l PhysLayout, pfn, count uint64, c [3]byte) {
	if count == 0 || pfn >= l.Frames || len(buf) < l.Width()*l.Height()*4 {
		return
	}
	end := l.Frames
	if pfn+count > pfn { // no overflow
		end = min(pfn+count, l.Frames)
	}
	cols := uint64(l.Cols)
	stride := l.Width() * 4
	offset := func(pfn uint64) int {
		x, y, _ := FrameXY(l, pfn)
		return y*stride + x*4
	}
	if l.Cell < 4 {
		for a := pfn; a < end; {
			n := min(end-a, cols-a%cols)
			off := offset(a)
			for y := 0; y < l.Cell; y++ {
				row := buf[off+y*stride : off+y*stride+int(n)*l.Cell*4]
				for i := 0; i+3 < len(row); i += 4 {
					row[i] = byte((uint(row[i]) + uint(c[0])) / 2)
					row[i+1] = byte((uint(row[i+1]) + uint(c[1])) / 2)
					row[i+2] = byte((uint(row[i+2]) + uint(c[2])) / 2)
					row[i+3] = 0xff
				}
			}
			a += n
		}
		return
	}
	t := 1
	if l.Cell >= 12 {
		t = 2
	}
	col := [4]byte{c[0], c[1], c[2], 0xff}
	rect := func(off, wpx, hpx int) {
		for y := 0; y < hpx; y++ {
			fillRGBA(buf[off+y*stride:off+y*stride+wpx*4], col)
		}
	}
	for q := pfn; q < end; q++ {
		off := offset(q)
		x := q % cols
		if q < pfn+cols { // nothing of the range above
			rect(off, l.Cell, t)
		}
		if q+cols >= end { // nothing of the range below
			rect(off+(l.Cell-t)*stride, l.Cell, t)
		}
		if q == pfn || x == 0 {
			rect(off, t, l.Cell)
		}
		if q == end-1 || x == cols-1 {
			rect(off+(l.Cell-t)*4, t, l.Cell)
		}
	}
}

// FrameAt finds the run holding frame pfn by binary search (runs sorted by
// PFN, as phys.Mem.Snapshot makes them).
func FrameAt(runs []phys.FrameRun, pfn uint64) (phys.FrameRun, bool) {
	i := sort.Search(len(runs), func(i int) bool { return runs[i].PFN+runs[i].Count > pfn })
	if i < len(runs) && runs[i].PFN <= pfn {
		return runs[i], true
	}
	return phys.FrameRun{}, false
}

// PFNAt is the frame under canvas pixel (x, y), if any.
func PFNAt(l PhysLayout, x, y int) (uint64, bool) {
	if x < 0 || y < 0 || l.Cell <= 0 {
		return 0, false
	}
	c, r := x/l.Cell, y/l.Cell
	if c >= l.Cols || r >= l.Rows {
		return 0, false
	}
	pfn := uint64(r)*uint64(l.Cols) + uint64(c)
	if pfn >= l.Frames {
		return 0, false
	}
	return pfn, true
}

// FrameXY is the top-left pixel of frame pfn's cell (to scroll it into
// view or place a marker), if the layout has the frame.
func FrameXY(l PhysLayout, pfn uint64) (x, y int, ok bool) {
	if pfn >= l.Frames || l.Cols <= 0 {
		return 0, 0, false
	}
	return int(pfn%uint64(l.Cols)) * l.Cell, int(pfn/uint64(l.Cols)) * l.Cell, true
}

// FrameInfo is the hover text of frame pfn (from the snapshot's FrameMap
// when it has one, else its Frames runs), e.g.
// "pfn 0x7e3d · phys 0x7e3d000 · zone DMA32 · slab (kmalloc-8) · cpu slab at 0xffff888007e3d000 · 512 of 512 objects in use".
// It scans the snapshot (the slabs, the VMAs' page runs, the vmalloc
// areas): microseconds for a gallery example, fine for mouse moves.
// A nil snapshot or a pfn beyond memory gives "".
func FrameInfo(snap *engine.Snapshot, pfn uint64) string {
	if snap == nil {
		return ""
	}
	var r phys.FrameRun // the frame's owner and zone; its block's pfn and order
	if snap.FrameMap != nil {
		owner, zone, head, order, ok := FrameSummary(snap.FrameMap, pfn)
		if !ok {
			return ""
		}
		r = phys.FrameRun{PFN: head, Count: 1, Owner: owner, Zone: zone, Order: order}
	} else {
		run, ok := FrameAt(snap.Frames, pfn)
		if !ok {
			return ""
		}
		r = run
	}
	parts := []string{"pfn " + Hex(pfn), "phys " + Hex(pfn<<arch.PageShift), "zone " + r.Zone}
	inBlock := r.Order >= 0 && pfn >= r.PFN && pfn-r.PFN < 1<<uint(r.Order)
	block := func() string {
		return "order-" + fmtInt(r.Order) + " block at pfn " + Hex(r.PFN) + " (" + Pages(1<<uint(r.Order)) + ")"
	}
	switch r.Owner {
	case "free":
		if inBlock {
			parts = append(parts, "free · "+block())
		} else {
			parts = append(parts, "free")
		}
	case "reserved":
		parts = append(parts, "reserved (never given to the buddy allocator)")
	case "hole":
		parts = append(parts, "hole (no RAM here)")
	case "kernel":
		parts = append(parts, "kernel image (code, data, bss)")
	case "memblock":
		parts = append(parts, "memblock (a boot-time allocation)")
	case "page table":
		parts = append(parts, "page table")
	case "zero page":
		n := uint64(0)
		for _, v := range snap.Process.VMAs {
			for _, pr := range v.Pages {
				if pr.State == "zero" {
					n += pr.Count
				}
			}
		}
		parts = append(parts, "the shared zero page · read-only under "+Plural(n, "user page"))
	case "user anon", "user file":
		parts = append(parts, r.Owner)
		if va, v, pr, ok := userMapping(snap, pfn); ok {
			s := "mapped at " + Addr(va) + " in " + vmaName(v.Name) + " " + v.Perms
			if pr.Dirty {
				s += " · dirty"
			}
			parts = append(parts, s)
		}
	case "slab", "pages":
		if s := slabInfo(snap, pfn); s != "" {
			parts = append(parts, s)
		} else if s := largeInfo(snap, pfn); s != "" {
			parts = append(parts, s)
		} else if r.Owner == "pages" {
			s := "pages (alloc_pages)"
			if inBlock {
				s += " · " + block()
			}
			parts = append(parts, s)
		} else {
			parts = append(parts, "slab")
		}
	case "vmalloc":
		if s := vmallocInfo(snap, pfn); s != "" {
			parts = append(parts, s)
		} else {
			parts = append(parts, "vmalloc (module code or data)")
		}
	default:
		parts = append(parts, r.Owner)
		if inBlock {
			parts = append(parts, block())
		}
	}
	return strings.Join(parts, " · ")
}

// userMapping finds the user page that maps frame pfn.
func userMapping(snap *engine.Snapshot, pfn uint64) (va uint64, vma *mm.VMASnapshot, pr *mm.PageRun, ok bool) {
	for i := range snap.Process.VMAs {
		v := &snap.Process.VMAs[i]
		for j := range v.Pages {
			p := &v.Pages[j]
			if p.State == "present" && pfn >= p.PFN && pfn-p.PFN < p.Count {
				return p.Start + (pfn-p.PFN)<<arch.PageShift, v, p, true
			}
		}
	}
	return 0, nil, nil, false
}

// slabInfo describes the slab holding frame pfn, or "".
func slabInfo(snap *engine.Snapshot, pfn uint64) string {
	for _, c := range snap.Slab.Caches {
		for _, s := range c.Slabs {
			if pfn >= s.PFN && pfn-s.PFN < 1<<uint(max(s.Order, 0)) {
				return "slab (" + c.Name + ") · " + s.Role + " slab at " + Addr(s.Addr) + " · " +
					fmtInt(s.InUse) + " of " + Plural(len(s.Objects), "object") + " in use"
			}
		}
	}
	return ""
}

// largeInfo describes the large kmalloc holding frame pfn, or "".
func largeInfo(snap *engine.Snapshot, pfn uint64) string {
	for _, l := range snap.Slab.Large {
		if pfn >= l.PFN && pfn-l.PFN < 1<<uint(max(l.Order, 0)) {
			return "large kmalloc(" + fmtUint(l.Req) + ") → " + Addr(l.Addr) + " · order " + fmtInt(l.Order)
		}
	}
	return ""
}

// vmallocInfo describes the vmalloc area one of whose pages is pfn, or "".
func vmallocInfo(snap *engine.Snapshot, pfn uint64) string {
	for _, a := range snap.Vmalloc {
		for i, p := range a.Pages {
			if p == pfn {
				s := a.Kind + " area " + Addr(a.Addr) + " · page " + fmtInt(i+1) + " of " + fmtInt(len(a.Pages)) +
					" at " + Addr(a.Addr+uint64(i)<<arch.PageShift)
				if a.Caller != "" {
					s += " · " + a.Caller
				}
				return s
			}
		}
	}
	return ""
}
