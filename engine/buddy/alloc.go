package buddy

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// allocFlags are the page allocator's ALLOC_* flags (mm/internal.h, the
// 6.1 stable series the reference kernel belongs to).
type allocFlags uint32

const (
	allocWmarkMin     allocFlags = 0     // ALLOC_WMARK_MIN
	allocWmarkLow     allocFlags = 1     // ALLOC_WMARK_LOW
	allocWmarkHigh    allocFlags = 2     // ALLOC_WMARK_HIGH
	allocWmarkMask    allocFlags = 3     // ALLOC_WMARK_MASK
	allocNoWatermarks allocFlags = 0x04  // ALLOC_NO_WATERMARKS
	allocOOM          allocFlags = 0x08  // ALLOC_OOM: an OOM victim's retry
	allocNonBlock     allocFlags = 0x10  // ALLOC_NON_BLOCK: the caller cannot reclaim
	allocMinReserve   allocFlags = 0x20  // ALLOC_MIN_RESERVE: __GFP_HIGH
	allocNoFragment   allocFlags = 0x100 // ALLOC_NOFRAGMENT
	allocHighAtomic   allocFlags = 0x200 // ALLOC_HIGHATOMIC
	allocKswapd       allocFlags = 0x800 // ALLOC_KSWAPD (= __GFP_KSWAPD_RECLAIM)
	allocReserves                = allocNonBlock | allocMinReserve | allocHighAtomic | allocOOM
)

// wmark is wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK).
func (z *Zone) wmark(af allocFlags) uint64 {
	switch af & allocWmarkMask {
	case allocWmarkMin:
		return z.WmarkMin
	case allocWmarkLow:
		return z.WmarkLow
	}
	return z.WmarkHigh
}

// gfpToAllocFlags is gfp_to_alloc_flags: the slow path's flags.
func gfpToAllocFlags(g GFP, order int) allocFlags {
	af := allocWmarkMin
	if g&GFP__HIGH != 0 {
		af |= allocMinReserve
	}
	if g&GFP__KSWAPD_RECLAIM != 0 {
		af |= allocKswapd
	}
	if g&GFP__DIRECT_RECLAIM == 0 && g&GFP__NOMEMALLOC == 0 {
		af |= allocNonBlock
		if order > 0 {
			af |= allocHighAtomic
		}
	}
	return af
}

// unusableFree is __zone_watermark_unusable_free.
func (z *Zone) unusableFree(order int, af allocFlags) int64 {
	u := int64(1)<<order - 1
	if af&allocReserves == 0 {
		u += int64(z.NrReservedHighatomic)
	}
	return u
}

// watermarkOK is __zone_watermark_ok for a request of order whose highest
// allowed zone is highest (facts §3.6).
func (a *Allocator) watermarkOK(z *Zone, order int, mark uint64, highest phys.ZoneID, af allocFlags) bool {
	free := int64(z.FreePages) - z.unusableFree(order, af)
	m := int64(mark)
	if af&allocReserves != 0 {
		if af&allocMinReserve != 0 {
			m -= m / 2
			if af&allocNonBlock != 0 {
				m -= m / 4
			}
		}
		if af&allocOOM != 0 {
			m -= m / 2 // "OOM victims can try even harder"
		}
	}
	if free <= m+int64(z.LowmemReserve[highest]) {
		return false
	}
	if order == 0 {
		return true
	}
	for o := order; o < a.maxOrder; o++ {
		fa := &z.FreeArea[o]
		if fa.NrFree == 0 {
			continue
		}
		for mt := MigrateType(0); mt < migratePCPTypes; mt++ {
			if fa.List[mt].N > 0 {
				return true
			}
		}
		if af&(allocHighAtomic|allocOOM) != 0 && fa.List[MigrateHighAtomic].N > 0 {
			return true
		}
	}
	return false
}

