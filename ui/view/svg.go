package view

// SVG draws one view of a snapshot as a standalone SVG picture, for pages
// that cannot run scripts (READMEs, feeds, slides): the edge worker's
// GET /api/render.svg (SPEC §9) serves it. Every picture is built from the
// same models the playground's components draw — Layout, OwnerColor and
// Legend for Physical, BuddyRows, SlabCaches and LargeKmallocs,
// UserRegions and KernelRegions, HeapRows, Timeline — so the numbers,
// labels and hover texts are the playground's own; only the markup differs.
//
// The picture, top to bottom:
//
//  1. <title> (the view, the step and line) and <desc> (a summary in words
//     of what the picture shows: frames per owner, free pages per zone,
//     objects in use, …), referenced by aria-labelledby and
//     aria-describedby on the <svg role="img">, so a screen reader says
//     what an <img> of it holds;
//  2. a heading and the config line;
//  3. the view: rectangles and text, each element that the playground
//     gives a hover text carrying the same text as a <title> child;
//  4. a legend where the view has colours.
//
// Pictures are deterministic (same snapshot, same bytes: the worker's
// cache headers and the golden files rely on it), use only presentation
// attributes and one <style> block of class rules (no scripts, no external
// references, no foreign objects), and are light-themed on an opaque
// background so that they read on a dark page too. The colours that the
// playground keeps in public/app.css (chunk states, page states, event
// classes) are repeated in svgPalette; TestSVGPaletteMatchesCSS checks that
// they still agree.
//
// Size bounds: text lines are cut at svgMaxChars characters (the whole
// line stays in the element's <title>); the Physical view merges adjacent
// frames of one colour and, when a machine would still need more than
// svgMaxRects rectangles, draws one square per 2^k frames coloured by the
// owner of most of them (the picture says so); lists are cut with a
// "+N more" line (svgMaxSlabs slabs per cache, svgMaxLines lines of
// console text, svgMaxTimelineItems timeline items, svgMaxAreas areas per
// kernel region, svgMaxChunkRows heap chunks in the table).

