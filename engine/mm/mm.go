package mm

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/pgtable"
	"mmplay/engine/phys"
)

// Errno is a system call's error number (asm-generic/errno-base.h). The
// system-call methods return it as their error (nil on success).
type Errno int

const (
	EPERM  Errno = 1
	EBADF  Errno = 9
	EAGAIN Errno = 11
	ENOMEM Errno = 12
	EACCES Errno = 13
	EFAULT Errno = 14
	EEXIST Errno = 17
	EINVAL Errno = 22
)

var errnoNames = map[Errno]string{EPERM: "EPERM", EBADF: "EBADF", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM",
	EACCES: "EACCES", EFAULT: "EFAULT", EEXIST: "EEXIST", EINVAL: "EINVAL"}

func (e Errno) Error() string {
	if n, ok := errnoNames[e]; ok {
		return n
	}
	return fmt.Sprintf("errno %d", int(e))
}

// Commit is the machine-wide overcommit accounting: vm_committed_as and the
// sysctls of reference/facts.md §2.5. One Commit is shared by every
// address space of a machine.
type Commit struct {
	// Mode is vm.overcommit_memory: 0 (heuristic), 1 (always), 2 (never).
	Mode int
	// Ratio is vm.overcommit_ratio (default 50).
	Ratio uint64
	// Committed is vm_committed_as in pages (/proc/meminfo Committed_AS).
	Committed uint64
	// TotalRAM is totalram_pages; AdminReserve and UserReserve are
	// sysctl_admin_reserve_kbytes and sysctl_user_reserve_kbytes in pages.
	TotalRAM, AdminReserve, UserReserve uint64
}

// NewCommit sets up the accounting for a booted machine: the reserves are
// min(free/32, 8 MiB) and min(free/32, 128 MiB) of the free memory at boot
// (mm/util.c:init_admin_reserve, init_user_reserve).
func NewCommit(pages *buddy.Allocator, mode int) *Commit {
	free := pages.FreePagesTotal()
	return &Commit{Mode: mode, Ratio: 50, TotalRAM: pages.ManagedTotal(),
		AdminReserve: min(free/32, (8<<20)>>arch.PageShift),
		UserReserve:  min(free/32, (128<<20)>>arch.PageShift)}
}

// Limit is vm_commit_limit (CommitLimit in /proc/meminfo), in pages: no swap.
func (c *Commit) Limit() uint64 { return c.TotalRAM * c.Ratio / 100 }

// enough is __vm_enough_memory for a process that is not CAP_SYS_ADMIN:
// it charges pages and reports whether the charge may stand.
func (c *Commit) enough(pages, totalVM uint64) bool {
	c.Committed += pages
	switch c.Mode {
	case 1:
		return true
	case 0:
		if pages <= c.TotalRAM {
			return true
		}
	default:
		allowed := int64(c.Limit()) - int64(c.AdminReserve) - int64(min(totalVM/32, c.UserReserve))
		if int64(c.Committed) < allowed {
			return true
		}
	}
	c.Committed -= pages
	return false
}

func (c *Commit) unacct(pages uint64) { c.Committed -= pages }

// Config describes a process.
type Config struct {
	PID  int
	Comm string // the task's name, for the OOM killer's message
	// Commit is the machine's accounting; nil makes one with overcommit 0.
	Commit   *Commit
	Recorder arch.Recorder
	// FatalSignal, when set, is the kernel's delivery of a pending
	// SIGKILL as a page fault returns to user mode (the OOM killer, run by
	// the page allocator, may have chosen this process while it faulted);
	// nil means no kernel OOM killer: a failed allocation kills the
	// process here (oom).
	FatalSignal func() *arch.Signal
}

