package kernel

import (
	"errors"
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// The page-allocator API as modules call it (include/linux/gfp.h), over
// package buddy. Addresses are direct-map addresses: __va(pfn << 12).

// Where __alloc_pages' WARN_ON_ONCE_GFP(order >= MAX_ORDER) fires, measured
// on the reference kernel: "WARNING: CPU: 0 PID: 614 at mm/page_alloc.c:5634
// __alloc_pages+0x2a9/0x330" (reference/kernel/summary.txt).
const (
	allocPagesWarnFile = "mm/page_alloc.c"
	allocPagesWarnLine = 5634
	allocPagesWarnFn   = "__alloc_pages+0x2a9/0x330"
	// warn_alloc's ratelimit: DEFAULT_RATELIMIT_INTERVAL (5 s) … the nopage_rs
	// state is DEFINE_RATELIMIT_STATE(nopage_rs, 10*HZ, 1): one report per 10 s.
	warnAllocInterval = 10e9
)

// pageAlloc is one block handed out by the page-allocator API.
type pageAlloc struct {
	order  int
	module *Module // the module whose code allocated it (nil: built-in)
	caller string  // the API function ("__get_free_pages", "alloc_pages", …)
}

// maxOrder is MAX_ORDER (exclusive) of the booted kernel.
func (k *Kernel) maxOrder() int { return k.Pages.MaxOrder() }

// PfnToVirt is __va(pfn << PAGE_SHIFT).
func PfnToVirt(pfn uint64) uint64 { return PageOffset + pfn<<arch.PageShift }

// Pa is __pa(v) for a direct-map or kernel-image address (arch/x86/mm/physaddr.c
// __phys_addr: v - PAGE_OFFSET, or v - __START_KERNEL_map + phys_base with
// phys_base 0 without KASLR). Other addresses give v - PAGE_OFFSET, the
// garbage the real macro computes.
func Pa(v uint64) uint64 {
	if v >= StartKernel {
		return v - StartKernel
	}
	return v - PageOffset
}

// Va is __va(p) = p + PAGE_OFFSET.
func Va(p uint64) uint64 { return p + PageOffset }

// PfnToPage is pfn_to_page(pfn): the struct page in the vmemmap.
func PfnToPage(pfn uint64) uint64 { return VmemmapBase + pfn*StructPageSize }

// PageToPfn is page_to_pfn(page).
func PageToPfn(page uint64) uint64 { return (page - VmemmapBase) / StructPageSize }

// VirtToPage is virt_to_page(v) = pfn_to_page(__pa(v) >> PAGE_SHIFT).
func VirtToPage(v uint64) uint64 { return PfnToPage(Pa(v) >> arch.PageShift) }

// PageAddress is page_address(page) for a lowmem page.
func PageAddress(page uint64) uint64 { return PfnToVirt(PageToPfn(page)) }

// pageAddress is page_address(page): NULL for an i386 HighMem page, which
// has no permanent kernel address until kmap (not modelled).
func (k *Kernel) pageAddress(page uint64) uint64 {
	if k.Mem.I386() && PageToPfn(page) >= k.Mem.LowmemEnd() {
		return 0
	}
	return PageAddress(page)
}

// AllocPages is alloc_pages(gfp, order): the first pfn of a block of
// 2^order frames, or ok=false (the API returns NULL). fn names the API
// function for reports. The steps:
//
//  1. might_alloc(gfp) (the sleeping-in-atomic check);
//  2. order ≥ MAX_ORDER: NULL; on 6.1 the one-time WARNING unless
//     __GFP_NOWARN (measured), on 2.0 silently (NR_MEM_LISTS check);
//  3. init_on_alloc adds __GFP_ZERO (debug=off);
//  4. buddy.AllocPages; on failure warn_alloc unless __GFP_NOWARN,
//     rate limited to one report per 10 s of the fake clock.
func (k *Kernel) AllocPages(gfp buddy.GFP, order int, fn string) (pfn uint64, ok bool) {
	if k.cfg.Kernel != "2.0" {
		k.MightAlloc(gfp, "__alloc_pages+0x2fd/0x330")
	}
	if order < 0 || order >= k.maxOrder() {
		if k.cfg.Kernel != "2.0" && gfp&buddy.GFP__NOWARN == 0 && !k.tooLargeWarned {
			k.tooLargeWarned = true
			k.warn(allocPagesWarnFile, allocPagesWarnLine, allocPagesWarnFn,
				"__get_free_pages+0x11/0x50")
		}
		k.report("max-order", fmt.Sprintf("%s: order %d is above the largest order %d", fn, order, k.maxOrder()-1),
			fmt.Sprintf("The buddy allocator has free lists for orders 0 to %d only (blocks of up to %d KiB), so a request of order %d can never succeed: it returns NULL.",
				k.maxOrder()-1, 4<<(k.maxOrder()-1), order)+
				map[bool]string{true: " The kernel prints its WARNING only once per boot (WARN_ON_ONCE) and never with __GFP_NOWARN.", false: ""}[k.cfg.Kernel != "2.0"])
		return 0, false
	}
	req := gfp
	if k.InitOnAlloc() {
		gfp |= buddy.GFPInitOnAlloc // want_init_on_alloc: the memory is cleared, the mode printed is the caller's
	}
	defer k.entering(apiFrame(fn))()
	pfn, err := k.Pages.AllocPages(gfp, order, phys.OwnerPages)
	if err != nil {
		var ae *buddy.AllocError
		if errors.As(err, &ae) {
			k.warnAlloc(req, order)
		}
		return 0, false
	}
	k.pages[pfn] = &pageAlloc{order: order, module: k.module, caller: fn}
	return pfn, true
}

// warnAlloc is mm/page_alloc.c:warn_alloc for a failed allocation.
func (k *Kernel) warnAlloc(gfp buddy.GFP, order int) {
	title := fmt.Sprintf("%s: page allocation failure: order:%d, mode:%#x(%s), nodemask=(null)", k.current.Comm, order, uint32(gfp), GFPNames(gfp))
	expl := fmt.Sprintf("No free block of order %d (%d KiB) could be found in the zones this request may use without going below the watermark it must respect", order, 4<<order)
	switch {
	case !gfp.CanSleep():
		expl += "; an allocation that may not sleep cannot wait for reclaim, so it fails at once"
	case k.FatalSignalPending():
		expl += "; this task has been killed by the OOM killer, so the killer is not called again, and once the victim's reserve (half the min watermark) is gone its allocations fail"
	default:
		expl += "; mmplay has nothing to reclaim (no page cache, no swap), so the slow path fails"
		if order > buddy.CostlyOrder {
			expl += ", and the OOM killer is never called for orders above 3 (PAGE_ALLOC_COSTLY_ORDER): the kernel expects the caller to have a fallback"
		} else if gfp&(buddy.GFP__NORETRY|buddy.GFP__RETRY_MAYFAIL) != 0 {
			expl += ", and __GFP_NORETRY/__GFP_RETRY_MAYFAIL keep the OOM killer out of it"
		}
	}
	expl += ". The caller gets NULL and must handle it."
	k.report("page-allocation-failure", title, expl)
	if k.cfg.Kernel == "2.0" || gfp&buddy.GFP__NOWARN != 0 {
		return
	}
	k.printAllocFailure(title, k.Pages.GFPZone(gfp), order, nil)
}

// printAllocFailure prints warn_alloc's report for the line title (which
// starts with "<comm>: page allocation failure"), rate limited like
// nopage_rs; extra lines (SLUB's own report) follow it.
func (k *Kernel) printAllocFailure(title string, zone phys.ZoneID, order int, extra []string) {
	if k.cfg.Kernel == "2.0" {
		return // warn_alloc is 6.1's; 2.0's allocators fail silently
	}
	if k.warnAllocShown && k.log.clock < k.lastWarnAlloc+warnAllocInterval {
		return
	}
	k.warnAllocShown, k.lastWarnAlloc = true, k.log.clock
	// warn_alloc: pr_warn("%s: %pV, mode:%#x(%pGg), nodemask=%*pbl", …),
	// then cpuset_print_current_mems_allowed (CONFIG_CPUSETS=y in Debian).
	k.pr(LogWarning, "%s,cpuset=/,mems_allowed=0", title)
	k.dumpStack(LogWarning, k.allocFrames("warn_alloc+0x138/0x160", "__alloc_pages_slowpath.constprop.0+0xcb6/0xd00", "__alloc_pages+0x2fd/0x330")...)
	k.showMem(zone)
	for _, l := range extra {
		k.pr(LogWarning, "%s", l)
	}
	k.record(arch.Event{Kind: arch.EvWarning, Detail: title, Order: order})
}

// apiFrame is the call-trace frame of the page-allocator API function fn
// that calls __alloc_pages (modelled offsets; alloc_pages is a function
// of its own with CONFIG_NUMA, as in Debian).
func apiFrame(fn string) string {
	switch fn {
	case "__get_free_pages", "__get_free_page", "get_zeroed_page", "__get_dma_pages":
		return "__get_free_pages+0x11/0x50"
	case "alloc_pages", "alloc_page":
		return "alloc_pages+0x9e/0x1e0"
	}
	return ""
}

// entering records frame as the kernel API function the snippet called
// (kmalloc, vmalloc, __get_free_pages …) for the call traces of the
// page allocator's reports; the returned function restores the previous
// one.
func (k *Kernel) entering(frame string) func() {
	saved := k.allocEntry
	k.allocEntry = frame
	return func() { k.allocEntry = saved }
}

// allocFrames is frames followed by the API frame the snippet entered
// through, if known.
func (k *Kernel) allocFrames(frames ...string) []string {
	if k.allocEntry != "" {
		frames = append(frames, k.allocEntry)
	}
	return frames
}

// GetFreePages is __get_free_pages(gfp, order): a direct-map address or 0.
// __GFP_HIGHMEM is refused (VM_BUG_ON in the real one); it is dropped here.
func (k *Kernel) GetFreePages(gfp buddy.GFP, order int, fn string) uint64 {
	pfn, ok := k.AllocPages(gfp&^buddy.GFP__HIGHMEM, order, fn)
	if !ok {
		return 0
	}
	return PfnToVirt(pfn)
}

// FreePagesAddr is free_pages(addr, order): addr 0 is ignored; an address
// outside the direct map is a kernel BUG (VM_BUG_ON(!virt_addr_valid)) and
// reported without freeing.
func (k *Kernel) FreePagesAddr(addr uint64, order int, fn string) {
	if addr == 0 {
		return
	}
	if addr < PageOffset || addr >= PageOffset+k.Mem.MaxPFN()<<arch.PageShift || addr&arch.PageMask != 0 {
		k.report("bad-free", fmt.Sprintf("%s(%#x, %d): not a page address in the direct map", fn, addr, order),
			"free_pages takes the address __get_free_pages returned: a page-aligned address in the direct map. "+
				"This one is not, so the real kernel would free some unrelated struct page (or crash); mmplay frees nothing.")
		return
	}
	k.FreePagesPFN((addr-PageOffset)>>arch.PageShift, order, fn)
}

// FreePagesPage is __free_pages(page, order) for a struct page pointer.
func (k *Kernel) FreePagesPage(page uint64, order int, fn string) {
	if page < VmemmapBase || page >= VmemmapBase+k.Mem.MaxPFN()*StructPageSize || (page-VmemmapBase)%StructPageSize != 0 {
		k.report("bad-free", fmt.Sprintf("%s(%#x, %d): not a struct page pointer", fn, page, order),
			"__free_pages takes the struct page * that alloc_pages returned; this value is not one, so mmplay frees nothing.")
		return
	}
	k.FreePagesPFN(PageToPfn(page), order, fn)
}

// FreePagesPFN frees 2^order frames at pfn the way __free_pages does for a
// non-compound block: without knowing the order it was allocated with
// (facts §3.9). A smaller order frees the head part and leaks the rest for
// ever; a larger one runs into pages that are not this block's, and
// free_pages_prepare's bad_page reports each of them ("BUG: Bad page
// state", with debug=on); then nothing is freed and the block is lost.
func (k *Kernel) FreePagesPFN(pfn uint64, order int, fn string) {
	if !k.Mem.Valid(pfn) || order < 0 || order >= k.maxOrder() {
		k.report("bad-free", fmt.Sprintf("%s: pfn %#x order %d is not a valid block", fn, pfn, order),
			"The address or order does not name a block the page allocator could have handed out; mmplay frees nothing.")
		return
	}
	if n, lost := k.poisoned[pfn]; lost {
		k.report("bad-free", fmt.Sprintf("%s: pfn %#x was already lost by an earlier bad free", fn, pfn),
			fmt.Sprintf("An earlier free of this block (order %d) failed with bad pages; its reference count is already 0, so this free changes nothing and the pages stay lost.", n))
		return
	}
	a := k.pages[pfn]
	f := k.Mem.Frame(pfn)
	if a == nil && (f.Owner != phys.OwnerPages || f.Flags&phys.FlagHead == 0) {
		k.badPageFree(pfn, order, fn, &buddy.BadPageError{PFN: pfn, Order: order, Pages: []buddy.BadPage{{PFN: pfn, Reason: badReason(f)}}})
		return
	}
	allocOrder := order
	if a != nil {
		allocOrder = a.order
	}
	// buddy frees exactly 2^order frames, as the real __free_pages does.
	err := k.Pages.FreePages(pfn, order)
	var bpe *buddy.BadPageError
	if errors.As(err, &bpe) {
		k.badPageFree(pfn, order, fn, bpe)
		return
	}
	if err != nil {
		return
	}
	delete(k.pages, pfn)
	if order < allocOrder {
		leaked := (uint64(1) << allocOrder) - (uint64(1) << order)
		k.leakTail(pfn, order, allocOrder, a)
		k.report("wrong-order-free", fmt.Sprintf("%s: order %d block freed as order %d", fn, allocOrder, order),
			fmt.Sprintf("The block at pfn %#x was allocated with order %d (%s) but freed with order %d: the page allocator frees only the first %s and has no record of the other %d. They stay allocated for ever (a silent leak: the kernel prints nothing).",
				pfn, allocOrder, arch.Count(1<<allocOrder, "page"), order, arch.Count(1<<order, "page"), leaked))
	}
}

func badReason(f *phys.Frame) string {
	switch {
	case f.Owner == phys.OwnerFree:
		return "nonzero mapcount"
	case f.Flags&phys.FlagReserved != 0:
		return "PAGE_FLAGS_CHECK_AT_FREE flag(s) set"
	}
	return "nonzero _refcount"
}

// leakTail keeps the frames [pfn+2^order, pfn+2^allocOrder) allocated as
// blocks nobody tracks (their frames were allocated with the head; the
// real kernel leaves them with refcount 0 and no owner).
func (k *Kernel) leakTail(pfn uint64, order, allocOrder int, a *pageAlloc) {
	for o := order; o < allocOrder; o++ {
		head := pfn + 1<<o
		f := k.Mem.Frame(head)
		f.Flags |= phys.FlagHead
		f.Order = uint8(o)
		f.Refcount = 1
		k.poisoned[head] = o
	}
}

// badPageFree is mm/page_alloc.c:bad_page for each refused frame (6.1),
// then the block is lost.
func (k *Kernel) badPageFree(pfn uint64, order int, fn string, e *buddy.BadPageError) {
	allocOrder := -1
	if a := k.pages[pfn]; a != nil {
		allocOrder = a.order
		delete(k.pages, pfn)
		k.poisoned[pfn] = a.order
	}
	title := fmt.Sprintf("BUG: Bad page state in process %s  pfn:%05x", k.current.Comm, e.Pages[0].PFN)
	expl := fmt.Sprintf("%s freed pfn %#x with order %d (%s)", fn, pfn, order, arch.Count(1<<order, "page"))
	if allocOrder >= 0 {
		expl += fmt.Sprintf(", but the block was allocated with order %d (%s)", allocOrder, arch.Count(1<<allocOrder, "page"))
	}
	expl += fmt.Sprintf(". The extra pages belong to someone else or are already free (%s). The kernel checks each page before freeing (free_pages_prepare), finds them in use, reports \"Bad page state\" and refuses the whole free: the block's reference count is already dropped, so its pages are lost for good. Had the check been off, the free lists would now hold pages that are still in use — two owners for the same memory.", arch.Count(len(e.Pages), "bad page"))
	if k.cfg.Kernel == "2.0" {
		// 2.0's free_pages checks nothing (mm/page_alloc.c: it drops the
		// count and frees): there is no report to print. mmplay still
		// refuses the free rather than corrupt its free lists.
		expl += " Linux 2.0 had no such check and printed nothing: it would have put the in-use pages on its free lists; mmplay keeps them out (a simplification)."
		k.report("bad-page", title, expl)
		return
	}
	k.report("bad-page", title, expl)
	// The report is printed with debug=off too: 6.1's free_pages_prepare
	// checks every tail page of a multi-page free (free_page_is_bad)
	// unconditionally; only the head check depends on debug_pagealloc.
	for _, bp := range e.Pages {
		f := k.Mem.Frame(bp.PFN)
		k.pr(LogAlert, "BUG: Bad page state in process %s  pfn:%05x", k.current.Comm, bp.PFN)
		mapcount := 0
		if f.Owner == phys.OwnerFree {
			mapcount = -128 // PageBuddy lives in _mapcount (PAGE_BUDDY_MAPCOUNT_VALUE)
		}
		k.pr(LogWarning, "page:%s refcount:%d mapcount:%d mapping:0000000000000000 index:0x0 pfn:%#x",
			hex16(hashPointer(PfnToPage(bp.PFN))), f.Refcount, mapcount, bp.PFN)
		k.pr(LogWarning, "page dumped because: %s", bp.Reason)
		k.pr(LogWarning, "%s", k.modulesLinkedIn())
		k.dumpStack(LogWarning, "bad_page.cold+0x63/0x94", "free_page_is_bad_report+0x8f/0xa0",
			"free_pcp_prepare+0x1b6/0x260", "free_unref_page+0x1d/0x130")
		k.AddTaint(TaintBadPage)
	}
	k.record(arch.Event{Kind: arch.EvBug, Detail: title, PFN: pfn, Order: order})
}