import (
	"encoding/xml"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"mmplay/engine"
	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// SVGViews are the views SVG draws, in the playground's tab order. The
// /proc view has no SVG form: its files are not part of a snapshot.
var SVGViews = []string{"physical", "buddy", "slab", "virtual", "heap", "timeline", "console"}

// svgViewTitles are the views' names as the playground's tabs print them.
var svgViewTitles = map[string]string{
	"physical": "Physical", "buddy": "Buddy", "slab": "Slab", "virtual": "Virtual",
	"heap": "Heap", "timeline": "Timeline", "console": "Console",
}

// Picture is what SVG draws: one view of a snapshot.
type Picture struct {
	View string           // one of SVGViews
	Snap *engine.Snapshot // the machine (nil: an empty picture saying so)
	// Events are the session's events; Step the session's step, which
	// picks the Buddy view's highlights and labels the Timeline's last
	// group, as in the playground.
	Events []engine.Event
	Step   uint64
}

// Geometry and bounds of a picture.
const (
	svgWidth            = 800
	svgMargin           = 16
	svgInner            = svgWidth - 2*svgMargin
	svgLine             = 18   // px per line of text
	svgMaxChars         = 104  // characters of one line of 12 px monospace text
	svgMaxRects         = 6000 // rectangles of the Physical view
	svgMaxSlabs         = 12
	svgMaxLines         = 120
	svgMaxTimelineItems = 150
	svgMaxAreas         = 16
	svgMaxChunkRows     = 64
	svgObjCell          = 11 // px per slab object square, with its gap
)

// svgPalette holds the colours public/app.css gives the classes the views
// use (light theme).
var svgPalette = map[string]string{
	"chunk.inuse": "#4c8bf5", "chunk.tcache": "#f59f00", "chunk.fastbin": "#e8590c",
	"chunk.unsorted": "#ae3ec9", "chunk.smallbin": "#12b886", "chunk.largebin": "#0b7285",
	"chunk.top": "#adb5bd", "chunk.mmapped": "#5c7cfa", "chunk.fence": "#495057",
	"seg.present": "#2f9e44", "seg.zero": "#a5d8ff", "seg.mixed": "#94d3a2",
	"obj":           "#12b886",
	"tl-item.alloc": "#2f9e44", "tl-item.free": "#868e96", "tl-item.fault": "#1c7ed6",
	"tl-item.kernel": "#ae3ec9",
	"region.heap":    "#4c8bf5", "region.stack": "#e8590c", "region.anon": "#12b886",
	"region.file": "#868e96", "region.special": "#ae3ec9", "region.kernel": "#495057",
	// The theme's variables (:root of app.css).
	"--ink": "#1d232b", "--muted": "#5d6773", "--line": "#dfe2e6", "--warn": "#b45309",
	"--bad": "#b91c1c", "--hl": "#ffd84d", "--cur": "#fff4c2", "--panel": "#ffffff",
	"--code-bg": "#fbfbfa", "--accent": "#2563eb", "--ok": "#15803d",
}

// svgStyle is the picture's one <style> block.
const svgStyle = `text{font:13px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#1d232b}` +
	`.h{font-size:16px;font-weight:600}.h2{font-size:14px;font-weight:600}.m{fill:#5d6773;font-size:12px}` +
	`.mono{font:12px ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;white-space:pre}` +
	`.warn{fill:#b45309}.bad{fill:#b91c1c}.r{text-anchor:end}`

// ErrNoSuchView is SVG's answer to a view it does not draw.
var ErrNoSuchView = errors.New("no such view: want one of " + strings.Join(SVGViews, ", "))

// SVG draws p as a standalone SVG document.
func SVG(p Picture) ([]byte, error) {
	name, ok := svgViewTitles[p.View]
	if !ok {
		return nil, ErrNoSuchView
	}
	w := &svgw{y: svgMargin}
	title := "mmplay — " + name + " view"
	if s := p.Snap; s != nil {
		switch {
		case s.Done:
			title += " at the end of the run (" + Plural(s.Step, "statement") + ")"
		case s.Line > 0:
			title += " at step " + fmtUint(s.Step) + ", line " + fmtInt(s.Line)
		default:
			title += " at step " + fmtUint(s.Step)
		}
	}
	w.heading(title)
	var desc string
	if p.Snap == nil {
		desc = "Nothing to draw: the snippet has not run."
		w.line(svgMargin, "m", desc)
	} else {
		w.line(svgMargin, "m mono", p.Snap.Config)
		w.y += 6
		switch p.View {
		case "physical":
			desc = w.physical(p.Snap)
		case "buddy":
			desc = w.buddy(p)
		case "slab":
			desc = w.slab(p.Snap)
		case "virtual":
			desc = w.virtual(p)
		case "heap":
			desc = w.heap(p.Snap)
		case "timeline":
			desc = w.timeline(p)
		case "console":
			desc = w.console(p.Snap)
		}
	}
	h := int(math.Ceil(w.y)) + svgMargin
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="` + fmtInt(svgWidth) + `" height="` + fmtInt(h) +
		`" viewBox="0 0 ` + fmtInt(svgWidth) + ` ` + fmtInt(h) + `" role="img" aria-labelledby="mmplay-title" aria-describedby="mmplay-desc">` + "\n")
	b.WriteString(`<title id="mmplay-title">` + esc(title) + "</title>\n")
	b.WriteString(`<desc id="mmplay-desc">` + esc(desc) + "</desc>\n")
	b.WriteString("<style>" + svgStyle + "</style>\n")
	b.WriteString(`<rect width="100%" height="100%" fill="#ffffff"/>` + "\n")
	b.WriteString(w.b.String())
	b.WriteString("</svg>\n")
	return []byte(b.String()), nil
}

// svgw accumulates a picture's body; y is the next free line's top.
type svgw struct {
	b strings.Builder
	y float64
}

// esc escapes text for XML content and attribute values (quotes too);
// characters XML cannot carry (NUL, most controls) become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// num formats a coordinate with at most two decimals.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// cut shortens s to at most n characters, ending with "…" when cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for count := 0; count < n-1; count++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "…"
}

// text writes one <text> at (x, baseline y); a cut line keeps its whole
// text in a <title>.
func (w *svgw) text(x, y float64, class, s string, maxChars int) {
	short := cut(s, maxChars)
	w.b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `"`)
	if class != "" {
		w.b.WriteString(` class="` + class + `"`)
	}
	w.b.WriteString(">")
	if short != s {
		w.b.WriteString("<title>" + esc(s) + "</title>")
	}
	w.b.WriteString(esc(short) + "</text>\n")
}

// line writes a line of text at x and moves down one line.
func (w *svgw) line(x float64, class, s string) {
	w.text(x, w.y+13, class, s, svgMaxChars-int((x-svgMargin)/7))
	w.y += svgLine
}

