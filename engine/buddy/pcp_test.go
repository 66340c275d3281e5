package buddy

import (
	"fmt"
	"strings"
	"testing"

	"mmplay/engine/phys"
)

// mtState renders the DMA zone: every non-empty free list as
// "<order><type>:pfn,pfn" (types U M E H, list order, hex pfns), then
// "pcp" and the non-empty per-CPU lists the same way with the pcp count,
// then "pb" and the types of the pageblocks [from, to).
func mtState(a *Allocator, from, to uint64) string {
	z := a.Zone(phys.ZoneDMA)
	var parts []string
	list := func(l *FreeList) string {
		var s []string
		for p := l.Head; p != phys.NoPFN; p = a.frames[p].Next {
			s = append(s, fmt.Sprintf("%x", p))
		}
		return strings.Join(s, ",")
	}
	for o := 0; o < a.maxOrder; o++ {
		for mt := MigrateType(0); mt < NumMigrateTypes; mt++ {
			if l := &z.FreeArea[o].List[mt]; l.N > 0 {
				parts = append(parts, fmt.Sprintf("%d%s:%s", o, mt.Letter(), list(l)))
			}
		}
	}
	parts = append(parts, fmt.Sprintf("pcp%d", z.PCP.Count))
	for i := range z.PCP.Lists {
		if l := &z.PCP.Lists[i]; l.N > 0 {
			parts = append(parts, fmt.Sprintf("%d%s:%s", PindexToOrder(i), PindexType(i).Letter(), list(l)))
		}
	}
	var pb []byte
	for p := from; p < to; p += PageblockPages {
		pb = append(pb, a.pageblockType(p).Letter()[0])
	}
	return strings.Join(parts, " ") + " pb:" + string(pb)
}

// mtOp is one step: "a<order><type>" allocates with the type's GFP (U
// GFP_KERNEL, M GFP_HIGHUSER_MOVABLE for a user page, E
// GFP_KERNEL|__GFP_RECLAIMABLE, A GFP_ATOMIC) and wants the pfn (hex) or
// "fail"; "f<order> <pfn>" frees.
func mtRun(t *testing.T, a *Allocator, from, to uint64, ops []op) {
	t.Helper()
	for _, o := range ops {
		var got string
		if o.do[0] == 'a' {
			var order int
			var typ byte
			fmt.Sscanf(o.do, "a%d%c", &order, &typ)
			gfp, owner := GFP_KERNEL, phys.OwnerPages
			switch typ {
			case 'M':
				gfp, owner = GFP_HIGHUSER_MOVABLE, phys.OwnerUserAnon
			case 'E':
				gfp |= GFP__RECLAIMABLE
			case 'A':
				gfp = GFP_ATOMIC
			}
			p, err := a.AllocPages(gfp, order, owner)
			got = fmt.Sprintf("%x", p)
			if err != nil {
				got = "fail"
			}
		} else {
			var order int
			var pfn uint64
			fmt.Sscanf(o.do, "f%d %x", &order, &pfn)
			if err := a.FreePages(pfn, order); err != nil {
				got = "bad"
			}
		}
		if got != o.want {
			t.Fatalf("%s: got %q, want %q (state %s)", o.do, got, o.want, mtState(a, from, to))
		}
		check(t, a)
	}
}

