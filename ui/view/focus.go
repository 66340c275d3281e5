package view

// The focus: the object under the pointer (or pinned by a click) in one
// view, highlighted in every view. An object is given by the frames it
// occupies (a buddy block, a frame of the Physical view) or by the
// addresses it covers (a heap chunk, a run of pages of a VMA, a vmalloc
// area); Related finds the other half, so that each view can test the
// kind it draws:
//
//   - addresses → frames: user pages through the process's page runs
//     (a page of the shared zero page gives that frame), the direct map
//     by arithmetic (PAGE_OFFSET + pfn·4096), vmalloc areas through their
//     pages;
//   - frames → addresses: the user pages mapping them, their direct-map
//     addresses (every frame has one: a slab page's objects live there),
//     and the vmalloc pages backed by them.

import (
	"sort"

	"mmplay/engine"
	"mmplay/engine/arch"
	"mmplay/engine/kernel"
)

// AddrRange is the addresses [Addr, Addr+Size).
type AddrRange struct {
	Addr, Size uint64
}

// Overlaps reports whether r and [addr, addr+size) share an address (a
// size of 0 counts as 1).
func (r AddrRange) Overlaps(addr, size uint64) bool {
	size = max(size, 1)
	return r.Size > 0 && addr < r.Addr+r.Size && r.Addr < addr+size
}

// Overlaps reports whether r and frames [pfn, pfn+n) share a frame.
func (r PFNRange) Overlaps(pfn, n uint64) bool {
	return r.Count > 0 && n > 0 && pfn < r.PFN+r.Count && r.PFN < pfn+n
}

// Focus is an object's frames and addresses, each list sorted and merged.
type Focus struct {
	Frames []PFNRange
	Addrs  []AddrRange
}

// HasFrames reports whether the focus holds a frame of [pfn, pfn+n).
func (f *Focus) HasFrames(pfn, n uint64) bool {
	for _, r := range f.Frames {
		if r.Overlaps(pfn, n) {
			return true
		}
	}
	return false
}

// HasAddrs reports whether the focus holds an address of [addr, addr+size).
func (f *Focus) HasAddrs(addr, size uint64) bool {
	for _, r := range f.Addrs {
		if r.Overlaps(addr, size) {
			return true
		}
	}
	return false
}

// Empty reports whether the focus holds nothing.
func (f *Focus) Empty() bool { return len(f.Frames) == 0 && len(f.Addrs) == 0 }

// Related is the focus of an object given by frames and/or addresses, with
// the other half found in snap (which needs its Process and Vmalloc parts;
// the FrameMap, or the Frames runs, for the zero page and the size of the
// direct map). A nil snapshot relates nothing.
func Related(snap *engine.Snapshot, frames []PFNRange, addrs []AddrRange) Focus {
	f := Focus{Frames: append([]PFNRange(nil), frames...), Addrs: append([]AddrRange(nil), addrs...)}
	if snap == nil {
		return normalize(f)
	}
	total := frameCount(snap)
	for _, a := range addrs {
		f.Frames = append(f.Frames, framesOfAddrs(snap, a, total)...)
	}
	for _, r := range frames {
		f.Addrs = append(f.Addrs, addrsOfFrames(snap, r)...)
	}
	return normalize(f)
}

// frameCount is the number of frames of the machine.
func frameCount(snap *engine.Snapshot) uint64 {
	if snap.FrameMap != nil {
		return snap.FrameMap.Len()
	}
	return FramesOf(snap.Frames)
}