func (w *svgw) heading(s string) {
	w.text(svgMargin, w.y+16, "h", s, 90)
	w.y += 24
}

func (w *svgw) subheading(s string) {
	w.y += 4
	w.text(svgMargin, w.y+14, "h2", s, 100)
	w.y += 20
}

// rect writes a rectangle; a non-empty title becomes its hover text.
func (w *svgw) rect(x, y, width, height float64, fill, stroke, title string) {
	w.b.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(width) + `" height="` + num(height) + `"`)
	if fill != "" {
		w.b.WriteString(` fill="` + fill + `"`)
	}
	if stroke != "" {
		w.b.WriteString(` stroke="` + stroke + `"`)
	}
	if title == "" {
		w.b.WriteString("/>\n")
		return
	}
	w.b.WriteString("><title>" + esc(title) + "</title></rect>\n")
}

// swatch writes a legend entry at (x, w.y) and returns the x after it.
func (w *svgw) swatch(x float64, fill, label, title string) float64 {
	w.rect(x, w.y+3, 11, 11, fill, "#00000033", title)
	w.text(x+15, w.y+13, "m", label, 60)
	return x + 15 + float64(len([]rune(label)))*6.6 + 14
}

// legend writes swatches in rows.
func (w *svgw) legend(entries [][3]string) {
	x := float64(svgMargin)
	for _, e := range entries {
		if x+float64(len([]rune(e[1])))*6.6+30 > svgWidth-svgMargin {
			x = svgMargin
			w.y += svgLine
		}
		x = w.swatch(x, e[0], e[1], e[2])
	}
	w.y += svgLine
}