// Per-CPU lists on their whole state (mm/page_alloc.c: rmqueue_pcplist,
// rmqueue_bulk, free_unref_page_commit, free_pcppages_bulk). The window
// is one order-4 block; the lists get batch 3 and high 6 so that a few
// steps show a refill and a drain.
func TestPCPWholeState(t *testing.T) {
	cases := []struct {
		name        string
		start, end  uint64
		batch, high int
		before      string
		steps       []op
		after       string
	}{
		{name: "an order-0 request on an empty list refills batch pages one by one from the buddy lists, in address order, and takes the first",
			start: 0x800, end: 0x810, batch: 3, high: 6, before: "4U:800 pcp0 pb:U",
			steps: []op{{"a0U", "800"}},
			after: "0U:803 2U:804 3U:808 pcp2 0U:801,802 pb:U"},
		{name: "the next request takes the list's head without touching the buddy lists",
			start: 0x800, end: 0x810, batch: 3, high: 6, before: "4U:800 pcp0 pb:U",
			steps: []op{{"a0U", "800"}, {"a0U", "801"}},
			after: "0U:803 2U:804 3U:808 pcp1 0U:802 pb:U"},
		{name: "a freed page goes to the head of its list (LIFO) and comes back first",
			start: 0x800, end: 0x810, batch: 3, high: 6, before: "4U:800 pcp0 pb:U",
			steps: []op{{"a0U", "800"}, {"f0 800", ""}, {"a0U", "800"}},
			after: "0U:803 2U:804 3U:808 pcp2 0U:801,802 pb:U"},
		{name: "reaching high drains batch pages from the list's tail back to the buddy lists, where they merge",
			// after seven requests the list holds 807,808 and the buddy
			// lists 809, 80a (order 1), 80c (order 2); four frees make 6 =
			// high: batch 3 go back from the tail: 808 merges up to order
			// 3 with 809, 80a, 80c; 807 and 802 find their buddies in use
			start: 0x800, end: 0x810, batch: 3, high: 6, before: "4U:800 pcp0 pb:U",
			steps: []op{{"a0U", "800"}, {"a0U", "801"}, {"a0U", "802"}, {"a0U", "803"}, {"a0U", "804"}, {"a0U", "805"}, {"a0U", "806"},
				{"f0 802", ""}, {"f0 801", ""}, {"f0 800", ""}, {"f0 804", ""}, {"f0 805", ""}, {"f0 806", ""}},
			after: "0U:802,807 3U:808 pcp5 0U:806,805,804,800,801 pb:U"},
		{name: "orders above 3 bypass the lists",
			start: 0x800, end: 0x820, batch: 3, high: 6, before: "5U:800 pcp0 pb:U",
			steps: []op{{"a4U", "800"}, {"f4 800", ""}},
			after: "5U:800 pcp0 pb:U"},
		{name: "order 3 refills max(batch >> 3, 2) = 2 blocks",
			start: 0x800, end: 0x820, batch: 3, high: 64, before: "5U:800 pcp0 pb:U",
			steps: []op{{"a3U", "800"}},
			after: "4U:810 pcp8 3U:808 pb:U"},
		{name: "a drain that frees less than it may doubles the next one (free_factor)",
			// batch 2, high 6: the third free reaches high and drains 2
			// (807, 804 from the tail), free_factor becomes 1
			start: 0x800, end: 0x810, batch: 2, high: 6, before: "4U:800 pcp0 pb:U",
			steps: []op{{"a1U", "800"}, {"a0U", "804"}, {"a0U", "805"}, {"a0U", "806"}, {"f0 804", ""}, {"f0 805", ""}, {"f0 806", ""}},
			after: "0U:804,807 3U:808 pcp4 0U:806,805 1U:802 pb:U"},
		{name: "free_high: an order-1 free after a drain, with no allocation between, empties every list",
			start: 0x800, end: 0x810, batch: 2, high: 6, before: "4U:800 pcp0 pb:U",
			steps: []op{{"a1U", "800"}, {"a0U", "804"}, {"a0U", "805"}, {"a0U", "806"}, {"f0 804", ""}, {"f0 805", ""}, {"f0 806", ""},
				{"f1 800", ""}},
			after: "4U:800 pcp0 pb:U"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := window(t, c.start, c.end, MaxOrder61, false)
			a.SetupPCP(false)
			z := a.Zone(phys.ZoneDMA)
			z.PCP.Batch, z.PCP.High = c.batch, c.high
			a.setPageblockType(c.start, MigrateUnmovable)
			a.moveFreepagesBlock(z, c.start, MigrateUnmovable)
			check(t, a)
			if got := mtState(a, c.start&^(PageblockPages-1), c.end); got != c.before {
				t.Fatalf("before: got %q, want %q", got, c.before)
			}
			mtRun(t, a, c.start&^(PageblockPages-1), c.end, c.steps)
			if got := mtState(a, c.start&^(PageblockPages-1), c.end); got != c.after {
				t.Fatalf("after: got %q, want %q", got, c.after)
			}
		})
	}
}

