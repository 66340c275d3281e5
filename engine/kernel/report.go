package kernel

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
)

// The kernel's crash-report furniture: taint flags, dump_stack's header and
// call trace, the WARN "cut here" block. The wording and field order are
// 6.1's (cited per function); the values that depend on the real machine
// are modelled on the reference guest (reference/kernel/README.md: QEMU,
// Debian 12 kernel 6.1.0-56-amd64, one CPU) and fixed:
const (
	utsRelease   = "6.1.0-56-amd64"     // init_utsname()->release (measured: summary.txt "kernel:")
	utsVersion   = "#1"                 // the version up to its first space (dump_stack_print_info's %.*s)
	debianSuffix = "  Debian 6.1.192-2" // what Debian's kernels print after it (modelled on Debian oopses)
	// hardwareName is dmi_get_system_info as QEMU's i440FX board with
	// Debian 12's SeaBIOS reports it (modelled; the measured run was QEMU).
	hardwareName = "QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014"
)

// Taint bits (include/linux/panic.h, 6.1: TAINT_FLAGS_COUNT = 19) and
// their letters (kernel/panic.c: taint_flags).
const (
	TaintBadPage   = 5
	TaintDie       = 7
	TaintWarn      = 9
	TaintOOTModule = 12
	TaintUnsigned  = 13
	taintCount     = 19
)

var taintLetters = "PFSRMBUDAWCIOELKXTN"