// physical draws every frame as a square, coloured as the playground's
// canvas colours it.
func (w *svgw) physical(snap *engine.Snapshot) string {
	frames := FramesOf(snap.Frames)
	if frames == 0 {
		w.line(svgMargin, "m", "No frames.")
		return "The machine has no frames."
	}
	// Adjacent runs of one colour become one span; when the spans would
	// still need too many rectangles, frames are grouped per square.
	group := uint64(1)
	var spans []physSpan
	for {
		spans = physSpans(snap.Frames, group)
		if rectCount(spans, Layout((frames+group-1)/group, svgInner, 1)) <= svgMaxRects || group >= 1<<20 {
			break
		}
		group *= 2
	}
	cells := (frames + group - 1) / group
	l := Layout(cells, svgInner, 1)
	top := w.y
	w.b.WriteString(`<g aria-hidden="true">` + "\n")
	w.rect(svgMargin, top, float64(l.Width()), float64(l.Height()), svgPalette["--code-bg"], "", "")
	for _, s := range spans {
		title := s.title(group)
		w.b.WriteString("<g><title>" + esc(title) + "</title>")
		for _, r := range spanRects(s.start, s.n, l) {
			w.b.WriteString(`<rect x="` + num(svgMargin+r[0]) + `" y="` + num(top+r[1]) + `" width="` + num(r[2]) + `" height="` + num(r[3]) + `" fill="` + CSS(s.color) + `"/>`)
		}
		w.b.WriteString("</g>\n")
	}
	w.b.WriteString("</g>\n")
	w.y = top + float64(l.Height()) + 8

	// Frames per legend entry, for the legend and the description.
	counts := map[string]uint64{}
	for _, r := range snap.Frames {
		k := r.Owner
		if r.Owner == "free" {
			k += "·" + r.Zone
		}
		counts[k] += r.Count
	}
	scale := "one square per frame"
	if group > 1 {
		scale = "one square per " + fmtUint(group) + " frames, coloured by the owner of most of them"
	}
	w.line(svgMargin, "m", fmtUint(frames)+" page frames of 4 KiB ("+Bytes(frames<<arch.PageShift)+"), "+scale+", "+fmtInt(l.Cols)+" squares per row, pfn 0 at the top left.")
	var entries [][3]string
	var parts []string
	for _, le := range LightPalette.Legend() {
		k := le.Owner
		if le.Zone != "" {
			k += "·" + le.Zone
		}
		n := counts[k]
		if n == 0 {
			continue
		}
		delete(counts, k)
		label := le.Label + " " + fmtUint(n)
		entries = append(entries, [3]string{le.Color, label, le.Help})
		parts = append(parts, le.Label+" "+Plural(n, "frame")+" ("+Bytes(n<<arch.PageShift)+")")
	}
	var rest []string
	for k := range counts {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest { // owners the legend does not know (a newer engine)
		entries = append(entries, [3]string{CSS(unknownColor), k + " " + fmtUint(counts[k]), k})
		parts = append(parts, k+" "+Plural(counts[k], "frame"))
	}
	w.legend(entries)
	return "Physical memory: " + fmtUint(frames) + " page frames (" + Bytes(frames<<arch.PageShift) + ") drawn " + scale +
		". " + strings.Join(parts, "; ") + "."
}

// physSpan is a run of squares of one colour.
type physSpan struct {
	start, n     uint64 // squares
	color        [3]byte
	owner, zone  string
	pfn, frames  uint64 // the frames it covers
	order, count int    // the first run's order; runs merged
}

func (s physSpan) title(group uint64) string {
	t := "pfn " + Hex(s.pfn)
	if s.frames > 1 {
		t += "–" + Hex(s.pfn+s.frames-1)
	}
	t += " · " + Plural(s.frames, "frame") + " (" + Bytes(s.frames<<arch.PageShift) + ") · " + s.owner
	if s.zone != "" {
		t += " · zone " + s.zone
	}
	if group == 1 && s.count == 1 && s.order >= 0 {
		t += " · order-" + fmtInt(s.order) + " block"
	}
	if group > 1 {
		t += " (mostly)"
	}
	return t
}

// physSpans turns the frame runs into spans of squares of group frames
// each, a square coloured by the owner (and, when free, zone) with the
// most frames in it.
func physSpans(runs []phys.FrameRun, group uint64) []physSpan {
	var out []physSpan
	if group == 1 {
		for _, r := range runs {
			c := LightPalette.OwnerColor(r.Owner, r.Zone)
			if k := len(out) - 1; k >= 0 && out[k].color == c && out[k].start+out[k].n == r.PFN {
				out[k].n += r.Count
				out[k].frames += r.Count
				out[k].count++
				continue
			}
			out = append(out, physSpan{start: r.PFN, n: r.Count, color: c, owner: r.Owner, zone: zoneIfFree(r),
				pfn: r.PFN, frames: r.Count, order: r.Order, count: 1})
		}
		return out
	}
	type tally struct {
		r phys.FrameRun
		n uint64
	}
	var t []tally
	total := FramesOf(runs)
	j := 0 // the first run that can overlap the square
	for sq := uint64(0); sq*group < total; sq++ {
		lo, hi := sq*group, min((sq+1)*group, total)
		for j < len(runs) && runs[j].PFN+runs[j].Count <= lo {
			j++
		}
		if j == len(runs) {
			break
		}
		if runs[j].PFN >= hi { // a gap no run covers: jump to the next run
			sq = runs[j].PFN/group - 1
			continue
		}
		t = t[:0]
		for k := j; k < len(runs) && runs[k].PFN < hi; k++ {
			r := runs[k]
			n := min(r.PFN+r.Count, hi) - max(r.PFN, lo)
			found := false
			for i := range t {
				if t[i].r.Owner == r.Owner && zoneIfFree(t[i].r) == zoneIfFree(r) {
					t[i].n += n
					found = true
					break
				}
			}
			if !found {
				t = append(t, tally{r, n})
			}
		}
		best := t[0]
		for _, x := range t[1:] {
			if x.n > best.n {
				best = x
			}
		}
		c := LightPalette.OwnerColor(best.r.Owner, best.r.Zone)
		if k := len(out) - 1; k >= 0 && out[k].color == c && out[k].start+out[k].n == sq {
			out[k].n++
			out[k].frames += hi - lo
			out[k].count++
			continue
		}
		out = append(out, physSpan{start: sq, n: 1, color: c, owner: best.r.Owner, zone: zoneIfFree(best.r),
			pfn: lo, frames: hi - lo, order: -1, count: 2})
	}
	return out
}

func zoneIfFree(r phys.FrameRun) string {
	if r.Owner == "free" {
		return r.Zone
	}
	return ""
}

// spanRects returns the rectangles (x, y, w, h) that draw squares
// [start, start+n) in layout l: a partial first row, the full rows, a
// partial last row.
func spanRects(start, n uint64, l PhysLayout) [][4]float64 {
	cols, cell := uint64(l.Cols), float64(l.Cell)
	var out [][4]float64
	for n > 0 {
		row, col := start/cols, start%cols
		if col == 0 && n >= cols {
			full := n / cols
			out = append(out, [4]float64{0, float64(row) * cell, float64(cols) * cell, float64(full) * cell})
			start += full * cols
			n -= full * cols
			continue
		}
		k := min(n, cols-col)
		out = append(out, [4]float64{float64(col) * cell, float64(row) * cell, float64(k) * cell, cell})
		start += k
		n -= k
	}
	return out
}

func rectCount(spans []physSpan, l PhysLayout) int {
	n := 0
	for _, s := range spans {
		n += len(spanRects(s.start, s.n, l))
	}
	return n
}

// buddy draws the free lists, zone by zone, with the orders the step
// touched highlighted.
func (w *svgw) buddy(p Picture) string {
	zones := BuddyRows(p.Snap.Zones, p.Events, p.Step)
	var parts []string
	for _, z := range zones {
		w.subheading("Zone " + z.Name + " — " + z.Level)
		w.line(svgMargin, "m", "free "+z.Free+" · managed "+z.Managed+" · "+z.Watermarks+" · "+z.Span)
		w.text(svgMargin, w.y+13, "m", "order", 10)
		w.text(svgMargin+50, w.y+13, "m", "block", 10)
		w.text(svgMargin+120, w.y+13, "m", "free", 10)
		w.text(svgMargin+170, w.y+13, "m", "first blocks (list head first)", 40)
		w.y += svgLine
		var most int
		for _, o := range z.Orders {
			most = max(most, o.Count)
		}
		var hl []string
		for _, o := range z.Orders {
			if o.Highlight != "" {
				w.rect(svgMargin-4, w.y, svgInner+8, svgLine, svgPalette["--cur"], "", "")
				hl = append(hl, "order "+fmtInt(o.Order)+" "+o.Highlight)
			}
			w.text(svgMargin+24, w.y+13, "mono", fmtInt(o.Order), 4)
			w.text(svgMargin+50, w.y+13, "mono", o.BlockSize, 10)
			w.text(svgMargin+120, w.y+13, "mono", fmtInt(o.Count), 8)
			var texts []string
			for _, b := range o.Blocks {
				texts = append(texts, b.Text)
			}
			if o.More != "" {
				texts = append(texts, o.More)
			}
			if o.Highlight != "" {
				texts = append(texts, strings.ToUpper(o.Highlight))
			}
			w.b.WriteString("<g><title>" + esc(o.Total) + "</title>")
			w.text(svgMargin+170, w.y+13, "mono", strings.Join(texts, " "), 85)
			w.b.WriteString("</g>\n")
			w.y += svgLine
		}
		s := "zone " + z.Name + ": " + z.Free + " free (" + z.Level + ")"
		if len(hl) > 0 {
			s += ", this step: " + strings.Join(hl, ", ")
		}
		parts = append(parts, s)
	}
	if len(zones) == 0 {
		w.line(svgMargin, "m", "No zones.")
	}
	return "The buddy allocator's free lists per zone and order: " + strings.Join(parts, "; ") + "."
}

// slab draws the caches that have slabs, each slab a row of objects.
func (w *svgw) slab(snap *engine.Snapshot) string {
	caches := SlabCaches(snap.Slab, "", true)
	var objs, inUse int
	for _, c := range caches {
		w.b.WriteString("<g><title>" + esc(c.Title) + "</title>")
		w.y += 2
		w.text(svgMargin, w.y+14, "h2 mono", c.Name, 30)
		w.text(svgMargin+190, w.y+14, "m", c.Active+" objects · "+c.ObjectSize+" in "+c.Size+" slots · "+fmtInt(c.ObjPerSlab)+" per "+c.SlabSize+" slab · "+fmtInt(c.InUse)+" in use", 90)
		w.b.WriteString("</g>\n")
		w.y += 20
		objs += c.TotalObjs
		inUse += c.InUse
		for i, s := range c.Slabs {
			if i == svgMaxSlabs {
				w.line(svgMargin+70, "m", "+"+Plural(len(c.Slabs)-svgMaxSlabs, "more slab"))
				break
			}
			w.slabRow(s)
		}
	}
	if len(caches) == 0 {
		w.line(svgMargin, "m", "No cache has a slab yet.")
	}
	if large := LargeKmallocs(snap.Slab); len(large) > 0 {
		w.subheading("Large kmallocs (straight from the page allocator)")
		for _, l := range large {
			w.b.WriteString("<g><title>" + esc(l.Title) + "</title>")
			w.line(svgMargin, "mono", l.Addr+"  kmalloc("+fmtUint(l.Req)+")  "+l.Size)
			w.b.WriteString("</g>\n")
		}
		inUse += len(large)
	}
	w.y += 4
	w.legend([][3]string{{svgPalette["obj"], "allocated object", ""}, {"#ffffff", "free object", ""}, {svgPalette["--hl"], "next from this slab's free list", ""}})
	return "Slab caches with slabs: " + Plural(len(caches), "cache") + ", " + fmtInt(objs) + " object slots, " +
		fmtInt(inUse) + " in use. Each square is one object: filled = allocated, hollow = free."
}

// slabRow draws one slab: its role, its objects in rows of up to 64, and
// its count.
func (w *svgw) slabRow(s SlabRow) {
	const perRow = 56
	x0 := float64(svgMargin + 70)
	w.b.WriteString("<g><title>" + esc(s.Title) + "</title>")
	class := "m"
	if s.Role == "cpu" {
		class = "m h2"
	}
	w.text(svgMargin, w.y+10, class, strings.ToUpper(s.Role), 8)
	rows := (len(s.Objects) + perRow - 1) / perRow
	// One path per state keeps a slab of 512 objects to a few kB; the
	// next object, ringed, carries its own hover text.
	var used, free strings.Builder
	for i, o := range s.Objects {
		x := x0 + float64(i%perRow)*svgObjCell
		y := w.y + 1 + float64(i/perRow)*svgObjCell
		if o.Next {
			w.rect(x-2, y-2, 13, 13, svgPalette["--hl"], "", o.Title)
		}
		d := &free
		if o.State == "allocated" {
			d = &used
		}
		d.WriteString("M" + num(x+0.75) + " " + num(y+0.75) + "h7.5v7.5h-7.5z")
	}
	if used.Len() > 0 {
		w.b.WriteString(`<path d="` + used.String() + `" fill="` + svgPalette["obj"] + `" stroke="` + svgPalette["obj"] + `"/>` + "\n")
	}
	if free.Len() > 0 {
		w.b.WriteString(`<path d="` + free.String() + `" fill="#ffffff" stroke="` + svgPalette["obj"] + `"/>` + "\n")
	}
	w.text(x0+perRow*svgObjCell+8, w.y+10, "m", s.InUse, 12)
	w.b.WriteString("</g>\n")
	w.y += float64(max(rows, 1))*svgObjCell + 3
}

// virtual draws the process's VMAs and the kernel's regions.
func (w *svgw) virtual(p Picture) string {
	user := UserRegions(p.Snap.Process)
	w.subheading("User space (the process)")
	var present, zero, none uint64
	for _, r := range user {
		w.region(r)
		for _, s := range r.Segments {
			switch s.State {
			case "present":
				present += s.Pages
			case "zero":
				zero += s.Pages
			case "none":
				none += s.Pages
			}
		}
	}
	w.legend([][3]string{{svgPalette["seg.present"], "present (a frame of its own)", ""},
		{svgPalette["seg.zero"], "zero page (read, never written)", ""},
		{svgPalette["--line"], "not present (never touched)", ""},
		{svgPalette["seg.mixed"], "mixed", ""}})
	w.subheading("Kernel space")
	kernel := KernelRegions(p.Snap, p.Events)
	var names []string
	for _, r := range kernel {
		w.region(r)
		names = append(names, r.Name+" ("+r.Summary+")")
	}
	return "The process's address space: " + Plural(len(user), "VMA") + ", " + pageSummary(present, zero, none) +
		" pages. Kernel space: " + strings.Join(names, "; ") + "."
}

// region draws one row of the Virtual view: the head, the bar, the
// summary and the areas inside.
func (w *svgw) region(r Region) {
	kind := r.Kind
	if _, ok := svgPalette["region."+kind]; !ok {
		kind = "kernel"
	}
	top := w.y
	w.b.WriteString("<g><title>" + esc(r.Title) + "</title>")
	head := r.Start + "–" + r.End
	if r.Perms != "" {
		head += "  " + r.Perms
	}
	w.text(svgMargin+8, w.y+13, "mono", head, 50)
	w.text(svgMargin+8+float64(len(head))*7.3+10, w.y+13, "h2", r.Name, 56)
	w.text(svgWidth-svgMargin-4, w.y+13, "m r", r.Size, 20)
	w.b.WriteString("</g>\n")
	w.y += svgLine
	if len(r.Segments) > 0 {
		barW := float64(svgInner - 12)
		x := float64(svgMargin + 8)
		w.rect(x, w.y+2, barW, 10, svgPalette["--code-bg"], svgPalette["--line"], "")
		for _, s := range r.Segments {
			sw := s.Pct / 100 * barW
			fill := svgPalette["seg."+s.State]
			if s.State == "none" {
				fill = svgPalette["--line"]
			}
			w.rect(x, w.y+2, sw, 10, fill, "", s.Title)
			x += sw
		}
		w.y += 14
	}
	if r.Summary != "" {
		w.line(svgMargin+8, "m", r.Summary)
	}
	for i, a := range r.Areas {
		if i == svgMaxAreas {
			w.line(svgMargin+20, "m", "+"+Plural(len(r.Areas)-svgMaxAreas, "more area"))
			break
		}
		w.b.WriteString("<g><title>" + esc(a.Title) + "</title>")
		w.line(svgMargin+20, "mono", a.Start+"–"+a.End+"  "+a.Size+"  "+a.Kind+"  "+a.Caller)
		w.b.WriteString("</g>\n")
	}
	w.rect(svgMargin, top, 4, w.y-top, svgPalette["region."+kind], "", "")
	w.y += 6
}

// heap draws glibc's heap: the chunk bar, the chunks, the bins.
func (w *svgw) heap(snap *engine.Snapshot) string {
	v := HeapRows(snap)
	if v.Params != "" {
		w.line(svgMargin, "m", v.Params)
	}
	if v.Message != "" {
		class := "m"
		if v.Error {
			class = "bad"
		}
		w.line(svgMargin, class, v.Message)
	}
	desc := "glibc's heap: "
	if len(v.Chunks) > 0 {
		w.line(svgMargin, "mono", v.Start+" – "+v.End+" · "+v.Span)
		x, top := float64(svgMargin), w.y+2
		for _, c := range v.Chunks {
			cw := c.Pct / 100 * svgInner
			w.rect(x, top, cw, 28, svgPalette["chunk."+c.Class], "#ffffff", c.Title)
			x += cw
		}
		w.y += 36
		seen := map[string]bool{}
		var entries [][3]string
		for _, k := range []string{"inuse", "tcache", "fastbin", "unsorted", "smallbin", "largebin", "top", "fence"} {
			entries = append(entries, [3]string{svgPalette["chunk."+k], k, ""})
		}
		w.legend(entries)
		w.text(svgMargin, w.y+13, "m", "chunk", 10)
		w.text(svgMargin+140, w.y+13, "m", "malloc returned", 20)
		w.text(svgMargin+280, w.y+13, "m", "size", 10)
		w.text(svgMargin+360, w.y+13, "m", "state", 10)
		w.text(svgMargin+450, w.y+13, "m", "bin", 10)
		w.text(svgMargin+640, w.y+13, "m", "flags", 10)
		w.y += svgLine
		counts := map[string]int{}
		for _, c := range v.Chunks {
			counts[c.State]++
		}
		for i, c := range v.Chunks {
			if i == svgMaxChunkRows {
				w.line(svgMargin, "m", "+"+Plural(len(v.Chunks)-svgMaxChunkRows, "more chunk"))
				break
			}
			w.b.WriteString("<g><title>" + esc(c.Title) + "</title>")
			w.text(svgMargin, w.y+13, "mono", c.Addr, 20)
			if c.State != "top" && c.Class != "fence" {
				w.text(svgMargin+140, w.y+13, "mono", c.UserPtr, 20)
			}
			w.text(svgMargin+280, w.y+13, "mono", c.Size, 12)
			w.rect(svgMargin+360, w.y+3, 10, 10, svgPalette["chunk."+c.Class], "", "")
			w.text(svgMargin+375, w.y+13, "", c.State, 12)
			w.text(svgMargin+450, w.y+13, "", c.Bin, 26)
			w.text(svgMargin+640, w.y+13, "mono", c.Flags, 6)
			w.b.WriteString("</g>\n")
			w.y += svgLine
		}
		var parts []string
		for _, c := range v.Chunks {
			if !seen[c.State] {
				seen[c.State] = true
				parts = append(parts, fmtInt(counts[c.State])+" "+c.State)
			}
		}
		desc += Plural(len(v.Chunks), "chunk") + " from " + v.Start + " to " + v.End + " (" + v.Span + "): " + strings.Join(parts, ", ")
	} else {
		desc += v.Message
	}
	if len(v.Bins) > 0 {
		w.subheading("Bins")
		for _, b := range v.Bins {
			w.line(svgMargin, "mono", b.Label+" ("+fmtInt(b.Count)+"): "+strings.Join(b.Chunks, " → "))
		}
		desc += "; " + Plural(len(v.Bins), "non-empty bin")
	}
	if len(v.Mmapped) > 0 {
		w.subheading("mmapped chunks")
		for _, c := range v.Mmapped {
			w.b.WriteString("<g><title>" + esc(c.Title) + "</title>")
			w.line(svgMargin, "mono", c.Addr+"  "+c.UserPtr+"  "+c.Size)
			w.b.WriteString("</g>\n")
		}
		desc += "; " + Plural(len(v.Mmapped), "mmapped chunk")
	}
	return desc + "."
}

// timeline draws the last events, grouped by step, without boot's (as the
// playground shows them until asked).
func (w *svgw) timeline(p Picture) string {
	tl := Timeline(p.Events, 0)
	var groups []StepGroup
	boot := 0
	for _, g := range tl.Groups {
		if g.Label == "boot" {
			for _, it := range g.Items {
				boot += it.Count
			}
			continue
		}
		groups = append(groups, g)
	}
	if boot > 0 {
		w.line(svgMargin, "m", fmtInt(boot)+" boot-time events not shown.")
	}
	if tl.Note != "" {
		w.line(svgMargin, "m", tl.Note+".")
	}
	// The last items, whole groups first.
	items, first := 0, len(groups)
	for first > 0 && items+len(groups[first-1].Items) <= svgMaxTimelineItems {
		first--
		items += len(groups[first].Items)
	}
	if first > 0 {
		w.line(svgMargin, "m", Plural(first, "earlier step group")+" not shown.")
	}
	events := 0
	for _, g := range groups[first:] {
		top := w.y
		if g.Step == p.Step && p.Step > 0 {
			h := float64(len(g.Items)) * svgLine
			w.rect(svgMargin-4, top, svgInner+8, h, svgPalette["--cur"], "", "")
		}
		w.text(svgMargin, w.y+13, "h2", g.Label, 22)
		for _, it := range g.Items {
			events += it.Count
			color := svgPalette["tl-item."+it.Class]
			class := "mono"
			switch it.Class {
			case "warn":
				color, class = svgPalette["--warn"], "mono warn"
			case "bug":
				color, class = svgPalette["--bad"], "mono bad"
			case "":
				color = svgPalette["--line"]
			}
			w.rect(svgMargin+150, w.y+1, 3, svgLine-2, color, "", "")
			w.text(svgMargin+160, w.y+13, class, it.Text, 84)
			w.y += svgLine
		}
		w.y += 3
	}
	if len(groups) == 0 {
		w.line(svgMargin, "m", "No events after boot.")
	}
	return "Timeline: " + Plural(events, "event") + " in " + Plural(len(groups)-first, "step group") + " shown" +
		", the last of the run; every allocation, free, split, merge, fault and kernel message with its step."
}

// console draws the program's output, the kernel log and mmplay's
// explanations, as the playground's console does.
func (w *svgw) console(snap *engine.Snapshot) string {
	var parts []string
	block := func(head, class, text string, lines []string) {
		if text != "" {
			lines = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		}
		if len(lines) == 0 {
			return
		}
		w.subheading(head)
		shown := lines
		if len(shown) > svgMaxLines {
			w.line(svgMargin, "m", "(the first "+Plural(len(lines)-svgMaxLines, "line")+" not shown)")
			shown = shown[len(shown)-svgMaxLines:]
		}
		for _, l := range shown {
			w.line(svgMargin, class, strings.ReplaceAll(l, "\t", "        "))
		}
		parts = append(parts, head+": "+Plural(len(lines), "line"))
	}
	block("Program output", "mono", snap.Stdout, nil)
	block("Standard error", "mono bad", snap.Stderr, nil)
	block("Kernel log (dmesg)", "mono", "", snap.KernelLog)
	var reports []string
	for _, r := range snap.Reports {
		reports = append(reports, strings.Split(strings.TrimSuffix(r, "\n"), "\n")...)
	}
	block("In plain words", "mono", "", reports)
	if len(parts) == 0 {
		w.line(svgMargin, "m", "No output.")
		return "The console: no output."
	}
	desc := "The console: " + strings.Join(parts, "; ") + "."
	if first := firstLine(snap.Stdout); first != "" {
		desc += " The program's output begins: " + cut(first, 200)
	}
	return desc
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
