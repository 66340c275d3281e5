package buddy

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// BadPage is one frame that free_pages_prepare refused.
type BadPage struct {
	PFN    uint64
	Reason string // page_bad_reason: "nonzero mapcount", "nonzero _refcount", ...
}

// BadPageError is the failure of FreePages: the block was not freed.
type BadPageError struct {
	PFN   uint64
	Order int
	Pages []BadPage
}

func (e *BadPageError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "free of pfn %#x order %d refused:", e.PFN, e.Order)
	for _, p := range e.Pages {
		fmt.Fprintf(&b, " pfn:%05x (%s)", p.PFN, p.Reason)
	}
	return b.String()
}

// FreePages frees the 2^order frames at pfn (free steps of the package
// comment), like __free_pages on a non-compound block: it does not know
// the order the block was allocated with. A frame that is free, reserved,
// still mapped or (other than the first) still referenced makes it refuse,
// as free_pages_prepare's bad_page does; then nothing changes. Orders 0–3
// and pageblock_order go to the per-CPU lists once SetupPCP has run.
func (a *Allocator) FreePages(pfn uint64, order int) error {
	if order < 0 || order >= a.maxOrder || pfn&(1<<order-1) != 0 || pfn+1<<order > uint64(len(a.frames)) {
		return &BadPageError{PFN: pfn, Order: order, Pages: []BadPage{{PFN: pfn, Reason: "not a block of this order"}}}
	}
	var bad []BadPage
	zid := a.frames[pfn].Zone
	for i := uint64(0); i < 1<<order; i++ {
		f := &a.frames[pfn+i]
		reason := ""
		switch {
		case f.Owner == phys.OwnerFree:
			reason = "nonzero mapcount" // PageBuddy lives in _mapcount
		case f.Flags&phys.FlagReserved != 0:
			reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set"
		case f.Mapcount != 0:
			reason = "nonzero mapcount"
		case i == 0 && f.Refcount != 1, i > 0 && f.Refcount != 0:
			reason = "nonzero _refcount"
		case f.Zone != zid:
			reason = "zone boundary"
		}
		if reason != "" {
			bad = append(bad, BadPage{PFN: pfn + i, Reason: reason})
		}
	}
	if bad != nil {
		return &BadPageError{PFN: pfn, Order: order, Pages: bad}
	}
	a.record(arch.EvFree, pfn, order, "")
	z := &a.zones[zid]
	a.markFree(pfn, order)
	if pcpAllowedOrder(order) && z.PCP.High > 0 && !a.legacy {
		a.freeUnrefPage(z, pfn, order)
		return nil
	}
	a.freeOne(pfn, order, a.pageblockType(pfn), false)
	return nil
}

func (a *Allocator) markFree(pfn uint64, order int) {
	fs := a.frames[pfn : pfn+1<<order]
	for i := range fs {
		fs[i].Owner, fs[i].Refcount, fs[i].Flags, fs[i].Order = phys.OwnerFree, 0, 0, 0
	}
}

// freeOne is __free_one_page: merge with free buddies of the same order
// (across a pageblock boundary only between mergeable types), then insert
// at the head of free_area[order].free_list[mt], or at the tail for
// FPI_TO_TAIL or when the buddy one order up is free too
// (buddy_merge_likely).
func (a *Allocator) freeOne(pfn uint64, order int, mt MigrateType, toTail bool) {
	id := a.frames[pfn].Zone
	z := &a.zones[id]
	if a.booting {
		a.markFree(pfn, order)
	}
	var buddy uint64
	for order < a.maxOrder-1 {
		buddy = pfn ^ (1 << order)
		if !a.isBuddy(buddy, order, id) {
			break
		}
		if order >= PageblockOrder {
			if bmt := a.pageblockType(buddy); mt != bmt && (!mt.mergeable() || !bmt.mergeable()) {
				break
			}
		}
		a.listDel(z, buddy, order)
		pfn &= buddy
		order++
		a.record(arch.EvMerge, pfn, order, "")
	}
	if !toTail && order < a.maxOrder-2 {
		// buddy_merge_likely: is the buddy of the combined block free?
		higher := pfn & (pfn ^ (1 << order))
		hbuddy := higher ^ (1 << (order + 1))
		toTail = a.isBuddy(hbuddy, order+1, id)
	}
	a.listAdd(z, pfn, order, mt, toTail)
}
