package kernel

import (
	"strings"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

func insmod(k *Kernel) { k.SetCurrent(Task{PID: 614, Comm: "insmod"}) }

// The measured WARNING for order ≥ MAX_ORDER (reference/kernel/summary.txt):
// once per boot, never with __GFP_NOWARN, never on 2.0.
func TestMaxOrderWarning(t *testing.T) {
	const measured = "WARNING: CPU: 0 PID: 614 at mm/page_alloc.c:5634 __alloc_pages+0x2a9/0x330"
	for _, tc := range []struct {
		name   string
		ver    string
		calls  []buddy.GFP
		order  int
		warned int
	}{
		{"order 11 warns once with GFP_KERNEL", "6.1", []buddy.GFP{buddy.GFP_KERNEL, buddy.GFP_KERNEL}, 11, 1},
		{"__GFP_NOWARN is silent and does not use up the once", "6.1", []buddy.GFP{buddy.GFP_KERNEL | buddy.GFP__NOWARN, buddy.GFP_KERNEL}, 11, 1},
		{"only NOWARN: no warning", "6.1", []buddy.GFP{buddy.GFP_KERNEL | buddy.GFP__NOWARN}, 12, 0},
		{"kernel 2.0 order 6 fails silently", "2.0", []buddy.GFP{buddy.GFP_KERNEL}, 6, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := boot(t, 64<<20, tc.ver, false)
			insmod(k)
			n := len(k.Dmesg())
			for _, g := range tc.calls {
				if p := k.GetFreePages(g, tc.order, "__get_free_pages"); p != 0 {
					t.Fatalf("order %d succeeded", tc.order)
				}
			}
			warned := 0
			for _, l := range logSince(k, n) {
				if strings.HasPrefix(l, "WARNING:") {
					warned++
					if tc.ver == "6.1" && l != measured {
						t.Errorf("warning %q, want %q", l, measured)
					}
				}
			}
			if warned != tc.warned {
				t.Errorf("%d warnings, want %d:\n%s", warned, tc.warned, strings.Join(logSince(k, n), "\n"))
			}
			check(t, k)
		})
	}
}

func TestOrdersAndAlignment(t *testing.T) {
	for _, tc := range []struct {
		ver      string
		maxOrder int
	}{{"6.1", 10}, {"2.0", 5}} {
		k := boot(t, 256<<20, tc.ver, false)
		for o := 0; o <= tc.maxOrder; o++ {
			p := k.GetFreePages(buddy.GFP_KERNEL, o, "__get_free_pages")
			if p == 0 || (p-PageOffset)%(arch.PageSize<<o) != 0 {
				t.Fatalf("%s order %d: %#x", tc.ver, o, p)
			}
			free := k.Pages.FreePagesTotal()
			k.FreePagesAddr(p, o, "free_pages")
			if k.Pages.FreePagesTotal() != free+1<<o {
				t.Errorf("%s order %d: free did not return %d pages", tc.ver, o, 1<<o)
			}
		}
		if k.GetFreePages(buddy.GFP_KERNEL, tc.maxOrder+1, "__get_free_pages") != 0 {
			t.Errorf("%s: order %d must fail", tc.ver, tc.maxOrder+1)
		}
		check(t, k)
	}
}

