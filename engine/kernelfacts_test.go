package engine

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The facts measured on a real Linux 6.1 kernel
// (../shared/reference/kernel/README.md, with summary.txt and
// kmalloc-classes.json beside it) that a snippet can observe, reproduced
// through the whole engine: snippets compiled with Compile and run in a
// Session, with debug=off (stock Debian: init_on_alloc=1), except the
// variant boot's facts (init_on_alloc=0), which are debug=on's. Each fact
// has an id; the ones not reproduced yet are listed in
// testdata/kernel-facts-known-failures.txt, a ratchet: the test fails when
// an unlisted fact fails or a listed one passes.
//
// Not observable by a snippet, so not here: the sysfs attributes (align,
// cpu_partial, min_partial, aliases), kmem_dump_obj's cache names (the
// type-by-flag facts are checked through /proc/slabinfo instead), and the
// boot's exact addresses and free counts, which vary from boot to boot
// (README "Caveats").

// factSet collects the outcome of each fact: "" reproduced, otherwise why not.
type factSet map[string]string

func (f factSet) check(id string, ok bool, format string, args ...any) {
	if _, dup := f[id]; dup {
		panic("duplicate fact " + id)
	}
	if ok {
		f[id] = ""
	} else {
		f[id] = fmt.Sprintf(format, args...)
	}
}

// runFacts runs src with settings and returns the result; captures the
// /proc files named before the module is unloaded.
func runFacts(t *testing.T, name, src, settings string, capture ...string) (*Result, map[string]string) {
	t.Helper()
	s := NewSession(compile(t, name, src, settings))
	defer s.Close()
	s.CaptureProc(capture)
	r := s.Run()
	if r.Internal != nil {
		t.Fatalf("%s: internal error %v", name, r.Internal)
	}
	procs := map[string]string{}
	for _, p := range capture {
		text, err := s.ProcFile(p)
		if err != nil {
			t.Fatalf("%s: %s: %v", name, p, err)
		}
		procs[p] = text
	}
	procs["after:/proc/slabinfo"], _ = s.ProcFile("/proc/slabinfo")
	return r, procs
}

// fLines returns the kernel log's "F key values..." lines by key (the
// snippets' way of reporting what they saw).
func fLines(r *Result) map[string][]string {
	out := map[string][]string{}
	for _, l := range r.KernelLog {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "F" {
			out[f[1]] = append(out[f[1]], strings.Join(f[2:], " "))
		}
	}
	return out
}

// between returns the log lines strictly between the lines "F mark a" and
// "F mark b".
func between(r *Result, a, b string) []string {
	var out []string
	in := false
	for _, l := range r.KernelLog {
		switch l {
		case "F mark " + a:
			in = true
			continue
		case "F mark " + b:
			return out
		}
		if in {
			out = append(out, l)
		}
	}
	return out
}

func hasLinePrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func u(s string) uint64 {
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		panic(err)
	}
	return v
}

// measuredClasses is the size-class table of README "kmalloc size
// classes" (every n from 1 to 16384 measured; kmalloc-classes.json).
var measuredClasses = []struct {
	lo, hi, ksize uint64
	backing       string
}{
	{1, 8, 8, "slab"}, {9, 16, 16, "slab"}, {17, 32, 32, "slab"}, {33, 64, 64, "slab"},
	{65, 96, 96, "slab"}, {97, 128, 128, "slab"}, {129, 192, 192, "slab"}, {193, 256, 256, "slab"},
	{257, 512, 512, "slab"}, {513, 1024, 1024, "slab"}, {1025, 2048, 2048, "slab"},
	{2049, 4096, 4096, "slab"}, {4097, 8192, 8192, "slab"}, {8193, 16384, 16384, "pages"},
}

// The transcription above is the measurement's own table.
func TestMeasuredClassesTranscription(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "reference", "kernel", "kmalloc-classes.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("SKIPPED: %v (CI always has ../shared)", err)
	}
	var rows []struct {
		Lo, Hi, Ksize uint64
		Backing       string
	}
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(measuredClasses) {
		t.Fatalf("%d rows, transcribed %d", len(rows), len(measuredClasses))
	}
	for i, r := range rows {
		c := measuredClasses[i]
		if r.Lo != c.lo || r.Hi != c.hi || r.Ksize != c.ksize || r.Backing != c.backing {
			t.Errorf("row %d: %+v, transcribed %+v", i, r, c)
		}
	}
}

const factsModuleHead = `#include <linux/module.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/io.h>
#include <linux/spinlock.h>
#include <linux/string.h>
`

