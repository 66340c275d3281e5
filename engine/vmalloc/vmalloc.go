package vmalloc

import (
	"fmt"
	"math/bits"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/pgtable"
	"mmplay/engine/phys"
	"mmplay/engine/slab"
)

// The vmalloc range of the measured kernel (nokaslr; reference/kernel/README.md).
const (
	VmallocStart = 0xffffc90000000000
	VmallocEnd   = 0xffffe8ffffffffff // inclusive, as the kernel defines it
	// GuardSize is the one guard page after every area (measured).
	GuardSize = arch.PageSize
	// ioremapMaxOrder is IOREMAP_MAX_ORDER (include/linux/vmalloc.h: 7 +
	// PAGE_SHIFT): ioremap areas are aligned to their size, up to 512 KiB.
	ioremapMaxOrder = 7 + arch.PageShift
	// lazyMaxPages is lazy_max_pages() for one CPU: fls(1) · 32 MiB / 4 KiB.
	// Freed ranges stay reserved ("unpurged") until more than this many
	// pages are waiting.
	lazyMaxPages = 32 << 20 >> arch.PageShift
	// vmStructSize is sizeof(struct vm_struct) on x86-64 6.1: kzalloc'ed
	// per area (kmalloc-64).
	vmStructSize = 64
	// maxIoremap is a model limit: one ioremap maps at most 4 GiB with 4 KiB
	// pages (the kernel would use huge mappings).
	maxIoremap = 4 << 30
)

// Page-table entry bits the kernel uses for its own mappings
// (arch/x86/include/asm/pgtable_types.h): PAGE_KERNEL and, for ioremap,
// PAGE_KERNEL_IO with _PAGE_PCD (uncached-minus).
const (
	pteGlobal    pgtable.PTE = 1 << 8
	ptePCD       pgtable.PTE = 1 << 4
	pageKernel               = pgtable.Present | pgtable.RW | pgtable.Accessed | pgtable.Dirty | pteGlobal | pgtable.NX
	pageKernelIO             = pageKernel | ptePCD
)

// Measured warning sites (summary.txt) and the ones whose line is not
// measured (file only).
const (
	siteVmallocZero = "mm/vmalloc.c:3227"
	funcVmallocZero = "__vmalloc_node_range+0x806/0x880"
	siteIoremapRAM  = "arch/x86/mm/ioremap.c:211"
	funcIoremap     = "__ioremap_caller"
	siteVunmap      = "mm/vmalloc.c"
	funcVunmap      = "__vunmap"
	// siteInterruptBug is __get_vm_area_node's BUG_ON(in_interrupt()), at
	// mm/vmalloc.c line 2497 of the 6.1.158 stable source. Not measured:
	// the measured build (Debian 6.1.192) has the vmalloc(0) WARN 57 lines
	// below 6.1.158's (3227 against 3170), so its BUG_ON may sit up to 57
	// lines lower in the file too. The RIP offset is modelled.
	siteInterruptBug = "mm/vmalloc.c:2497"
	funcInterruptBug = "__get_vm_area_node+0x13a/0x150"
)

// The call-trace frames between __get_vm_area_node and the snippet's
// function (offsets modelled): vmalloc and vzalloc reach
// __vmalloc_node_range through __vmalloc_node by tail calls, which leave
// no frame; ioremap goes through __ioremap_caller and get_vm_area_caller.
var (
	framesVmalloc = []string{"__vmalloc_node_range+0xb6/0x880"}
	framesIoremap = []string{"get_vm_area_caller+0x3b/0x50", "__ioremap_caller+0x1a5/0x330"}
)

// Flags are vm_struct flags (include/linux/vmalloc.h).
type Flags uint32

const (
	VM_IOREMAP Flags = 0x00000001
	VM_ALLOC   Flags = 0x00000002
)

