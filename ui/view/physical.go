package view

// The Physical view: every page frame of the machine as one square cell of
// a canvas, coloured by owner (and, for free frames, by zone), with the
// first frame of every buddy block marked when the cells are big enough.
//
// The canvas is drawn by the browser glue from the RGBA buffer Paint
// fills; this file decides the geometry (Layout), the colours (OwnerColor,
// Legend), the hover text (FrameInfo) and the mapping between pixels and
// pfns (PFNAt, FrameXY).
//
// Paint is the hot path of the view (SPEC §11: a 1 M-frame redraw in
// ≤ 16 ms in the browser). It never works per pixel: it paints the first
// pixel row of each row of cells run by run, filling spans by doubling
// copies of a 4-byte pattern, and then copies that row down the other
// Cell-1 pixel rows. Its cost is therefore the number of runs, not of
// pixels. Measured (best of 4, on a shared 2-core machine; wasm under
// Node):
//
//	                                      native    wasm
//	BenchmarkPaint4GiB (booted, ~400 runs) 0.13 ms   0.3 ms
//	BenchmarkPaint1M   (16 k runs)         0.9 ms    3.3 ms
//	BenchmarkPaint1MOrder0 (1 Mi runs)     4.9 ms   12.4 ms
//	BenchmarkPaint1MWorstCase (1 Mi runs)  7.4 ms   22 ms
//
// The engine starts a run at every block head, so a machine whose memory
// is mostly order-0 allocations has one 48-byte run per frame (Order0:
// one owner; WorstCase: owners alternating frame by frame). There the
// cost is reading the runs and finding each one's colour, which
// colorCache keeps to a pointer comparison; the worst case misses the
// browser budget, and only a more compact frame snapshot from the engine
// would fix that. The component should paint once per snapshot, keep the
// buffer, and draw hover and change highlights (HighlightFrames) on a
// copy of it (a 4 MiB copy is ~0.2 ms).

