package kernel

import (
	"fmt"
	"strings"
	"testing"

	"mmplay/engine/buddy"
	"mmplay/engine/phys"
	"mmplay/engine/slab"
	"mmplay/engine/vmalloc"
)

// bootFull boots a kernel with the real slab and vmalloc allocators, wired
// the way the integrator is meant to.
func bootFull(t testing.TB, ram uint64, debug bool) (*Kernel, *slab.Allocator, *vmalloc.Allocator) {
	t.Helper()
	return bootFullConfig(t, Config{RAM: ram, Kernel: "6.1", Debug: debug})
}

func bootFullConfig(t testing.TB, cfg Config) (*Kernel, *slab.Allocator, *vmalloc.Allocator) {
	t.Helper()
	k, err := Boot(cfg)
	if err != nil {
		t.Fatal(err)
	}
	check(t, k)
	s, err := slab.New(slab.Config{Pages: k.Pages, InitOnAlloc: k.InitOnAlloc(), FreelistRandom: true, Seed: 1,
		TooLargeWarned: k.TooLargeWarned(), Tainted: k.Tainted})
	if err != nil {
		t.Fatal(err)
	}
	v, err := vmalloc.New(vmalloc.Config{Pages: k.Pages, Slab: s, InitOnAlloc: k.InitOnAlloc(),
		InInterrupt: func() bool { return k.InInterrupt() != 0 }})
	if err != nil {
		t.Fatal(err)
	}
	k.UseSlab(s)
	if err := k.UseVmalloc(v); err != nil {
		t.Fatal(err)
	}
	checkFull(t, k, s, v)
	return k, s, v
}