// AddressSpace is one process's memory (struct mm_struct).
type AddressSpace struct {
	mem   *phys.Mem
	pages *buddy.Allocator
	pt    *pgtable.Tables
	cfg   Config
	rec   arch.Recorder

	vmas []VMA // sorted, non-overlapping, never two mergeable neighbours

	startBrk, brk uint64 // start_brk and brk; brk may be unaligned
	brkSet        bool   // SetBrkStart was called
	startStack    uint64 // start_stack: the initial stack pointer
	startCode     uint64 // start_code/end_code: the text mapping, for statm
	endCode       uint64

	// Cached counters, recounted by CheckInvariants.
	rssAnon, rssFile, rssShmem uint64 // MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES
	minFlt                     uint64 // task->min_flt

	tlbR, tlbW [tlbSize]tlbEntry
	// directGen changes on every TLB flush and ForgetDirect: the validity
	// of the slots DirectPage hands out (clients compare it).
	directGen uint64
}

// New creates an empty address space with its PGD.
func New(pages *buddy.Allocator, cfg Config) (*AddressSpace, error) {
	pt, err := pgtable.New(pages, cfg.Recorder)
	if err != nil {
		return nil, err
	}
	if cfg.Commit == nil {
		cfg.Commit = NewCommit(pages, 0)
	}
	if cfg.Comm == "" {
		cfg.Comm = "a.out"
	}
	return &AddressSpace{mem: pages.Mem(), pages: pages, pt: pt, cfg: cfg, rec: cfg.Recorder}, nil
}

func (as *AddressSpace) record(kind arch.EventKind, addr, size uint64, detail string) {
	if as.rec != nil {
		as.rec.Record(arch.Event{Kind: kind, Source: "mm", Addr: addr, Size: size, Detail: detail})
	}
}

// MinFlt returns the minor faults so far (getrusage ru_minflt).
func (as *AddressSpace) MinFlt() uint64 { return as.minFlt }

// RSS returns the resident pages: anonymous + file + shmem (field 2 of
// /proc/PID/statm; get_mm_rss). Zero-page mappings do not count.
func (as *AddressSpace) RSS() uint64 { return as.rssAnon + as.rssFile + as.rssShmem }

// RSSAnon returns MM_ANONPAGES (/proc/meminfo AnonPages for one process).
func (as *AddressSpace) RSSAnon() uint64 { return as.rssAnon }

// PageTables returns the number of page-table frames (pgtables_bytes/4096).
func (as *AddressSpace) PageTables() uint64 { return as.pt.NrTables() }

// CurrentBrk returns mm->brk, the current break (possibly unaligned).
func (as *AddressSpace) CurrentBrk() uint64 { return as.brk }

// StartBrk returns start_brk.
func (as *AddressSpace) StartBrk() uint64 { return as.startBrk }

// VMAs returns a copy of the VMAs in address order.
func (as *AddressSpace) VMAs() []VMA { return append([]VMA(nil), as.vmas...) }

// OOMCounters is what the OOM killer prints of this mm (mm/oom_kill.c:
// dump_task, __oom_kill_process): total_vm, MM_ANONPAGES, MM_FILEPAGES
// and MM_SHMEMPAGES in pages, and mm_pgtables_bytes, which counts the
// PTE, PMD and PUD tables but not the PGD (pgd_alloc does not charge it).
func (as *AddressSpace) OOMCounters() (totalVM, anon, file, shmem, pgtablesBytes uint64) {
	return as.totalVM(), as.rssAnon, as.rssFile, as.rssShmem, (as.pt.NrTables() - 1) << arch.PageShift
}

// totalVM is mm->total_vm in pages.
func (as *AddressSpace) totalVM() uint64 {
	var n uint64
	for i := range as.vmas {
		n += as.vmas[i].Pages()
	}
	return n
}

