package slab

import (
	"fmt"
	"math/bits"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// Config describes the 6.1 slab allocator to build.
type Config struct {
	// Pages is the page allocator slabs come from (required).
	Pages *buddy.Allocator
	// InitOnAlloc is init_on_alloc: true for stock Debian (debug=off),
	// false for debug=on. With it every allocation is zeroed.
	InitOnAlloc bool
	// FreelistRandom is SLAB_FREELIST_RANDOM (on in Debian): a new slab's
	// free list is a permutation, from a deterministic generator.
	FreelistRandom bool
	// Seed seeds the generator behind s->random and the permutations.
	Seed uint64
	// TooLargeWarned is the WARN_ON_ONCE state of __alloc_pages' order
	// check, shared with the kernel layer's __get_free_pages (one warning
	// per boot for both). Nil: the allocator keeps its own.
	TooLargeWarned *bool
	// Tainted returns print_tainted() for the reports' "BUG <cache>
	// (<tainted>)" line; nil: "Not tainted" until the first report.
	Tainted func() string
	// Recorder receives events; nil records nothing.
	Recorder arch.Recorder
}

// KmallocType is enum kmalloc_cache_type (include/linux/slab.h, 6.1).
type KmallocType uint8

const (
	KmallocNormal  KmallocType = iota // kmalloc-*
	KmallocCgroup                     // kmalloc-cg-*  (__GFP_ACCOUNT)
	KmallocReclaim                    // kmalloc-rcl-* (__GFP_RECLAIMABLE)
	KmallocDMA                        // dma-kmalloc-* (__GFP_DMA)
	NumKmallocTypes
)

// kmallocType is include/linux/slab.h:kmalloc_type: DMA beats RECLAIMABLE
// beats ACCOUNT.
func kmallocType(gfp buddy.GFP) KmallocType {
	switch {
	case gfp&(buddy.GFP__DMA|buddy.GFP__RECLAIMABLE|buddy.GFP__ACCOUNT) == 0:
		return KmallocNormal
	case gfp&buddy.GFP__DMA != 0:
		return KmallocDMA
	case gfp&buddy.GFP__RECLAIMABLE != 0:
		return KmallocReclaim
	}
	return KmallocCgroup
}

// sizeIndex is mm/slab_common.c:size_index for sizes 1…192, by (size-1)/8:
// the kmalloc index (1 = kmalloc-96, 2 = kmalloc-192, n = 2^n bytes).
var sizeIndex = [24]uint8{3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1, 7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2}

// kmallocIndex returns the index of the cache serving size (1 ≤ size ≤ 8192).
func kmallocIndex(size uint64) int {
	if size <= 192 {
		return int(sizeIndex[(size-1)/8])
	}
	return bits.Len64(size - 1) // fls(size - 1)
}

// kmallocSizes is kmalloc_info[].size by index.
var kmallocSizes = [KmallocShiftHigh + 1]uint64{0, 96, 192, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192}

var kmallocNames = [KmallocShiftHigh + 1]string{"", "96", "192", "8", "16", "32", "64", "128", "256", "512", "1k", "2k", "4k", "8k"}

var typePrefix = [NumKmallocTypes]string{"kmalloc-", "kmalloc-cg-", "kmalloc-rcl-", "dma-kmalloc-"}

// creationOrder lists the kmalloc indices in the order create_kmalloc_caches
// makes them: 8, 16, 32, 64, then 96, 128, then 192, 256 … 8k.
var creationOrder = [...]int{3, 4, 5, 6, 1, 7, 2, 8, 9, 10, 11, 12, 13}

// large is a kmalloc above KMALLOC_MAX_CACHE_SIZE: a compound page block.
type large struct {
	order int
	req   uint64
}

// Allocator is the 6.1 SLUB allocator with its kmalloc caches.
type Allocator struct {
	cfg   Config
	pages *buddy.Allocator
	mem   *phys.Mem
	base  uint64 // PAGE_OFFSET
	rec   arch.Recorder
	rng   splitmix64

	kmalloc [NumKmallocTypes][KmallocShiftHigh + 1]*Cache
	custom  []*Cache // kmem_cache_create'd, in creation order
	// slabOf maps every frame of every slab to its slab (virt_to_slab).
	slabOf slabMap
	// slabArena hands out slab structs a chunk at a time.
	slabArena []slab
	// large maps the head pfn of each large kmalloc to its block.
	large       map[uint64]large
	largeFrames uint64 // Σ 2^order over large
	warnedLocal bool
	taintB      bool // TAINT_BAD_PAGE after a slab report
	// booting is set between BeginBoot and EndBoot: free pointers are not
	// written (the slabs get fpStale) and nothing is recorded; bootRec
	// is the recorder to restore.
	booting bool
	bootRec arch.Recorder
}

// New builds the allocator and its 52 kmalloc caches (create_kmalloc_caches).
// No slab exists until the first allocation.
func New(cfg Config) (*Allocator, error) {
	if cfg.Pages == nil {
		return nil, fmt.Errorf("slab: Config.Pages is nil")
	}
	a := &Allocator{cfg: cfg, pages: cfg.Pages, mem: cfg.Pages.Mem(), base: PageOffset,
		rec: cfg.Recorder, rng: splitmix64(cfg.Seed), large: map[uint64]large{}}
	if a.cfg.TooLargeWarned == nil {
		a.cfg.TooLargeWarned = &a.warnedLocal
	}
	for _, i := range creationOrder {
		for t := KmallocNormal; t < NumKmallocTypes; t++ {
			size := kmallocSizes[i]
			// create_boot_cache: ARCH_KMALLOC_MINALIGN, or the size itself
			// for powers of two (natural alignment).
			align := uint64(ArchKmallocMinAlign)
			if size&(size-1) == 0 {
				align = size
			}
			flags := slabKmalloc
			switch t {
			case KmallocReclaim:
				flags |= SLAB_RECLAIM_ACCOUNT
			case KmallocDMA:
				flags |= SLAB_CACHE_DMA
			case KmallocCgroup:
				flags |= SLAB_ACCOUNT
			}
			c, err := a.newCache(typePrefix[t]+kmallocNames[i], size, align, flags, nil)
			if err != nil {
				return nil, err
			}
			a.kmalloc[t][i] = c
		}
	}
	return a, nil
}

// Mem returns the physical memory holding the objects.
func (a *Allocator) Mem() *phys.Mem { return a.mem }

// PageOffset returns the direct map's base.
func (a *Allocator) PageOffset() uint64 { return a.base }

// KmallocCache returns the cache kmalloc(size, gfp) uses, or nil for sizes
// served by the page allocator (or 0).
func (a *Allocator) KmallocCache(size uint64, gfp buddy.GFP) *Cache {
	if size == 0 || size > KmallocMaxCacheSize {
		return nil
	}
	return a.kmalloc[kmallocType(gfp)][kmallocIndex(size)]
}

// KmallocSizeRoundup is kmalloc_size_roundup (mm/slab_common.c, new in
// 6.1): ksize(kmalloc(n)) without allocating (measured equal for every n
// up to 4 MiB). Above KMALLOC_MAX_CACHE_SIZE it is PAGE_SIZE <<
// get_order(n), also past KMALLOC_MAX_SIZE, where kmalloc would fail;
// SIZE_MAX comes back unchanged.
func KmallocSizeRoundup(n uint64) uint64 {
	switch {
	case n == 0:
		return 0
	case n == ^uint64(0):
		return n
	case n <= KmallocMaxCacheSize:
		return kmallocSizes[kmallocIndex(n)]
	}
	return arch.PageSize << getOrder(n)
}

func (a *Allocator) record(kind arch.EventKind, addr, size, pfn uint64, order int, detail string) {
	if a.rec != nil {
		a.rec.Record(arch.Event{Kind: kind, Source: "slab", Addr: addr, Size: size, PFN: pfn, Order: order, Detail: detail})
	}
}

// Kmalloc is kmalloc(size, gfp) (allocate steps 1–6 of doc.go).
func (a *Allocator) Kmalloc(size uint64, gfp buddy.GFP) (uint64, *Problem) {
	if size == 0 {
		return ZeroSizePtr, nil
	}
	if size > KmallocMaxCacheSize {
		return a.kmallocLarge(size, gfp)
	}
	return a.kmalloc[kmallocType(gfp)][kmallocIndex(size)].alloc(gfp, size)
}

// kmallocLarge is __kmalloc_large_node: order get_order(size) straight
// from the page allocator with __GFP_COMP.
func (a *Allocator) kmallocLarge(size uint64, gfp buddy.GFP) (uint64, *Problem) {
	order := getOrder(size)
	if size > KmallocMaxSize || order >= a.pages.MaxOrder() {
		if gfp&buddy.GFP__NOWARN != 0 || *a.cfg.TooLargeWarned {
			return 0, nil
		}
		*a.cfg.TooLargeWarned = true
		return 0, &Problem{Kind: Warning, Site: siteAllocPages, Func: funcAllocPages,
			Explain: fmt.Sprintf("kmalloc(%d) needs an order-%d block, but the largest block the page allocator has is order %d (KMALLOC_MAX_SIZE = %d bytes). kmalloc returns NULL; the warning is WARN_ON_ONCE, so it is printed once per boot.", size, order, a.pages.MaxOrder()-1, KmallocMaxSize)}
	}
	g := gfp | buddy.GFP__COMP // __kmalloc_large_node: flags |= __GFP_COMP
	if a.cfg.InitOnAlloc {
		g |= buddy.GFPInitOnAlloc // post_alloc_hook: want_init_on_alloc
	}
	pfn, err := a.pages.AllocPages(g, order, phys.OwnerPages)
	if err != nil {
		if gfp&buddy.GFP__NOWARN != 0 {
			return 0, &Problem{Err: err}
		}
		mode := g &^ buddy.GFPInitOnAlloc // the caller's flags, __GFP_ZERO of kzalloc included
		return 0, &Problem{Kind: AllocFailure, Err: err,
			Text:    fmt.Sprintf("page allocation failure: order:%d, mode:%#x(%s), nodemask=(null)", order, uint32(mode), mode),
			Explain: fmt.Sprintf("kmalloc(%d) asked the page allocator for %s (order %d) and there was no free block that large.", size, arch.Count(1<<order, "contiguous page"), order)}
	}
	a.large[pfn] = large{order: order, req: size}
	a.largeFrames += 1 << order
	addr := a.base + pfn<<arch.PageShift
	a.record(arch.EvAlloc, addr, arch.PageSize<<order, pfn, order, "kmalloc large")
	return addr, nil
}

// lookup finds the slab and object index at addr; ok is false when addr is
// not in a slab.
func (a *Allocator) lookup(addr uint64) (s *slab, i int32, rem uint64, ok bool) {
	if addr < a.base {
		return nil, 0, 0, false
	}
	pa := addr - a.base
	if !a.mem.Valid(pa >> arch.PageShift) {
		return nil, 0, 0, false
	}
	if s = a.slabOf.get(pa >> arch.PageShift); s == nil {
		return nil, 0, 0, false
	}
	off := addr - s.base
	size := uint64(s.cache.Size)
	i, rem = int32(off/size), off%size
	if int(i) >= s.cache.ObjPerSlab {
		// The leftover bytes at the end of the slab.
		return s, i, rem, true
	}
	return s, i, rem, true
}

// Ksize is ksize(p): the cache's object size, or the whole page block of a
// large kmalloc. 0 for anything that is not a live block.
func (a *Allocator) Ksize(p uint64) uint64 {
	if s, i, rem, ok := a.lookup(p); ok {
		if rem == 0 && int(i) < s.cache.ObjPerSlab && s.reqOf(i) != 0 {
			return uint64(s.cache.ObjectSize)
		}
		return 0
	}
	if p >= a.base && (p-a.base)&arch.PageMask == 0 {
		if l, ok := a.large[(p-a.base)>>arch.PageShift]; ok {
			return arch.PageSize << l.order
		}
	}
	return 0
}

// Find reports the object containing addr (allocated or free), or a large
// kmalloc block.
func (a *Allocator) Find(addr uint64) (Object, bool) {
	if s, i, _, ok := a.lookup(addr); ok {
		c := s.cache
		if int(i) >= c.ObjPerSlab {
			return Object{}, false
		}
		o := Object{Addr: s.objAddr(i), Size: uint64(c.ObjectSize), Req: uint64(s.reqOf(i)), Cache: c.Name, Kind: "slab"}
		if s.reqOf(i) != 0 {
			o.State = ObjAllocated
		}
		return o, true
	}
	if addr < a.base || !a.mem.Valid((addr-a.base)>>arch.PageShift) {
		return Object{}, false
	}
	pfn := (addr - a.base) >> arch.PageShift
	for o := 0; o < a.pages.MaxOrder(); o++ {
		head := pfn &^ (1<<o - 1)
		if l, ok := a.large[head]; ok && l.order >= o && pfn < head+1<<l.order {
			return Object{Addr: a.base + head<<arch.PageShift, Size: arch.PageSize << l.order, Req: l.req,
				State: ObjAllocated, Cache: "pages", Kind: "large"}, true
		}
	}
	return Object{}, false
}

// Kfree is kfree(p) (free steps 1–5 of doc.go).
func (a *Allocator) Kfree(p uint64) *Problem {
	if p == 0 || p == ZeroSizePtr {
		return nil
	}
	if s, i, rem, ok := a.lookup(p); ok {
		c := s.cache
		if rem != 0 || int(i) >= c.ObjPerSlab {
			return a.slabErr(s, p, "Invalid object pointer 0x%x", p)
		}
		if s.reqOf(i) == 0 {
			return a.objectErr(s, i, "Object already free")
		}
		c.free(s, i)
		return nil
	}
	if p >= a.base && (p-a.base)&arch.PageMask == 0 {
		pfn := (p - a.base) >> arch.PageShift
		if l, ok := a.large[pfn]; ok {
			delete(a.large, pfn)
			a.largeFrames -= 1 << l.order
			if err := a.pages.FreePages(pfn, l.order); err != nil {
				panic("slab: large kmalloc block refused by the page allocator")
			}
			a.record(arch.EvFree, p, arch.PageSize<<l.order, pfn, l.order, "kmalloc large")
			return nil
		}
	}
	return a.invalidFree(p, "kfree")
}
