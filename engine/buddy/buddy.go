package buddy

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// MaxOrder values (exclusive: valid orders are 0 … MaxOrder-1).
const (
	// MaxOrder61 is Linux 6.1's MAX_ORDER (include/linux/mmzone.h; facts §3.1).
	MaxOrder61 = 11
	// MaxOrder20 is Linux 2.0's NR_MEM_LISTS (mm/page_alloc.c; facts §3.1).
	MaxOrder20 = 6
	// maxOrderLimit sizes the FreeArea arrays.
	maxOrderLimit = MaxOrder61
	// CostlyOrder is PAGE_ALLOC_COSTLY_ORDER (include/linux/mmzone.h).
	CostlyOrder = 3
)

// Watermark tuning (mm/page_alloc.c, 6.1).
const (
	watermarkScaleFactor = 10     // vm.watermark_scale_factor default
	minFreeKbytesLow     = 128    // calculate_min_free_kbytes clamp
	minFreeKbytesHigh    = 262144 // calculate_min_free_kbytes clamp
)

// lowmemReserveRatio is sysctl_lowmem_reserve_ratio (mm/page_alloc.c):
// DMA 256, DMA32 256, Normal 32, HighMem 0.
var lowmemReserveRatio = [phys.NumZones]uint64{256, 256, 32, 0}

// FreeArea is free_area[order] of a zone: a doubly linked list of the
// first frames of free blocks of one order.
//
// Invariant: NrFree equals the length of the list; Head == phys.NoPFN iff
// the list is empty; every block on it has FlagBuddy and this order.
type FreeArea struct {
	Head, Tail uint32
	NrFree     uint64
}

// Zone is one memory zone (struct zone).
type Zone struct {
	ID       phys.ZoneID
	StartPFN uint64 // zone_start_pfn
	EndPFN   uint64 // zone_end_pfn (exclusive); the span includes reserved frames
	Present  uint64 // frames of RAM in the span (holes excluded)
	Managed  uint64 // frames handed to the buddy allocator (managed_pages)
	// FreePages is NR_FREE_PAGES: the sum of NrFree<<order over all orders.
	FreePages uint64
	// Watermarks in pages: WmarkMin < WmarkLow < WmarkHigh (or all 0 for an
	// empty zone).
	WmarkMin, WmarkLow, WmarkHigh uint64
	// LowmemReserve[j] is the number of pages this zone keeps back from
	// allocations whose highest allowed zone is j (lowmem_reserve[]).
	LowmemReserve [phys.NumZones]uint64
	FreeArea      [maxOrderLimit]FreeArea
}

// Populated reports whether the zone has managed memory (populated_zone).
func (z *Zone) Populated() bool { return z.Managed > 0 }

// Config describes the page allocator to build.
type Config struct {
	// MaxOrder is MAX_ORDER (exclusive): MaxOrder61 or MaxOrder20.
	MaxOrder int
	// Recorder receives split/merge/alloc/free events; nil records nothing.
	Recorder arch.Recorder
}

// Allocator is the page allocator of one machine.
type Allocator struct {
	mem           *phys.Mem
	frames        []phys.Frame // mem.Frames
	maxOrder      int
	zones         [phys.NumZones]Zone
	minFreeKbytes uint64
	rec           arch.Recorder
	booting       bool // boot release: no events
	// oom is the kernel's OOM killer (SetOOM); nil: a failure is final.
	oom OOMKiller
}

// OOMKiller is what the page allocator's slow path needs of the kernel's
// OOM killer (mm/oom_kill.c), set by the kernel layer with SetOOM.
type OOMKiller interface {
	// OutOfMemory is out_of_memory for a request that failed even at the
	// min watermark and may call the OOM killer (AllocError.MayOOM): it
	// reports whether the allocation should be retried (the killer made
	// progress for the current task).
	OutOfMemory(gfp GFP, order int) bool
	// OOMReserves is oom_reserves_allowed(current) outside interrupt
	// context (__gfp_pfmemalloc_flags): the current task is an OOM victim
	// and may dig into half of the min watermark (ALLOC_OOM).
	OOMReserves() bool
}