// area is a vm_struct with its vmap_area range.
//
// Invariant: addr is page aligned; size = PAGE_ALIGN(request) + GuardSize;
// the last page is the guard and never mapped; a VM_ALLOC area maps
// pages[i] at addr + i·4096, a VM_IOREMAP area maps phys + i·4096.
type area struct {
	addr, size uint64
	flags      Flags
	req        uint64   // the size the caller asked for
	pages      []uint64 // pfns (VM_ALLOC)
	phys       uint64   // VM_IOREMAP: the page-aligned physical start
	caller     string   // "%pS" of the caller: "func+0x4e/0x21b [module]"
	vmStruct   uint64   // kzalloc'ed struct vm_struct (0 without a slab allocator)
	pagesArray uint64   // kmalloc'ed or vmalloc'ed pages[] (0 without a slab allocator)
	vpages     bool     // pages[] itself was vmalloc'ed (more than 512 pages)
}

func (a *area) end() uint64 { return a.addr + a.size }

// span is a lazily freed range waiting to be purged.
type span struct{ start, end uint64 }

// Config describes the vmalloc allocator.
type Config struct {
	// Pages is the page allocator (required).
	Pages *buddy.Allocator
	// Tables are the kernel page tables (init_mm); nil: New makes them.
	Tables *pgtable.Tables
	// Slab, if set, gets the kernel's side allocations: the vm_struct
	// (kzalloc, 64 bytes) and the pages[] array (kmalloc, or a nested
	// vmalloc above one page, "vpages").
	Slab slab.Kmalloc
	// InitOnAlloc zeroes every page (init_on_alloc=1, stock Debian).
	InitOnAlloc bool
	// InInterrupt is in_interrupt() of the code calling in (nil: never):
	// __get_vm_area_node's BUG_ON fires when it is true.
	InInterrupt func() bool
	// FatalSignalPending is fatal_signal_pending(current) (nil: never):
	// vm_area_alloc_pages stops taking pages for a task the OOM killer
	// has killed, and the failure is not warned about.
	FatalSignalPending func() bool
	// Recorder receives events; nil records nothing.
	Recorder arch.Recorder
}

// Allocator is the vmalloc/ioremap space of one machine.
type Allocator struct {
	cfg    Config
	pages  *buddy.Allocator
	mem    *phys.Mem
	tables *pgtable.Tables
	rec    arch.Recorder
	areas  []*area // busy areas by address
	purge  []span  // lazily freed ranges by address, merged (purge_vmap_area_list)
	lazyNr uint64  // pages waiting in purge (vmap_lazy_nr)
	// nrPages is vmalloc_nr_pages (VmallocUsed).
	nrPages uint64
	// leaked are frames of VM_ALLOC areas that iounmap removed: still owned
	// by vmalloc, still counted in nrPages, never freed (as in the kernel).
	leaked              []uint64
	warnedZero, warnRAM bool
}

// New builds an empty vmalloc space.
func New(cfg Config) (*Allocator, error) {
	if cfg.Pages == nil {
		return nil, fmt.Errorf("vmalloc: Config.Pages is nil")
	}
	a := &Allocator{cfg: cfg, pages: cfg.Pages, mem: cfg.Pages.Mem(), tables: cfg.Tables, rec: cfg.Recorder}
	if a.tables == nil {
		t, err := pgtable.New(cfg.Pages, cfg.Recorder)
		if err != nil {
			return nil, err
		}
		a.tables = t
	}
	return a, nil
}

// Tables returns the kernel page tables the areas are mapped in.
func (a *Allocator) Tables() *pgtable.Tables { return a.tables }

func (a *Allocator) record(kind arch.EventKind, addr, size, pfn uint64, detail string) {
	if a.rec != nil {
		a.rec.Record(arch.Event{Kind: kind, Source: "vmalloc", Addr: addr, Size: size, PFN: pfn, Detail: detail})
	}
}