// Size classes, kmalloc_size_roundup, kmalloc(0), the large kmallocs.
const factsClassesSrc = factsModuleHead + `
static unsigned long large[] = {16385, 20000, 24576, 32768, 32769, 65536, 131072, 262144, 1048576, 1048577, 2097152, 4194304};

static int __init facts_init(void)
{
    unsigned long n, lo = 1, cur = 0, ks, bad_roundup = 0, unaligned = 0;
    int i;
    void *p;

    for (n = 1; n <= 16385; n++) {
        ks = 0;
        if (n <= 16384) {
            p = kmalloc(n, GFP_KERNEL);
            ks = ksize(p);
            if (kmalloc_size_roundup(n) != ks)
                bad_roundup++;
            if (n > 8192 && ((unsigned long)p & (ks - 1)))
                unaligned++;
            kfree(p);
        }
        if (ks != cur) {
            if (cur)
                pr_info("F class %lu %lu %lu\n", lo, n - 1, cur);
            lo = n;
            cur = ks;
        }
    }
    pr_info("F roundup-mismatches %lu\n", bad_roundup);
    pr_info("F pages-unaligned %lu\n", unaligned);
    p = kmalloc(0, GFP_KERNEL);
    pr_info("F zero %lx %lu\n", (unsigned long)p, ksize(p));
    kfree(p);
    for (i = 0; i < sizeof large / sizeof large[0]; i++) {
        p = kmalloc(large[i], GFP_KERNEL);
        ks = ksize(p);
        pr_info("F large %lu %d %lu %d %d\n", large[i], p != NULL, ks, get_order(large[i]),
                p && ((unsigned long)p & (ks - 1)) == 0);
        kfree(p);
    }
    /* KMALLOC_MAX_SIZE: the largest that succeeds, and the failure */
    pr_info("F mark max0\n");
    p = kmalloc(4194304, GFP_KERNEL);
    pr_info("F max-ok %d\n", p != NULL);
    kfree(p);
    p = kmalloc(4194305, GFP_KERNEL | __GFP_NOWARN);
    pr_info("F max-nowarn %d\n", p != NULL);
    pr_info("F mark max1\n");
    p = kmalloc(4194305, GFP_KERNEL);
    pr_info("F max-warn %d\n", p != NULL);
    pr_info("F mark max2\n");
    p = kmalloc(8388608, GFP_KERNEL);
    pr_info("F max-again %d\n", p != NULL);
    pr_info("F mark max3\n");
    {
        unsigned long good = 4194304, badsz = 8388608, mid;
        while (badsz - good > 1) {
            mid = good + (badsz - good) / 2;
            p = kmalloc(mid, GFP_KERNEL | __GFP_NOWARN);
            if (p) {
                good = mid;
                kfree(p);
            } else {
                badsz = mid;
            }
        }
        pr_info("F largest %lu %lu\n", good, badsz);
    }
    return 0;
}
module_init(facts_init);
MODULE_LICENSE("GPL");
`

func checkClasses(t *testing.T, f factSet) {
	r, _ := runFacts(t, "kfacts_classes.c", factsClassesSrc, "ram=256M,debug=off")
	fl := fLines(r)
	got := map[string]bool{}
	for _, l := range fl["class"] {
		got[l] = true
	}
	for _, c := range measuredClasses {
		want := fmt.Sprintf("%d %d %d", c.lo, c.hi, c.ksize)
		f.check(fmt.Sprintf("ksize-%d-%d", c.lo, c.hi), got[want], "no class %q in %q", want, fl["class"])
	}
	f.check("ksize-classes-exact", len(fl["class"]) == len(measuredClasses), "classes %q", fl["class"])
	f.check("kmalloc_size_roundup-equals-ksize", len(fl["roundup-mismatches"]) == 1 && fl["roundup-mismatches"][0] == "0", "%q", fl["roundup-mismatches"])
	f.check("above-8192-block-aligned-pages", len(fl["pages-unaligned"]) == 1 && fl["pages-unaligned"][0] == "0", "%q", fl["pages-unaligned"])
	f.check("kmalloc0-ZERO_SIZE_PTR", len(fl["zero"]) == 1 && fl["zero"][0] == "10 0", "kmalloc(0): %q, want ptr 0x10 ksize 0", fl["zero"])
	// README "kmalloc above KMALLOC_MAX_CACHE_SIZE" (summary.txt)
	measuredLarge := map[uint64][2]uint64{16385: {32768, 3}, 20000: {32768, 3}, 24576: {32768, 3}, 32768: {32768, 3},
		32769: {65536, 4}, 65536: {65536, 4}, 131072: {131072, 5}, 262144: {262144, 6}, 1048576: {1048576, 8},
		1048577: {2097152, 9}, 2097152: {2097152, 9}, 4194304: {4194304, 10}}
	seen := map[uint64]string{}
	for _, l := range fl["large"] {
		p := strings.Fields(l)
		seen[u(p[0])] = strings.Join(p[1:], " ")
	}
	for n, m := range measuredLarge {
		want := fmt.Sprintf("1 %d %d 1", m[0], m[1])
		f.check(fmt.Sprintf("large-%d", n), seen[n] == want, "kmalloc(%d): ok ksize order aligned = %q, want %q", n, seen[n], want)
	}
	// README "KMALLOC_MAX_CACHE_SIZE / KMALLOC_MAX_SIZE behaviour"
	const warnLine = "WARNING: CPU: 0 PID: 614 at mm/page_alloc.c:5634 __alloc_pages+0x2a9/0x330"
	f.check("kmalloc-4194304-succeeds", strings.Join(fl["max-ok"], "") == "1", "%q", fl["max-ok"])
	w0 := between(r, "max0", "max1")
	f.check("kmalloc-4194305-nowarn-silent-NULL", strings.Join(fl["max-nowarn"], "") == "0" && !hasLinePrefix(w0, "WARNING"), "%q %q", fl["max-nowarn"], w0)
	w1 := between(r, "max1", "max2")
	f.check("kmalloc-4194305-NULL-with-WARNING", strings.Join(fl["max-warn"], "") == "0" && hasLinePrefix(w1, warnLine), "%q %q", fl["max-warn"], w1)
	w2 := between(r, "max2", "max3")
	f.check("kmalloc-max-WARN_ON_ONCE", strings.Join(fl["max-again"], "") == "0" && !hasLinePrefix(w2, "WARNING"), "%q %q", fl["max-again"], w2)
	f.check("kmalloc-largest-4194304", strings.Join(fl["largest"], "") == "4194304 4194305", "largest and first failing %q", fl["largest"])
}

