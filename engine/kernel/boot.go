package kernel

import (
	"fmt"

	"mmplay/engine/buddy"
	"mmplay/engine/phys"
	"mmplay/engine/slab"
)

// AttachSlab plugs the slab allocator in (kmem_cache_init's place in the
// boot). The boot's own slab work waits for vmalloc (AttachVmalloc).
func (k *Kernel) AttachSlab(s Slab) {
	k.slab = s
}

// AttachVmalloc plugs the vmalloc allocator in and runs the rest of the
// boot (bootwork.go): the boot tasks with their kernel stacks in vmalloc
// space (CONFIG_VMAP_STACK, 16 KiB each: kernel/fork.c:
// alloc_thread_stack_node), the kernel's caches and objects, the per-CPU
// lists, rootfs and init. The task whose code runs (insmod, or the
// program) gets the last stack.
//
// Linux 2.0 had no vmalloc'ed stacks: do_fork took the task's kernel stack
// from the page allocator (kernel_stack_page = __get_free_page). mmplay
// keeps x86-64's THREAD_SIZE, so on 2.0 the current task gets one order-2
// block of the direct map (modelled: 2.0 on i386 used a single page), and
// no other boot tasks are made.
func (k *Kernel) AttachVmalloc(v Vmalloc) error {
	k.vmalloc = v
	if k.cfg.Kernel == "2.0" {
		pfn, err := k.Pages.AllocPages(buddy.GFP_KERNEL, 2, phys.OwnerPages)
		if err != nil {
			return fmt.Errorf("kernel: no memory for the task's kernel stack: %v", err)
		}
		k.boot.stacks = append(k.boot.stacks, PfnToVirt(pfn))
		return nil
	}
	if v == nil || k.boot.done {
		return nil
	}
	sa, ok := k.slab.(slabAdapter)
	if !ok {
		return nil
	}
	s, ok := sa.s.(*slab.Allocator)
	if !ok {
		return nil
	}
	return k.bootWork(s, v)
}

// KernelStacks returns the boot tasks' stack bases (the current task's is
// the last), for the integrator to place kernel-mode frames.
func (k *Kernel) KernelStacks() []uint64 { return append([]uint64(nil), k.boot.stacks...) }
