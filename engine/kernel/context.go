package kernel

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

// preempt_count layout (include/linux/preempt.h): PREEMPT bits 0-7,
// SOFTIRQ 8-15, HARDIRQ 16-19, NMI 20-23.
const (
	preemptMask           = 0x000000ff
	softirqMask           = 0x0000ff00
	hardirqMask           = 0x000f0000
	nmiMask               = 0x00f00000
	softirqDisableOffset  = 2 * SoftirqOffset // SOFTIRQ_DISABLE_OFFSET
	x86EflagsIF           = 0x200             // X86_EFLAGS_IF
	savedFlagsIRQsOn      = 0x246             // a typical EFLAGS with IF set (IF|ZF|PF|reserved bit 1)
	savedFlagsIRQsOff     = savedFlagsIRQsOn &^ x86EflagsIF
	irqfShared            = 0x80 // IRQF_SHARED (include/linux/interrupt.h)
	nrIRQs                = 256  // nr_irqs, modelled for a small VM
	irqNone, irqHandled   = 0, 1 // IRQ_NONE, IRQ_HANDLED
	mightAllocFile        = "include/linux/sched/mm.h"
	mightAllocLine        = 274 // might_alloc in 6.1 (facts §4, seen in real 6.1 logs)
	lockPlain, lockIRQ    = 0, 1
	lockIRQSave, lockBH   = 2, 3
	preemptDisableExplict = 4 // a preempt_disable() entry on the held stack
)

// heldLock is one entry of the context stack: a spinlock taken in one of
// its forms, or a bare preempt_disable().
type heldLock struct {
	addr uint64
	kind int
}

// contextState is the CPU's context: preempt_count, the IF flag, the held
// locks and the interrupts raised while IRQs were off.
//
// Invariant: the PREEMPT bits of preempt equal the number of held entries
// other than bh ones, the SOFTIRQ bits 2×(bh entries), and irqsDisabled is
// set whenever an irq/irqsave entry is held (it may also be set by
// local_irq_disable alone).
type contextState struct {
	preempt      uint32
	irqsDisabled bool
	held         []heldLock
	pending      []int // IRQ lines raised while IRQs were disabled
}

func (c *contextState) check() error {
	var p, s uint32
	irq := false
	for _, h := range c.held {
		if h.kind == lockBH {
			s += softirqDisableOffset
		} else {
			p++
		}
		if h.kind == lockIRQ || h.kind == lockIRQSave {
			irq = true
		}
	}
	if c.preempt&preemptMask != p || c.preempt&softirqMask != s {
		return fmt.Errorf("kernel: preempt_count %#x with %d held entries", c.preempt, len(c.held))
	}
	if irq && !c.irqsDisabled {
		return fmt.Errorf("kernel: an irq-disabling lock is held with IRQs on")
	}
	return nil
}

// PreemptCount is preempt_count().
func (k *Kernel) PreemptCount() uint32 { return k.ctx.preempt }

// InAtomic is in_atomic(): preempt_count() != 0.
func (k *Kernel) InAtomic() bool { return k.ctx.preempt != 0 }

// InInterrupt is in_interrupt(): the NMI, hard-IRQ and soft-IRQ bits of
// preempt_count (the macro's value, not a boolean).
func (k *Kernel) InInterrupt() uint32 { return k.ctx.preempt & (nmiMask | hardirqMask | softirqMask) }

// InHardirq is in_hardirq() (in_irq()).
func (k *Kernel) InHardirq() uint32 { return k.ctx.preempt & hardirqMask }

// IRQsDisabled is irqs_disabled().
func (k *Kernel) IRQsDisabled() bool { return k.ctx.irqsDisabled }

// SpinLock is spin_lock(lock): preempt_disable() and take the lock.
func (k *Kernel) SpinLock(lock uint64) { k.lock(lock, lockPlain) }

// SpinLockIRQ is spin_lock_irq(lock).
func (k *Kernel) SpinLockIRQ(lock uint64) { k.ctx.irqsDisabled = true; k.lock(lock, lockIRQ) }

// SpinLockBH is spin_lock_bh(lock): softirqs off (SOFTIRQ_DISABLE_OFFSET).
func (k *Kernel) SpinLockBH(lock uint64) { k.lock(lock, lockBH) }