// Mapping is one exec-time mapping the loader asks for (MapFixed).
type Mapping struct {
	Start, End uint64 // page aligned
	Prot       Prot
	// Name is the file path shown in /proc/PID/maps for a file mapping
	// (File set), else empty (anonymous: bss beyond the file, the stack).
	Name         string
	File         bool
	Offset       uint64 // file offset of Start
	Major, Minor uint32
	Inode        uint64
	Data         []byte // initial bytes at Start (copied), ignoring Prot
	Populate     bool   // fill every page now (the loader touched it)
	Stack        bool   // the process stack: VM_GROWSDOWN, [stack]
	StackPointer uint64 // for Stack: start_stack (default End-8)
	Code         bool   // the text segment (start_code/end_code, statm)
	BrkAfter     bool   // set start_brk = brk = End (the end of bss)
	// Special is a special mapping such as [vvar] or [vdso]
	// (install_special_mapping): named by Name, never merged.
	Special bool
}

// MapFixed installs one exec-time mapping (the ELF loader's vm_mmap /
// vm_brk_flags and setup_arg_pages). The range must be free. Pages covered
// by Data, and all pages when Populate is set, get frames now; those faults
// are not counted (see the package comment).
func (as *AddressSpace) MapFixed(m Mapping) error {
	if m.Start&arch.PageMask != 0 || m.End&arch.PageMask != 0 || m.Start >= m.End || m.End > arch.TaskSize {
		return fmt.Errorf("mm: MapFixed [%#x, %#x): not a page-aligned user range", m.Start, m.End)
	}
	if uint64(len(m.Data)) > m.End-m.Start {
		return fmt.Errorf("mm: MapFixed: %d bytes of data for a %d-byte mapping", len(m.Data), m.End-m.Start)
	}
	if as.overlaps(m.Start, m.End) {
		return fmt.Errorf("mm: MapFixed [%#x, %#x): overlaps a mapping", m.Start, m.End)
	}
	v := VMA{Start: m.Start, End: m.End, Prot: m.Prot}
	if m.File {
		v.Flags |= VM_FILE
		v.Name, v.Offset, v.Major, v.Minor, v.Inode = m.Name, m.Offset, m.Major, m.Minor, m.Inode
	}
	if m.Special {
		v.Flags |= VM_SPECIAL
		v.Name = m.Name
	}
	if m.Stack {
		v.Flags |= VM_GROWSDOWN
		as.startStack = m.StackPointer
		if as.startStack == 0 {
			as.startStack = m.End - 8
		}
	}
	if v.writablePrivate() {
		if !as.cfg.Commit.enough(v.Pages(), as.totalVM()) {
			return ENOMEM
		}
		v.Flags |= VM_ACCOUNT
	}
	as.insert(v)
	if m.Code {
		as.startCode, as.endCode = m.Start, m.End
	}
	if m.BrkAfter {
		as.startBrk, as.brk, as.brkSet = m.End, m.End, true
	}
	as.record(arch.EvMap, m.Start, m.End-m.Start, m.Name)
	last := m.Start + arch.PageAlignUp(uint64(len(m.Data)))
	if m.Populate {
		last = m.End
	}
	for va := m.Start; va < last; va += arch.PageSize {
		if sig := as.loaderPage(&v, va); sig != nil {
			return fmt.Errorf("mm: MapFixed: %s", sig.Reason)
		}
	}
	if len(m.Data) > 0 {
		as.pokeBytes(m.Start, m.Data)
	}
	return nil
}

// loaderPage gives va a frame: read-only file pages become MM_FILEPAGES,
// everything else an anonymous page.
func (as *AddressSpace) loaderPage(v *VMA, va uint64) *arch.Signal {
	file := v.Flags&VM_FILE != 0 && v.Prot&PROT_WRITE == 0
	owner := phys.OwnerUserAnon
	if file {
		owner = phys.OwnerUserFile
	}
	pfn, sig := as.allocUserFrame(va, owner)
	if sig != nil {
		return sig
	}
	pte := as.protPTE(v, true) | pgtable.Dirty
	if file {
		pte = pte&^(pgtable.Dirty|pgtable.RW) | pteFile
		as.rssFile++
	} else {
		as.rssAnon++
	}
	return as.setPTE(va, pgtable.Make(pfn, pte), pfn)
}

