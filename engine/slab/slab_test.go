package slab

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"os"
	"strings"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

// boot builds a machine of ram bytes and a 6.1 slab allocator over it.
func boot(t testing.TB, ram uint64, initOnAlloc bool) *Allocator {
	t.Helper()
	m, err := buddy.Boot(buddy.MachineConfig{RAM: ram, Kernel: "6.1"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{Pages: m.Pages, InitOnAlloc: initOnAlloc, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	check(t, a)
	return a
}

func check(t testing.TB, k Kmalloc) {
	t.Helper()
	if err := k.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if a, ok := k.(*Allocator); ok {
		if err := a.pages.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
}

func mustAlloc(t testing.TB, k Kmalloc, n uint64, gfp buddy.GFP) uint64 {
	t.Helper()
	p, prob := k.Kmalloc(n, gfp)
	if p == 0 || prob != nil {
		t.Fatalf("kmalloc(%d) = %#x, %v", n, p, prob)
	}
	return p
}

// classes is the size-class table of reference/kernel/README.md (n range →
// ksize, backing), kept here so the test runs without /work/shared.
var classes = []struct {
	lo, hi, ksize uint64
	backing       string
}{
	{1, 8, 8, "slab"}, {9, 16, 16, "slab"}, {17, 32, 32, "slab"}, {33, 64, 64, "slab"},
	{65, 96, 96, "slab"}, {97, 128, 128, "slab"}, {129, 192, 192, "slab"}, {193, 256, 256, "slab"},
	{257, 512, 512, "slab"}, {513, 1024, 1024, "slab"}, {1025, 2048, 2048, "slab"},
	{2049, 4096, 4096, "slab"}, {4097, 8192, 8192, "slab"}, {8193, 16384, 16384, "pages"},
}

func checkClass(t *testing.T, a *Allocator, lo, hi, ksize uint64, backing string) {
	t.Helper()
	for n := lo; n <= hi; n++ {
		p := mustAlloc(t, a, n, buddy.GFP_KERNEL)
		got := "slab"
		if a.slabOf.get((p-PageOffset)>>arch.PageShift) == nil {
			got = "pages"
		}
		if ks := a.Ksize(p); ks != ksize || got != backing || KmallocSizeRoundup(n) != ksize {
			t.Fatalf("kmalloc(%d): ksize %d from %s (roundup %d), measured %d from %s", n, ks, got, KmallocSizeRoundup(n), ksize, backing)
		}
		if prob := a.Kfree(p); prob != nil {
			t.Fatal(prob)
		}
	}
}

func TestKsizeEveryNInline(t *testing.T) {
	a := boot(t, 64<<20, true)
	for _, c := range classes {
		checkClass(t, a, c.lo, c.hi, c.ksize, c.backing)
	}
	check(t, a)
}

// TestKsizeEveryNMeasured reads the measured table itself.
func TestKsizeEveryNMeasured(t *testing.T) {
	const path = "/work/shared/reference/kernel/kmalloc-classes.json"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("measured size classes not available (%v); TestKsizeEveryNInline covers the same table", err)
	}
	var rows []struct {
		Lo, Hi, Ksize uint64
		Backing       string
	}
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0].Lo != 1 || rows[len(rows)-1].Hi != 16384 {
		t.Fatalf("%s: unexpected table %v", path, rows)
	}
	a := boot(t, 64<<20, true)
	for _, r := range rows {
		checkClass(t, a, r.Lo, r.Hi, r.Ksize, r.Backing)
	}
}

func TestKmallocZero(t *testing.T) {
	a := boot(t, 32<<20, true)
	p, prob := a.Kmalloc(0, buddy.GFP_KERNEL)
	if p != ZeroSizePtr || prob != nil || a.Ksize(p) != 0 {
		t.Fatalf("kmalloc(0) = %#x, %v, ksize %d; want 0x10, nil, 0", p, prob, a.Ksize(p))
	}
	for _, q := range []uint64{0, ZeroSizePtr} {
		if prob := a.Kfree(q); prob != nil {
			t.Errorf("kfree(%#x) = %v, want a no-op", q, prob)
		}
	}
	check(t, a)
}

// The larger sizes of summary.txt: ksize, order, block alignment.
func TestKmallocLarge(t *testing.T) {
	a := boot(t, 64<<20, true)
	for _, c := range []struct {
		n, ksize uint64
		order    int
	}{
		{16385, 32768, 3}, {20000, 32768, 3}, {24576, 32768, 3}, {32768, 32768, 3},
		{32769, 65536, 4}, {65536, 65536, 4}, {131072, 131072, 5}, {262144, 262144, 6},
		{1048576, 1048576, 8}, {1048577, 2097152, 9}, {2097152, 2097152, 9}, {4194304, 4194304, 10},
	} {
		p := mustAlloc(t, a, c.n, buddy.GFP_KERNEL)
		if ks := a.Ksize(p); ks != c.ksize || (p-PageOffset)%c.ksize != 0 {
			t.Errorf("kmalloc(%d) = %#x ksize %d; want ksize %d, aligned", c.n, p, ks, c.ksize)
		}
		f := a.mem.Frame((p - PageOffset) >> arch.PageShift)
		if int(f.Order) != c.order || f.Owner.String() != "pages" {
			t.Errorf("kmalloc(%d): frame order %d owner %v; want order %d, pages", c.n, f.Order, f.Owner, c.order)
		}
		check(t, a)
		if prob := a.Kfree(p); prob != nil {
			t.Fatal(prob)
		}
	}
	check(t, a)
}

// summary.txt "kmalloc at and above KMALLOC_MAX_SIZE".
func TestKmallocMaxSize(t *testing.T) {
	a := boot(t, 64<<20, true)
	p := mustAlloc(t, a, 4194304, buddy.GFP_KERNEL)
	a.Kfree(p)
	if p, prob := a.Kmalloc(4194305, buddy.GFP_KERNEL|buddy.GFP__NOWARN); p != 0 || prob != nil {
		t.Fatalf("kmalloc(4194305, __GFP_NOWARN) = %#x, %v; want NULL silently", p, prob)
	}
	p, prob := a.Kmalloc(4194305, buddy.GFP_KERNEL)
	if p != 0 || prob == nil || prob.Kind != Warning || prob.Site != "mm/page_alloc.c:5634" || prob.Func != "__alloc_pages+0x2a9/0x330" {
		t.Fatalf("kmalloc(4194305) = %#x, %+v; want NULL and the mm/page_alloc.c:5634 warning", p, prob)
	}
	if p, prob := a.Kmalloc(8388608, buddy.GFP_KERNEL); p != 0 || prob != nil {
		t.Fatalf("second too-large kmalloc = %#x, %v; want NULL without a warning (WARN_ON_ONCE)", p, prob)
	}
	check(t, a)
}

// commonAlign is the largest power of two dividing every address.
func commonAlign(ps []uint64) uint64 {
	var or uint64
	for _, p := range ps {
		or |= p
	}
	return 1 << bits.TrailingZeros64(or)
}

// summary.txt "alignment of live kmalloc objects (64 live objects, 8 above 8K)".
func TestAlignmentOfLiveObjects(t *testing.T) {
	for _, random := range []bool{false, true} {
		m, err := buddy.Boot(buddy.MachineConfig{RAM: 128 << 20, Kernel: "6.1"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := New(Config{Pages: m.Pages, InitOnAlloc: true, FreelistRandom: random, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			n, align uint64
			allPage  bool
		}{
			{1, 8, false}, {8, 8, false}, {16, 16, false}, {24, 32, false}, {32, 32, false}, {64, 64, false},
			{96, 32, false}, {100, 128, false}, {128, 128, false}, {192, 64, false}, {200, 256, false},
			{256, 256, false}, {512, 512, false}, {1000, 1024, false}, {1024, 1024, false},
			{2048, 2048, false}, {3000, 4096, true}, {4096, 4096, true}, {5000, 8192, true},
			{8192, 8192, true}, {12000, 16384, true}, {16384, 16384, true}, {65536, 65536, true},
		} {
			live := 64
			if c.n > KmallocMaxCacheSize {
				live = 8
			}
			var ps []uint64
			for i := 0; i < live; i++ {
				ps = append(ps, mustAlloc(t, a, c.n, buddy.GFP_KERNEL))
			}
			if got := commonAlign(ps); got != c.align {
				t.Errorf("random=%v kmalloc(%d) ×%d: common alignment %d, measured %d", random, c.n, live, got, c.align)
			}
			if c.allPage {
				for _, p := range ps {
					if p&arch.PageMask != 0 {
						t.Errorf("kmalloc(%d) = %#x: not page aligned, measured always", c.n, p)
					}
				}
			}
			// Alignment is a property of live objects; keep them live across
			// sizes as the measuring module did within one size.
			for _, p := range ps {
				a.Kfree(p)
			}
			check(t, a)
		}
	}
}

// reference/kernel/README.md "slabinfo for the kmalloc caches": the 13
// geometries, the same for the cg/rcl/dma variants, in /proc/slabinfo.
func TestSlabinfoGeometry(t *testing.T) {
	a := boot(t, 32<<20, true)
	want := map[string][3]int{ // objsize, objperslab, pagesperslab
		"8": {8, 512, 1}, "16": {16, 256, 1}, "32": {32, 128, 1}, "64": {64, 64, 1}, "96": {96, 42, 1},
		"128": {128, 32, 1}, "192": {192, 21, 1}, "256": {256, 16, 1}, "512": {512, 8, 1},
		"1k": {1024, 8, 2}, "2k": {2048, 8, 4}, "4k": {4096, 8, 8}, "8k": {8192, 4, 8},
	}
	align := map[string]uint32{"96": 8, "192": 8} // sysfs align; the rest equal the size
	text, ok := a.SlabInfo()
	if !ok {
		t.Fatal("no slabinfo")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if lines[0] != "slabinfo - version: 2.1" || !strings.HasPrefix(lines[1], "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>") {
		t.Fatalf("header:\n%s\n%s", lines[0], lines[1])
	}
	seen := 0
	for _, l := range lines[2:] {
		var name string
		var act, num, objsize, per, pages int
		if _, err := fmt.Sscanf(l, "%s %d %d %d %d %d", &name, &act, &num, &objsize, &per, &pages); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		size := name[strings.LastIndex(name, "-")+1:]
		w, ok := want[size]
		if !ok {
			t.Fatalf("unexpected cache %q", name)
		}
		if objsize != w[0] || per != w[1] || pages != w[2] || act != 0 || num != 0 {
			t.Errorf("%s: %d %d %d %d %d, want 0 0 %d %d %d", name, act, num, objsize, per, pages, w[0], w[1], w[2])
		}
		seen++
	}
	if seen != 52 {
		t.Errorf("%d kmalloc caches, want 52 (13 sizes × normal, cg, rcl, dma)", seen)
	}
	// The exact line format (mm/slab_common.c:cache_show).
	if want := "kmalloc-96             0      0     96   42    1 : tunables    0    0    0 : slabdata      0      0      0"; !strings.Contains(text, want+"\n") {
		t.Errorf("no line %q in\n%s", want, text)
	}
	// The measured order starts with dma-kmalloc-8 and ends with kmalloc-8k.
	if !strings.HasPrefix(lines[2], "dma-kmalloc-8 ") || !strings.HasPrefix(lines[len(lines)-1], "kmalloc-8k ") {
		t.Errorf("order: first %q, last %q", lines[2], lines[len(lines)-1])
	}
	for _, c := range a.allCaches() {
		size := c.Name[strings.LastIndex(c.Name, "-")+1:]
		wa := align[size]
		if wa == 0 {
			wa = c.Size
		}
		if c.Align != wa {
			t.Errorf("%s: align %d, sysfs showed %d", c.Name, c.Align, wa)
		}
		wantMin := 5
		if c.Size >= 4096 {
			wantMin = 6
		}
		if c.MinPartial != wantMin {
			t.Errorf("%s: min_partial %d, sysfs showed %d", c.Name, c.MinPartial, wantMin)
		}
	}
}

// facts §5.2: calculate_order for more CPUs (derived by the fact sheet by
// executing the formula; 1 CPU is measured above).
func TestCalculateOrderCPUs(t *testing.T) {
	sizes := []uint64{8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192}
	table := map[int][]string{
		2:  {"512/1", "256/1", "128/1", "64/1", "42/1", "32/1", "21/1", "16/1", "16/2", "16/4", "16/8", "8/8", "4/8"},
		8:  {"512/1", "256/1", "128/1", "64/1", "42/1", "32/1", "21/1", "32/2", "32/4", "32/8", "16/8", "8/8", "4/8"},
		16: {"512/1", "256/1", "128/1", "64/1", "42/1", "32/1", "42/2", "32/2", "32/4", "32/8", "16/8", "8/8", "4/8"},
	}
	for cpus, want := range table {
		for i, s := range sizes {
			o := calculateOrder(s, cpus, buddy.MaxOrder61)
			if got := fmt.Sprintf("%d/%d", orderObjects(o, s), 1<<o); got != want[i] {
				t.Errorf("%d CPUs, size %d: %s, facts §5.2 %s", cpus, s, got, want[i])
			}
		}
	}
}

// summary.txt "kmalloc type by GFP flag".
func TestKmallocTypeByGFP(t *testing.T) {
	a := boot(t, 32<<20, true)
	for _, c := range []struct {
		gfp  buddy.GFP
		want string
	}{
		{buddy.GFP_KERNEL | buddy.GFP_DMA, "dma-kmalloc-128"},
		{buddy.GFP_KERNEL_ACCOUNT, "kmalloc-cg-128"},
		{buddy.GFP_KERNEL | buddy.GFP__RECLAIMABLE, "kmalloc-rcl-128"},
		{buddy.GFP_KERNEL, "kmalloc-128"},
	} {
		p := mustAlloc(t, a, 100, c.gfp)
		o, ok := a.Find(p)
		if !ok || o.Cache != c.want || o.Addr != p || a.Ksize(p) != 128 || o.Req != 100 {
			t.Errorf("kmalloc(100, %s) in %+v, want %s", c.gfp, o, c.want)
		}
		if c.gfp&buddy.GFP_DMA != 0 && p-PageOffset >= 16<<20 {
			t.Errorf("dma-kmalloc object at %#x is above 16 MiB", p)
		}
	}
	check(t, a)
}

// summary.txt "zeroing / reuse": the same pointer comes back; with
// init_on_alloc=1 it is zero, with 0 it holds the old bytes except the 8 at
// size/2 (the obfuscated free pointer).
func TestReuseAndZeroing(t *testing.T) {
	for _, initOnAlloc := range []bool{true, false} {
		a := boot(t, 32<<20, initOnAlloc)
		for _, n := range []uint64{64, 256, 4096} {
			p := mustAlloc(t, a, n, buddy.GFP_KERNEL)
			fill := make([]byte, n)
			for i := range fill {
				fill[i] = 0x5a
			}
			a.mem.WriteBytes(p-PageOffset, fill)
			a.Kfree(p)
			q := mustAlloc(t, a, n, buddy.GFP_KERNEL)
			if q != p {
				t.Fatalf("init_on_alloc=%v n=%d: reallocation got %#x, want the freed %#x (LIFO)", initOnAlloc, n, q, p)
			}
			got := make([]byte, n)
			a.mem.ReadBytes(q-PageOffset, got)
			old, zero, other, otherAt := 0, 0, 0, -1
			for i, b := range got {
				switch b {
				case 0x5a:
					old++
				case 0:
					zero++
				default:
					other++
					if otherAt < 0 {
						otherAt = i
					}
				}
			}
			if initOnAlloc {
				if zero != int(n) {
					t.Errorf("init_on_alloc=1 n=%d: %d zero bytes, measured all %d", n, zero, n)
				}
			} else if old != int(n)-8 || otherAt != int(n)/2 || old+other+zero != int(n) {
				t.Errorf("init_on_alloc=0 n=%d: old %d other %d at %d; measured old %d, 8 other at %d", n, old, other, otherAt, n-8, n/2)
			}
			// kzalloc is always zero.
			a.Kfree(q)
			z, _ := Kzalloc(a, n, buddy.GFP_KERNEL)
			a.mem.ReadBytes(z-PageOffset, got)
			for i, b := range got {
				if b != 0 {
					t.Fatalf("kzalloc(%d) byte %d = %#x", n, i, b)
				}
			}
			a.Kfree(z)
		}
		check(t, a)
	}
}

func TestKcallocKrealloc(t *testing.T) {
	a := boot(t, 32<<20, false)
	if p, prob := Kcalloc(a, 1<<62, 8, buddy.GFP_KERNEL); p != 0 || prob != nil {
		t.Errorf("kcalloc overflow = %#x, %v; want NULL", p, prob)
	}
	p, _ := Kcalloc(a, 10, 10, buddy.GFP_KERNEL)
	if a.Ksize(p) != 128 {
		t.Fatalf("kcalloc(10, 10): ksize %d", a.Ksize(p))
	}
	a.mem.Store(p-PageOffset, 8, 0x1122334455667788)
	if q, _ := Krealloc(a, p, 128, buddy.GFP_KERNEL); q != p {
		t.Errorf("krealloc to 128 (= ksize) moved %#x → %#x", p, q)
	}
	q, _ := Krealloc(a, p, 129, buddy.GFP_KERNEL)
	if q == p || a.Ksize(q) != 192 || a.mem.Load(q-PageOffset, 8) != 0x1122334455667788 || a.Ksize(p) != 0 {
		t.Errorf("krealloc to 129: %#x ksize %d, contents %#x, old ksize %d", q, a.Ksize(q), a.mem.Load(q-PageOffset, 8), a.Ksize(p))
	}
	if r, prob := Krealloc(a, q, 0, buddy.GFP_KERNEL); r != ZeroSizePtr || prob != nil || a.Ksize(q) != 0 {
		t.Errorf("krealloc(p, 0) = %#x, %v", r, prob)
	}
	check(t, a)
}

func TestBadFrees(t *testing.T) {
	a := boot(t, 32<<20, true)
	p := mustAlloc(t, a, 64, buddy.GFP_KERNEL)
	q := mustAlloc(t, a, 64, buddy.GFP_KERNEL)
	a.Kfree(p)
	before := fmt.Sprint(a.Snapshot())
	prob := a.Kfree(p)
	if prob == nil || prob.Kind != SlabBug || !strings.Contains(prob.Text, "BUG kmalloc-64 (Not tainted): Object already free\n") ||
		!strings.HasSuffix(prob.Text, fmt.Sprintf("FIX kmalloc-64: Object at 0x%016x not freed", p)) ||
		!strings.Contains(prob.Text, fmt.Sprintf("Object 0x%016x @offset=%d fp=0x%016x\n", p, p&arch.PageMask, p+128)) {
		t.Fatalf("double free: %+v", prob)
	}
	if after := fmt.Sprint(a.Snapshot()); after != before {
		t.Errorf("a refused double free changed the state")
	}
	prob = a.Kfree(q + 8)
	if prob == nil || !strings.Contains(prob.Text, fmt.Sprintf("BUG kmalloc-64 (Tainted: G    B             ): Invalid object pointer 0x%x\n", q+8)) {
		t.Fatalf("free of an inner pointer: %+v", prob)
	}
	if prob := a.Kfree(0xffffc90000001000); prob == nil || prob.Kind != Oops {
		t.Errorf("kfree of a vmalloc address: %+v", prob)
	}
	if prob := a.Kfree(PageOffset + 0x1800000); prob == nil || prob.Kind != Warning || prob.Func != "free_large_kmalloc" {
		t.Errorf("kfree of a non-slab page: %+v", prob)
	}
	if prob := a.Kfree(^uint64(0)); prob == nil {
		t.Errorf("kfree(-1): no report")
	}
	check(t, a)
}

func TestKmemCache(t *testing.T) {
	a := boot(t, 32<<20, true)
	c, err := a.KmemCacheCreate("scull_qset", 100, 0, SLAB_HWCACHE_ALIGN)
	if err != nil {
		t.Fatal(err)
	}
	// size 100 → 104 → HWCACHE_ALIGN 64 → 128: 32 per order-0 slab.
	if c.Size != 128 || c.Align != 64 || c.ObjPerSlab != 32 || c.Order != 0 || c.Offset != 48 {
		t.Fatalf("geometry %+v", c)
	}
	p, _ := a.KmemCacheAlloc(c, buddy.GFP_KERNEL)
	text, _ := a.SlabInfo()
	if want := "scull_qset            32     32    128   32    1 : tunables    0    0    0 : slabdata      1      1      0\n"; !strings.Contains(text, want) {
		t.Errorf("slabinfo lacks %q:\n%s", want, text)
	}
	prob := a.KmemCacheDestroy(c, "scull_cleanup+0x2a/0x60 [scull]")
	if prob == nil || !strings.HasSuffix(prob.Text, "kmem_cache_destroy scull_qset: Slab cache still has objects when called from scull_cleanup+0x2a/0x60 [scull]") ||
		!strings.Contains(prob.Text, fmt.Sprintf("Object 0x%016x @offset=0\n", p)) {
		t.Fatalf("destroy with a live object: %+v", prob)
	}
	if a.KmemCacheFree(c, p) != nil || a.KmemCacheDestroy(c, "x") != nil {
		t.Fatal("free + destroy failed")
	}
	if text, _ := a.SlabInfo(); strings.Contains(text, "scull_qset") {
		t.Error("destroyed cache still listed")
	}
	if _, err := a.KmemCacheCreate("bad", 0, 0, 0); err == nil {
		t.Error("size 0 accepted")
	}
	check(t, a)
}

func TestFreelistRandom(t *testing.T) {
	m, _ := buddy.Boot(buddy.MachineConfig{RAM: 32 << 20, Kernel: "6.1"})
	a, _ := New(Config{Pages: m.Pages, FreelistRandom: true, Seed: 3})
	var ps []uint64
	seen := map[uint64]bool{}
	sorted := true
	for i := 0; i < 64; i++ {
		p := mustAlloc(t, a, 64, buddy.GFP_KERNEL)
		if seen[p] {
			t.Fatalf("object %#x handed out twice", p)
		}
		seen[p] = true
		if i > 0 && p < ps[i-1] {
			sorted = false
		}
		ps = append(ps, p)
	}
	if sorted {
		t.Error("SLAB_FREELIST_RANDOM: a fresh slab was handed out in address order")
	}
	if commonAlign(ps) != 64 || len(a.kmalloc[0][6].slabs) != 1 {
		t.Errorf("64 objects of 64 bytes should fill exactly one slab")
	}
	check(t, a)
}

func BenchmarkKmallocKfree(b *testing.B) {
	a := boot(b, 64<<20, true)
	p := mustAlloc(b, a, 64, buddy.GFP_KERNEL) // keep the CPU slab alive
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q, _ := a.Kmalloc(64, buddy.GFP_KERNEL)
		a.Kfree(q)
	}
	b.StopTimer()
	a.Kfree(p)
}