// SetOOM installs the OOM killer the slow path calls (nil: none).
func (a *Allocator) SetOOM(k OOMKiller) { a.oom = k }

// New builds the allocator over mem and hands it every free frame (boot
// steps 1–3 of the package comment).
func New(mem *phys.Mem, cfg Config) (*Allocator, error) {
	if cfg.MaxOrder < 1 || cfg.MaxOrder > maxOrderLimit {
		return nil, fmt.Errorf("buddy: MaxOrder %d, want 1 … %d", cfg.MaxOrder, maxOrderLimit)
	}
	a := &Allocator{mem: mem, frames: mem.Frames, maxOrder: cfg.MaxOrder, rec: cfg.Recorder}
	for id := phys.ZoneDMA; id < phys.NumZones; id++ {
		z := &a.zones[id]
		z.ID = id
		z.StartPFN, z.EndPFN = mem.ZoneSpan(id)
		for o := range z.FreeArea {
			z.FreeArea[o] = FreeArea{Head: phys.NoPFN, Tail: phys.NoPFN}
		}
		for pfn := z.StartPFN; pfn < z.EndPFN; pfn++ {
			if a.frames[pfn].Owner != phys.OwnerHole {
				z.Present++
			}
		}
	}
	// Steps 1 and 2: release runs of free frames (memblock_free_all).
	a.booting = true
	max := mem.MaxPFN()
	for pfn := uint64(0); pfn < max; {
		if a.frames[pfn].Owner != phys.OwnerFree || a.frames[pfn].Flags != 0 {
			pfn++
			continue
		}
		end := pfn
		z := a.frames[pfn].Zone
		for end < max && a.frames[end].Owner == phys.OwnerFree && a.frames[end].Flags == 0 && a.frames[end].Zone == z {
			end++
		}
		a.freeRange(pfn, end)
		pfn = end
	}
	a.booting = false
	a.setupWatermarks()
	return a, nil
}

// freeRange is __free_pages_memory: the largest naturally aligned blocks.
func (a *Allocator) freeRange(start, end uint64) {
	for start < end {
		order := a.maxOrder - 1
		if start != 0 {
			order = min(order, lowestBit(start))
		}
		for start+(1<<order) > end {
			order--
		}
		z := &a.zones[a.frames[start].Zone]
		z.Managed += 1 << order
		a.freeOne(start, order, true)
		start += 1 << order
	}
}

func lowestBit(x uint64) int {
	n := 0
	for x&1 == 0 {
		x >>= 1
		n++
	}
	return n
}

// setupWatermarks is init_per_zone_wmark_min → __setup_per_zone_wmarks and
// setup_per_zone_lowmem_reserve (facts §3.6).
func (a *Allocator) setupWatermarks() {
	var lowmem uint64
	for id := phys.ZoneDMA; id < phys.ZoneHighMem; id++ {
		lowmem += a.zones[id].Managed
	}
	kb := isqrt(lowmem * (arch.PageSize >> 10) * 16)
	a.minFreeKbytes = min(max(kb, minFreeKbytesLow), minFreeKbytesHigh)
	pagesMin := a.minFreeKbytes >> (arch.PageShift - 10)
	for id := phys.ZoneDMA; id < phys.NumZones; id++ {
		z := &a.zones[id]
		if z.Managed == 0 || lowmem == 0 {
			continue
		}
		m := pagesMin * z.Managed / lowmem
		tmp := max(m/4, z.Managed*watermarkScaleFactor/10000)
		z.WmarkMin, z.WmarkLow, z.WmarkHigh = m, m+tmp, m+2*tmp
	}
	for i := phys.ZoneDMA; i < phys.NumZones; i++ {
		z := &a.zones[i]
		var upper uint64
		for j := i + 1; j < phys.NumZones; j++ {
			upper += a.zones[j].Managed
			if lowmemReserveRatio[i] != 0 && z.Managed != 0 {
				z.LowmemReserve[j] = upper / lowmemReserveRatio[i]
			}
		}
	}
}

