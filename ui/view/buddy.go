package view

// The Buddy view: per zone, the free lists of the page allocator, one row
// per order, with the orders the current step touched highlighted — a
// split, a merge, an allocation or a free — so that stepping through
// kmalloc or __get_free_pages shows the blocks splitting and merging.

import (
	"mmplay/engine"
	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

// BuddyZone is one zone of the Buddy view.
type BuddyZone struct {
	Name       string // "DMA", "DMA32", "Normal"
	Span       string // "pfn 0x1000–0x8000"
	Managed    string // "26049 pages (101.75 MiB)"
	Free       string // "25674 pages (100.29 MiB)"
	Watermarks string // "min 300 · low 375 · high 450 pages"
	// Level says where the free pages stand: "ok", "below high",
	// "below low" (kswapd would wake) or "below min" (only GFP_ATOMIC
	// allocations and the reserve succeed).
	Level  string
	Orders []BuddyOrder // order 0 … MAX_ORDER-1
	// PCP is the per-CPU page lists (Linux 6.1; empty on 2.0): pages
	// freed or refilled here wait outside the buddy lists, so /proc/buddyinfo
	// does not count them. PCPSummary is "12 pages · high 372 · batch 63".
	PCP        []BuddyPCP
	PCPSummary string
}

// BuddyPCP is one per-CPU list that holds pages.
type BuddyPCP struct {
	Order  int
	Type   string       // "Movable", "Unmovable", "Reclaimable"
	Count  int          // blocks on the list
	Blocks []BuddyBlock // the first MaxBlocksShown, head first (the next allocation)
	More   string
}

// MigrateTypes names the letters of buddy.ZoneSnapshot.FreeTypes.
var MigrateTypes = map[string]string{"U": "Unmovable", "M": "Movable", "E": "Reclaimable", "H": "HighAtomic"}

// BuddyOrder is one free list: the blocks of one order in one zone.
type BuddyOrder struct {
	Order     int
	BlockSize string // "4 KiB", "8 KiB", … "4 MiB"
	Count     int    // nr_free
	// FreePages is Count blocks in pages and bytes: "3 × 8 KiB = 24 KiB".
	Total  string
	Blocks []BuddyBlock // the first MaxBlocksShown blocks, list head first
	More   string       // "+17 more", or ""
	// Highlight is what the step did at this order in this zone:
	// "split", "merge", "alloc", "free", or "".
	Highlight string
}

// BuddyBlock is one free block as the list shows it.
type BuddyBlock struct {
	PFN   uint64
	Text  string // "0x1200"
	Type  string // the migrate type's letter ("U", "M", "E", "H"), or "" (Linux 2.0)
	Title string // "pfn 0x1200–0x1207 · 8 pages · phys 0x1200000 · Movable"
}

// MaxBlocksShown bounds the blocks listed per order.
const MaxBlocksShown = 8

// BuddyRows builds the Buddy view of zones, highlighting what the events
// of exactly step did (events with Step == step and Source "buddy"): a
// split marks the order the halves landed in and the order above, a merge
// the order it produced and the order below, an allocation or free its
// own order; split and merge win over alloc and free at the same order.
// An event belongs to the zone that holds its pfn.
func BuddyRows(zones []buddy.ZoneSnapshot, events []engine.Event, step uint64) []BuddyZone {
	out := make([]BuddyZone, 0, len(zones))
	for _, z := range zones {
		bz := BuddyZone{Name: z.Name, Span: "pfn " + Hex(z.StartPFN) + "–" + Hex(z.EndPFN),
			Managed:    Pages(z.Managed),
			Free:       Pages(z.FreePages),
			Watermarks: "min " + fmtUint(z.Min) + " · low " + fmtUint(z.Low) + " · high " + Plural(z.High, "page"),
			Level:      wmarkLevel(z)}
		for o, list := range z.FreeLists {
			size := uint64(arch.PageSize) << uint(o)
			bo := BuddyOrder{Order: o, BlockSize: Bytes(size), Count: len(list),
				Total: fmtInt(len(list)) + " × " + Bytes(size) + " = " + Bytes(uint64(len(list))*size)}
			var types string
			if o < len(z.FreeTypes) {
				types = z.FreeTypes[o]
			}
			bo.Blocks, bo.More = buddyBlocks(list, o, types)
			bz.Orders = append(bz.Orders, bo)
		}
		if z.PCPHigh > 0 {
			bz.PCPSummary = Plural(uint64(z.PCPCount), "page") + " · high " + fmtInt(z.PCPHigh) + " · batch " + fmtInt(z.PCPBatch)
		}
		for _, l := range z.PCP {
			p := BuddyPCP{Order: l.Order, Type: l.Type, Count: len(l.PFNs)}
			p.Blocks, p.More = buddyBlocks(l.PFNs, l.Order, "")
			bz.PCP = append(bz.PCP, p)
		}
		out = append(out, bz)
	}
	mark := func(zi, o int, what string) {
		if o < 0 || o >= len(out[zi].Orders) {
			return
		}
		h := &out[zi].Orders[o].Highlight
		if *h == "" || (what == "split" || what == "merge") && (*h == "alloc" || *h == "free") {
			*h = what
		}
	}
	for _, e := range stepEvents(events, step) {
		if e.Source != "buddy" {
			continue
		}
		zi := -1
		for i, z := range zones {
			if e.PFN >= z.StartPFN && e.PFN < z.EndPFN {
				zi = i
				break
			}
		}
		if zi < 0 {
			continue
		}
		switch e.Kind {
		case arch.EvSplit:
			mark(zi, e.Order, "split")
			mark(zi, e.Order+1, "split")
		case arch.EvMerge:
			mark(zi, e.Order, "merge")
			mark(zi, e.Order-1, "merge")
		case arch.EvAlloc:
			mark(zi, e.Order, "alloc")
		case arch.EvFree:
			mark(zi, e.Order, "free")
		}
	}
	return out
}

// buddyBlocks lists the first MaxBlocksShown blocks of order o; types
// holds their migrate type letters, if known.
func buddyBlocks(list []uint64, o int, types string) (blocks []BuddyBlock, more string) {
	for i, pfn := range list {
		if i == MaxBlocksShown {
			return blocks, "+" + fmtInt(len(list)-MaxBlocksShown) + " more"
		}
		n := uint64(1) << uint(o)
		b := BuddyBlock{PFN: pfn, Text: Hex(pfn),
			Title: "pfn " + Hex(pfn) + "–" + Hex(pfn+n-1) + " · " + Plural(n, "page") + " · phys " + Hex(pfn<<arch.PageShift)}
		if i < len(types) {
			b.Type = types[i : i+1]
			b.Title += " · " + MigrateTypes[b.Type]
		}
		blocks = append(blocks, b)
	}
	return blocks, ""
}

func wmarkLevel(z buddy.ZoneSnapshot) string {
	switch {
	case z.FreePages < z.Min:
		return "below min"
	case z.FreePages < z.Low:
		return "below low"
	case z.FreePages < z.High:
		return "below high"
	}
	return "ok"
}

// stepEvents returns the events of exactly step. Events are in step order
// (the engine appends them as they happen), so it is a binary search for
// the first and a scan to the last.
func stepEvents(events []engine.Event, step uint64) []engine.Event {
	lo, hi := 0, len(events)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if events[m].Step < step {
			lo = m + 1
		} else {
			hi = m
		}
	}
	end := lo
	for end < len(events) && events[end].Step == step {
		end++
	}
	return events[lo:end]
}
