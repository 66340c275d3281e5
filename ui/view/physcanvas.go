package view

// The Physical view's picture, kept between steps (PhysCanvas). The
// engine's FrameMap gives one byte per frame (owner, zone, block head);
// the canvas keeps the bytes it last drew, so a step costs the frames
// that changed, not the machine:
//
//  1. Show compares the new bytes with the drawn ones, 1 KiB at a time
//     (bytes.Equal), byte by byte only inside a block that differs: for
//     a 4 GiB machine 1 MiB compared and, after a typical step, a few
//     dozen frames repainted.
//  2. The frames of the last step's change marks are repainted plain, the
//     changed ones in their new colour, then marked (blended towards the
//     palette's Changed colour; outlined when cells are 4 px or more).
//  3. The focus (the object under the pointer in any view) is drawn on a
//     copy of the picture (Pix), so moving it restores a few rows from
//     the base picture instead of repainting.
//  4. Every change records the pixel rows it touched; TakeBands hands the
//     merged bands to the browser glue, which sends only those rows to
//     the canvas.
//
// A new layout, palette (theme) or machine size repaints everything: 1 Mi
// frames through a 256-entry colour table.

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sort"
	"unsafe"

	"mmplay/engine"
	"mmplay/engine/phys"
)

// Palette is the Physical view's colours for one theme.
type Palette struct {
	Name string
	// Free is the colour of free frames per zone; Owner of the others.
	Free  [phys.NumZones][3]byte
	Owner [phys.NumOwners][3]byte
	// Changed marks what the last step changed; Focus the object under
	// the pointer.
	Changed, Focus [3]byte
	// Background is what the canvas lies on (the CSS --code-bg of the
	// theme): cells past the last frame are transparent and show it.
	Background [3]byte
}

// The palettes. Free frames are tints of the page's own background per
// zone (pale on the light theme, dark on the dark one), so that memory in
// use stands out; holes and reserved frames are greys at the far ends;
// every other owner a hue of its own, of middle lightness so that it
// shows on either theme's free frames (the Tableau 10 set, darkened where
// it was too close to the light free tints). TestPaletteContrast checks
// the distances.
var (
	LightPalette = Palette{
		Name: "light",
		Free: [phys.NumZones][3]byte{
			phys.ZoneDMA:     {0xdc, 0xe3, 0xee}, // blue-grey
			phys.ZoneDMA32:   {0xe8, 0xe5, 0xdb}, // warm grey
			phys.ZoneNormal:  {0xdd, 0xea, 0xdf}, // green-grey
			phys.ZoneHighMem: {0xec, 0xdf, 0xea}, // pink-grey
		},
		Owner:      ownerHues(0x5a5b61, 0x2f3034),
		Changed:    [3]byte{0xff, 0xc8, 0x00},
		Focus:      [3]byte{0xe0, 0x31, 0x31},
		Background: [3]byte{0xfb, 0xfb, 0xfa},
	}
	DarkPalette = Palette{
		Name: "dark",
		Free: [phys.NumZones][3]byte{
			phys.ZoneDMA:     {0x2e, 0x38, 0x4a}, // blue-grey
			phys.ZoneDMA32:   {0x3a, 0x37, 0x2c}, // warm grey
			phys.ZoneNormal:  {0x2b, 0x3c, 0x30}, // green-grey
			phys.ZoneHighMem: {0x42, 0x2f, 0x3f}, // pink-grey
		},
		Owner:      ownerHues(0xc3c6ce, 0x050506),
		Changed:    [3]byte{0xff, 0xd8, 0x3a},
		Focus:      [3]byte{0xff, 0x5a, 0x5a},
		Background: [3]byte{0x17, 0x1a, 0x1f},
	}
)