// pokeBytes writes buf at addr ignoring protections (the loader reading the
// file into place). Precondition: every page is present with its own frame.
func (as *AddressSpace) pokeBytes(addr uint64, buf []byte) {
	for len(buf) > 0 {
		off := addr & arch.PageMask
		n := min(uint64(len(buf)), arch.PageSize-off)
		pte := as.pt.Lookup(addr &^ arch.PageMask)
		as.mem.WriteBytes(pte.PFN()<<arch.PageShift+off, buf[:n])
		buf, addr = buf[n:], addr+n
	}
}

// SetBrkStart sets start_brk and brk (load_elf_binary: the page-aligned end
// of bss) when the loader did not say BrkAfter.
func (as *AddressSpace) SetBrkStart(addr uint64) {
	as.startBrk, as.brk, as.brkSet = arch.PageAlignUp(addr), arch.PageAlignUp(addr), true
}

// Brk is the brk system call (mm/mmap.c: SYSCALL_DEFINE1(brk), 6.1): it
// returns the new break, or the old one when the request is refused.
// brk(0) and any address below start_brk just return the current break.
func (as *AddressSpace) Brk(addr uint64) uint64 {
	if !as.brkSet || addr < as.startBrk || addr > arch.TaskSize {
		return as.brk
	}
	newbrk, oldbrk := arch.PageAlignUp(addr), arch.PageAlignUp(as.brk)
	switch {
	case newbrk == oldbrk:
		as.brk = addr
	case addr <= as.brk:
		// Always allow shrinking brk (do_brk_munmap).
		as.brk = addr
		as.unmapRange(newbrk, oldbrk)
		as.record(arch.EvBrk, addr, oldbrk-newbrk, "shrink")
	default:
		// Check against existing mmap mappings: one guard page must stay.
		if i := as.findVMA(oldbrk); i < len(as.vmas) && newbrk+arch.PageSize > startGap(&as.vmas[i]) {
			return as.brk
		}
		// do_brk_flags: accounting, then a new or extended VMA.
		if !as.cfg.Commit.enough((newbrk-oldbrk)>>arch.PageShift, as.totalVM()) {
			return as.brk
		}
		as.insert(VMA{Start: oldbrk, End: newbrk, Prot: PROT_READ | PROT_WRITE, Flags: VM_ACCOUNT})
		as.brk = addr
		as.record(arch.EvBrk, addr, newbrk-oldbrk, "grow")
	}
	return as.brk
}