// Alignment of live objects (README "Alignment"), __get_free_pages orders
// and their alignment, order 11, GFP_DMA/GFP_DMA32 (README "Buddy
// allocator"), the direct map and vmalloc bases (README "Constants").
const factsAlignSrc = factsModuleHead + `
static unsigned long sizes[] = {1, 8, 16, 24, 32, 64, 96, 100, 128, 192, 200, 256, 512, 1000, 1024, 2048, 3000, 4096, 5000, 8192, 12000, 16384, 65536};
static void *objs[64];

static int __init facts_init(void)
{
    int i, j, n, order;
    unsigned long or, p, align;
    void *v;

    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        n = sizes[i] > 8192 ? 8 : 64;
        or = 0;
        for (j = 0; j < n; j++) {
            objs[j] = kmalloc(sizes[i], GFP_KERNEL);
            or |= (unsigned long)objs[j];
        }
        align = or & -or;
        pr_info("F align %lu %lu\n", sizes[i], align);
        for (j = 0; j < n; j++)
            kfree(objs[j]);
    }
    for (order = 0; order <= 10; order++) {
        p = __get_free_pages(GFP_KERNEL, order);
        pr_info("F order %d %d %d %d\n", order, p != 0, p && (p & ((PAGE_SIZE << order) - 1)) == 0,
                p && (__pa(p) & ((PAGE_SIZE << order) - 1)) == 0);
        free_pages(p, order);
    }
    pr_info("F mark o11a\n");
    p = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, 11);
    pr_info("F order11-nowarn %d\n", p != 0);
    pr_info("F mark o11b\n");
    p = __get_free_pages(GFP_KERNEL, 11);
    pr_info("F order11 %d\n", p != 0);
    pr_info("F mark o11c\n");
    p = __get_free_pages(GFP_DMA, 0);
    pr_info("F dma %lx\n", __pa(p));
    free_pages(p, 0);
    p = __get_free_pages(GFP_KERNEL | GFP_DMA32, 0);
    pr_info("F dma32 %lx\n", __pa(p));
    free_pages(p, 0);
    pr_info("F page-offset %lx\n", (unsigned long)__va(0));
    v = vmalloc(PAGE_SIZE);
    pr_info("F vmalloc-addr %lx\n", (unsigned long)v);
    vfree(v);
    return 0;
}
module_init(facts_init);
MODULE_LICENSE("GPL");
`

func checkAlign(t *testing.T, f factSet) {
	r, _ := runFacts(t, "kfacts_align.c", factsAlignSrc, "ram=4G,debug=off")
	fl := fLines(r)
	// README "Alignment (64 live objects per size)"; summary.txt common_align
	measured := map[uint64]uint64{1: 8, 8: 8, 16: 16, 24: 32, 32: 32, 64: 64, 96: 32, 100: 128, 128: 128, 192: 64,
		200: 256, 256: 256, 512: 512, 1000: 1024, 1024: 1024, 2048: 2048, 3000: 4096, 4096: 4096, 5000: 8192,
		8192: 8192, 12000: 16384, 16384: 16384, 65536: 65536}
	got := map[uint64]uint64{}
	for _, l := range fl["align"] {
		p := strings.Fields(l)
		got[u(p[0])] = u(p[1])
	}
	for n, a := range measured {
		f.check(fmt.Sprintf("align-%d", n), got[n] == a, "kmalloc(%d): common alignment %d, measured %d", n, got[n], a)
	}
	for order := 0; order <= 10; order++ {
		want := fmt.Sprintf("%d 1 1 1", order)
		ok := false
		for _, l := range fl["order"] {
			ok = ok || l == want
		}
		f.check(fmt.Sprintf("get_free_pages-order-%d", order), ok, "order %d: %q (want ok, aligned virtually and physically)", order, fl["order"])
	}
	a, b := between(r, "o11a", "o11b"), between(r, "o11b", "o11c")
	f.check("order11-nowarn-silent-NULL", strings.Join(fl["order11-nowarn"], "") == "0" && !hasLinePrefix(a, "WARNING"), "%q %q", fl["order11-nowarn"], a)
	f.check("order11-NULL-with-WARNING", strings.Join(fl["order11"], "") == "0" &&
		hasLinePrefix(b, "WARNING: CPU: 0 PID: 614 at mm/page_alloc.c:5634 __alloc_pages+0x2a9/0x330"), "%q %q", fl["order11"], b)
	dma, dma32 := u("0x"+strings.Join(fl["dma"], "")), u("0x"+strings.Join(fl["dma32"], ""))
	f.check("GFP_DMA-below-16MiB", dma > 0 && dma < 16<<20, "GFP_DMA page at phys %#x", dma)
	f.check("GFP_DMA32-below-4GiB", dma32 >= 16<<20 && dma32 < 4<<30, "GFP_DMA32 page at phys %#x", dma32)
	f.check("PAGE_OFFSET", strings.Join(fl["page-offset"], "") == "ffff888000000000", "__va(0) = %q", fl["page-offset"])
	va := u("0x" + strings.Join(fl["vmalloc-addr"], ""))
	f.check("VMALLOC_START", va >= 0xffffc90000000000 && va <= 0xffffe8ffffffffff, "vmalloc at %#x", va)
}

// factsPreludeSrc is what the measuring module did before its page
// allocator and vmalloc scenarios in the default boot (README "What was
// measured": (a) the kmalloc size classes, large kmallocs, 64 live
// objects per size, the caches by GFP flag; (b) kmalloc at and above
// KMALLOC_MAX_SIZE), as measure_ab(): the free counts of (c) and the
// physical runs of (d) were taken in the state these left behind.
const factsPreludeSrc = `
static unsigned long ab_large[] = {16385, 20000, 24576, 32768, 32769, 65536, 131072, 262144, 1048576, 1048577, 2097152, 4194304};
static unsigned long ab_sizes[] = {1, 8, 16, 24, 32, 64, 96, 100, 128, 192, 200, 256, 512, 1000, 1024, 2048, 3000, 4096, 5000, 8192, 12000, 16384, 65536};
static gfp_t ab_flags[] = {GFP_DMA, GFP_KERNEL_ACCOUNT, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_KERNEL};
static void *ab_objs[64];

static void measure_ab(void)
{
    unsigned long n, good = 4194304, badsz = 8388608, mid;
    int i, j, k;
    void *p;

    for (n = 1; n <= 16384; n++)
        kfree(kmalloc(n, GFP_KERNEL));
    for (i = 0; i < sizeof ab_large / sizeof ab_large[0]; i++)
        kfree(kmalloc(ab_large[i], GFP_KERNEL));
    for (i = 0; i < sizeof ab_sizes / sizeof ab_sizes[0]; i++) {
        k = ab_sizes[i] > 8192 ? 8 : 64;
        for (j = 0; j < k; j++)
            ab_objs[j] = kmalloc(ab_sizes[i], GFP_KERNEL);
        for (j = 0; j < k; j++)
            kfree(ab_objs[j]);
    }
    for (i = 0; i < 4; i++)
        kfree(kmalloc(100, ab_flags[i]));
    kfree(kmalloc(4194304, GFP_KERNEL));
    p = kmalloc(4194305, GFP_KERNEL | __GFP_NOWARN);
    p = kmalloc(8388608, GFP_KERNEL | __GFP_NOWARN);
    while (badsz - good > 1) {
        mid = good + (badsz - good) / 2;
        p = kmalloc(mid, GFP_KERNEL | __GFP_NOWARN);
        if (p) {
            good = mid;
            kfree(p);
        } else {
            badsz = mid;
        }
    }
}
`