// Tainted is print_tainted(): "Not tainted", or "Tainted: " and one column
// per flag ('G' in the first when no proprietary module).
func (k *Kernel) Tainted() string {
	if k.taint == 0 {
		return "Not tainted"
	}
	var b strings.Builder
	b.WriteString("Tainted: ")
	for i := 0; i < taintCount; i++ {
		switch {
		case k.taint&(1<<i) != 0:
			b.WriteByte(taintLetters[i])
		case i == 0:
			b.WriteByte('G')
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// AddTaint sets a taint flag (add_taint).
func (k *Kernel) AddTaint(bit int) {
	if bit >= 0 && bit < taintCount {
		k.taint |= 1 << bit
	}
}

// callerFrame is the call-trace line of the snippet function running now.
func (k *Kernel) callerFrame() string { return " " + k.callerSym() }

// callerSym is the snippet function running now as %pS prints it, for
// call traces and /proc/vmallocinfo: "scull_init+0x3d/0xd0 [scull]", from
// the integrator's Caller (whose offsets are modelled); without one,
// "?+0x1d/0x60".
func (k *Kernel) callerSym() string {
	s := Symbol{Name: "?", Offset: 0x1d, Size: 0x60}
	if k.Caller != nil {
		if c, ok := k.Caller(); ok && c.Name != "" {
			s = c
		}
	}
	out := fmt.Sprintf("%s+%#x/%#x", s.Name, s.Offset, s.Size)
	if k.module != nil {
		out += " [" + k.module.Name + "]"
	}
	return out
}

// dumpStack is lib/dump_stack.c:dump_stack_lvl with a modelled call trace:
// the frames are the kernel functions the path really goes through, with
// fixed offsets (the real ones depend on the build), then the snippet's
// function, then the entry the task came from.
func (k *Kernel) dumpStack(level int, frames ...string) {
	k.pr(level, "CPU: 0 PID: %d Comm: %s %s %s %s%s", k.current.PID, k.current.Comm, k.Tainted(), utsRelease, utsVersion, debianSuffix)
	k.pr(level, "Hardware name: %s", hardwareName)
	k.pr(level, "Call Trace:")
	k.callTrace(level, append([]string{"dump_stack_lvl+0x44/0x5c"}, frames...), true)
}

// callTrace is show_trace_log_lvl's part of a report (arch/x86/kernel/
// dumpstack.c): the frames (innermost first), the snippet's function when
// caller is set, then, in a hard-IRQ handler, the IRQ entry frames closed
// by </IRQ>, and the task's entry into the kernel in <TASK>…</TASK>.
func (k *Kernel) callTrace(level int, frames []string, caller bool) {
	inIRQ := k.ctx.preempt&hardirqMask != 0
	if inIRQ {
		k.pr(level, " <IRQ>")
	} else {
		k.pr(level, " <TASK>")
	}
	for _, f := range frames {
		k.pr(level, " %s", f)
	}
	if caller {
		k.pr(level, "%s", k.callerFrame())
	}
	if inIRQ {
		k.pr(level, " __handle_irq_event_percpu+0x4a/0x180")
		k.pr(level, " handle_irq_event+0x34/0x70")
		k.pr(level, " </IRQ>")
		k.pr(level, " <TASK>")
	}
	for _, f := range k.entryFrames() {
		k.pr(level, " %s", f)
	}
	k.pr(level, " </TASK>")
}

// entryFrames is how the current task entered the kernel: module loading
// for insmod, a system call otherwise (modelled).
func (k *Kernel) entryFrames() []string {
	if k.current.Comm == "insmod" || k.module != nil && k.module.initRunning {
		return []string{"do_one_initcall+0x41/0x210", "do_init_module+0x4c/0x240", "__do_sys_finit_module+0xac/0x120",
			"do_syscall_64+0x55/0xb0", "entry_SYSCALL_64_after_hwframe+0x6e/0xd8"}
	}
	return []string{"do_syscall_64+0x55/0xb0", "entry_SYSCALL_64_after_hwframe+0x6e/0xd8"}
}

// modulesLinkedIn is print_modules(): "Modules linked in:" and the loaded
// modules, newest first, with "(OE)" for out-of-tree unsigned ones.
func (k *Kernel) modulesLinkedIn() string {
	var b strings.Builder
	b.WriteString("Modules linked in:")
	for i := len(k.modules) - 1; i >= 0; i-- {
		m := k.modules[i]
		if m.unloaded {
			continue
		}
		b.WriteString(" " + m.Name + "(OE")
		if m.initRunning {
			b.WriteByte('+')
		}
		b.WriteByte(')')
	}
	return b.String()
}

// warnOnce prints a WARNING block (kernel/panic.c:__warn) for a
// WARN_ON_ONCE at file:line in function fn.
func (k *Kernel) warn(file string, line int, fn string, frames ...string) {
	k.warnAt(fmt.Sprintf("%s:%d", file, line), fn, "", "", frames...)
}

// warnAt is __warn for a site ("mm/vmalloc.c:3227", or a file alone when
// the line was not measured), with the optional WARN() message printed
// between the cut line and the WARNING line, and after lines printed
// after the end marker (pr_warn_once lines that follow the WARN).
//
// On kernel=2.0 it prints nothing: the WARN machinery and the checks
// behind these warnings are 6.1's (2.0 had neither), so the model keeps
// the 6.1 behaviour (the call fails) without printing 6.1's lines.
func (k *Kernel) warnAt(site, fn, msg, after string, frames ...string) {
	if k.cfg.Kernel == "2.0" {
		return
	}
	k.pr(LogWarning, "------------[ cut here ]------------")
	for _, l := range splitLines(msg) {
		k.pr(LogWarning, "%s", l)
	}
	title := fmt.Sprintf("WARNING: CPU: 0 PID: %d at %s %s", k.current.PID, site, fn)
	k.pr(LogWarning, "%s", title)
	k.pr(LogWarning, "%s", k.modulesLinkedIn())
	k.AddTaint(TaintWarn)
	k.pr(LogWarning, "CPU: 0 PID: %d Comm: %s %s %s %s%s", k.current.PID, k.current.Comm, k.Tainted(), utsRelease, utsVersion, debianSuffix)
	k.pr(LogWarning, "Hardware name: %s", hardwareName)
	k.pr(LogWarning, "RIP: 0010:%s", fn)
	k.pr(LogWarning, "Call Trace:")
	k.callTrace(LogWarning, frames, true)
	k.pr(LogWarning, "---[ end trace 0000000000000000 ]---")
	for _, l := range splitLines(after) {
		k.pr(LogWarning, "%s", l)
	}
	k.record(arch.Event{Kind: arch.EvWarning, Detail: title})
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