// SpinLockIRQSave is spin_lock_irqsave(lock, flags): it returns the flags
// value the macro stores (the saved EFLAGS: IF set when IRQs were on).
func (k *Kernel) SpinLockIRQSave(lock uint64) uint64 {
	flags := k.LocalIRQSave()
	k.lock(lock, lockIRQSave)
	return flags
}

func (k *Kernel) lock(lock uint64, kind int) {
	for _, h := range k.ctx.held {
		if h.addr == lock && h.kind != preemptDisableExplict {
			// One CPU spinning on a lock it holds never gets it: the
			// real machine hangs here (a soft lockup after 20 s). The
			// model reports it and goes on as if the lock were taken.
			k.report("deadlock", fmt.Sprintf("spinlock recursion on lock %#x", lock),
				"This code takes a spinlock it already holds. On a real machine the CPU spins for ever "+
					"waiting for itself (the watchdog later prints a soft lockup). mmplay goes on as if the lock were free.")
			break
		}
	}
	k.ctx.held = append(k.ctx.held, heldLock{lock, kind})
	if kind == lockBH {
		k.ctx.preempt += softirqDisableOffset
	} else {
		k.ctx.preempt++
	}
}

// unlock releases the innermost hold of lock of the given kind; it
// reports an unlock of a lock that is not held and changes nothing then.
func (k *Kernel) unlock(lock uint64, kind int) bool {
	for i := len(k.ctx.held) - 1; i >= 0; i-- {
		h := k.ctx.held[i]
		if h.addr == lock && h.kind == kind {
			k.ctx.held = append(k.ctx.held[:i], k.ctx.held[i+1:]...)
			if kind == lockBH {
				k.ctx.preempt -= softirqDisableOffset
			} else {
				k.ctx.preempt--
			}
			return true
		}
	}
	k.report("bad-unlock", fmt.Sprintf("unlock of a spinlock that is not held (%#x)", lock),
		"This code releases a spinlock it does not hold (or releases it with the wrong unlock form). "+
			"The real kernel would corrupt preempt_count or the lock; mmplay ignores the unlock.")
	return false
}

// SpinUnlock is spin_unlock(lock).
func (k *Kernel) SpinUnlock(lock uint64) { k.unlock(lock, lockPlain) }

// SpinUnlockBH is spin_unlock_bh(lock).
func (k *Kernel) SpinUnlockBH(lock uint64) { k.unlock(lock, lockBH) }

// SpinUnlockIRQ is spin_unlock_irq(lock): IRQs back on.
func (k *Kernel) SpinUnlockIRQ(lock uint64) {
	if k.unlock(lock, lockIRQ) {
		k.LocalIRQEnable()
	}
}

// SpinUnlockIRQRestore is spin_unlock_irqrestore(lock, flags).
func (k *Kernel) SpinUnlockIRQRestore(lock, flags uint64) {
	if k.unlock(lock, lockIRQSave) {
		k.LocalIRQRestore(flags)
	}
}

// SpinLockInit is spin_lock_init(lock). Initialising a held lock forgets
// nothing here (the real one would leave the holder's preempt_count up).
func (k *Kernel) SpinLockInit(lock uint64) {}

// LocalIRQDisable is local_irq_disable().
func (k *Kernel) LocalIRQDisable() { k.ctx.irqsDisabled = true }

// LocalIRQEnable is local_irq_enable(): interrupts raised meanwhile are
// delivered now, as the CPU takes a pending interrupt when IF is set.
func (k *Kernel) LocalIRQEnable() {
	for _, h := range k.ctx.held {
		if h.kind == lockIRQ || h.kind == lockIRQSave {
			// enabling IRQs under an irq lock is a bug the real kernel
			// lets happen; keep the invariant by refusing it.
			return
		}
	}
	k.ctx.irqsDisabled = false
	for len(k.ctx.pending) > 0 && !k.ctx.irqsDisabled && k.ctx.preempt&hardirqMask == 0 {
		irq := k.ctx.pending[0]
		k.ctx.pending = k.ctx.pending[1:]
		k.RaiseIRQ(irq)
	}
}