import (
	"encoding/binary"
	"sort"
	"strings"
	"unsafe"

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

// The palette. Free frames are pale greys tinted per zone; holes and
// reserved frames dark greys; every other owner a hue of its own, of
// middle lightness so that it stands out on the pale free frames and on a
// dark page alike (the colours are the Tableau 10 set, darkened a little
// where they were too close to the free tints).
var (
	freeColors = [phys.NumZones][3]byte{
		phys.ZoneDMA:     {0xdc, 0xe3, 0xee}, // blue-grey
		phys.ZoneDMA32:   {0xe8, 0xe5, 0xdb}, // warm grey
		phys.ZoneNormal:  {0xdd, 0xea, 0xdf}, // green-grey
		phys.ZoneHighMem: {0xec, 0xdf, 0xea}, // pink-grey
	}
	ownerColors = [phys.NumOwners][3]byte{
		phys.OwnerFree:        {0xe8, 0xe5, 0xdb}, // (zone tints above)
		phys.OwnerReserved:    {0x5a, 0x5b, 0x61},
		phys.OwnerHole:        {0x2f, 0x30, 0x34},
		phys.OwnerKernelImage: {0x9c, 0x75, 0x5f}, // brown
		phys.OwnerZeroPage:    {0xff, 0x5c, 0xb0}, // bright pink: one frame, easy to find
		phys.OwnerMemblock:    {0xb0, 0x7a, 0xa1}, // purple
		phys.OwnerPageTable:   {0xf2, 0x8e, 0x2b}, // orange
		phys.OwnerUserAnon:    {0x59, 0xa1, 0x4f}, // green
		phys.OwnerUserFile:    {0xd4, 0xb1, 0x2a}, // mustard
		phys.OwnerSlab:        {0x2f, 0x9e, 0x96}, // teal
		phys.OwnerVmalloc:     {0x4e, 0x79, 0xa7}, // blue
		phys.OwnerPages:       {0xe1, 0x57, 0x59}, // red
		phys.OwnerAllocated:   {0x8a, 0x8a, 0x8a}, // neutral grey
	}
	// unknownColor is for an owner or zone this package does not know
	// (a newer engine): magenta, which no owner uses.
	unknownColor = [3]byte{0xff, 0x00, 0xff}
)

// OwnerColor is the colour of a frame with that owner and zone (the names
// phys.FrameRun carries: "free", "slab", …; "DMA", "DMA32", "Normal",
// "HighMem"). The zone matters only for free frames.
func OwnerColor(owner string, zone string) [3]byte {
	o := ownerIndex(owner)
	if o >= phys.NumOwners {
		return unknownColor
	}
	if z := zoneIndex(zone); o == phys.OwnerFree && z < phys.NumZones {
		return freeColors[z]
	}
	return ownerColors[o]
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

// Legend lists the swatches in reading order: free memory per zone, the
// boot-time owners, the kernel's allocators, the user's pages.
func Legend() []LegendEntry {
	type e struct {
		o          phys.Owner
		z          phys.ZoneID
		label, hlp string
	}
	list := []e{
		{phys.OwnerFree, phys.ZoneDMA, "free · DMA", "Free in the buddy allocator, zone DMA (below 16 MiB, for old ISA devices)."},
		{phys.OwnerFree, phys.ZoneDMA32, "free · DMA32", "Free in the buddy allocator, zone DMA32 (below 4 GiB)."},
		{phys.OwnerFree, phys.ZoneNormal, "free · Normal", "Free in the buddy allocator, zone Normal (above 4 GiB)."},
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
		c := ownerColors[x.o]
		le := LegendEntry{Owner: x.o.String(), Label: x.label, Help: x.hlp}
		if x.o == phys.OwnerFree {
			c = freeColors[x.z]
			le.Zone = x.z.String()
		}
		le.Color = CSS(c)
		out[i] = le
	}
	return out
}

// darker is the colour of a block's first column: 62% of the brightness.
func darker(c [3]byte) [4]byte {
	return [4]byte{byte(uint(c[0]) * 5 / 8), byte(uint(c[1]) * 5 / 8), byte(uint(c[2]) * 5 / 8), 0xff}
}

// Paint fills an RGBA buffer (Width×Height pixels, 4 bytes each, rows top
// to bottom) with the frames of runs laid out by l, and returns it. It
// reuses buf when its capacity suffices. Runs must be sorted by PFN and
// disjoint, as phys.Mem.Snapshot makes them; frames no run covers, and the
// cells after the last frame, are transparent. When Cell ≥ 4 the first
// column of the first frame of every buddy block (a run with Order ≥ 0) is
// drawn darker, so blocks show their boundaries.
func Paint(runs []phys.FrameRun, l PhysLayout, buf []byte) []byte {
	w, h := l.Width(), l.Height()
	n := w * h * 4
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if n == 0 {
		return buf
	}
	p := painter{buf: buf, cols: uint64(l.Cols), cell: l.Cell, stride: w * 4}
	total := uint64(l.Rows) * uint64(l.Cols)
	frames := min(l.Frames, total)
	var (
		colors colorCache
		col    [4]byte
		// The last run's names by address (see colorCache): most runs
		// have their predecessor's owner and zone.
		lastOwner, lastZone *byte
		lastOLen, lastZLen  = -1, -1
	)
	for i := range runs {
		r := &runs[i]
		if r.PFN >= frames {
			break
		}
		end := min(r.PFN+r.Count, frames)
		if end <= p.pfn {
			continue // out of order or overlapping: the first run wins
		}
		if r.PFN > p.pfn {
			p.span(r.PFN-p.pfn, [4]byte{})
		}
		if op, zp := unsafe.StringData(r.Owner), unsafe.StringData(r.Zone); op != lastOwner || zp != lastZone ||
			len(r.Owner) != lastOLen || len(r.Zone) != lastZLen {
			col = colors.get(r.Owner, r.Zone)
			lastOwner, lastZone, lastOLen, lastZLen = op, zp, len(r.Owner), len(r.Zone)
		}
		if end-p.pfn == 1 && l.Cell == 1 && p.col+1 < p.cols {
			// The hot case of a busy machine: a one-frame run (every
			// order-0 allocation heads a run of its own) in 1-px cells.
			binary.LittleEndian.PutUint32(buf[p.off:], binary.LittleEndian.Uint32(col[:]))
			p.off, p.col, p.pfn = p.off+4, p.col+1, p.pfn+1
			continue
		}
		if l.Cell >= 4 && r.Order >= 0 && p.pfn == r.PFN {
			off := p.off
			p.span(end-p.pfn, col)
			d := darker([3]byte{col[0], col[1], col[2]})
			copy(buf[off:off+4], d[:])
		} else {
			p.span(end-p.pfn, col)
		}
	}
	if p.pfn < total {
		p.span(total-p.pfn, [4]byte{})
	}
	// Copy the first pixel row of each row of cells down the cell.
	if l.Cell > 1 {
		for row := 0; row < l.Rows; row++ {
			y0 := row * l.Cell * p.stride
			src := buf[y0 : y0+p.stride]
			for k := 1; k < l.Cell; k++ {
				copy(buf[y0+k*p.stride:], src)
			}
		}
	}
	return buf
}

// painter fills spans of frames in the first pixel row of their cell
// rows. Its cursor (pfn, col, off) moves forward only, so that a span costs
// no division: one fillRGBA per row of cells it touches.
type painter struct {
	buf    []byte
	cols   uint64
	cell   int
	stride int    // bytes per pixel row
	pfn    uint64 // the cursor: the next frame to paint,
	col    uint64 // its column,
	off    int    // and the byte offset of its top-left pixel
}

// offset is the byte offset of frame pfn's top-left pixel.
func (p *painter) offset(pfn uint64) int {
	row, c := pfn/p.cols, pfn%p.cols
	return int(row)*p.cell*p.stride + int(c)*p.cell*4
}

// span paints the next n frames with colour c, row by row.
func (p *painter) span(n uint64, c [4]byte) {
	for n > 0 {
		k := min(n, p.cols-p.col)
		b := int(k) * p.cell * 4
		fillRGBA(p.buf[p.off:p.off+b], c)
		p.off += b
		p.col += k
		p.pfn += k
		n -= k
		if p.col == p.cols {
			p.col = 0
			p.off += (p.cell - 1) * p.stride
		}
	}
}

// colorCache holds the colours of the (owner, zone) pairs. Its front is
// the last few pairs seen, keyed by the address and length of the names:
// an engine snapshot's runs share the bytes of each name, so a pointer
// comparison finds them (a string == would call memequal, which costs as
// much as the rest of Paint's loop; this halves the one-run-per-frame
// case in wasm). Names met for the first time, or decoded from JSON into
// bytes of their own, go through ownerIndex and zoneIndex: string
// switches that compile to a few comparisons with constants.
type colorCache struct {
	recent [4]struct {
		owner, zone *byte
		ol, zl      int
		rgba        [4]byte
	}
	nrecent, next int
	rgba          [phys.NumOwners + 1][phys.NumZones + 1][4]byte
	have          [phys.NumOwners + 1][phys.NumZones + 1]bool
}

func (cc *colorCache) get(owner, zone string) [4]byte {
	op, zp := unsafe.StringData(owner), unsafe.StringData(zone)
	for i := 0; i < cc.nrecent; i++ {
		e := &cc.recent[i]
		if e.owner == op && e.zone == zp && e.ol == len(owner) && e.zl == len(zone) {
			return e.rgba
		}
	}
	o, z := ownerIndex(owner), zoneIndex(zone)
	if !cc.have[o][z] {
		c := OwnerColor(owner, zone)
		cc.rgba[o][z], cc.have[o][z] = [4]byte{c[0], c[1], c[2], 0xff}, true
	}
	e := &cc.recent[cc.next]
	e.owner, e.zone, e.ol, e.zl, e.rgba = op, zp, len(owner), len(zone), cc.rgba[o][z]
	cc.next = (cc.next + 1) % len(cc.recent)
	cc.nrecent = max(cc.nrecent, cc.next)
	if cc.next == 0 {
		cc.nrecent = len(cc.recent)
	}
	return e.rgba
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
	p := painter{buf: buf, cols: cols, cell: l.Cell, stride: stride}
	if l.Cell < 4 {
		for a := pfn; a < end; {
			n := min(end-a, cols-a%cols)
			off := p.offset(a)
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
		off := p.offset(q)
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

// FrameInfo is the hover text of frame pfn, e.g.
// "pfn 0x7e3d · phys 0x7e3d000 · zone DMA32 · slab (kmalloc-8) · cpu slab at 0xffff888007e3d000 · 512 of 512 objects in use".
// It scans the snapshot (the slabs, the VMAs' page runs, the vmalloc
// areas): microseconds for a gallery example, fine for mouse moves.
// A nil snapshot or a pfn beyond memory gives "".
func FrameInfo(snap *engine.Snapshot, pfn uint64) string {
	if snap == nil {
		return ""
	}
	r, ok := FrameAt(snap.Frames, pfn)
	if !ok {
		return ""
	}
	parts := []string{"pfn " + Hex(pfn), "phys " + Hex(pfn<<arch.PageShift), "zone " + r.Zone}
	inBlock := r.Order >= 0 && pfn-r.PFN < 1<<uint(r.Order)
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