// findFree is alloc_vmap_area's lowest match: the lowest aligned start ≥
// VMALLOC_START such that [start, start+size) meets no busy area and no
// unpurged range.
func (a *Allocator) findFree(size, align uint64) (uint64, bool) {
	start := uint64(VmallocStart)
	i, j := 0, 0
	for {
		start = (start + align - 1) &^ (align - 1)
		if start < VmallocStart || start+size < start || start+size-1 > VmallocEnd {
			return 0, false
		}
		// The next occupied range at or after start.
		var ns, ne uint64
		found := false
		for i < len(a.areas) && a.areas[i].end() <= start {
			i++
		}
		for j < len(a.purge) && a.purge[j].end <= start {
			j++
		}
		if i < len(a.areas) {
			ns, ne, found = a.areas[i].addr, a.areas[i].end(), true
		}
		if j < len(a.purge) && (!found || a.purge[j].start < ns) {
			ns, ne, found = a.purge[j].start, a.purge[j].end, true
		}
		if !found || start+size <= ns {
			return start, true
		}
		start = max(start, ne)
	}
}

func (a *Allocator) insert(ar *area) {
	i := len(a.areas)
	for i > 0 && a.areas[i-1].addr > ar.addr {
		i--
	}
	a.areas = append(a.areas, nil)
	copy(a.areas[i+1:], a.areas[i:])
	a.areas[i] = ar
}

// find returns the busy area containing addr (find_vmap_area).
func (a *Allocator) find(addr uint64) (int, *area) {
	lo, hi := 0, len(a.areas)
	for lo < hi {
		m := (lo + hi) / 2
		switch ar := a.areas[m]; {
		case addr < ar.addr:
			hi = m
		case addr >= ar.end():
			lo = m + 1
		default:
			return m, ar
		}
	}
	return -1, nil
}

// getVMArea is __get_vm_area_node: BUG_ON(in_interrupt()), kzalloc the
// vm_struct, add the guard page, reserve the lowest fitting range. frames
// are the callers' frames for the BUG's call trace.
func (a *Allocator) getVMArea(size, align uint64, flags Flags, caller string, frames []string) (*area, *slab.Problem) {
	if a.cfg.InInterrupt != nil && a.cfg.InInterrupt() {
		return nil, &slab.Problem{Kind: slab.Bug, Site: siteInterruptBug, Func: funcInterruptBug, Frames: frames,
			Explain: "vmalloc and ioremap may sleep (the vm_struct is kzalloc'ed with GFP_KERNEL, the pages are taken with GFP_KERNEL and mapped into page tables that may need new pages), " +
				"so they must never run in interrupt context: 6.1's __get_vm_area_node starts with BUG_ON(in_interrupt()). " +
				"in_interrupt() is true in a hard-IRQ handler, in a softirq, and also under spin_lock_bh (softirqs disabled). " +
				"The BUG is a ud2 instruction: the CPU traps with \"invalid opcode\" and the kernel prints an Oops. " +
				"Allocate the buffer beforehand in process context (module init, open, write), or take a small one with kmalloc(GFP_ATOMIC)."}
	}
	ar := &area{size: size + GuardSize, flags: flags, caller: caller}
	if a.cfg.Slab != nil {
		p, prob := slab.Kzalloc(a.cfg.Slab, vmStructSize, buddy.GFP_KERNEL)
		if p == 0 {
			return nil, prob
		}
		ar.vmStruct = p
	}
	addr, ok := a.findFree(ar.size, align)
	if !ok {
		a.freeSide(ar)
		return nil, &slab.Problem{Kind: slab.Printk, Text: fmt.Sprintf("vmap allocation for size %d failed: use vmalloc=<size> to increase size", ar.size),
			Explain: "The 32 TiB vmalloc range has no free hole this large."}
	}
	ar.addr = addr
	a.insert(ar)
	return ar, nil
}

