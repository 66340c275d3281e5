package kernel

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// Slab is what the kernel layer needs from the slab allocator (package
// slab implements it through a small adapter the integrator writes).
type Slab interface {
	// Kmalloc is kmalloc(size, gfp) without the context checks (the
	// kernel layer makes them): an address or ok=false.
	Kmalloc(size uint64, gfp buddy.GFP) (addr uint64, ok bool)
	// Kfree is kfree(addr).
	Kfree(addr uint64)
	// Ksize is ksize(addr).
	Ksize(addr uint64) uint64
	// SlabInfo is /proc/slabinfo (ok=false: not readable, e.g. kernel 2.0).
	SlabInfo() (string, bool)
	// SlabBytes is NR_SLAB_RECLAIMABLE_B and NR_SLAB_UNRECLAIMABLE_B.
	SlabBytes() (reclaimable, unreclaimable uint64)
}

// Vmalloc is what the kernel layer needs from the vmalloc allocator.
type Vmalloc interface {
	// Translate resolves an address in [VmallocStart, VmallocEnd] to a
	// physical address; ram is false for ioremapped device memory; ok is
	// false when nothing is mapped there (a guard page, a hole).
	Translate(addr uint64) (pa uint64, ram, ok bool)
	// Vmalloc is vmalloc(size) with gfp, called from caller (a "%pS").
	Vmalloc(size uint64, gfp buddy.GFP, caller string) (addr uint64, ok bool)
	// Vfree is vfree(addr).
	Vfree(addr uint64)
	// AllocStack allocates a THREAD_SIZE (16 KiB) kernel stack aligned to
	// THREAD_ALIGN as alloc_thread_stack_node does (__vmalloc_node_range
	// with a guard page).
	AllocStack(caller string) (addr uint64, ok bool)
	// Ioremap is ioremap(phys, size) (0/false: refused, e.g. RAM).
	Ioremap(physAddr, size uint64, caller string) (addr uint64, ok bool)
	// Iounmap is iounmap(addr).
	Iounmap(addr uint64)
	// VmallocInfo is /proc/vmallocinfo.
	VmallocInfo() string
	// UsedPages is VmallocUsed in pages (vmalloc_nr_pages).
	UsedPages() uint64
}

// UserMemory is the current process's user space as copy_to_user and
// copy_from_user see it: mm.AddressSpace implements it. Both return the
// bytes NOT copied; CopyIn zero-fills the uncopied tail (facts §7).
type UserMemory interface {
	CopyIn(addr uint64, buf []byte) (notCopied int)
	CopyOut(addr uint64, buf []byte) (notCopied int)
}

// AttachUser sets the current process's user memory (nil: none, e.g.
// while a module's init runs from insmod with no user buffers).
func (k *Kernel) AttachUser(u UserMemory) { k.user = u }

// translate maps a kernel virtual address to a physical one, the way the
// kernel page tables do (init_mm): the direct map, the kernel image
// mapping, the module area, and vmalloc space through package vmalloc.
func (k *Kernel) translate(addr uint64) (pa uint64, ok bool) {
	switch {
	case addr >= PageOffset && addr < DirectMapEnd:
		pfn := (addr - PageOffset) >> arch.PageShift
		if !k.Mem.Valid(pfn) || k.Mem.Frame(pfn).Owner == phys.OwnerHole {
			return 0, false
		}
		return addr - PageOffset, true
	case addr >= VmallocStart && addr <= VmallocEnd:
		if k.vmalloc != nil {
			pa, ram, ok := k.vmalloc.Translate(addr)
			if ok && !ram {
				return pa, false // device memory: see deviceAccess
			}
			return pa, ok
		}
	case addr >= ModulesVaddr && addr < ModulesEnd:
		if pfn, ok := k.modMap[addr&^arch.PageMask]; ok {
			return pfn<<arch.PageShift | addr&arch.PageMask, true
		}
	case addr >= StartKernel && addr < ModulesVaddr:
		start, end := k.Mem.KernelImage()
		pfn := (addr - StartKernel) >> arch.PageShift
		if pfn >= start && pfn < end {
			return addr - StartKernel, true
		}
	}
	return 0, false
}