// vmalloc sizes in /proc/vmallocinfo, guard gaps, bursts, vmalloc(0),
// vzalloc, physical runs, ioremap (README "vmalloc", "ioremap").
const factsVmallocSrc = factsModuleHead + factsPreludeSrc + `
static unsigned long reqs[] = {1, 4096, 4097, 65536, 1048576};
static void *areas[5], *burst[3][5];
static int bursts[] = {1, 3, 16};
static void __iomem *io1, *io2;

static int runs(char *v, unsigned long size)
{
    unsigned long i, n = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    int r = 1;
    for (i = 1; i < n; i++)
        if (vmalloc_to_pfn(v + i * PAGE_SIZE) != vmalloc_to_pfn(v + (i - 1) * PAGE_SIZE) + 1)
            r++;
    return r;
}

static int __init facts_init(void)
{
    int i, j, nz;
    unsigned char *z;
    unsigned long ram;

    measure_ab();
    for (i = 0; i <= 10; i++)
        free_pages(__get_free_pages(GFP_KERNEL, i), i);
    free_pages(__get_free_pages(GFP_KERNEL | __GFP_NOWARN, 11), 11);
    for (i = 0; i < 5; i++) {
        areas[i] = vmalloc(reqs[i]);
        pr_info("F vm %lu %lx %d\n", reqs[i], (unsigned long)areas[i], runs(areas[i], reqs[i]));
    }
    for (i = 0; i < 3; i++)
        for (j = 0; j < 5; j++) {
            burst[i][j] = vmalloc(bursts[i] * PAGE_SIZE);
            if (j > 0)
                pr_info("F burst %d %d %ld\n", bursts[i], j, (long)((char *)burst[i][j] - (char *)burst[i][j - 1]));
        }
    pr_info("F mark vz0\n");
    z = vmalloc(0);
    pr_info("F vmalloc0 %d\n", z != NULL);
    pr_info("F mark vz1\n");
    z = vzalloc(12288);
    for (i = 0, nz = 0; i < 12288; i++)
        nz += z[i] != 0;
    pr_info("F vzalloc %d\n", nz);
    vfree(z);
    io1 = ioremap(0xfed00000, 4096);
    io2 = ioremap(0xfed00040, 16);
    pr_info("F ioremap %lx %lx\n", (unsigned long)io1, (unsigned long)io2);
    ram = __get_free_page(GFP_KERNEL);
    pr_info("F mark io0\n");
    pr_info("F ioremap-ram %lx %d\n", __pa(ram), ioremap(__pa(ram), PAGE_SIZE) != NULL);
    pr_info("F mark io1\n");
    free_page(ram);
    return 0;
}

static void __exit facts_exit(void)
{
    int i, j;
    for (i = 0; i < 5; i++)
        vfree(areas[i]);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 5; j++)
            vfree(burst[i][j]);
    iounmap(io1);
    iounmap(io2);
}
module_init(facts_init);
module_exit(facts_exit);
MODULE_LICENSE("GPL");
`