// freeSide gives back the vm_struct and the pages array.
func (a *Allocator) freeSide(ar *area) {
	if a.cfg.Slab == nil {
		return
	}
	if ar.pagesArray != 0 {
		if ar.vpages {
			a.vfree(ar.pagesArray)
		} else {
			a.cfg.Slab.Kfree(ar.pagesArray)
		}
		ar.pagesArray = 0
	}
	if ar.vmStruct != 0 {
		a.cfg.Slab.Kfree(ar.vmStruct)
		ar.vmStruct = 0
	}
}

// Vmalloc is vmalloc(size) (allocate steps 1–6 of doc.go), called from
// caller. It returns 0 for NULL and what the kernel printed.
func (a *Allocator) Vmalloc(size uint64, caller string) (uint64, *slab.Problem) {
	return a.vmalloc(size, caller, buddy.GFP_KERNEL)
}

// VmallocAligned is __vmalloc_node_range with an alignment: the area
// starts at a multiple of align (a power of two, at least a page), as
// kernel/fork.c:alloc_vmap_stack asks for THREAD_ALIGN (THREAD_SIZE,
// 16 KiB on x86-64). The holes such areas leave below the next aligned
// slot are where later small areas go first (lowest first fit).
func (a *Allocator) VmallocAligned(size, align uint64, caller string) (uint64, *slab.Problem) {
	return a.vmallocAlign(size, align, caller, buddy.GFP_KERNEL)
}

// Vzalloc is vzalloc(size): vmalloc with zeroed pages.
func (a *Allocator) Vzalloc(size uint64, caller string) (uint64, *slab.Problem) {
	return a.vmalloc(size, caller, buddy.GFP_KERNEL|buddy.GFP__ZERO)
}

// vmalloc is __vmalloc_node_range for a caller's gfp: GFP_KERNEL, with
// __GFP_ZERO for vzalloc.
func (a *Allocator) vmalloc(size uint64, caller string, gfp buddy.GFP) (uint64, *slab.Problem) {
	return a.vmallocAlign(size, arch.PageSize, caller, gfp)
}

