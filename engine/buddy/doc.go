// Package buddy is the page allocator: the binary buddy system of Linux
// 6.1's mm/page_alloc.c, per zone, with free lists per order, split on
// allocation, merge on free, watermarks and zone fallback.
//
// # Data structures
//
// Each Zone (struct zone) has a FreeArea per order 0 … MaxOrder-1
// (free_area[MAX_ORDER]): a doubly linked list of the first frames of free
// blocks of that order, threaded through phys.Frame.Next/Prev, with its
// nr_free count. MaxOrder is 11 for kernel 6.1 (orders 0…10, the largest
// block 4 MiB; include/linux/mmzone.h MAX_ORDER, reference/facts.md §3.1)
// and 6 for kernel 2.0 (NR_MEM_LISTS 6: orders 0…5, 128 KiB). A free block
// of order n is 2^n frames starting at a pfn that is a multiple of 2^n; its
// first frame carries phys.FlagBuddy and the order (PageBuddy,
// set_buddy_order), the other frames are just OwnerFree.
//
// # Boot
//
//  1. Every frame that phys left free (not reserved) is handed over in runs
//     of consecutive free frames, each cut into the largest naturally aligned
//     blocks: order = min(MaxOrder-1, lowest set bit of pfn), shrunk until the
//     block fits (mm/memblock.c:__free_pages_memory, facts §3.2).
//  2. Each block is freed like any other (step 2 below), with FPI_TO_TAIL
//     (mm/page_alloc.c:__free_pages_core), so blocks merge with free buddies
//     and a fresh machine's free memory is mostly order-10 blocks.
//  3. Watermarks are set from min_free_kbytes = int_sqrt(lowmem_kbytes·16),
//     clamped to [128, 262144] (mm/page_alloc.c:calculate_min_free_kbytes):
//     zone min = pages_min·managed/lowmem_managed, tmp = max(min/4,
//     managed·10/10000), low = min+tmp, high = low+tmp
//     (__setup_per_zone_wmarks, facts §3.6); lowmem_reserve with the
//     ratios 256, 256, 32 (setup_per_zone_lowmem_reserve).
//
// # Allocate: AllocPages(gfp, order)  (compare __alloc_pages)
//
//  1. order ≥ MaxOrder fails at once (the kernel warns once, facts §3.1).
//  2. The zonelist is walked from the highest zone the GFP flags allow down
//     (gfp_zone: __GFP_DMA → DMA, __GFP_DMA32 → DMA32, else Normal; then
//     Normal → DMA32 → DMA). Fast path: a zone is used only if
//     zone_watermark_ok at the low watermark
//     (get_page_from_freelist with ALLOC_WMARK_LOW).
//  3. In a zone, __rmqueue_smallest: for current = order … MaxOrder-1, take
//     the first block of free_area[current]; expand: while current > order,
//     current−1 and the upper half goes to the head of free_area[current]
//     (an EvSplit event); the caller keeps the lowest 2^order frames.
//  4. Slow path: the same walk against the min watermark, reduced by half
//     for __GFP_HIGH and by a further quarter for atomic requests
//     (ALLOC_HIGH/ALLOC_HARDER in 6.1.0, __zone_watermark_ok): GFP_ATOMIC may
//     go down to 37.5 % of min. An OOM victim (OOMKiller.OOMReserves)
//     then retries with ALLOC_OOM alone: half of min. There is nothing to
//     reclaim in the model (no page cache, no swap), so next, when the
//     kernel would (AllocError.MayOOM: may sleep, order ≤ 3, no
//     __GFP_NORETRY/__GFP_RETRY_MAYFAIL/__GFP_THISNODE, Normal zone
//     allowed), the kernel's OOM killer runs (SetOOM; compare
//     __alloc_pages_may_oom), and a request it made progress for is
//     retried once. Otherwise the failure is final: the caller warns
//     (warn_alloc). init_on_alloc's zeroing travels as GFPInitOnAlloc, a
//     marker stripped from every mask the allocator reports.
//
// # Free: FreePages(pfn, order)  (compare __free_pages → __free_one_page)
//
//  1. Every frame of the block is checked (free_pages_prepare): a frame that
//     is already free, reserved, or still referenced makes the free fail
//     with a *BadPageError, and nothing is freed (bad_page, facts §3.9).
//  2. While order < MaxOrder-1: buddy = pfn ^ (1<<order); if the buddy is a
//     free block head of the same order in the same zone, unlink it, pfn &=
//     buddy, order+1 (an EvMerge event).
//  3. Insert at the head of free_area[order], or at the tail if the block's
//     own buddy one order up is free (buddy_merge_likely), or if the caller
//     asked for the tail (boot).
//
// # Simplifications (documented, cheap to lift later)
//
//   - One free list per order instead of one per migrate type: every block
//     behaves as MIGRATE_MOVABLE at boot does; the measured kernel's order-7
//     steal (reference/kernel/README.md) is therefore not reproduced.
//   - No per-CPU page lists: orders 0…3 go straight to the buddy lists, so
//     /proc/buddyinfo changes 1:1 with every allocation and free (the real
//     kernel batches them; facts §3.5).
//   - No compaction, no reclaim, no HIGHATOMIC reserve, no
//     ALLOC_NOFRAGMENT.
package buddy