func checkVmalloc(t *testing.T, f factSet) {
	r, procs := runFacts(t, "kfacts_vm.c", factsVmallocSrc, "ram=256M,debug=off", "/proc/vmallocinfo", "/proc/meminfo")
	fl := fLines(r)
	info := procs["/proc/vmallocinfo"]
	// README "vmalloc" table: request → pages, vmallocinfo size, runs
	measured := map[uint64]struct {
		pages, size uint64
		runs        string // "1", "2", "7-11", "2-14"
	}{1: {1, 8192, "1"}, 4096: {1, 8192, "1"}, 4097: {2, 12288, "2"}, 65536: {16, 69632, "7-11"}, 1048576: {256, 1052672, "2-14"}}
	lineRE := regexp.MustCompile(`(?m)^0x([0-9a-f]{16})-0x([0-9a-f]{16}) +(\d+) facts_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[kfacts_vm\] pages=(\d+) vmalloc N0=(\d+)$`)
	areas := map[uint64][2]uint64{} // start → size, pages
	for _, m := range lineRE.FindAllStringSubmatch(info, -1) {
		areas[u("0x"+m[1])] = [2]uint64{u(m[3]), u(m[4])}
		if u("0x"+m[2])-u("0x"+m[1]) != u(m[3]) || m[4] != m[5] {
			t.Errorf("vmallocinfo line %q: end-start != size or pages != N0", m[0])
		}
	}
	for _, l := range fl["vm"] {
		p := strings.Fields(l)
		n, addr, runs := u(p[0]), u("0x"+p[1]), u(p[2])
		m := measured[n]
		a, ok := areas[addr]
		f.check(fmt.Sprintf("vmallocinfo-size-%d", n), ok && a[0] == m.size && a[1] == m.pages,
			"vmalloc(%d) at %#x: vmallocinfo size/pages %v (found %v), measured %d/%d", n, addr, a, ok, m.size, m.pages)
		f.check(fmt.Sprintf("vmalloc-page-aligned-%d", n), addr&0xfff == 0, "vmalloc(%d) = %#x", n, addr)
		var lo, hi uint64
		if i := strings.IndexByte(m.runs, '-'); i >= 0 {
			lo, hi = u(m.runs[:i]), u(m.runs[i+1:])
		} else {
			lo, hi = u(m.runs), u(m.runs)
		}
		f.check(fmt.Sprintf("vmalloc-phys-runs-%d", n), runs >= lo && runs <= hi, "vmalloc(%d): %d physical runs, measured %s", n, runs, m.runs)
	}
	// bursts: back-to-back areas PAGE_ALIGN(n) + 4096 apart (3 and 16
	// pages), 1-page areas at 32 KiB strides in the holes between the
	// 16 KiB-aligned kernel stacks
	strides := map[string][]string{}
	for _, l := range fl["burst"] {
		p := strings.Fields(l)
		strides[p[0]] = append(strides[p[0]], p[2])
	}
	f.check("vmalloc-burst-3-pages-stride-16384", strings.Join(strides["3"], " ") == "16384 16384 16384 16384", "strides %q", strides["3"])
	f.check("vmalloc-burst-16-pages-stride-69632", len(strides["16"]) == 4 && strings.Join(strides["16"][1:], " ") == "69632 69632 69632", "strides %q", strides["16"])
	f.check("vmalloc-burst-1-page-stride-32768", strings.Join(strides["1"], " ") == "32768 32768 32768 32768", "strides %q", strides["1"])
	w := between(r, "vz0", "vz1")
	f.check("vmalloc0-NULL-with-WARNING", strings.Join(fl["vmalloc0"], "") == "0" &&
		hasLinePrefix(w, "WARNING: CPU: 0 PID: 614 at mm/vmalloc.c:3227 __vmalloc_node_range+0x806/0x880"), "%q %q", fl["vmalloc0"], w)
	f.check("vzalloc-zero", strings.Join(fl["vzalloc"], "") == "0", "vzalloc(12288): %q nonzero bytes", fl["vzalloc"])
	f.check("VmallocTotal", strings.Contains(procs["/proc/meminfo"], "\nVmallocTotal:   34359738367 kB\n"), "meminfo:\n%s", procs["/proc/meminfo"])
	// ioremap
	io := strings.Fields(strings.Join(fl["ioremap"], ""))
	var io1, io2 uint64
	if len(io) == 2 {
		io1, io2 = u("0x"+io[0]), u("0x"+io[1])
	}
	ioRE := regexp.MustCompile(fmt.Sprintf(`(?m)^0x%016x-0x%016x +8192 facts_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[kfacts_vm\] phys=0x00000000fed00000 ioremap$`, io1, io1+8192))
	f.check("ioremap-HPET-in-vmalloc-range", io1 >= 0xffffc90000000000 && io1&0xfff == 0 && ioRE.MatchString(info), "ioremap = %#x; vmallocinfo:\n%s", io1, info)
	f.check("ioremap-keeps-page-offset", io2&0xfff == 0x040, "ioremap(0xfed00040, 16) = %#x", io2)
	ram := strings.Fields(strings.Join(fl["ioremap-ram"], ""))
	w = between(r, "io0", "io1")
	ok := len(ram) == 2 && ram[1] == "0"
	if ok {
		pa := u("0x" + ram[0])
		ok = hasLinePrefix(w, fmt.Sprintf("ioremap on RAM at 0x%016x - 0x%016x", pa, pa+0xfff)) &&
			hasLinePrefix(w, "WARNING: CPU: 0 PID: 614 at arch/x86/mm/ioremap.c:211 __ioremap_caller")
	}
	f.check("ioremap-RAM-NULL-with-WARNING", ok, "%q %q", fl["ioremap-ram"], w)
}

// Zeroing and reuse (README "Zeroing, reuse, atomic context"); run with
// init_on_alloc=1 (debug=off) and =0 (debug=on, the variant boot).
const factsZeroSrc = factsModuleHead + `
static int nonzero(unsigned char *p, unsigned long n)
{
    unsigned long i;
    int c = 0;
    for (i = 0; i < n; i++)
        c += p[i] != 0;
    return c;
}

static unsigned long kz[] = {1, 64, 100, 4096, 8192, 16384, 65536};
static unsigned long reuse[] = {64, 256, 4096};
static spinlock_t lock;

static int __init facts_init(void)
{
    unsigned long pg, pg2, flags;
    unsigned char *p, *q;
    int i, old, zero, other, other_at;

    pg = get_zeroed_page(GFP_KERNEL);
    pr_info("F gzp %d\n", nonzero((unsigned char *)pg, PAGE_SIZE));
    memset((void *)pg, 0xaa, PAGE_SIZE);
    free_page(pg);
    pg2 = __get_free_page(GFP_KERNEL);
    p = (unsigned char *)pg2;
    for (i = 0, old = 0, zero = 0; i < PAGE_SIZE; i++) {
        old += p[i] == 0xaa;
        zero += p[i] == 0;
    }
    pr_info("F page-reuse %d %d %d\n", pg2 == pg, old, zero);
    free_page(pg2);
    for (i = 0; i < sizeof reuse / sizeof reuse[0]; i++) {
        unsigned long n = reuse[i], j;
        p = kmalloc(n, GFP_KERNEL);
        memset(p, 0xaa, n);
        kfree(p);
        q = kmalloc(n, GFP_KERNEL);
        old = zero = other = 0;
        other_at = -1;
        for (j = 0; j < n; j++) {
            if (q[j] == 0xaa)
                old++;
            else if (q[j] == 0)
                zero++;
            else {
                if (other_at < 0)
                    other_at = j;
                other++;
            }
        }
        pr_info("F kmalloc-reuse %lu %d %d %d %d %d\n", n, q == p, old, zero, other, other_at);
        kfree(q);
    }
    for (i = 0; i < sizeof kz / sizeof kz[0]; i++) {
        p = kzalloc(kz[i], GFP_KERNEL);
        pr_info("F kzalloc %lu %lu %d %d\n", kz[i], ksize(p), nonzero(p, kz[i]), nonzero(p, ksize(p)));
        kfree(p);
    }
    p = vzalloc(12288);
    pr_info("F vzalloc %d\n", nonzero(p, 12288));
    vfree(p);
    /* atomic context */
    spin_lock_init(&lock);
    pr_info("F mark atomic0\n");
    spin_lock(&lock);
    p = kmalloc(64, GFP_ATOMIC);
    pr_info("F atomic-spin %d %d %x\n", p != NULL, in_atomic() != 0, preempt_count());
    kfree(p);
    spin_unlock(&lock);
    spin_lock_irqsave(&lock, flags);
    p = kmalloc(4096, GFP_ATOMIC);
    pg = __get_free_pages(GFP_ATOMIC, 2);
    pr_info("F atomic-irqsave %d %d %d\n", p != NULL, pg != 0, irqs_disabled() != 0);
    kfree(p);
    free_pages(pg, 2);
    spin_unlock_irqrestore(&lock, flags);
    pr_info("F mark atomic1\n");
    spin_lock(&lock);
    p = kmalloc(64, GFP_KERNEL);
    spin_unlock(&lock);
    pr_info("F kernel-under-spinlock %d\n", p != NULL);
    kfree(p);
    pr_info("F mark atomic2\n");
    return 0;
}
module_init(facts_init);
MODULE_LICENSE("GPL");
`

