package view

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"mmplay/engine"
	"mmplay/engine/phys"
)

// luminance is WCAG 2's relative luminance of an sRGB colour.
func luminance(c [3]byte) float64 {
	lin := func(v byte) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c[0]) + 0.7152*lin(c[1]) + 0.0722*lin(c[2])
}

// contrast is WCAG 2's contrast ratio (1 to 21).
func contrast(a, b [3]byte) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// distance is the "redmean" colour difference: how far apart two colours
// look, 0 to about 765.
func distance(a, b [3]byte) float64 {
	r := (float64(a[0]) + float64(b[0])) / 2
	dr, dg, db := float64(a[0])-float64(b[0]), float64(a[1])-float64(b[1]), float64(a[2])-float64(b[2])
	return math.Sqrt((2+r/256)*dr*dr + 4*dg*dg + (2+(255-r)/256)*db*db)
}

// TestPaletteContrast: in each theme, memory in use stands out from free
// memory (contrast ≥ 1.5, or a clearly different hue: distance ≥ 150), the
// free tints are told apart from each other (distance ≥ 20) and from the
// page, and every owner has a colour of its own (distance ≥ 40).
func TestPaletteContrast(t *testing.T) {
	for _, p := range []*Palette{&LightPalette, &DarkPalette} {
		named := map[string][3]byte{}
		for o := phys.Owner(1); o < phys.NumOwners; o++ {
			named[o.String()] = p.Owner[o]
		}
		for z := phys.ZoneID(0); z < phys.NumZones; z++ {
			named["free "+z.String()] = p.Free[z]
		}
		for a, ca := range named {
			for b, cb := range named {
				// Zones are told apart by a tint; owners by a colour.
				limit := 40.0
				if strings.HasPrefix(a, "free ") && strings.HasPrefix(b, "free ") {
					limit = 20
				}
				if a < b && distance(ca, cb) < limit {
					t.Errorf("%s: %s %s and %s %s look alike (distance %.0f)", p.Name, a, CSS(ca), b, CSS(cb), distance(ca, cb))
				}
			}
		}
		for o := phys.Owner(1); o < phys.NumOwners; o++ {
			c := p.Owner[o]
			for z := phys.ZoneID(0); z < phys.NumZones; z++ {
				f := p.Free[z]
				if contrast(c, f) < 1.5 && distance(c, f) < 150 {
					t.Errorf("%s: %s %s does not stand out from free %s %s (contrast %.2f, distance %.0f)",
						p.Name, o, CSS(c), z, CSS(f), contrast(c, f), distance(c, f))
				}
			}
		}
		for z := phys.ZoneID(0); z < phys.NumZones; z++ {
			f := p.Free[z]
			// Free memory is quiet: close to the page's lightness, on the
			// same side of the middle as the page.
			if (luminance(f) > 0.18) != (luminance(p.Background) > 0.18) {
				t.Errorf("%s: free %s %s is not on the page's side of lightness (page %s)", p.Name, z, CSS(f), CSS(p.Background))
			}
			if distance(f, p.Background) < 25 {
				t.Errorf("%s: free %s %s vanishes into the page %s", p.Name, z, CSS(f), CSS(p.Background))
			}
		}
		for _, m := range []struct {
			name string
			c    [3]byte
		}{{"changed", p.Changed}, {"focus", p.Focus}} {
			for z := phys.ZoneID(0); z < phys.NumZones; z++ {
				if contrast(m.c, p.Free[z]) < 1.8 && distance(m.c, p.Free[z]) < 200 {
					t.Errorf("%s: the %s mark %s is weak on free %s", p.Name, m.name, CSS(m.c), z)
				}
			}
		}
		if p.OwnerColor("no such owner", "DMA") != unknownColor {
			t.Errorf("%s: an unknown owner is not magenta", p.Name)
		}
		if p.OwnerColor("free", "no such zone") != p.Free[phys.ZoneDMA32] {
			t.Errorf("%s: a free frame of an unknown zone", p.Name)
		}
		if p.OwnerColor("slab", "DMA") != p.OwnerColor("slab", "Normal") {
			t.Errorf("%s: the zone changes a slab frame's colour", p.Name)
		}
	}
	if PaletteFor(true) != &DarkPalette || PaletteFor(false) != &LightPalette {
		t.Error("PaletteFor")
	}
}

