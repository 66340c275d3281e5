// Package kernel is the kernel side of mmplay: what sits between a
// module snippet and the allocators. It models Linux 6.1 on x86-64 as the
// reference guest measured it (reference/kernel/: Debian 12's
// 6.1.0-56-amd64 under QEMU, one CPU, 256 MiB), and the Linux 2.0 page
// allocator limits for kernel=2.0.
//
// # What it holds
//
//   - The kernel log (printk.go): records with a level (KERN_SOH "\001"
//     and a digit, include/linux/kern_levels.h; a message without one gets
//     CONFIG_MESSAGE_LOGLEVEL_DEFAULT = 4), KERN_CONT continuation, and a
//     fake monotonic clock (1.3 s at boot, +1 µs per line, plus whatever
//     the integrator adds with AdvanceClock). Dmesg returns the lines as
//     `dmesg -t` prints them (for --dmesg); LogLine.Stamped the console
//     form "[    1.300001] text". Every line is an arch.EvPrintk event.
//     The formatter (vsprintf.go) is lib/vsprintf.c cut down: integer
//     conversions with flags, width and precision, %s with "(null)" and
//     "(efault)", and %p hashed (32 bits, 16 digits; mmplay's hash key is
//     fixed so runs repeat), %px raw, %pa, %pS, %pGg.
//   - The CPU context (context.go): preempt_count with its PREEMPT,
//     SOFTIRQ (SOFTIRQ_DISABLE_OFFSET 0x200) and HARDIRQ (HARDIRQ_OFFSET
//     0x10000) fields, the IF flag, the stack of held spinlocks, and the
//     IRQ lines with their handlers. raise_irq(n) runs the handlers now
//     through CallFunc with preempt_count += 0x10000 and IRQs off, or
//     leaves the interrupt pending until IRQs are enabled again.
//   - The page-allocator API (pages.go) over package buddy, with direct-map
//     addresses (PAGE_OFFSET 0xffff888000000000, measured) and struct page
//     pointers in the vmemmap (0xffffea0000000000 + pfn·64).
//   - Kernel memory (kmem.go): Load/Store/ReadBytes/WriteBytes for the
//     direct map, the kernel image, the module area (MODULES_VADDR
//     0xffffffffc0000000) and, through the Vmalloc interface, vmalloc
//     space; anything else is an Oops.
//   - The OOM killer (oom.go): installed in the page allocator, it kills
//     the task running the snippet (insmod, or the program) when a small
//     allocation that may sleep finds nothing even after (simulated,
//     fruitless) reclaim, with dump_header's report, the task table and
//     the "Out of memory: Killed process" line; the SIGKILL lands when the
//     task returns to user mode (ReturnToUser, TakeFatalSignal).
//   - memblock and the boot (memblock.go, boot.go), character devices and
//     the user↔kernel copies (chrdev.go), /proc (procfs.go), modules and
//     their leaks (module.go), the C headers (headers.go) and the builtin
//     table (builtins.go).
//
// # Boot (Boot, AttachSlab, AttachVmalloc)
//
//  1. phys.New lays out the frames: the first 1 MiB reserved, the kernel
//     image at 16 MiB (8 MiB in the model).
//  2. memblock reserves, top-down below memblock.current_limit (the end of
//     RAM below 4 GiB): 2 pages of direct-map page tables; the vmemmap,
//     2 MiB per 128 MiB section, 2 MiB aligned (64-byte struct pages); the
//     per-CPU first chunk, 61 pages for the one CPU, 2 MiB aligned. On 6.1
//     machines of 64 MiB or more it also reserves pfn 256–287: the measured
//     guest's DMA zone shows exactly these 32 frames taken (its
//     /proc/buddyinfo DMA line is "0 0 0 0 0 1 1 1 0 1 3"); the model
//     reproduces that line exactly. The real owner was not identified, so
//     this one is fitted, not derived.
//  3. buddy.New takes every other free frame (memblock_free_all).
//  4. AttachSlab (kmem_cache_init's place) makes early kmalloc objects:
//     one and a half slabs of each kmalloc-N cache (modelled; the real
//     guest holds ~15 MB of slab in hundreds of caches).
//  5. AttachVmalloc creates 48 boot tasks' kernel stacks, 16 KiB each in
//     vmalloc space, 16 KiB aligned (CONFIG_VMAP_STACK, THREAD_ALIGN; the
//     task count is modelled for an idle one-CPU VM): 32 KiB apart, with
//     12 KiB holes where later 1- and 2-page vmallocs land, as measured.
//
// How close the start is to the measured 256 MiB guest: DMA matches
// exactly; DMA32 is "1 2 1 1 1 1 2 2 0 1 56" before slab and vmalloc are
// attached against the measured "6 5 7 6 5 8 6 6 5 3 32" — mostly order-10
// blocks in both, but the model has 24 more of them because its kernel
// image is 8 MiB instead of Debian's ~45 MiB, and the low orders are
// sparser (no page cache, no per-CPU lists, no 15 MB of boot slab).
// MemTotal is 248452 kB in the model against the measured 192320 kB for
// the same reason.
//
// # Allocate: __get_free_pages(gfp, order) (compare mm/page_alloc.c:__alloc_pages)
//
//  1. might_alloc(gfp) (include/linux/sched/mm.h:274): a request with
//     __GFP_DIRECT_RECLAIM (GFP_KERNEL 0xcc0) while preempt_count ≠ 0 or
//     IRQs are off prints, with debug=on (CONFIG_DEBUG_ATOMIC_SLEEP),
//     __might_resched's "BUG: sleeping function called from invalid
//     context" report (rate limited to one per second) and goes on; with
//     debug=off stock Debian prints nothing (measured). mmplay's report
//     list gets a plain-words entry either way.
//  2. order ≥ MAX_ORDER (11 on 6.1, 6 on 2.0): NULL; 6.1 prints the
//     measured one-time "WARNING: CPU: 0 PID: … at mm/page_alloc.c:5634
//     __alloc_pages+0x2a9/0x330" block unless __GFP_NOWARN.
//  3. init_on_alloc (debug=off: 1, measured CONFIG_INIT_ON_ALLOC_DEFAULT_ON;
//     debug=on: 0) adds __GFP_ZERO.
//  4. buddy.AllocPages, which calls the OOM killer (oom.go) when the
//     kernel would; a failure prints warn_alloc's "<comm>: page
//     allocation failure: order:N, mode:0x…(<flags>), nodemask=(null)"
//     with the cpuset suffix, a call trace and the Mem-Info block, at most
//     once per 10 s of the fake clock, never with __GFP_NOWARN.
//  5. The block is remembered with the running module, for leak lists.
//
// # Free: free_pages(addr, order) (compare __free_pages, free_pages_prepare)
//
//  1. The order is not checked against the allocation's, as in the kernel.
//  2. Too small: the head 2^order frames are freed, the rest are lost for
//     good, silently (the kernel prints nothing; mmplay reports it).
//  3. Too large: the extra frames are someone else's or free; buddy refuses
//     the free (BadPageError) and each bad frame gets "BUG: Bad page state
//     in process <comm>  pfn:<%05lx>", "page dumped because: <reason>",
//     the module list and a stack; the block is lost (its reference count
//     was already dropped). Printed with debug=off too: 6.1 checks the tail
//     pages of every multi-page free unconditionally.
//
// # Oops
//
// A kernel access to an unmapped kernel address, or to a user address
// (SMAP), prints show_fault_oops's lines ("BUG: unable to handle page
// fault for address: …" or "BUG: kernel NULL pointer dereference, address:
// …", "#PF: supervisor read access in kernel mode", "#PF:
// error_code(0x0000) - not-present page"), the header "Oops: 0000 [#1]
// PREEMPT SMP NOPTI" (arch/x86/kernel/dumpstack.c:__die_header with
// Debian's PREEMPT_DYNAMIC, SMP, and PTI off on the QEMU CPU), the task
// line, "CR2: …" and the end marker, then kills the current task with
// SIGKILL: arch/x86/mm/fault.c:page_fault_oops hands sig = SIGKILL to
// oops_end, which calls make_task_dead(SIGKILL). When in_interrupt() (a
// hard IRQ, or softirqs off under spin_lock_bh) oops_end panics instead
// ("Kernel panic - not syncing: Fatal exception in interrupt"), and the
// run ends as a kill. Registers and "Code:" bytes are not printed.
//
// A BUG()/BUG_ON() (die.go) prints lib/bug.c:report_bug's cut line and
// "kernel BUG at <file>:<line>!", then the same Oops with the header
// "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI" (the ud2 trap); the task
// dies with SIGSEGV, or the machine panics in interrupt context. vmalloc,
// vzalloc and ioremap in interrupt context hit __get_vm_area_node's
// BUG_ON(in_interrupt()) (mm/vmalloc.c:2497 in 6.1.158; the line is not
// measured) after the size checks, so vmalloc(0) still only warns.
//
// Call traces name the snippet's function that called in through Caller:
// the integrator models its offset and size from the source (see
// engine/kernelside.go); the kernel's own frames have fixed offsets.
//
// # Character devices and /proc
//
// register_chrdev takes a struct file_operations in snippet memory; the
// kernel reads only the llseek, read, write, open and release pointers at
// their 6.1 offsets (8, 16, 24, 112, 128). SysOpen/SysRead/SysWrite/
// SysLseek/SysClose are the user side: they build a struct file (6.1
// layout, 232 bytes) and mmplay's struct inode in kernel memory and call
// the handlers through CallFunc with real argument values. copy_to_user
// and copy_from_user return the bytes not copied, and copy_from_user
// zero-fills the uncopied tail (facts §7). /proc files are read on demand
// from the live machine (meminfo in 6.1's format, buddyinfo, devices, and
// whatever slab, vmalloc, the integrator or a module registers); a
// module's file is a seq_file (proc_create_single, or proc_create with a
// proc_open that calls single_open).
//
// # Wiring (for the integrator)
//
//	k, _ := kernel.Boot(kernel.Config{RAM: ram, Kernel: "6.1", Debug: true, Recorder: rec})
//	s, _ := slab.New(slab.Config{Pages: k.Pages, InitOnAlloc: k.InitOnAlloc(),
//		TooLargeWarned: k.TooLargeWarned(), Tainted: k.Tainted, …})
//	v, _ := vmalloc.New(vmalloc.Config{Pages: k.Pages, Slab: s, InitOnAlloc: k.InitOnAlloc()})
//	k.UseSlab(s)       // kmalloc builtins, /proc/slabinfo, early slab objects
//	_ = k.UseVmalloc(v) // vmalloc space, /proc/vmallocinfo, boot kernel stacks
//	k.CallFunc = thread.CallAddr // handlers, module_init/exit, show functions
//	k.DataMem = mem              // the combined view snippet data lives in
//	builtins := k.Builtins()     // after UseSlab/UseVmalloc
//
// Boot builds phys and buddy itself (memblock must run between them), so
// the machine's memory is k.Mem and k.Pages. Per run: LoadModule,
// AllocModuleMemory for the module's data, RunInit, then SetCurrent and
// AttachUser for the user program (its open/read/write/lseek/close on
// /dev/NAME go to SysOpen…SysClose when IsDevice/IsDeviceFD), then
// UnloadModule, whose Leak list is also in Reports. Kernel-half addresses
// (KernelAddr) go to k.Load/Store/ReadBytes/WriteBytes. ioremapped device
// memory reads as all ones and ignores writes (mmplay has no devices).
//
// # kernel=2.0
//
// The 2.0 model keeps 2.0's limits (orders 0–5, its kmalloc) and prints
// none of 6.1's lines: no module taint or signature messages (2.0 had
// neither), a silent sys_init_module that fails any nonzero init result
// with -EBUSY, no WARN blocks, no warn_alloc reports, no "Bad page
// state", no OOM killer for kernel allocations, no vmalloc BUG_ON. Where
// 6.1 refuses something 2.0 let through (a wrong-order free), the model
// still refuses it and says so in its report. A kernel Oops still prints
// 6.1's format.
//
// # Not modelled
//
// A call into code of an unloaded module is an instruction-fetch Oops
// (error code 0x10), but the module's struct file_operations itself is
// freed with its memory, so usually the read of f_op faults first.
// Not modelled either: might_fault in the uaccess functions;
// kmem_cache_* builtins (package slab's, not wired here); per-CPU page
// lists; i386; the register dumps of crash reports; block devices; a proc_read that copies
// to a user buffer. The call-trace frames and their offsets are modelled:
// the real ones depend on the build.
package kernel
