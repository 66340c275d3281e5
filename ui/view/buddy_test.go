package view

import (
	"strings"
	"testing"

	"mmplay/engine"
	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

// twoZones is a DMA zone [0, 0x1000) and a DMA32 zone [0x1000, 0x8000)
// with four orders.
func twoZones() []buddy.ZoneSnapshot {
	return []buddy.ZoneSnapshot{
		{Name: "DMA", StartPFN: 0, EndPFN: 0x1000, Managed: 3808, FreePages: 3808, Min: 44, Low: 55, High: 66,
			FreeLists: [][]uint64{{}, {}, {0x120}, {0x400, 0x408}}},
		{Name: "DMA32", StartPFN: 0x1000, EndPFN: 0x8000, Managed: 26049, FreePages: 20, Min: 300, Low: 375, High: 450,
			FreeLists: [][]uint64{{0x7f35, 0x7f37}, {}, {}, {0x2000, 0x2008, 0x2010, 0x2018, 0x2020, 0x2028, 0x2030, 0x2038, 0x2040, 0x2048}}},
	}
}

func ev(step uint64, kind arch.EventKind, source string, pfn uint64, order int) engine.Event {
	return engine.Event{Event: arch.Event{Kind: kind, Source: source, PFN: pfn, Order: order}, Step: step}
}

// highlights renders the highlighted orders as "DMA32:0=alloc DMA32:1=split".
func highlights(zs []BuddyZone) string {
	var parts []string
	for _, z := range zs {
		for _, o := range z.Orders {
			if o.Highlight != "" {
				parts = append(parts, z.Name+":"+fmtInt(o.Order)+"="+o.Highlight)
			}
		}
	}
	return strings.Join(parts, " ")
}

func TestBuddyRowsHighlights(t *testing.T) {
	for _, c := range []struct {
		name   string
		events []engine.Event
		step   uint64
		want   string
	}{
		{"no events: nothing highlighted", nil, 5, ""},
		{"an order-0 allocation without a split marks order 0", []engine.Event{
			ev(5, arch.EvAlloc, "buddy", 0x7f35, 0)}, 5, "DMA32:0=alloc"},
		{"splitting order 3 down to 0 marks orders 0–3, split winning over the alloc", []engine.Event{
			ev(5, arch.EvSplit, "buddy", 0x2004, 2),
			ev(5, arch.EvSplit, "buddy", 0x2002, 1),
			ev(5, arch.EvSplit, "buddy", 0x2001, 0),
			ev(5, arch.EvAlloc, "buddy", 0x2000, 0)}, 5, "DMA32:0=split DMA32:1=split DMA32:2=split DMA32:3=split"},
		{"a free that merges twice marks orders 0–2", []engine.Event{
			ev(5, arch.EvMerge, "buddy", 0x7f34, 1),
			ev(5, arch.EvMerge, "buddy", 0x7f34, 2),
			ev(5, arch.EvFree, "buddy", 0x7f35, 0)}, 5, "DMA32:0=merge DMA32:1=merge DMA32:2=merge"},
		{"a free without merging marks its order", []engine.Event{
			ev(5, arch.EvFree, "buddy", 0x400, 3)}, 5, "DMA:3=free"},
		{"events of other steps are ignored", []engine.Event{
			ev(4, arch.EvAlloc, "buddy", 0x7f35, 0),
			ev(5, arch.EvFree, "buddy", 0x120, 2),
			ev(6, arch.EvAlloc, "buddy", 0x2000, 3)}, 5, "DMA:2=free"},
		{"events of other sources are ignored", []engine.Event{
			ev(5, arch.EvAlloc, "slab", 0x7f35, 0)}, 5, ""},
		{"a pfn in no zone is ignored", []engine.Event{
			ev(5, arch.EvAlloc, "buddy", 0x9000, 0)}, 5, ""},
		{"an order beyond the lists is ignored", []engine.Event{
			ev(5, arch.EvSplit, "buddy", 0x2000, 3)}, 5, "DMA32:3=split"},
	} {
		if got := highlights(BuddyRows(twoZones(), c.events, c.step)); got != c.want {
			t.Errorf("%s: highlights %q, want %q", c.name, got, c.want)
		}
	}
}

func TestBuddyRowsText(t *testing.T) {
	zs := BuddyRows(twoZones(), nil, 0)
	if len(zs) != 2 {
		t.Fatalf("%d zones", len(zs))
	}
	dma, dma32 := zs[0], zs[1]
	for _, c := range []struct{ name, got, want string }{
		{"zone span", dma.Span, "pfn 0x0–0x1000"},
		{"managed pages", dma.Managed, "3808 pages (14.88 MiB)"},
		{"watermarks", dma.Watermarks, "min 44 · low 55 · high 66 pages"},
		{"a zone above its watermarks", dma.Level, "ok"},
		{"a zone below min", dma32.Level, "below min"},
		{"order 0 block size", dma.Orders[0].BlockSize, "4 KiB"},
		{"order 3 block size", dma.Orders[3].BlockSize, "32 KiB"},
		{"order 3 total", dma.Orders[3].Total, "2 × 32 KiB = 64 KiB"},
		{"an empty list says nothing more", dma.Orders[0].More, ""},
		{"ten blocks show eight and say so", dma32.Orders[3].More, "+2 more"},
		{"a block's text is its pfn", dma.Orders[2].Blocks[0].Text, "0x120"},
		{"a block's title spans its frames", dma.Orders[2].Blocks[0].Title, "pfn 0x120–0x123 · 4 pages · phys 0x120000"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if n := len(dma32.Orders[3].Blocks); n != MaxBlocksShown {
		t.Errorf("%d blocks shown, want %d", n, MaxBlocksShown)
	}
	if dma32.Orders[3].Count != 10 {
		t.Errorf("count %d, want 10", dma32.Orders[3].Count)
	}
	if got := BuddyRows(nil, nil, 0); len(got) != 0 {
		t.Errorf("no zones: %v", got)
	}
}

func TestStepEvents(t *testing.T) {
	evs := []engine.Event{ev(0, 0, "", 0, 0), ev(0, 0, "", 0, 0), ev(2, 0, "", 0, 0), ev(3, 0, "", 0, 0), ev(3, 0, "", 0, 0), ev(7, 0, "", 0, 0)}
	for _, c := range []struct {
		name string
		step uint64
		want int
	}{
		{"boot's events", 0, 2},
		{"a step without events", 1, 0},
		{"one event", 2, 1},
		{"two events", 3, 2},
		{"the last step", 7, 1},
		{"past the end", 9, 0},
	} {
		got := stepEvents(evs, c.step)
		if len(got) != c.want {
			t.Errorf("%s: %d events, want %d", c.name, len(got), c.want)
		}
		for _, e := range got {
			if e.Step != c.step {
				t.Errorf("%s: event of step %d", c.name, e.Step)
			}
		}
	}
}

// TestBuddyRowsFollowARealStep steps a real session to the statement that
// faults in the heap's first page and checks that the view flashes the
// order the page came from.
func TestBuddyRowsFollowARealStep(t *testing.T) {
	s := session(t, "b.c", "#include <stdlib.h>\nint main(void)\n{\n    char *p = malloc(100);\n    free(p);\n    return 0;\n}\n", "")
	for !s.Step() {
		snap := s.Snapshot()
		if snap.Line != 5 { // paused before free: malloc has run
			continue
		}
		zs := BuddyRows(snap.Zones, s.Events(), snap.Step)
		if highlights(zs) == "" {
			t.Errorf("step %d: the malloc that faulted in the heap highlights no order", snap.Step)
		}
		return
	}
	t.Fatal("never paused before line 5")
}

// Linux 6.1's migrate types and per-CPU lists: each block carries its
// list's type letter (and names it in the title), the per-CPU lists are
// listed with their count, high and batch.
func TestBuddyRowsMigrateTypesAndPCP(t *testing.T) {
	zs := twoZones()
	zs[0].FreeTypes = []string{"", "", "M", "UM"}
	zs[0].PCP = []buddy.PCPSnapshot{{Order: 0, Type: "Movable", PFNs: []uint64{0x7, 0x9}}}
	zs[0].PCPCount, zs[0].PCPHigh, zs[0].PCPBatch = 2, 372, 63
	dma := BuddyRows(zs, nil, 0)[0]
	for _, c := range []struct{ name, got, want string }{
		{"a block's type letter", dma.Orders[3].Blocks[1].Type, "M"},
		{"the type in the title", dma.Orders[3].Blocks[0].Title, "pfn 0x400–0x407 · 8 pages · phys 0x400000 · Unmovable"},
		{"the per-CPU summary", dma.PCPSummary, "2 pages · high 372 · batch 63"},
		{"a per-CPU list", fmtInt(dma.PCP[0].Order) + " " + dma.PCP[0].Type + " " + fmtInt(dma.PCP[0].Count) + " " + dma.PCP[0].Blocks[1].Text, "0 Movable 2 0x9"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if dma32 := BuddyRows(twoZones(), nil, 0)[1]; dma32.PCPSummary != "" || dma32.Orders[3].Blocks[0].Type != "" {
		t.Errorf("Linux 2.0 (no types, no per-CPU lists) shows %q %q", dma32.PCPSummary, dma32.Orders[3].Blocks[0].Type)
	}
}