// watermarkFast is zone_watermark_fast (without watermark boosting, which
// the model does not do).
func (a *Allocator) watermarkFast(z *Zone, order int, mark uint64, highest phys.ZoneID, af allocFlags) bool {
	if order == 0 {
		free := int64(z.FreePages)
		usable := free - min(free, z.unusableFree(0, af))
		if usable > int64(mark)+int64(z.LowmemReserve[highest]) {
			return true
		}
	}
	return a.watermarkOK(z, order, mark, highest, af)
}

// AllocError is the failure of AllocPages.
type AllocError struct {
	Order int
	GFP   GFP
	// TooLarge: order ≥ MaxOrder (the kernel's WARN_ON_ONCE in __alloc_pages).
	TooLarge bool
	// MayOOM: the kernel would now call the OOM killer
	// (__alloc_pages_may_oom's conditions: direct reclaim allowed, order ≤
	// PAGE_ALLOC_COSTLY_ORDER, no __GFP_NORETRY/__GFP_RETRY_MAYFAIL/
	// __GFP_THISNODE, highest zone ≥ Normal).
	MayOOM bool
}

func (e *AllocError) Error() string {
	if e.TooLarge {
		return fmt.Sprintf("page allocation failure: order:%d ≥ MAX_ORDER", e.Order)
	}
	return fmt.Sprintf("page allocation failure: order:%d, mode:%#x(%s)", e.Order, uint32(e.GFP), e.GFP)
}

// request is an allocation's alloc_context.
type request struct {
	gfp       GFP
	order     int
	highest   phys.ZoneID // highest_zoneidx
	preferred phys.ZoneID // preferred_zoneref->zone
	mt        MigrateType
}

// AllocPages allocates 2^order contiguous frames for owner (allocate steps
// of the package comment) and returns the first pfn. The first frame gets
// Refcount 1 and FlagHead; with __GFP_ZERO the frames are zeroed.
func (a *Allocator) AllocPages(gfp GFP, order int, owner phys.Owner) (uint64, error) {
	if order < 0 || order >= a.maxOrder {
		return 0, &AllocError{Order: order, GFP: gfp &^ GFPInitOnAlloc, TooLarge: true}
	}
	r := request{gfp: gfp, order: order, highest: a.GFPZone(gfp), mt: a.gfpMigratetype(gfp)}
	r.preferred = r.highest
	for r.preferred > 0 && !a.zones[r.preferred].Populated() {
		r.preferred--
	}
	// Fast path: the low watermark, and no fragmenting fallback while a
	// Normal zone is preferred (alloc_flags_nofragment; only with
	// CONFIG_ZONE_DMA32, which i386 has not).
	af := allocWmarkLow
	if gfp&GFP__KSWAPD_RECLAIM != 0 {
		af |= allocKswapd
	}
	if r.preferred == phys.ZoneNormal && !a.legacy && !a.mem.I386() {
		af |= allocNoFragment
	}
	pfn, ok := a.getPageFromFreelist(&r, af)
	if !ok {
		pfn, ok = a.slowPath(&r)
	}
	if !ok {
		may := gfp&GFP__DIRECT_RECLAIM != 0 && order <= CostlyOrder &&
			gfp&(GFP__NORETRY|GFP__RETRY_MAYFAIL|GFP__THISNODE) == 0 && r.highest >= phys.ZoneNormal
		return 0, &AllocError{Order: order, GFP: gfp &^ GFPInitOnAlloc, MayOOM: may}
	}
	n := uint64(1) << order
	fs := a.frames[pfn : pfn+n]
	for i := range fs {
		fs[i].Owner = owner
	}
	fs[0].Flags = fs[0].Flags&^(phys.FlagMTMask|phys.FlagPCP|phys.FlagBuddy) | phys.FlagHead
	fs[0].Order = uint8(order)
	fs[0].Refcount = 1
	if gfp&(GFP__ZERO|GFPInitOnAlloc) != 0 {
		for i := uint64(0); i < n; i++ {
			a.mem.ZeroFrame(pfn + i)
		}
	}
	a.record(arch.EvAlloc, pfn, order, "")
	return pfn, nil
}