func checkFull(t testing.TB, k *Kernel, s *slab.Allocator, v *vmalloc.Allocator) {
	t.Helper()
	check(t, k)
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if err := v.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

func meminfoKB(t testing.TB, k *Kernel, label string) uint64 {
	t.Helper()
	for _, l := range strings.Split(k.Meminfo(), "\n") {
		if strings.HasPrefix(l, label+":") {
			f := strings.Fields(l)
			var n uint64
			for _, c := range f[1] {
				n = n*10 + uint64(c-'0')
			}
			return n
		}
	}
	t.Fatalf("no %s in meminfo", label)
	return 0
}

func TestFullBoot256M(t *testing.T) {
	k, s, v := bootFull(t, 256<<20, false)
	tasks := uint64(bootKthreads + 2) // the kernel threads, init and the snippet's task
	if got := meminfoKB(t, k, "KernelStack"); got != tasks*16 {
		t.Errorf("KernelStack %d kB, want %d", got, tasks*16)
	}
	if got := meminfoKB(t, k, "VmallocUsed"); got != tasks*16 {
		t.Errorf("VmallocUsed %d kB, want %d", got, tasks*16)
	}
	rec, unrec := s.SlabBytes()
	if got := meminfoKB(t, k, "Slab"); got == 0 || got != (rec+unrec)>>10 {
		t.Errorf("Slab %d kB, slab says %d", got, (rec+unrec)>>10)
	}
	if got, want := meminfoKB(t, k, "MemFree"), k.Pages.FreePagesTotal()*4; got != want {
		t.Errorf("MemFree %d, buddy %d", got, want)
	}
	if got := meminfoKB(t, k, "VmallocTotal"); got != 34359738367 {
		t.Errorf("VmallocTotal %d, measured 34359738367", got)
	}
	info, _ := k.ReadProc("/proc/vmallocinfo")
	if strings.Count(info, "copy_process+0x1f6/0x1c20") != int(tasks) {
		t.Errorf("vmallocinfo:\n%s", info)
	}
	if si, ok := k.ReadProc("/proc/slabinfo"); !ok || !strings.HasPrefix(si, "slabinfo - version: 2.1\n") {
		t.Errorf("slabinfo %q", si)
	}
	// the DMA zone as measured
	if bi := k.Pages.BuddyInfo(); !strings.HasPrefix(bi, "Node 0, zone      DMA      0      0      0      0      0      1      1      1      0      1      3 \n") {
		t.Errorf("buddyinfo:\n%s", bi)
	}
	checkFull(t, k, s, v)
}

func TestKmallocVmallocBuiltins(t *testing.T) {
	k, s, v := bootFull(t, 64<<20, true)
	insmod(k)
	m := k.LoadModule("scullv")
	k.module = m
	p := call(k, "kmalloc", 100, uint64(buddy.GFP_KERNEL))
	if call(k, "ksize", p) != 128 {
		t.Errorf("ksize(kmalloc(100)) = %d", call(k, "ksize", p))
	}
	vp := call(k, "vmalloc", 8192)
	k.Store(vp+8191, 1, 0x5a)
	if k.Load(vp+8191, 1) != 0x5a {
		t.Fatal("vmalloc memory round trip")
	}
	if sig := signalOf(func() { k.Load(vp+8192, 1) }); sig == nil {
		t.Fatal("the guard page must Oops")
	}
	insmod(k)
	// kmalloc above KMALLOC_MAX_SIZE shares the once-per-boot WARNING with
	// the page allocator API
	n := len(k.Dmesg())
	if call(k, "kmalloc", 4194305, uint64(buddy.GFP_KERNEL)) != 0 {
		t.Fatal("kmalloc(4 MiB + 1) succeeded")
	}
	if !hasPrefix(logSince(k, n), "WARNING: CPU: 0 PID: 614 at mm/page_alloc.c:5634 __alloc_pages") {
		t.Errorf("no WARNING:\n%s", strings.Join(logSince(k, n), "\n"))
	}
	n = len(k.Dmesg())
	k.GetFreePages(buddy.GFP_KERNEL, 11, "__get_free_pages")
	if hasPrefix(logSince(k, n), "WARNING:") {
		t.Errorf("the WARN_ON_ONCE fired twice")
	}
	// ioremap of device memory reads as all ones
	io := call(k, "ioremap", 0xfed00000, 4096)
	if io == 0 || k.Load(io, 4) != 0xffffffff {
		t.Errorf("ioremap %#x reads %#x", io, k.Load(io, 4))
	}
	call(k, "iounmap", io)
	k.module = nil
	leaks := k.UnloadModule(m)
	if len(leaks) != 2 || leaks[0].Kind != "kmalloc" || leaks[1].Kind != "vmalloc" {
		t.Errorf("leaks %+v", leaks)
	}
	call(k, "kfree", p)
	call(k, "vfree", vp)
	checkFull(t, k, s, v)
}

func TestModuleInit(t *testing.T) {
	taintLines := []string{"mod: loading out-of-tree module taints kernel.",
		"mod: module verification failed: signature and/or required key missing - tainting kernel"}
	for _, tc := range []struct {
		name  string
		ver   string
		ret   uint64
		want  int
		lines []string // the whole log of the load
		taint string
	}{
		{"0 loads", "6.1", 0, 0, taintLines, "Tainted: G           OE     "}, // 19 columns (TAINT_FLAGS_COUNT)
		{"-ENOMEM fails the load", "6.1", uint64(neg(ENOMEM)), -ENOMEM, taintLines, "Tainted: G           OE     "},
		{"a positive value warns and loads", "6.1", 3, 3, append(append([]string(nil), taintLines...),
			"do_init_module: 'mod'->init suspiciously returned 3, it should follow 0/-E convention",
			"do_init_module: loading module anyway...",
		), "Tainted: G           OE     "},
		// Linux 2.0: no taint, no signing, a silent sys_init_module
		{"2.0: 0 loads silently", "2.0", 0, 0, nil, "Not tainted"},
		{"2.0: a positive value fails the load with -EBUSY, silently", "2.0", 3, -EBUSY, nil, "Not tainted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := boot(t, 64<<20, tc.ver, false)
			s := newSnippet(k)
			n := len(k.Dmesg())
			m := k.LoadModule("mod")
			var page uint64
			m.Init = s.fn(func(...uint64) uint64 {
				page = call(k, "__get_free_pages", uint64(buddy.GFP_KERNEL), 1)
				if k.Current().Comm != "insmod" {
					t.Errorf("init runs as %q", k.Current().Comm)
				}
				return tc.ret
			})
			if got := k.RunInit(m); got != tc.want {
				t.Fatalf("RunInit = %d", got)
			}
			if got := logSince(k, n); strings.Join(got, "\n") != strings.Join(tc.lines, "\n") {
				t.Errorf("log\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.lines, "\n"))
			}
			if tc.want >= 0 {
				leaks := k.UnloadModule(m)
				if len(leaks) != 1 || leaks[0].Kind != "pages" || leaks[0].Addr != page || leaks[0].Order != 1 ||
					leaks[0].What != fmt.Sprintf("2 pages (order 1) at %#x from __get_free_pages", page) {
					t.Errorf("leaks %+v", leaks)
				}
			}
			if k.Tainted() != tc.taint {
				t.Errorf("taint %q, want %q", k.Tainted(), tc.taint)
			}
			check(t, k)
		})
	}
}

func BenchmarkKernelLoadStore(b *testing.B) {
	k := boot(b, 64<<20, "6.1", false)
	p := k.GetFreePages(buddy.GFP_KERNEL, 4, "bench")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := p + uint64(i*8)&0xfff8
		k.Store(a, 8, uint64(i))
		k.Load(a, 8)
	}
}