func TestDirectMapConversions(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	pg := call(k, "alloc_pages", uint64(buddy.GFP_KERNEL), 1)
	pfn := PageToPfn(pg)
	if pg != 0xffffea0000000000+pfn*64 {
		t.Fatalf("struct page %#x for pfn %#x", pg, pfn)
	}
	va := call(k, "page_address", pg)
	for _, c := range []struct {
		name      string
		got, want uint64
	}{
		{"page_address", va, 0xffff888000000000 + pfn<<12},
		{"__pa", call(k, "__pa", va), pfn << 12},
		{"virt_to_phys", call(k, "virt_to_phys", va+5), pfn<<12 + 5},
		{"__va", call(k, "__va", pfn<<12), va},
		{"phys_to_virt", call(k, "phys_to_virt", pfn<<12), va},
		{"virt_to_page", call(k, "virt_to_page", va+4095), pg},
		{"pfn_to_page", call(k, "pfn_to_page", pfn), pg},
		{"page_to_pfn", call(k, "page_to_pfn", pg), pfn},
		{"get_order(4097)", call(k, "get_order", 4097), 1},
		{"get_order(4096)", call(k, "get_order", 4096), 0},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
	call(k, "__free_pages", pg, 1)
	if len(k.pages) != 0 {
		t.Errorf("block still tracked after __free_pages")
	}
	check(t, k)
}

// init_on_alloc: stock Debian (debug=off) zeroes every page allocation;
// the debug kernel (init_on_alloc=0) hands back the old bytes (measured:
// page_reuse bytes_still_old=4096 in the variant boot).
func TestInitOnAlloc(t *testing.T) {
	for _, tc := range []struct {
		debug bool
		want  byte
	}{{false, 0}, {true, 0xaa}} {
		k := boot(t, 64<<20, "6.1", tc.debug)
		p := k.GetFreePages(buddy.GFP_KERNEL, 0, "__get_free_pages")
		k.WriteBytes(p, []byte{0xaa, 0xaa})
		k.FreePagesAddr(p, 0, "free_pages")
		q := k.GetFreePages(buddy.GFP_KERNEL, 0, "__get_free_pages")
		if q != p {
			t.Fatalf("debug=%v: page not reused (%#x, %#x)", tc.debug, p, q)
		}
		if got := byte(k.Load(q, 1)); got != tc.want {
			t.Errorf("debug=%v: reused page holds %#x, want %#x", tc.debug, got, tc.want)
		}
		if z := call(k, "get_zeroed_page", uint64(buddy.GFP_KERNEL)); tc.debug && k.Load(z, 8) != 0 {
			t.Errorf("get_zeroed_page not zero")
		}
	}
}

func TestDMAPages(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	p := call(k, "__get_dma_pages", uint64(buddy.GFP_KERNEL), 2)
	if p == 0 || Pa(p) >= 16<<20 {
		t.Fatalf("__get_dma_pages = %#x: want below 16 MiB", p)
	}
	call(k, "free_pages", p, 2)
	check(t, k)
}

// Wrong-order frees (facts §3.9), whole state: which pages end up free,
// which are lost, and what the log says.
func TestFreeWrongOrder(t *testing.T) {
	t.Run("order-2 block freed as order 0 leaks three pages silently", func(t *testing.T) {
		k := boot(t, 64<<20, "6.1", true)
		insmod(k)
		p := k.GetFreePages(buddy.GFP_KERNEL, 2, "__get_free_pages")
		free := k.Pages.FreePagesTotal()
		n := len(k.Dmesg())
		k.FreePagesAddr(p, 0, "free_pages")
		if got := k.Pages.FreePagesTotal(); got != free+1 {
			t.Errorf("free pages %d, want %d", got, free+1)
		}
		if len(logSince(k, n)) != 0 {
			t.Errorf("a too-small order prints nothing, got %q", logSince(k, n))
		}
		pfn := Pa(p) >> 12
		if k.poisoned[pfn+1] != 0 || k.poisoned[pfn+2] != 1 || len(k.poisoned) != 2 {
			t.Errorf("lost blocks %v: want pfn+1 (order 0) and pfn+2 (order 1)", k.poisoned)
		}
		rs := k.Reports()
		if rs[len(rs)-1].Kind != "wrong-order-free" {
			t.Errorf("report %+v", rs[len(rs)-1])
		}
		check(t, k)
	})
	t.Run("order-0 page freed as order 1 runs into its allocated buddy", func(t *testing.T) {
		k := boot(t, 64<<20, "6.1", false)
		insmod(k)
		mine := map[uint64]bool{}
		var a, b uint64
		for i := 0; i < 64 && b == 0; i++ {
			p := k.GetFreePages(buddy.GFP_KERNEL, 0, "__get_free_pages")
			mine[p] = true
			if mine[p^arch.PageSize] {
				a, b = p, p^arch.PageSize
			}
		}
		if b == 0 {
			t.Fatalf("no two buddy pages in 64 allocations")
		}
		lo := min(a, b)
		free := k.Pages.FreePagesTotal()
		n := len(k.Dmesg())
		k.FreePagesAddr(lo, 1, "free_pages")
		lines := logSince(k, n)
		hi := Pa(max(a, b)) >> 12
		want := "BUG: Bad page state in process insmod  pfn:" + strings.TrimPrefix(hex5(hi), "0x")
		if len(lines) == 0 || lines[0] != want {
			t.Fatalf("first line %q, want %q", lines, want)
		}
		if !hasLine(lines, "page dumped because: nonzero _refcount") {
			t.Errorf("no reason line in %q", lines)
		}
		if k.Pages.FreePagesTotal() != free {
			t.Errorf("a refused free must free nothing")
		}
		if _, lost := k.poisoned[Pa(lo)>>12]; !lost {
			t.Errorf("the refused block must be lost")
		}
		if !strings.Contains(k.Tainted(), "B") {
			t.Errorf("taint %q lacks B", k.Tainted())
		}
		// freeing it again with the right order changes nothing
		k.FreePagesAddr(lo, 0, "free_pages")
		if k.Pages.FreePagesTotal() != free {
			t.Errorf("a lost block must stay lost")
		}
		check(t, k)
	})
}

func hex5(pfn uint64) string {
	s := hex16(pfn)
	for len(s) > 5 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

func TestAllocationFailureWarnAlloc(t *testing.T) {
	k := boot(t, 16<<20, "6.1", false)
	insmod(k)
	var got []uint64
	for {
		p := k.GetFreePages(buddy.GFP_ATOMIC, 3, "__get_free_pages")
		if p == 0 {
			break
		}
		got = append(got, p)
	}
	lines := k.Dmesg()
	want := "insmod: page allocation failure: order:3, mode:0xa20(GFP_ATOMIC), nodemask=(null),cpuset=/,mems_allowed=0"
	if !hasLine(lines, want) {
		t.Fatalf("no %q in\n%s", want, strings.Join(lines, "\n"))
	}
	for _, l := range []string{"Mem-Info:", "0 pages HighMem/MovableOnly", "Call Trace:"} {
		if !hasLine(lines, l) {
			t.Errorf("missing %q", l)
		}
	}
	if !hasPrefix(lines, "Node 0 DMA: ") || !hasPrefix(lines, "lowmem_reserve[]:") {
		t.Errorf("missing zone lines")
	}
	// rate limited: a second failure within 10 s prints nothing more
	n := len(k.Dmesg())
	if k.GetFreePages(buddy.GFP_ATOMIC, 3, "__get_free_pages") != 0 {
		t.Fatal("second allocation succeeded")
	}
	if len(logSince(k, n)) != 0 {
		t.Errorf("rate limit: got %q", logSince(k, n))
	}
	k.AdvanceClock(10e9)
	if k.GetFreePages(buddy.GFP_ATOMIC|buddy.GFP__NOWARN, 3, "__get_free_pages") != 0 || len(logSince(k, n)) != 0 {
		t.Errorf("__GFP_NOWARN must be silent")
	}
	for _, p := range got {
		k.FreePagesAddr(p, 3, "free_pages")
	}
	check(t, k)
}

func TestFreeBadArguments(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	free := k.Pages.FreePagesTotal()
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"free_pages(0)", func() { k.FreePagesAddr(0, 0, "free_pages") }},
		{"free_pages of a user address", func() { k.FreePagesAddr(0x400000, 0, "free_pages") }},
		{"free_pages of an unaligned address", func() { k.FreePagesAddr(PageOffset+0x100001, 0, "free_pages") }},
		{"__free_pages of garbage", func() { k.FreePagesPage(12345, 0, "__free_pages") }},
		{"free of a free page", func() { k.FreePagesPFN(k.Mem.MaxPFN()-1, 0, "free_pages") }},
		{"order out of range", func() { k.FreePagesAddr(PageOffset+0x200000, 40, "free_pages") }},
	} {
		c.f()
		if k.Pages.FreePagesTotal() != free {
			t.Errorf("%s changed the free count", c.name)
		}
	}
	check(t, k)
	_ = phys.OwnerPages
}