// accessSize clamps an access size to 1, 2, 4 or 8 bytes.
func accessSize(size int) int {
	switch size {
	case 1, 2, 4:
		return size
	}
	return 8
}

// KernelAddr reports whether addr lies in the kernel half of the address
// space (the integrator routes such accesses here).
func KernelAddr(addr uint64) bool { return addr >= 0xffff800000000000 }

// Load reads a little-endian value of size 1, 2, 4 or 8 at a kernel
// address; a bad address is a kernel Oops (it does not return).
func (k *Kernel) Load(addr uint64, size int) uint64 {
	if pa, ok := k.translate(addr); ok && (addr+uint64(size)-1)>>arch.PageShift == addr>>arch.PageShift {
		return k.Mem.Load(pa, size)
	}
	var buf [8]byte
	k.ReadBytes(addr, buf[:accessSize(size)])
	return leUint64(buf[:accessSize(size)])
}

// Store writes a little-endian value at a kernel address.
func (k *Kernel) Store(addr uint64, size int, v uint64) {
	if pa, ok := k.translate(addr); ok && (addr+uint64(size)-1)>>arch.PageShift == addr>>arch.PageShift {
		k.Mem.Store(pa, size, v)
		return
	}
	var buf [8]byte
	for i := range buf {
		buf[i] = byte(v >> (8 * i))
	}
	k.WriteBytes(addr, buf[:accessSize(size)])
}

// ReadBytes copies kernel memory at addr into buf, page by page; the
// first unmapped byte is an Oops.
func (k *Kernel) ReadBytes(addr uint64, buf []byte) { k.copyKernel(addr, buf, false) }

// WriteBytes copies buf to kernel memory at addr.
func (k *Kernel) WriteBytes(addr uint64, buf []byte) { k.copyKernel(addr, buf, true) }

func (k *Kernel) copyKernel(addr uint64, buf []byte, write bool) {
	for len(buf) > 0 {
		pa, ok := k.translate(addr)
		if !ok {
			if k.deviceAccess(addr, buf, write) {
				return
			}
			k.Oops(addr, write)
		}
		n := min(uint64(len(buf)), arch.PageSize-addr&arch.PageMask)
		if write {
			k.Mem.WriteBytes(pa, buf[:n])
		} else {
			k.Mem.ReadBytes(pa, buf[:n])
		}
		buf, addr = buf[n:], addr+n
	}
}

// deviceAccess serves an access to ioremapped device memory. mmplay has
// no devices behind the physical addresses: reads return all ones (what a
// bus read nobody answers gives), writes are dropped. It reports false
// when addr is not device memory.
func (k *Kernel) deviceAccess(addr uint64, buf []byte, write bool) bool {
	if k.vmalloc == nil || addr < VmallocStart || addr > VmallocEnd {
		return false
	}
	end := addr + uint64(len(buf))
	for a := addr &^ arch.PageMask; a < end; a += arch.PageSize {
		if _, ram, ok := k.vmalloc.Translate(a); !ok || ram {
			return false
		}
	}
	if !write {
		for i := range buf {
			buf[i] = 0xff
		}
	}
	return true
}

// peek reads kernel memory without faulting (for %s, /proc readers).
func (k *Kernel) peek(addr uint64, buf []byte) bool {
	for len(buf) > 0 {
		pa, ok := k.translate(addr)
		if !ok {
			return false
		}
		n := min(uint64(len(buf)), arch.PageSize-addr&arch.PageMask)
		k.Mem.ReadBytes(pa, buf[:n])
		buf, addr = buf[n:], addr+n
	}
	return true
}

