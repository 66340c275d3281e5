package slab

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
)

// allCaches lists the caches in /proc/slabinfo order: the custom caches
// newest first (list_add to the head of slab_caches), then the kmalloc
// caches in the order the measured kernel printed them
// (reference/kernel/summary.txt): all dma-kmalloc-* by size, then per size
// kmalloc-rcl-*, kmalloc-cg-*, kmalloc-*.
func (a *Allocator) allCaches() []*Cache {
	out := a.Caches()
	for _, i := range creationOrder {
		out = append(out, a.kmalloc[KmallocDMA][i])
	}
	for _, i := range creationOrder {
		out = append(out, a.kmalloc[KmallocReclaim][i], a.kmalloc[KmallocCgroup][i], a.kmalloc[KmallocNormal][i])
	}
	return out
}

// counts returns slabinfo's numbers for c (mm/slub.c:get_slabinfo):
// active_objs counts every object that is not free on a node partial slab,
// so the free objects of the CPU slab count as active, as in SLUB.
func (c *Cache) counts() (active, total, slabs int) {
	slabs = len(c.slabs)
	total = slabs * c.ObjPerSlab
	free := 0
	for _, s := range c.partial {
		free += len(s.free)
	}
	return total - free, total, slabs
}

// SlabInfo is /proc/slabinfo in SLUB's format (mm/slab_common.c:
// print_slabinfo_header, cache_show; facts §5.5).
func (a *Allocator) SlabInfo() (string, bool) {
	var b strings.Builder
	b.WriteString("slabinfo - version: 2.1\n")
	b.WriteString("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n")
	for _, c := range a.allCaches() {
		active, total, slabs := c.counts()
		fmt.Fprintf(&b, "%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d\n",
			c.Name, active, total, c.Size, c.ObjPerSlab, 1<<c.Order, 0, 0, 0, slabs, slabs, 0)
	}
	return b.String(), true
}

// SlabBytes returns the bytes held by slabs of reclaimable caches
// (SReclaimable) and by all other slabs plus large kmallocs (SUnreclaim).
func (a *Allocator) SlabBytes() (reclaimable, unreclaimable uint64) {
	for _, c := range a.allCaches() {
		n := uint64(len(c.slabs)) * (arch.PageSize << c.Order)
		if c.Flags&SLAB_RECLAIM_ACCOUNT != 0 {
			reclaimable += n
		} else {
			unreclaimable += n
		}
	}
	return reclaimable, unreclaimable + a.largeFrames*arch.PageSize
}

// Snapshot is the whole allocator state for the views.
type Snapshot struct {
	Caches []CacheSnapshot `json:"caches"`
	Large  []LargeSnapshot `json:"large"`
}

// CacheSnapshot is one kmem_cache; caches without slabs are included.
type CacheSnapshot struct {
	Name       string         `json:"name"`
	ObjectSize int            `json:"objectSize"`
	Size       int            `json:"size"`
	Align      int            `json:"align"`
	ObjPerSlab int            `json:"objPerSlab"`
	Order      int            `json:"order"`
	ActiveObjs int            `json:"activeObjs"` // as /proc/slabinfo counts them
	InUse      int            `json:"inUse"`      // objects really allocated
	Slabs      []SlabSnapshot `json:"slabs"`
	// BootSlabs counts the slabs the kernel's boot left and nobody
	// touched since (EndBoot): they are not listed in Slabs, whose
	// objects they would multiply by thousands.
	BootSlabs int `json:"bootSlabs,omitempty"`
}

// SlabSnapshot is one slab.
type SlabSnapshot struct {
	PFN   uint64 `json:"pfn"`
	Addr  uint64 `json:"addr"`
	Order int    `json:"order"`
	// Role: "cpu" (the CPU slab), "partial" (on the partial list), "full".
	Role    string           `json:"role"`
	InUse   int              `json:"inUse"`
	Objects []ObjectSnapshot `json:"objects"` // in address order
	// FreeList is the free list from its head (the next object handed out).
	FreeList []uint64 `json:"freeList"`
}

// ObjectSnapshot is one object of a slab.
type ObjectSnapshot struct {
	Addr  uint64      `json:"addr"`
	State ObjectState `json:"state"`
	Req   uint64      `json:"req"` // requested size, 0 when free
}

// LargeSnapshot is one kmalloc above 8192 bytes.
type LargeSnapshot struct {
	Addr  uint64 `json:"addr"`
	PFN   uint64 `json:"pfn"`
	Order int    `json:"order"`
	Req   uint64 `json:"req"`
}

// Snapshot returns the state, built on demand, in /proc/slabinfo order;
// large kmallocs by address.
func (a *Allocator) Snapshot() Snapshot {
	var snap Snapshot
	for _, c := range a.allCaches() {
		active, _, _ := c.counts()
		cs := CacheSnapshot{Name: c.Name, ObjectSize: int(c.ObjectSize), Size: int(c.Size), Align: int(c.Align),
			ObjPerSlab: c.ObjPerSlab, Order: c.Order, ActiveObjs: active, InUse: c.inuse}
		for _, s := range c.slabs {
			if s.boot {
				cs.BootSlabs++
				continue
			}
			ss := SlabSnapshot{PFN: s.pfn, Addr: s.base, Order: c.Order, Role: "full", InUse: s.inuse}
			if s == c.cpu {
				ss.Role = "cpu"
			} else if len(s.free) > 0 {
				ss.Role = "partial"
			}
			for i := int32(0); i < int32(c.ObjPerSlab); i++ {
				o := ObjectSnapshot{Addr: s.objAddr(i), Req: uint64(s.reqOf(i))}
				if s.reqOf(i) != 0 {
					o.State = ObjAllocated
				}
				ss.Objects = append(ss.Objects, o)
			}
			for k := len(s.free) - 1; k >= 0; k-- {
				ss.FreeList = append(ss.FreeList, s.objAddr(s.free[k]))
			}
			cs.Slabs = append(cs.Slabs, ss)
		}
		snap.Caches = append(snap.Caches, cs)
	}
	// Deterministic order: walk the frames, not the map.
	max := a.mem.MaxPFN()
	if len(a.large) > 0 {
		for pfn := uint64(0); pfn < max; pfn++ {
			if l, ok := a.large[pfn]; ok {
				snap.Large = append(snap.Large, LargeSnapshot{Addr: a.base + pfn<<arch.PageShift, PFN: pfn, Order: l.order, Req: l.req})
				pfn += 1<<l.order - 1
			}
		}
	}
	return snap
}
