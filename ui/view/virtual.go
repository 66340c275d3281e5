package view

// The Virtual view: the process's VMAs as rows of bars whose segments are
// runs of pages in one state — present (a frame of its own), zero (the
// shared zero page, mapped read-only until the first write) or none (not
// faulted in yet) — and the kernel's regions: the direct map, the vmalloc
// range with its areas, the kernel image mapping and the module area.
//
// A segment's width is its share of the VMA, but at least MinSegmentPct
// so that one present page in a 64 MiB mapping stays visible; widths
// still sum to 100 (see widths). A VMA whose pages alternate state page
// by page would give one segment per page: past MaxSegments the bar is
// drawn in coarser buckets, "mixed" where a bucket holds several states.

import (
	"strings"

	"mmplay/engine"
	"mmplay/engine/arch"
	"mmplay/engine/kernel"
	"mmplay/engine/mm"
	"mmplay/engine/phys"
)

// Region is one row of the Virtual view: a user VMA or a kernel region.
type Region struct {
	StartAddr, EndAddr uint64 // [StartAddr, EndAddr)
	Start, End         string // as Addr prints them
	Size               string // Bytes(EndAddr-StartAddr)
	Perms              string // "rw-p" (user VMAs; "" for kernel regions)
	Name               string // "[heap]", "[stack]", "/usr/lib/…", "[anon]"; or the kernel region's name
	// Kind classifies the row for its colour: user "file", "heap",
	// "stack", "anon", "special" ([vvar], [vdso]); kernel "direct map",
	// "vmalloc", "kernel image", "modules".
	Kind string
	// Summary counts the pages: "17 present · 16 zero · 16351 not present".
	Summary string
	// Title is the row's hover text.
	Title    string
	Segments []Segment // the bar, left to right; nil when the row has none
	Areas    []Area    // kernel regions: the areas inside, by address
}

// Segment is a run of pages of a VMA in one state.
type Segment struct {
	// State is "present", "zero", "none", or "mixed" (a coarse bucket of a
	// VMA with more than MaxSegments runs).
	State     string
	StartAddr uint64 // first page's address
	Pages     uint64
	// PFN is the first page's frame (State "present").
	PFN uint64
	// Pct is the width in percent of the bar (≥ MinSegmentPct; a row's
	// segments sum to 100); Width is Pct for CSS ("12.500%").
	Pct   float64
	Width string
	// Title: "0x555555559000–0x55555555a000 · 1 page · present → pfn 0x3f2a1".
	Title string
}

// Area is an allocation inside a kernel region (a vmalloc or ioremap
// area, an unpurged range, a module allocation).
type Area struct {
	Addr       uint64
	SizeNum    uint64 // bytes, with the guard page
	Start, End string
	Size       string // with the guard page, as /proc/vmallocinfo counts it
	Kind       string // "vmalloc", "ioremap", "unpurged", "module"
	Caller     string
	Frames     int // frames behind it (vmalloc, module)
	Title      string
}

// Bar geometry.
const (
	MinSegmentPct = 0.5
	MaxSegments   = 256
)

// vmaName is the name the view prints: maps' name, or "[anon]".
func vmaName(name string) string {
	if name == "" {
		return "[anon]"
	}
	return name
}

func vmaKind(name string) string {
	switch {
	case strings.HasPrefix(name, "/"):
		return "file"
	case name == "[heap]":
		return "heap"
	case name == "[stack]":
		return "stack"
	case name == "":
		return "anon"
	}
	return "special"
}

// UserRegions lists the process's VMAs, one row each, in address order.
func UserRegions(p mm.Snapshot) []Region {
	out := make([]Region, 0, len(p.VMAs))
	for _, v := range p.VMAs {
		r := Region{StartAddr: v.Start, EndAddr: v.End, Start: Addr(v.Start), End: Addr(v.End),
			Size: Bytes(v.End - v.Start), Perms: v.Perms, Name: vmaName(v.Name), Kind: vmaKind(v.Name)}
		var present, zero, none uint64
		for _, pr := range v.Pages {
			switch pr.State {
			case "present":
				present += pr.Count
			case "zero":
				zero += pr.Count
			default:
				none += pr.Count
			}
		}
		r.Summary = pageSummary(present, zero, none)
		r.Title = Range(v.Start, v.End) + " · " + r.Size + " · " + v.Perms + " · " + r.Name + " · " + r.Summary
		r.Segments = segments(v.Pages)
		out = append(out, r)
	}
	return out
}

func pageSummary(present, zero, none uint64) string {
	var parts []string
	if present > 0 {
		parts = append(parts, fmtUint(present)+" present")
	}
	if zero > 0 {
		parts = append(parts, fmtUint(zero)+" zero")
	}
	if none > 0 {
		parts = append(parts, fmtUint(none)+" not present")
	}
	return strings.Join(parts, " · ")
}