// Mmap is the mmap system call for anonymous mappings (mm/mmap.c:do_mmap,
// mmap_region). It returns the mapping's address.
func (as *AddressSpace) Mmap(addr, length uint64, prot Prot, flags int, fd int, off uint64) (uint64, error) {
	if length == 0 || off&arch.PageMask != 0 || prot&^(PROT_READ|PROT_WRITE|PROT_EXEC) != 0 {
		return 0, EINVAL
	}
	switch flags & (MAP_SHARED | MAP_PRIVATE) {
	case MAP_SHARED, MAP_PRIVATE:
	default:
		return 0, EINVAL
	}
	if flags&MAP_ANONYMOUS == 0 {
		return 0, EBADF // no files behind descriptors in the model
	}
	length = arch.PageAlignUp(length)
	if length == 0 || length > arch.TaskSize {
		return 0, ENOMEM
	}
	fixed := flags&(MAP_FIXED|MAP_FIXED_NOREPLACE) != 0
	if fixed {
		if addr&arch.PageMask != 0 {
			return 0, EINVAL
		}
		if addr+length > arch.TaskSize || addr+length < addr {
			return 0, ENOMEM
		}
		if addr < MmapMinAddr {
			return 0, EPERM
		}
		if flags&MAP_FIXED_NOREPLACE != 0 && flags&MAP_FIXED == 0 && as.overlaps(addr, addr+length) {
			return 0, EEXIST
		}
	} else {
		a, ok := as.getUnmappedArea(arch.PageAlignDown(addr), length)
		if !ok {
			return 0, ENOMEM
		}
		addr = a
	}
	v := VMA{Start: addr, End: addr + length, Prot: prot}
	if flags&MAP_SHARED != 0 {
		v.Flags |= VM_SHARED
	}
	if flags&MAP_GROWSDOWN != 0 {
		v.Flags |= VM_GROWSDOWN
	}
	if flags&MAP_NORESERVE != 0 {
		v.Flags |= VM_NORESERVE
	}
	// accountable_mapping: private writable, unless MAP_NORESERVE outside mode 2.
	if v.writablePrivate() && (v.Flags&VM_NORESERVE == 0 || as.cfg.Commit.Mode == 2) {
		if !as.cfg.Commit.enough(v.Pages(), as.totalVM()) {
			return 0, ENOMEM
		}
		v.Flags |= VM_ACCOUNT
	}
	if fixed {
		as.unmapRange(v.Start, v.End) // MAP_FIXED replaces what was there
	}
	as.insert(v)
	as.record(arch.EvMap, v.Start, length, "mmap")
	if flags&MAP_POPULATE != 0 && flags&MAP_NORESERVE == 0 {
		as.populate(v.Start, v.End, v.Prot&PROT_WRITE != 0 && v.Flags&VM_SHARED == 0)
	}
	return v.Start, nil
}

// getUnmappedArea is arch_get_unmapped_area_topdown for an anonymous
// mapping: the hint if it is free, else the highest gap below mmap_base,
// else bottom-up from TASK_UNMAPPED_BASE.
func (as *AddressSpace) getUnmappedArea(hint, length uint64) (uint64, bool) {
	if hint != 0 && hint >= MmapMinAddr && hint <= arch.TaskSize-length && as.gapFree(hint, hint+length) {
		return hint, true
	}
	low := uint64(max(arch.PageSize, MmapMinAddr))
	// Top-down: walk the gaps from the highest VMA below mmap_base.
	high := uint64(arch.MmapBase)
	i := as.findVMA(high)
	for {
		gapEnd := high
		if i < len(as.vmas) {
			gapEnd = min(gapEnd, startGap(&as.vmas[i]))
		}
		gapStart := low
		if i > 0 {
			gapStart = max(gapStart, as.vmas[i-1].End)
		}
		if gapEnd >= gapStart && gapEnd-gapStart >= length {
			return gapEnd - length, true
		}
		if i == 0 {
			break
		}
		i--
		high = as.vmas[i].Start
	}
	// Bottom-up fallback (arch_get_unmapped_area).
	for a := uint64(TaskUnmappedBase); a+length <= arch.TaskSize; {
		j := as.findVMA(a)
		if j == len(as.vmas) || a+length <= startGap(&as.vmas[j]) {
			return a, true
		}
		a = as.vmas[j].End
	}
	return 0, false
}

// gapFree reports whether [start, end) meets no VMA or guard gap.
func (as *AddressSpace) gapFree(start, end uint64) bool {
	i := as.findVMA(start)
	return i == len(as.vmas) || end <= startGap(&as.vmas[i])
}

// Munmap is the munmap system call (mm/mmap.c:do_vmi_munmap).
func (as *AddressSpace) Munmap(addr, length uint64) error {
	if addr&arch.PageMask != 0 || length == 0 || addr > arch.TaskSize || length > arch.TaskSize-addr {
		return EINVAL
	}
	end := addr + arch.PageAlignUp(length)
	as.unmapRange(addr, end)
	as.record(arch.EvUnmap, addr, end-addr, "munmap")
	return nil
}

