package kernel

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/slab"
)

// How a kernel crash ends (arch/x86/kernel/dumpstack.c, 6.1): __die
// prints the header "<str>: <err> [#<n>] PREEMPT SMP NOPTI"
// (__die_header), the task line, the RIP, the call trace (show_regs) and
// the module list (print_modules); oops_end taints D, prints the end
// marker (oops_exit) and then
//
//   - in_interrupt() (a hard IRQ, a softirq, or softirqs disabled by
//     spin_lock_bh): panic("Fatal exception in interrupt") — the machine
//     stops;
//   - otherwise the task dies with the signal die() chose:
//     rewind_stack_and_make_dead(SIGSEGV) for a trap such as BUG's
//     invalid opcode, SIGKILL for a kernel page fault (page_fault_oops).
//
// mmplay ends the run either way: the panic is a machine that stops, which
// the engine reports as the snippet's end by SIGKILL (the shell of a real
// machine would get no status at all). The register dump, the "Code:"
// bytes and oops_end's executive summary are not printed (mmplay has no
// registers).

// dieReport is one crash to print and end on.
type dieReport struct {
	pre     []string // lines before the header (page fault: show_fault_oops; BUG: the cut line and "kernel BUG at")
	str     string   // __die_header's str: "Oops" or "invalid opcode"
	err     int      // the error code, printed %04lx
	rip     string   // the function the CPU stopped in, with offsets
	frames  []string // kernel frames above RIP in the trace, innermost first
	caller  bool     // the snippet's function is a frame of the trace (RIP is in a kernel function it called)
	cr2     bool     // print "CR2: <addr>" after the module list (page faults)
	addr    uint64   // the faulting address (CR2, the signal's address)
	signo   int      // die's signal when not in interrupt
	title   string   // the report title (the first line that matters)
	reason  string   // the signal's plain-words reason
	explain string   // the report's explanation
}

// die prints d and ends the task (or the machine). It does not return: it
// panics with *arch.Signal.
func (k *Kernel) die(d dieReport) {
	for _, l := range d.pre {
		k.pr(LogAlert, "%s", l)
	}
	k.oopsCount++
	k.pr(LogWarning, "%s: %04x [#%d] PREEMPT SMP NOPTI", d.str, d.err, k.oopsCount)
	k.pr(LogWarning, "CPU: 0 PID: %d Comm: %s %s %s %s%s", k.current.PID, k.current.Comm, k.Tainted(), utsRelease, utsVersion, debianSuffix)
	k.pr(LogWarning, "Hardware name: %s", hardwareName)
	k.pr(LogWarning, "RIP: 0010:%s", d.rip)
	k.pr(LogWarning, "Call Trace:")
	k.callTrace(LogWarning, d.frames, d.caller)
	k.pr(LogWarning, "%s", k.modulesLinkedIn())
	if d.cr2 {
		k.pr(LogWarning, "CR2: %016x", d.addr)
	}
	k.pr(LogWarning, "---[ end trace 0000000000000000 ]---")
	k.AddTaint(TaintDie)
	k.record(arch.Event{Kind: arch.EvBug, Addr: d.addr, Detail: d.title})
	expl := d.explain
	signo := d.signo
	if k.InInterrupt() != 0 {
		// oops_end: if (in_interrupt()) panic("Fatal exception in interrupt");
		// panic() prints "Kernel panic - not syncing: %s" and, at its end,
		// "---[ end Kernel panic - not syncing: %s ]---" (kernel/panic.c).
		k.pr(LogEmerg, "Kernel panic - not syncing: Fatal exception in interrupt")
		k.pr(LogEmerg, "---[ end Kernel panic - not syncing: Fatal exception in interrupt ]---")
		if k.InHardirq() != 0 {
			expl += " It happened in an interrupt handler, where there is no task to kill: the kernel panics and the machine stops."
		} else {
			expl += " It happened with softirqs disabled (spin_lock_bh), which in_interrupt() counts as interrupt context: the kernel panics and the machine stops."
		}
		signo = arch.SIGKILL // the machine stopped; mmplay ends the run as a kill
	}
	k.report("oops", d.title, expl)
	k.ctx = contextState{} // the dying task's locks and preempt count die with it
	panic(&arch.Signal{Signo: signo, Addr: d.addr, Reason: d.reason})
}

// bug is BUG()/BUG_ON() at site (file:line) with RIP in fn: report_bug
// prints the cut line and "kernel BUG at %s:%u!" (lib/bug.c), the ud2
// trap becomes die("invalid opcode", regs, 0) (arch/x86/kernel/traps.c:
// handle_invalid_op), and the task dies with SIGSEGV, or the machine
// panics in interrupt context. frames are the kernel functions between fn
// and the snippet's function.
func (k *Kernel) bug(site, fn string, frames []string, explain string) {
	title := "kernel BUG at " + site + "!"
	k.die(dieReport{
		pre:     []string{"------------[ cut here ]------------", title},
		str:     "invalid opcode",
		rip:     fn,
		frames:  frames,
		caller:  true,
		signo:   arch.SIGSEGV,
		title:   title,
		reason:  "kernel BUG: " + site,
		explain: "kernel BUG: " + explain,
	})
}

// showBug prints a slab or vmalloc Problem of kind Bug.
func (k *Kernel) showBug(p *slab.Problem) {
	k.bug(p.Site, p.Func, p.Frames, p.Explain)
}

// oopsAccess is the page-fault Oops (see Oops) with its #PF lines.
func (k *Kernel) oopsAccess(title string, addr uint64, errCode int, access string, explain string) {
	write := errCode&2 != 0
	pre := []string{title,
		fmt.Sprintf("#PF: supervisor %s in kernel mode", access),
		fmt.Sprintf("#PF: error_code(0x%04x) - not-present page", errCode)}
	if addr < 1<<39 {
		pre = append(pre, "PGD 0 P4D 0 ")
	}
	reason := fmt.Sprintf("kernel Oops: the kernel code %s address %#x, which nothing maps", map[bool]string{true: "wrote to", false: "read from"}[write], addr)
	if explain != "" {
		reason = "kernel Oops: " + explain
	}
	expl := reason + ". A kernel access to an unmapped address cannot be fixed up: the kernel prints an Oops and kills the task that was running the code (make_task_dead with SIGKILL)."
	switch {
	case addr < arch.PageSize:
		expl += " The address is in the first page: a NULL pointer (or a field of a struct reached through one) was dereferenced."
	case addr < arch.TaskSize:
		expl += " It is a user-space address: kernel code must use copy_from_user/copy_to_user, never dereference a __user pointer (SMAP makes that fault)."
	case addr >= VmallocStart && addr <= VmallocEnd:
		expl += " It is in the vmalloc range but not inside a mapped area: past the end of a vmalloc buffer (into its guard page), or after vfree."
	}
	k.die(dieReport{pre: pre, str: "Oops", err: errCode, rip: k.callerSym(), cr2: true, addr: addr,
		signo: arch.SIGKILL, title: title, reason: reason, explain: expl})
}