// segment is a run being built: pages in one state, with its frames'
// contiguity for present runs and the mixture for coarse buckets.
type segment struct {
	state      string
	start      uint64
	pages      uint64
	pfn        uint64
	contiguous bool
	counts     [3]uint64 // present, zero, none (for "mixed")
}

func stateIndex(s string) int {
	switch s {
	case "present":
		return 0
	case "zero":
		return 1
	}
	return 2
}

// segments turns a VMA's page runs into bar segments.
func segments(runs []mm.PageRun) []Segment {
	var segs []segment
	for _, pr := range runs {
		if pr.Count == 0 {
			continue
		}
		st := pr.State
		if st != "present" && st != "zero" {
			st = "none"
		}
		if k := len(segs) - 1; k >= 0 && segs[k].state == st {
			s := &segs[k]
			if st == "present" && s.pfn+s.pages != pr.PFN {
				s.contiguous = false
			}
			s.pages += pr.Count
			s.counts[stateIndex(st)] += pr.Count
			continue
		}
		s := segment{state: st, start: pr.Start, pages: pr.Count, pfn: pr.PFN, contiguous: true}
		s.counts[stateIndex(st)] = pr.Count
		segs = append(segs, s)
	}
	if len(segs) > MaxSegments {
		segs = coarsen(segs, MaxSegments)
	}
	sizes := make([]uint64, len(segs))
	for i, s := range segs {
		sizes[i] = s.pages
	}
	pct := widths(sizes, MinSegmentPct)
	out := make([]Segment, len(segs))
	for i, s := range segs {
		out[i] = Segment{State: s.state, StartAddr: s.start, Pages: s.pages, Pct: pct[i], Width: Percent(pct[i]),
			Title: Range(s.start, s.start+s.pages<<arch.PageShift) + " · " + Plural(s.pages, "page") + " · " + s.describe()}
		if s.state == "present" {
			out[i].PFN = s.pfn
		}
	}
	return out
}

func (s *segment) describe() string {
	switch s.state {
	case "present":
		switch {
		case s.pages == 1:
			return "present → pfn " + Hex(s.pfn)
		case s.contiguous:
			return "present → pfn " + Hex(s.pfn) + "–" + Hex(s.pfn+s.pages-1)
		}
		return "present → pfn " + Hex(s.pfn) + ", … (frames not contiguous)"
	case "zero":
		return "the shared zero page (read-only until written)"
	case "mixed":
		return "mixed: " + pageSummary(s.counts[0], s.counts[1], s.counts[2])
	}
	return "not present (no frame until touched)"
}

// coarsen groups consecutive segments into about n buckets of similar page
// counts; a bucket of one state keeps it, others are "mixed".
func coarsen(segs []segment, n int) []segment {
	var total uint64
	for _, s := range segs {
		total += s.pages
	}
	bucket := (total + uint64(n) - 1) / uint64(n)
	var out []segment
	for i := 0; i < len(segs); {
		b := segs[i]
		i++
		for i < len(segs) && b.pages < bucket {
			s := segs[i]
			if s.state != b.state {
				b.state = "mixed"
			}
			if b.state == "present" && b.pfn+b.pages != s.pfn {
				b.contiguous = false
			}
			b.pages += s.pages
			for k := range b.counts {
				b.counts[k] += s.counts[k]
			}
			i++
		}
		out = append(out, b)
	}
	return out
}

// widths gives each size its percentage of the sum, but at least minPct
// for every non-zero size, taking the difference from the larger ones in
// proportion; the non-zero widths sum to 100 (the last absorbs rounding).
// When minPct cannot be given to all (n·minPct ≥ 100) they share equally.
// Zero sizes get width 0.
func widths(sizes []uint64, minPct float64) []float64 {
	out := make([]float64, len(sizes))
	k, last := 0, -1
	for i, s := range sizes {
		if s > 0 {
			k, last = k+1, i
		}
	}
	if k == 0 {
		return out
	}
	if float64(k)*minPct >= 100 {
		for i, s := range sizes {
			if s > 0 {
				out[i] = 100 / float64(k)
			}
		}
		return out
	}
	fixed := make([]bool, len(sizes))
	for {
		var nfixed int
		var free float64
		for i, s := range sizes {
			if s == 0 {
				continue
			}
			if fixed[i] {
				nfixed++
			} else {
				free += float64(s)
			}
		}
		share := 100 - float64(nfixed)*minPct
		changed := false
		for i, s := range sizes {
			if s == 0 || fixed[i] {
				continue
			}
			w := share * float64(s) / free
			if w < minPct {
				fixed[i], changed = true, true
			}
			out[i] = w
		}
		if !changed {
			break
		}
	}
	var sum float64
	for i, s := range sizes {
		if s > 0 && fixed[i] {
			out[i] = minPct
		}
		if i != last {
			sum += out[i]
		}
	}
	out[last] = 100 - sum
	return out
}