// unmapRange removes [start, end) from the address space: split the VMAs at
// the ends, zap the pages (frames go back to the buddy allocator), undo the
// accounting and free the page tables between the neighbours
// (unmap_region, free_pgtables).
func (as *AddressSpace) unmapRange(start, end uint64) {
	if !as.overlaps(start, end) {
		return
	}
	as.splitAt(start)
	as.splitAt(end)
	i := as.findVMA(start)
	j := i
	for j < len(as.vmas) && as.vmas[j].Start < end {
		if as.vmas[j].Flags&VM_ACCOUNT != 0 {
			as.cfg.Commit.unacct(as.vmas[j].Pages())
		}
		j++
	}
	as.zap(start, end)
	as.vmas = append(as.vmas[:i], as.vmas[j:]...)
	floor, ceiling := uint64(0), uint64(0)
	if i > 0 {
		floor = as.vmas[i-1].End
	}
	if i < len(as.vmas) {
		ceiling = as.vmas[i].Start
	}
	as.pt.FreeRange(start, end, floor, ceiling)
	as.flushTLB()
}

// zap clears every PTE in [start, end) and frees the frames
// (zap_pte_range): rss drops, tables stay.
func (as *AddressSpace) zap(start, end uint64) {
	for i := as.findVMA(start); i < len(as.vmas) && as.vmas[i].Start < end; i++ {
		as.zapVMA(&as.vmas[i], max(start, as.vmas[i].Start), min(end, as.vmas[i].End))
	}
	as.flushTLB()
}

func (as *AddressSpace) zapVMA(v *VMA, start, end uint64) {
	shared := v.Flags&VM_SHARED != 0
	as.pt.Range(start, end, func(va uint64, pte pgtable.PTE) bool {
		as.pt.Clear(va)
		if pte&pgtable.Special != 0 {
			return true
		}
		pfn := pte.PFN()
		switch {
		case pte&pteFile != 0:
			as.rssFile--
		case shared:
			as.rssShmem--
		default:
			as.rssAnon--
		}
		as.mem.Frame(pfn).Mapcount = 0
		if err := as.pages.FreePages(pfn, 0); err != nil {
			panic("mm: a user frame was refused by the page allocator")
		}
		return true
	})
}

// Mprotect is the mprotect system call (mm/mprotect.c:do_mprotect_pkey,
// mprotect_fixup).
func (as *AddressSpace) Mprotect(addr, length uint64, prot Prot) error {
	if addr&arch.PageMask != 0 || prot&^(PROT_READ|PROT_WRITE|PROT_EXEC) != 0 {
		return EINVAL
	}
	length = arch.PageAlignUp(length)
	end := addr + length
	if end < addr || end > arch.TaskSize {
		return ENOMEM
	}
	if length == 0 {
		return nil
	}
	if !as.covered(addr, end) {
		return ENOMEM
	}
	// Charge first so that a refusal changes nothing.
	var charge uint64
	for i := as.findVMA(addr); i < len(as.vmas) && as.vmas[i].Start < end; i++ {
		v := &as.vmas[i]
		if prot&PROT_WRITE != 0 && v.Flags&(VM_ACCOUNT|VM_SHARED|VM_NORESERVE) == 0 && v.Prot&PROT_WRITE == 0 {
			charge += (min(v.End, end) - max(v.Start, addr)) >> arch.PageShift
		}
	}
	if charge > 0 && !as.cfg.Commit.enough(charge, as.totalVM()) {
		return ENOMEM
	}
	as.splitAt(addr)
	as.splitAt(end)
	for i := as.findVMA(addr); i < len(as.vmas) && as.vmas[i].Start < end; i++ {
		v := &as.vmas[i]
		if prot&PROT_WRITE != 0 && v.Flags&(VM_ACCOUNT|VM_SHARED|VM_NORESERVE) == 0 && v.Prot&PROT_WRITE == 0 {
			v.Flags |= VM_ACCOUNT
		}
		v.Prot = prot
		as.reprotect(v)
	}
	as.mergeRange(addr, end)
	as.flushTLB()
	return nil
}