// slowPath is __alloc_pages_slowpath as far as the model goes: the min
// watermark with the caller's reserves, then an OOM victim's reserves,
// then (there is nothing to reclaim or compact) the HIGHATOMIC reserve is
// given up, then the OOM killer.
func (a *Allocator) slowPath(r *request) (uint64, bool) {
	g := r.gfp
	af := gfpToAllocFlags(g, r.order)
	if pfn, ok := a.getPageFromFreelist(r, af); ok {
		return pfn, true
	}
	retry := func() (uint64, bool) {
		// __gfp_pfmemalloc_flags: the reserve flags replace alloc_flags
		if g&GFP__NOMEMALLOC == 0 {
			switch {
			case g&GFP__MEMALLOC != 0:
				return a.getPageFromFreelist(r, allocNoWatermarks|af&allocKswapd)
			case a.oom != nil && a.oom.OOMReserves():
				return a.getPageFromFreelist(r, allocOOM|af&allocKswapd)
			}
		}
		return a.getPageFromFreelist(r, af)
	}
	if pfn, ok := retry(); ok {
		return pfn, true
	}
	if g&GFP__DIRECT_RECLAIM == 0 || g&GFP__NORETRY != 0 || r.order > CostlyOrder && g&GFP__RETRY_MAYFAIL == 0 {
		return 0, false
	}
	// should_reclaim_retry: "Before OOM, exhaust highatomic_reserve".
	if a.unreserveHighatomic(r, true) {
		if pfn, ok := retry(); ok {
			return pfn, true
		}
	}
	may := r.order <= CostlyOrder && g&(GFP__RETRY_MAYFAIL|GFP__THISNODE) == 0 && r.highest >= phys.ZoneNormal
	// __alloc_pages_may_oom: out_of_memory, and a retry when it made
	// progress (the current task is now a victim with reserves).
	if may && a.oom != nil && a.oom.OutOfMemory(g&^GFPInitOnAlloc, r.order) {
		return retry()
	}
	return 0, false
}

// getPageFromFreelist walks the zonelist from the preferred zone down,
// checks each zone's watermark and takes a block with rmqueue; with
// ALLOC_NOFRAGMENT a walk that found nothing is repeated without it.
func (a *Allocator) getPageFromFreelist(r *request, af allocFlags) (uint64, bool) {
	for {
		for id := int(r.preferred); id >= 0; id-- {
			z := &a.zones[id]
			if z.Managed == 0 {
				continue
			}
			if af&allocNoWatermarks == 0 && !a.watermarkFast(z, r.order, z.wmark(af), r.highest, af) {
				continue
			}
			if pfn, ok := a.rmqueue(z, r, af); ok {
				z.Allocs++
				if af&allocHighAtomic != 0 {
					a.reserveHighatomic(z, pfn)
				}
				return pfn, true
			}
		}
		if af&allocNoFragment == 0 {
			return 0, false
		}
		af &^= allocNoFragment
	}
}

// rmqueue takes a block from zone z: the per-CPU lists for orders 0–3 and
// pageblock_order, else the buddy lists (rmqueue_buddy).
func (a *Allocator) rmqueue(z *Zone, r *request, af allocFlags) (uint64, bool) {
	if pcpAllowedOrder(r.order) && z.PCP.High > 0 && !a.legacy {
		if pfn, ok := a.rmqueuePCP(z, r.order, r.mt, af); ok {
			return pfn, true
		}
	}
	if af&allocHighAtomic != 0 {
		if pfn, ok := a.rmqueueSmallest(z, r.order, MigrateHighAtomic); ok {
			return pfn, true
		}
	}
	if pfn, ok := a.rmqueueType(z, r.order, r.mt, af); ok {
		return pfn, true
	}
	if af&(allocOOM|allocNonBlock) != 0 {
		// "allow OOM handling and order-0 (atomic) allocs access to
		// HIGHATOMIC reserves as failing now is worse"
		return a.rmqueueSmallest(z, r.order, MigrateHighAtomic)
	}
	return 0, false
}