// Oops is the kernel's page-fault Oops for a bad kernel-mode access at
// addr (arch/x86/mm/fault.c:show_fault_oops and page_fault_oops, 6.1;
// the header is arch/x86/kernel/dumpstack.c:__die_header), then the task
// dies as make_task_dead(SIGKILL) makes it: page_fault_oops passes
// sig = SIGKILL to oops_end, so the process that entered the kernel
// (insmod, or the program whose read() ran the handler) is killed with
// signal 9 — a shell shows "Killed", status 137. In interrupt context
// oops_end panics instead ("Fatal exception in interrupt"), which ends the
// whole machine; mmplay ends the run the same way, with SIGKILL.
//
// Modelled: the register dump and "Code:" bytes are not printed (mmplay
// has no registers); the page-table line is printed only as "PGD 0 P4D 0"
// for addresses in the first 512 GiB, where nothing is mapped for a kernel
// access. It does not return: it panics with *arch.Signal.
func (k *Kernel) Oops(addr uint64, write bool) {
	var title string
	if addr < arch.PageSize {
		title = fmt.Sprintf("BUG: kernel NULL pointer dereference, address: %016x", addr)
	} else {
		title = fmt.Sprintf("BUG: unable to handle page fault for address: %016x", addr)
	}
	k.oopsWith(title, addr, write, "")
}

// oopsFetch is the Oops of a call into code that is not mapped any more
// (a handler of an unloaded module): an instruction fetch, error code
// X86_PF_INSTR (0x10).
func (k *Kernel) oopsFetch(addr uint64) {
	k.oopsAccess(fmt.Sprintf("BUG: unable to handle page fault for address: %016x", addr), addr, 0x10, "instruction fetch",
		fmt.Sprintf("the kernel jumped to %#x, code of a module that has been unloaded (a handler it registered and never unregistered)", addr))
}

// oopsWith prints an Oops whose first line is title and kills the task;
// explain, when set, is the plain-words explanation (else one is made
// from the address).
func (k *Kernel) oopsWith(title string, addr uint64, write bool, explain string) {
	errCode, access := 0, "read access"
	if write {
		errCode, access = 2, "write access" // X86_PF_WRITE
	}
	k.oopsAccess(title, addr, errCode, access, explain)
}

// kernelMemory is the interp.Memory view of kernel space.
type kernelMemory struct{ k *Kernel }

func (m kernelMemory) Load(addr uint64, size int) uint64     { return m.k.Load(addr, size) }
func (m kernelMemory) Store(addr uint64, size int, v uint64) { m.k.Store(addr, size, v) }
func (m kernelMemory) ReadBytes(addr uint64, buf []byte)     { m.k.ReadBytes(addr, buf) }
func (m kernelMemory) WriteBytes(addr uint64, buf []byte)    { m.k.WriteBytes(addr, buf) }

// ModuleAlloc is module_alloc(size): pages for a module's code and data in
// the module area [MODULES_VADDR, MODULES_END), each area followed by a
// guard page as vmalloc areas are. Frames are order-0 pages owned
// OwnerVmalloc (module_alloc is __vmalloc_node_range). The integrator lays
// out a module's globals and string literals here.
func (k *Kernel) ModuleAlloc(size uint64) (uint64, error) {
	n := arch.PageAlignUp(size) >> arch.PageShift
	if n == 0 || k.modNext+(n+1)<<arch.PageShift > ModulesEnd {
		return 0, fmt.Errorf("kernel: module_alloc(%d): no room", size)
	}
	base := k.modNext
	var got []uint64
	for i := uint64(0); i < n; i++ {
		pfn, err := k.Pages.AllocPages(buddy.GFP_KERNEL|buddy.GFP__ZERO, 0, phys.OwnerVmalloc)
		if err != nil {
			for j, p := range got {
				delete(k.modMap, base+uint64(j)<<arch.PageShift)
				_ = k.Pages.FreePages(p, 0)
			}
			return 0, fmt.Errorf("kernel: module_alloc(%d): out of memory", size)
		}
		got = append(got, pfn)
		k.modMap[base+i<<arch.PageShift] = pfn
	}
	k.modNext = base + (n+1)<<arch.PageShift
	k.record(arch.Event{Kind: arch.EvMap, Addr: base, Size: n << arch.PageShift, Detail: "module_alloc"})
	return base, nil
}

// ModuleFree is module_memfree(addr) for an area ModuleAlloc returned.
func (k *Kernel) ModuleFree(addr uint64) {
	for va := addr; ; va += arch.PageSize {
		pfn, ok := k.modMap[va]
		if !ok {
			break
		}
		delete(k.modMap, va)
		_ = k.Pages.FreePages(pfn, 0)
	}
	k.record(arch.Event{Kind: arch.EvUnmap, Addr: addr, Detail: "module_memfree"})
}