func (a *Allocator) vmallocAlign(size, align uint64, caller string, gfp buddy.GFP) (uint64, *slab.Problem) {
	if align < arch.PageSize || align&(align-1) != 0 {
		align = arch.PageSize
	}
	if size == 0 {
		if a.warnedZero {
			return 0, nil
		}
		a.warnedZero = true
		return 0, &slab.Problem{Kind: slab.Warning, Site: siteVmallocZero, Func: funcVmallocZero,
			Explain: "vmalloc(0) asks for nothing: the kernel warns (WARN_ON_ONCE, so once per boot) and returns NULL."}
	}
	real := size
	if size > ^uint64(0)-arch.PageSize {
		size = ^uint64(0) &^ arch.PageMask
	} else {
		size = arch.PageAlignUp(size)
	}
	if size>>arch.PageShift > a.pages.ManagedTotal() {
		// warn_alloc(gfp_mask, NULL, "vmalloc error: size %lu, exceeds
		// total pages", real_size) with the caller's gfp (mm/vmalloc.c:
		// __vmalloc_node_range)
		return 0, &slab.Problem{Kind: slab.AllocFailure,
			Text:    fmt.Sprintf("vmalloc error: size %d, exceeds total pages, mode:%#x(%s), nodemask=(null),cpuset=/,mems_allowed=0", real, uint32(gfp), gfp),
			Explain: fmt.Sprintf("vmalloc(%d) asks for more pages than the machine has RAM (%s).", real, arch.Count(a.pages.ManagedTotal(), "page"))}
	}
	ar, prob := a.getVMArea(size, align, VM_ALLOC, caller, framesVmalloc)
	if ar == nil {
		return 0, prob
	}
	ar.req = real
	n := size >> arch.PageShift
	// __vmalloc_area_node: the pages[] array, kmalloc'ed up to a page,
	// vmalloc'ed (nested, same caller) above: "vpages".
	if a.cfg.Slab != nil {
		arr := n * 8
		var p uint64
		if arr > arch.PageSize {
			p, prob = a.vmalloc(arr, caller, buddy.GFP_KERNEL|buddy.GFP__ZERO) // nested_gfp
			ar.vpages = true
		} else {
			p, prob = slab.Kzalloc(a.cfg.Slab, arr, buddy.GFP_KERNEL)
		}
		if p == 0 {
			a.vfree(ar.addr)
			return 0, a.failure(real, "failed to allocate page array", prob)
		}
		ar.pagesArray = p
	}
	// __vmalloc_area_node: gfp_mask |= __GFP_NOWARN | __GFP_HIGHMEM
	gfp |= buddy.GFP__NOWARN | buddy.GFP__HIGHMEM
	if a.cfg.InitOnAlloc {
		gfp |= buddy.GFPInitOnAlloc // post_alloc_hook: want_init_on_alloc
	}
	ar.pages = make([]uint64, 0, n)
	for i := uint64(0); i < n; i++ {
		if a.cfg.FatalSignalPending != nil && a.cfg.FatalSignalPending() {
			// vm_area_alloc_pages: "if (!nofail && fatal_signal_pending(current)) break;"
			// and no warn_alloc for a task that is being killed
			a.vfree(ar.addr)
			return 0, &slab.Problem{Explain: fmt.Sprintf("vmalloc(%d) stopped taking pages: the task was killed (by the OOM killer), so it returns NULL without a warning.", real)}
		}
		pfn, err := a.pages.AllocPages(gfp, 0, phys.OwnerVmalloc)
		if err != nil {
			a.vfree(ar.addr)
			return 0, a.failure(real, "failed to allocate pages", &slab.Problem{Err: err})
		}
		ar.pages = append(ar.pages, pfn)
		a.nrPages++
		if a.cfg.Slab != nil {
			a.storeKernel(ar.pagesArray+i*8, slab.VmemmapBase+pfn*64) // pages[i] = struct page *
		}
		if err := a.tables.Set(ar.addr+i*arch.PageSize, pgtable.Make(pfn, pageKernel)); err != nil {
			a.vfree(ar.addr)
			return 0, a.failure(real, "failed to map pages", &slab.Problem{Err: err})
		}
	}
	a.record(arch.EvMap, ar.addr, size, 0, "vmalloc "+arch.Count(n, "page")+" (+1 guard)")
	return ar.addr, nil
}

// storeKernel writes 8 bytes at a kernel address of the direct map or of
// the vmalloc range.
func (a *Allocator) storeKernel(va, v uint64) {
	if va >= VmallocStart {
		if pa, ram, ok := a.Translate(va); ok && ram {
			a.mem.Store(pa, 8, v)
		}
		return
	}
	base := uint64(slab.PageOffset)
	if b, ok := a.cfg.Slab.(interface{ PageOffset() uint64 }); ok {
		base = b.PageOffset()
	}
	a.mem.Store(va-base, 8, v)
}

// failure is a failure of __vmalloc_area_node. Its warn_alloc calls
// ("vmalloc error: size %lu, page order %u, failed to allocate pages",
// "…, failed to allocated page array size %lu", "…, failed to map
// pages") are never printed in 6.1: the function first does gfp_mask |=
// __GFP_NOWARN, and warn_alloc returns at once for __GFP_NOWARN
// (mm/vmalloc.c and mm/page_alloc.c:warn_alloc, 6.1.158). vmalloc just
// returns NULL; mmplay's report says why.
func (a *Allocator) failure(size uint64, why string, inner *slab.Problem) *slab.Problem {
	p := &slab.Problem{
		Explain: fmt.Sprintf("vmalloc(%d) could not get all the page frames it needed (%s); what it had taken is given back and it returns NULL. 6.1 prints nothing for this (it asks the page allocator with __GFP_NOWARN).", size, why)}
	if inner != nil {
		// the nested kmalloc of the pages[] array prints its own report
		// (nested_gfp lacks __GFP_NOWARN)
		p.Kind, p.Text, p.Site, p.Func, p.After, p.Err = inner.Kind, inner.Text, inner.Site, inner.Func, inner.After, inner.Err
	}
	return p
}