func TestLegendMatchesPalette(t *testing.T) {
	for _, p := range []*Palette{&LightPalette, &DarkPalette} {
		owners, zones := map[string]bool{}, map[string]bool{}
		for _, e := range p.Legend() {
			owners[e.Owner] = true
			zones[e.Zone] = true
			if want := CSS(p.OwnerColor(e.Owner, e.Zone)); e.Color != want {
				t.Errorf("%s legend %q: colour %s, the palette says %s", p.Name, e.Label, e.Color, want)
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
		for z := phys.ZoneID(0); z < phys.NumZones; z++ {
			if !zones[z.String()] {
				t.Errorf("free memory of zone %s is missing from the legend", z)
			}
		}
	}
	if got := CSS([3]byte{0x0a, 0xbc, 0xff}); got != "#0abcff" {
		t.Errorf("CSS = %q", got)
	}
}

// randomMap is n frames of random owners, zones and blocks.
func randomMap(rng *rand.Rand, n int) *engine.FrameMap {
	fm := &engine.FrameMap{State: make([]engine.FrameState, n), Order: make([]uint8, n)}
	owners := []phys.Owner{phys.OwnerFree, phys.OwnerSlab, phys.OwnerUserAnon, phys.OwnerPages, phys.OwnerReserved, phys.OwnerVmalloc}
	for pfn := 0; pfn < n; {
		o := rng.IntN(3)
		size := 1 << o
		st := engine.MakeFrameState(owners[rng.IntN(len(owners))], phys.ZoneID(rng.IntN(3)), false)
		for i := pfn; i < min(pfn+size, n); i++ {
			fm.State[i] = st
		}
		fm.State[pfn] |= engine.FrameHead
		fm.Order[pfn] = uint8(o)
		pfn += size
	}
	return fm
}

// reference paints the slow, obvious way: every pixel asks the map for
// its frame; then the marks and the focus.
func reference(fm *engine.FrameMap, l PhysLayout, p *Palette, marks []PFNRange, focus []PFNRange) []byte {
	w := l.Width()
	buf := make([]byte, w*l.Height()*4)
	for y := 0; y < l.Height(); y++ {
		for x := 0; x < w; x++ {
			pfn, ok := PFNAt(l, x, y)
			if !ok || pfn >= fm.Len() {
				continue
			}
			c := p.Color(fm.State[pfn])
			px := [4]byte{c[0], c[1], c[2], 0xff}
			if l.Cell >= 4 && fm.State[pfn].Head() && x%l.Cell == 0 {
				px = darker(c)
			}
			copy(buf[(y*w+x)*4:], px[:])
		}
	}
	for _, r := range marks {
		HighlightFrames(buf, l, r.PFN, r.Count, p.Changed)
	}
	for _, r := range focus {
		HighlightFrames(buf, l, r.PFN, r.Count, p.Focus)
	}
	return buf
}

// checkBands: every row where before and after differ is in a band.
func checkBands(t *testing.T, name string, before, after []byte, l PhysLayout, bands [][2]int) {
	t.Helper()
	stride := l.Width() * 4
	for y := 0; y < l.Height(); y++ {
		if bytes.Equal(before[y*stride:(y+1)*stride], after[y*stride:(y+1)*stride]) {
			continue
		}
		in := false
		for _, b := range bands {
			in = in || y >= b[0] && y < b[1]
		}
		if !in {
			t.Errorf("%s: row %d changed but no band %v covers it", name, y, bands)
			return
		}
	}
}

func TestPhysCanvasMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name   string
		frames int
		l      PhysLayout
	}{
		{"1-px cells, blocks wrapping rows", 5000, Layout(5000, 100, 1)},
		{"2-px cells", 3000, Layout(3000, 128, 1)},
		{"8-px cells draw block heads darker", 300, Layout(300, 200, 1)},
		{"zoomed 3×", 700, Layout(700, 100, 3)},
		{"a last row only partly filled", 130, Layout(130, 64, 1)},
		{"a layout with fewer frames than the map", 100, Layout(90, 30, 1)},
	} {
		for _, p := range []*Palette{&LightPalette, &DarkPalette} {
			fm := randomMap(rng, c.frames)
			var pc PhysCanvas
			pc.Show(fm, c.l, p, true)
			if want := reference(fm, c.l, p, nil, nil); !bytes.Equal(pc.Pix, want) {
				t.Errorf("%s (%s): the first picture differs from the reference", c.name, p.Name)
			}
			if b := pc.TakeBands(); len(b) != 1 || b[0] != [2]int{0, c.l.Height()} {
				t.Errorf("%s: the first picture's bands %v", c.name, b)
			}
		}
	}
}

