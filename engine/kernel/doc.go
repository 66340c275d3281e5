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
//     the user↔kernel copies (chrdev.go), /proc (procfs.go, zoneinfo.go),
//     modules and their leaks (module.go), kmem_cache_* and krealloc
//     (kmemcache.go), the C headers (headers.go) and the builtin table
//     (builtins.go).
//
// # Boot (Boot, AttachSlab, AttachVmalloc)
//
// A 6.1 machine of 256 MiB or more boots the reference guest's kernel
// (Debian's image, command line "console=ttyS0 nokaslr quiet
// log_buf_len=4M", a busybox initramfs); a smaller one, where Debian's
// image and log buffer would leave too little, boots a smaller, modelled
// kernel. Every step runs through the real allocators, so where things
// land and what is left fragmented follows from the algorithms.
//
//  1. phys.New lays out the frames from QEMU's e820 map (package phys):
//     the first MiB reserved, the last 128 KiB of low RAM firmware's, and
//     the kernel image at 16 MiB. The guest's image is derived, not
//     guessed (bootplan.go:debianImagePages): its present pages (65406),
//     less the measured MemTotal (192320 kB = 48080 pages), less every
//     other reservation the boot keeps, is what the image must hold, plus
//     its __init section (700 pages, modelled), which the boot frees: 44
//     MiB, about Debian's 39 MiB vmlinux plus the small memblock
//     allocations the model does not itemise. Smaller machines: package
//     phys's 8 MiB (or, below 64 MiB, 1 MiB) image.
//  2. memblock (memblock.go), top-down below the end of RAM, in
//     setup_arch → start_kernel order: the initramfs at the top of low RAM
//     (1 MiB, modelled; freed in step 8); with log_buf_len=4M (guest
//     only) the printk ring buffer: 4 MiB of text, 3 MiB of descriptors
//     and 11 MiB of printk_info (setup_log_buf: one prb_desc of 24 bytes
//     and one printk_info of 88 bytes per 32 bytes of text); 2 pages of
//     direct-map page tables (modelled); NODE_DATA(0), 43 pages (as a
//     Debian kernel logs it on QEMU); the vmemmap, 2 MiB per 128 MiB
//     section that holds RAM, 2 MiB aligned; the per-CPU first chunk (a 2
//     MiB unit, 61 pages kept, the rest given back); the dentry and inode
//     hash tables by alloc_large_system_hash's formula (32768 and 16384
//     entries at 256 MiB); the 64 MiB swiotlb when RAM reaches past 4 GiB.
//     With these the guest's MemTotal is exactly the measured 192320 kB,
//     and its DMA zone's free lists come out as measured ("0 0 0 0 0 1 1 1
//     0 1 3"): what the first MiB, the kernel image at 16 MiB and memblock's
//     top-down order leave of the first 16 MiB.
//  3. buddy.New takes every other free frame (memblock_free_all), with the
//     boot pageset (nothing stays on the per-CPU lists).
//  4. AttachSlab and AttachVmalloc (kmem_cache_init's and vmalloc_init's
//     places) run the boot's work (bootwork.go). ftrace_init's 179 pages
//     in 5 groups ("ftrace: allocated 179 pages with 5 groups"), then the
//     kernel's own caches (kmem_cache, vmap_area, dentry, inode_cache,
//     kernfs_node_cache, task_struct, … 34 of them, 6.1's object sizes and
//     flags; dentry, inode and radix-tree caches are reclaimable).
//  5. setup_per_cpu_pageset: real per-CPU lists (high 4·batch until the
//     watermarks exist).
//  6. The rest of start_kernel and the initcalls, in 16 interleaved rounds:
//     each round the caches grow a slab at a time, taking turns, toward
//     the objects an idle guest holds (about 22700 kernfs nodes, 11000
//     dentries, 8200 ftrace event fields, and kmalloc objects of every
//     class: modelled counts, chosen so that Slab comes out as the
//     measured 14972 kB), transient objects (ACPI's parse trees and walk
//     states, path names, scratch buffers) are made and freed two rounds
//     later, and kernel threads start: 56 (modelled), each with its
//     task_struct, pid, sighand and signal objects and a 16 KiB vmalloc'ed
//     stack (CONFIG_VMAP_STACK, 32 KiB apart with the guard page and
//     THREAD_ALIGN). A quarter through, postcore initcalls set the
//     watermarks (init_per_zone_wmark_min), give the per-CPU lists their
//     high (zone_pcp_update) and make the three 128 KiB atomic DMA pools
//     (GFP_KERNEL, GFP_DMA, GFP_DMA32); half-way, on machines of 512 MiB
//     and more, khugepaged raises min_free_kbytes.
//  7. Each cache's last, partly used slab stays its CPU slab.
//  8. populate_rootfs unpacks the initramfs into rootfs: 1100 movable
//     page-cache pages (modelled: busybox and the measuring module; Shmem
//     and Cached in /proc/meminfo); the initramfs's copy is freed
//     ("Freeing initrd memory: 1024K"), then the image's __init section a
//     page at a time through the per-CPU lists ("Freeing unused kernel
//     image (initmem) memory: 2800K").
//  9. User space: init (PID 1) with its mm, page tables and 24 pages, the
//     task that will run the snippet, and 40 commands of init's script
//     (modelled), each a child that forks, execs, runs (page tables, 16
//     anonymous pages, a seq_file buffer, dentries and inodes it leaves
//     cached) and exits; its task structures are freed after the next
//     command exits (an RCU grace period).
//
// A machine too small for the guest's work runs a fraction of it
// (bootPlan.scale: at most a quarter of its managed memory's worth). The
// boot is not traced and keeps no log lines (the kernel log starts with
// the snippet): the trace starts with the snippet, and the boot's
// slabs that nobody touches since are counted, not listed, in the
// snapshot (slab.EndBoot).
//
// How close the 256 MiB machine is to the measured guest (TestKernelFacts
// and its ratchet, engine/testdata/kernel-facts-known-failures.txt):
// MemTotal exact; Slab 14972 kB as measured; the DMA line exact; DMA32
// "2 3 2 3 2 5 5 5 0 1 36" against the measured "6 5 7 6 5 8 6 6 5 3 32"
// (orders 4, 5, 6, 8 and 10 of the page allocator scenario's counts
// match; the low orders do not: the guest's boot churned many more
// unmovable pages through its per-CPU lists than the modelled one, which
// leaves the model's low unmovable lists nearly empty). MemFree is 169504
// kB against the measured 163888 kB; the guest's VmallocUsed was 7340 kB
// against the model's 928 kB of stacks, read before its module's
// scenarios ran but not recorded as before or after insmod (so either
// module_alloc's pages or boot-time vmallocs the model lacks; the
// ratchet file says what data would settle it).
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
// A snippet with both module_init and main is loaded as one image in the
// program's memory (engine/machine.go): the module's globals are then at
// user addresses, not in the module area. mmplay says so in the report
// list of every such run (Note).
//
// # arch=i386
//
// An i386 machine (kernel 6.1) has a 32-bit kernel's zones (package phys):
// DMA, Normal up to 896 MiB and HighMem above. memblock allocates below
// max_low_pfn, the initramfs sits below it, GFP_KERNEL and kmalloc stay in
// lowmem, user pages, the page cache and vmalloc's pages (__GFP_HIGHMEM)
// go to HighMem first; page_address of a HighMem page is NULL (kmap is
// not modelled); /proc/meminfo gains HighTotal, HighFree, LowTotal and
// LowFree and its DirectMap covers lowmem. It boots the smaller, modelled
// kernel at every size (the measured guest was x86-64). A simplification:
// only the physical side changes. Virtual addresses (the direct map at
// 0xffff888000000000, vmalloc space, the module area, user space), page
// tables, pointer sizes and the compiler's types stay x86-64's; the real
// i386 kernel has its direct map at 0xc0000000, a vmalloc area of about
// 120 MiB between lowmem and 4 GiB, and 4-byte pointers.
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
// Not modelled either: might_fault in the uaccess functions; the
// register dumps of crash reports; block devices; a proc_read that copies
// to a user buffer; the boot's other ~120 caches, its page tables beyond
// the direct map's, its timers, workqueues and interrupts (the boot's
// amounts are modelled, see "Boot"). The call-trace frames and their offsets are modelled:
// the real ones depend on the build.
package kernel
