package kernel

import (
	"fmt"
	"sort"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// memblockRegion is one memblock.reserved range made by mmplay's boot or a
// memblock_alloc call.
type memblockRegion struct {
	start, end uint64 // pfn range [start, end)
	what       string
}

// memblockState is memblock as far as the model keeps it: the regions it
// handed out (never freed) and the current limit.
//
// Invariant: regions do not overlap; every frame in them is FlagReserved
// with owner OwnerMemblock.
type memblockState struct {
	regions []memblockRegion
	limit   uint64 // memblock.current_limit as a pfn (exclusive)
	percpu  uint64 // pages of per-CPU first chunks
}

func (m *memblockState) check(mem *phys.Mem) error {
	rs := append([]memblockRegion(nil), m.regions...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].start < rs[j].start })
	for i, r := range rs {
		if i > 0 && r.start < rs[i-1].end {
			return fmt.Errorf("kernel: memblock regions %q and %q overlap", rs[i-1].what, r.what)
		}
		for pfn := r.start; pfn < r.end; pfn++ {
			if f := mem.Frame(pfn); f.Owner != phys.OwnerMemblock || f.Flags&phys.FlagReserved == 0 {
				return fmt.Errorf("kernel: memblock %q pfn %#x is %s", r.what, pfn, f.Owner)
			}
		}
	}
	return nil
}

// memblockBoot makes the boot-time memblock reservations before the buddy
// allocator exists, in setup_arch → start_kernel → mm_init order, each
// top-down below memblock.current_limit (the end of RAM), as the plan of
// bootplan.go lists them.
func (k *Kernel) memblockBoot() error {
	k.memblock.limit = k.Mem.LowmemEnd() // memblock.current_limit: max_low_pfn on i386
	if k.cfg.Kernel == "2.0" {
		return nil // Linux 2.0 had no memblock; its boot took the image only
	}
	if k.initrd.pages > 0 {
		// early_reserve_initrd: the boot loader's copy of the initramfs
		top := k.initrdTop()
		k.initrd.start = top - k.initrd.pages
		if err := k.Mem.Reserve(k.initrd.start, top, phys.OwnerMemblock); err != nil {
			return fmt.Errorf("kernel: no room for the initramfs: %v", err)
		}
		k.memblock.regions = append(k.memblock.regions, memblockRegion{k.initrd.start, top, "initrd (RAMDISK)"})
	}
	for _, st := range k.plan.memblock {
		limit := k.memblock.limit
		if st.low {
			limit = min(limit, phys.MaxDMA32PFN) // memblock_alloc_low: below 4 GiB
		}
		start, ok := k.memblockReserve(st.pages, st.align, limit, st.what)
		if !ok {
			if st.optional {
				k.pr(LogErr, "%s", st.failMsg)
				continue
			}
			return fmt.Errorf("kernel: no memory for %s (%s)", st.what, arch.Count(st.pages, "page"))
		}
		if st.keep > 0 && st.keep < st.pages {
			// the unused tail is memblock_free'd before the buddy
			// allocator takes over (pcpu_embed_first_chunk's pcpu_fc_free)
			if err := k.memblockGiveBack(start+st.keep, start+st.pages); err != nil {
				return err
			}
		}
		if st.percpu {
			k.memblock.percpu += st.keep
		}
	}
	return nil
}

// memblockGiveBack is memblock_free of the tail of the last region:
// before memblock_free_all the frames simply stop being reserved.
func (k *Kernel) memblockGiveBack(start, end uint64) error {
	r := &k.memblock.regions[len(k.memblock.regions)-1]
	if start <= r.start || end != r.end {
		return fmt.Errorf("kernel: memblock_free of [%#x, %#x) is not the tail of %q", start, end, r.what)
	}
	for pfn := start; pfn < end; pfn++ {
		f := k.Mem.Frame(pfn)
		f.Owner, f.Flags, f.Refcount = phys.OwnerFree, 0, 0
	}
	r.end = start
	return nil
}

