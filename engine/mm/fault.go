package mm

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/pgtable"
	"mmplay/engine/phys"
)

// pteFile marks a PTE that maps a file page (MM_FILEPAGES). It is x86's
// second software bit (_PAGE_BIT_SOFTW2, bit 10); the kernel tells file
// pages by page->mapping instead, which the model does not have.
const pteFile pgtable.PTE = 1 << 10

// protPTE returns the PTE flags for a page of v (vm_get_page_prot with
// x86's protection_map): user, present, accessed; NX unless PROT_EXEC; RW
// when writable is asked and the VMA allows writes.
func (as *AddressSpace) protPTE(v *VMA, writable bool) pgtable.PTE {
	f := pgtable.Present | pgtable.User | pgtable.Accessed
	if v.Prot&PROT_EXEC == 0 {
		f |= pgtable.NX
	}
	if writable && v.Prot&PROT_WRITE != 0 {
		f |= pgtable.RW
	}
	return f
}

// setPTE installs a PTE; a page-table allocation failure is an OOM kill.
func (as *AddressSpace) setPTE(va uint64, pte pgtable.PTE, pfn uint64) *arch.Signal {
	if err := as.pt.Set(va, pte); err != nil {
		if pfn != as.mem.ZeroPFN() {
			as.mem.Frame(pfn).Mapcount = 0
			as.pages.FreePages(pfn, 0)
		}
		return as.oom(va)
	}
	if pfn != as.mem.ZeroPFN() {
		as.mem.Frame(pfn).Mapcount = 1
	}
	return nil
}

// allocUserFrame takes a zeroed frame for a user page
// (alloc_zeroed_user_highpage_movable: GFP_HIGHUSER_MOVABLE | __GFP_ZERO).
func (as *AddressSpace) allocUserFrame(va uint64, owner phys.Owner) (uint64, *arch.Signal) {
	pfn, err := as.pages.AllocPages(buddy.GFP_HIGHUSER_MOVABLE|buddy.GFP__ZERO, 0, owner)
	if err != nil {
		return 0, as.oom(va)
	}
	return pfn, nil
}

// oom is the end of a fault whose allocation failed. With the kernel's
// OOM killer (Config.FatalSignal) the page allocator has already called
// it, and it has chosen this process: the pending SIGKILL is delivered.
// Without one, this is pagefault_out_of_memory → out_of_memory with this
// process as the only candidate: it is killed with SIGKILL, and the event
// carries the kernel's message (mm/oom_kill.c:__oom_kill_process; facts
// §9.3).
func (as *AddressSpace) oom(va uint64) *arch.Signal {
	if as.cfg.FatalSignal != nil {
		if sig := as.cfg.FatalSignal(); sig != nil {
			sig.Addr = va
			return sig
		}
	}
	if as.rec != nil {
		_, anon, file, shmem, pgtables := as.OOMCounters()
		msg := fmt.Sprintf("Out of memory: Killed process %d (%s) total-vm:%dkB, anon-rss:%dkB, file-rss:%dkB, shmem-rss:%dkB, UID:%d pgtables:%dkB oom_score_adj:%d",
			as.cfg.PID, as.cfg.Comm, as.totalVM()*4, anon*4, file*4, shmem*4, 0, pgtables>>10, 0)
		as.rec.Record(arch.Event{Kind: arch.EvBug, Source: "mm", Addr: va, Detail: msg})
	}
	return &arch.Signal{Signo: arch.SIGKILL, Addr: va,
		Reason: "out of memory: the page fault could not get a page frame, and the OOM killer chose this process"}
}

// segv builds the SIGSEGV of a bad access with a plain-words reason.
func segv(addr uint64, code int, reason string) *arch.Signal {
	return &arch.Signal{Signo: arch.SIGSEGV, Code: code, Addr: addr, Reason: reason}
}

func (as *AddressSpace) mapErr(addr uint64) *arch.Signal {
	switch {
	case addr < arch.PageSize:
		return segv(addr, arch.SEGV_MAPERR, "NULL pointer dereference")
	case addr >= arch.TaskSize:
		return segv(addr, arch.SEGV_MAPERR, "access to a kernel address from user space")
	}
	return segv(addr, arch.SEGV_MAPERR, "access to unmapped memory")
}

// HandleUserFault handles a page fault at addr (steps 1–7 of the package
// comment). It returns nil when the access can be retried, or the signal
// that kills the process; it never panics.
func (as *AddressSpace) HandleUserFault(addr uint64, write bool) *arch.Signal {
	return as.handleFault(addr, write)
}

func (as *AddressSpace) handleFault(addr uint64, write bool) *arch.Signal {
	sig := as.doFault(addr, write)
	if sig == nil && as.cfg.FatalSignal != nil {
		// the fault returns to user mode: a SIGKILL the OOM killer sent
		// while this fault allocated ends the process now
		sig = as.cfg.FatalSignal()
	}
	return sig
}

