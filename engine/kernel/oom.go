package kernel

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

// The OOM killer (mm/oom_kill.c, 6.1), as the page allocator's slow path
// calls it (mm/page_alloc.c:__alloc_pages_may_oom): package buddy calls
// OutOfMemory when a request failed even at the min watermark and the
// kernel would now call the killer — it may sleep (__GFP_DIRECT_RECLAIM),
// its order is at most PAGE_ALLOC_COSTLY_ORDER (3), it has no
// __GFP_NORETRY, __GFP_RETRY_MAYFAIL or __GFP_THISNODE, and its highest
// zone is Normal or above (so GFP_DMA and GFP_DMA32 never kill). Reclaim
// is simulated: mmplay has no page cache and no swap, so it never frees
// anything, and the killer is called at once.
//
//  1. The current task already has a fatal signal pending (it is the
//     victim, still in the kernel): task_will_free_mem(current) — nothing
//     printed, no retry; the request fails (warn_alloc unless
//     __GFP_NOWARN).
//  2. select_bad_process: the tasks with an mm that are not init or
//     kernel threads, scored by oom_badness = rss + swap entries +
//     pgtables_bytes/4096 (oom_score_adj 0). mmplay's machine has one
//     such task: the one running the snippet — insmod (pid 614) while a
//     module's init runs, with a modelled mm (insmodMM), and the program
//     (pid 4242) during its system calls and page faults, whose mm is the
//     machine's one user address space (AttachUser).
//  3. dump_header: "<comm> invoked oom-killer: gfp_mask=%#x(%pGg),
//     order=%d, oom_score_adj=%hd", dump_stack, the Mem-Info block
//     (show_mem: mmplay's simplified one, see showMem), the task table
//     (dump_tasks), the summary line (dump_oom_summary). Left out:
//     dump_unreclaimable_slab's table (printed when unreclaimable slab
//     exceeds the LRU pages).
//  4. __oom_kill_process: SIGKILL to the victim, "Out of memory: Killed
//     process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB,
//     shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd" (pr_err).
//     The victim may then take pages down to half the min watermark
//     (ALLOC_OOM, OOMReserves); buddy retries the request once.
//  5. No task to kill: dump_header without a victim, "Out of memory and
//     no killable processes...", and panic("System is deadlocked on
//     memory"): the machine stops; the run ends as a kill.
//
// The SIGKILL is delivered when the victim returns to user mode
// (ReturnToUser): after its module init, its system call or its page
// fault. Kernel code goes on until then: a module's loop sees its next
// allocations fail. Killing a process frees none of the kernel memory a
// module holds. The oom_reaper thread is not modelled (the victim exits
// at once here). Linux 2.0 had no OOM killer for kernel allocations:
// kernel=2.0 does not install it.

// oomTask is a task the OOM killer can see: its identity and its mm's
// counters (pages; pgtables in bytes).
type oomTask struct {
	Task
	totalVM, anon, file, shmem, pgtablesBytes uint64
}

// OOMCounters is what the OOM killer reads of a task's mm
// (get_mm_counter, mm->total_vm, mm_pgtables_bytes); the user memory
// given to AttachUser implements it to be killable.
type OOMCounters interface {
	OOMCounters() (totalVM, anon, file, shmem, pgtablesBytes uint64)
}

// FatalSignalPending is fatal_signal_pending(current): the OOM killer has
// sent the current task SIGKILL and it has not returned to user mode yet.
func (k *Kernel) FatalSignalPending() bool {
	return k.oomVictim != nil && k.oomVictim.PID == k.current.PID
}

// OOMReserves is buddy.OOMKiller's: the current task is an OOM victim
// outside interrupt context (oom_reserves_allowed via
// __gfp_pfmemalloc_flags), so its retries get ALLOC_OOM.
func (k *Kernel) OOMReserves() bool { return k.FatalSignalPending() && k.InInterrupt() == 0 }

// ReturnToUser is the return of the current task to user mode: a pending
// SIGKILL from the OOM killer ends it there (it panics with
// *arch.Signal). Call it where a system call, a module load or a page
// fault returns.
func (k *Kernel) ReturnToUser() {
	if sig := k.TakeFatalSignal(); sig != nil {
		panic(sig)
	}
}