// LocalIRQSave is local_irq_save(flags): it returns the flags.
func (k *Kernel) LocalIRQSave() uint64 {
	flags := uint64(savedFlagsIRQsOn)
	if k.ctx.irqsDisabled {
		flags = savedFlagsIRQsOff
	}
	k.ctx.irqsDisabled = true
	return flags
}

// LocalIRQRestore is local_irq_restore(flags).
func (k *Kernel) LocalIRQRestore(flags uint64) {
	if flags&x86EflagsIF != 0 {
		k.LocalIRQEnable()
	} else {
		k.ctx.irqsDisabled = true
	}
}

// PreemptDisable is preempt_disable().
func (k *Kernel) PreemptDisable() { k.lock(0, preemptDisableExplict) }

// PreemptEnable is preempt_enable().
func (k *Kernel) PreemptEnable() { k.unlock(0, preemptDisableExplict) }

// irqAction is one handler on an IRQ line (struct irqaction).
type irqAction struct {
	handler uint64 // snippet function address: irqreturn_t (*)(int, void *)
	flags   uint64
	name    string
	dev     uint64
	count   int
	module  *Module
}

// RequestIRQ is request_irq(irq, handler, flags, name, dev): 0, -EINVAL
// for a bad line or a NULL handler, -EBUSY when the line is taken and not
// both requests are IRQF_SHARED (kernel/irq/manage.c:__setup_irq).
func (k *Kernel) RequestIRQ(irq int, handler, flags uint64, name string, dev uint64) int {
	k.MightAlloc(buddy.GFP_KERNEL, "request_threaded_irq+0x10d/0x180") // the irqaction is kzalloc'ed
	if irq < 0 || irq >= nrIRQs || handler == 0 {
		return -EINVAL
	}
	for _, a := range k.irqActions(irq) {
		if a.flags&flags&irqfShared == 0 {
			return -EBUSY
		}
	}
	k.irqs[irq] = append(k.irqs[irq], &irqAction{handler: handler, flags: flags, name: name, dev: dev, module: k.module})
	return 0
}

func (k *Kernel) irqActions(irq int) []*irqAction { return k.irqs[irq] }

// FreeIRQ is free_irq(irq, dev): it removes the handler registered with
// dev and returns true; false (the kernel's "Trying to free already-free
// IRQ %d" warning, printed here without the WARN block) otherwise.
func (k *Kernel) FreeIRQ(irq int, dev uint64) bool {
	chain := k.irqs[irq]
	for i, a := range chain {
		if a.dev == dev {
			k.irqs[irq] = append(chain[:i:i], chain[i+1:]...)
			if len(k.irqs[irq]) == 0 {
				delete(k.irqs, irq)
			}
			return true
		}
	}
	k.pr(LogWarning, "Trying to free already-free IRQ %d", irq) // kernel/irq/manage.c:__free_irq
	return false
}

// RaiseIRQ runs the handlers of line irq now in hard-IRQ context
// (mmplay's raise_irq helper): preempt_count += HARDIRQ_OFFSET and IRQs
// off while they run (handle_irq_event). If IRQs are disabled, the
// interrupt stays pending until they are enabled again, as on a real CPU.
// It returns IRQ_HANDLED if a handler did, IRQ_NONE if none did, -1 when
// no handler is registered or CallFunc is not wired.
func (k *Kernel) RaiseIRQ(irq int) int {
	chain := k.irqs[irq]
	if len(chain) == 0 || k.CallFunc == nil {
		return -1
	}
	if k.ctx.irqsDisabled {
		k.ctx.pending = append(k.ctx.pending, irq)
		return irqNone
	}
	saved := k.ctx.irqsDisabled
	k.ctx.preempt += HardirqOffset
	k.ctx.irqsDisabled = true
	defer func() {
		// restore even when the handler dies, unless the crash already
		// reset the context (die: the task's context dies with it)
		if k.ctx.preempt&hardirqMask != 0 {
			k.ctx.preempt -= HardirqOffset
			k.ctx.irqsDisabled = saved
		}
	}()
	ret := irqNone
	for _, a := range append([]*irqAction(nil), chain...) {
		a.count++
		if r := k.call(a.module, a.handler, uint64(irq), a.dev); r&irqHandled != 0 {
			ret = irqHandled
		}
	}
	return ret
}

