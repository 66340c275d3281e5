package kernel

import (
	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/cc/interp"
	"mmplay/engine/slab"
)

// The builtin table: every kernel function a snippet may call, bound to
// the Kernel. Arguments arrive widened to 64 bits (interp.Call); results
// are returned the same way (a negative int as its 64-bit two's
// complement).

func arg(c *interp.Call, i int) uint64 {
	if i < len(c.Args) {
		return c.Args[i]
	}
	return 0
}

func iarg(c *interp.Call, i int) int { return int(int32(arg(c, i))) }

func ret(v int64) uint64 { return uint64(v) }

// mem is the memory snippet pointers go through: the calling thread's
// (the integrator's combined user+kernel view), else kernel space.
func (k *Kernel) mem(c *interp.Call) interp.Memory {
	if c != nil && c.Thread != nil && c.Thread.Mem != nil {
		return c.Thread.Mem
	}
	return k.dataMem()
}

// reader returns a non-faulting reader over the call's memory: a simulated
// fault while reading (a *arch.Signal panic) becomes ok=false.
func (k *Kernel) reader(c *interp.Call) MemReader {
	m := k.mem(c)
	return func(addr uint64, buf []byte) (ok bool) {
		if KernelAddr(addr) {
			if k.peek(addr, buf) {
				return true
			}
			if k.DataMem == nil && (c == nil || c.Thread == nil) {
				return false
			}
		}
		defer func() {
			if r := recover(); r != nil {
				if _, sig := r.(*arch.Signal); !sig {
					panic(r)
				}
				ok = false
			}
		}()
		m.ReadBytes(addr, buf)
		return true
	}
}

func (k *Kernel) str(c *interp.Call, addr uint64) string {
	if addr == 0 {
		return ""
	}
	s := k.readCString(addr, k.reader(c))
	if s == "(efault)" {
		return ""
	}
	return s
}

func (k *Kernel) format(c *interp.Call, fmtArg int) string {
	return k.Vsnprintf(k.readCString(arg(c, fmtArg), k.reader(c)), c.Args[min(fmtArg+1, len(c.Args)):], k.reader(c))
}