// rmqueueType is __rmqueue: the requested type's lists, else a fallback
// steal and a second look.
func (a *Allocator) rmqueueType(z *Zone, order int, mt MigrateType, af allocFlags) (uint64, bool) {
	for {
		if pfn, ok := a.rmqueueSmallest(z, order, mt); ok {
			return pfn, true
		}
		if a.legacy || !a.rmqueueFallback(z, order, mt, af) {
			return 0, false
		}
	}
}

// rmqueueSmallest is __rmqueue_smallest + expand: the first block of the
// smallest order ≥ order on mt's lists; the upper halves go to the heads of
// the lower orders' mt lists, the caller keeps the lowest part.
func (a *Allocator) rmqueueSmallest(z *Zone, order int, mt MigrateType) (uint64, bool) {
	for cur := order; cur < a.maxOrder; cur++ {
		l := &z.FreeArea[cur].List[mt]
		if l.Head == phys.NoPFN {
			continue
		}
		pfn := uint64(l.Head)
		a.listDel(z, pfn, cur)
		for cur > order {
			cur--
			upper := pfn + 1<<cur
			a.listAdd(z, upper, cur, mt, false)
			a.record(arch.EvSplit, upper, cur, "")
		}
		return pfn, true
	}
	return 0, false
}

// canStealFallback is can_steal_fallback.
func canStealFallback(order int, start MigrateType) bool {
	return order >= PageblockOrder/2 || start == MigrateReclaimable || start == MigrateUnmovable
}

// findSuitableFallback is find_suitable_fallback (only_stealable false):
// the first of start's fallback types with a block of this order.
func (z *Zone) findSuitableFallback(order int, start MigrateType) (MigrateType, bool, bool) {
	fa := &z.FreeArea[order]
	if fa.NrFree == 0 {
		return 0, false, false
	}
	for _, mt := range fallbacks[start] {
		if fa.List[mt].N == 0 {
			continue
		}
		return mt, canStealFallback(order, start), true
	}
	return 0, false, false
}

// rmqueueFallback is __rmqueue_fallback: the largest block of a fallback
// type (the pageblock with the most free pages, roughly) is stolen for
// start — or, for a movable request that may not steal, the smallest.
// With ALLOC_NOFRAGMENT only whole pageblocks may be taken.
func (a *Allocator) rmqueueFallback(z *Zone, order int, start MigrateType, af allocFlags) bool {
	minOrder := order
	if order < PageblockOrder && af&allocNoFragment != 0 {
		minOrder = PageblockOrder
	}
	cur := a.maxOrder - 1
	var mt MigrateType
	var canSteal, found bool
	for ; cur >= minOrder; cur-- {
		if mt, canSteal, found = z.findSuitableFallback(cur, start); found {
			break
		}
	}
	if !found {
		return false
	}
	if !canSteal && start == MigrateMovable && cur > order {
		for cur = order; cur < a.maxOrder; cur++ {
			if mt, canSteal, found = z.findSuitableFallback(cur, start); found {
				break
			}
		}
	}
	pfn := uint64(z.FreeArea[cur].List[mt].Head)
	a.stealSuitableFallback(z, pfn, start, canSteal)
	return true
}