// Migrate types on their whole state (mm/page_alloc.c: __rmqueue_fallback,
// steal_suitable_fallback, move_freepages_block,
// reserve_highatomic_pageblock). The window is pageblocks 4 and 5 (pfn
// 0x800-0xbff), one order-10 block, both MIGRATE_MOVABLE at boot; the
// per-CPU lists stay the boot pageset so every step reaches the buddy
// lists.
func TestMigrateTypesWholeState(t *testing.T) {
	cases := []struct {
		name   string
		steps  []op
		after  string
		events string
	}{
		{name: "an unmovable request finds only movable blocks: it steals the largest, whose two pageblocks turn unmovable",
			steps: []op{{"a0U", "800"}},
			after: "0U:801 1U:802 2U:804 3U:808 4U:810 5U:820 6U:840 7U:880 8U:900 9U:a00 pcp0 pb:UU"},
		{name: "a movable request splits the movable block; an unmovable one then steals the other pageblock whole",
			steps: []op{{"a0M", "800"}, {"a0U", "a00"}},
			after: "0U:a01 0M:801 1U:a02 1M:802 2U:a04 2M:804 3U:a08 3M:808 4U:a10 4M:810 5U:a20 5M:820 6U:a40 6M:840 7U:a80 7M:880 8U:b00 8M:900 pcp0 pb:MU"},
		{name: "stealing a small block moves its pageblock's free blocks along and takes the pageblock when at least half is free",
			steps: []op{{"a9M", "800"}, {"a9M", "a00"}, {"f9 800", ""}, {"a8M", "800"}, {"a0U", "900"}},
			after: "0U:901 1U:902 2U:904 3U:908 4U:910 5U:920 6U:940 7U:980 pcp0 pb:UM"},
		{name: "it leaves the pageblock movable when more than half of it is user pages",
			steps: []op{{"a9M", "800"}, {"a9M", "a00"}, {"f9 800", ""}, {"a8M", "800"}, {"a7M", "900"}, {"a0U", "980"}},
			after: "0U:981 1U:982 2U:984 3U:988 4U:990 5U:9a0 6U:9c0 pcp0 pb:MM"},
		{name: "a reclaimable request takes the largest block of its first fallback type, unmovable, and its pageblock",
			steps: []op{{"a0U", "800"}, {"a0E", "a00"}},
			after: "0U:801 0E:a01 1U:802 1E:a02 2U:804 2E:a04 3U:808 3E:a08 4U:810 4E:a10 5U:820 5E:a20 6U:840 6E:a40 7U:880 7E:a80 8U:900 8E:b00 pcp0 pb:UE"},
		{name: "a movable request whose largest fallback block is below order 4 may not steal: it takes the smallest, the pageblock stays",
			steps: []op{{"a0U", "800"}, {"a9U", "a00"}, {"a8U", "900"}, {"a7U", "880"}, {"a6U", "840"}, {"a5U", "820"}, {"a4U", "810"}, {"a0M", "801"}},
			after: "1U:802 2U:804 3U:808 pcp0 pb:UU"},
		{name: "a high-order atomic allocation makes its pageblock MIGRATE_HIGHATOMIC; its free blocks move along",
			steps: []op{{"a1A", "800"}},
			after: "1H:802 2H:804 3H:808 4H:810 5H:820 6H:840 7H:880 8H:900 9U:a00 pcp0 pb:HU"},
		{name: "a freed page of a HIGHATOMIC pageblock goes back to its list; at order 9 it does not merge with an unmovable buddy",
			steps: []op{{"a1A", "800"}, {"f1 800", ""}},
			after: "9U:a00 9H:800 pcp0 pb:HU"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := window(t, 0x800, 0xc00, MaxOrder61, false)
			if strings.Contains(c.name, "atomic") || strings.Contains(c.name, "HIGHATOMIC") {
				// the fast path (low watermark) fails, the slow path's
				// min watermark does not: ALLOC_HIGHATOMIC is a slow-path flag
				a.Zone(phys.ZoneDMA).WmarkLow = 1 << 20
			}
			if got := mtState(a, 0x800, 0xc00); got != "10M:800 pcp0 pb:MM" {
				t.Fatalf("before: %q", got)
			}
			mtRun(t, a, 0x800, 0xc00, c.steps)
			if got := mtState(a, 0x800, 0xc00); got != c.after {
				t.Fatalf("after: got %q\n           want %q", got, c.after)
			}
		})
	}
}