// TestPhysCanvasSteps: a sequence of steps, focus moves and a theme
// change, each compared with the reference picture of the same state,
// and the bands checked to cover what changed.
func TestPhysCanvasSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 4096
	for _, l := range []PhysLayout{Layout(n, 128, 1), Layout(n, 512, 1)} {
		fm := randomMap(rng, n)
		var pc PhysCanvas
		pal := &LightPalette
		pc.Show(fm, l, pal, true)
		pc.TakeBands()
		var marks []PFNRange
		var focus []PFNRange
		for step := 0; step < 40; step++ {
			name := fmt.Sprintf("cell %d, step %d", l.Cell, step)
			before := append([]byte(nil), pc.Pix...)
			switch step % 4 {
			case 0, 1: // the machine moved: a few frames change
				old := append([]engine.FrameState(nil), fm.State...)
				for k := rng.IntN(4); k >= 0; k-- {
					pfn := rng.IntN(n - 8)
					for i := pfn; i < pfn+rng.IntN(8)+1; i++ {
						fm.State[i] = engine.MakeFrameState(phys.Owner(rng.IntN(int(phys.NumOwners))), phys.ZoneDMA32, false)
					}
				}
				marks = diffStates(old, fm.State)
				pc.Show(fm, l, pal, true)
			case 2: // the pointer moved: one to three ranges, maybe overlapping the last
				focus = nil
				for k := rng.IntN(3); k >= 0; k-- {
					focus = append(focus, PFNRange{PFN: uint64(rng.IntN(n)), Count: uint64(rng.IntN(64))})
				}
				pc.SetFocus(focus)
			case 3: // nothing changed: a step with no frame change clears the marks
				marks = nil
				pc.Show(fm, l, pal, true)
			}
			if want := reference(fm, l, pal, marks, focus); !bytes.Equal(pc.Pix, want) {
				t.Fatalf("%s: the picture differs from the reference", name)
			}
			checkBands(t, name, before, pc.Pix, l, pc.TakeBands())
		}
		// A theme change repaints everything and keeps the marks.
		pal = &DarkPalette
		pc.Show(fm, l, pal, false)
		if want := reference(fm, l, pal, marks, focus); !bytes.Equal(pc.Pix, want) {
			t.Errorf("cell %d: after the theme change the picture differs", l.Cell)
		}
		// A new machine of the same size (Reset, or a run begun again):
		// its frames are drawn, and the old marks go.
		old := append([]engine.FrameState(nil), fm.State...)
		fm.State[7] = engine.MakeFrameState(phys.OwnerSlab, phys.ZoneDMA32, false)
		if fm.State[7] == old[7] {
			fm.State[7] = engine.MakeFrameState(phys.OwnerVmalloc, phys.ZoneDMA32, false)
		}
		pc.Show(fm, l, pal, true)
		if want := reference(fm, l, pal, diffStates(old, fm.State), focus); !bytes.Equal(pc.Pix, want) {
			t.Fatalf("cell %d: the last step's mark is missing", l.Cell)
		}
		before := append([]byte(nil), pc.Pix...)
		fm1 := randomMap(rng, n)
		pc.ClearMarks()
		pc.Show(fm1, l, pal, false)
		if want := reference(fm1, l, pal, nil, focus); !bytes.Equal(pc.Pix, want) {
			t.Errorf("cell %d: a new machine of the same size keeps marks or old frames", l.Cell)
		}
		checkBands(t, "new machine", before, pc.Pix, l, pc.TakeBands())
		// Another machine (a new size): nothing to compare, no marks.
		fm2 := randomMap(rng, n/2)
		l2 := Layout(n/2, 128, 1)
		pc.Show(fm2, l2, pal, true)
		if want := reference(fm2, l2, pal, nil, focus); !bytes.Equal(pc.Pix, want) {
			t.Errorf("cell %d: another machine's picture differs", l.Cell)
		}
	}
}

