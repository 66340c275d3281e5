package buddy

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// CheckInvariants recounts the allocator's state from scratch: every free
// list and per-CPU list is well linked and its counts right, every free
// block is naturally aligned, in its zone, on the list of the type its
// head carries, not mergeable with its buddy (else __free_one_page would
// have merged it), NR_FREE_PAGES and the pcp count match, the HIGHATOMIC
// pageblocks match nr_reserved_highatomic, and every OwnerFree frame lies
// in exactly one free block (buddy or pcp).
func (a *Allocator) CheckInvariants() error {
	inBlock := make([]bool, len(a.frames))
	claim := func(pfn uint64, o int, z *Zone) error {
		if pfn&(1<<o-1) != 0 || pfn < z.StartPFN || pfn+1<<o > z.EndPFN {
			return fmt.Errorf("zone %s order %d: pfn %#x misaligned or outside the zone", z.ID, o, pfn)
		}
		for i := pfn; i < pfn+1<<o; i++ {
			if inBlock[i] {
				return fmt.Errorf("pfn %#x in two free blocks", i)
			}
			inBlock[i] = true
			if a.frames[i].Owner != phys.OwnerFree || a.frames[i].Zone != z.ID {
				return fmt.Errorf("pfn %#x in a free block has owner %s zone %s", i, a.frames[i].Owner, a.frames[i].Zone)
			}
			if i != pfn && a.frames[i].Flags != 0 {
				return fmt.Errorf("pfn %#x inside a free block has flags %#x", i, a.frames[i].Flags)
			}
		}
		return nil
	}
	walk := func(l *FreeList, what string, visit func(pfn uint64) error) error {
		var n uint64
		prev := phys.NoPFN
		for p := l.Head; p != phys.NoPFN; p = a.frames[p].Next {
			if n > uint64(len(a.frames)) {
				return fmt.Errorf("%s: list has a cycle", what)
			}
			if a.frames[p].Prev != prev {
				return fmt.Errorf("%s: pfn %#x prev %#x, want %#x", what, p, a.frames[p].Prev, prev)
			}
			if err := visit(uint64(p)); err != nil {
				return err
			}
			prev = p
			n++
		}
		if l.Tail != prev || n != l.N {
			return fmt.Errorf("%s: tail %#x (want %#x), %d entries counted %d", what, l.Tail, prev, l.N, n)
		}
		return nil
	}
	for id := range a.zones {
		z := &a.zones[id]
		var free uint64
		for o := 0; o < maxOrderLimit; o++ {
			fa := &z.FreeArea[o]
			var n uint64
			for mt := MigrateType(0); mt < NumMigrateTypes; mt++ {
				l := &fa.List[mt]
				if (o >= a.maxOrder || a.legacy && mt != MigrateUnmovable) && l.N != 0 {
					return fmt.Errorf("zone %s order %d: blocks on the %s list, which cannot have any", z.ID, o, mt)
				}
				err := walk(l, fmt.Sprintf("zone %s order %d %s", z.ID, o, mt), func(pfn uint64) error {
					f := &a.frames[pfn]
					if f.Flags&^phys.FlagMTMask != phys.FlagBuddy || int(f.Order) != o || frameMT(f) != mt {
						return fmt.Errorf("zone %s order %d %s: pfn %#x is no buddy head of this order and type (flags %#x order %d)", z.ID, o, mt, pfn, f.Flags, f.Order)
					}
					if err := claim(pfn, o, z); err != nil {
						return err
					}
					if b := pfn ^ (1 << o); o < a.maxOrder-1 && a.isBuddy(b, o, z.ID) {
						if o < PageblockOrder || a.pageblockType(b).mergeable() && a.pageblockType(pfn).mergeable() || a.pageblockType(b) == a.pageblockType(pfn) {
							return fmt.Errorf("zone %s: pfn %#x and its buddy %#x are both free at order %d", z.ID, pfn, b, o)
						}
					}
					return nil
				})
				if err != nil {
					return err
				}
				n += l.N
			}
			if n != fa.NrFree {
				return fmt.Errorf("zone %s order %d: nr_free %d, counted %d", z.ID, o, fa.NrFree, n)
			}
			free += n << o
		}
		if free != z.FreePages {
			return fmt.Errorf("zone %s: NR_FREE_PAGES %d, counted %d", z.ID, z.FreePages, free)
		}
		pcp := &z.PCP
		if pcp.Batch < 1 || pcp.High < 0 || a.legacy && pcp.High != bootPagesetHigh {
			return fmt.Errorf("zone %s: pcp batch %d high %d", z.ID, pcp.Batch, pcp.High)
		}
		count := 0
		for i := range pcp.Lists {
			o := PindexToOrder(i)
			err := walk(&pcp.Lists[i], fmt.Sprintf("zone %s pcp list %d", z.ID, i), func(pfn uint64) error {
				f := &a.frames[pfn]
				if f.Flags&^phys.FlagMTMask != phys.FlagPCP || int(f.Order) != o {
					return fmt.Errorf("zone %s pcp list %d: pfn %#x flags %#x order %d", z.ID, i, pfn, f.Flags, f.Order)
				}
				if mt := frameMT(f); PindexType(i) != mt && !(mt == MigrateHighAtomic && PindexType(i) == MigrateMovable) &&
					!(o == PageblockOrder && PindexType(i) == MigrateUnmovable && mt != MigrateMovable) {
					return fmt.Errorf("zone %s pcp list %d: pfn %#x carries type %s", z.ID, i, pfn, mt)
				}
				count += 1 << o
				return claim(pfn, o, z)
			})
			if err != nil {
				return err
			}
		}
		if count != pcp.Count {
			return fmt.Errorf("zone %s: pcp count %d, counted %d", z.ID, pcp.Count, count)
		}
		if pcp.High == bootPagesetHigh && count != 0 {
			return fmt.Errorf("zone %s: the boot pageset holds %d pages", z.ID, count)
		}
		var ha uint64
		for pfn := z.StartPFN &^ (PageblockPages - 1); pfn < z.EndPFN; pfn += PageblockPages {
			if pfn >= z.StartPFN && a.pageblockType(pfn) == MigrateHighAtomic {
				ha += PageblockPages
			}
		}
		if ha != z.NrReservedHighatomic {
			return fmt.Errorf("zone %s: nr_reserved_highatomic %d, %d pages of HIGHATOMIC pageblocks", z.ID, z.NrReservedHighatomic, ha)
		}
	}
	for pfn, f := range a.frames {
		if (f.Owner == phys.OwnerFree) != inBlock[pfn] {
			return fmt.Errorf("pfn %#x: owner %s but in a free block: %v", pfn, f.Owner, inBlock[pfn])
		}
		if f.Owner != phys.OwnerFree && f.Flags&(phys.FlagBuddy|phys.FlagPCP|phys.FlagMTMask) != 0 {
			return fmt.Errorf("pfn %#x: owner %s with free-list flags %#x", pfn, f.Owner, f.Flags)
		}
	}
	if a.legacy {
		for i, mt := range a.pageblockMT {
			if mt != MigrateUnmovable {
				return fmt.Errorf("pageblock %d: type %s on Linux 2.0", i, mt)
			}
		}
	}
	return a.mem.CheckInvariants()
}

