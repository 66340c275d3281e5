package kernel

import (
	"strconv"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/slab"
	"mmplay/engine/vmalloc"
)

// The adapters plug packages slab and vmalloc into the kernel's small
// interfaces, and print what they report (*slab.Problem) in the kernel
// log with the kernel's furniture (task line, call trace, Mem-Info).

// ShowProblem prints a slab or vmalloc Problem the way the kernel does and
// adds its explanation to mmplay's report list. An Oops does not return.
func (k *Kernel) ShowProblem(p *slab.Problem) {
	if p == nil || p.Kind == 0 {
		return
	}
	lines := splitLines(p.Text)
	title := p.Text
	if len(lines) > 0 {
		title = lines[0]
	}
	switch p.Kind {
	case slab.Warning:
		k.warnAt(p.Site, p.Func, p.Text, p.After)
		title = "WARNING: at " + p.Site + " " + p.Func
	case slab.SlabBug:
		for _, l := range lines {
			k.pr(LogErr, "%s", l)
		}
		k.dumpStack(LogWarning)
		k.AddTaint(TaintBadPage)
		k.record(arch.Event{Kind: arch.EvBug, Detail: title})
	case slab.AllocFailure:
		title = k.current.Comm + ": " + title
		if len(lines) > 0 {
			k.printAllocFailure(title, 0xff, -1, lines[1:])
		}
	case slab.Printk:
		for _, l := range lines {
			k.pr(LogWarning, "%s", l)
		}
	case slab.Oops:
		if p.Explain != "" {
			k.report("oops", title, p.Explain)
		}
		var addr uint64
		if i := strings.LastIndex(title, ": "); i >= 0 {
			addr, _ = strconv.ParseUint(title[i+2:], 16, 64)
		}
		k.oopsWith(title, addr, false, p.Explain)
	case slab.Bug:
		k.showBug(p)
	}
	if p.Explain != "" {
		k.report("slab", title, p.Explain)
	}
}

// slabAdapter is package slab's Kmalloc as the kernel's Slab.
type slabAdapter struct {
	k *Kernel
	s slab.Kmalloc
}

func (a slabAdapter) Kmalloc(size uint64, gfp buddy.GFP) (uint64, bool) {
	p, prob := a.s.Kmalloc(size, gfp)
	a.k.ShowProblem(prob)
	return p, p != 0
}
func (a slabAdapter) Kfree(addr uint64)                             { a.k.ShowProblem(a.s.Kfree(addr)) }
func (a slabAdapter) Ksize(addr uint64) uint64                      { return a.s.Ksize(addr) }
func (a slabAdapter) SlabInfo() (string, bool)                      { return a.s.SlabInfo() }
func (a slabAdapter) SlabBytes() (uint64, uint64)                   { return a.s.SlabBytes() }
func (a vmallocAdapter) Translate(addr uint64) (uint64, bool, bool) { return a.v.Translate(addr) }

// UseSlab attaches package slab's allocator (6.1 SLUB or the 2.0 model):
// the kmalloc builtins, /proc/slabinfo, Slab in /proc/meminfo, and its
// reports in the kernel log. Build it with
// slab.Config{TooLargeWarned: k.TooLargeWarned(), Tainted: k.Tainted,
// InitOnAlloc: k.InitOnAlloc(), …}.
func (k *Kernel) UseSlab(s slab.Kmalloc) { k.AttachSlab(slabAdapter{k, s}) }

// vmallocAdapter is package vmalloc's Allocator as the kernel's Vmalloc.
type vmallocAdapter struct {
	k *Kernel
	v *vmalloc.Allocator
}

func (a vmallocAdapter) Vmalloc(size uint64, gfp buddy.GFP, caller string) (uint64, bool) {
	var p uint64
	var prob *slab.Problem
	if gfp&buddy.GFP__ZERO != 0 {
		p, prob = a.v.Vzalloc(size, caller)
	} else {
		p, prob = a.v.Vmalloc(size, caller)
	}
	a.k.ShowProblem(prob)
	return p, p != 0
}
func (a vmallocAdapter) Vfree(addr uint64) { a.k.ShowProblem(a.v.Vfree(addr)) }

// AllocStack is a THREAD_SIZE vmalloc area aligned to THREAD_ALIGN
// (= THREAD_SIZE, 16 KiB: kernel/fork.c:alloc_vmap_stack). With its guard
// page each stack spans 20 KiB, so consecutive stacks sit 32 KiB apart
// with a 12 KiB hole between them, where later 1- and 2-page areas land
// (measured: 1-page vmallocs at 32 KiB strides).
func (a vmallocAdapter) AllocStack(caller string) (uint64, bool) {
	p, prob := a.v.VmallocAligned(ThreadSize, ThreadSize, caller)
	a.k.ShowProblem(prob)
	return p, p != 0
}
func (a vmallocAdapter) Ioremap(pa, size uint64, caller string) (uint64, bool) {
	p, prob := a.v.Ioremap(pa, size, caller)
	a.k.ShowProblem(prob)
	return p, p != 0
}
func (a vmallocAdapter) Iounmap(addr uint64) { a.k.ShowProblem(a.v.Iounmap(addr)) }
func (a vmallocAdapter) VmallocInfo() string { return a.v.Info() }
func (a vmallocAdapter) UsedPages() uint64   { return a.v.VmallocUsedKB() >> 2 }

// UseVmalloc attaches package vmalloc's allocator: vmalloc space for the
// kernel memory accessor, the vmalloc/ioremap builtins, /proc/vmallocinfo,
// VmallocUsed, and the boot tasks' kernel stacks (AttachVmalloc).
func (k *Kernel) UseVmalloc(v *vmalloc.Allocator) error {
	return k.AttachVmalloc(vmallocAdapter{k, v})
}