// stealSuitableFallback is steal_suitable_fallback: a block of at least a
// pageblock takes its pageblocks over; a smaller one moves the other free
// blocks of its pageblock along and takes the pageblock over when at
// least half of it is free or of a compatible kind. (The watermark boost
// that asks kswapd to compact is not modelled.)
func (a *Allocator) stealSuitableFallback(z *Zone, pfn uint64, start MigrateType, wholeBlock bool) {
	order := int(a.frames[pfn].Order)
	old := a.pageblockType(pfn)
	if old == MigrateHighAtomic {
		a.moveToList(z, pfn, order, start)
		return
	}
	if order >= PageblockOrder {
		for i := uint64(0); i < 1<<(order-PageblockOrder); i++ {
			a.setPageblockType(pfn+i*PageblockPages, start)
		}
		a.moveToList(z, pfn, order, start)
		return
	}
	if !wholeBlock {
		a.moveToList(z, pfn, order, start)
		return
	}
	free, movable := a.moveFreepagesBlock(z, pfn, start)
	if free == 0 {
		a.moveToList(z, pfn, order, start)
		return
	}
	alike := 0
	switch {
	case start == MigrateMovable:
		alike = movable
	case old == MigrateMovable:
		alike = PageblockPages - (free + movable)
	}
	if free+alike >= PageblockPages/2 {
		a.setPageblockType(pfn, start)
	}
}

// moveFreepagesBlock is move_freepages_block: every free block of pfn's
// pageblock moves to the tail of mt's list; it returns the pages moved and
// the allocated pages that are movable (on the LRU: user and file pages).
func (a *Allocator) moveFreepagesBlock(z *Zone, pfn uint64, mt MigrateType) (free, movable int) {
	start := pfn &^ (PageblockPages - 1)
	end := start + PageblockPages - 1
	if start < z.StartPFN {
		start = pfn
	}
	if end >= z.EndPFN {
		return 0, 0
	}
	for p := start; p <= end; {
		f := &a.frames[p]
		if f.Flags&phys.FlagBuddy == 0 {
			if f.Owner == phys.OwnerUserAnon || f.Owner == phys.OwnerUserFile {
				movable++
			}
			p++
			continue
		}
		o := int(f.Order)
		a.moveToList(z, p, o, mt)
		free += 1 << o
		p += 1 << o
	}
	return free, movable
}

// reserveHighatomic is reserve_highatomic_pageblock: after a high-order
// atomic allocation, its pageblock becomes MIGRATE_HIGHATOMIC, up to 1 %
// of the zone plus one pageblock.
func (a *Allocator) reserveHighatomic(z *Zone, pfn uint64) {
	if z.NrReservedHighatomic >= z.Managed/100+PageblockPages {
		return
	}
	if mt := a.pageblockType(pfn); !mt.mergeable() {
		return
	}
	z.NrReservedHighatomic += PageblockPages
	a.setPageblockType(pfn, MigrateHighAtomic)
	a.moveFreepagesBlock(z, pfn, MigrateHighAtomic)
}

// unreserveHighatomic is unreserve_highatomic_pageblock: the first
// HIGHATOMIC pageblock with a free block goes back to the request's type
// (with force also the last one of a zone).
func (a *Allocator) unreserveHighatomic(r *request, force bool) bool {
	for id := int(r.preferred); id >= 0; id-- {
		z := &a.zones[id]
		if !force && z.NrReservedHighatomic <= PageblockPages {
			continue
		}
		for o := 0; o < a.maxOrder; o++ {
			l := &z.FreeArea[o].List[MigrateHighAtomic]
			if l.Head == phys.NoPFN {
				continue
			}
			pfn := uint64(l.Head)
			if a.pageblockType(pfn) == MigrateHighAtomic {
				z.NrReservedHighatomic -= min(PageblockPages, z.NrReservedHighatomic)
			}
			a.setPageblockType(pfn, r.mt)
			if free, _ := a.moveFreepagesBlock(z, pfn, r.mt); free > 0 {
				return true
			}
		}
	}
	return false
}

// SetOwner changes the owner of the allocated block at pfn (e.g. a slab
// taking pages it got as OwnerAllocated). Precondition: pfn heads an
// allocated block of this order.
func (a *Allocator) SetOwner(pfn uint64, order int, owner phys.Owner) {
	fs := a.frames[pfn : pfn+1<<order]
	for i := range fs {
		fs[i].Owner = owner
	}
}
