package buddy

import "mmplay/engine/phys"

// MigrateType is enum migratetype (include/linux/mmzone.h; facts §3.2).
// Debian's kernel also has MIGRATE_CMA and MIGRATE_ISOLATE; nothing in
// mmplay reserves CMA areas or isolates pageblocks, so they are only
// printed (as empty) in /proc/pagetypeinfo.
type MigrateType uint8

const (
	MigrateUnmovable   MigrateType = iota // kernel allocations (GFP_KERNEL)
	MigrateMovable                        // user pages (GFP_HIGHUSER_MOVABLE), page cache
	MigrateReclaimable                    // __GFP_RECLAIMABLE: dentries, inodes, kmalloc-rcl-*
	MigrateHighAtomic                     // the reserve for high-order atomic allocations
	NumMigrateTypes

	// migratePCPTypes is MIGRATE_PCPTYPES: the types the per-CPU lists keep.
	migratePCPTypes = MigrateHighAtomic
)

var migrateNames = [NumMigrateTypes]string{"Unmovable", "Movable", "Reclaimable", "HighAtomic"}

// String is the name /proc/pagetypeinfo prints (migratetype_names).
func (mt MigrateType) String() string {
	if mt < NumMigrateTypes {
		return migrateNames[mt]
	}
	return "?"
}

// Letter is show_migration_types' letter: U, M, E, H.
func (mt MigrateType) Letter() string {
	if mt < NumMigrateTypes {
		return "UMEH"[mt : mt+1]
	}
	return "?"
}

// mergeable is migratetype_is_mergeable: blocks of these types may merge
// with a buddy of another of them across a pageblock boundary.
func (mt MigrateType) mergeable() bool { return mt < migratePCPTypes }

// fallbacks is mm/page_alloc.c:fallbacks[]: where each type looks when its
// own lists are empty, in order.
var fallbacks = [migratePCPTypes][2]MigrateType{
	MigrateUnmovable:   {MigrateReclaimable, MigrateMovable},
	MigrateMovable:     {MigrateReclaimable, MigrateUnmovable},
	MigrateReclaimable: {MigrateUnmovable, MigrateMovable},
}

// gfpMigratetype is gfp_migratetype: __GFP_MOVABLE and __GFP_RECLAIMABLE
// are bits 3 and 4, shifted down (GFP_MOVABLE_SHIFT 3). Linux 2.0 had
// one list per order: everything is "unmovable" there.
func (a *Allocator) gfpMigratetype(g GFP) MigrateType {
	mt := MigrateType((g & (GFP__MOVABLE | GFP__RECLAIMABLE)) >> 3)
	if a.legacy || mt >= migratePCPTypes {
		// Both bits at once is a bad mask (VM_WARN_ON in gfp_migratetype;
		// the kernel would go on with MIGRATE_HIGHATOMIC and index past
		// its fallback table): mmplay treats it as unmovable.
		return MigrateUnmovable
	}
	return mt
}

// pageblockType is get_pfnblock_migratetype.
func (a *Allocator) pageblockType(pfn uint64) MigrateType {
	return a.pageblockMT[pfn>>PageblockOrder]
}

// PageblockType returns the migrate type of the pageblock holding pfn.
func (a *Allocator) PageblockType(pfn uint64) MigrateType { return a.pageblockType(pfn) }

// setPageblockType is set_pageblock_migratetype.
func (a *Allocator) setPageblockType(pfn uint64, mt MigrateType) {
	a.pageblockMT[pfn>>PageblockOrder] = mt
}

// frameMT reads the migrate type a FlagBuddy or FlagPCP frame carries.
func frameMT(f *phys.Frame) MigrateType {
	return MigrateType((f.Flags & phys.FlagMTMask) >> phys.FlagMTShift)
}

func setFrameMT(f *phys.Frame, mt MigrateType) {
	f.Flags = f.Flags&^phys.FlagMTMask | uint8(mt)<<phys.FlagMTShift
}

// List primitives over Frame.Next/Prev (include/linux/list.h as the free
// and pcp lists use it).

func (a *Allocator) pushHead(l *FreeList, pfn uint64) {
	f := &a.frames[pfn]
	p := uint32(pfn)
	f.Prev = phys.NoPFN
	f.Next = l.Head
	if l.Head == phys.NoPFN {
		l.Tail = p
	} else {
		a.frames[l.Head].Prev = p
	}
	l.Head = p
	l.N++
}

func (a *Allocator) pushTail(l *FreeList, pfn uint64) {
	f := &a.frames[pfn]
	p := uint32(pfn)
	f.Next = phys.NoPFN
	f.Prev = l.Tail
	if l.Tail == phys.NoPFN {
		l.Head = p
	} else {
		a.frames[l.Tail].Next = p
	}
	l.Tail = p
	l.N++
}

func (a *Allocator) unlink(l *FreeList, pfn uint64) {
	f := &a.frames[pfn]
	if f.Prev == phys.NoPFN {
		l.Head = f.Next
	} else {
		a.frames[f.Prev].Next = f.Next
	}
	if f.Next == phys.NoPFN {
		l.Tail = f.Prev
	} else {
		a.frames[f.Next].Prev = f.Prev
	}
	f.Next, f.Prev = phys.NoPFN, phys.NoPFN
	l.N--
}

// Free-list primitives (mm/page_alloc.c: add_to_free_list,
// add_to_free_list_tail, move_to_free_list, del_page_from_free_list).

func (a *Allocator) listAdd(z *Zone, pfn uint64, order int, mt MigrateType, tail bool) {
	fa := &z.FreeArea[order]
	f := &a.frames[pfn]
	f.Flags = f.Flags&^(phys.FlagPCP|phys.FlagHead) | phys.FlagBuddy
	f.Order = uint8(order)
	setFrameMT(f, mt)
	if tail {
		a.pushTail(&fa.List[mt], pfn)
	} else {
		a.pushHead(&fa.List[mt], pfn)
	}
	fa.NrFree++
	z.FreePages += 1 << order
}

func (a *Allocator) listDel(z *Zone, pfn uint64, order int) {
	fa := &z.FreeArea[order]
	f := &a.frames[pfn]
	a.unlink(&fa.List[frameMT(f)], pfn)
	f.Flags &^= phys.FlagBuddy | phys.FlagMTMask
	f.Order = 0
	fa.NrFree--
	z.FreePages -= 1 << order
}

// moveToList is move_to_free_list: to the tail of another type's list.
func (a *Allocator) moveToList(z *Zone, pfn uint64, order int, mt MigrateType) {
	f := &a.frames[pfn]
	fa := &z.FreeArea[order]
	a.unlink(&fa.List[frameMT(f)], pfn)
	setFrameMT(f, mt)
	a.pushTail(&fa.List[mt], pfn)
}

// isBuddy is page_is_buddy: pfn heads a free block of this order in zone
// id, in the buddy allocator (not on a per-CPU list).
func (a *Allocator) isBuddy(pfn uint64, order int, id phys.ZoneID) bool {
	if pfn >= uint64(len(a.frames)) {
		return false
	}
	f := &a.frames[pfn]
	return f.Flags&phys.FlagBuddy != 0 && int(f.Order) == order && f.Zone == id
}