// Vfree is vfree(addr) (free steps 1–4 of doc.go).
func (a *Allocator) Vfree(addr uint64) *slab.Problem {
	if addr == 0 {
		return nil
	}
	if addr&arch.PageMask != 0 {
		return &slab.Problem{Kind: slab.Warning, Site: siteVunmap, Func: funcVunmap,
			Text:    fmt.Sprintf("Trying to vfree() bad address (%016x)", addr),
			Explain: fmt.Sprintf("vfree(%#x): vmalloc areas start on a page boundary, so this cannot be a pointer vmalloc returned. The kernel warns and frees nothing.", addr)}
	}
	if _, ar := a.find(addr); ar == nil || addr >= ar.end()-GuardSize {
		return &slab.Problem{Kind: slab.Warning, Site: siteVunmap, Func: funcVunmap,
			Text:    fmt.Sprintf("Trying to vfree() nonexistent vm area (%016x)", addr),
			Explain: fmt.Sprintf("vfree(%#x): no vmalloc area is there (never allocated, already freed, or memory from kmalloc/get_free_pages, which have their own free functions). The kernel warns and frees nothing.", addr)}
	}
	a.vfree(addr)
	return nil
}

// vfree removes the area containing addr (remove_vm_area finds the area
// containing the address, as find_vmap_area does), unmaps it, frees its
// pages and side allocations, and queues its range for the lazy purge.
func (a *Allocator) vfree(addr uint64) {
	i, ar := a.find(addr)
	if ar == nil {
		return
	}
	a.areas = append(a.areas[:i], a.areas[i+1:]...)
	mapped := (ar.size - GuardSize) >> arch.PageShift
	if ar.flags&VM_ALLOC != 0 {
		mapped = uint64(len(ar.pages))
	}
	for k := uint64(0); k < mapped; k++ {
		a.tables.Clear(ar.addr + k*arch.PageSize)
	}
	for _, pfn := range ar.pages {
		if err := a.pages.FreePages(pfn, 0); err != nil {
			panic("vmalloc: page refused by the page allocator")
		}
		a.nrPages--
	}
	ar.pages = nil
	a.freeSide(ar)
	a.record(arch.EvUnmap, ar.addr, ar.size-GuardSize, 0, "vfree")
	a.lazyFree(span{ar.addr, ar.end()})
}

// lazyFree is free_vmap_area_noflush: the range joins the purge list
// (merged with its neighbours) and stays reserved until more than
// lazy_max_pages pages wait; then everything is purged at once
// (__purge_vmap_area_lazy; the kernel does it from a work item).
func (a *Allocator) lazyFree(s span) {
	a.lazyNr += (s.end - s.start) >> arch.PageShift
	i := 0
	for i < len(a.purge) && a.purge[i].start < s.start {
		i++
	}
	a.purge = append(a.purge, span{})
	copy(a.purge[i+1:], a.purge[i:])
	a.purge[i] = s
	if i+1 < len(a.purge) && a.purge[i].end == a.purge[i+1].start {
		a.purge[i].end = a.purge[i+1].end
		a.purge = append(a.purge[:i+1], a.purge[i+2:]...)
	}
	if i > 0 && a.purge[i-1].end == a.purge[i].start {
		a.purge[i-1].end = a.purge[i].end
		a.purge = append(a.purge[:i], a.purge[i+1:]...)
	}
	if a.lazyNr > lazyMaxPages {
		a.Purge()
	}
}

// Purge is purge_vmap_area_lazy: every lazily freed range becomes free.
func (a *Allocator) Purge() {
	a.purge, a.lazyNr = nil, 0
}

