package kernel

import (
	"errors"
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/cc/interp"
	"mmplay/engine/phys"
)

// Kernel virtual address layout of x86-64 with 4-level paging and no KASLR of
// the memory regions (Documentation/x86/x86_64/mm.rst; the first three were
// measured on the reference guest, reference/kernel/README.md "constants").
const (
	PageOffset   = 0xffff888000000000 // PAGE_OFFSET, start of the direct map (measured)
	DirectMapEnd = 0xffffc88000000000 // end of the 64 TiB direct-map hole
	VmallocStart = 0xffffc90000000000 // VMALLOC_START (measured)
	VmallocEnd   = 0xffffe8ffffffffff // VMALLOC_END, inclusive (measured)
	VmemmapBase  = 0xffffea0000000000 // vmemmap: the struct page array (facts §6.1)
	VmemmapEnd   = 0xffffeb0000000000 // 1 TiB
	StartKernel  = 0xffffffff80000000 // __START_KERNEL_map: the kernel image mapping
	ModulesVaddr = 0xffffffffc0000000 // MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE (1 GiB with RANDOMIZE_BASE)
	ModulesEnd   = 0xffffffffff000000 // MODULES_END (arch/x86/include/asm/pgtable_64_types.h)
	// StructPageSize is sizeof(struct page) on x86-64: 64 bytes, so
	// pfn_to_page(pfn) = VmemmapBase + pfn*64 (facts §6.1).
	StructPageSize = 64
	// ThreadSize is THREAD_SIZE on x86-64 with KASAN off: 16 KiB
	// (arch/x86/include/asm/page_64_types.h: PAGE_SIZE << 2).
	ThreadSize = 16 << 10
	// HardirqOffset is HARDIRQ_OFFSET (include/linux/preempt.h: 1 << 16).
	HardirqOffset = 1 << 16
	// SoftirqOffset is SOFTIRQ_OFFSET (1 << 8).
	SoftirqOffset = 1 << 8
	// MaxOrder20 is the largest order kernel=2.0 allows plus one (NR_MEM_LISTS).
	MaxOrder20 = buddy.MaxOrder20
)

// Config describes the kernel to boot.
type Config struct {
	// RAM is the memory size in bytes (16 MiB … 4 GiB).
	RAM uint64
	// Kernel is "6.1" (default) or "2.0".
	Kernel string
	// Arch is "x86_64" (default) or "i386": on i386 the 6.1 machine has
	// the zones DMA, Normal (lowmem, 896 MiB) and HighMem (package phys);
	// addresses and page tables stay x86-64's (doc.go).
	Arch string
	// Debug is the session's debug=on: CONFIG_DEBUG_ATOMIC_SLEEP reports,
	// init_on_alloc=0, bad-page reports. debug=off is stock Debian 6.1 as
	// measured (reference/kernel/README.md).
	Debug bool
	// Recorder receives events (printk lines, warnings, bugs, allocations);
	// nil records nothing.
	Recorder arch.Recorder
}

// Task is the "current" task as the kernel's messages name it.
type Task struct {
	PID  int
	Comm string // at most 15 characters (TASK_COMM_LEN 16)
}

// Report is one entry of mmplay's own report list: a kernel message the
// reader should notice, with a plain-words explanation. Reports are never
// part of the kernel log itself.
type Report struct {
	Kind        string // "sleeping-in-atomic", "page-allocation-failure", "bad-page", "oops", "leak", "max-order"
	Title       string // the kernel's first line, or a short title
	Explanation string // plain words
}