// reprotect rewrites the PTEs of v for its new protection
// (change_pte_range): own anonymous frames become writable at once when the
// VMA is writable (can_change_pte_writable); zero-page and file pages stay
// read-only until a write fault copies them.
func (as *AddressSpace) reprotect(v *VMA) {
	as.pt.Range(v.Start, v.End, func(va uint64, pte pgtable.PTE) bool {
		own := pte&(pgtable.Special|pteFile) == 0
		n := as.protPTE(v, own) | pte&(pgtable.Dirty|pgtable.Accessed|pteFile|pgtable.Special)
		if !own {
			n &^= pgtable.RW
		}
		as.pt.Set(va, pgtable.Make(pte.PFN(), n))
		return true
	})
}

// covered reports whether [start, end) is mapped without holes.
func (as *AddressSpace) covered(start, end uint64) bool {
	a := start
	for i := as.findVMA(start); a < end; i++ {
		if i == len(as.vmas) || as.vmas[i].Start > a {
			return false
		}
		a = as.vmas[i].End
	}
	return true
}

// Madvise is the madvise system call for the advice the model acts on:
// MADV_DONTNEED drops the pages (the next touch faults in the zero page or
// a fresh frame), MADV_POPULATE_READ/WRITE fault them in; MADV_NORMAL,
// RANDOM, SEQUENTIAL and WILLNEED are accepted without effect.
func (as *AddressSpace) Madvise(addr, length uint64, advice int) error {
	switch advice {
	case MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED, MADV_POPULATE_READ, MADV_POPULATE_WRITE:
	default:
		return EINVAL
	}
	if addr&arch.PageMask != 0 {
		return EINVAL
	}
	end := addr + arch.PageAlignUp(length)
	if end < addr || end > arch.TaskSize {
		return EINVAL
	}
	if end == addr {
		return nil
	}
	var err error
	if !as.covered(addr, end) {
		err = ENOMEM // madvise applies to the mapped parts and reports the hole
	}
	for i := as.findVMA(addr); i < len(as.vmas) && as.vmas[i].Start < end; i++ {
		s, e := max(as.vmas[i].Start, addr), min(as.vmas[i].End, end)
		switch advice {
		case MADV_DONTNEED:
			as.zap(s, e)
		case MADV_POPULATE_READ, MADV_POPULATE_WRITE:
			if as.vmas[i].Prot == PROT_NONE || advice == MADV_POPULATE_WRITE && as.vmas[i].Prot&PROT_WRITE == 0 {
				return EFAULT
			}
			as.populate(s, e, advice == MADV_POPULATE_WRITE)
		}
	}
	if advice == MADV_DONTNEED {
		as.record(arch.EvUnmap, addr, end-addr, "madvise(MADV_DONTNEED)")
	}
	return err
}

// populate faults in every page of [start, end) (populate_vma_page_range);
// the faults count.
func (as *AddressSpace) populate(start, end uint64, write bool) {
	for va := start; va < end; va += arch.PageSize {
		pte := as.pt.Lookup(va)
		if pte.Present() && (!write || pte.Writable()) {
			continue
		}
		if sig := as.handleFault(va, write); sig != nil {
			panic(sig)
		}
	}
}