func (as *AddressSpace) doFault(addr uint64, write bool) *arch.Signal {
	if addr >= arch.TaskSize {
		return as.mapErr(addr)
	}
	// Step 1: find_vma.
	i := as.findVMA(addr)
	if i == len(as.vmas) {
		return as.mapErr(addr)
	}
	v := &as.vmas[i]
	if v.Start > addr {
		// Step 2: expand_stack.
		if v.Flags&VM_GROWSDOWN == 0 {
			return as.mapErr(addr)
		}
		if sig := as.expandStack(i, addr); sig != nil {
			return sig
		}
		v = &as.vmas[as.findVMA(addr)]
	}
	// Step 3: access_error.
	if write && v.Prot&PROT_WRITE == 0 {
		return segv(addr, arch.SEGV_ACCERR, "write to read-only memory")
	}
	if v.Prot == PROT_NONE {
		return segv(addr, arch.SEGV_ACCERR, "access to PROT_NONE memory")
	}
	va := addr &^ arch.PageMask
	pte := as.pt.Lookup(va)
	switch {
	case !pte.Present() && !write && v.Flags&VM_SHARED == 0:
		// Step 4: the zero page.
		if sig := as.setPTE(va, pgtable.Make(as.mem.ZeroPFN(), as.protPTE(v, false)|pgtable.Special), as.mem.ZeroPFN()); sig != nil {
			return sig
		}
		as.minFlt++
		as.record(arch.EvFault, va, arch.PageSize, "zero page")
	case !pte.Present():
		// Step 5: a new zeroed frame.
		pfn, sig := as.allocUserFrame(va, phys.OwnerUserAnon)
		if sig != nil {
			return sig
		}
		f := as.protPTE(v, true)
		if write {
			f |= pgtable.Dirty
		}
		if sig := as.setPTE(va, pgtable.Make(pfn, f), pfn); sig != nil {
			return sig
		}
		if v.Flags&VM_SHARED != 0 {
			as.rssShmem++
		} else {
			as.rssAnon++
		}
		as.minFlt++
		as.record(arch.EvFault, va, arch.PageSize, "new frame")
	case write && !pte.Writable():
		// Step 6: do_wp_page.
		if pte&(pgtable.Special|pteFile) != 0 {
			pfn, sig := as.allocUserFrame(va, phys.OwnerUserAnon)
			if sig != nil {
				return sig
			}
			old := pte.PFN()
			if pte&pteFile != 0 {
				as.mem.CopyFrame(pfn, old)
			}
			if sig := as.setPTE(va, pgtable.Make(pfn, as.protPTE(v, true)|pgtable.Dirty), pfn); sig != nil {
				return sig
			}
			if pte&pteFile != 0 {
				as.rssFile--
				as.mem.Frame(old).Mapcount = 0
				as.pages.FreePages(old, 0)
			}
			as.rssAnon++
			as.record(arch.EvFault, va, arch.PageSize, "cow")
		} else {
			as.pt.Set(va, pte|pgtable.RW|pgtable.Dirty)
			as.record(arch.EvFault, va, arch.PageSize, "write-protect reuse")
		}
		as.minFlt++
		as.flushPage(va)
	}
	return nil
}

// expandStack is expand_downwards + acct_stack_growth for the stack VMA
// vmas[i] and a fault at addr below it.
func (as *AddressSpace) expandStack(i int, addr uint64) *arch.Signal {
	v := &as.vmas[i]
	newStart := addr &^ arch.PageMask
	if newStart < MmapMinAddr {
		return as.mapErr(addr)
	}
	// A fault far below anything a stack could reach is a plain bad
	// address, though the kernel tries (and fails) to grow the stack for it.
	far := v.End-newStart > arch.StackRlimit+arch.StackGuardGap
	if i > 0 {
		prev := &as.vmas[i-1]
		if prev.Flags&VM_GROWSDOWN == 0 && prev.Prot != PROT_NONE && newStart-prev.End < arch.StackGuardGap {
			if far {
				return as.mapErr(addr)
			}
			return segv(addr, arch.SEGV_MAPERR, "stack overflow: the stack ran into the guard gap above another mapping")
		}
	}
	if v.End-newStart > arch.StackRlimit {
		if far {
			return as.mapErr(addr)
		}
		return segv(addr, arch.SEGV_MAPERR, "stack overflow: the stack would grow beyond RLIMIT_STACK (8 MiB)")
	}
	grow := (v.Start - newStart) >> arch.PageShift
	if v.Flags&VM_ACCOUNT != 0 && !as.cfg.Commit.enough(grow, as.totalVM()) {
		return segv(addr, arch.SEGV_MAPERR, "stack overflow: no memory to grow the stack")
	}
	v.Start = newStart
	as.record(arch.EvMap, newStart, grow<<arch.PageShift, "stack growth")
	return nil
}
