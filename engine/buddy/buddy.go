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
	// PageblockOrder is pageblock_order on x86-64: HUGETLB_PAGE_ORDER, the
	// order of a 2 MiB huge page (include/linux/pageblock-flags.h).
	PageblockOrder = 9
	// PageblockPages is pageblock_nr_pages.
	PageblockPages = 1 << PageblockOrder
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

// FreeList is one doubly linked list of block heads, threaded through
// phys.Frame.Next/Prev (page->buddy_list or page->pcp_list).
//
// Invariant: N is the length of the list; Head == phys.NoPFN iff N == 0.
type FreeList struct {
	Head, Tail uint32
	N          uint64
}

func emptyList() FreeList { return FreeList{Head: phys.NoPFN, Tail: phys.NoPFN} }

// FreeArea is free_area[order] of a zone: one free list per migrate type
// (free_list[MIGRATE_TYPES]) and nr_free, the blocks on all of them.
//
// Invariant: NrFree == Σ List[mt].N; every block on List[mt] has
// FlagBuddy, this order, and mt in its flags.
type FreeArea struct {
	List   [NumMigrateTypes]FreeList
	NrFree uint64
}

// Zone is one memory zone (struct zone).
type Zone struct {
	ID       phys.ZoneID
	StartPFN uint64 // zone_start_pfn
	EndPFN   uint64 // zone_end_pfn (exclusive); the span includes reserved frames
	Present  uint64 // frames of usable RAM in the span (present_pages)
	Managed  uint64 // frames handed to the buddy allocator (managed_pages)
	// FreePages is NR_FREE_PAGES: the sum of NrFree<<order over all
	// orders. Pages on the per-CPU lists are not in it (nor in MemFree).
	FreePages uint64
	// Watermarks in pages: WmarkMin < WmarkLow < WmarkHigh (or all 0 for an
	// empty zone, and before SetupWatermarks).
	WmarkMin, WmarkLow, WmarkHigh uint64
	// LowmemReserve[j] is the number of pages this zone keeps back from
	// allocations whose highest allowed zone is j (lowmem_reserve[]).
	LowmemReserve [phys.NumZones]uint64
	FreeArea      [maxOrderLimit]FreeArea
	// NrReservedHighatomic is the pages in MIGRATE_HIGHATOMIC pageblocks
	// (nr_reserved_highatomic): a multiple of PageblockPages.
	NrReservedHighatomic uint64
	// PCP is the per-CPU page lists of the one CPU (per_cpu_pageset).
	PCP PerCPUPages
	// Allocs counts the blocks allocated from this zone (zone_statistics:
	// numa_hit and numa_local on the one node).
	Allocs uint64
}

// Populated reports whether the zone has managed memory (populated_zone).
func (z *Zone) Populated() bool { return z.Managed > 0 }

// Config describes the page allocator to build.
type Config struct {
	// MaxOrder is MAX_ORDER (exclusive): MaxOrder61 or MaxOrder20.
	MaxOrder int
	// Legacy is Linux 2.0's allocator: one free list per order (no migrate
	// types, no pageblocks) and no per-CPU lists.
	Legacy bool
	// DeferWatermarks leaves the watermarks at 0 until SetupWatermarks
	// (the kernel's boot computes them in an initcall, after the early
	// boot allocations).
	DeferWatermarks bool
	// Recorder receives split/merge/alloc/free events; nil records nothing.
	Recorder arch.Recorder
}

