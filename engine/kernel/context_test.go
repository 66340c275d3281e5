package kernel

import (
	"strings"
	"testing"

	"mmplay/engine/buddy"
)

// The sleeping-in-atomic report (facts §4, measured absence on stock
// Debian): debug=on prints __might_resched's lines, debug=off nothing;
// both add mmplay's report and the allocation goes on.
func TestSleepingInAtomic(t *testing.T) {
	for _, tc := range []struct {
		name  string
		debug bool
		setup func(k *Kernel)
		gfp   buddy.GFP
		lines []string // the first lines printed; nil: nothing
	}{
		{"GFP_KERNEL under spin_lock, debug=on", true, func(k *Kernel) { k.SpinLock(0x100) }, buddy.GFP_KERNEL, []string{
			"BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274",
			"in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 614, name: insmod",
			"preempt_count: 1, expected: 0",
			"RCU nest depth: 0, expected: 0",
			"CPU: 0 PID: 614 Comm: insmod Not tainted 6.1.0-56-amd64 #1  Debian 6.1.192-2",
			"Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
			"Call Trace:",
			" <TASK>",
		}},
		{"GFP_KERNEL under spin_lock_irqsave, debug=on", true, func(k *Kernel) { k.SpinLockIRQSave(0x100) }, buddy.GFP_KERNEL, []string{
			"BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274",
			"in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 614, name: insmod",
			"preempt_count: 1, expected: 0",
		}},
		{"GFP_KERNEL with only IRQs off, debug=on", true, func(k *Kernel) { k.LocalIRQDisable() }, buddy.GFP_KERNEL, []string{
			"BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274",
			"in_atomic(): 0, irqs_disabled(): 1, non_block: 0, pid: 614, name: insmod",
			"preempt_count: 0, expected: 0",
		}},
		{"GFP_KERNEL in a hard IRQ under a lock, debug=on", true, func(k *Kernel) {
			k.ctx.preempt += HardirqOffset
			k.ctx.irqsDisabled = true
			k.SpinLock(0x100)
		}, buddy.GFP_KERNEL, []string{
			"BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274",
			"in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 614, name: insmod",
			"preempt_count: 10001, expected: 0",
		}},
		{"GFP_KERNEL under spin_lock, debug=off (stock Debian, measured: silent)", false, func(k *Kernel) { k.SpinLock(0x100) }, buddy.GFP_KERNEL, nil},
		{"GFP_ATOMIC under spin_lock never warns", true, func(k *Kernel) { k.SpinLock(0x100) }, buddy.GFP_ATOMIC, nil},
		{"GFP_KERNEL in process context never warns", true, func(k *Kernel) {}, buddy.GFP_KERNEL, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := boot(t, 64<<20, "6.1", tc.debug)
			insmod(k)
			tc.setup(k)
			n := len(k.Dmesg())
			if k.GetFreePages(tc.gfp, 0, "__get_free_pages") == 0 {
				t.Fatal("the allocation must go on and succeed")
			}
			got := logSince(k, n)
			if tc.lines == nil {
				if len(got) != 0 {
					t.Fatalf("printed %q", got)
				}
			} else if len(got) < len(tc.lines) || strings.Join(got[:len(tc.lines)], "\n") != strings.Join(tc.lines, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.lines, "\n"))
			}
			reported := false
			for _, r := range k.Reports() {
				reported = reported || r.Kind == "sleeping-in-atomic"
			}
			if want := tc.gfp == buddy.GFP_KERNEL && (tc.lines != nil || !tc.debug); reported != want {
				t.Errorf("mmplay report %v, want %v", reported, want)
			}
		})
	}
}

func TestSleepingReportRateLimit(t *testing.T) {
	k := boot(t, 64<<20, "6.1", true)
	k.SpinLock(1)
	n := len(k.Dmesg())
	k.MightAlloc(buddy.GFP_KERNEL, "")
	m := len(k.Dmesg())
	k.MightAlloc(buddy.GFP_KERNEL, "")
	if len(k.Dmesg()) != m || m == n {
		t.Fatalf("second report within a second must be suppressed")
	}
	k.AdvanceClock(1e9)
	k.MightAlloc(buddy.GFP_KERNEL, "")
	if len(k.Dmesg()) == m {
		t.Fatalf("a report a second later must print")
	}
	k.SpinUnlock(1)
	check(t, k)
}