// PageFrame says what backs the user page holding vaddr: its frame and
// "present", "zero" (the shared zero page; pfn 0 here, ZeroPagePFN finds
// it in the frames) or "none". ok is false when no VMA holds vaddr.
func PageFrame(p mm.Snapshot, vaddr uint64) (pfn uint64, state string, ok bool) {
	page := vaddr &^ arch.PageMask
	for _, v := range p.VMAs {
		if vaddr < v.Start || vaddr >= v.End {
			continue
		}
		for _, pr := range v.Pages {
			if page >= pr.Start && (page-pr.Start)>>arch.PageShift < pr.Count {
				if pr.State == "present" {
					return pr.PFN + (page-pr.Start)>>arch.PageShift, "present", true
				}
				if pr.State == "zero" {
					return 0, "zero", true
				}
				return 0, "none", true
			}
		}
		return 0, "none", true
	}
	return 0, "", false
}

// ZeroPagePFN finds the shared zero page among a snapshot's frames (its
// frame map when built, else its runs of frames).
func ZeroPagePFN(snap *engine.Snapshot) (uint64, bool) {
	if snap == nil {
		return 0, false
	}
	if fm := snap.FrameMap; fm != nil {
		for pfn, s := range fm.State {
			if s.Owner() == phys.OwnerZeroPage {
				return uint64(pfn), true
			}
		}
		return 0, false
	}
	for _, r := range snap.Frames {
		if r.Owner == "zero page" {
			return r.PFN, true
		}
	}
	return 0, false
}

// directMap is the direct map's pages: the frames, the hole's, the
// kernel image's (with the zero page in its bss), and runs of present
// (RAM) and not present (hole) pages, from the snapshot's frame runs or,
// lacking them, its frame map.
func directMap(snap *engine.Snapshot) (frames, hole, kernelImage uint64, segs []mm.PageRun) {
	add := func(pfn, count uint64, isHole bool) {
		st := "present"
		if isHole {
			hole += count
			st = "none"
		}
		if k := len(segs) - 1; k >= 0 && segs[k].State == st {
			segs[k].Count += count
			return
		}
		segs = append(segs, mm.PageRun{Start: kernel.PageOffset + pfn<<arch.PageShift, Count: count, State: st, PFN: pfn})
	}
	if fm := snap.FrameMap; fm != nil && (!snap.Has(engine.PartFrames) || len(snap.Frames) == 0) {
		st := fm.State
		for pfn := 0; pfn < len(st); {
			isHole := st[pfn].Owner() == phys.OwnerHole
			end := pfn
			for ; end < len(st) && (st[end].Owner() == phys.OwnerHole) == isHole; end++ {
				if o := st[end].Owner(); o == phys.OwnerKernelImage || o == phys.OwnerZeroPage {
					kernelImage++
				}
			}
			add(uint64(pfn), uint64(end-pfn), isHole)
			pfn = end
		}
		return fm.Len(), hole, kernelImage, segs
	}
	for _, r := range snap.Frames {
		add(r.PFN, r.Count, r.Owner == "hole")
		if r.Owner == "kernel" || r.Owner == "zero page" {
			kernelImage += r.Count
		}
	}
	return FramesOf(snap.Frames), hole, kernelImage, segs
}