func checkZeroing(t *testing.T, f factSet) {
	for _, boot := range []struct {
		name, settings string
		initOnAlloc    bool
	}{{"default", "ram=256M,debug=off", true}, {"variant", "ram=256M,debug=on", false}} {
		r, _ := runFacts(t, "kfacts_zero.c", factsZeroSrc, boot.settings)
		fl := fLines(r)
		id := func(s string) string { return boot.name + "-" + s }
		f.check(id("get_zeroed_page-zero"), strings.Join(fl["gzp"], "") == "0", "%q", fl["gzp"])
		if boot.initOnAlloc {
			f.check(id("page-reuse-zeroed"), strings.Join(fl["page-reuse"], "") == "1 0 4096", "same page, old bytes, zero bytes: %q", fl["page-reuse"])
		} else {
			f.check(id("page-reuse-old-contents"), strings.Join(fl["page-reuse"], "") == "1 4096 0", "same page, old bytes, zero bytes: %q", fl["page-reuse"])
		}
		for _, n := range []int{64, 256, 4096} {
			want := fmt.Sprintf("%d 1 0 %d 0 -1", n, n) // same pointer, all zero
			if !boot.initOnAlloc {
				want = fmt.Sprintf("%d 1 %d 0 8 %d", n, n-8, n/2) // old bytes but the free pointer at size/2
			}
			ok := false
			for _, l := range fl["kmalloc-reuse"] {
				ok = ok || l == want
			}
			f.check(id(fmt.Sprintf("kmalloc-reuse-%d", n)), ok, "%q, want %q (n same old zero other other_at)", fl["kmalloc-reuse"], want)
		}
		for _, l := range fl["kzalloc"] {
			p := strings.Fields(l)
			f.check(id("kzalloc-zero-"+p[0]), p[2] == "0" && p[3] == "0", "kzalloc(%s): ksize %s, nonzero in n %s, in ksize %s", p[0], p[1], p[2], p[3])
		}
		f.check(id("vzalloc-zero"), strings.Join(fl["vzalloc"], "") == "0", "%q", fl["vzalloc"])
		if !boot.initOnAlloc {
			continue
		}
		// summary.txt "atomic context"
		f.check("GFP_ATOMIC-under-spin_lock", strings.Join(fl["atomic-spin"], "") == "1 1 1", "ok in_atomic preempt_count: %q", fl["atomic-spin"])
		f.check("GFP_ATOMIC-under-spin_lock_irqsave", strings.Join(fl["atomic-irqsave"], "") == "1 1 1", "kmalloc(4096) order-2 irqs_disabled: %q", fl["atomic-irqsave"])
		w := between(r, "atomic1", "atomic2")
		f.check("GFP_KERNEL-under-spin_lock-silent", strings.Join(fl["kernel-under-spinlock"], "") == "1" && len(w) == 1, "%q, log %q", fl["kernel-under-spinlock"], w)
		w = between(r, "atomic0", "atomic1")
		f.check("GFP_ATOMIC-in-atomic-silent", !hasLinePrefix(w, "BUG"), "%q", w)
	}
}

// The kmalloc caches of /proc/slabinfo (README "slabinfo for the kmalloc
// caches" and summary.txt's listing) and the cache a flag selects
// (summary.txt "kmalloc type by GFP flag").
const factsSlabSrc = factsModuleHead + `
static void *objs[4][40];

static int __init facts_init(void)
{
    gfp_t flags[4] = {GFP_KERNEL, GFP_KERNEL | GFP_DMA, GFP_KERNEL_ACCOUNT, GFP_KERNEL | __GFP_RECLAIMABLE};
    int i, j;
    for (i = 0; i < 4; i++)
        for (j = 0; j < 40; j++)
            objs[i][j] = kmalloc(100, flags[i]);
    return 0;
}

static void __exit facts_exit(void)
{
    int i, j;
    for (i = 0; i < 4; i++)
        for (j = 0; j < 40; j++)
            kfree(objs[i][j]);
}
module_init(facts_init);
module_exit(facts_exit);
MODULE_LICENSE("GPL");
`

