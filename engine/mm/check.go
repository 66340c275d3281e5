package mm

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/pgtable"
	"mmplay/engine/phys"
)

// AccountedPages returns the pages this address space has charged to the
// overcommit accounting (its VM_ACCOUNT VMAs).
func (as *AddressSpace) AccountedPages() uint64 {
	var n uint64
	for i := range as.vmas {
		if as.vmas[i].Flags&VM_ACCOUNT != 0 {
			n += as.vmas[i].Pages()
		}
	}
	return n
}

// CheckInvariants verifies the VMA set and recounts the rss counters from
// the page tables; it checks every PTE against its VMA and frame, and every
// TLB entry against the page tables.
func (as *AddressSpace) CheckInvariants() error {
	for i := range as.vmas {
		v := &as.vmas[i]
		if v.Start >= v.End || v.Start&arch.PageMask != 0 || v.End&arch.PageMask != 0 || v.End > arch.TaskSize {
			return fmt.Errorf("vma %d [%#x, %#x): bad bounds", i, v.Start, v.End)
		}
		if i > 0 {
			p := &as.vmas[i-1]
			if p.End > v.Start {
				return fmt.Errorf("vmas [%#x, %#x) and [%#x, %#x) overlap or are unsorted", p.Start, p.End, v.Start, v.End)
			}
			if mergeable(p, v) {
				return fmt.Errorf("vmas [%#x, %#x) and [%#x, %#x) should have merged", p.Start, p.End, v.Start, v.End)
			}
		}
	}
	if as.brkSet && (as.brk < as.startBrk) {
		return fmt.Errorf("brk %#x below start_brk %#x", as.brk, as.startBrk)
	}
	var anon, file, shmem uint64
	var bad error
	zero := as.mem.ZeroPFN()
	as.pt.Range(0, 1<<47, func(va uint64, pte pgtable.PTE) bool {
		v := as.vmaAt(va)
		switch {
		case v == nil:
			bad = fmt.Errorf("pte at %#x outside every vma: %v", va, pte)
		case !pte.Present():
			bad = fmt.Errorf("pte at %#x not present but not none: %v", va, pte)
		case pte.Writable() && v.Prot&PROT_WRITE == 0:
			bad = fmt.Errorf("pte at %#x writable in a %s vma", va, perms(v))
		case pte&pgtable.Special != 0:
			if pte.PFN() != zero || pte.Writable() {
				bad = fmt.Errorf("special pte at %#x: %v", va, pte)
			}
		default:
			f := as.mem.Frame(pte.PFN())
			want := phys.OwnerUserAnon
			if pte&pteFile != 0 {
				want = phys.OwnerUserFile
				file++
			} else if v.Flags&VM_SHARED != 0 {
				shmem++
			} else {
				anon++
			}
			if f.Owner != want || f.Mapcount != 1 || f.Refcount != 1 {
				bad = fmt.Errorf("pte at %#x maps pfn %#x: owner %s mapcount %d refcount %d", va, pte.PFN(), f.Owner, f.Mapcount, f.Refcount)
			}
		}
		return bad == nil
	})
	if bad != nil {
		return bad
	}
	if anon != as.rssAnon || file != as.rssFile || shmem != as.rssShmem {
		return fmt.Errorf("rss anon/file/shmem cached %d/%d/%d, counted %d/%d/%d", as.rssAnon, as.rssFile, as.rssShmem, anon, file, shmem)
	}
	for _, tlb := range [2]*[tlbSize]tlbEntry{&as.tlbR, &as.tlbW} {
		for i := range tlb {
			e := &tlb[i]
			if e.tag == 0 {
				continue
			}
			va := (e.tag - 1) << arch.PageShift
			pte := as.pt.Lookup(va)
			if !pte.Present() || pte.PFN() != e.pfn || e.slot != as.mem.ContentSlot(e.pfn) {
				return fmt.Errorf("stale tlb entry for %#x: pfn %#x, pte %v", va, e.pfn, pte)
			}
			if tlb == &as.tlbW && !pte.Writable() {
				return fmt.Errorf("write tlb entry for read-only %#x", va)
			}
		}
	}
	return as.pt.CheckInvariants()
}