// Allocator is the page allocator of one machine.
type Allocator struct {
	mem      *phys.Mem
	frames   []phys.Frame // mem.Frames
	maxOrder int
	legacy   bool
	zones    [phys.NumZones]Zone
	// pageblockMT is the migrate type of every pageblock, indexed by
	// pfn >> PageblockOrder (zone->pageblock_flags, the migratetype bits).
	pageblockMT   []MigrateType
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
// steps 1–4 of the package comment). The per-CPU lists start as the boot
// pageset, which keeps nothing: SetupPCP turns them on.
func New(mem *phys.Mem, cfg Config) (*Allocator, error) {
	if cfg.MaxOrder < 1 || cfg.MaxOrder > maxOrderLimit {
		return nil, fmt.Errorf("buddy: MaxOrder %d, want 1 … %d", cfg.MaxOrder, maxOrderLimit)
	}
	a := &Allocator{mem: mem, frames: mem.Frames, maxOrder: cfg.MaxOrder, legacy: cfg.Legacy, rec: cfg.Recorder}
	for id := phys.ZoneDMA; id < phys.NumZones; id++ {
		z := &a.zones[id]
		z.ID = id
		z.StartPFN, z.EndPFN = mem.ZoneSpan(id)
		for o := range z.FreeArea {
			for mt := range z.FreeArea[o].List {
				z.FreeArea[o].List[mt] = emptyList()
			}
		}
		for i := range z.PCP.Lists {
			z.PCP.Lists[i] = emptyList()
		}
		z.PCP.High, z.PCP.Batch = bootPagesetHigh, bootPagesetBatch
		z.Present = presentPages(mem, z.StartPFN, z.EndPFN)
	}
	// Step 1: memmap_init marks MIGRATE_MOVABLE every pageblock whose
	// first pfn is usable RAM (memmap_init_range); the others keep 0,
	// MIGRATE_UNMOVABLE. On x86 pfn 0 is reserved by the firmware map, so
	// the first pageblock of the DMA zone stays UNMOVABLE.
	a.pageblockMT = make([]MigrateType, (mem.MaxPFN()+PageblockPages-1)/PageblockPages)
	if !a.legacy {
		for _, r := range mem.Usable() {
			for pfn := (r[0] + PageblockPages - 1) &^ (PageblockPages - 1); pfn < r[1]; pfn += PageblockPages {
				a.pageblockMT[pfn>>PageblockOrder] = MigrateMovable
			}
		}
	}
	// Steps 2 and 3: release runs of free frames (memblock_free_all).
	a.booting = true
	a.freeAllFree(mem.MaxPFN())
	a.booting = false
	if !cfg.DeferWatermarks {
		a.SetupWatermarks(0)
	}
	return a, nil
}

// presentPages counts the pages of [start, end) that are present (RAM,
// not a hole).
//
// RATIONALE: New's per-frame loops are functions of their own (this and
// freeAllFree), not inlined: in a browser, hot wasm functions are
// compiled a second time by the optimising compiler at a cost that grows
// with their size, and New is 3 kB.
//
//go:noinline
func presentPages(mem *phys.Mem, start, end uint64) uint64 {
	n := uint64(0)
	for pfn := start; pfn < end; pfn++ {
		if mem.Present(pfn) {
			n++
		}
	}
	return n
}

// freeAllFree releases every run of free frames below max to the buddy
// lists (memblock_free_all), each run within one zone.
func (a *Allocator) freeAllFree(max uint64) {
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
}

// freeRange is __free_pages_memory: the largest naturally aligned blocks,
// each freed with __free_pages_core (to the tail, FPI_TO_TAIL).
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
		a.freeOne(start, order, a.pageblockType(start), true)
		start += 1 << order
	}
}