// MightSleep is might_sleep() at file:line (line 0: no line known, the
// report names only the file): with debug=on
// (CONFIG_DEBUG_ATOMIC_SLEEP) a call in atomic context or with IRQs off
// prints __might_resched's report; always adds mmplay's own report.
// frame is the kernel function that slept, for the call trace.
func (k *Kernel) MightSleep(file string, line int, frame string) {
	if k.cfg.Kernel == "2.0" || k.ctx.preempt == 0 && !k.ctx.irqsDisabled {
		return
	}
	where := file
	if line > 0 {
		where = fmt.Sprintf("%s:%d", file, line)
	}
	k.sleepingBug(where, frame, "")
}

// (Linux 2.0 had no might_sleep: both checks are 6.1 only.)

// MightAlloc is might_alloc(gfp) (include/linux/sched/mm.h:274): the check
// every page and slab allocation makes. fn is the allocation's entry
// function for the call trace (e.g. "__kmalloc+0x4b/0x190").
func (k *Kernel) MightAlloc(gfp buddy.GFP, fn string) {
	if k.cfg.Kernel == "2.0" || !gfp.CanSleep() || k.ctx.preempt == 0 && !k.ctx.irqsDisabled {
		return
	}
	k.sleepingBug(fmt.Sprintf("%s:%d", mightAllocFile, mightAllocLine), fn, GFPNames(gfp))
}

func (k *Kernel) sleepingBug(where, frame, gfp string) {
	title := "BUG: sleeping function called from invalid context at " + where
	ctx := "atomic context (preempt_count " + fmt.Sprintf("%#x", k.ctx.preempt) + ")"
	switch {
	case k.ctx.preempt&hardirqMask != 0:
		ctx = "an interrupt handler (hard-IRQ context, preempt_count " + fmt.Sprintf("%#x", k.ctx.preempt) + ")"
	case k.ctx.preempt == 0 && k.ctx.irqsDisabled:
		ctx = "code that runs with interrupts disabled"
	case len(k.ctx.held) > 0:
		ctx = "code that holds a spinlock (preempt_count " + fmt.Sprintf("%#x", k.ctx.preempt) + ")"
	}
	what := "This call may sleep"
	if gfp != "" {
		what = "This allocation uses " + gfp + ", which may sleep (it allows direct reclaim)"
	}
	expl := what + ", but it runs in " + ctx + ", where sleeping is forbidden: the scheduler could switch away while a lock is held or an interrupt is half handled. Use GFP_ATOMIC (or GFP_NOWAIT) here, or allocate before taking the lock."
	if !k.cfg.Debug {
		expl += " Stock Debian 6.1 (debug=off) prints nothing for this (no CONFIG_DEBUG_ATOMIC_SLEEP, measured); the allocation goes on and succeeds unless it really has to sleep."
	}
	k.report("sleeping-in-atomic", title, expl)
	if !k.cfg.Debug {
		return
	}
	// __might_resched rate-limits itself to one report per second (HZ).
	if k.mightReschedSeen && k.log.clock < k.lastMightResched+1e9 {
		return
	}
	k.mightReschedSeen, k.lastMightResched = true, k.log.clock
	// kernel/sched/core.c:__might_resched (6.1), with CONFIG_PREEMPT_RCU:
	k.pr(LogErr, "%s", title)
	irqsOff := 0
	if k.ctx.irqsDisabled {
		irqsOff = 1
	}
	inAtomic := 0
	if k.ctx.preempt != 0 {
		inAtomic = 1
	}
	k.pr(LogErr, "in_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, name: %s", inAtomic, irqsOff, k.current.PID, k.current.Comm)
	k.pr(LogErr, "preempt_count: %x, expected: 0", k.ctx.preempt)
	k.pr(LogErr, "RCU nest depth: 0, expected: 0")
	frames := []string{"__might_resched.cold+0xcc/0xe0"}
	if frame != "" {
		frames = append(frames, frame)
	}
	k.dumpStack(LogWarning, frames...)
	k.AddTaint(TaintWarn)
	k.record(arch.Event{Kind: arch.EvBug, Detail: title})
}