// TakeFatalSignal delivers the current task's pending SIGKILL, if any:
// it returns the signal that ends the task (nil: none pending). Package
// mm's fault path calls it as the fault returns to user mode.
func (k *Kernel) TakeFatalSignal() *arch.Signal {
	if !k.FatalSignalPending() {
		return nil
	}
	v := *k.oomVictim
	k.oomVictim = nil
	k.ctx = contextState{}
	return &arch.Signal{Signo: arch.SIGKILL,
		Reason: fmt.Sprintf("the OOM killer killed %s (pid %d); the SIGKILL ends it as it returns to user mode", v.Comm, v.PID)}
}

// insmodMM is the mm of insmod while a module loads: the reference
// guest's insmod is busybox's applet (a static binary in its initramfs),
// and mmplay gives it a fixed, modelled mm of that size — about 2 MiB of
// mapped binary, heap, stack and vdso, a few hundred kB resident, six
// page-table pages. Not measured.
var insmodMM = oomTask{totalVM: 516, anon: 26, file: 91, shmem: 0, pgtablesBytes: 6 << arch.PageShift}

// candidate returns the task the OOM killer may kill, if any.
func (k *Kernel) candidate() (oomTask, bool) {
	if k.current.PID <= 1 { // the idle task and init (is_global_init) are never chosen
		return oomTask{}, false
	}
	if k.current.Comm == "insmod" {
		t := insmodMM
		t.Task = k.current
		return t, true
	}
	c, ok := k.user.(OOMCounters)
	if !ok || k.user == nil {
		return oomTask{}, false
	}
	t := oomTask{Task: k.current}
	t.totalVM, t.anon, t.file, t.shmem, t.pgtablesBytes = c.OOMCounters()
	return t, true
}

// OutOfMemory is buddy.OOMKiller's out_of_memory (steps 1–5 above). It
// reports whether the request should be retried.
func (k *Kernel) OutOfMemory(gfp buddy.GFP, order int) bool {
	if k.cfg.Kernel == "2.0" {
		return false
	}
	if k.FatalSignalPending() {
		return false // step 1
	}
	victim, ok := k.candidate()
	k.oomDumpHeader(gfp, order, victim, ok)
	K := func(pages uint64) uint64 { return pages << (arch.PageShift - 10) }
	if !ok {
		// out_of_memory: "Found nothing?!?!"
		k.pr(LogWarning, "Out of memory and no killable processes...")
		k.pr(LogEmerg, "Kernel panic - not syncing: System is deadlocked on memory")
		k.pr(LogEmerg, "---[ end Kernel panic - not syncing: System is deadlocked on memory ]---")
		title := "Out of memory and no killable processes..."
		k.record(arch.Event{Kind: arch.EvBug, Order: order, Detail: title})
		k.report("oom", title, k.oomExplain(gfp, order, "")+
			" Here no task can be killed (only the idle task and init exist, and the killer never picks them), so the kernel panics: \"System is deadlocked on memory\". The machine stops.")
		k.ctx = contextState{}
		panic(&arch.Signal{Signo: arch.SIGKILL, Reason: "kernel panic: out of memory and no killable process"})
	}
	// __oom_kill_process
	title := fmt.Sprintf("Out of memory: Killed process %d (%s) total-vm:%dkB, anon-rss:%dkB, file-rss:%dkB, shmem-rss:%dkB, UID:%d pgtables:%dkB oom_score_adj:%d",
		victim.PID, victim.Comm, K(victim.totalVM), K(victim.anon), K(victim.file), K(victim.shmem), 0, victim.pgtablesBytes>>10, 0)
	k.pr(LogErr, "%s", title)
	v := victim.Task
	k.oomVictim = &v
	k.oomKills++
	k.record(arch.Event{Kind: arch.EvBug, Order: order, Detail: title})
	badness := victim.anon + victim.file + victim.shmem + victim.pgtablesBytes/arch.PageSize
	k.report("oom", fmt.Sprintf("%s invoked oom-killer: gfp_mask=%#x(%s), order=%d", k.current.Comm, uint32(gfp), GFPNames(gfp), order),
		k.oomExplain(gfp, order, fmt.Sprintf(" It killed %s (pid %d, badness %s: its RSS plus page tables), the only user process on mmplay's machine. "+
			"The victim gets SIGKILL, which ends it when it returns to user mode; until then its allocations may dig into half of the min watermark (ALLOC_OOM) so that it can exit, and after that they fail.%s",
			v.Comm, v.PID, arch.Count(badness, "page"), map[bool]string{true: " Killing a process frees none of the kernel memory a module holds.",
				false: " Its memory is given back when it exits."}[k.module != nil])))
	return true
}