// isqrt is int_sqrt (lib/math/int_sqrt.c): the floor of the square root.
func isqrt(x uint64) uint64 {
	r := uint64(0)
	for b := uint64(1) << 62; b != 0; b >>= 2 {
		if x >= r+b {
			x -= r + b
			r = r>>1 + b
		} else {
			r >>= 1
		}
	}
	return r
}

// MinFreeKbytes returns vm.min_free_kbytes.
func (a *Allocator) MinFreeKbytes() uint64 { return a.minFreeKbytes }

// MaxOrder returns MAX_ORDER (exclusive).
func (a *Allocator) MaxOrder() int { return a.maxOrder }

// Mem returns the physical memory the allocator manages.
func (a *Allocator) Mem() *phys.Mem { return a.mem }

// Zone returns zone id. The caller must not modify it.
func (a *Allocator) Zone(id phys.ZoneID) *Zone { return &a.zones[id] }

// FreePagesTotal is the machine's NR_FREE_PAGES.
func (a *Allocator) FreePagesTotal() uint64 {
	var n uint64
	for i := range a.zones {
		n += a.zones[i].FreePages
	}
	return n
}

// ManagedTotal is totalram_pages: all frames ever handed to the allocator.
func (a *Allocator) ManagedTotal() uint64 {
	var n uint64
	for i := range a.zones {
		n += a.zones[i].Managed
	}
	return n
}

func (a *Allocator) record(kind arch.EventKind, pfn uint64, order int, detail string) {
	if a.rec != nil && !a.booting {
		a.rec.Record(arch.Event{Kind: kind, Source: "buddy", PFN: pfn, Order: order,
			Addr: pfn << arch.PageShift, Size: arch.PageSize << order, Detail: detail})
	}
}

// Free-list primitives (include/linux/mmzone.h: add_to_free_list,
// add_to_free_list_tail, del_page_from_free_list).

func (a *Allocator) listAdd(z *Zone, pfn uint64, order int, tail bool) {
	fa := &z.FreeArea[order]
	f := &a.frames[pfn]
	f.Flags |= phys.FlagBuddy
	f.Order = uint8(order)
	p := uint32(pfn)
	switch {
	case fa.Head == phys.NoPFN:
		f.Next, f.Prev = phys.NoPFN, phys.NoPFN
		fa.Head, fa.Tail = p, p
	case tail:
		f.Prev, f.Next = fa.Tail, phys.NoPFN
		a.frames[fa.Tail].Next = p
		fa.Tail = p
	default:
		f.Next, f.Prev = fa.Head, phys.NoPFN
		a.frames[fa.Head].Prev = p
		fa.Head = p
	}
	fa.NrFree++
	z.FreePages += 1 << order
}

func (a *Allocator) listDel(z *Zone, pfn uint64, order int) {
	fa := &z.FreeArea[order]
	f := &a.frames[pfn]
	if f.Prev == phys.NoPFN {
		fa.Head = f.Next
	} else {
		a.frames[f.Prev].Next = f.Next
	}
	if f.Next == phys.NoPFN {
		fa.Tail = f.Prev
	} else {
		a.frames[f.Next].Prev = f.Prev
	}
	f.Next, f.Prev = phys.NoPFN, phys.NoPFN
	f.Flags &^= phys.FlagBuddy
	f.Order = 0
	fa.NrFree--
	z.FreePages -= 1 << order
}

// isBuddy is page_is_buddy: pfn heads a free block of this order in zone id.
func (a *Allocator) isBuddy(pfn uint64, order int, id phys.ZoneID) bool {
	if pfn >= uint64(len(a.frames)) {
		return false
	}
	f := &a.frames[pfn]
	return f.Flags&phys.FlagBuddy != 0 && int(f.Order) == order && f.Zone == id
}