// ZoneSnapshot is one zone for the Buddy view (JSON-friendly).
type ZoneSnapshot struct {
	Name      string `json:"name"`
	StartPFN  uint64 `json:"startPfn"`
	EndPFN    uint64 `json:"endPfn"`
	Managed   uint64 `json:"managed"`
	FreePages uint64 `json:"freePages"`
	Min       uint64 `json:"min"`
	Low       uint64 `json:"low"`
	High      uint64 `json:"high"`
	// FreeLists[order] lists the first pfn of every free block of that
	// order: the Unmovable list, then Movable, Reclaimable, HighAtomic,
	// each head first (the head of its type's list is that type's next
	// allocation). FreeTypes[order][i] is the migrate type letter of
	// FreeLists[order][i] ("U", "M", "E", "H"); on Linux 2.0 it is empty.
	FreeLists [][]uint64 `json:"freeLists"`
	FreeTypes []string   `json:"freeTypes,omitempty"`
	// PCP is the per-CPU lists that hold pages (empty ones omitted), and
	// PCPCount, PCPHigh, PCPBatch their count, high and batch.
	PCP      []PCPSnapshot `json:"pcp,omitempty"`
	PCPCount int           `json:"pcpCount"`
	PCPHigh  int           `json:"pcpHigh"`
	PCPBatch int           `json:"pcpBatch"`
}

