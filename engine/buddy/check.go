package buddy

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// CheckInvariants recounts the allocator's state from scratch: every free
// list is well linked and its NrFree right, every free block is naturally
// aligned, in its zone, not mergeable with its buddy (else __free_one_page
// would have merged it), FreePages matches, and every OwnerFree frame lies
// in exactly one free block.
func (a *Allocator) CheckInvariants() error {
	inBlock := make([]bool, len(a.frames))
	for id := range a.zones {
		z := &a.zones[id]
		var free uint64
		for o := 0; o < maxOrderLimit; o++ {
			fa := &z.FreeArea[o]
			if o >= a.maxOrder {
				if fa.Head != phys.NoPFN || fa.NrFree != 0 {
					return fmt.Errorf("zone %s order %d ≥ MaxOrder has free blocks", z.ID, o)
				}
				continue
			}
			var n uint64
			prev := phys.NoPFN
			for p := fa.Head; p != phys.NoPFN; p = a.frames[p].Next {
				pfn := uint64(p)
				f := &a.frames[pfn]
				if n > uint64(len(a.frames)) {
					return fmt.Errorf("zone %s order %d: list has a cycle", z.ID, o)
				}
				if f.Prev != prev {
					return fmt.Errorf("zone %s order %d: pfn %#x prev %#x, want %#x", z.ID, o, pfn, f.Prev, prev)
				}
				if f.Flags&phys.FlagBuddy == 0 || int(f.Order) != o {
					return fmt.Errorf("zone %s order %d: pfn %#x not a buddy head of this order", z.ID, o, pfn)
				}
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
					if i != pfn && a.frames[i].Flags&(phys.FlagBuddy|phys.FlagHead) != 0 {
						return fmt.Errorf("pfn %#x inside a free block has head flags", i)
					}
				}
				if o < a.maxOrder-1 && a.isBuddy(pfn^(1<<o), o, z.ID) {
					return fmt.Errorf("zone %s: pfn %#x and its buddy %#x are both free at order %d", z.ID, pfn, pfn^(1<<o), o)
				}
				prev = p
				n++
			}
			if fa.Tail != prev {
				return fmt.Errorf("zone %s order %d: tail %#x, want %#x", z.ID, o, fa.Tail, prev)
			}
			if n != fa.NrFree {
				return fmt.Errorf("zone %s order %d: nr_free %d, counted %d", z.ID, o, fa.NrFree, n)
			}
			free += n << o
		}
		if free != z.FreePages {
			return fmt.Errorf("zone %s: NR_FREE_PAGES %d, counted %d", z.ID, z.FreePages, free)
		}
	}
	for pfn, f := range a.frames {
		if (f.Owner == phys.OwnerFree) != inBlock[pfn] {
			return fmt.Errorf("pfn %#x: owner %s but in a free block: %v", pfn, f.Owner, inBlock[pfn])
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
	// order, in list order (the head first: the next allocation's block).
	FreeLists [][]uint64 `json:"freeLists"`
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
			FreeLists: make([][]uint64, a.maxOrder)}
		for o := 0; o < a.maxOrder; o++ {
			l := make([]uint64, 0, z.FreeArea[o].NrFree)
			for p := z.FreeArea[o].Head; p != phys.NoPFN; p = a.frames[p].Next {
				l = append(l, uint64(p))
			}
			s.FreeLists[o] = l
		}
		out = append(out, s)
	}
	return out
}

// MachineConfig is the part of the session config that boots memory.
type MachineConfig struct {
	RAM      uint64 // bytes
	Kernel   string // "6.1" or "2.0"
	Recorder arch.Recorder
}

// Machine is physical memory with its page allocator, booted.
type Machine struct {
	Mem   *phys.Mem
	Pages *Allocator
}

// Boot builds phys memory and the page allocator for cfg: the kernel=2.0
// machine gets MAX_ORDER 6.
func Boot(cfg MachineConfig) (*Machine, error) {
	mem, err := phys.New(phys.Config{RAM: cfg.RAM, Kernel: cfg.Kernel})
	if err != nil {
		return nil, err
	}
	mo := MaxOrder61
	if cfg.Kernel == "2.0" {
		mo = MaxOrder20
	}
	pages, err := New(mem, Config{MaxOrder: mo, Recorder: cfg.Recorder})
	if err != nil {
		return nil, err
	}
	return &Machine{Mem: mem, Pages: pages}, nil
}
