package vmalloc

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/pgtable"
	"mmplay/engine/phys"
)

// WhereKind says what lies at a vmalloc-range address.
type WhereKind uint8

const (
	Nothing  WhereKind = iota // no area: an access faults (Oops)
	InArea                    // a mapped page of an area
	InGuard                   // the guard page after an area: an access faults
	Unpurged                  // a freed area not yet purged: an access faults
)

func (k WhereKind) String() string {
	return [...]string{"nothing", "area", "guard page", "freed area"}[k]
}

// Where is the answer of Lookup.
type Where struct {
	Kind WhereKind
	// Area is the area (InArea, InGuard); Offset is addr − Area.Addr.
	Area   AreaSnapshot
	Offset uint64
}

// Lookup says what is at a kernel virtual address, so that the kernel layer
// can explain a fault: an access to InGuard means the program ran off the
// end of its area (the real kernel Oopses with "BUG: unable to handle page
// fault for address").
func (a *Allocator) Lookup(addr uint64) Where {
	if _, ar := a.find(addr); ar != nil {
		w := Where{Kind: InArea, Area: ar.snapshot(), Offset: addr - ar.addr}
		if addr >= ar.end()-GuardSize {
			w.Kind = InGuard
		}
		return w
	}
	for _, s := range a.purge {
		if addr >= s.start && addr < s.end {
			return Where{Kind: Unpurged, Area: AreaSnapshot{Addr: s.start, End: s.end, Size: s.end - s.start, Kind: "unpurged"}, Offset: addr - s.start}
		}
	}
	return Where{}
}

// AreaSnapshot is one area for the views.
type AreaSnapshot struct {
	Addr uint64 `json:"addr"`
	End  uint64 `json:"end"`  // Addr + Size
	Size uint64 `json:"size"` // with the guard page, as vmallocinfo shows it
	Req  uint64 `json:"req"`  // what the caller asked for
	// Kind: "vmalloc", "ioremap" or "unpurged".
	Kind   string   `json:"kind"`
	Caller string   `json:"caller"`
	Pages  []uint64 `json:"pages"` // pfns, in address order (vmalloc)
	Phys   uint64   `json:"phys"`  // ioremap: physical start
	VPages bool     `json:"vpages"`
}

func (ar *area) snapshot() AreaSnapshot {
	s := AreaSnapshot{Addr: ar.addr, End: ar.end(), Size: ar.size, Req: ar.req, Caller: ar.caller,
		Pages: append([]uint64(nil), ar.pages...), VPages: ar.vpages, Kind: "vmalloc"}
	if ar.flags&VM_IOREMAP != 0 {
		s.Kind, s.Phys = "ioremap", ar.phys
	}
	return s
}

// Snapshot returns the areas by address, then the unpurged ranges.
func (a *Allocator) Snapshot() []AreaSnapshot {
	out := make([]AreaSnapshot, 0, len(a.areas)+len(a.purge))
	for _, ar := range a.areas {
		out = append(out, ar.snapshot())
	}
	for _, s := range a.purge {
		out = append(out, AreaSnapshot{Addr: s.start, End: s.end, Size: s.end - s.start, Kind: "unpurged"})
	}
	return out
}

// CheckInvariants recounts the state: areas sorted, disjoint, page aligned,
// inside the range and clear of the unpurged ranges; every page of a
// vmalloc area a vmalloc-owned order-0 frame mapped at its place; guard
// pages unmapped; VmallocUsed and the lazy count recounted; the kernel
// page tables well formed.
func (a *Allocator) CheckInvariants() error {
	type rng struct{ s, e uint64 }
	var all []rng
	var pages uint64
	seen := map[uint64]bool{}
	for i, ar := range a.areas {
		if ar.addr&arch.PageMask != 0 || ar.size&arch.PageMask != 0 || ar.size < 2*arch.PageSize ||
			ar.addr < VmallocStart || ar.end()-1 > VmallocEnd {
			return fmt.Errorf("vmalloc: bad area %#x+%#x", ar.addr, ar.size)
		}
		if i > 0 && a.areas[i-1].end() > ar.addr {
			return fmt.Errorf("vmalloc: areas %#x and %#x overlap or are unsorted", a.areas[i-1].addr, ar.addr)
		}
		all = append(all, rng{ar.addr, ar.end()})
		mapped := (ar.size - GuardSize) >> arch.PageShift
		for k := uint64(0); k < mapped; k++ {
			pte := a.tables.Lookup(ar.addr + k*arch.PageSize)
			var want pgtable.PTE
			if ar.flags&VM_ALLOC != 0 {
				if uint64(len(ar.pages)) != mapped {
					return fmt.Errorf("vmalloc: area %#x has %d pages for %d page slots", ar.addr, len(ar.pages), mapped)
				}
				pfn := ar.pages[k]
				f := a.mem.Frame(pfn)
				if f.Owner != phys.OwnerVmalloc || f.Order != 0 || f.Flags&phys.FlagHead == 0 || seen[pfn] {
					return fmt.Errorf("vmalloc: area %#x page %d: pfn %#x is %v (or used twice)", ar.addr, k, pfn, f.Owner)
				}
				seen[pfn] = true
				want = pgtable.Make(pfn, pageKernel)
			} else {
				want = pgtable.Make(ar.phys>>arch.PageShift+k, pageKernelIO)
			}
			if pte != want {
				return fmt.Errorf("vmalloc: area %#x page %d: pte %v, want %v", ar.addr, k, pte, want)
			}
		}
		if pte := a.tables.Lookup(ar.end() - GuardSize); pte != 0 {
			return fmt.Errorf("vmalloc: guard page of %#x is mapped: %v", ar.addr, pte)
		}
		pages += uint64(len(ar.pages))
	}
	var lazy uint64
	for i, s := range a.purge {
		if s.start >= s.end || (i > 0 && a.purge[i-1].end >= s.start) {
			return fmt.Errorf("vmalloc: unpurged ranges unsorted or unmerged at %#x", s.start)
		}
		lazy += (s.end - s.start) >> arch.PageShift
		for _, r := range all {
			if r.s < s.end && s.start < r.e {
				return fmt.Errorf("vmalloc: area %#x overlaps unpurged range %#x", r.s, s.start)
			}
		}
	}
	if lazy != a.lazyNr || lazy > lazyMaxPages {
		return fmt.Errorf("vmalloc: vmap_lazy_nr %d, counted %d", a.lazyNr, lazy)
	}
	for _, pfn := range a.leaked {
		if a.mem.Frame(pfn).Owner != phys.OwnerVmalloc || seen[pfn] {
			return fmt.Errorf("vmalloc: leaked pfn %#x is %v", pfn, a.mem.Frame(pfn).Owner)
		}
		seen[pfn] = true
	}
	if pages+uint64(len(a.leaked)) != a.nrPages {
		return fmt.Errorf("vmalloc: vmalloc_nr_pages %d, counted %d", a.nrPages, pages+uint64(len(a.leaked)))
	}
	return a.tables.CheckInvariants()
}
