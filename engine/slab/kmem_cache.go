package slab

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

// KmemCacheCreate is kmem_cache_create(name, size, align, flags, NULL). The
// geometry follows calculate_sizes/calculate_order for one CPU. Cache
// merging (__kmem_cache_alias) is not modelled: every cache gets its own
// line in /proc/slabinfo.
func (a *Allocator) KmemCacheCreate(name string, size, align uint64, flags SlabFlags) (*Cache, error) {
	return a.KmemCacheCreateCtor(name, size, align, flags, nil)
}

// KmemCacheCreateCtor is kmem_cache_create with a constructor: ctor runs on
// every object of each new slab (setup_object, in index order here), the
// free pointer sits after the object so that a freed object keeps what
// the constructor made, and init_on_alloc leaves the objects alone.
func (a *Allocator) KmemCacheCreateCtor(name string, size, align uint64, flags SlabFlags, ctor func(addr uint64)) (*Cache, error) {
	if name == "" {
		return nil, fmt.Errorf("slab: kmem_cache_create: empty name")
	}
	if flags&^knownSlabFlags != 0 {
		return nil, fmt.Errorf("slab: kmem_cache_create(%q): unsupported flags %#x", name, uint32(flags&^knownSlabFlags))
	}
	if align > arch.PageSize {
		return nil, fmt.Errorf("slab: kmem_cache_create(%q): alignment %d above a page", name, align)
	}
	c, err := a.newCache(name, size, align, flags&^SLAB_PANIC, ctor)
	if err != nil {
		return nil, err
	}
	a.custom = append(a.custom, c)
	return c, nil
}

// KmemCacheAlloc is kmem_cache_alloc(c, gfp).
func (a *Allocator) KmemCacheAlloc(c *Cache, gfp buddy.GFP) (uint64, *Problem) {
	if c == nil || c.a != a || c.destroyed {
		return 0, &Problem{Kind: Oops, Text: "BUG: kernel NULL pointer dereference, address: 0000000000000000",
			Explain: "kmem_cache_alloc was given a cache that does not exist (NULL or destroyed)."}
	}
	return c.alloc(gfp, uint64(c.ObjectSize))
}

// KmemCacheFree is kmem_cache_free(c, p). A pointer of another cache gets
// the debug report of free_consistency_checks ("page slab pointer corrupt"
// is 6.1's wording when the slab belongs to another cache).
func (a *Allocator) KmemCacheFree(c *Cache, p uint64) *Problem {
	if p == 0 {
		return nil
	}
	s, i, rem, ok := a.lookup(p)
	if !ok {
		return a.invalidFree(p, "kmem_cache_free")
	}
	if c != nil && s.cache != c {
		var b strings.Builder
		a.bugHeader(&b, c, "page slab pointer corrupt.")
		fmt.Fprintf(&b, "FIX %s: Object at 0x%016x not freed", c.Name, p)
		return &Problem{Kind: SlabBug, Text: b.String(),
			Explain: fmt.Sprintf("kmem_cache_free(%s, %#x): the object belongs to %s, not to %s. Nothing is freed.", c.Name, p, s.cache.Name, c.Name)}
	}
	if rem != 0 || int(i) >= s.cache.ObjPerSlab {
		return a.slabErr(s, p, "Invalid object pointer 0x%x", p)
	}
	if s.reqOf(i) == 0 {
		return a.objectErr(s, i, "Object already free")
	}
	s.cache.free(s, i)
	return nil
}

// KmemCacheDestroy is kmem_cache_destroy(c), called from caller (a "%pS"
// name such as "scull_cleanup+0x2a/0x60 [scull]"). With live objects the
// kernel lists them (list_slab_objects, for the slabs on the partial list),
// warns, and keeps the cache: it stays in /proc/slabinfo and its objects
// stay allocated (leaked). Otherwise every slab is freed and the cache goes.
func (a *Allocator) KmemCacheDestroy(c *Cache, caller string) *Problem {
	if c == nil {
		return nil // kmem_cache_destroy(NULL) is allowed
	}
	if c.a != a || c.destroyed || c.Flags&slabKmalloc != 0 {
		return &Problem{Kind: Oops, Text: "BUG: kernel NULL pointer dereference, address: 0000000000000000",
			Explain: "kmem_cache_destroy was given a cache that does not exist, was already destroyed, or is a kmalloc cache."}
	}
	if c.inuse > 0 {
		// flush_all: the CPU slab is deactivated first.
		if s := c.cpu; s != nil {
			c.cpu = nil
			if len(s.free) > 0 {
				c.partial = append(c.partial, s)
			}
		}
		var b strings.Builder
		for _, s := range c.partial {
			if s.inuse == 0 {
				continue
			}
			a.bugHeader(&b, c, fmt.Sprintf("Objects remaining in %s on __kmem_cache_shutdown()", c.Name))
			b.WriteString(a.slabInfoLine(s) + "\n")
			for i := int32(0); i < int32(c.ObjPerSlab); i++ {
				if s.reqOf(i) != 0 {
					p := s.objAddr(int32(i))
					fmt.Fprintf(&b, "Object 0x%016x @offset=%d\n", p, p-s.base)
				}
			}
		}
		a.record(arch.EvReport, 0, 0, 0, -1, fmt.Sprintf("kmem_cache_destroy %s: %s leaked", c.Name, arch.Count(c.inuse, "object")))
		return &Problem{Kind: Warning, Site: "mm/slab_common.c", Func: "kmem_cache_destroy",
			Text:    strings.TrimSuffix(b.String()+fmt.Sprintf("kmem_cache_destroy %s: Slab cache still has objects when called from %s", c.Name, caller), "\n"),
			Explain: fmt.Sprintf("%s still had %s when it was destroyed: never kmem_cache_free'd (a leak). The kernel refuses to destroy the cache; it stays in /proc/slabinfo with its objects.", c.Name, arch.Count(c.inuse, "allocated object"))}
	}
	for len(c.slabs) > 0 {
		c.discard(c.slabs[0])
	}
	c.cpu, c.partial, c.destroyed = nil, nil, true
	for i, d := range a.custom {
		if d == c {
			a.custom = append(a.custom[:i], a.custom[i+1:]...)
			break
		}
	}
	return nil
}

// Caches returns the custom caches, newest first (the /proc/slabinfo order).
func (a *Allocator) Caches() []*Cache {
	out := make([]*Cache, 0, len(a.custom))
	for i := len(a.custom) - 1; i >= 0; i-- {
		out = append(out, a.custom[i])
	}
	return out
}
