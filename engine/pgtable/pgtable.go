package pgtable

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// PTE is one page-table entry at any level.
type PTE uint64

// x86 entry bits (arch/x86/include/asm/pgtable_types.h).
const (
	Present  PTE = 1 << 0
	RW       PTE = 1 << 1
	User     PTE = 1 << 2
	Accessed PTE = 1 << 5
	Dirty    PTE = 1 << 6
	Special  PTE = 1 << 9 // _PAGE_SPECIAL (_PAGE_BIT_SOFTW1): the zero page
	NX       PTE = 1 << 63
	// PFNMask is PTE_PFN_MASK for 52-bit physical addresses.
	PFNMask PTE = 0x000ffffffffff000
	// Table is _PAGE_TABLE, the flags of an upper-level entry.
	Table = Present | RW | User | Accessed | Dirty
)

// Geometry (arch/x86/include/asm/pgtable_64_types.h).
const (
	PtrsPerTable = 512
	PMDShift     = 21
	PUDShift     = 30
	PGDShift     = 39
	levels       = 4
	// userTop is the end of the lower half (2^47): the span of the PGD's
	// user entries.
	userTop = uint64(1) << 47
)

var shifts = [levels]uint{PGDShift, PUDShift, PMDShift, arch.PageShift}

// Make returns an entry mapping pfn with flags.
func Make(pfn uint64, flags PTE) PTE { return PTE(pfn<<arch.PageShift)&PFNMask | flags }

// PFN returns the frame the entry points to.
func (p PTE) PFN() uint64 { return uint64(p&PFNMask) >> arch.PageShift }

// Present reports the present bit.
func (p PTE) Present() bool { return p&Present != 0 }

// Writable reports the RW bit.
func (p PTE) Writable() bool { return p&RW != 0 }

// Flags returns the entry without its frame number.
func (p PTE) Flags() PTE { return p &^ PFNMask }

func (p PTE) String() string {
	if p == 0 {
		return "none"
	}
	s := fmt.Sprintf("pfn %#x", p.PFN())
	for _, b := range []struct {
		bit  PTE
		name string
	}{{Present, "P"}, {RW, "RW"}, {User, "U"}, {Accessed, "A"}, {Dirty, "D"}, {Special, "SPECIAL"}, {NX, "NX"}} {
		if p&b.bit != 0 {
			s += " " + b.name
		}
	}
	return s
}

// Tables is one set of page tables (an mm's pgd).
type Tables struct {
	mem   *phys.Mem
	pages *buddy.Allocator
	root  uint64 // pfn of the PGD
	// nrTables counts every table frame, the PGD included (mm->pgtables_bytes/4096).
	nrTables uint64
	rec      arch.Recorder
}

// New allocates an empty PGD (pgd_alloc). It fails when the page allocator does.
func New(pages *buddy.Allocator, rec arch.Recorder) (*Tables, error) {
	t := &Tables{mem: pages.Mem(), pages: pages, rec: rec}
	pfn, err := t.allocTable()
	if err != nil {
		return nil, err
	}
	t.root = pfn
	return t, nil
}

func (t *Tables) allocTable() (uint64, error) {
	pfn, err := t.pages.AllocPages(buddy.GFP_PGTABLE_USER, 0, phys.OwnerPageTable)
	if err != nil {
		return 0, err
	}
	t.nrTables++
	return pfn, nil
}

func (t *Tables) freeTable(pfn uint64) {
	t.mem.ZeroFrame(pfn)
	if err := t.pages.FreePages(pfn, 0); err != nil {
		panic("pgtable: table frame refused by the page allocator")
	}
	t.nrTables--
}

// Root returns the PGD's pfn (what CR3 would hold).
func (t *Tables) Root() uint64 { return t.root }

// NrTables returns the number of table frames, the PGD included.
func (t *Tables) NrTables() uint64 { return t.nrTables }

func index(va uint64, level int) uint64 { return (va >> shifts[level]) & (PtrsPerTable - 1) }

func (t *Tables) entry(table uint64, i uint64) PTE {
	p := t.mem.Content(table)
	if p == nil {
		return 0
	}
	return PTE(phys.LoadLE(p, i*8, 8))
}

func (t *Tables) setEntry(table uint64, i uint64, e PTE) {
	t.mem.Store(table<<arch.PageShift+i*8, 8, uint64(e))
}

// Lookup returns va's PTE, or 0 when some level is not present (a walk
// without allocating: follow_page's view).
func (t *Tables) Lookup(va uint64) PTE {
	table := t.root
	for level := 0; level < levels-1; level++ {
		e := t.entry(table, index(va, level))
		if !e.Present() {
			return 0
		}
		table = e.PFN()
	}
	return t.entry(table, index(va, levels-1))
}

