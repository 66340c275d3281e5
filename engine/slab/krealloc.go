package slab

import "mmplay/engine/buddy"

// Krealloc is krealloc(p, n, gfp) (mm/slab_common.c, 6.1): n == 0 frees p
// and returns ZERO_SIZE_PTR; a block whose ksize holds n stays where it is
// (its requested size becomes n: kasan_krealloc); otherwise a new block is
// kmalloc'ed, the old ksize bytes copied into it and p freed. On failure
// p is left alone and 0 returned. A p that is no live kmalloc block gets
// kfree's report and NULL.
func (a *Allocator) Krealloc(p, n uint64, gfp buddy.GFP) (uint64, *Problem) {
	if n == 0 {
		return ZeroSizePtr, a.Kfree(p)
	}
	var ks uint64
	if p > ZeroSizePtr {
		ks = a.Ksize(p)
		if ks == 0 {
			return 0, a.Kfree(p) // not a live object: kfree's report, nothing freed
		}
		if ks >= n {
			if s, i, rem, ok := a.lookup(p); ok && rem == 0 {
				s.setReq(i, uint32(n))
			} else if l, ok := a.large[(p-a.base)>>12]; ok {
				l.req = n
				a.large[(p-a.base)>>12] = l
			}
			return p, nil
		}
	}
	q, prob := a.Kmalloc(n, gfp)
	if q == 0 || q == ZeroSizePtr {
		return q, prob
	}
	if ks > 0 {
		buf := make([]byte, ks)
		a.mem.ReadBytes(p-a.base, buf)
		a.mem.WriteBytes(q-a.base, buf)
		if fp := a.Kfree(p); fp != nil && prob == nil {
			prob = fp
		}
	}
	return q, prob
}