func checkSlabinfo(t *testing.T, f factSet) {
	_, procs := runFacts(t, "kfacts_slab.c", factsSlabSrc, "ram=256M,debug=off", "/proc/slabinfo")
	baseSrc := factsModuleHead + "static int __init b_init(void) { return 0; }\nmodule_init(b_init);\nMODULE_LICENSE(\"GPL\");\n"
	_, base := runFacts(t, "kfacts_slab.c", baseSrc, "ram=256M,debug=off", "/proc/slabinfo")
	type row struct{ active, num, objsize, perslab, pages uint64 }
	parse := func(text string) (map[string]row, []string) {
		rows, order := map[string]row{}, []string(nil)
		sc := bufio.NewScanner(strings.NewReader(text))
		for sc.Scan() {
			p := strings.Fields(sc.Text())
			if len(p) < 6 || strings.HasPrefix(p[0], "#") || p[0] == "slabinfo" {
				continue
			}
			rows[p[0]] = row{u(p[1]), u(p[2]), u(p[3]), u(p[4]), u(p[5])}
			order = append(order, p[0])
		}
		return rows, order
	}
	before, order := parse(procs["/proc/slabinfo"])
	boot, _ := parse(base["/proc/slabinfo"])
	f.check("slabinfo-header", strings.HasPrefix(procs["/proc/slabinfo"], "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"),
		"%.200q", procs["/proc/slabinfo"])
	// objsize objperslab pagesperslab, README table (1 CPU)
	geometry := []struct {
		name                    string
		size, perslab, pagesper uint64
	}{{"8", 8, 512, 1}, {"16", 16, 256, 1}, {"32", 32, 128, 1}, {"64", 64, 64, 1}, {"96", 96, 42, 1},
		{"128", 128, 32, 1}, {"192", 192, 21, 1}, {"256", 256, 16, 1}, {"512", 512, 8, 1}, {"1k", 1024, 8, 2},
		{"2k", 2048, 8, 4}, {"4k", 4096, 8, 8}, {"8k", 8192, 4, 8}}
	var measuredOrder []string
	for _, g := range geometry {
		measuredOrder = append(measuredOrder, "dma-kmalloc-"+g.name)
	}
	for _, g := range geometry {
		measuredOrder = append(measuredOrder, "kmalloc-rcl-"+g.name, "kmalloc-cg-"+g.name, "kmalloc-"+g.name)
		var bad []string
		for _, prefix := range []string{"kmalloc-", "kmalloc-cg-", "kmalloc-rcl-", "dma-kmalloc-"} {
			r, ok := before[prefix+g.name]
			if !ok || r.objsize != g.size || r.perslab != g.perslab || r.pages != g.pagesper {
				bad = append(bad, fmt.Sprintf("%s%s %+v", prefix, g.name, r))
			}
		}
		f.check("slab-geometry-kmalloc-"+g.name, len(bad) == 0, "%q, measured objsize %d objperslab %d pagesperslab %d", bad, g.size, g.perslab, g.pagesper)
	}
	var kmallocOrder []string
	for _, n := range order {
		if strings.Contains(n, "kmalloc-") {
			kmallocOrder = append(kmallocOrder, n)
		}
	}
	f.check("slabinfo-kmalloc-cache-order", strings.Join(kmallocOrder, " ") == strings.Join(measuredOrder, " "), "%q", kmallocOrder)
	// kmalloc(100) goes to kmalloc-128 / dma-kmalloc-128 / kmalloc-cg-128 /
	// kmalloc-rcl-128 by its flags: 40 objects of each (more than a
	// 32-object slab holds) make each of the four caches take at least one
	// new slab, which they could not all do if two flags shared a cache.
	// (SLUB counts a CPU slab's objects all active, so num_objs is what
	// shows it.)
	grown := map[string]uint64{}
	for _, n := range []string{"kmalloc-128", "dma-kmalloc-128", "kmalloc-cg-128", "kmalloc-rcl-128"} {
		grown[n] = before[n].num - boot[n].num
	}
	for name, cache := range map[string]string{"GFP_KERNEL": "kmalloc-128", "GFP_DMA": "dma-kmalloc-128", "GFP_KERNEL_ACCOUNT": "kmalloc-cg-128", "__GFP_RECLAIMABLE": "kmalloc-rcl-128"} {
		f.check("kmalloc100-"+name+"-"+cache, grown[cache] >= 32 && grown[cache] <= 96, "objects added per cache %v", grown)
	}
}

// /proc/buddyinfo around __get_free_pages (README "Buddy allocator": the
// DMA32 free counts of the default boot) and the DMA zone at boot. The
// program reads /proc/buddyinfo before, after the allocation and after the
// free, which a small driver does on write().
const factsBuddySrc = `// mmplay: ram=256M debug=off
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>

static unsigned long block;
static int order;

static ssize_t bw(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
    char c;
    if (copy_from_user(&c, buf, 1))
        return -EFAULT;
    if (c == 'A') {
        measure_ab();
    } else if (c == 'F') {
        free_pages(block, order);
    } else {
        order = c - '0';
        block = __get_free_pages(GFP_KERNEL, order);
    }
    return n;
}

static struct file_operations fops = { .owner = THIS_MODULE, .write = bw };
static int major;

static int __init b_init(void) { major = register_chrdev(0, "bfacts", &fops); return 0; }
static void __exit b_exit(void) { unregister_chrdev(major, "bfacts"); }
module_init(b_init);
module_exit(b_exit);
MODULE_LICENSE("GPL");

static char line[512];

static void dma32(const char *tag, int o)
{
    int fd = open("/proc/buddyinfo", O_RDONLY);
    long n = read(fd, line, sizeof line - 1);
    char *p = line, *q;
    close(fd);
    line[n > 0 ? n : 0] = 0;
    while (*p) {
        q = p;
        while (*q && *q != '\n')
            q++;
        if (*q)
            *q++ = 0;
        if (tag[0] == 'b' && o < 0)
            printf("B boot %s\n", p);
        else if (strstr(p, "DMA32"))
            printf("B %s %d %s\n", tag, o, p);
        p = q;
    }
}

int main(void)
{
    int fd = open("/dev/bfacts", O_WRONLY), o;
    char c = 'A';
    dma32("boot", -1);
    write(fd, &c, 1);
    for (o = 0; o <= 10; o++) {
        dma32("before", o);
        c = '0' + o;
        write(fd, &c, 1);
        dma32("alloc", o);
        c = 'F';
        write(fd, &c, 1);
        dma32("free", o);
    }
    close(fd);
    return 0;
}
`

