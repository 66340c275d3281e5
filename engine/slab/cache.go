package slab

import (
	"fmt"
	"math/bits"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// SlabFlags are kmem_cache_create's flags (include/linux/slab.h, 6.1 values).
type SlabFlags uint32

const (
	SLAB_HWCACHE_ALIGN   SlabFlags = 0x00002000 // align objects on a cache line
	SLAB_CACHE_DMA       SlabFlags = 0x00004000 // slabs from ZONE_DMA
	SLAB_TYPESAFE_BY_RCU SlabFlags = 0x00080000 // free pointer outside the object
	SLAB_RECLAIM_ACCOUNT SlabFlags = 0x00020000 // __GFP_RECLAIMABLE slabs, SReclaimable
	SLAB_ACCOUNT         SlabFlags = 0x04000000 // memcg accounted
	SLAB_PANIC           SlabFlags = 0x00040000 // panic if kmem_cache_create fails
	slabKmalloc          SlabFlags = 0x00800000 // SLAB_KMALLOC (internal)
	knownSlabFlags                 = SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_TYPESAFE_BY_RCU | SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT | SLAB_PANIC
	minPartial                     = 5  // MIN_PARTIAL (mm/slub.c)
	maxPartial                     = 10 // MAX_PARTIAL
)

// Cache is a kmem_cache (include/linux/slub_def.h) with SLUB's geometry.
//
// Invariants (CheckInvariants):
//   - Size is ObjectSize rounded up to 8 and to Align; Offset+8 ≤ Size.
//   - ObjPerSlab = (PAGE_SIZE << Order) / Size ≥ 1.
//   - cpu, if set, is one of slabs and not on partial; every slab on partial
//     has 0 < free objects and is not full; a slab that is neither cpu nor
//     partial is full (SLUB does not track full slabs without debugging).
//   - nrObjs = len(slabs) × ObjPerSlab; inuse = Σ slab inuse.
type Cache struct {
	Name       string
	ObjectSize uint32 // s->object_size: what the creator asked for
	Size       uint32 // s->size: the stride between objects
	Align      uint32 // s->align
	Offset     uint32 // s->offset: where a free object holds the free pointer
	Order      int    // oo_order(s->oo)
	ObjPerSlab int    // oo_objects(s->oo)
	MinPartial int    // s->min_partial
	Flags      SlabFlags

	a         *Allocator
	allocGFP  buddy.GFP         // s->allocflags: zone and migratetype of the slab pages
	random    uint64            // s->random (SLAB_FREELIST_HARDENED)
	randomSeq []int32           // s->random_seq (SLAB_FREELIST_RANDOM), nil when off
	ctor      func(addr uint64) // s->ctor: runs on every object of a new slab
	cpu       *slab             // c->slab of the single CPU
	partial   []*slab           // n->partial, head first
	slabs     []*slab           // every slab, in creation order
	inuse     int               // allocated objects
	destroyed bool
}

// slab is a struct slab: 2^Order frames cut into ObjPerSlab objects.
//
// Invariant: len(free) + inuse == ObjPerSlab; reqOf(i) > 0 exactly for
// the objects not on free; free is the free list, its last element the
// head. req is nil for a slab the boot filled whole (BootFill) and nobody
// touched since: every object is in use with ObjectSize bytes.
type slab struct {
	pfn   uint64
	base  uint64 // virtual address of object 0
	cache *Cache
	free  []int32  // free object indices, head last (LIFO)
	req   []uint32 // requested size of allocated objects; 0 = free
	inuse int
	// boot is set for the slabs that exist when the boot ends (EndBoot)
	// and cleared when an object of the slab is allocated or freed: the
	// views summarize the untouched ones.
	boot bool
	// fpStale: the boot changed the free list without writing the free
	// pointers (EndBoot writes them).
	fpStale bool
}

// reqOf is the requested size of object i (0: free).
func (s *slab) reqOf(i int32) uint32 {
	if s.req == nil {
		return s.cache.ObjectSize
	}
	return s.req[i]
}

// setReq records the requested size of object i, materializing req for
// a slab the boot filled.
func (s *slab) setReq(i int32, v uint32) {
	s.boot = false
	if s.req == nil {
		s.req = make([]uint32, s.cache.ObjPerSlab)
		for j := range s.req {
			s.req[j] = s.cache.ObjectSize
		}
	}
	s.req[i] = v
}

// alignUp rounds x up to a (a power of two).
func alignUp(x, a uint64) uint64 { return (x + a - 1) &^ (a - 1) }

// calculateAlignment is mm/slab_common.c:calculate_alignment.
func calculateAlignment(flags SlabFlags, align, size uint64) uint64 {
	if flags&SLAB_HWCACHE_ALIGN != 0 {
		ralign := uint64(CacheLineSize)
		for size <= ralign/2 {
			ralign /= 2
		}
		align = max(align, ralign)
	}
	align = max(align, ArchKmallocMinAlign)
	return alignUp(align, 8)
}

// orderObjects is order_objects(order, size).
func orderObjects(order int, size uint64) uint64 { return (arch.PageSize << order) / size }

// calcSlabOrder is mm/slub.c:calc_slab_order (slub_min_order = 0).
func calcSlabOrder(size, minObjects uint64, maxOrder int, fract uint64) int {
	if orderObjects(0, size) > MaxObjsPerPage {
		return getOrder(size*MaxObjsPerPage) - 1
	}
	order := getOrder(minObjects * size)
	for ; order <= maxOrder; order++ {
		slabSize := uint64(arch.PageSize) << order
		if slabSize%size <= slabSize/fract {
			break
		}
	}
	return order
}

// calculateOrder is mm/slub.c:calculate_order for nr_cpus CPUs (facts §5.2):
// min_objects = 4·(fls(nr_cpus)+1), capped by what order slub_max_order
// holds; fractions 16, 8, 4 with decreasing min_objects; then one object at
// slub_max_order, then at MAX_ORDER-1. -1 means -ENOSYS.
func calculateOrder(size uint64, nrCPUs, maxOrder int) int {
	minObjects := uint64(4 * (bits.Len(uint(nrCPUs)) + 1))
	minObjects = min(minObjects, orderObjects(SlubMaxOrder, size))
	for minObjects > 1 {
		for fraction := uint64(16); fraction >= 4; fraction /= 2 {
			if order := calcSlabOrder(size, minObjects, SlubMaxOrder, fraction); order <= SlubMaxOrder {
				return order
			}
		}
		minObjects--
	}
	if order := calcSlabOrder(size, 1, SlubMaxOrder, 1); order <= SlubMaxOrder {
		return order
	}
	if order := calcSlabOrder(size, 1, maxOrder, 1); order < maxOrder {
		return order
	}
	return -1
}

// newCache is kmem_cache_open → calculate_sizes (mm/slub.c) without debug
// flags, for one CPU (the measured machine ran -smp 1).
func (a *Allocator) newCache(name string, size, align uint64, flags SlabFlags, ctor func(uint64)) (*Cache, error) {
	if size == 0 || size > KmallocMaxSize || align&(align-1) != 0 || align > KmallocMaxCacheSize {
		return nil, fmt.Errorf("slab: kmem_cache_create(%q, %d, %d): invalid size or alignment", name, size, align)
	}
	c := &Cache{Name: name, ObjectSize: uint32(size), Flags: flags, a: a, ctor: ctor}
	align = calculateAlignment(flags, align, size)
	s := alignUp(size, 8)
	if flags&SLAB_TYPESAFE_BY_RCU != 0 || ctor != nil {
		// The free pointer may not overlay the object (its contents must
		// survive a free: calculate_sizes): it goes after it.
		c.Offset = uint32(s)
		s += 8
	} else {
		// 6.1: ALIGN_DOWN(object_size / 2, sizeof(void *)), "middle of the
		// object" (measured: 64→32, 256→128, 4096→2048).
		c.Offset = uint32((size / 2) &^ 7)
	}
	s = alignUp(s, align)
	order := calculateOrder(s, 1, a.pages.MaxOrder())
	if order < 0 {
		return nil, fmt.Errorf("slab: kmem_cache_create(%q, %d): no slab order fits", name, size)
	}
	c.Size, c.Align, c.Order = uint32(s), uint32(align), order
	c.ObjPerSlab = int(orderObjects(order, s))
	// set_min_partial(s, ilog2(s->size) / 2), clamped to [MIN_PARTIAL, MAX_PARTIAL].
	c.MinPartial = min(max(bits.Len64(s)-1, 0)/2, maxPartial)
	c.MinPartial = max(c.MinPartial, minPartial)
	if flags&SLAB_CACHE_DMA != 0 {
		c.allocGFP |= buddy.GFP__DMA
	}
	if flags&SLAB_RECLAIM_ACCOUNT != 0 {
		c.allocGFP |= buddy.GFP__RECLAIMABLE
	}
	if order > 0 {
		c.allocGFP |= buddy.GFP__COMP
	}
	c.random = a.rng.next()
	if a.cfg.FreelistRandom {
		// init_cache_random_seq → freelist_randomize: Fisher–Yates over the
		// object indices, once per cache.
		seq := make([]int32, c.ObjPerSlab)
		for i := range seq {
			seq[i] = int32(i)
		}
		for i := len(seq) - 1; i > 0; i-- {
			j := a.rng.next() % uint64(i+1)
			seq[i], seq[j] = seq[j], seq[i]
		}
		c.randomSeq = seq
	}
	return c, nil
}

// objAddr is the virtual address of object i of s.
func (s *slab) objAddr(i int32) uint64 { return s.base + uint64(i)*uint64(s.cache.Size) }

// freePointer is freelist_ptr (SLAB_FREELIST_HARDENED, 6.1): the stored
// value is ptr ^ s->random ^ swab(address of the pointer slot).
func (c *Cache) freePointer(ptr, slot uint64) uint64 {
	return ptr ^ c.random ^ bits.ReverseBytes64(slot)
}

// writeFreePointer stores object obj's encoded free pointer to next (0: end).
func (s *slab) writeFreePointer(obj int32, next uint64) {
	c := s.cache
	if c.a.booting {
		s.fpStale = true // written by EndBoot
		return
	}
	slot := s.objAddr(obj) + uint64(c.Offset)
	c.a.mem.Store(slot-c.a.base, 8, c.freePointer(next, slot))
}

// writeFreeChain writes the free pointers of every free object: each
// points to the next one handed out after it, the last to NULL.
func (s *slab) writeFreeChain() {
	var next uint64
	for _, i := range s.free {
		s.writeFreePointer(i, next)
		next = s.objAddr(i)
	}
}

// newSlab is allocate_slab + shuffle_freelist: take 2^Order frames from the
// page allocator, owned by the slab, and thread every object onto the free
// list (random order with SLAB_FREELIST_RANDOM, address order without).
func (c *Cache) newSlab(gfp buddy.GFP) (*slab, *Problem) {
	a := c.a
	g := gfp&^(buddy.GFP__ZERO|buddy.GFP__DMA|buddy.GFP__DMA32|buddy.GFP__RECLAIMABLE) | c.allocGFP
	if a.cfg.InitOnAlloc {
		g |= buddy.GFPInitOnAlloc // post_alloc_hook: want_init_on_alloc
	}
	pfn, err := a.pages.AllocPages(g, c.Order, phys.OwnerSlab)
	if err != nil {
		return nil, c.outOfMemory(gfp, err)
	}
	n := c.ObjPerSlab
	s := a.newSlabStruct()
	*s = slab{pfn: pfn, base: a.base + pfn<<arch.PageShift, cache: c,
		free: make([]int32, n), req: make([]uint32, n)}
	c.threadFree(s, n)
	c.slabs = append(c.slabs, s)
	a.mapSlab(pfn, c.Order, s)
	if a.rec != nil {
		a.record(arch.EvAlloc, s.base, arch.PageSize<<c.Order, pfn, c.Order, "new slab of "+c.Name)
	}
	if c.ctor != nil {
		for i := 0; i < n; i++ {
			c.ctor(s.objAddr(int32(i)))
		}
	}
	return s, nil
}

// threadFree puts all n objects of a new slab on its free list, in the
// order they will be handed out (shuffle_freelist). It is apart from
// newSlab to keep newSlab's loops small (see bootObjects).
//
//go:noinline
func (c *Cache) threadFree(s *slab, n int) {
	// order[k] is the k-th object handed out.
	order := make([]int32, n)
	if c.randomSeq != nil {
		pos := int(c.a.rng.next() % uint64(n))
		for k := range order {
			order[k] = c.randomSeq[(pos+k)%n]
		}
	} else {
		for k := range order {
			order[k] = int32(k)
		}
	}
	for k := range order {
		s.free[n-1-k] = order[k]
	}
	s.writeFreeChain()
}

// mapSlab maps the 2^order frames from pfn to s (nil: unmapped) for
// virt_to_slab.
//
//go:noinline
func (a *Allocator) mapSlab(pfn uint64, order int, s *slab) {
	for i := uint64(0); i < 1<<order; i++ {
		a.slabOf.set(pfn+i, s)
	}
}

// outOfMemory is slab_out_of_memory's report (mm/slub.c), printed unless
// __GFP_NOWARN.
func (c *Cache) outOfMemory(gfp buddy.GFP, err error) *Problem {
	p := &Problem{Kind: AllocFailure, Err: err,
		Explain: fmt.Sprintf("%s needed a new slab of %s and the page allocator had none to give: kmalloc returns NULL.", c.Name, arch.Count(1<<c.Order, "page"))}
	if gfp&buddy.GFP__NOWARN != 0 {
		p.Kind, p.Text = 0, ""
		return p
	}
	var b strings.Builder
	fmt.Fprintf(&b, "page allocation failure: order:%d, mode:%#x(%s), nodemask=(null)\n", c.Order, uint32(gfp), gfp)
	fmt.Fprintf(&b, "SLUB: Unable to allocate memory on node -1, gfp=%#x(%s)\n", uint32(gfp), gfp)
	fmt.Fprintf(&b, "  cache: %s, object size: %d, buffer size: %d, default order: %d, min order: %d\n",
		c.Name, c.ObjectSize, c.Size, c.Order, getOrder(uint64(c.Size)))
	p.Text = strings.TrimSuffix(b.String(), "\n")
	return p
}

// discard is discard_slab: the frames go back to the page allocator.
func (c *Cache) discard(s *slab) {
	a := c.a
	for i := len(c.slabs) - 1; i >= 0; i-- { // most often a recent slab
		if c.slabs[i] == s {
			c.slabs = append(c.slabs[:i], c.slabs[i+1:]...)
			break
		}
	}
	a.mapSlab(s.pfn, c.Order, nil)
	if err := a.pages.FreePages(s.pfn, c.Order); err != nil {
		panic("slab: slab frames refused by the page allocator")
	}
	if a.rec != nil {
		a.record(arch.EvFree, s.base, arch.PageSize<<c.Order, s.pfn, c.Order, "slab of "+c.Name+" freed")
	}
}

func (c *Cache) removePartial(s *slab) bool {
	for i, t := range c.partial {
		if t == s {
			c.partial = append(c.partial[:i], c.partial[i+1:]...)
			return true
		}
	}
	return false
}

// alloc is slab_alloc_node (allocate steps 3–6 of doc.go): the CPU slab's
// free list, else the first partial slab, else a new slab.
func (c *Cache) alloc(gfp buddy.GFP, req uint64) (uint64, *Problem) {
	s := c.cpu
	if s == nil || len(s.free) == 0 {
		// ___slab_alloc: the exhausted CPU slab is simply dropped (full
		// slabs are not listed); get_partial takes the head of n->partial.
		c.cpu = nil
		if len(c.partial) > 0 {
			s = c.partial[0]
			c.partial = c.partial[1:]
		} else {
			var p *Problem
			if s, p = c.newSlab(gfp); s == nil {
				return 0, p
			}
		}
		c.cpu = s
	}
	i := s.free[len(s.free)-1]
	s.free = s.free[:len(s.free)-1]
	s.setReq(i, uint32(req))
	s.inuse++
	c.inuse++
	addr := s.objAddr(i)
	a := c.a
	if c.wantInitOnAlloc(gfp) {
		// slab_post_alloc_hook: memset(object, 0, s->object_size).
		zeroPhys(a.mem, addr-a.base, uint64(c.ObjectSize))
	}
	if a.rec != nil {
		a.record(arch.EvAlloc, addr, uint64(c.ObjectSize), s.pfn, -1, c.Name)
	}
	return addr, nil
}

// wantInitOnAlloc is slab_want_init_on_alloc (mm/slab.h, 6.1): with
// init_on_alloc, every object is zeroed except a constructor's (even with
// __GFP_ZERO) and an RCU cache's (only with __GFP_ZERO); without it, only
// with __GFP_ZERO.
func (c *Cache) wantInitOnAlloc(gfp buddy.GFP) bool {
	if c.a.cfg.InitOnAlloc {
		if c.ctor != nil {
			return false
		}
		if c.Flags&SLAB_TYPESAFE_BY_RCU != 0 {
			return gfp&buddy.GFP__ZERO != 0
		}
		return true
	}
	return gfp&buddy.GFP__ZERO != 0
}

// free is do_slab_free/__slab_free for object i of s (free steps 3–5).
// Precondition: the object is allocated.
func (c *Cache) free(s *slab, i int32) {
	wasFull := len(s.free) == 0
	var head uint64
	if len(s.free) > 0 {
		head = s.objAddr(s.free[len(s.free)-1])
	}
	s.writeFreePointer(i, head)
	s.free = append(s.free, i)
	s.setReq(i, 0)
	s.inuse--
	c.inuse--
	a := c.a
	if a.rec != nil {
		a.record(arch.EvFree, s.objAddr(i), uint64(c.ObjectSize), s.pfn, -1, c.Name)
	}
	if s == c.cpu {
		return
	}
	if s.inuse == 0 && len(c.partial) >= c.MinPartial {
		if !wasFull {
			c.removePartial(s)
		}
		c.discard(s)
		return
	}
	if wasFull {
		c.partial = append(c.partial, s) // add_partial(n, slab, DEACTIVATE_TO_TAIL)
	}
}