// prLevel builds a pr_* builtin: printk(KERN_<level> fmt, ...).
func (k *Kernel) prLevel(level int) interp.Builtin {
	return func(c *interp.Call) uint64 {
		return uint64(k.Printk(string([]byte{kernSOH, byte('0' + level)}) + k.format(c, 0)))
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Builtins binds every kernel function of the headers to the Kernel. The
// kmalloc family is present only once a Slab is attached, vmalloc/vfree
// once a Vmalloc is (call Builtins after attaching them).
func (k *Kernel) Builtins() map[string]interp.Builtin {
	gfpPages := func(name string, extra buddy.GFP, zero bool) interp.Builtin {
		return func(c *interp.Call) uint64 {
			gfp := buddy.GFP(arg(c, 0)) | extra
			if zero {
				gfp |= buddy.GFP__ZERO
			}
			order := 0
			if name != "__get_free_page" && name != "get_zeroed_page" {
				order = iarg(c, 1)
			}
			return k.GetFreePages(gfp, order, name)
		}
	}
	b := map[string]interp.Builtin{
		"printk":   func(c *interp.Call) uint64 { return uint64(k.Printk(k.format(c, 0))) },
		"pr_emerg": k.prLevel(LogEmerg), "pr_alert": k.prLevel(LogAlert), "pr_crit": k.prLevel(LogCrit),
		"pr_err": k.prLevel(LogErr), "pr_warn": k.prLevel(LogWarning), "pr_warning": k.prLevel(LogWarning),
		"pr_notice": k.prLevel(LogNotice), "pr_info": k.prLevel(LogInfo),
		// pr_debug is compiled out unless DEBUG or dynamic debug enables
		// the call site; Debian's dynamic debug starts with all off.
		"pr_debug": func(c *interp.Call) uint64 { return 0 },
		"pr_cont":  func(c *interp.Call) uint64 { return uint64(k.Printk("\001c" + k.format(c, 0))) },
		"snprintf": func(c *interp.Call) uint64 {
			s := k.format(c, 2)
			if n := arg(c, 1); n > 0 {
				out := []byte(s)
				if uint64(len(out)) >= n {
					out = out[:n-1]
				}
				k.mem(c).WriteBytes(arg(c, 0), append(out, 0))
			}
			return uint64(len(s))
		},
		"sprintf": func(c *interp.Call) uint64 {
			s := k.format(c, 1)
			k.mem(c).WriteBytes(arg(c, 0), append([]byte(s), 0))
			return uint64(len(s))
		},

		"in_interrupt":   func(c *interp.Call) uint64 { return uint64(k.InInterrupt()) },
		"in_irq":         func(c *interp.Call) uint64 { return uint64(k.InHardirq()) },
		"in_hardirq":     func(c *interp.Call) uint64 { return uint64(k.InHardirq()) },
		"in_softirq":     func(c *interp.Call) uint64 { return uint64(k.ctx.preempt & softirqMask) },
		"in_atomic":      func(c *interp.Call) uint64 { return b2u(k.InAtomic()) },
		"irqs_disabled":  func(c *interp.Call) uint64 { return b2u(k.IRQsDisabled()) },
		"preempt_count":  func(c *interp.Call) uint64 { return uint64(k.PreemptCount()) },
		"might_sleep":    func(c *interp.Call) uint64 { k.MightSleep(k.srcFile(), c.Pos.Line, ""); return 0 },
		"spin_lock_init": func(c *interp.Call) uint64 { k.SpinLockInit(arg(c, 0)); return 0 },
		"spin_lock":      func(c *interp.Call) uint64 { k.SpinLock(arg(c, 0)); return 0 },
		"spin_unlock":    func(c *interp.Call) uint64 { k.SpinUnlock(arg(c, 0)); return 0 },
		"spin_lock_irq":  func(c *interp.Call) uint64 { k.SpinLockIRQ(arg(c, 0)); return 0 },
		"spin_unlock_irq": func(c *interp.Call) uint64 {
			k.SpinUnlockIRQ(arg(c, 0))
			return 0
		},
		"spin_lock_bh":               func(c *interp.Call) uint64 { k.SpinLockBH(arg(c, 0)); return 0 },
		"spin_unlock_bh":             func(c *interp.Call) uint64 { k.SpinUnlockBH(arg(c, 0)); return 0 },
		"__mmplay_spin_lock_irqsave": func(c *interp.Call) uint64 { return k.SpinLockIRQSave(arg(c, 0)) },
		"spin_unlock_irqrestore": func(c *interp.Call) uint64 {
			k.SpinUnlockIRQRestore(arg(c, 0), arg(c, 1))
			return 0
		},
		"local_irq_disable":       func(c *interp.Call) uint64 { k.LocalIRQDisable(); return 0 },
		"local_irq_enable":        func(c *interp.Call) uint64 { k.LocalIRQEnable(); return 0 },
		"__mmplay_local_irq_save": func(c *interp.Call) uint64 { return k.LocalIRQSave() },
		"local_irq_restore":       func(c *interp.Call) uint64 { k.LocalIRQRestore(arg(c, 0)); return 0 },
		"preempt_disable":         func(c *interp.Call) uint64 { k.PreemptDisable(); return 0 },
		"preempt_enable":          func(c *interp.Call) uint64 { k.PreemptEnable(); return 0 },
		"request_irq": func(c *interp.Call) uint64 {
			return ret(int64(k.RequestIRQ(iarg(c, 0), arg(c, 1), arg(c, 2), k.str(c, arg(c, 3)), arg(c, 4))))
		},
		"free_irq": func(c *interp.Call) uint64 {
			if k.FreeIRQ(iarg(c, 0), arg(c, 1)) {
				return arg(c, 1) // free_irq returns the devname; mmplay returns the dev cookie (non-NULL)
			}
			return 0
		},
		"raise_irq": func(c *interp.Call) uint64 { return ret(int64(k.RaiseIRQ(iarg(c, 0)))) },

		"__get_free_pages": gfpPages("__get_free_pages", 0, false),
		"__get_free_page":  gfpPages("__get_free_page", 0, false),
		"get_zeroed_page":  gfpPages("get_zeroed_page", 0, true),
		"__get_dma_pages":  gfpPages("__get_dma_pages", buddy.GFP__DMA, false),
		"alloc_pages": func(c *interp.Call) uint64 {
			if pfn, ok := k.AllocPages(buddy.GFP(arg(c, 0)), iarg(c, 1), "alloc_pages"); ok {
				return PfnToPage(pfn)
			}
			return 0
		},
		"alloc_page": func(c *interp.Call) uint64 {
			if pfn, ok := k.AllocPages(buddy.GFP(arg(c, 0)), 0, "alloc_page"); ok {
				return PfnToPage(pfn)
			}
			return 0
		},
		"__free_pages": func(c *interp.Call) uint64 { k.FreePagesPage(arg(c, 0), iarg(c, 1), "__free_pages"); return 0 },
		"__free_page":  func(c *interp.Call) uint64 { k.FreePagesPage(arg(c, 0), 0, "__free_page"); return 0 },
		"free_pages":   func(c *interp.Call) uint64 { k.FreePagesAddr(arg(c, 0), iarg(c, 1), "free_pages"); return 0 },
		"free_page":    func(c *interp.Call) uint64 { k.FreePagesAddr(arg(c, 0), 0, "free_page"); return 0 },
		"get_order": func(c *interp.Call) uint64 {
			n, o := arg(c, 0), 0
			for n > 0 && (n-1)>>(arch.PageShift+o) != 0 {
				o++
			}
			return uint64(o)
		},
		"page_address":   func(c *interp.Call) uint64 { return k.pageAddress(arg(c, 0)) },
		"page_to_pfn":    func(c *interp.Call) uint64 { return PageToPfn(arg(c, 0)) },
		"pfn_to_page":    func(c *interp.Call) uint64 { return PfnToPage(arg(c, 0)) },
		"virt_to_page":   func(c *interp.Call) uint64 { return VirtToPage(arg(c, 0)) },
		"virt_to_phys":   func(c *interp.Call) uint64 { return Pa(arg(c, 0)) },
		"phys_to_virt":   func(c *interp.Call) uint64 { return Va(arg(c, 0)) },
		"__pa":           func(c *interp.Call) uint64 { return Pa(arg(c, 0)) },
		"__va":           func(c *interp.Call) uint64 { return Va(arg(c, 0)) },
		"memblock_alloc": func(c *interp.Call) uint64 { return k.MemblockAlloc(arg(c, 0), arg(c, 1)) },

		"register_chrdev": func(c *interp.Call) uint64 {
			return ret(int64(k.RegisterChrdev(int(arg(c, 0)), k.str(c, arg(c, 1)), arg(c, 2))))
		},
		"unregister_chrdev": func(c *interp.Call) uint64 { k.UnregisterChrdev(int(arg(c, 0)), k.str(c, arg(c, 1))); return 0 },
		"copy_to_user":      func(c *interp.Call) uint64 { return k.CopyToUser(arg(c, 0), arg(c, 1), arg(c, 2)) },
		"copy_from_user":    func(c *interp.Call) uint64 { return k.CopyFromUser(arg(c, 0), arg(c, 1), arg(c, 2)) },
		"access_ok":         func(c *interp.Call) uint64 { return b2u(AccessOK(arg(c, 0), arg(c, 1))) },
		"__mmplay_put_user": func(c *interp.Call) uint64 { return ret(k.PutUser(arg(c, 0), arg(c, 1), iarg(c, 2))) },
		"__mmplay_get_user": func(c *interp.Call) uint64 {
			// __mmplay_get_user(&x, sizeof(x), ptr, sizeof(*ptr))
			v, e := k.GetUser(arg(c, 2), iarg(c, 3))
			k.mem(c).Store(arg(c, 0), accessSize(iarg(c, 1)), v)
			return ret(e)
		},
		"iminor": func(c *interp.Call) uint64 { return k.mem(c).Load(arg(c, 0)+inodeRdev, 4) & (1<<20 - 1) },
		"imajor": func(c *interp.Call) uint64 { return k.mem(c).Load(arg(c, 0)+inodeRdev, 4) >> 20 },

		"proc_create": func(c *interp.Call) uint64 { return k.ProcCreate(k.str(c, arg(c, 0)), arg(c, 3)) },
		"proc_create_single_data": func(c *interp.Call) uint64 {
			return k.ProcCreateSingle(k.str(c, arg(c, 0)), arg(c, 3), arg(c, 4))
		},
		"proc_create_single": func(c *interp.Call) uint64 { return k.ProcCreateSingle(k.str(c, arg(c, 0)), arg(c, 3), 0) },
		"remove_proc_entry":  func(c *interp.Call) uint64 { k.RemoveProcEntry(k.str(c, arg(c, 0))); return 0 },
		"single_open":        func(c *interp.Call) uint64 { return ret(int64(k.SingleOpen(arg(c, 0), arg(c, 1), arg(c, 2)))) },
		"single_release":     func(c *interp.Call) uint64 { return 0 },
		// seq_read and seq_lseek exist so that a proc_ops can name them;
		// mmplay's /proc reader drives the seq_file itself (ProcCreate).
		"seq_read":   func(c *interp.Call) uint64 { return 0 },
		"seq_lseek":  func(c *interp.Call) uint64 { return 0 },
		"seq_printf": func(c *interp.Call) uint64 { k.SeqWrite(arg(c, 0), k.format(c, 1)); return 0 },
		"seq_puts":   func(c *interp.Call) uint64 { k.SeqWrite(arg(c, 0), k.str(c, arg(c, 1))); return 0 },
		"seq_putc":   func(c *interp.Call) uint64 { k.SeqWrite(arg(c, 0), string([]byte{byte(arg(c, 1))})); return 0 },
	}
	if k.slab != nil {
		kmalloc := func(name string, size uint64, gfp buddy.GFP) uint64 {
			k.MightAlloc(gfp, "__kmalloc+0x4b/0x190")
			defer k.entering("__kmalloc+0x4b/0x190")()
			// init_on_alloc is the slab's business (slab.Config.InitOnAlloc):
			// gfp stays the caller's, as its failure reports print it
			p, ok := k.slab.Kmalloc(size, gfp)
			if !ok {
				return 0
			}
			if p > 16 { // not ZERO_SIZE_PTR
				k.kmallocs[p] = &objAllocRec{size: size, fn: name, module: k.module}
			}
			return p
		}
		b["kmalloc"] = func(c *interp.Call) uint64 { return kmalloc("kmalloc", arg(c, 0), buddy.GFP(arg(c, 1))) }
		b["kzalloc"] = func(c *interp.Call) uint64 {
			return kmalloc("kzalloc", arg(c, 0), buddy.GFP(arg(c, 1))|buddy.GFP__ZERO)
		}
		b["kcalloc"] = func(c *interp.Call) uint64 {
			n, size := arg(c, 0), arg(c, 1)
			if size != 0 && n > ^uint64(0)/size {
				return 0 // kmalloc_array's overflow check
			}
			return kmalloc("kcalloc", n*size, buddy.GFP(arg(c, 2))|buddy.GFP__ZERO)
		}
		b["kfree"] = func(c *interp.Call) uint64 {
			p := arg(c, 0)
			delete(k.kmallocs, p)
			k.slab.Kfree(p)
			return 0
		}
		b["ksize"] = func(c *interp.Call) uint64 { return k.slab.Ksize(arg(c, 0)) }
		if k.cfg.Kernel != "2.0" { // new in 6.1
			b["kmalloc_size_roundup"] = func(c *interp.Call) uint64 { return slab.KmallocSizeRoundup(arg(c, 0)) }
		}
		k.kmemCacheBuiltins(b)
	}
	if k.vmalloc != nil {
		vmalloc := func(name string, size uint64, gfp buddy.GFP) uint64 {
			// might_alloc comes from the vm_struct's kzalloc_node, after
			// the size checks and __get_vm_area_node's
			// BUG_ON(in_interrupt()) (package vmalloc)
			if size != 0 && k.InInterrupt() == 0 {
				k.MightAlloc(gfp, "__vmalloc_node_range+0x1b4/0x880")
			}
			defer k.entering("__vmalloc_node_range+0x1b4/0x880")()
			p, ok := k.vmalloc.Vmalloc(size, gfp, k.callerSym())
			if !ok {
				return 0
			}
			k.vmallocs[p] = &objAllocRec{size: size, fn: name, module: k.module}
			return p
		}
		b["vmalloc"] = func(c *interp.Call) uint64 { return vmalloc("vmalloc", arg(c, 0), buddy.GFP_KERNEL) }
		b["vzalloc"] = func(c *interp.Call) uint64 {
			return vmalloc("vzalloc", arg(c, 0), buddy.GFP_KERNEL|buddy.GFP__ZERO)
		}
		b["ioremap"] = func(c *interp.Call) uint64 {
			if k.InInterrupt() == 0 { // in interrupt context __get_vm_area_node BUGs first
				k.MightAlloc(buddy.GFP_KERNEL, "__get_vm_area_caller+0x40/0x50") // the vm_struct is kzalloc'ed
			}
			if p, ok := k.vmalloc.Ioremap(arg(c, 0), arg(c, 1), k.callerSym()); ok {
				return p
			}
			return 0
		}
		b["iounmap"] = func(c *interp.Call) uint64 { k.vmalloc.Iounmap(arg(c, 0)); return 0 }
		// vmalloc_to_pfn and vmalloc_to_page walk the kernel page tables
		// (mm/vmalloc.c): the RAM frame behind a vmalloc address, or 0 (a
		// guard page, a hole, or an ioremapped device page, which has no
		// struct page).
		vmallocToPFN := func(addr uint64) (uint64, bool) {
			if addr < VmallocStart || addr > VmallocEnd {
				return 0, false
			}
			pa, ram, ok := k.vmalloc.Translate(addr)
			if !ok || !ram {
				return 0, false
			}
			return pa >> arch.PageShift, true
		}
		b["vmalloc_to_pfn"] = func(c *interp.Call) uint64 {
			pfn, _ := vmallocToPFN(arg(c, 0))
			return pfn
		}
		b["vmalloc_to_page"] = func(c *interp.Call) uint64 {
			if pfn, ok := vmallocToPFN(arg(c, 0)); ok {
				return PfnToPage(pfn)
			}
			return 0
		}
		b["vfree"] = func(c *interp.Call) uint64 {
			p := arg(c, 0)
			delete(k.vmallocs, p)
			k.vmalloc.Vfree(p)
			return 0
		}
	}
	return b
}

// srcFile is the file name might_sleep() reports: the module's source.
func (k *Kernel) srcFile() string {
	if k.module != nil {
		return k.module.Name + ".c"
	}
	return "mmplay.c"
}