// KernelRegions lists the kernel's part of the address space (x86-64 with
// 4-level paging, Documentation/x86/x86_64/mm.rst): the direct map of all
// RAM at PAGE_OFFSET, the vmalloc range with every area, the kernel image
// mapping, and the module area when a module is loaded. The snapshot does
// not list module allocations, so they are replayed from events (those of
// steps up to snap.Step; nil events: no module row). A nil snapshot gives
// nil.
func KernelRegions(snap *engine.Snapshot, events []engine.Event) []Region {
	if snap == nil {
		return nil
	}
	var out []Region
	// 1. The direct map: every frame, RAM or hole, at PAGE_OFFSET + phys.
	frames, hole, kernelImage, segs := directMap(snap)
	var ram uint64
	ram = frames - hole
	dm := kernelRegion("direct map", "direct map", kernel.PageOffset, kernel.PageOffset+frames<<arch.PageShift)
	dm.Size = Bytes(ram << arch.PageShift)
	dm.Summary = "all " + Bytes(ram<<arch.PageShift) + " of RAM at PAGE_OFFSET + phys (__va, __pa)"
	if hole > 0 {
		dm.Summary += " · " + Bytes(hole<<arch.PageShift) + " hole"
	}
	dm.Title = dm.Start + "–" + dm.End + " · " + dm.Summary
	if frames > 0 {
		dm.Segments = segments(segs)
		for i := range dm.Segments {
			s := &dm.Segments[i]
			if s.State == "none" {
				s.Title = Range(s.StartAddr, s.StartAddr+s.Pages<<arch.PageShift) + " · " + Bytes(s.Pages<<arch.PageShift) + " · the PCI hole: no RAM"
			} else {
				s.Title = Range(s.StartAddr, s.StartAddr+s.Pages<<arch.PageShift) + " · " + Bytes(s.Pages<<arch.PageShift) +
					" of RAM · phys " + Hex(s.PFN<<arch.PageShift) + "–" + Hex((s.PFN+s.Pages)<<arch.PageShift)
			}
		}
	}
	out = append(out, dm)

	// 2. The vmalloc range.
	vm := kernelRegion("vmalloc", "vmalloc", kernel.VmallocStart, kernel.VmallocEnd+1)
	var used uint64
	for _, a := range snap.Vmalloc {
		ar := Area{Addr: a.Addr, SizeNum: a.Size, Start: Addr(a.Addr), End: Addr(a.End), Size: Bytes(a.Size), Kind: a.Kind,
			Caller: a.Caller, Frames: len(a.Pages)}
		t := []string{Range(a.Addr, a.End), a.Kind, ar.Size}
		switch a.Kind {
		case "vmalloc":
			t = append(t, Bytes(a.Req)+" asked", Plural(len(a.Pages), "frame")+" + guard page")
		case "ioremap":
			t = append(t, "phys "+Hex(a.Phys)+"–"+Hex(a.Phys+a.Req), "+ guard page")
		case "unpurged":
			t = append(t, "freed, not yet purged from the kernel's TLBs (lazy vunmap)")
		}
		if a.Caller != "" {
			t = append(t, a.Caller)
		}
		ar.Title = strings.Join(t, " · ")
		if a.Kind != "unpurged" {
			used += a.Size
		}
		vm.Areas = append(vm.Areas, ar)
	}
	vm.Summary = Plural(len(vm.Areas), "area") + " · " + Bytes(used) + " in use"
	vm.Title = vm.Start + "–" + vm.End + " · " + vm.Size + " · vmalloc and ioremap areas · " + vm.Summary
	out = append(out, vm)

	// 3. The kernel image mapping at __START_KERNEL_map.
	ki := kernelRegion("kernel image", "kernel image", kernel.StartKernel, kernel.ModulesVaddr)
	ki.Summary = "the kernel image: " + Bytes(kernelImage<<arch.PageShift) + " mapped here"
	ki.Title = ki.Start + "–" + ki.End + " · " + ki.Summary
	out = append(out, ki)

	// 4. The module area, replayed from module_alloc/module_memfree events.
	if mods := moduleAreas(snap.Step, events); len(mods) > 0 {
		mr := kernelRegion("modules", "modules", kernel.ModulesVaddr, kernel.ModulesEnd)
		var n uint64
		for _, m := range mods {
			n += m.size
			ar := Area{Addr: m.addr, SizeNum: m.size + arch.PageSize, Start: Addr(m.addr), End: Addr(m.addr + m.size + arch.PageSize),
				Size: Bytes(m.size + arch.PageSize), Kind: "module", Frames: int(m.size >> arch.PageShift)}
			ar.Title = Range(m.addr, m.addr+m.size) + " · module_alloc · " + Plural(ar.Frames, "frame") + " + guard page"
			mr.Areas = append(mr.Areas, ar)
		}
		mr.Summary = Plural(len(mods), "allocation") + " · " + Bytes(n) + " of module code and data"
		mr.Title = mr.Start + "–" + mr.End + " · " + mr.Summary
		out = append(out, mr)
	}
	return out
}

func kernelRegion(name, kind string, start, end uint64) Region {
	return Region{StartAddr: start, EndAddr: end, Start: Addr(start), End: Addr(end), Size: Bytes(end - start),
		Name: name, Kind: kind}
}

type moduleArea struct{ addr, size uint64 }

// moduleAreas replays the module area's allocations up to step.
func moduleAreas(step uint64, events []engine.Event) []moduleArea {
	var live []moduleArea
	for _, e := range events {
		if e.Step > step || e.Source != "kernel" {
			continue
		}
		switch {
		case e.Kind == arch.EvMap && e.Detail == "module_alloc":
			live = append(live, moduleArea{e.Addr, e.Size})
		case e.Kind == arch.EvUnmap && e.Detail == "module_memfree":
			for i, m := range live {
				if m.addr == e.Addr {
					live = append(live[:i], live[i+1:]...)
					break
				}
			}
		}
	}
	return live
}