// isRAM reports whether pfn is System RAM in the iomem map: a frame of the
// machine other than the PCI hole and the legacy 640 KiB – 1 MiB ISA range.
func (a *Allocator) isRAM(pfn uint64) bool {
	if !a.mem.Valid(pfn) || a.mem.Frame(pfn).Owner == phys.OwnerHole {
		return false
	}
	return pfn < 0xa0 || pfn >= 0x100
}

// Ioremap is ioremap(phys, size) (compare arch/x86/mm/ioremap.c:
// __ioremap_caller): map a device range uncached into the vmalloc space.
//
//  1. size 0 or a wrapping range: NULL, silently.
//  2. Any page of the range is RAM: WARN_ONCE "ioremap on RAM at %pa - %pa"
//     (arch/x86/mm/ioremap.c:211, measured) and NULL.
//  3. offset = phys & 0xfff; the range is widened to whole pages.
//  4. An area aligned to its size's power of two (page … 512 KiB) plus the
//     guard page, flagged ioremap; the pages map the device frames (no RAM
//     is used); the result keeps the in-page offset.
func (a *Allocator) Ioremap(pa, size uint64, caller string) (uint64, *slab.Problem) {
	last := pa + size - 1
	if size == 0 || last < pa {
		return 0, nil
	}
	for pfn := pa >> arch.PageShift; pfn <= last>>arch.PageShift; pfn++ {
		if a.isRAM(pfn) {
			if a.warnRAM {
				return 0, nil
			}
			a.warnRAM = true
			return 0, &slab.Problem{Kind: slab.Warning, Site: siteIoremapRAM, Func: funcIoremap,
				Text:    fmt.Sprintf("ioremap on RAM at 0x%016x - 0x%016x", pa, last),
				Explain: fmt.Sprintf("ioremap maps device memory (registers, frame buffers), but %#x is ordinary RAM that the kernel already reaches through the direct map (phys_to_virt). x86 refuses, warns once per boot, and returns NULL.", pa)}
		}
		if pfn == last>>arch.PageShift {
			break
		}
	}
	if size > maxIoremap {
		return 0, &slab.Problem{Explain: fmt.Sprintf("ioremap(%#x, %d): mmplay maps at most 4 GiB per ioremap (a model limit: the kernel would use huge pages).", pa, size)}
	}
	offset := pa & arch.PageMask
	start := pa &^ arch.PageMask
	size = arch.PageAlignUp(last+1) - start
	if last+1 == 0 {
		size = -start
	}
	order := uint64(bits.Len64(size - 1)) // get_count_order_long
	order = min(max(order, arch.PageShift), ioremapMaxOrder)
	ar, prob := a.getVMArea(size, 1<<order, VM_IOREMAP, caller, framesIoremap)
	if ar == nil {
		return 0, prob
	}
	ar.req, ar.phys = size, start
	for k := uint64(0); k < size>>arch.PageShift; k++ {
		if err := a.tables.Set(ar.addr+k*arch.PageSize, pgtable.Make(start>>arch.PageShift+k, pageKernelIO)); err != nil {
			a.vfree(ar.addr)
			return 0, &slab.Problem{Err: err, Explain: "ioremap could not allocate a page table."}
		}
	}
	a.record(arch.EvMap, ar.addr, size, start>>arch.PageShift, fmt.Sprintf("ioremap phys %#x", start))
	return ar.addr + offset, nil
}

