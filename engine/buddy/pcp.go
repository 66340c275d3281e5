package buddy

import (
	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// The per-CPU page lists (mm/page_alloc.c, struct per_cpu_pages; facts
// §3.5). mmplay's machine has one CPU, as the reference guest had (QEMU
// -smp 1), so each zone has one set of lists.
const (
	// nrLowOrderPCPLists is NR_LOWORDER_PCP_LISTS: one list per
	// MIGRATE_PCPTYPES type for each order 0 … PAGE_ALLOC_COSTLY_ORDER.
	nrLowOrderPCPLists = int(migratePCPTypes) * (CostlyOrder + 1)
	// NrPCPLists is NR_PCP_LISTS: plus the two THP lists for
	// pageblock_order (movable and the others), CONFIG_TRANSPARENT_HUGEPAGE.
	NrPCPLists = nrLowOrderPCPLists + 2
	// bootPagesetHigh and bootPagesetBatch are BOOT_PAGESET_HIGH and
	// BOOT_PAGESET_BATCH: the boot pageset keeps nothing.
	bootPagesetHigh  = 0
	bootPagesetBatch = 1
	// pcpBatchScaleMax is CONFIG_PCP_BATCH_SCALE_MAX (default 5).
	pcpBatchScaleMax = 5
)

// PerCPUPages is struct per_cpu_pages of the one CPU.
//
// Invariants: Count = Σ N·2^order over the lists; every block on a list
// has FlagPCP and the list's order; Batch ≥ 1.
type PerCPUPages struct {
	Count      int // pages on the lists
	High       int // free down to this when Count reaches it (0: the boot pageset)
	Batch      int // blocks taken from or given back to the buddy lists at a time
	FreeFactor int // free_factor: frees without allocations in between double the batch
	Lists      [NrPCPLists]FreeList
}

// pcpAllowedOrder is pcp_allowed_order.
func pcpAllowedOrder(order int) bool {
	return order <= CostlyOrder || order == PageblockOrder
}

// orderToPindex is order_to_pindex.
func orderToPindex(mt MigrateType, order int) int {
	if order > CostlyOrder {
		if mt == MigrateMovable {
			return nrLowOrderPCPLists + 1
		}
		return nrLowOrderPCPLists
	}
	return int(migratePCPTypes)*order + int(mt)
}

// PindexToOrder is pindex_to_order.
func PindexToOrder(pindex int) int {
	if pindex >= nrLowOrderPCPLists {
		return PageblockOrder
	}
	return pindex / int(migratePCPTypes)
}

// PindexType is the migrate type a pcp list holds (the THP list of the
// non-movable types shows as Unmovable).
func PindexType(pindex int) MigrateType {
	if pindex >= nrLowOrderPCPLists {
		if pindex == nrLowOrderPCPLists+1 {
			return MigrateMovable
		}
		return MigrateUnmovable
	}
	return MigrateType(pindex % int(migratePCPTypes))
}

// zoneBatchsize is zone_batchsize: about 0.1 % of the zone, at most 1 MiB,
// divided by 4 and clamped to 2^n − 1 (facts §3.5).
func zoneBatchsize(managed uint64) int {
	batch := int(min(managed>>10, (1<<20)/arch.PageSize))
	batch /= 4
	if batch < 1 {
		batch = 1
	}
	return roundDownPow2(batch+batch/2) - 1
}

func roundDownPow2(x int) int {
	p := 1
	for p*2 <= x {
		p *= 2
	}
	return p
}

// zoneHighsize is zone_highsize with percpu_pagelist_high_fraction 0: the
// zone's low watermark split across the node's one CPU, at least 4·batch.
func zoneHighsize(z *Zone, batch int) int {
	const nrSplitCPUs = 1
	return max(int(z.WmarkLow)/nrSplitCPUs, batch<<2)
}

// SetupPCP is setup_per_cpu_pageset: the boot pagesets are replaced by
// real per-CPU lists with batch and high from zone_set_pageset_high_and_batch.
// With early, the watermarks are taken as not set yet (they are computed
// by an initcall that runs later), so high is 4·batch; a second call
// without early is that initcall's zone_pcp_update. Linux 2.0 had no
// per-CPU lists: the call does nothing there.
func (a *Allocator) SetupPCP(early bool) {
	if a.legacy {
		return
	}
	for i := range a.zones {
		z := &a.zones[i]
		if !z.Populated() {
			continue
		}
		a.setPagesetHighAndBatch(z)
		if early {
			z.PCP.High = z.PCP.Batch << 2
		}
	}
}

// updatePCP is zone_pcp_update for every zone that has real lists.
func (a *Allocator) updatePCP() {
	for i := range a.zones {
		if z := &a.zones[i]; z.Populated() && z.PCP.High != bootPagesetHigh {
			a.setPagesetHighAndBatch(z)
		}
	}
}

func (a *Allocator) setPagesetHighAndBatch(z *Zone) {
	batch := max(1, zoneBatchsize(z.Managed))
	z.PCP.Batch, z.PCP.High = batch, zoneHighsize(z, batch)
}

// rmqueuePCP is rmqueue_pcplist + __rmqueue_pcplist: the head of the
// list for (mt, order); an empty list is refilled first with batch
// blocks (batch >> order, at least 2) taken one by one by __rmqueue and
// appended in order (rmqueue_bulk).
func (a *Allocator) rmqueuePCP(z *Zone, order int, mt MigrateType, af allocFlags) (uint64, bool) {
	pcp := &z.PCP
	pcp.FreeFactor >>= 1
	l := &pcp.Lists[orderToPindex(mt, order)]
	if l.Head == phys.NoPFN {
		batch := pcp.Batch
		if batch > 1 {
			batch = max(batch>>order, 2)
		}
		got := 0
		for i := 0; i < batch; i++ {
			pfn, ok := a.rmqueueType(z, order, mt, af)
			if !ok {
				break
			}
			f := &a.frames[pfn]
			f.Flags |= phys.FlagPCP
			f.Order = uint8(order)
			setFrameMT(f, mt) // set_pcppage_migratetype
			a.pushTail(l, pfn)
			got++
		}
		pcp.Count += got << order
		if l.Head == phys.NoPFN {
			return 0, false
		}
	}
	pfn := uint64(l.Head)
	a.unlink(l, pfn)
	f := &a.frames[pfn]
	f.Flags &^= phys.FlagPCP | phys.FlagMTMask
	pcp.Count -= 1 << order
	return pfn, true
}

// freeUnrefPage is free_unref_page + free_unref_page_commit: the block
// goes to the head of its pcp list, typed by its pageblock (HIGHATOMIC
// blocks wait on the movable list but go back as HIGHATOMIC); when the
// lists hold high pages or more, a batch goes back to the buddy lists.
// Freeing a page of order 1–3 after a free that had to drain, with no
// allocation in between, drains everything (free_high).
// Precondition: the frames are already marked free.
func (a *Allocator) freeUnrefPage(z *Zone, pfn uint64, order int) {
	pcp := &z.PCP
	mt := a.pageblockType(pfn)
	pcpMT := mt
	if mt >= migratePCPTypes {
		pcpMT = MigrateMovable
	}
	f := &a.frames[pfn]
	f.Flags |= phys.FlagPCP
	f.Order = uint8(order)
	setFrameMT(f, mt)
	pindex := orderToPindex(pcpMT, order)
	a.pushHead(&pcp.Lists[pindex], pfn)
	pcp.Count += 1 << order
	freeHigh := pcp.FreeFactor > 0 && order > 0 && order <= CostlyOrder
	high := pcp.High
	if freeHigh {
		high = 0 // nr_pcp_high
	}
	if pcp.Count >= high {
		a.freePCPBulk(z, a.nrPCPFree(pcp, high, freeHigh), pindex)
	}
}

// nrPCPFree is nr_pcp_free: how many pages to give back.
func (a *Allocator) nrPCPFree(pcp *PerCPUPages, high int, freeHigh bool) int {
	if freeHigh {
		return pcp.Count
	}
	batch := pcp.Batch
	if high < batch {
		return 1
	}
	minNr, maxNr := batch, high-batch
	batch <<= pcp.FreeFactor
	if batch < maxNr && pcp.FreeFactor < pcpBatchScaleMax {
		pcp.FreeFactor++
	}
	return min(max(batch, minNr), maxNr)
}

// freePCPBulk is free_pcppages_bulk: count pages go back to the buddy
// lists, the list of pindex first, then the others round robin, each
// list from its tail (the coldest page), each block with the type it
// carries.
func (a *Allocator) freePCPBulk(z *Zone, count, pindex int) {
	pcp := &z.PCP
	count = min(pcp.Count, count)
	minP, maxP := 0, NrPCPLists-1
	pindex--
	for count > 0 {
		var l *FreeList
		for {
			pindex++
			if pindex > maxP {
				pindex = minP
			}
			l = &pcp.Lists[pindex]
			if l.Head != phys.NoPFN {
				break
			}
			if pindex == maxP {
				maxP--
			}
			if pindex == minP {
				minP++
			}
		}
		order := PindexToOrder(pindex)
		for {
			pfn := uint64(l.Tail)
			a.unlink(l, pfn)
			f := &a.frames[pfn]
			mt := frameMT(f)
			f.Flags &^= phys.FlagPCP | phys.FlagMTMask
			count -= 1 << order
			pcp.Count -= 1 << order
			a.freeOne(pfn, order, mt, false)
			if count <= 0 || l.Head == phys.NoPFN {
				break
			}
		}
	}
}

// DrainPCP is drain_all_pages(NULL): every per-CPU list goes back to the
// buddy lists, batch << CONFIG_PCP_BATCH_SCALE_MAX pages at a time.
func (a *Allocator) DrainPCP() {
	for i := range a.zones {
		z := &a.zones[i]
		for z.PCP.Count > 0 {
			a.freePCPBulk(z, min(z.PCP.Count, z.PCP.Batch<<pcpBatchScaleMax), 0)
		}
	}
}