func BenchmarkGetFreePagesPair(b *testing.B) {
	k := boot(b, 64<<20, "6.1", true)
	for i := 0; i < b.N; i++ {
		p := k.GetFreePages(buddy.GFP_KERNEL, 0, "bench")
		k.FreePagesAddr(p, 0, "bench")
	}
}

func TestVmallocToPFN(t *testing.T) {
	k, s, v := bootFull(t, 64<<20, true)
	insmod(k)
	vp := call(k, "vmalloc", 3*4096)
	for i := uint64(0); i < 3; i++ {
		pfn := call(k, "vmalloc_to_pfn", vp+i*4096+12)
		pa, ram, ok := v.Translate(vp + i*4096)
		if !ok || !ram || pfn != pa>>12 || pfn == 0 {
			t.Errorf("page %d: vmalloc_to_pfn %#x, page tables %#x", i, pfn, pa>>12)
		}
		if page := call(k, "vmalloc_to_page", vp+i*4096); page != PfnToPage(pfn) {
			t.Errorf("page %d: vmalloc_to_page %#x, want %#x", i, page, PfnToPage(pfn))
		}
	}
	if pfn := call(k, "vmalloc_to_pfn", vp+3*4096); pfn != 0 {
		t.Errorf("the guard page has pfn %#x", pfn)
	}
	io := call(k, "ioremap", 0xfed00000, 4096)
	if pfn := call(k, "vmalloc_to_pfn", io); pfn != 0 {
		t.Errorf("an ioremapped device page has pfn %#x (no struct page)", pfn)
	}
	if pfn := call(k, "vmalloc_to_pfn", PageOffset); pfn != 0 {
		t.Errorf("a direct-map address has pfn %#x", pfn)
	}
	call(k, "iounmap", io)
	call(k, "vfree", vp)
	checkFull(t, k, s, v)
}