// Kernel is the simulated kernel: the log, the contexts, the page-allocator
// API over package buddy, memblock, character devices, /proc and modules.
//
// Invariants (CheckInvariants): every tracked page allocation heads an
// allocated buddy block of its order with owner OwnerPages; the preempt and
// IRQ state match the stack of held locks; every memblock region is reserved
// frames owned OwnerMemblock; every open file names a registered device.
type Kernel struct {
	cfg   Config
	Mem   *phys.Mem
	Pages *buddy.Allocator
	rec   arch.Recorder

	log Log

	// current is the task snippet code runs as.
	current Task
	// ctx is preempt_count, irqs_disabled and the held locks.
	ctx contextState
	// irqs are the registered interrupt handlers by line.
	irqs map[int][]*irqAction
	// CallFunc runs snippet code at a function address (the integrator wires
	// it to the interpreter). Nil: handlers cannot run.
	CallFunc func(addr uint64, args ...uint64) uint64
	// Caller is the snippet function now running and where in it, for
	// call traces and /proc/vmallocinfo's callers ("scull_init+0x3d/0xd0";
	// the kernel adds the module); ok false or nil Caller gives "?".
	Caller func() (s Symbol, ok bool)
	// Symbolize names a snippet address for %pS (optional).
	Symbolize func(addr uint64) (Symbol, bool)

	// pages tracks every block handed out by the page-allocator API:
	// head pfn -> allocation.
	pages map[uint64]*pageAlloc
	// poisoned lists blocks whose free failed with bad pages: they stay
	// allocated for ever, as in the real kernel.
	poisoned map[uint64]int

	memblock memblockState
	boot     bootState
	plan     bootPlan
	// initrd is the initramfs the boot loader left in memory: reserved by
	// memblock until populate_rootfs has unpacked it, then freed.
	initrd struct{ start, pages uint64 }

	// kernel mappings owned here: the module area (page -> pfn).
	modMap  map[uint64]uint64
	modNext uint64

	// objects for VFS structures when no slab allocator is attached.
	objPool objPool

	slab    Slab
	vmalloc Vmalloc
	user    UserMemory
	// DataMem is the memory through which the kernel reads structures
	// the snippet defined (file_operations, proc_ops) and strings for
	// printk; nil: kernel space only.
	DataMem interp.Memory
	// Committed is vm_committed_as in pages for /proc/meminfo (the
	// integrator wires mm's commit counter); nil: 0.
	Committed func() uint64

	kmallocs      map[uint64]*objAllocRec
	caches        map[uint64]*kmemCache // struct kmem_cache * → the cache
	vmallocs      map[uint64]*objAllocRec
	seqFiles      map[uint64]*seqFile
	pendingSingle *singleOpen

	chrdevs map[int]*chrdev
	files   map[int]*openFile // fd -> file
	nextFD  int
	// FDBusy, when set, reports descriptors the process has open
	// elsewhere (libc's /proc files): SysOpen skips them, so both tables
	// share one descriptor space, lowest free first.
	FDBusy func(fd int) bool

	procFiles map[string]ProcFile
	procOrder []string

	modules []*Module
	module  *Module // the module whose code runs now (nil: built-in)

	taint            uint32
	tooLargeWarned   bool
	lastWarnAlloc    uint64 // log time (ns) of the last warn_alloc; 0: never
	warnAllocShown   bool
	lastMightResched uint64
	mightReschedSeen bool
	oopsCount        int
	reports          []Report

	// oomVictim is the task the OOM killer sent SIGKILL, until it returns
	// to user mode (ReturnToUser); oomKills counts the kills.
	oomVictim *Task
	oomKills  int
	// allocEntry is the API frame of the allocation in progress
	// (entering), for the page allocator's call traces.
	allocEntry string
}

// Boot boots the kernel: physical memory, the boot-time memblock
// allocations, the buddy allocator over the rest, then the early page
// allocations (doc.go, "Boot"). The same Config always gives the same machine.
func Boot(cfg Config) (*Kernel, error) {
	if cfg.Kernel == "" {
		cfg.Kernel = "6.1"
	}
	if cfg.Kernel != "6.1" && cfg.Kernel != "2.0" {
		return nil, fmt.Errorf("kernel: unknown kernel %q", cfg.Kernel)
	}
	var plan bootPlan
	if cfg.Kernel == "6.1" {
		plan = planBoot(cfg.RAM, cfg.Arch == "i386")
	}
	mem, err := phys.New(phys.Config{RAM: cfg.RAM, Kernel: cfg.Kernel, Arch: cfg.Arch, ImageStart: plan.imageStart, ImagePages: plan.imagePages})
	if err != nil {
		return nil, err
	}
	k := &Kernel{cfg: cfg, Mem: mem, rec: cfg.Recorder, plan: plan,
		current:  Task{PID: 0, Comm: "swapper/0"},
		irqs:     map[int][]*irqAction{},
		pages:    map[uint64]*pageAlloc{},
		poisoned: map[uint64]int{},
		modMap:   map[uint64]uint64{}, modNext: ModulesVaddr,
		chrdevs: map[int]*chrdev{}, files: map[int]*openFile{}, nextFD: 3,
		procFiles: map[string]ProcFile{},
		kmallocs:  map[uint64]*objAllocRec{}, vmallocs: map[uint64]*objAllocRec{},
	}
	k.log.init()
	if cfg.Kernel == "6.1" {
		k.initrd.pages = initrdPages
	}
	if err := k.memblockBoot(); err != nil {
		return nil, err
	}
	maxOrder := buddy.MaxOrder61
	if cfg.Kernel == "2.0" {
		maxOrder = buddy.MaxOrder20
	}
	k.Pages, err = buddy.New(mem, buddy.Config{MaxOrder: maxOrder, Legacy: cfg.Kernel == "2.0", Recorder: cfg.Recorder})
	if err != nil {
		return nil, err
	}
	if cfg.Kernel != "2.0" {
		k.Pages.SetOOM(k) // 2.0 had no OOM killer for kernel allocations
		k.plan.scale = min(1, float64(k.Pages.ManagedTotal())/(4*guestWorkPages))
	}
	if mem.I386() {
		k.Note("note: arch=i386 models the physical side only",
			"The machine has a 32-bit kernel's zones (DMA, Normal up to 896 MiB, HighMem above: see /proc/buddyinfo), "+
				"but addresses, pointer sizes and page tables stay x86-64's: the real i386 kernel maps lowmem at 0xc0000000 "+
				"and has 4-byte pointers.")
	}
	k.registerBuiltinProcFiles()
	k.current = Task{PID: 1, Comm: "init"}
	return k, nil
}