// Slot returns the physical address of va's PTE, allocating missing tables
// when alloc is set. Without alloc, ok is false when a table is missing.
func (t *Tables) Slot(va uint64, alloc bool) (pa uint64, ok bool, err error) {
	table := t.root
	for level := 0; level < levels-1; level++ {
		i := index(va, level)
		e := t.entry(table, i)
		if !e.Present() {
			if !alloc {
				return 0, false, nil
			}
			pfn, err := t.allocTable()
			if err != nil {
				return 0, false, err
			}
			e = Make(pfn, Table)
			t.setEntry(table, i, e)
		}
		table = e.PFN()
	}
	return table<<arch.PageShift + index(va, levels-1)*8, true, nil
}

// Set installs pte for va, allocating tables as needed (map step 1–2).
// Precondition: va is a page-aligned user address (< 2^47).
func (t *Tables) Set(va uint64, pte PTE) error {
	pa, _, err := t.Slot(va, true)
	if err != nil {
		return err
	}
	t.mem.Store(pa, 8, uint64(pte))
	return nil
}

// Clear sets va's PTE to none and returns the old entry. Tables stay.
func (t *Tables) Clear(va uint64) PTE {
	pa, ok, _ := t.Slot(va, false)
	if !ok {
		return 0
	}
	old := PTE(t.mem.Load(pa, 8))
	if old != 0 {
		t.mem.Store(pa, 8, 0)
	}
	return old
}

// Range calls fn for every non-none PTE with start <= va < end, in address
// order, skipping absent tables. fn must not change the tables' shape (it
// may rewrite the PTE through Set or Clear). Stops when fn returns false.
func (t *Tables) Range(start, end uint64, fn func(va uint64, pte PTE) bool) {
	t.rangeLevel(t.root, 0, 0, start, end, fn)
}

func (t *Tables) rangeLevel(table uint64, level int, base, start, end uint64, fn func(uint64, PTE) bool) bool {
	span := uint64(1) << shifts[level]
	p := t.mem.Content(table)
	if p == nil {
		return true
	}
	for i := uint64(0); i < PtrsPerTable; i++ {
		lo := base + i*span
		if lo+span <= start {
			continue
		}
		if lo >= end {
			break
		}
		e := PTE(phys.LoadLE(p, i*8, 8))
		if e == 0 {
			continue
		}
		if level == levels-1 {
			if !fn(lo, e) {
				return false
			}
			p = t.mem.Content(table) // fn may have emptied the table's storage
			if p == nil {
				return true
			}
			continue
		}
		if e.Present() && !t.rangeLevel(e.PFN(), level+1, lo, start, end, fn) {
			return false
		}
	}
	return true
}

// FreeRange frees the empty tables whose span lies inside [floor, ceiling)
// and meets [start, end) (free_pgd_range; see the package comment). A
// ceiling of 0 means the top of user space.
func (t *Tables) FreeRange(start, end, floor, ceiling uint64) {
	if ceiling == 0 || ceiling > userTop {
		ceiling = userTop
	}
	t.freeLevel(t.root, 0, 0, start, end, floor, ceiling)
}

// freeLevel frees the empty child tables of table; it reports whether
// table is now empty.
func (t *Tables) freeLevel(table uint64, level int, base, start, end, floor, ceiling uint64) bool {
	span := uint64(1) << shifts[level]
	empty := true
	for i := uint64(0); i < PtrsPerTable; i++ {
		e := t.entry(table, i)
		if e == 0 {
			continue
		}
		lo := base + i*span
		if level == levels-1 || lo+span <= start || lo >= end || lo < floor || lo+span > ceiling {
			empty = false
			continue
		}
		if t.freeLevel(e.PFN(), level+1, lo, start, end, floor, ceiling) {
			t.setEntry(table, i, 0)
			t.freeTable(e.PFN())
		} else {
			empty = false
		}
	}
	return empty
}

// Destroy frees every table, the PGD included (free_pgtables + pgd_free at
// exit). Precondition: every PTE is none (the caller unmapped everything).
func (t *Tables) Destroy() {
	t.freeLevel(t.root, 0, 0, 0, userTop, 0, userTop)
	t.freeTable(t.root)
	t.root = 0
}

// CheckInvariants walks the tables: every table frame is owned by
// OwnerPageTable, upper entries are _PAGE_TABLE entries, and the count of
// table frames matches NrTables.
func (t *Tables) CheckInvariants() error {
	n, err := t.check(t.root, 0)
	if err != nil {
		return err
	}
	if n != t.nrTables {
		return fmt.Errorf("pgtable: %d table frames, counted %d", t.nrTables, n)
	}
	return nil
}

func (t *Tables) check(table uint64, level int) (uint64, error) {
	if !t.mem.Valid(table) || t.mem.Frame(table).Owner != phys.OwnerPageTable {
		return 0, fmt.Errorf("pgtable: level-%d table at pfn %#x is not a page-table frame", level, table)
	}
	n := uint64(1)
	if level == levels-1 {
		return n, nil
	}
	for i := uint64(0); i < PtrsPerTable; i++ {
		e := t.entry(table, i)
		if e == 0 {
			continue
		}
		if e.Flags() != Table {
			return 0, fmt.Errorf("pgtable: level-%d entry %d is %v, want a table entry", level, i, e)
		}
		c, err := t.check(e.PFN(), level+1)
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}
