package kernel

import (
	"strings"
	"testing"

	"mmplay/engine/arch"
)

// vmalloc and ioremap in interrupt context hit __get_vm_area_node's
// BUG_ON(in_interrupt()) (mm/vmalloc.c, 6.1): the cut line, "kernel BUG
// at mm/vmalloc.c:2497!", the invalid-opcode Oops, and, since
// in_interrupt() is still true in oops_end, the panic. Nothing is
// allocated: the state after is the state before (free frames, areas),
// with the context reset. Outside interrupt context, and for the size
// checks that come first, there is no BUG.
func TestVmallocInInterrupt(t *testing.T) {
	const bugLine = "kernel BUG at mm/vmalloc.c:2497!"
	for _, tc := range []struct {
		name   string
		irq    bool   // run the call in a hard-IRQ handler
		lock   string // take this lock around it: "bh" or "plain"
		fn     string
		args   []uint64
		bug    bool
		want   []string // consecutive log lines that must appear
		absent []string // log prefixes that must not
	}{
		{name: "vmalloc in a hard-IRQ handler BUGs and panics", irq: true, fn: "vmalloc", args: []uint64{4096}, bug: true,
			want:   []string{"------------[ cut here ]------------", bugLine, "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI"},
			absent: []string{"BUG: sleeping function"}},
		{name: "the BUG's trace runs from __vmalloc_node_range to the handler inside <IRQ>", irq: true, fn: "vmalloc", args: []uint64{4096}, bug: true,
			want: []string{"RIP: 0010:__get_vm_area_node+0x13a/0x150", "Call Trace:", " <IRQ>", " __vmalloc_node_range+0xb6/0x880",
				" ?+0x1d/0x60 [oops]", " __handle_irq_event_percpu+0x4a/0x180", " handle_irq_event+0x34/0x70", " </IRQ>", " <TASK>"}},
		{name: "the panic ends the Oops in interrupt context", irq: true, fn: "vzalloc", args: []uint64{1 << 20}, bug: true,
			want: []string{"---[ end trace 0000000000000000 ]---", "Kernel panic - not syncing: Fatal exception in interrupt",
				"---[ end Kernel panic - not syncing: Fatal exception in interrupt ]---"}},
		{name: "vzalloc under spin_lock_bh is in_interrupt() too", lock: "bh", fn: "vzalloc", args: []uint64{8192}, bug: true,
			want: []string{bugLine, "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI"}},
		{name: "ioremap in a hard-IRQ handler BUGs through get_vm_area_caller", irq: true, fn: "ioremap", args: []uint64{0xfed00000, 4096}, bug: true,
			want: []string{bugLine, "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI"}},
		{name: "ioremap's trace", irq: true, fn: "ioremap", args: []uint64{0xfed00000, 4096}, bug: true,
			want: []string{" <IRQ>", " get_vm_area_caller+0x3b/0x50", " __ioremap_caller+0x1a5/0x330", " ?+0x1d/0x60 [oops]"}},
		{name: "vmalloc(0) in an IRQ handler warns first and returns NULL", irq: true, fn: "vmalloc", args: []uint64{0},
			want:   []string{"------------[ cut here ]------------", "WARNING: CPU: 0 PID: 614 at mm/vmalloc.c:3227 __vmalloc_node_range+0x806/0x880"},
			absent: []string{"kernel BUG"}},
		{name: "vmalloc under a plain spinlock is no BUG, only might_sleep's report", lock: "plain", fn: "vmalloc", args: []uint64{4096},
			want:   []string{"BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274"},
			absent: []string{"kernel BUG", "invalid opcode"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, s, v := bootFull(t, 64<<20, true)
			insmod(k)
			m := k.LoadModule("oops")
			k.module = m
			sn := newSnippet(k)
			var ret uint64
			do := func() {
				switch tc.lock {
				case "bh":
					k.SpinLockBH(0x1000)
				case "plain":
					k.SpinLock(0x1000)
				}
				ret = call(k, tc.fn, tc.args...)
				switch tc.lock {
				case "bh":
					k.SpinUnlockBH(0x1000)
				case "plain":
					k.SpinUnlock(0x1000)
				}
			}
			if tc.irq {
				h := sn.fn(func(args ...uint64) uint64 { do(); return irqHandled })
				if r := k.RequestIRQ(7, h, 0, "t", 0); r != 0 {
					t.Fatal(r)
				}
			}
			freeBefore, areasBefore := k.Pages.FreePagesTotal(), len(v.Snapshot())
			n := len(k.Dmesg())
			sig := signalOf(func() {
				if tc.irq {
					k.RaiseIRQ(7)
				} else {
					do()
				}
			})
			log := logSince(k, n)
			if tc.bug {
				if sig == nil || sig.Signo != arch.SIGKILL {
					t.Fatalf("signal %+v, want SIGKILL (a panic ends the machine)", sig)
				}
				if got := k.Pages.FreePagesTotal(); got != freeBefore {
					t.Errorf("free pages %d, before %d: the BUG allocated or freed", got, freeBefore)
				}
				if got := len(v.Snapshot()); got != areasBefore {
					t.Errorf("%d areas, before %d", got, areasBefore)
				}
				if k.PreemptCount() != 0 || k.IRQsDisabled() {
					t.Errorf("context not reset: preempt_count %#x, irqs off %v", k.PreemptCount(), k.IRQsDisabled())
				}
				if r := k.Reports(); len(r) == 0 || r[len(r)-1].Title != "kernel BUG at mm/vmalloc.c:2497!" {
					t.Errorf("reports %+v", r)
				}
			} else if sig != nil {
				t.Fatalf("unexpected %+v", sig)
			}
			if tc.fn == "vmalloc" && !tc.bug && tc.args[0] != 0 && ret == 0 {
				t.Errorf("vmalloc failed")
			}
			if !hasRun(log, tc.want) {
				t.Errorf("log lacks %q in order:\n%s", tc.want, strings.Join(log, "\n"))
			}
			for _, a := range tc.absent {
				if hasPrefix(log, a) || strings.Contains(strings.Join(log, "\n"), a) {
					t.Errorf("log has %q:\n%s", a, strings.Join(log, "\n"))
				}
			}
			checkFull(t, k, s, v)
		})
	}
}

// hasRun reports whether want appears as consecutive lines of log.
func hasRun(log, want []string) bool {
	for i := range log {
		if i+len(want) > len(log) {
			return false
		}
		ok := true
		for j, w := range want {
			if log[i+j] != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return len(want) == 0
}

// vfree is allowed in interrupt context (6.1 defers the work): no BUG.
func TestVfreeInInterrupt(t *testing.T) {
	k, s, v := bootFull(t, 64<<20, true)
	insmod(k)
	k.module = k.LoadModule("oops")
	p := call(k, "vmalloc", 3*4096)
	sn := newSnippet(k)
	h := sn.fn(func(args ...uint64) uint64 { call(k, "vfree", p); return irqHandled })
	k.RequestIRQ(7, h, 0, "t", 0)
	n := len(k.Dmesg())
	if sig := signalOf(func() { k.RaiseIRQ(7) }); sig != nil {
		t.Fatalf("vfree in IRQ: %+v\n%s", sig, strings.Join(logSince(k, n), "\n"))
	}
	if len(logSince(k, n)) != 0 {
		t.Errorf("vfree in IRQ printed:\n%s", strings.Join(logSince(k, n), "\n"))
	}
	checkFull(t, k, s, v)
}