func checkBuddy(t *testing.T, f factSet) {
	src := strings.Replace(factsBuddySrc, "#include <stdio.h>", "#include <stdio.h>\n#include <string.h>", 1)
	src = strings.Replace(src, "static unsigned long block;", factsPreludeSrc+"\nstatic unsigned long block;", 1)
	r, _ := runFacts(t, "kfacts_buddy.c", src, "ram=256M,debug=off")
	counts := map[string][]uint64{} // "tag order" → DMA32 nr_free per order
	for _, l := range strings.Split(string(r.Stdout), "\n") {
		p := strings.Fields(l)
		if len(p) < 3 || p[0] != "B" {
			continue
		}
		if p[1] == "boot" {
			if strings.Contains(l, "zone      DMA ") {
				f.check("buddyinfo-DMA-at-boot", strings.Join(p[len(p)-11:], " ") == "0 0 0 0 0 1 1 1 0 1 3", "%q", l)
			}
			continue
		}
		var nr []uint64
		for _, s := range p[len(p)-11:] {
			nr = append(nr, u(s))
		}
		counts[p[1]+" "+p[2]] = nr
	}
	if len(counts) != 33 {
		t.Fatalf("buddyinfo samples: %d\n%s", len(counts), r.Stdout)
	}
	delta := func(a, b []uint64) map[int]int64 {
		d := map[int]int64{}
		for i := range a {
			if x := int64(b[i]) - int64(a[i]); x != 0 {
				d[i] = x
			}
		}
		return d
	}
	describe := func(d map[int]int64) string {
		var keys []int
		for k := range d {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		var s []string
		for _, k := range keys {
			s = append(s, fmt.Sprintf("[%d]%+d", k, d[k]))
		}
		return strings.Join(s, " ")
	}
	for o := 0; o <= 10; o++ {
		b, a, fr := counts[fmt.Sprintf("before %d", o)], counts[fmt.Sprintf("alloc %d", o)], counts[fmt.Sprintf("free %d", o)]
		da, df := describe(delta(b, a)), describe(delta(a, fr))
		switch o {
		case 4, 5, 6, 8, 10: // exact: −1 on alloc, +1 on free
			f.check(fmt.Sprintf("buddyinfo-order-%d-exact", o), da == fmt.Sprintf("[%d]-1", o) && df == fmt.Sprintf("[%d]+1", o), "alloc %s, free %s", da, df)
		case 7: // no order-7 block of the right migratetype: an order-8 split, merged back
			f.check("buddyinfo-order-7-split-from-8", da == "[7]+1 [8]-1" && df == "[7]-1 [8]+1", "alloc %s, free %s", da, df)
		}
	}
	// orders 0–3 (and 9) go through the per-CPU lists: a refill takes a
	// batch, a free goes to the list and does not show
	b, a, fr := counts["before 0"], counts["alloc 0"], counts["free 0"]
	f.check("buddyinfo-order-0-per-cpu-lists", describe(delta(a, fr)) == "" && delta(b, a)[0] < -1, "alloc %s, free %s", describe(delta(b, a)), describe(delta(a, fr)))
}

// The boot's memory (README "Boot memory", -m 256M): MemTotal, MemFree
// and Slab as /proc/meminfo shows them right after boot.
func checkBootMemory(t *testing.T, f factSet) {
	s := NewSession(compile(t, "kfacts_boot.c", "int main(void) { return 0; }\n", "ram=256M,debug=off"))
	defer s.Close()
	s.Run()
	mi, err := s.ProcFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	kb := func(label string) uint64 {
		m := regexp.MustCompile(`(?m)^` + label + `: +(\d+) kB$`).FindStringSubmatch(mi)
		if m == nil {
			t.Fatalf("no %s in\n%s", label, mi)
		}
		return u(m[1])
	}
	near := func(v, want uint64) bool { return v*100 >= want*98 && v*100 <= want*102 } // within 2 %
	f.check("meminfo-MemTotal-192320kB", kb("MemTotal") == 192320, "MemTotal %d kB", kb("MemTotal"))
	f.check("meminfo-MemFree-about-163900kB", near(kb("MemFree"), 163900), "MemFree %d kB", kb("MemFree"))
	f.check("meminfo-Slab-about-14972kB", near(kb("Slab"), 14972), "Slab %d kB", kb("Slab"))
}

// TestKernelFacts checks every fact and compares the failures with the
// ratchet.
func TestKernelFacts(t *testing.T) {
	f := factSet{}
	checkClasses(t, f)
	checkAlign(t, f)
	checkVmalloc(t, f)
	checkZeroing(t, f)
	checkSlabinfo(t, f)
	checkBuddy(t, f)
	checkBootMemory(t, f)

	known := map[string]bool{}
	data, err := os.ReadFile(filepath.Join("testdata", "kernel-facts-known-failures.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			known[strings.Fields(l)[0]] = true
		}
	}
	var ids []string
	for id := range f {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	passed := 0
	for _, id := range ids {
		switch why := f[id]; {
		case why == "" && known[id]:
			t.Errorf("fact %s is reproduced now: remove it from testdata/kernel-facts-known-failures.txt", id)
		case why != "" && !known[id]:
			t.Errorf("fact %s not reproduced: %s", id, why)
		case why == "":
			passed++
		default:
			t.Logf("known failure %s: %s", id, why)
		}
	}
	for id := range known {
		if _, ok := f[id]; !ok {
			t.Errorf("testdata/kernel-facts-known-failures.txt lists %s, which is no fact", id)
		}
	}
	t.Logf("%d of %d facts reproduced", passed, len(ids))
}