// Config returns the configuration the kernel was booted with.
func (k *Kernel) Config() Config { return k.cfg }

// SetCurrent sets the task that snippet code runs as (insmod while a
// module's init runs, the user program during its system calls).
func (k *Kernel) SetCurrent(t Task) {
	if len(t.Comm) > 15 {
		t.Comm = t.Comm[:15] // TASK_COMM_LEN 16 with the NUL
	}
	k.current = t
}

// Current returns the current task.
func (k *Kernel) Current() Task { return k.current }

// InitOnAlloc reports init_on_alloc: 1 on stock Debian (debug=off, measured:
// CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y), 0 on the debug kernel (debug=on models
// the measured init_on_alloc=0 boot).
//
// Linux 2.0 had no such option: its kmalloc and get_free_pages return old
// bytes whatever debug says.
func (k *Kernel) InitOnAlloc() bool { return !k.cfg.Debug && k.cfg.Kernel != "2.0" }

// TooLargeWarned is the WARN_ON_ONCE state of __alloc_pages' order check,
// to be shared with slab's large kmalloc (slab.Config.TooLargeWarned): one
// warning per boot for both.
func (k *Kernel) TooLargeWarned() *bool { return &k.tooLargeWarned }

// Reports returns mmplay's own reports so far, oldest first.
func (k *Kernel) Reports() []Report { return append([]Report(nil), k.reports...) }

// Note adds a plain-words note to mmplay's report list: something mmplay
// does differently from the real machine that the reader should know,
// not an event of the run (no trace event).
func (k *Kernel) Note(title, expl string) {
	k.reports = append(k.reports, Report{Kind: "note", Title: title, Explanation: expl})
}

func (k *Kernel) report(kind, title, expl string) {
	k.reports = append(k.reports, Report{Kind: kind, Title: title, Explanation: expl})
	if k.rec != nil {
		k.rec.Record(arch.Event{Kind: arch.EvReport, Source: "kernel", Detail: title})
	}
}

func (k *Kernel) record(e arch.Event) {
	if k.rec != nil {
		e.Source = "kernel"
		k.rec.Record(e)
	}
}

// CheckInvariants verifies the kernel layer's own state against buddy and
// phys, recounting from scratch.
func (k *Kernel) CheckInvariants() error {
	var errs []error
	for _, pfn := range sortedKeys(k.pages) {
		a := k.pages[pfn]
		f := k.Mem.Frame(pfn)
		if f.Owner != phys.OwnerPages || f.Flags&phys.FlagHead == 0 || int(f.Order) != a.order || f.Refcount != 1 {
			errs = append(errs, fmt.Errorf("kernel: page block at pfn %#x (order %d): frame owner %s order %d flags %#x refcount %d",
				pfn, a.order, f.Owner, f.Order, f.Flags, f.Refcount))
		}
		if _, bad := k.poisoned[pfn]; bad {
			errs = append(errs, fmt.Errorf("kernel: pfn %#x both tracked and poisoned", pfn))
		}
	}
	for _, pfn := range sortedKeys(k.boot.pages) {
		b := k.boot.pages[pfn]
		f := k.Mem.Frame(pfn)
		if f.Owner != b.owner || f.Flags&phys.FlagHead == 0 || int(f.Order) != b.order || f.Refcount != 1 {
			errs = append(errs, fmt.Errorf("kernel: boot block at pfn %#x (order %d, %s): frame owner %s order %d flags %#x",
				pfn, b.order, b.owner, f.Owner, f.Order, f.Flags))
		}
	}
	var cache uint64
	for _, b := range k.boot.pages {
		if b.owner == phys.OwnerUserFile {
			cache += 1 << b.order
		}
	}
	if cache != k.boot.pageCache {
		errs = append(errs, fmt.Errorf("kernel: rootfs holds %d pages, counted %d", k.boot.pageCache, cache))
	}
	if err := k.ctx.check(); err != nil {
		errs = append(errs, err)
	}
	if err := k.memblock.check(k.Mem); err != nil {
		errs = append(errs, err)
	}
	for _, va := range sortedKeys(k.modMap) {
		pfn := k.modMap[va]
		if va&arch.PageMask != 0 || va < ModulesVaddr || va >= k.modNext || !k.Mem.Valid(pfn) || k.Mem.Frame(pfn).Owner != phys.OwnerVmalloc {
			errs = append(errs, fmt.Errorf("kernel: module mapping %#x -> pfn %#x", va, pfn))
		}
	}
	for _, fd := range sortedKeys(k.files) {
		f := k.files[fd]
		if d := k.chrdevs[f.major]; d == nil || d != f.dev {
			errs = append(errs, fmt.Errorf("kernel: fd %d: device %d not registered", fd, f.major))
		}
	}
	if err := k.objPool.check(k); err != nil {
		errs = append(errs, err)
	}
	if err := k.log.check(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