// memblockReserve finds the highest free range of n frames aligned to
// align frames below limit (memblock_find_in_range_node, top-down) and
// reserves it. Before the buddy allocator runs this uses phys.Reserve.
func (k *Kernel) memblockReserve(n, align, limit uint64, what string) (uint64, bool) {
	if n == 0 || k.Pages != nil {
		return 0, false // after boot memblock has nothing left to give
	}
	for end := limit; end >= n; {
		start := (end - n) &^ (align - 1)
		clash := uint64(0)
		found := true
		for pfn := start + n; pfn > start; pfn-- {
			if f := k.Mem.Frame(pfn - 1); f.Owner != phys.OwnerFree || f.Flags != 0 {
				clash, found = pfn-1, false
				break
			}
		}
		if found {
			if err := k.Mem.Reserve(start, start+n, phys.OwnerMemblock); err != nil {
				return 0, false
			}
			k.memblock.regions = append(k.memblock.regions, memblockRegion{start, start + n, what})
			return start, true
		}
		if clash < n {
			break
		}
		end = clash
	}
	return 0, false
}

// MemblockAlloc is memblock_alloc(size, align): boot-time memory,
// contiguous, zeroed, top-down below memblock.current_limit, never freed.
//
// A snippet's call runs after boot, when memblock has already handed its
// free memory to the buddy allocator (memblock_free_all). The real 6.1
// memblock_alloc_internal then WARNs (WARN_ON_ONCE(slab_is_available()))
// and falls back to kzalloc. mmplay models the call as if the snippet were
// built-in code running at boot: it takes the highest suitable block that
// is still free out of the buddy allocator (an order-N block covering the
// request, aligned), marks its frames reserved and owned by memblock, and
// never returns them — which is what a boot-time allocation looks like
// afterwards. It returns the direct-map address, or 0 when no block fits.
func (k *Kernel) MemblockAlloc(size, align uint64) uint64 {
	if size == 0 {
		return 0
	}
	if align == 0 {
		align = 8 // SMP_CACHE_BYTES is the usual caller's value; 0 is "any" in 6.1 (with a warning)
	}
	limit := uint64(arch.PageSize) << (k.maxOrder() - 1)
	if size > limit || align > limit {
		return 0 // larger than any buddy block: nothing in the model can hold it
	}
	n := arch.PageAlignUp(size) >> arch.PageShift
	alignPages := max(arch.PageAlignUp(align)>>arch.PageShift, 1)
	order := 0
	for uint64(1)<<order < max(n, alignPages) {
		order++
	}
	// Take whole buddy blocks: ask the allocator for the block, then keep it
	// for memblock. buddy hands out the lowest block of the first list; the
	// top-down placement of real memblock is therefore not reproduced after
	// boot (documented in doc.go).
	pfn, err := k.Pages.AllocPages(buddy.GFP_KERNEL|buddy.GFP__ZERO, order, phys.OwnerMemblock)
	if err != nil {
		return 0
	}
	for i := uint64(0); i < 1<<order; i++ {
		f := k.Mem.Frame(pfn + i)
		f.Owner, f.Flags, f.Refcount = phys.OwnerMemblock, phys.FlagReserved, 1
	}
	// The frames past n are freed back, as memblock only reserves n pages:
	// mmplay keeps them reserved too (the block is the unit the model can
	// take from the buddy allocator) and says so in the region name.
	what := "memblock_alloc"
	if uint64(1)<<order > n {
		what = fmt.Sprintf("memblock_alloc (%s, rounded up to order %d)", arch.Count(n, "page"), order)
	}
	k.memblock.regions = append(k.memblock.regions, memblockRegion{pfn, pfn + 1<<order, what})
	if k.module != nil {
		k.module.memblock += 1 << order
	}
	return PfnToVirt(pfn)
}

// MemblockReservedPages is the number of frames memblock holds.
func (k *Kernel) MemblockReservedPages() uint64 {
	var n uint64
	for _, r := range k.memblock.regions {
		n += r.end - r.start
	}
	return n
}
