package slab

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// CheckInvariants recounts the allocator from scratch: every cache's
// geometry and lists, every slab's free list against the object states and
// against the free pointers stored in memory, the frames' owners, and the
// pfn → slab map.
func (a *Allocator) CheckInvariants() error {
	seen := map[uint64]bool{}
	nslabFrames := 0
	for _, c := range a.allCaches() {
		if err := a.checkCache(c, seen); err != nil {
			return err
		}
		nslabFrames += len(c.slabs) << c.Order
	}
	if nslabFrames != a.slabOf.n {
		return fmt.Errorf("slab: %d frames mapped to slabs, counted %d", a.slabOf.n, nslabFrames)
	}
	var frames uint64
	for pfn, l := range a.large {
		f := a.mem.Frame(pfn)
		if f.Owner != phys.OwnerPages || f.Flags&phys.FlagHead == 0 || int(f.Order) != l.order {
			return fmt.Errorf("slab: large kmalloc at pfn %#x: frame owner %v order %d, want pages order %d", pfn, f.Owner, f.Order, l.order)
		}
		if getOrder(l.req) != l.order || l.req <= KmallocMaxCacheSize {
			return fmt.Errorf("slab: large kmalloc at pfn %#x: request %d in order %d", pfn, l.req, l.order)
		}
		frames += 1 << l.order
	}
	if frames != a.largeFrames {
		return fmt.Errorf("slab: largeFrames %d, counted %d", a.largeFrames, frames)
	}
	return nil
}

func (a *Allocator) checkCache(c *Cache, seen map[uint64]bool) error {
	if c.Size%8 != 0 || c.Size%c.Align != 0 || c.Size < c.ObjectSize || c.Offset+8 > c.Size {
		return fmt.Errorf("slab: %s: size %d align %d offset %d for object size %d", c.Name, c.Size, c.Align, c.Offset, c.ObjectSize)
	}
	if c.ObjPerSlab < 1 || uint64(c.ObjPerSlab) != orderObjects(c.Order, uint64(c.Size)) {
		return fmt.Errorf("slab: %s: %d objects per order-%d slab of size %d", c.Name, c.ObjPerSlab, c.Order, c.Size)
	}
	onPartial := map[*slab]bool{}
	for _, s := range c.partial {
		if onPartial[s] || s == c.cpu || len(s.free) == 0 {
			return fmt.Errorf("slab: %s: bad slab on the partial list at pfn %#x", c.Name, s.pfn)
		}
		onPartial[s] = true
	}
	inuse, cpuFound := 0, c.cpu == nil
	for _, s := range c.slabs {
		if s == c.cpu {
			cpuFound = true
		}
		if s.cache != c || seen[s.pfn] {
			return fmt.Errorf("slab: %s: slab at pfn %#x listed twice or in the wrong cache", c.Name, s.pfn)
		}
		seen[s.pfn] = true
		if s != c.cpu && !onPartial[s] && len(s.free) != 0 {
			return fmt.Errorf("slab: %s: slab at pfn %#x has %d free objects but is on no list", c.Name, s.pfn, len(s.free))
		}
		if s.base != a.base+s.pfn<<arch.PageShift {
			return fmt.Errorf("slab: %s: slab base %#x for pfn %#x", c.Name, s.base, s.pfn)
		}
		for i := uint64(0); i < 1<<c.Order; i++ {
			f := a.mem.Frame(s.pfn + i)
			if f.Owner != phys.OwnerSlab || a.slabOf.get(s.pfn+i) != s {
				return fmt.Errorf("slab: %s: frame %#x of slab %#x is %v", c.Name, s.pfn+i, s.pfn, f.Owner)
			}
		}
		if a.mem.Frame(s.pfn).Flags&phys.FlagHead == 0 || int(a.mem.Frame(s.pfn).Order) != c.Order {
			return fmt.Errorf("slab: %s: slab at pfn %#x is not an order-%d block", c.Name, s.pfn, c.Order)
		}
		if s.req != nil && len(s.req) != c.ObjPerSlab || len(s.free)+s.inuse != c.ObjPerSlab {
			return fmt.Errorf("slab: %s: slab %#x: %d free + %d inuse != %d", c.Name, s.pfn, len(s.free), s.inuse, c.ObjPerSlab)
		}
		isFree := make([]bool, c.ObjPerSlab)
		for _, i := range s.free {
			if i < 0 || int(i) >= c.ObjPerSlab || isFree[i] || s.reqOf(i) != 0 {
				return fmt.Errorf("slab: %s: slab %#x: bad free list entry %d", c.Name, s.pfn, i)
			}
			isFree[i] = true
		}
		n := 0
		for i := int32(0); i < int32(c.ObjPerSlab); i++ {
			if s.reqOf(i) != 0 {
				n++
			} else if !isFree[i] {
				return fmt.Errorf("slab: %s: slab %#x: object %d neither free nor allocated", c.Name, s.pfn, i)
			}
		}
		if n != s.inuse {
			return fmt.Errorf("slab: %s: slab %#x: inuse %d, counted %d", c.Name, s.pfn, s.inuse, n)
		}
		inuse += n
	}
	if !cpuFound {
		return fmt.Errorf("slab: %s: CPU slab is not among its slabs", c.Name)
	}
	if inuse != c.inuse {
		return fmt.Errorf("slab: %s: inuse %d, counted %d", c.Name, c.inuse, inuse)
	}
	return nil
}
