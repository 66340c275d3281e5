// Package buddy is the page allocator: the binary buddy system of Linux
// 6.1's mm/page_alloc.c, per zone, with free lists per order and migrate
// type, pageblocks, per-CPU page lists, split on allocation, merge on
// free, watermarks, zone fallback and migrate-type fallback with
// pageblock stealing. kernel=2.0 runs the same code in Legacy mode: one
// list per order, no migrate types, no per-CPU lists (2.0 had neither).
//
// # Data structures
//
// Each Zone (struct zone) has a FreeArea per order 0 … MaxOrder-1
// (free_area[MAX_ORDER]): one doubly linked list per migrate type
// (free_list[MIGRATE_TYPES]: Unmovable, Movable, Reclaimable, HighAtomic)
// of the first frames of free blocks, threaded through phys.Frame.Next/Prev,
// and nr_free, the blocks on all of them. MaxOrder is 11 for kernel 6.1
// (orders 0…10, the largest block 4 MiB; include/linux/mmzone.h
// MAX_ORDER, reference/facts.md §3.1) and 6 for kernel 2.0 (NR_MEM_LISTS
// 6: orders 0…5, 128 KiB). A free block of order n is 2^n frames starting
// at a pfn that is a multiple of 2^n; its first frame carries
// phys.FlagBuddy, the order (PageBuddy, set_buddy_order) and the type of
// its list, the other frames are just OwnerFree.
//
// Memory is grouped in pageblocks of 512 frames (pageblock_order 9, the
// 2 MiB huge page), each with a migrate type (the pageblock bitmap,
// get_pfnblock_migratetype). A free block is put on the list of its
// pageblock's type.
//
// Each zone has one PerCPUPages (struct per_cpu_pages): mmplay's machine
// has one CPU, as the reference guest had (-smp 1). It holds
// NR_PCP_LISTS = 14 lists: Unmovable, Movable and Reclaimable for each
// order 0…3 (PAGE_ALLOC_COSTLY_ORDER), and two for order 9 (THP: movable
// and the rest); Count is the pages on them, Batch and High their limits
// (facts §3.5). Blocks on these lists carry phys.FlagPCP: they are free
// but not in nr_free, so /proc/buddyinfo does not show them (meminfo's
// MemFree does not count them either; zoneinfo prints them per CPU).
//
// A Frame stays 20 bytes: the migrate type and FlagPCP live in its flag
// byte, the pageblock types in one byte per 2 MiB. Metadata stays at 28
// bytes per frame (package phys).
//
// # Boot
//
//  1. memmap_init: every pageblock whose first frame is RAM in the
//     firmware's map is MIGRATE_MOVABLE; the others stay 0, Unmovable. On
//     x86 pfn 0 is firmware-reserved, so the DMA zone's first pageblock is
//     Unmovable, as /proc/pagetypeinfo shows on a real machine.
//  2. memblock_free_all: every frame that phys left free is handed over in
//     runs of consecutive free frames, each cut into the largest naturally
//     aligned blocks: order = min(MaxOrder-1, lowest set bit of pfn),
//     shrunk until the block fits (__free_pages_memory, facts §3.2), each
//     freed with FPI_TO_TAIL (__free_pages_core), so blocks merge and a
//     fresh zone is mostly order-10 blocks. The per-CPU lists are the
//     boot pageset (high 0, batch 1): nothing stays on them.
//  3. Watermarks (SetupWatermarks, init_per_zone_wmark_min, an initcall):
//     min_free_kbytes = int_sqrt(nr_free_buffer_pages·4·16), clamped to
//     [128, 262144] (calculate_min_free_kbytes); zone min =
//     pages_min·managed/lowmem_managed, tmp = max(min/4, managed·10/10000),
//     low = min+tmp, high = low+tmp (__setup_per_zone_wmarks, facts §3.6);
//     lowmem_reserve with the ratios 256, 256, 32. A HighMem zone's min
//     is managed/1024 clamped to 32 … 128 pages, and lowmem_managed and
//     nr_free_buffer_pages leave HighMem out. With transparent huge
//     pages (machines of 512 MiB and more: Debian enables THP there)
//     khugepaged raises min_free_kbytes (RecommendedMinFreeKbytes).
//  4. SetupPCP (setup_per_cpu_pageset, during start_kernel): batch =
//     zone_batchsize (managed/1024 capped at 1 MiB of pages, /4, rounded
//     down to 2^n − 1); high = zone_highsize (the zone's low watermark
//     for the node's one CPU, at least 4·batch). Before the watermarks
//     exist high is 4·batch; the initcall updates it (zone_pcp_update).
//     A 256 MiB machine's DMA32: batch 7, high 28, then 497 (/proc/zoneinfo).
//
// # Allocate: AllocPages(gfp, order)  (compare __alloc_pages)
//
//  1. order ≥ MaxOrder fails at once (the kernel warns once, facts §3.1).
//  2. The migrate type comes from the GFP flags (gfp_migratetype):
//     __GFP_MOVABLE → Movable (user pages, page cache), __GFP_RECLAIMABLE
//     → Reclaimable, else Unmovable (GFP_KERNEL, slab, page tables).
//  3. The zonelist is walked from the highest zone the flags allow down
//     (gfp_zone: __GFP_DMA → DMA, __GFP_DMA32 → DMA32, else Normal; then
//     Normal → DMA32 → DMA). On i386 (GFPZone) __GFP_HIGHMEM (user pages,
//     page cache, vmalloc's pages) selects HighMem and __GFP_DMA32 Normal:
//     HighMem → Normal → DMA. Fast path: a zone is used only if
//     zone_watermark_fast at the low watermark. While a Normal zone is
//     preferred the fast path sets ALLOC_NOFRAGMENT
//     (alloc_flags_nofragment; x86-64 only, it needs CONFIG_ZONE_DMA32): a fallback may only take whole pageblocks,
//     and a walk that finds nothing is repeated without it.
//  4. rmqueue: orders 0–3 and 9 come from the per-CPU list of their order
//     and type (rmqueue_pcplist). An empty list is refilled first with
//     batch blocks (batch >> order, at least 2, for order > 0) taken one
//     by one from the buddy lists (rmqueue_bulk), each put at the list's
//     tail; the head is returned. Other orders, and a refill that found
//     nothing, go to the buddy lists (rmqueue_buddy).
//  5. __rmqueue_smallest: for current = order … MaxOrder-1, take the first
//     block of free_area[current].free_list[mt]; expand: while current >
//     order, current−1 and the upper half goes to the head of that list
//     (an EvSplit event); the caller keeps the lowest 2^order frames.
//  6. Nothing of the type: __rmqueue_fallback looks, from the largest
//     order down, for a block on a fallback type's list (fallbacks[]:
//     Unmovable → Reclaimable, Movable; Movable → Reclaimable, Unmovable;
//     Reclaimable → Unmovable, Movable). steal_suitable_fallback: a block
//     of a pageblock or more changes its pageblocks' type; a smaller one
//     may steal when the order is ≥ 4 or the request is not movable
//     (can_steal_fallback): the other free blocks of its pageblock move to
//     the new type's lists (move_freepages_block), and the pageblock
//     changes type if at least half of it is free or of a compatible kind
//     (movable pages in use, for a movable request). Then step 5 again. A
//     movable request that may not steal takes the smallest fitting block
//     instead, leaving the pageblock's type alone.
//  7. Slow path: the same walk against the min watermark with the
//     caller's reserves (6.1.y's ALLOC_MIN_RESERVE for __GFP_HIGH,
//     ALLOC_NON_BLOCK for requests that cannot reclaim, __zone_watermark_ok:
//     GFP_ATOMIC may go down to 37.5 % of min), then an OOM victim's
//     (ALLOC_OOM: half of min). A high-order request that cannot reclaim
//     (ALLOC_HIGHATOMIC) may use and then reserve a MIGRATE_HIGHATOMIC
//     pageblock (reserve_highatomic_pageblock, at most 1 % of the zone
//     plus one pageblock); before the OOM killer the reserve is given back
//     (unreserve_highatomic_pageblock). There is nothing to reclaim or
//     compact in the model, so next, when the kernel would
//     (AllocError.MayOOM: may sleep, order ≤ 3, no
//     __GFP_NORETRY/__GFP_RETRY_MAYFAIL/__GFP_THISNODE, Normal zone
//     allowed), the kernel's OOM killer runs (SetOOM; compare
//     __alloc_pages_may_oom), and a request it made progress for is
//     retried once. Otherwise the failure is final: the caller warns
//     (warn_alloc). init_on_alloc's zeroing travels as GFPInitOnAlloc, a
//     marker stripped from every mask the allocator reports.
//
// # Free: FreePages(pfn, order)  (compare __free_pages)
//
//  1. Every frame of the block is checked (free_pages_prepare): a frame that
//     is already free, reserved, or still referenced makes the free fail
//     with a *BadPageError, and nothing is freed (bad_page, facts §3.9).
//  2. Orders 0–3 and 9 go to the head of their per-CPU list, typed by the
//     pageblock (free_unref_page; a HighAtomic block waits on the Movable
//     list and goes back as HighAtomic). When Count reaches High, a batch
//     goes back (free_pcppages_bulk): the list just freed to first, then
//     the others round robin, each from its tail; nr_pcp_free doubles the
//     batch for every free without an allocation in between (free_factor,
//     up to CONFIG_PCP_BATCH_SCALE_MAX 5), and a free of order 1–3 in such
//     a run frees the whole lists (free_high). DrainPCP is drain_all_pages.
//  3. __free_one_page: while order < MaxOrder-1: buddy = pfn ^ (1<<order);
//     if the buddy is a free block head of the same order in the same
//     zone (and, across a pageblock boundary from order 9 up, of a
//     mergeable type: not HighAtomic), unlink it, pfn &= buddy, order+1
//     (an EvMerge event).
//  4. Insert at the head of free_area[order].free_list[mt], or at the tail
//     if the block's buddy one order up is free (buddy_merge_likely), or
//     if the caller asked for the tail (boot).
//
// # Simplifications
//
//   - One CPU, one node.
//   - No reclaim, no compaction, no kswapd: a watermark is only checked,
//     never restored; watermark boosting (which steal_suitable_fallback
//     triggers for kswapd) is not modelled.
//   - No CMA area and no memory isolation: MIGRATE_CMA and
//     MIGRATE_ISOLATE exist in the real kernel (Debian builds CONFIG_CMA)
//     but hold nothing on the reference guest; /proc/pagetypeinfo prints
//     their rows as zeros, as the real one does.
//   - No free-list shuffling: CONFIG_SHUFFLE_PAGE_ALLOCATOR is built in
//     Debian's kernel, but mm/shuffle.c shuffles only with
//     page_alloc.shuffle=1 on the command line (or memory-side cache
//     hints from firmware, which a QEMU PC does not have), and the guest's
//     command line did not set it.
//   - The per-CPU lists are drained only by their own high limit and by
//     DrainPCP: the real kernel also drains them from vmstat's periodic
//     work (about once a second when idle) and before the OOM killer.
package buddy