// Context state, whole: preempt_count and irqs_disabled after each step.
func TestContextState(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	type st struct {
		preempt uint32
		irqsOff bool
	}
	var flags, flags2 uint64
	steps := []struct {
		name string
		op   func()
		want st
	}{
		{"spin_lock", func() { k.SpinLock(1) }, st{1, false}},
		{"spin_lock_irqsave nested", func() { flags = k.SpinLockIRQSave(2) }, st{2, true}},
		{"local_irq_save while off", func() { flags2 = k.LocalIRQSave() }, st{2, true}},
		{"local_irq_restore keeps them off", func() { k.LocalIRQRestore(flags2) }, st{2, true}},
		{"spin_unlock_irqrestore", func() { k.SpinUnlockIRQRestore(2, flags) }, st{1, false}},
		{"spin_lock_bh", func() { k.SpinLockBH(3) }, st{0x201, false}},
		{"spin_unlock_bh", func() { k.SpinUnlockBH(3) }, st{1, false}},
		{"spin_unlock", func() { k.SpinUnlock(1) }, st{0, false}},
		{"spin_lock_irq", func() { k.SpinLockIRQ(4) }, st{1, true}},
		{"spin_unlock_irq", func() { k.SpinUnlockIRQ(4) }, st{0, false}},
		{"unlock of a free lock is ignored", func() { k.SpinUnlock(9) }, st{0, false}},
		{"preempt_disable", func() { k.PreemptDisable() }, st{1, false}},
		{"preempt_enable", func() { k.PreemptEnable() }, st{0, false}},
	}
	for _, s := range steps {
		s.op()
		if got := (st{k.PreemptCount(), k.IRQsDisabled()}); got != s.want {
			t.Fatalf("after %s: %+v, want %+v", s.name, got, s.want)
		}
		check(t, k)
	}
	if flags != savedFlagsIRQsOn || flags2 != savedFlagsIRQsOff {
		t.Errorf("saved flags %#x %#x", flags, flags2)
	}
}

func TestIRQs(t *testing.T) {
	k := boot(t, 64<<20, "6.1", true)
	s := newSnippet(k)
	var seen []uint64
	h := s.fn(func(args ...uint64) uint64 {
		seen = append(seen, args[0], args[1], uint64(k.InInterrupt()), uint64(k.PreemptCount()), b2u(k.IRQsDisabled()))
		return irqHandled
	})
	if r := k.RequestIRQ(5, h, 0, "mydev", 0xd00d); r != 0 {
		t.Fatalf("request_irq = %d", r)
	}
	if r := k.RequestIRQ(5, h, 0, "other", 0xbeef); r != -EBUSY {
		t.Errorf("second non-shared request_irq = %d, want -EBUSY", r)
	}
	if r := k.RequestIRQ(300, h, 0, "x", 0); r != -EINVAL {
		t.Errorf("request_irq(300) = %d, want -EINVAL", r)
	}
	if r := k.RaiseIRQ(5); r != irqHandled {
		t.Fatalf("raise_irq = %d", r)
	}
	want := []uint64{5, 0xd00d, HardirqOffset, HardirqOffset, 1}
	if len(seen) != 5 || seen[0] != want[0] || seen[1] != want[1] || seen[2] != want[2] || seen[3] != want[3] || seen[4] != want[4] {
		t.Fatalf("handler saw %#x, want %#x", seen, want)
	}
	if k.PreemptCount() != 0 || k.IRQsDisabled() {
		t.Errorf("context not restored after the handler")
	}
	// raised with IRQs off: pending until local_irq_enable
	seen = nil
	k.LocalIRQDisable()
	k.RaiseIRQ(5)
	if len(seen) != 0 {
		t.Fatalf("handler ran with IRQs disabled")
	}
	k.LocalIRQEnable()
	if len(seen) != 5 {
		t.Fatalf("pending interrupt not delivered on local_irq_enable")
	}
	if k.RaiseIRQ(6) != -1 {
		t.Errorf("raise_irq of a line without handler must return -1")
	}
	if !k.FreeIRQ(5, 0xd00d) || k.FreeIRQ(5, 0xd00d) {
		t.Errorf("free_irq twice")
	}
	if !hasLine(k.Dmesg(), "Trying to free already-free IRQ 5") {
		t.Errorf("no free_irq warning")
	}
	check(t, k)
}

// GFP_KERNEL in an IRQ handler (SPEC §10 example 3): the report names
// hard-IRQ context.
func TestKmallocInIRQHandler(t *testing.T) {
	k := boot(t, 64<<20, "6.1", true)
	s := newSnippet(k)
	sl := &fakeSlab{k: k, objs: map[uint64]uint64{}}
	k.AttachSlab(sl)
	var got uint64
	h := s.fn(func(args ...uint64) uint64 {
		got = call(k, "kmalloc", 64, uint64(buddy.GFP_KERNEL))
		return irqHandled
	})
	k.RequestIRQ(1, h, 0, "d", 0)
	n := len(k.Dmesg())
	k.RaiseIRQ(1)
	lines := logSince(k, n)
	if got == 0 || len(lines) < 3 || lines[2] != "preempt_count: 10000, expected: 0" || !hasLine(lines, " <IRQ>") {
		t.Fatalf("got %#x, log\n%s", got, strings.Join(lines, "\n"))
	}
	if call(k, "in_interrupt") != 0 {
		t.Errorf("in_interrupt after the handler")
	}
}
