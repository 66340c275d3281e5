package view

// The Slab view: the kmem caches as /proc/slabinfo lists them, each with
// its slabs drawn as rows of object cells (allocated or free, the next
// object the free list hands out marked), and the large kmallocs that
// bypass the caches. On kernel=2.0 the "caches" are the power-of-two
// kmalloc buckets ("size-32", …) and the slabs their page areas.
//
// Cost: a busy machine has ~50 caches with a few slabs of up to 512
// objects; a cell is a small struct with two strings, built once per
// snapshot.

import (
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/slab"
)

// SlabCacheRow is one kmem cache.
type SlabCacheRow struct {
	Name       string
	ObjectSize string // "64 B": what kmalloc's caller may use
	Size       string // "64 B": the object's slot, with alignment and metadata
	ObjPerSlab int
	Order      int    // pages per slab = 1 << Order
	SlabSize   string // "4 KiB"
	Active     string // "24/64": active objects / total, as slabinfo counts them
	ActiveObjs int
	TotalObjs  int
	InUse      int // objects really allocated
	Slabs      []SlabRow
	Title      string // "kmalloc-64 · 64 B objects · 64 per 4 KiB slab · 24 in use"
	// Boot says how many slabs the boot left untouched (not drawn), or "".
	Boot string
	// More says how many slabs past MaxSlabsShown are not drawn, or "".
	More string
}

// MaxSlabsShown bounds the slabs drawn per cache (each is a row of up to
// 512 squares: a program that fills thousands of objects would otherwise
// put tens of thousands of elements on the page at every step).
const MaxSlabsShown = 16

// SlabRow is one slab of a cache.
type SlabRow struct {
	PFN     uint64
	Addr    string // the slab's first byte (direct map)
	Role    string // "cpu" (the CPU slab), "partial" or "full"
	InUse   string // "3/64"
	Objects []ObjectCell
	Title   string // "slab at 0xffff888007e3d000 · pfn 0x7e3d · cpu slab · 3/64 in use"
}

// ObjectCell is one object of a slab.
type ObjectCell struct {
	State string // "free" or "allocated"
	Req   uint64 // bytes the caller asked for (allocated objects)
	Addr  string
	// AddrNum and SizeNum are the object's slot: its address and the
	// cache's slot size (for the focus).
	AddrNum, SizeNum uint64
	// Next marks the head of the slab's free list: the object the next
	// allocation from this slab returns.
	Next bool
	// Title: "0xffff888007e3d040 · kmalloc-64 · 24 of 64 bytes used".
	Title string
}

// LargeRow is one large kmalloc (above the biggest cache: straight from
// the page allocator).
type LargeRow struct {
	Addr  string
	PFN   uint64
	Order int
	Req   uint64
	Size  string // the block: "32 KiB"
	Title string // "kmalloc(20000) → 0xffff888001230000 · order 3 block (32 KiB) at pfn 0x1230"
}

// SlabCaches lists the caches of s in /proc/slabinfo order whose name
// contains filter (case-insensitive; "" keeps all). With onlyActive,
// caches without slabs (nothing to draw) are left out.
func SlabCaches(s slab.Snapshot, filter string, onlyActive bool) []SlabCacheRow {
	filter = strings.ToLower(strings.TrimSpace(filter))
	out := make([]SlabCacheRow, 0, len(s.Caches))
	for _, c := range s.Caches {
		if onlyActive && len(c.Slabs) == 0 {
			continue
		}
		if filter != "" && !strings.Contains(strings.ToLower(c.Name), filter) {
			continue
		}
		total := (len(c.Slabs) + c.BootSlabs) * c.ObjPerSlab
		slabBytes := uint64(arch.PageSize) << uint(max(c.Order, 0))
		row := SlabCacheRow{Name: c.Name, ObjectSize: Bytes(uint64(c.ObjectSize)), Size: Bytes(uint64(c.Size)),
			ObjPerSlab: c.ObjPerSlab, Order: c.Order, SlabSize: Bytes(slabBytes),
			Active: fmtInt(c.ActiveObjs) + "/" + fmtInt(total), ActiveObjs: c.ActiveObjs, TotalObjs: total, InUse: c.InUse}
		row.Title = c.Name + " · " + Bytes(uint64(c.ObjectSize)) + " objects in " + Bytes(uint64(c.Size)) + " slots · " +
			fmtInt(c.ObjPerSlab) + " per " + Bytes(slabBytes) + " slab · " + Plural(len(c.Slabs)+c.BootSlabs, "slab") + " · " + fmtInt(c.InUse) + " in use"
		if c.BootSlabs > 0 {
			row.Title += " · " + Plural(c.BootSlabs, "slab") + " left by the boot and untouched since, not drawn"
			row.Boot = "and " + Plural(c.BootSlabs, "slab") + " the boot filled, untouched since (not drawn)"
		}
		objSize := fmtUint(uint64(c.ObjectSize))
		for k, sl := range c.Slabs {
			if k == MaxSlabsShown {
				row.More = "and " + Plural(len(c.Slabs)-k, "more slab") + " (not drawn: /proc/slabinfo counts them)"
				break
			}
			sr := SlabRow{PFN: sl.PFN, Addr: Addr(sl.Addr), Role: sl.Role, InUse: fmtInt(sl.InUse) + "/" + fmtInt(len(sl.Objects))}
			sr.Title = "slab at " + sr.Addr + " · pfn " + Hex(sl.PFN) + " · " + sl.Role + " slab · " + sr.InUse + " in use"
			var next uint64
			hasNext := len(sl.FreeList) > 0
			if hasNext {
				next = sl.FreeList[0]
			}
			sr.Objects = make([]ObjectCell, len(sl.Objects))
			for i, o := range sl.Objects {
				a := Addr(o.Addr)
				cell := ObjectCell{State: o.State.String(), Req: o.Req, Addr: a, Next: hasNext && o.Addr == next,
					AddrNum: o.Addr, SizeNum: uint64(c.Size)}
				if o.State == slab.ObjAllocated {
					cell.Title = a + " · " + c.Name + " · " + fmtUint(o.Req) + " of " + objSize + " bytes used"
				} else if cell.Next {
					cell.Title = a + " · " + c.Name + " · free: the next allocation from this slab"
				} else {
					cell.Title = a + " · " + c.Name + " · free"
				}
				sr.Objects[i] = cell
			}
			row.Slabs = append(row.Slabs, sr)
		}
		out = append(out, row)
	}
	return out
}

// LargeKmallocs lists the large kmallocs of s by address.
func LargeKmallocs(s slab.Snapshot) []LargeRow {
	out := make([]LargeRow, 0, len(s.Large))
	for _, l := range s.Large {
		size := uint64(arch.PageSize) << uint(max(l.Order, 0))
		r := LargeRow{Addr: Addr(l.Addr), PFN: l.PFN, Order: l.Order, Req: l.Req, Size: Bytes(size)}
		r.Title = "kmalloc(" + fmtUint(l.Req) + ") → " + r.Addr + " · order " + fmtInt(l.Order) + " block (" + r.Size + ") at pfn " + Hex(l.PFN)
		out = append(out, r)
	}
	return out
}