// freeOne is __free_one_page (package comment, free steps 2–3).
// Precondition: the 2^order frames at pfn are in one zone and not free.
func (a *Allocator) freeOne(pfn uint64, order int, toTail bool) {
	id := a.frames[pfn].Zone
	z := &a.zones[id]
	n := uint64(1) << order
	fs := a.frames[pfn : pfn+n]
	for i := range fs {
		fs[i].Owner, fs[i].Refcount, fs[i].Flags, fs[i].Order = phys.OwnerFree, 0, 0, 0
	}
	for order < a.maxOrder-1 {
		buddy := pfn ^ (1 << order)
		if !a.isBuddy(buddy, order, id) {
			break
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
	a.listAdd(z, pfn, order, toTail)
}

// Allocation flags (mm/internal.h, 6.1.0 names).
const (
	allocWmarkMin = iota
	allocWmarkLow
)

type allocFlags struct {
	mark         int  // allocWmarkMin or allocWmarkLow
	high         bool // ALLOC_HIGH (__GFP_HIGH)
	harder       bool // ALLOC_HARDER (atomic)
	oomVictim    bool // ALLOC_OOM (an OOM victim's retry)
	noWatermarks bool // ALLOC_NO_WATERMARKS (__GFP_MEMALLOC)
}

// WatermarkOK is __zone_watermark_ok for a request of order whose highest
// allowed zone is highest, against mark, with the reductions of atomic and
// __GFP_HIGH requests (facts §3.6).
func (a *Allocator) watermarkOK(z *Zone, order int, highest phys.ZoneID, af allocFlags) bool {
	if af.noWatermarks {
		return z.FreeArea[order].NrFree > 0 || a.anyFree(z, order)
	}
	mark := z.WmarkLow
	if af.mark == allocWmarkMin {
		mark = z.WmarkMin
	}
	free := int64(z.FreePages) - (int64(1)<<order - 1)
	m := int64(mark)
	if af.high {
		m -= m / 2
	}
	if af.harder {
		m -= m / 4
	}
	if af.oomVictim {
		m -= m / 2 // "OOM victims can try even harder" (__zone_watermark_ok)
	}
	if free <= m+int64(z.LowmemReserve[highest]) {
		return false
	}
	if order == 0 {
		return true
	}
	return a.anyFree(z, order)
}

func (a *Allocator) anyFree(z *Zone, order int) bool {
	for o := order; o < a.maxOrder; o++ {
		if z.FreeArea[o].NrFree > 0 {
			return true
		}
	}
	return false
}

// rmqueueSmallest is __rmqueue_smallest + expand (allocate step 3).
func (a *Allocator) rmqueueSmallest(z *Zone, order int) (uint64, bool) {
	for cur := order; cur < a.maxOrder; cur++ {
		fa := &z.FreeArea[cur]
		if fa.Head == phys.NoPFN {
			continue
		}
		pfn := uint64(fa.Head)
		a.listDel(z, pfn, cur)
		for cur > order {
			cur--
			upper := pfn + 1<<cur
			a.listAdd(z, upper, cur, false)
			a.record(arch.EvSplit, upper, cur, "")
		}
		return pfn, true
	}
	return 0, false
}

// oomReserves is the slow path's retry with reserve_flags for an OOM
// victim: alloc_flags become ALLOC_OOM alone, the min watermark halved
// (__gfp_pfmemalloc_flags, never with __GFP_NOMEMALLOC).
func (a *Allocator) oomReserves(gfp GFP, order int, highest phys.ZoneID) (uint64, bool) {
	if a.oom == nil || gfp&GFP__NOMEMALLOC != 0 || !a.oom.OOMReserves() {
		return 0, false
	}
	return a.walkZones(order, highest, allocFlags{mark: allocWmarkMin, oomVictim: true})
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

// AllocPages allocates 2^order contiguous frames for owner (allocate steps
// 1–4 of the package comment) and returns the first pfn. The first frame
// gets Refcount 1 and FlagHead; with __GFP_ZERO the frames are zeroed.
func (a *Allocator) AllocPages(gfp GFP, order int, owner phys.Owner) (uint64, error) {
	if order < 0 || order >= a.maxOrder {
		return 0, &AllocError{Order: order, GFP: gfp &^ GFPInitOnAlloc, TooLarge: true}
	}
	highest := gfp.Zone()
	// Fast path: the low watermark.
	pfn, ok := a.walkZones(order, highest, allocFlags{mark: allocWmarkLow})
	if !ok {
		// Slow path: gfp_to_alloc_flags.
		af := allocFlags{mark: allocWmarkMin, high: gfp&GFP__HIGH != 0}
		if gfp&GFP__ATOMIC != 0 && gfp&GFP__NOMEMALLOC == 0 {
			af.harder = true
		}
		if gfp&GFP__MEMALLOC != 0 && gfp&GFP__NOMEMALLOC == 0 {
			af.noWatermarks = true
		}
		pfn, ok = a.walkZones(order, highest, af)
		if !ok {
			pfn, ok = a.oomReserves(gfp, order, highest)
		}
	}
	if !ok {
		may := gfp&GFP__DIRECT_RECLAIM != 0 && order <= CostlyOrder &&
			gfp&(GFP__NORETRY|GFP__RETRY_MAYFAIL|GFP__THISNODE) == 0 && highest >= phys.ZoneNormal
		// __alloc_pages_may_oom: out_of_memory, and a retry when it made
		// progress (the current task is now a victim with reserves).
		if may && a.oom != nil && a.oom.OutOfMemory(gfp&^GFPInitOnAlloc, order) {
			af := allocFlags{mark: allocWmarkMin, high: gfp&GFP__HIGH != 0}
			if pfn, ok = a.walkZones(order, highest, af); !ok {
				pfn, ok = a.oomReserves(gfp, order, highest)
			}
		}
		if !ok {
			return 0, &AllocError{Order: order, GFP: gfp &^ GFPInitOnAlloc, MayOOM: may}
		}
	}
	n := uint64(1) << order
	fs := a.frames[pfn : pfn+n]
	for i := range fs {
		fs[i].Owner = owner
	}
	fs[0].Flags |= phys.FlagHead
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

func (a *Allocator) walkZones(order int, highest phys.ZoneID, af allocFlags) (uint64, bool) {
	for id := int(highest); id >= 0; id-- {
		z := &a.zones[id]
		if z.Managed == 0 || !a.watermarkOK(z, order, highest, af) {
			continue
		}
		if pfn, ok := a.rmqueueSmallest(z, order); ok {
			return pfn, true
		}
	}
	return 0, false
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

// FreePages frees the 2^order frames at pfn (free steps 1–3), like
// __free_pages on a non-compound block: it does not know the order the
// block was allocated with. A frame that is free, reserved, still mapped or
// (other than the first) still referenced makes it refuse, as
// free_pages_prepare's bad_page does; then nothing changes.
func (a *Allocator) FreePages(pfn uint64, order int) error {
	if order < 0 || order >= a.maxOrder || pfn&(1<<order-1) != 0 || pfn+1<<order > uint64(len(a.frames)) {
		return &BadPageError{PFN: pfn, Order: order, Pages: []BadPage{{PFN: pfn, Reason: "not a block of this order"}}}
	}
	var bad []BadPage
	z := a.frames[pfn].Zone
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
		case f.Zone != z:
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
	a.freeOne(pfn, order, false)
	return nil
}

// BuddyInfo returns /proc/buddyinfo: one line per populated zone, "Node 0,
// zone %8s" then nr_free of every order as " %6lu", then " \n"
// (mm/vmstat.c:frag_show_print; facts §3.8).
func (a *Allocator) BuddyInfo() string {
	var b strings.Builder
	for id := range a.zones {
		z := &a.zones[id]
		if !z.Populated() {
			continue
		}
		fmt.Fprintf(&b, "Node 0, zone %8s ", z.ID)
		for o := 0; o < a.maxOrder; o++ {
			fmt.Fprintf(&b, "%6d ", z.FreeArea[o].NrFree)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
