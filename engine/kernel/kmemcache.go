package kernel

import (
	"fmt"

	"mmplay/engine/buddy"
	"mmplay/engine/cc/interp"
	"mmplay/engine/slab"
)

// The kmem_cache API for modules (mm/slab_common.c, mm/slub.c; facts
// §5.4) and krealloc, over package slab. A cache is a struct kmem_cache
// the kernel allocates from its "kmem_cache" cache; the snippet holds its
// address, which names the cache here.

// kmemCache is one cache a module created.
type kmemCache struct {
	c      *slab.Cache
	name   string
	module *Module
}

// slabAllocator is SLUB's allocator, or nil (Linux 2.0 has no caches).
func (k *Kernel) slabAllocator() *slab.Allocator {
	if sa, ok := k.slab.(slabAdapter); ok {
		if s, ok := sa.s.(*slab.Allocator); ok {
			return s
		}
	}
	return nil
}

// kmemCacheBuiltins adds kmem_cache_create/alloc/zalloc/free/destroy and
// krealloc to b (6.1 only: Linux 2.0 had neither).
func (k *Kernel) kmemCacheBuiltins(b map[string]interp.Builtin) {
	s := k.slabAllocator()
	if s == nil {
		return
	}
	if k.caches == nil {
		k.caches = map[uint64]*kmemCache{}
	}
	cacheOf := func(h uint64) *slab.Cache {
		if kc := k.caches[h]; kc != nil {
			return kc.c
		}
		return nil // a NULL or wild struct kmem_cache *: package slab Oopses
	}
	b["kmem_cache_create"] = func(c *interp.Call) uint64 {
		name := k.str(c, arg(c, 0))
		size, align, flags, ctor := arg(c, 1)&0xffffffff, arg(c, 2)&0xffffffff, slab.SlabFlags(arg(c, 3)), arg(c, 4)
		var run func(uint64)
		if ctor != 0 && k.CallFunc != nil {
			run = func(obj uint64) { k.CallFunc(ctor, obj) }
		}
		cache, err := s.KmemCacheCreateCtor(name, size, align, flags, run)
		if err != nil {
			// kmem_cache_create_usercopy: "failed with error %d" and a stack
			k.pr(LogWarning, "kmem_cache_create(%s) failed with error %d", name, -EINVAL)
			k.dumpStack(LogWarning, "kmem_cache_create_usercopy.cold+0x1c/0x23", "kmem_cache_create+0x16/0x20")
			k.report("slab", fmt.Sprintf("kmem_cache_create(%s) failed", name), err.Error()+": kmem_cache_create returns NULL.")
			return 0
		}
		// create_cache: kmem_cache_zalloc(kmem_cache, GFP_KERNEL)
		h, _ := s.KmemCacheAlloc(k.metaCache(s), buddy.GFP_KERNEL|buddy.GFP__ZERO)
		if h == 0 {
			s.KmemCacheDestroy(cache, "")
			return 0
		}
		k.caches[h] = &kmemCache{c: cache, name: name, module: k.module}
		return h
	}
	alloc := func(name string, c *interp.Call, zero buddy.GFP) uint64 {
		gfp := buddy.GFP(arg(c, 1)) | zero
		k.MightAlloc(gfp, "kmem_cache_alloc+0x3d/0x290")
		defer k.entering("kmem_cache_alloc+0x3d/0x290")()
		p, prob := s.KmemCacheAlloc(cacheOf(arg(c, 0)), gfp)
		k.ShowProblem(prob)
		if p != 0 {
			k.kmallocs[p] = &objAllocRec{size: uint64(cacheOf(arg(c, 0)).ObjectSize), fn: name, module: k.module}
		}
		return p
	}
	b["kmem_cache_alloc"] = func(c *interp.Call) uint64 { return alloc("kmem_cache_alloc", c, 0) }
	b["kmem_cache_zalloc"] = func(c *interp.Call) uint64 { return alloc("kmem_cache_zalloc", c, buddy.GFP__ZERO) }
	b["kmem_cache_free"] = func(c *interp.Call) uint64 {
		p := arg(c, 1)
		prob := s.KmemCacheFree(cacheOf(arg(c, 0)), p)
		if prob == nil {
			delete(k.kmallocs, p)
		}
		k.ShowProblem(prob)
		return 0
	}
	b["kmem_cache_destroy"] = func(c *interp.Call) uint64 {
		h := arg(c, 0)
		if h == 0 {
			return 0 // kmem_cache_destroy(NULL) does nothing
		}
		kc := k.caches[h]
		prob := s.KmemCacheDestroy(cacheOf(h), k.callerSym())
		k.ShowProblem(prob)
		if kc != nil && prob == nil {
			delete(k.caches, h)
			s.KmemCacheFree(k.metaCache(s), h)
		}
		return 0
	}
	b["krealloc"] = func(c *interp.Call) uint64 {
		p, n, gfp := arg(c, 0), arg(c, 1), buddy.GFP(arg(c, 2))
		k.MightAlloc(gfp, "krealloc+0x41/0xb0")
		defer k.entering("krealloc+0x41/0xb0")()
		q, prob := s.Krealloc(p, n, gfp)
		k.ShowProblem(prob)
		rec := k.kmallocs[p]
		if q != p && q != 0 {
			delete(k.kmallocs, p)
		}
		if q > slab.ZeroSizePtr {
			if rec == nil {
				rec = &objAllocRec{fn: "krealloc", module: k.module}
			}
			rec.size = n
			k.kmallocs[q] = rec
		}
		return q
	}
}

// metaCache is the cache of struct kmem_cache objects: the boot's
// "kmem_cache", or kmalloc-256 on a machine booted without it.
func (k *Kernel) metaCache(s *slab.Allocator) *slab.Cache {
	for _, c := range s.Caches() {
		if c.Name == "kmem_cache" {
			return c
		}
	}
	return s.KmallocCache(256, buddy.GFP_KERNEL)
}

// cacheLeaks lists the caches m created and did not destroy.
func (k *Kernel) cacheLeaks(m *Module) []Leak {
	var out []Leak
	for _, h := range sortedKeys(k.caches) {
		if kc := k.caches[h]; kc.module == m {
			out = append(out, Leak{Kind: "kmem_cache", Addr: h,
				What: fmt.Sprintf("kmem_cache %q never destroyed: the cache and its slabs stay, listed in /proc/slabinfo", kc.name)})
		}
	}
	return out
}