// oomExplain is the first part of the OOM reports' explanation.
func (k *Kernel) oomExplain(gfp buddy.GFP, order int, rest string) string {
	return fmt.Sprintf("The page allocator could not satisfy a %s request of order %d (%d KiB) even at the min watermark, and reclaim found nothing to free: "+
		"mmplay's reclaim is simulated, with no page cache and no swap, so it never frees anything. "+
		"A request that may sleep and is small (order 3 or less) then calls the OOM killer, which kills the process with the highest badness.",
		GFPNames(gfp), order, 4<<order) + rest +
		" The Mem-Info block in the log is mmplay's simplified show_mem: no page cache, LRU lists or swap (those counters print 0), and the unreclaimable-slab table is left out."
}

// oomDumpHeader is dump_header (and, with a victim, dump_tasks and
// dump_oom_summary), mm/oom_kill.c.
func (k *Kernel) oomDumpHeader(gfp buddy.GFP, order int, victim oomTask, ok bool) {
	k.pr(LogWarning, "%s invoked oom-killer: gfp_mask=%#x(%s), order=%d, oom_score_adj=%d",
		k.current.Comm, uint32(gfp), GFPNames(gfp), order, 0)
	frames := []string{"dump_header+0x4a/0x211"}
	if ok {
		frames = append(frames, "oom_kill_process.cold+0xb/0x10")
	}
	frames = append(frames, "out_of_memory+0x1ed/0x4e0", "__alloc_pages_slowpath.constprop.0+0xc9b/0xd00", "__alloc_pages+0x2fd/0x330")
	if k.module != nil || k.ctx.preempt&hardirqMask != 0 {
		k.dumpStack(LogWarning, k.allocFrames(frames...)...) // module code asked: the API, its function, then how the task entered
	} else {
		// a user page fault (modelled frames; the user registers that end
		// the real trace are not printed)
		k.pr(LogWarning, "CPU: 0 PID: %d Comm: %s %s %s %s%s", k.current.PID, k.current.Comm, k.Tainted(), utsRelease, utsVersion, debianSuffix)
		k.pr(LogWarning, "Hardware name: %s", hardwareName)
		k.pr(LogWarning, "Call Trace:")
		k.pr(LogWarning, " <TASK>")
		for _, f := range append(append([]string{"dump_stack_lvl+0x44/0x5c"}, frames...),
			"__folio_alloc+0x16/0x50", "vma_alloc_folio+0x9a/0x3a0", "__handle_mm_fault+0xa6a/0xf70", "handle_mm_fault+0xdb/0x2d0",
			"do_user_addr_fault+0x1a2/0x5f0", "exc_page_fault+0x70/0x170", "asm_exc_page_fault+0x22/0x30") {
			k.pr(LogWarning, " %s", f)
		}
		k.pr(LogWarning, " </TASK>")
	}
	k.showMem(k.Pages.GFPZone(gfp))
	// dump_tasks (sysctl_oom_dump_tasks = 1): init and kernel threads are
	// not listed (oom_unkillable_task)
	k.pr(LogInfo, "Tasks state (memory values in pages):")
	k.pr(LogInfo, "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name")
	if !ok {
		return
	}
	k.pr(LogInfo, "[%7d] %5d %5d %8d %8d %8d %8d         %5d %s", victim.PID, 0, victim.PID, victim.totalVM,
		victim.anon+victim.file+victim.shmem, victim.pgtablesBytes, 0, 0, victim.Comm)
	// dump_oom_summary, with cpuset_print_current_mems_allowed and
	// mem_cgroup_print_oom_context (memcg NULL: ",global_oom"); the tasks
	// sit in the root cgroup of the reference guest's initramfs
	k.pr(LogInfo, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=%s,pid=%d,uid=%d",
		victim.Comm, victim.PID, 0)
}