// Iounmap is iounmap(addr) (arch/x86/mm/ioremap.c): addresses below the
// vmalloc range are ignored silently; the in-page offset is dropped; an
// address in no area prints "iounmap: bad address %p". Unmapping a
// vmalloc'ed area through iounmap removes it without freeing its pages, as
// the kernel does: they leak.
func (a *Allocator) Iounmap(addr uint64) *slab.Problem {
	if addr < VmallocStart {
		return nil // addr <= high_memory (and the ISA range): ignored
	}
	addr &^= arch.PageMask
	i, ar := a.find(addr)
	if ar == nil || addr >= ar.end()-GuardSize {
		return &slab.Problem{Kind: slab.Printk, Text: fmt.Sprintf("iounmap: bad address %016x", addr),
			Explain: fmt.Sprintf("iounmap(%#x): no ioremap area is there (never mapped, or already unmapped). The kernel prints this and a stack dump, and does nothing.", addr)}
	}
	if ar.flags&VM_ALLOC != 0 {
		a.leaked = append(a.leaked, ar.pages...)
		ar.pages = nil
		a.areas = append(a.areas[:i], a.areas[i+1:]...)
		for k := uint64(0); k < (ar.size-GuardSize)>>arch.PageShift; k++ {
			a.tables.Clear(ar.addr + k*arch.PageSize)
		}
		a.freeSide(ar)
		a.lazyFree(span{ar.addr, ar.end()})
		return &slab.Problem{Explain: fmt.Sprintf("iounmap(%#x) was given a vmalloc area: it is unmapped, but iounmap does not free pages, so its frames leak (use vfree).", addr)}
	}
	a.vfree(addr)
	return nil
}

// VmallocToPFN is vmalloc_to_pfn: the frame mapped at addr, from the
// kernel page tables.
func (a *Allocator) VmallocToPFN(addr uint64) (uint64, bool) {
	if addr < VmallocStart || addr > VmallocEnd {
		return 0, false
	}
	pte := a.tables.Lookup(addr &^ arch.PageMask)
	if !pte.Present() {
		return 0, false
	}
	return pte.PFN(), true
}

// Translate returns the physical address behind a vmalloc-range address,
// and whether it is RAM (false: a device page of an ioremap). ok is false
// when nothing is mapped there (see Lookup for what is there instead).
func (a *Allocator) Translate(addr uint64) (pa uint64, ram, ok bool) {
	pfn, ok := a.VmallocToPFN(addr)
	if !ok {
		return 0, false, false
	}
	return pfn<<arch.PageShift | addr&arch.PageMask, a.mem.Valid(pfn) && a.mem.Frame(pfn).Owner == phys.OwnerVmalloc, true
}

// VmallocUsedKB is /proc/meminfo's VmallocUsed: vmalloc_nr_pages() in kB
// (ioremap areas do not count).
func (a *Allocator) VmallocUsedKB() uint64 { return a.nrPages * (arch.PageSize >> 10) }

// VmallocTotalKB is /proc/meminfo's VmallocTotal (measured 34359738367).
func VmallocTotalKB() uint64 { return (VmallocEnd - VmallocStart) >> 10 }

// Info is /proc/vmallocinfo (mm/vmalloc.c:s_show, facts §6.3): one line
// per area by address, then the lazily freed ranges (show_purge_info).
func (a *Allocator) Info() string {
	var b strings.Builder
	for _, ar := range a.areas {
		fmt.Fprintf(&b, "0x%016x-0x%016x %7d", ar.addr, ar.end(), ar.size)
		if ar.caller != "" {
			b.WriteString(" " + ar.caller)
		}
		if len(ar.pages) > 0 {
			fmt.Fprintf(&b, " pages=%d", len(ar.pages))
		}
		if ar.flags&VM_IOREMAP != 0 {
			fmt.Fprintf(&b, " phys=0x%016x ioremap", ar.phys)
		}
		if ar.flags&VM_ALLOC != 0 {
			b.WriteString(" vmalloc")
		}
		if ar.vpages {
			b.WriteString(" vpages")
		}
		if len(ar.pages) > 0 {
			fmt.Fprintf(&b, " N0=%d", len(ar.pages))
		}
		b.WriteByte('\n')
	}
	for _, s := range a.purge {
		fmt.Fprintf(&b, "0x%016x-0x%016x %7d unpurged vm_area\n", s.start, s.end, s.end-s.start)
	}
	return b.String()
}
