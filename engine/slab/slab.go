package slab

import (
	"fmt"
	"math/bits"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// Constants of the measured kernel (reference/kernel/README.md, "Key
// results", and summary.txt "constants:").
const (
	// PageOffset is PAGE_OFFSET, the start of the direct map (nokaslr).
	PageOffset = 0xffff888000000000
	// ZeroSizePtr is ZERO_SIZE_PTR, what kmalloc(0) returns.
	ZeroSizePtr = 0x10
	// KmallocMinSize is KMALLOC_MIN_SIZE (KMALLOC_SHIFT_LOW = 3).
	KmallocMinSize = 8
	// KmallocShiftHigh is KMALLOC_SHIFT_HIGH (PAGE_SHIFT + 1).
	KmallocShiftHigh = 13
	// KmallocMaxCacheSize is KMALLOC_MAX_CACHE_SIZE: larger requests go to
	// the page allocator.
	KmallocMaxCacheSize = 1 << KmallocShiftHigh // 8192
	// KmallocMaxSize is KMALLOC_MAX_SIZE: order MAX_ORDER-1 = 10, 4 MiB.
	KmallocMaxSize = 4 << 20
	// ArchKmallocMinAlign is ARCH_KMALLOC_MINALIGN (and ARCH_SLAB_MINALIGN).
	ArchKmallocMinAlign = 8
	// CacheLineSize is cache_line_size() on x86-64 (SLAB_HWCACHE_ALIGN).
	CacheLineSize = 64
	// SlubMaxOrder is slub_max_order's default, PAGE_ALLOC_COSTLY_ORDER
	// (mm/slub.c).
	SlubMaxOrder = buddy.CostlyOrder
	// MaxObjsPerPage is MAX_OBJS_PER_PAGE (mm/slub.c: 32767).
	MaxObjsPerPage = 32767
	// VmemmapBase is vmemmap_base without KASLR (Documentation/x86/x86_64/mm.rst,
	// facts §6.1); struct page is 64 bytes. Used only to print "Slab 0x…".
	VmemmapBase    = 0xffffea0000000000
	structPageSize = 64
)

// Where the measured kernel warns (summary.txt: the WARNING lines). The
// kernel layer prints "WARNING: CPU: 0 PID: <pid> at <Site> <Func>".
const (
	siteAllocPages = "mm/page_alloc.c:5634"
	funcAllocPages = "__alloc_pages+0x2a9/0x330"
)

// ProblemKind says how the kernel layer shows a Problem.
type ProblemKind uint8

const (
	// Warning: a WARN()/WARN_ON_ONCE splat. The kernel prints
	// "------------[ cut here ]------------", then Text (the WARN's own
	// message, possibly empty), then "WARNING: CPU: 0 PID: <pid> at <Site> <Func>"
	// and a call trace.
	Warning ProblemKind = iota + 1
	// SlabBug: a SLUB consistency report (slab_err/object_err). Text is
	// the full report as printed with pr_err, lines separated by '\n'.
	SlabBug
	// AllocFailure: warn_alloc. The kernel prints "<comm>: " + Text, then
	// the memory report.
	AllocFailure
	// Printk: plain printk lines (Linux 2.0's messages).
	Printk
	// Oops: the kernel crashes; Text is the Oops' first line.
	Oops
	// Bug: a BUG()/BUG_ON() fires (lib/bug.c:report_bug prints the cut
	// line and "kernel BUG at <Site>!"), then the invalid-opcode Oops
	// with RIP in Func and Frames above it in the call trace. It does
	// not return.
	Bug
)

// Problem is something the kernel prints about a call, in its own words,
// plus mmplay's plain-words explanation. A nil *Problem means "nothing
// printed".
type Problem struct {
	Kind ProblemKind
	// Site and Func complete a Warning's "WARNING: … at <Site> <Func>" line.
	// Site lacks the line number where it was not measured. For a Bug,
	// Site is the BUG_ON's file:line and Func the function RIP is in.
	Site, Func string
	// Frames are the kernel functions a Bug's call trace shows between
	// Func and the snippet's function, innermost first (modelled offsets).
	Frames []string
	// Text is what the kernel prints (see ProblemKind).
	Text string
	// After is printed after a Warning's call trace (pr_warn_once lines).
	After string
	// Explain is mmplay's explanation; it is never kernel output.
	Explain string
	// Err is the page allocator's failure behind an AllocFailure, if any,
	// so that the kernel layer can decide about the OOM killer.
	Err error
}

func (p *Problem) String() string {
	if p == nil {
		return "<nil>"
	}
	return p.Text
}

// Kmalloc is what the kernel layer needs from a kmalloc implementation; the
// session config's kernel key picks one: New (6.1 SLUB) or New20 (Linux 2.0).
//
// Addresses are kernel virtual addresses in the direct map. Every method
// tolerates bad input (a wild pointer, an absurd size) and never panics.
type Kmalloc interface {
	// Kmalloc allocates size bytes (kmalloc(size, gfp)). It returns 0 for
	// NULL, ZeroSizePtr for size 0 (6.1), and what the kernel printed.
	Kmalloc(size uint64, gfp buddy.GFP) (uint64, *Problem)
	// Kfree frees p (kfree). NULL and ZERO_SIZE_PTR are no-ops. A bad
	// pointer is reported and changes nothing.
	Kfree(p uint64) *Problem
	// Ksize is the usable size of the block at p (ksize); 0 for NULL,
	// ZERO_SIZE_PTR and pointers that are not live kmalloc blocks.
	Ksize(p uint64) uint64
	// Find says what lies at a kernel virtual address (for KASAN-style
	// checks and the views).
	Find(addr uint64) (Object, bool)
	// SlabInfo is /proc/slabinfo; ok is false where the kernel has none
	// (Linux 2.0).
	SlabInfo() (text string, ok bool)
	// SlabBytes returns the memory held for slabs and large kmallocs, for
	// /proc/meminfo's SReclaimable and SUnreclaim.
	SlabBytes() (reclaimable, unreclaimable uint64)
	// Snapshot returns the whole state as plain structs for the views.
	Snapshot() Snapshot
	// CheckInvariants recounts the state from scratch.
	CheckInvariants() error
	// Mem returns the physical memory holding the objects.
	Mem() *phys.Mem
}

// ObjectState is the state of one slab object.
type ObjectState uint8

const (
	ObjFree      ObjectState = iota // on a free list
	ObjAllocated                    // handed out
)

// MarshalText makes the state a word in the JSON snapshot.
func (s ObjectState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s ObjectState) String() string {
	if s == ObjAllocated {
		return "allocated"
	}
	return "free"
}

// Object describes the block at an address.
type Object struct {
	Addr  uint64      // start of the block as the caller got it
	Size  uint64      // usable size (the cache's object size, or the page block)
	Req   uint64      // requested size (0 while free)
	State ObjectState // allocated or free
	Cache string      // "kmalloc-64", a custom cache's name, or "pages" for large kmallocs
	// Kind: "slab" (object in a slab), "large" (kmalloc above 8192 from the
	// page allocator), "bucket" (Linux 2.0 block).
	Kind string
}

// Kzalloc is kzalloc: kmalloc with __GFP_ZERO.
func Kzalloc(k Kmalloc, size uint64, gfp buddy.GFP) (uint64, *Problem) {
	return k.Kmalloc(size, gfp|buddy.GFP__ZERO)
}

// Kcalloc is kcalloc(n, size, gfp): kmalloc_array with __GFP_ZERO. A
// product that overflows returns NULL without a message
// (include/linux/slab.h: kmalloc_array, check_mul_overflow).
func Kcalloc(k Kmalloc, n, size uint64, gfp buddy.GFP) (uint64, *Problem) {
	hi, lo := bits.Mul64(n, size)
	if hi != 0 || lo > 1<<63 {
		return 0, nil
	}
	return k.Kmalloc(lo, gfp|buddy.GFP__ZERO)
}

// Krealloc is krealloc (mm/slab_common.c: krealloc, __do_krealloc):
//
//  1. p == NULL: kmalloc(size).
//  2. size == 0: kfree(p), return ZERO_SIZE_PTR.
//  3. size ≤ ksize(p): the same pointer (with __GFP_ZERO the bytes past the
//     new size are cleared, as 6.1 does).
//  4. otherwise kmalloc(size), copy ksize(p) bytes, kfree(p). On failure p
//     is untouched and NULL is returned.
func Krealloc(k Kmalloc, p, size uint64, gfp buddy.GFP) (uint64, *Problem) {
	if p == 0 || p == ZeroSizePtr {
		return k.Kmalloc(size, gfp)
	}
	if size == 0 {
		return ZeroSizePtr, k.Kfree(p)
	}
	ks := k.Ksize(p)
	if ks == 0 {
		// Not a live block: the kernel would read garbage metadata.
		return 0, &Problem{Kind: Warning, Site: "mm/slab_common.c", Func: "krealloc",
			Explain: fmt.Sprintf("krealloc was given %#x, which is not a live kmalloc block; the real kernel would misbehave here.", p)}
	}
	if size <= ks {
		if gfp&buddy.GFP__ZERO != 0 {
			zeroPhys(k.Mem(), p+size-directBase(k), ks-size)
		}
		return p, nil
	}
	q, prob := k.Kmalloc(size, gfp)
	if q == 0 {
		return 0, prob
	}
	mem := k.Mem()
	buf := make([]byte, ks)
	mem.ReadBytes(p-directBase(k), buf)
	mem.WriteBytes(q-directBase(k), buf)
	if prob2 := k.Kfree(p); prob == nil {
		prob = prob2
	}
	return q, prob
}

func directBase(k Kmalloc) uint64 {
	if b, ok := k.(interface{ PageOffset() uint64 }); ok {
		return b.PageOffset()
	}
	return PageOffset
}

// zeroPhys clears n bytes at physical address pa (may cross pages).
func zeroPhys(mem *phys.Mem, pa, n uint64) {
	for n > 0 {
		off := pa & arch.PageMask
		c := min(n, arch.PageSize-off)
		if p := mem.Content(pa >> arch.PageShift); p != nil {
			clear(p[off : off+c])
		}
		pa, n = pa+c, n-c
	}
}

// getOrder is get_order(size): the smallest order whose block holds size.
func getOrder(size uint64) int {
	if size <= arch.PageSize {
		return 0
	}
	return bits.Len64((size - 1) >> arch.PageShift)
}

// splitmix64 is the model's deterministic random source (fixed seed), in
// place of get_random_long()/prandom (see doc.go, "Randomness").
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