// ownerHues is the owner colours shared by both themes, with the greys
// of reserved frames and holes given (they sit at opposite ends of each
// theme's lightness).
func ownerHues(reserved, hole uint32) [phys.NumOwners][3]byte {
	rgb := func(v uint32) [3]byte { return [3]byte{byte(v >> 16), byte(v >> 8), byte(v)} }
	return [phys.NumOwners][3]byte{
		phys.OwnerFree:        {}, // per zone: Palette.Free
		phys.OwnerReserved:    rgb(reserved),
		phys.OwnerHole:        rgb(hole),
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
}

// unknownColor is for an owner or zone this package does not know (a
// newer engine): magenta, which no owner uses.
var unknownColor = [3]byte{0xff, 0x00, 0xff}

// PaletteFor is the palette of a theme: dark or light.
func PaletteFor(dark bool) *Palette {
	if dark {
		return &DarkPalette
	}
	return &LightPalette
}

// Color is the colour of a frame in state s.
func (p *Palette) Color(s engine.FrameState) [3]byte {
	o, z := s.Owner(), s.Zone()
	switch {
	case o >= phys.NumOwners:
		return unknownColor
	case o == phys.OwnerFree && z < phys.NumZones:
		return p.Free[z]
	case o == phys.OwnerFree:
		return p.Free[phys.ZoneDMA32]
	}
	return p.Owner[o]
}

// OwnerColor is the colour of a frame with that owner and zone, by the
// names phys.FrameRun carries ("free", "slab", …; "DMA", "DMA32",
// "Normal", "HighMem"). The zone matters only for free frames.
func (p *Palette) OwnerColor(owner, zone string) [3]byte {
	o := ownerIndex(owner)
	if o >= phys.NumOwners {
		return unknownColor
	}
	z := zoneIndex(zone)
	if z >= phys.NumZones {
		z = phys.ZoneDMA32
	}
	return p.Color(engine.MakeFrameState(o, z, false))
}

// table is the RGBA of every state byte, with block heads darker (drawn
// only when cells are 4 px or more).
func (p *Palette) table() (plain, head [256][4]byte) {
	for s := 0; s < 256; s++ {
		c := p.Color(engine.FrameState(s))
		plain[s] = [4]byte{c[0], c[1], c[2], 0xff}
		head[s] = darker(c)
	}
	return
}

// darker is the colour of a block's first column: 62% of the brightness.
func darker(c [3]byte) [4]byte {
	return [4]byte{byte(uint(c[0]) * 5 / 8), byte(uint(c[1]) * 5 / 8), byte(uint(c[2]) * 5 / 8), 0xff}
}

// PhysCanvas is the Physical view's picture: RGBA pixels, Layout L, the
// frames of the last FrameMap shown, the last step's changes marked and
// the focus outlined.
type PhysCanvas struct {
	L   PhysLayout
	Pix []byte // what the canvas shows: base plus the focus

	base    []byte              // the frames and the change marks
	states  []engine.FrameState // the frames base shows
	pal     *Palette
	plain   [256][4]byte // pal's colours by state
	plain32 [256]uint32  // the same as little-endian words
	head    [256][4]byte
	marked  []PFNRange // frames marked as changed in base
	focus   []PFNRange // frames outlined in Pix
	bands   [][2]int   // pixel rows changed since TakeBands
}

// Show draws fm with layout l and palette pal. With mark, the frames that
// differ from the picture's are marked as the last step's changes (and
// the previous marks cleared); without, the marks stay (a repaint for a
// new theme or zoom). fm nil clears nothing and draws nothing.
func (c *PhysCanvas) Show(fm *engine.FrameMap, l PhysLayout, pal *Palette, mark bool) {
	if fm == nil {
		return
	}
	n := fm.Len()
	sameLen := uint64(len(c.states)) == n
	full := c.pal != pal || c.L != l || !sameLen || len(c.base) != l.Width()*l.Height()*4
	var changed []PFNRange
	if sameLen && (mark || !full) { // a theme or zoom change needs no comparison
		changed = diffStates(c.states, fm.State)
	}
	if full {
		c.L, c.pal = l, pal
		c.plain, c.head = pal.table()
		for i, p := range c.plain {
			c.plain32[i] = binary.LittleEndian.Uint32(p[:])
		}
		size := l.Width() * l.Height() * 4
		if cap(c.base) < size {
			c.base, c.Pix = make([]byte, size), make([]byte, size)
		}
		c.base, c.Pix = c.base[:size], c.Pix[:size]
		c.states = append(c.states[:0], fm.State...)
		if l.Cell != 1 {
			clear(c.base)
		} else {
			clear(c.base[min(n, l.Frames)*4:]) // past the last frame: transparent
		}
		c.paintRange(0, n)
		switch {
		case !sameLen:
			c.marked = nil // another machine: nothing to compare
		case mark:
			c.marked = changed
		}
		c.drawMarks()
		copy(c.Pix, c.base)
		c.drawFocus()
		c.addBand(0, l.Height())
		return
	}
	if !mark && len(changed) == 0 {
		return
	}
	// Repaint the old marks plain, then the changed frames, then mark.
	old := c.marked
	for _, r := range changed {
		copy(c.states[r.PFN:r.PFN+r.Count], fm.State[r.PFN:r.PFN+r.Count])
	}
	touched := append(append([]PFNRange(nil), old...), changed...)
	for _, r := range touched {
		c.paintRange(r.PFN, r.PFN+r.Count)
	}
	if mark {
		c.marked = changed
	}
	c.drawMarks()
	// Pix gets the rows base changed in, and the focus's rows (the focus
	// is drawn again on clean rows: at small cells it is a blend).
	touched = append(touched, c.focus...)
	for _, r := range touched {
		y0, y1 := c.rows(r)
		copy(c.Pix[y0*c.stride():y1*c.stride()], c.base[y0*c.stride():y1*c.stride()])
		c.addBand(y0, y1)
	}
	c.drawFocus()
}

// ClearMarks drops the change marks: the next picture is a new machine
// (after a Reset, or a run begun again), so nothing changed in it. The
// marked frames are repainted plain.
func (c *PhysCanvas) ClearMarks() {
	old := c.marked
	c.marked = nil
	for _, r := range old {
		c.paintRange(r.PFN, r.PFN+r.Count)
		y0, y1 := c.rows(r)
		copy(c.Pix[y0*c.stride():y1*c.stride()], c.base[y0*c.stride():y1*c.stride()])
		c.addBand(y0, y1)
	}
	if len(old) > 0 {
		c.drawFocus()
	}
}

// SetFocus outlines the frames of rs (none: no focus) instead of the
// previous focus.
func (c *PhysCanvas) SetFocus(rs []PFNRange) {
	if slices.Equal(rs, c.focus) {
		return
	}
	old := c.focus
	c.focus = append([]PFNRange(nil), rs...)
	if len(c.base) == 0 {
		return
	}
	// Restore the old focus's rows from base (they may hold part of the
	// new focus too, drawn again below), then draw the new one.
	for _, r := range old {
		y0, y1 := c.rows(r)
		copy(c.Pix[y0*c.stride():y1*c.stride()], c.base[y0*c.stride():y1*c.stride()])
		c.addBand(y0, y1)
	}
	// Rows of the new focus not restored above hold no focus: a second
	// blend would be wrong, so restore those too.
	for _, r := range c.focus {
		y0, y1 := c.rows(r)
		copy(c.Pix[y0*c.stride():y1*c.stride()], c.base[y0*c.stride():y1*c.stride()])
	}
	c.drawFocus()
}

// Focus is the frames outlined.
func (c *PhysCanvas) Focus() []PFNRange { return c.focus }

// State is the state of frame pfn in the picture (ok false beyond it).
func (c *PhysCanvas) State(pfn uint64) (engine.FrameState, bool) {
	if pfn >= uint64(len(c.states)) {
		return 0, false
	}
	return c.states[pfn], true
}

// TakeBands returns the pixel-row bands [y0, y1) changed since the last
// call, sorted and merged (bands closer than 8 rows become one), and
// forgets them.
func (c *PhysCanvas) TakeBands() [][2]int {
	if len(c.bands) == 0 {
		return nil
	}
	b := c.bands
	sort.Slice(b, func(i, j int) bool { return b[i][0] < b[j][0] })
	out := [][2]int{b[0]}
	for _, x := range b[1:] {
		last := &out[len(out)-1]
		if x[0] <= last[1]+8 {
			last[1] = max(last[1], x[1])
			continue
		}
		out = append(out, x)
	}
	c.bands = c.bands[:0]
	return out
}

func (c *PhysCanvas) stride() int { return c.L.Width() * 4 }

func (c *PhysCanvas) addBand(y0, y1 int) {
	if y0 < y1 {
		c.bands = append(c.bands, [2]int{y0, y1})
	}
}

// rows is the pixel rows [y0, y1) of frames r, with a cell of margin
// (outlines may spill a cell at most), within the picture.
func (c *PhysCanvas) rows(r PFNRange) (int, int) {
	l := c.L
	if l.Cols == 0 || r.PFN >= l.Frames || r.Count == 0 {
		return 0, 0
	}
	last := min(r.PFN+r.Count, l.Frames) - 1
	y0 := int(r.PFN/uint64(l.Cols)) * l.Cell
	y1 := (int(last/uint64(l.Cols)) + 1) * l.Cell
	return max(y0-l.Cell, 0), min(y1+l.Cell, l.Height())
}

// paintRange paints frames [from, to) of states into base.
func (c *PhysCanvas) paintRange(from, to uint64) {
	l := c.L
	to = min(to, l.Frames, uint64(len(c.states)))
	if from >= to {
		return
	}
	if l.Cell == 1 {
		// One pixel per frame, rows of Cols pixels: frame pfn's pixel is
		// at byte 4·pfn.
		b := c.base[from*4 : to*4]
		for i, s := range c.states[from:to] {
			binary.LittleEndian.PutUint32(b[i*4:], c.plain32[s])
		}
		return
	}
	stride := c.stride()
	for pfn := from; pfn < to; pfn++ {
		s := c.states[pfn]
		col := c.plain[s]
		x, y, _ := FrameXY(l, pfn)
		off := y*stride + x*4
		for k := 0; k < l.Cell; k++ {
			fillRGBA(c.base[off+k*stride:off+k*stride+l.Cell*4], col)
		}
		if l.Cell >= 4 && s.Head() {
			h := c.head[s]
			for k := 0; k < l.Cell; k++ {
				copy(c.base[off+k*stride:], h[:])
			}
		}
	}
}

func (c *PhysCanvas) drawMarks() {
	for _, r := range c.marked {
		HighlightFrames(c.base, c.L, r.PFN, r.Count, c.pal.Changed)
	}
}

func (c *PhysCanvas) drawFocus() {
	if len(c.Pix) == 0 {
		return
	}
	for _, r := range c.focus {
		HighlightFrames(c.Pix, c.L, r.PFN, r.Count, c.pal.Focus)
		y0, y1 := c.rows(r)
		c.addBand(y0, y1)
	}
}

// diffStates lists the frames whose state differs, as ranges (sorted,
// disjoint, not adjacent). Both slices have the same length.
func diffStates(a, b []engine.FrameState) []PFNRange {
	ab := unsafe.Slice((*byte)(unsafe.SliceData(a)), len(a))
	bb := unsafe.Slice((*byte)(unsafe.SliceData(b)), len(b))
	var out []PFNRange
	const block = 1024
	for i := 0; i < len(ab); i += block {
		j := min(i+block, len(ab))
		if bytes.Equal(ab[i:j], bb[i:j]) {
			continue
		}
		for k := i; k < j; k++ {
			if ab[k] == bb[k] {
				continue
			}
			if n := len(out) - 1; n >= 0 && out[n].PFN+out[n].Count == uint64(k) {
				out[n].Count++
			} else {
				out = append(out, PFNRange{PFN: uint64(k), Count: 1})
			}
		}
	}
	return out
}

// FrameSummary describes frame pfn of a frame map for the hover text and
// the focus: its owner and zone names and its buddy block (ok false
// beyond memory; order -1 outside any block).
func FrameSummary(fm *engine.FrameMap, pfn uint64) (owner, zone string, block uint64, order int, ok bool) {
	if fm == nil || pfn >= fm.Len() {
		return "", "", 0, -1, false
	}
	s := fm.State[pfn]
	owner, zone = s.Owner().String(), s.Zone().String()
	if h, o, in := fm.Block(pfn); in {
		return owner, zone, h, o, true
	}
	return owner, zone, 0, -1, true
}