func TestKernel20TaskStack(t *testing.T) {
	k := boot(t, 32<<20, "2.0", true)
	v, err := vmalloc.New(vmalloc.Config{Pages: k.Pages})
	if err != nil {
		t.Fatal(err)
	}
	free := k.Pages.FreePagesTotal()
	if err := k.UseVmalloc(v); err != nil {
		t.Fatal(err)
	}
	st := k.KernelStacks()
	if len(st) != 1 || st[0] < PageOffset || st[0] >= DirectMapEnd || st[0]%ThreadSize != 0 {
		t.Fatalf("2.0 stacks %#x: want one 16 KiB block of the direct map", st)
	}
	if got := free - k.Pages.FreePagesTotal(); got != 4 {
		t.Errorf("the stack took %d pages, want 4", got)
	}
	k.Store(st[0]+ThreadSize-8, 8, 0x1122334455667788)
	if k.Load(st[0]+ThreadSize-8, 8) != 0x1122334455667788 {
		t.Error("stack memory round trip")
	}
	check(t, k)
}

// mmplay's own words count in the singular when there is one: a leaked
// order-0 block is "1 page", a 1-byte kmalloc "1 byte".
func TestLeakWordingSingular(t *testing.T) {
	k, s, v := bootFull(t, 64<<20, false)
	insmod(k)
	m := k.LoadModule("one")
	k.module = m
	pg := call(k, "__get_free_page", uint64(buddy.GFP_KERNEL))
	obj := call(k, "kmalloc", 1, uint64(buddy.GFP_KERNEL))
	k.module = nil
	leaks := k.UnloadModule(m)
	want := []string{fmt.Sprintf("1 page (order 0) at %#x from __get_free_page", pg), fmt.Sprintf("kmalloc object of 1 byte at %#x", obj)}
	if len(leaks) != 2 || leaks[0].What != want[0] || leaks[1].What != want[1] {
		t.Errorf("leaks %+v, want %q", leaks, want)
	}
	checkFull(t, k, s, v)
}

// arch=i386 (6.1): the zones DMA, Normal and HighMem in /proc/buddyinfo
// and the HIGHMEM lines of /proc/meminfo; memblock stays below max_low_pfn;
// vmalloc's pages (__GFP_HIGHMEM) come from HighMem, GFP_KERNEL's from
// lowmem; page_address of a HighMem page is NULL (no kmap).
func TestI386HighMem(t *testing.T) {
	k, s, v := bootFullConfig(t, Config{RAM: 1 << 30, Kernel: "6.1", Arch: "i386"})
	bi := k.Pages.BuddyInfo()
	if !strings.Contains(bi, "zone   Normal") || !strings.Contains(bi, "zone  HighMem") || strings.Contains(bi, "DMA32") {
		t.Errorf("buddyinfo:\n%s", bi)
	}
	for _, r := range k.memblock.regions {
		if r.end > 0x38000 {
			t.Errorf("memblock region %s at %#x–%#x above lowmem", r.what, r.start, r.end)
		}
	}
	high := meminfoKB(t, k, "HighTotal")
	if high == 0 || meminfoKB(t, k, "LowTotal")+high != meminfoKB(t, k, "MemTotal") {
		t.Errorf("HighTotal %d LowTotal %d MemTotal %d", high, meminfoKB(t, k, "LowTotal"), meminfoKB(t, k, "MemTotal"))
	}
	insmod(k)
	vp := call(k, "vmalloc", 8192)
	if pfn := call(k, "vmalloc_to_pfn", vp); k.Mem.Frame(pfn).Zone != phys.ZoneHighMem {
		t.Errorf("vmalloc page pfn %#x in %v", pfn, k.Mem.Frame(pfn).Zone)
	}
	if p := call(k, "kmalloc", 100, uint64(buddy.GFP_KERNEL)); Pa(p)>>12 >= 0x38000 {
		t.Errorf("kmalloc at %#x", p)
	}
	page := call(k, "alloc_pages", uint64(buddy.GFP_HIGHUSER), 0)
	if page == 0 || PageToPfn(page) < 0x38000 || call(k, "page_address", page) != 0 {
		t.Errorf("alloc_pages(GFP_HIGHUSER) = %#x (pfn %#x), page_address %#x", page, PageToPfn(page), call(k, "page_address", page))
	}
	checkFull(t, k, s, v)
}