// PCPSnapshot is one per-CPU list: its order, type and blocks, head first.
type PCPSnapshot struct {
	Order int      `json:"order"`
	Type  string   `json:"type"`
	PFNs  []uint64 `json:"pfns"`
}

// Snapshot returns the populated zones with their free lists. Built on demand.
func (a *Allocator) Snapshot() []ZoneSnapshot {
	var out []ZoneSnapshot
	for id := range a.zones {
		z := &a.zones[id]
		if !z.Populated() {
			continue
		}
		s := ZoneSnapshot{Name: z.ID.String(), StartPFN: z.StartPFN, EndPFN: z.EndPFN, Managed: z.Managed,
			FreePages: z.FreePages, Min: z.WmarkMin, Low: z.WmarkLow, High: z.WmarkHigh,
			FreeLists: make([][]uint64, a.maxOrder),
			PCPCount:  z.PCP.Count, PCPHigh: z.PCP.High, PCPBatch: z.PCP.Batch}
		if !a.legacy {
			s.FreeTypes = make([]string, a.maxOrder)
		}
		for o := 0; o < a.maxOrder; o++ {
			l := make([]uint64, 0, z.FreeArea[o].NrFree)
			var types []byte
			for mt := MigrateType(0); mt < NumMigrateTypes; mt++ {
				for p := z.FreeArea[o].List[mt].Head; p != phys.NoPFN; p = a.frames[p].Next {
					l = append(l, uint64(p))
					types = append(types, mt.Letter()[0])
				}
			}
			s.FreeLists[o] = l
			if !a.legacy {
				s.FreeTypes[o] = string(types)
			}
		}
		for i := range z.PCP.Lists {
			if z.PCP.Lists[i].N == 0 {
				continue
			}
			ps := PCPSnapshot{Order: PindexToOrder(i), Type: PindexType(i).String()}
			for p := z.PCP.Lists[i].Head; p != phys.NoPFN; p = a.frames[p].Next {
				ps.PFNs = append(ps.PFNs, uint64(p))
			}
			s.PCP = append(s.PCP, ps)
		}
		out = append(out, s)
	}
	return out
}

// MachineConfig is the part of the session config that boots memory.
type MachineConfig struct {
	RAM      uint64 // bytes
	Kernel   string // "6.1" or "2.0"
	Arch     string // "x86_64" (or "") or "i386"
	Recorder arch.Recorder
}

// Machine is physical memory with its page allocator, booted.
type Machine struct {
	Mem   *phys.Mem
	Pages *Allocator
}

// Boot builds phys memory and the page allocator for cfg: the kernel=2.0
// machine gets MAX_ORDER 6 and Linux 2.0's single lists. The per-CPU lists
// stay the boot pageset (kernel.Boot turns them on, as start_kernel does).
func Boot(cfg MachineConfig) (*Machine, error) {
	mem, err := phys.New(phys.Config{RAM: cfg.RAM, Kernel: cfg.Kernel, Arch: cfg.Arch})
	if err != nil {
		return nil, err
	}
	c := Config{MaxOrder: MaxOrder61, Recorder: cfg.Recorder}
	if cfg.Kernel == "2.0" {
		c.MaxOrder, c.Legacy = MaxOrder20, true
	}
	pages, err := New(mem, c)
	if err != nil {
		return nil, err
	}
	return &Machine{Mem: mem, Pages: pages}, nil
}