func TestDiffStates(t *testing.T) {
	a := make([]engine.FrameState, 3000)
	b := append([]engine.FrameState(nil), a...)
	for _, pfn := range []int{0, 1, 2, 1023, 1024, 2999} {
		b[pfn] = 1
	}
	got := fmt.Sprint(diffStates(a, b))
	if want := "[{0 3} {1023 2} {2999 1}]"; got != want {
		t.Errorf("diffStates = %s, want %s", got, want)
	}
	if d := diffStates(a, a); d != nil {
		t.Errorf("equal maps: %v", d)
	}
}

func TestFrameSummary(t *testing.T) {
	fm := &engine.FrameMap{
		State: []engine.FrameState{
			engine.MakeFrameState(phys.OwnerReserved, phys.ZoneDMA, false),
			engine.MakeFrameState(phys.OwnerFree, phys.ZoneDMA, true), engine.MakeFrameState(phys.OwnerFree, phys.ZoneDMA, false),
			engine.MakeFrameState(phys.OwnerSlab, phys.ZoneDMA32, true),
		},
		Order: []uint8{0, 1, 0, 0},
	}
	for _, c := range []struct {
		pfn  uint64
		want string
	}{
		{0, "reserved DMA 0 -1 true"},
		{2, "free DMA 1 1 true"},
		{3, "slab DMA32 3 0 true"},
		{4, "  0 -1 false"},
	} {
		o, z, h, ord, ok := FrameSummary(fm, c.pfn)
		if got := fmt.Sprint(o, " ", z, " ", h, " ", ord, " ", ok); got != c.want {
			t.Errorf("FrameSummary(%d) = %q, want %q", c.pfn, got, c.want)
		}
	}
}

// map1M is a busy 1 Mi-frame machine.
func map1M() *engine.FrameMap { return randomMap(rand.New(rand.NewPCG(7, 8)), 1<<20) }

// BenchmarkPhysCanvasFull1M: a theme change repaints every one of 1 Mi
// frames (the buffers kept).
func BenchmarkPhysCanvasFull1M(b *testing.B) {
	fm := map1M()
	l := Layout(fm.Len(), 1024, 1)
	b.SetBytes(int64(l.Width() * l.Height() * 4))
	var pc PhysCanvas
	pc.Show(fm, l, &LightPalette, true)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pc.Show(fm, l, PaletteFor(i%2 == 0), false)
		pc.TakeBands()
	}
}

// BenchmarkPhysCanvasStep1M: a step that changed 16 frames of 1 Mi (the
// 1 MiB comparison, the repaint and the marks).
func BenchmarkPhysCanvasStep1M(b *testing.B) {
	fm := map1M()
	l := Layout(fm.Len(), 1024, 1)
	var pc PhysCanvas
	pc.Show(fm, l, &LightPalette, true)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pfn := (i * 7919) % (1<<20 - 16)
		for k := pfn; k < pfn+16; k++ {
			fm.State[k] ^= 1
		}
		pc.Show(fm, l, &LightPalette, true)
		pc.TakeBands()
	}
}

// BenchmarkPhysCanvasFocus1M: the pointer moves to another block.
func BenchmarkPhysCanvasFocus1M(b *testing.B) {
	fm := map1M()
	l := Layout(fm.Len(), 1024, 1)
	var pc PhysCanvas
	pc.Show(fm, l, &LightPalette, true)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pc.SetFocus([]PFNRange{{PFN: uint64(i*7919) % (1 << 20), Count: 8}})
		pc.TakeBands()
	}
}