// framesOfAddrs is the frames behind the addresses of a.
func framesOfAddrs(snap *engine.Snapshot, a AddrRange, total uint64) []PFNRange {
	var out []PFNRange
	end := a.Addr + max(a.Size, 1)
	var zero uint64 // the zero page's frame, looked up at the first zero page
	var zeroOK, zeroLooked bool
	// User pages.
	for _, v := range snap.Process.VMAs {
		if v.End <= a.Addr || v.Start >= end {
			continue
		}
		for _, pr := range v.Pages {
			prEnd := pr.Start + pr.Count<<arch.PageShift
			if prEnd <= a.Addr || pr.Start >= end {
				continue
			}
			switch pr.State {
			case "present":
				first := (max(a.Addr, pr.Start) - pr.Start) >> arch.PageShift
				last := (min(end, prEnd) - 1 - pr.Start) >> arch.PageShift
				out = append(out, PFNRange{PFN: pr.PFN + first, Count: last - first + 1})
			case "zero":
				if !zeroLooked {
					zero, zeroOK = ZeroPagePFN(snap)
					zeroLooked = true
				}
				if zeroOK {
					out = append(out, PFNRange{PFN: zero, Count: 1})
				}
			}
		}
	}
	// The direct map.
	if dmEnd := kernel.PfnToVirt(total); a.Addr < dmEnd && end > kernel.PageOffset {
		first := (max(a.Addr, kernel.PageOffset) - kernel.PageOffset) >> arch.PageShift
		last := (min(end, dmEnd) - 1 - kernel.PageOffset) >> arch.PageShift
		out = append(out, PFNRange{PFN: first, Count: last - first + 1})
	}
	// vmalloc areas.
	for _, ar := range snap.Vmalloc {
		for i, p := range ar.Pages {
			va := ar.Addr + uint64(i)<<arch.PageShift
			if va < end && a.Addr < va+arch.PageSize {
				out = append(out, PFNRange{PFN: p, Count: 1})
			}
		}
	}
	return out
}

// addrsOfFrames is the addresses that map the frames of r.
func addrsOfFrames(snap *engine.Snapshot, r PFNRange) []AddrRange {
	if r.Count == 0 {
		return nil
	}
	var out []AddrRange
	for _, v := range snap.Process.VMAs {
		for _, pr := range v.Pages {
			if pr.State != "present" || !r.Overlaps(pr.PFN, pr.Count) {
				continue
			}
			first := max(r.PFN, pr.PFN) - pr.PFN
			last := min(r.PFN+r.Count, pr.PFN+pr.Count) - pr.PFN
			out = append(out, AddrRange{Addr: pr.Start + first<<arch.PageShift, Size: (last - first) << arch.PageShift})
		}
	}
	out = append(out, AddrRange{Addr: kernel.PfnToVirt(r.PFN), Size: r.Count << arch.PageShift})
	for _, ar := range snap.Vmalloc {
		for i, p := range ar.Pages {
			if r.Overlaps(p, 1) {
				out = append(out, AddrRange{Addr: ar.Addr + uint64(i)<<arch.PageShift, Size: arch.PageSize})
			}
		}
	}
	return out
}

// normalize sorts and merges both lists (overlapping or touching ranges
// become one).
func normalize(f Focus) Focus {
	sort.Slice(f.Frames, func(i, j int) bool { return f.Frames[i].PFN < f.Frames[j].PFN })
	var fr []PFNRange
	for _, r := range f.Frames {
		if r.Count == 0 {
			continue
		}
		if n := len(fr) - 1; n >= 0 && r.PFN <= fr[n].PFN+fr[n].Count {
			fr[n].Count = max(fr[n].PFN+fr[n].Count, r.PFN+r.Count) - fr[n].PFN
			continue
		}
		fr = append(fr, r)
	}
	sort.Slice(f.Addrs, func(i, j int) bool { return f.Addrs[i].Addr < f.Addrs[j].Addr })
	var ad []AddrRange
	for _, a := range f.Addrs {
		if a.Size == 0 {
			a.Size = 1
		}
		if n := len(ad) - 1; n >= 0 && a.Addr <= ad[n].Addr+ad[n].Size {
			ad[n].Size = max(ad[n].Addr+ad[n].Size, a.Addr+a.Size) - ad[n].Addr
			continue
		}
		ad = append(ad, a)
	}
	return Focus{Frames: fr, Addrs: ad}
}
