package kernel

import (
	"fmt"

	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// bootState holds what the boot left allocated after the buddy allocator
// took over: the boot tasks' kernel stacks and the early kmalloc objects.
type bootState struct {
	stacks   []uint64 // kernel stacks of the boot tasks (vmalloc addresses; direct map on 2.0)
	slabObjs []uint64 // early kmalloc objects
}

// bootTasks is the number of tasks alive on an idle one-CPU 6.1 VM after
// boot: init, kthreadd and the kernel threads (rcu, ksoftirqd/0,
// migration/0, cpuhp/0, kworkers, kswapd0, kcompactd0, the workqueue
// rescuers …). Modelled: about four dozen on such a guest.
const bootTasks = 48

// bootKmalloc lists the early kmalloc objects made when a slab allocator
// is attached: one and a half slabs' worth of each kmalloc-N cache, so the
// starting picture shows full and partial slabs (modelled: the real boot
// holds ~15 MB of slab in hundreds of caches, which mmplay does not
// reproduce). Sizes are the kmalloc classes of 6.1 (facts §5.1).
var bootKmalloc = []struct{ size, count uint64 }{
	{8, 768}, {16, 384}, {32, 192}, {64, 96}, {96, 63}, {128, 48}, {192, 32},
	{256, 24}, {512, 12}, {1024, 12}, {2048, 12}, {4096, 12}, {8192, 6},
}

// AttachSlab plugs the slab allocator in (kmem_cache_init's place in the
// boot) and makes the early kmalloc objects. Objects that cannot be made
// (a tiny machine) are skipped.
func (k *Kernel) AttachSlab(s Slab) {
	k.slab = s
	if s == nil || k.cfg.Kernel == "2.0" {
		return
	}
	for _, b := range bootKmalloc {
		for i := uint64(0); i < b.count; i++ {
			if k.Pages.FreePagesTotal() < 4096 {
				return // leave small machines their memory
			}
			if p, ok := s.Kmalloc(b.size, buddy.GFP_KERNEL); ok {
				k.boot.slabObjs = append(k.boot.slabObjs, p)
			}
		}
	}
}

// AttachVmalloc plugs the vmalloc allocator in and creates the boot tasks'
// kernel stacks in vmalloc space (CONFIG_VMAP_STACK, 16 KiB each:
// kernel/fork.c:alloc_thread_stack_node). The task whose code runs
// (insmod, or the program) gets the last one.
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
	if v == nil {
		return nil
	}
	for i := 0; i < bootTasks; i++ {
		addr, ok := v.AllocStack("copy_process+0x1f6/0x1c20")
		if !ok {
			return fmt.Errorf("kernel: no vmalloc space for boot task stack %d", i)
		}
		k.boot.stacks = append(k.boot.stacks, addr)
	}
	return nil
}

// KernelStacks returns the boot tasks' stack bases (the current task's is
// the last), for the integrator to place kernel-mode frames.
func (k *Kernel) KernelStacks() []uint64 { return append([]uint64(nil), k.boot.stacks...) }