// FreeReserved is free_reserved_area for frames a boot reservation held
// (the initrd after unpacking, __init memory): each page is freed as an
// order-0 page (free_reserved_page → __free_page, through the per-CPU
// lists) and counted as managed (adjust_managed_page_count).
// Precondition: the frames were phys.Mem.Unreserve'd.
func (a *Allocator) FreeReserved(start, end uint64) {
	for pfn := start; pfn < end; pfn++ {
		a.zones[a.frames[pfn].Zone].Managed++
		if err := a.FreePages(pfn, 0); err != nil {
			panic("buddy: free_reserved_area of a page in use")
		}
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

// SetupWatermarks is init_per_zone_wmark_min → __setup_per_zone_wmarks and
// setup_per_zone_lowmem_reserve (facts §3.6), then zone_pcp_update for
// every zone (the pcp high limit follows the low watermark). kbytes 0 is
// calculate_min_free_kbytes: int_sqrt(lowmem_kbytes·16) from
// nr_free_buffer_pages, clamped to [128, 262144]; otherwise kbytes is the
// new min_free_kbytes (khugepaged's raise, RecommendedMinFreeKbytes).
func (a *Allocator) SetupWatermarks(kbytes uint64) {
	var lowmem uint64
	for id := phys.ZoneDMA; id < phys.ZoneHighMem; id++ {
		lowmem += a.zones[id].Managed
	}
	if kbytes == 0 {
		var buffer uint64 // nr_free_buffer_pages: managed above the high watermark
		for id := phys.ZoneDMA; id < phys.ZoneHighMem; id++ {
			z := &a.zones[id]
			if z.Managed > z.WmarkHigh {
				buffer += z.Managed - z.WmarkHigh
			}
		}
		kb := isqrt(buffer * (arch.PageSize >> 10) * 16)
		kbytes = min(max(kb, minFreeKbytesLow), minFreeKbytesHigh)
	}
	a.minFreeKbytes = kbytes
	pagesMin := a.minFreeKbytes >> (arch.PageShift - 10)
	for id := phys.ZoneDMA; id < phys.NumZones; id++ {
		z := &a.zones[id]
		if z.Managed == 0 || lowmem == 0 {
			continue
		}
		m := pagesMin * z.Managed / lowmem
		tmp := max(m/4, z.Managed*watermarkScaleFactor/10000)
		if id == phys.ZoneHighMem {
			// is_highmem: min is a small fixed reserve, SWAP_CLUSTER_MAX
			// to 128 pages
			m = min(max(z.Managed/1024, 32), 128)
		}
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
	a.updatePCP()
}

// RecommendedMinFreeKbytes is mm/khugepaged.c:set_recommended_min_free_kbytes
// when transparent huge pages are enabled: two free pageblocks per zone,
// plus MIGRATE_PCPTYPES² more, at most 5 % of nr_free_buffer_pages. It
// returns 0 when that is not above the current min_free_kbytes.
func (a *Allocator) RecommendedMinFreeKbytes() uint64 {
	var nrZones, buffer uint64
	for id := phys.ZoneDMA; id < phys.ZoneHighMem; id++ {
		z := &a.zones[id]
		if !z.Populated() {
			continue
		}
		nrZones++
		if z.Managed > z.WmarkHigh {
			buffer += z.Managed - z.WmarkHigh
		}
	}
	rec := PageblockPages*nrZones*2 + PageblockPages*nrZones*uint64(migratePCPTypes)*uint64(migratePCPTypes)
	rec = min(rec, buffer/20) << (arch.PageShift - 10)
	if rec > a.minFreeKbytes {
		return rec
	}
	return 0
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

// Legacy reports Linux 2.0's allocator (no migrate types, no pcp).
func (a *Allocator) Legacy() bool { return a.legacy }

// Mem returns the physical memory the allocator manages.
func (a *Allocator) Mem() *phys.Mem { return a.mem }

// Zone returns zone id. The caller must not modify it.
func (a *Allocator) Zone(id phys.ZoneID) *Zone { return &a.zones[id] }

// FreePagesTotal is the machine's NR_FREE_PAGES (per-CPU lists excluded).
func (a *Allocator) FreePagesTotal() uint64 {
	var n uint64
	for i := range a.zones {
		n += a.zones[i].FreePages
	}
	return n
}

// PCPPagesTotal is the pages sitting on the per-CPU lists of every zone
// (show_free_areas' free_pcp).
func (a *Allocator) PCPPagesTotal() uint64 {
	var n uint64
	for i := range a.zones {
		n += uint64(a.zones[i].PCP.Count)
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

// SetRecorder replaces the event recorder (nil: none) and returns the old
// one: the kernel's boot runs unrecorded.
func (a *Allocator) SetRecorder(r arch.Recorder) arch.Recorder {
	old := a.rec
	a.rec = r
	return old
}

func (a *Allocator) record(kind arch.EventKind, pfn uint64, order int, detail string) {
	if a.rec != nil && !a.booting {
		a.rec.Record(arch.Event{Kind: kind, Source: "buddy", PFN: pfn, Order: order,
			Addr: pfn << arch.PageShift, Size: arch.PageSize << order, Detail: detail})
	}
}

// BuddyInfo returns /proc/buddyinfo: one line per populated zone, "Node 0,
// zone %8s" then nr_free of every order as " %6lu", then " \n"
// (mm/vmstat.c:frag_show_print; facts §3.8). nr_free counts every migrate
// type; pages on the per-CPU lists are not in it.
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

// pagetypeinfoTypes are the migrate types /proc/pagetypeinfo lists on
// Debian's kernel (CONFIG_CMA and CONFIG_MEMORY_ISOLATION are on; mmplay
// never puts a block on the last two).
var pagetypeinfoTypes = []string{"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"}

// PageTypeInfo returns /proc/pagetypeinfo (mm/vmstat.c:pagetypeinfo_show):
// the free blocks per zone, migrate type and order, then the pageblocks
// of each type. Linux 2.0 had no such file: ok is false there.
func (a *Allocator) PageTypeInfo() (string, bool) {
	if a.legacy {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Page block order: %d\n", PageblockOrder)
	fmt.Fprintf(&b, "Pages per block:  %d\n\n", PageblockPages)
	fmt.Fprintf(&b, "%-43s ", "Free pages count per migrate type at order")
	for o := 0; o < a.maxOrder; o++ {
		fmt.Fprintf(&b, "%6d ", o)
	}
	b.WriteByte('\n')
	for id := range a.zones {
		z := &a.zones[id]
		if !z.Populated() {
			continue
		}
		for mt, name := range pagetypeinfoTypes {
			fmt.Fprintf(&b, "Node %4d, zone %8s, type %12s ", 0, z.ID, name)
			for o := 0; o < a.maxOrder; o++ {
				var n uint64
				if mt < int(NumMigrateTypes) {
					n = z.FreeArea[o].List[mt].N
				}
				fmt.Fprintf(&b, "%6d ", n)
			}
			b.WriteByte('\n')
		}
	}
	fmt.Fprintf(&b, "\n%-23s", "Number of blocks type ")
	for _, name := range pagetypeinfoTypes {
		fmt.Fprintf(&b, "%12s ", name)
	}
	b.WriteByte('\n')
	for id := range a.zones {
		z := &a.zones[id]
		if !z.Populated() {
			continue
		}
		var count [6]uint64
		for pfn := z.StartPFN; pfn < z.EndPFN; pfn = (pfn + PageblockPages) &^ (PageblockPages - 1) {
			count[a.pageblockType(pfn)]++
		}
		fmt.Fprintf(&b, "Node %d, zone %8s ", 0, z.ID)
		for _, n := range count {
			fmt.Fprintf(&b, "%12d ", n)
		}
		b.WriteByte('\n')
	}
	return b.String(), true
}