// Mremap is the mremap system call (mm/mremap.c), for MREMAP_MAYMOVE and
// MREMAP_FIXED; glibc's realloc of an mmapped chunk uses it.
func (as *AddressSpace) Mremap(addr, oldLen, newLen uint64, flags int, newAddr uint64) (uint64, error) {
	if flags&^(MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP) != 0 || addr&arch.PageMask != 0 {
		return 0, EINVAL
	}
	if flags&MREMAP_FIXED != 0 && flags&MREMAP_MAYMOVE == 0 {
		return 0, EINVAL
	}
	if flags&MREMAP_DONTUNMAP != 0 {
		return 0, EINVAL // not modelled: needs MAYMOVE and equal sizes; refused as an unsupported flag
	}
	oldLen, newLen = arch.PageAlignUp(oldLen), arch.PageAlignUp(newLen)
	if newLen == 0 || newLen > arch.TaskSize || oldLen > arch.TaskSize {
		return 0, EINVAL
	}
	if flags&MREMAP_FIXED != 0 {
		if newAddr&arch.PageMask != 0 || newAddr+newLen > arch.TaskSize || newAddr < MmapMinAddr {
			return 0, EINVAL
		}
		if newAddr < addr+oldLen && addr < newAddr+newLen {
			return 0, EINVAL // overlapping ranges
		}
	}
	if flags&MREMAP_FIXED == 0 && oldLen >= newLen {
		// Shrinking in place.
		if oldLen > newLen {
			as.unmapRange(addr+newLen, addr+oldLen)
			as.record(arch.EvUnmap, addr+newLen, oldLen-newLen, "mremap")
		}
		return addr, nil
	}
	v := as.vmaAt(addr)
	if v == nil || v.Start > addr {
		return 0, EFAULT
	}
	if oldLen > v.End-addr {
		return 0, EFAULT
	}
	vcopy := *v // v may move when the VMA slice changes below
	growth := uint64(0)
	if newLen > oldLen {
		growth = (newLen - oldLen) >> arch.PageShift
	}
	// Grow in place when the VMA ends here and the room above is free.
	if flags&MREMAP_FIXED == 0 && vcopy.End == addr+oldLen && as.gapFree(vcopy.End, addr+newLen) && addr+newLen <= arch.TaskSize {
		if vcopy.Flags&VM_ACCOUNT != 0 && !as.cfg.Commit.enough(growth, as.totalVM()) {
			return 0, ENOMEM
		}
		i := as.findVMA(addr)
		as.vmas[i].End = addr + newLen
		as.mergeAround(i)
		as.record(arch.EvMap, addr+oldLen, newLen-oldLen, "mremap")
		return addr, nil
	}
	if flags&MREMAP_MAYMOVE == 0 {
		return 0, ENOMEM
	}
	if vcopy.Flags&VM_ACCOUNT != 0 && growth > 0 && !as.cfg.Commit.enough(growth, as.totalVM()) {
		return 0, ENOMEM
	}
	dst := newAddr
	if flags&MREMAP_FIXED != 0 {
		as.unmapRange(dst, dst+newLen)
	} else {
		var ok bool
		if dst, ok = as.getUnmappedArea(0, newLen); !ok {
			if vcopy.Flags&VM_ACCOUNT != 0 {
				as.cfg.Commit.unacct(growth)
			}
			return 0, ENOMEM
		}
	}
	// move_vma: a new VMA, the page-table entries moved, the old range unmapped.
	nv := vcopy
	nv.Start, nv.End = dst, dst+newLen
	if nv.Flags&VM_FILE != 0 {
		nv.Offset += addr - vcopy.Start
	}
	moveLen := min(oldLen, newLen)
	type moved struct {
		off uint64
		pte pgtable.PTE
	}
	var ptes []moved
	as.pt.Range(addr, addr+moveLen, func(va uint64, pte pgtable.PTE) bool {
		ptes = append(ptes, moved{va - addr, pte})
		as.pt.Clear(va)
		return true
	})
	// The old range's pages are gone from it now; unmapRange only drops the
	// VMA and its accounting (the moved charge stays with the new VMA).
	if vcopy.Flags&VM_ACCOUNT != 0 {
		as.cfg.Commit.Committed += oldLen >> arch.PageShift
	}
	as.unmapRange(addr, addr+oldLen)
	as.insert(nv)
	for _, m := range ptes {
		if err := as.pt.Set(dst+m.off, m.pte); err != nil {
			panic(as.oom(dst + m.off))
		}
	}
	as.flushTLB()
	as.record(arch.EvMap, dst, newLen, "mremap")
	return dst, nil
}
