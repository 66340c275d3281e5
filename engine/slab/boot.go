package slab

import (
	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// BootFill allocates up to n objects of c for the kernel's own boot-time
// work (package kernel, "Boot") and returns how many it made: what n
// calls of kmem_cache_alloc(c, gfp) would leave behind, made a slab at a
// time. Objects come from the CPU slab and the partial slabs first, one
// by one; then each new slab is taken from the page allocator exactly as
// allocate_slab takes it (same order, flags and migrate type) and its
// first objects in hand-out order are marked in use at once.
//
// A simplification of the objects' contents: their bytes stay zero (the
// kernel's owners write their own data, which mmplay does not model), and
// only the objects left free get their free pointers written. With
// init_on_alloc=0 the kernel would hand out a fresh slab's objects with
// SLUB's free pointers still inside.
func (a *Allocator) BootFill(c *Cache, n int, gfp buddy.GFP) int {
	made := 0
	for made < n && (c.cpu != nil && len(c.cpu.free) > 0 || len(c.partial) > 0) {
		if p, _ := c.alloc(gfp, uint64(c.ObjectSize)); p == 0 {
			return made
		}
		made++
	}
	for made < n {
		k := min(n-made, c.ObjPerSlab)
		if !c.bootSlab(gfp, k) {
			return made
		}
		made += k
	}
	return made
}

// bootSlab is allocate_slab for BootFill: a new slab with its first k
// objects (in the order the free list would hand them out) allocated; it
// becomes the CPU slab, as the slab ___slab_alloc takes for the next
// allocation does.
func (c *Cache) bootSlab(gfp buddy.GFP, k int) bool {
	a := c.a
	g := gfp&^(buddy.GFP__ZERO|buddy.GFP__DMA|buddy.GFP__DMA32|buddy.GFP__RECLAIMABLE) | c.allocGFP | buddy.GFP__ZERO
	pfn, err := a.pages.AllocPages(g, c.Order, phys.OwnerSlab)
	if err != nil {
		return false
	}
	n := c.ObjPerSlab
	s := a.newSlabStruct()
	*s = slab{pfn: pfn, base: a.base + pfn<<arch.PageShift, cache: c, inuse: k}
	c.inuse += k
	c.slabs = append(c.slabs, s)
	a.mapSlab(pfn, c.Order, s)
	if c.cpu != nil && len(c.cpu.free) > 0 {
		c.partial = append(c.partial, c.cpu) // deactivate_slab: back to the partial list
	}
	c.cpu = s
	if a.rec != nil {
		a.record(arch.EvAlloc, s.base, arch.PageSize<<c.Order, pfn, c.Order, "new slab of "+c.Name)
	}
	if k == n {
		return true // req stays nil: every object in use (slab.reqOf)
	}
	c.bootObjects(s, k, n)
	return true
}

// bootObjects sets up the objects of a slab bootSlab made: the first k
// allocated (their requests recorded), the others on its free list.
//
// RATIONALE: bootSlab's loops live here, apart: the boot makes about 2700
// slabs, and V8 charges a wasm function's tier-up budget by its size at
// each loop back edge, so loops in a large function get that function
// recompiled by the page's optimising compiler during the cold load (see
// declSpecs in engine/cc/syntax).
//
//go:noinline
func (c *Cache) bootObjects(s *slab, k, n int) {
	s.free, s.req = make([]int32, 0, n-k), make([]uint32, n)
	// order(j) is the j-th object handed out
	pos := 0
	if c.randomSeq != nil {
		pos = int(c.a.rng.next() % uint64(n))
	}
	order := func(j int) int32 {
		if c.randomSeq != nil {
			return c.randomSeq[(pos+j)%n]
		}
		return int32(j)
	}
	for j := 0; j < k; j++ {
		s.req[order(j)] = c.ObjectSize
	}
	// the free ones, head last: order(k) is handed out next
	for j := n - 1; j >= k; j-- {
		s.free = append(s.free, order(j))
	}
	s.writeFreeChain()
}

// BeginBoot starts the kernel's boot work: until EndBoot nothing is
// recorded, and the free pointers inside free objects are not written as
// the free lists change; EndBoot writes them for the slabs that are left.
// The final bytes are the same, except that objects the boot allocated
// keep zeros where a stale free pointer would be, and the pages of slabs
// the boot made and discarded come back to the page allocator zeroed
// (modelled: a saving of thousands of page writes per boot).
func (a *Allocator) BeginBoot() {
	a.booting = true
	a.bootRec, a.rec = a.rec, nil
}

// EndBoot ends the boot's work: the free pointers are written, the
// recorder is back, and every slab that exists now is the boot's: until
// one of its objects is allocated or freed, Snapshot counts it in its
// cache's BootSlabs instead of listing its objects.
func (a *Allocator) EndBoot() {
	if a.booting {
		a.booting = false
		a.rec = a.bootRec
	}
	for _, c := range a.allCaches() {
		for _, s := range c.slabs {
			s.boot = true
			if s.fpStale {
				s.fpStale = false
				s.writeFreeChain()
			}
		}
	}
}
