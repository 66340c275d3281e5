package kernel

import (
	"fmt"

	"mmplay/engine/buddy"
	"mmplay/engine/phys"
	"mmplay/engine/slab"
)

// The boot's work after the buddy allocator exists (doc.go, "Boot", steps
// 4–9): what an idle 6.1 guest like the reference one allocates between
// mm_init and the shell prompt of its busybox initramfs. Every allocation
// goes through the real allocators (buddy with its per-CPU lists and
// migrate types, SLUB, vmalloc), so where things land, and what is left
// fragmented, follows from the algorithms. The amounts are modelled (the
// measurement has only the totals: Slab 14972 kB, MemFree 163888 kB,
// reference/kernel/summary.txt), chosen so that the totals come out as
// measured on the 256 MiB guest; a machine too small for Debian's kernel
// runs bootPlan.scale of them.

// bootCache is one of the kernel's own kmem caches with the objects it
// holds after boot.
type bootCache struct {
	name        string
	size, align uint64
	flags       slab.SlabFlags
	objs        int // live objects after boot on the guest
}

const (
	hw   = slab.SLAB_HWCACHE_ALIGN
	rcl  = slab.SLAB_RECLAIM_ACCOUNT
	acct = slab.SLAB_ACCOUNT
)

// bootCaches are created in this order (kmem_cache_init, then
// start_kernel's proc_caches_init, vfs_caches_init, …, then the
// initcalls). Object sizes are 6.1 x86-64's as /proc/slabinfo prints
// them (objsize), rounded where the config changes them; counts are
// modelled for an idle one-CPU guest: sysfs's kernfs nodes for the
// devices and modules built in, the dentries and inodes of /sys, /proc,
// /dev and the initramfs, ftrace's event fields, ACPI's namespace.
var bootCaches = []bootCache{
	{"kmem_cache_node", 64, 0, hw, 160},
	{"kmem_cache", 256, 0, hw, 160},
	{"vmap_area", 64, 0, 0, 320},
	{"ftrace_event_field", 48, 0, 0, 8200},
	{"trace_event_file", 96, 0, 0, 1700},
	{"task_struct", 7552, 64, acct, 0},
	{"pid", 128, 0, hw | acct, 0},
	{"cred_jar", 192, 0, hw | acct, 120},
	{"sighand_cache", 2112, 0, hw | acct, 0},
	{"signal_cache", 1088, 0, hw | acct, 0},
	{"files_cache", 704, 0, hw | acct, 0},
	{"fs_cache", 64, 0, hw | acct, 0},
	{"mm_struct", 1024, 0, hw | acct, 0},
	{"vm_area_struct", 200, 0, acct, 0},
	{"anon_vma", 88, 0, acct, 0},
	{"anon_vma_chain", 64, 0, acct, 0},
	{"names_cache", 4096, 0, hw, 0},
	{"dentry", 192, 0, rcl, 11000},
	{"inode_cache", 600, 0, rcl, 1300},
	{"filp", 256, 0, hw | acct, 600},
	{"mnt_cache", 320, 0, hw | acct, 40},
	{"kernfs_node_cache", 128, 0, hw, 26000},
	{"kernfs_iattrs_cache", 88, 0, hw, 300},
	{"radix_tree_node", 576, 0, rcl, 420},
	{"proc_inode_cache", 680, 0, rcl, 420},
	{"proc_dir_entry", 192, 0, hw, 720},
	{"shmem_inode_cache", 760, 0, acct, 900},
	{"sock_inode_cache", 832, 0, hw | acct, 40},
	{"Acpi-Namespace", 40, 0, 0, 1800},
	{"Acpi-Operand", 72, 0, 0, 1300},
	{"Acpi-Parse", 56, 0, 0, 70},
	{"Acpi-State", 80, 0, 0, 50},
	{"fsnotify_mark_connector", 32, 0, 0, 200},
	{"pool_workqueue", 256, 256, 0, 60},
}

// bootKmalloc is the kmalloc objects alive after boot, per size class
// (drivers' and subsystems' own structures), on the guest.
var bootKmalloc = []struct {
	size uint64
	objs int
}{
	{8, 4000}, {16, 3000}, {32, 3500}, {64, 5000}, {96, 1500}, {128, 1600}, {192, 1600},
	{256, 1200}, {512, 1600}, {1024, 900}, {2048, 500}, {4096, 250}, {8192, 40},
}

// bootTask is what each task holds: one object of each of these caches,
// plus its kernel stack. Kernel threads share init's files and fs.
var taskCaches = []string{"task_struct", "pid", "sighand_cache", "signal_cache"}

// Boot tasks (modelled): the kernel threads of an idle one-CPU 6.1 guest
// (kthreadd, rcu_*, ksoftirqd/0, migration/0, cpuhp/0, kworkers, kswapd0,
// kcompactd0, khugepaged, the workqueue rescuers, …), then init (the
// initramfs's busybox shell, PID 1) and the task that runs the snippet.
const (
	bootKthreads = 56
	// rootfsPages is the initramfs unpacked into rootfs (tmpfs): a busybox
	// binary, its links and the measuring module (modelled).
	rootfsPages = 1100
	// initCommands is the commands init runs before the snippet's task
	// (mount, mkdir, mdev, …), each a short-lived child (modelled).
	initCommands = 12
	bootRounds   = 16
)

// bootState holds what the boot left allocated after the buddy allocator
// took over.
type bootState struct {
	stacks []uint64 // kernel stacks of the boot tasks (vmalloc addresses; direct map on 2.0)
	// pages are the blocks the boot took straight from the page
	// allocator (ftrace's records, the DMA pools, hash tables, rootfs,
	// init's page tables and anonymous pages): head pfn → order and owner.
	pages     map[uint64]bootBlock
	pageCache uint64 // rootfs pages (Shmem, Cached)
	done      bool
}

type bootBlock struct {
	order int
	owner phys.Owner
}

// bootPages allocates one block for the boot and remembers it.
func (k *Kernel) bootPages(gfp buddy.GFP, order int, owner phys.Owner) (uint64, bool) {
	pfn, err := k.Pages.AllocPages(gfp, order, owner)
	if err != nil {
		return 0, false
	}
	if k.boot.pages == nil {
		k.boot.pages = map[uint64]bootBlock{}
	}
	k.boot.pages[pfn] = bootBlock{order, owner}
	return pfn, true
}

func (k *Kernel) bootFree(pfn uint64) {
	b := k.boot.pages[pfn]
	delete(k.boot.pages, pfn)
	if err := k.Pages.FreePages(pfn, b.order); err != nil {
		panic("kernel: boot block refused by the page allocator")
	}
}

// scaled is n of the guest's amount on this machine.
func (k *Kernel) scaled(n int) int {
	if k.plan.scale >= 1 {
		return n
	}
	return int(float64(n) * k.plan.scale)
}

// bootWork runs steps 4–9 of the boot (doc.go) on a 6.1 machine with
// SLUB and vmalloc attached.
func (k *Kernel) bootWork(s *slab.Allocator, v Vmalloc) error {
	// 4. Before setup_per_cpu_pageset: the boot pageset keeps nothing.
	// ftrace_init takes its records: "ftrace: allocated 179 pages with 5
	// groups" on a Debian kernel, in blocks of decreasing order.
	for _, o := range []int{7, 5, 4, 1, 0} {
		if k.scaled(1<<o) == 0 && o > 0 {
			continue
		}
		k.bootPages(buddy.GFP_KERNEL|buddy.GFP__ZERO, o, phys.OwnerPages)
	}
	caches := map[string]*slab.Cache{}
	for _, bc := range bootCaches {
		c, err := s.KmemCacheCreate(bc.name, bc.size, bc.align, bc.flags)
		if err != nil {
			return fmt.Errorf("kernel: boot cache %s: %v", bc.name, err)
		}
		caches[bc.name] = c
	}
	// 5. setup_per_cpu_pageset: real per-CPU lists; until the watermarks
	// exist their high limit is 4·batch (zone_highsize).
	k.Pages.SetupPCP(true)
	// 6. The rest of start_kernel and the initcalls, interleaved: caches
	// fill, kernel threads start, scratch kmallocs come and go.
	var scratch [][]uint64
	task := func() error {
		for _, name := range taskCaches {
			if s.BootFill(caches[name], 1, buddy.GFP_KERNEL) != 1 {
				return fmt.Errorf("kernel: no memory for a boot task")
			}
		}
		addr, ok := v.AllocStack("copy_process+0x1f6/0x1c20")
		if !ok {
			return fmt.Errorf("kernel: no vmalloc space for boot task stack %d", len(k.boot.stacks))
		}
		k.boot.stacks = append(k.boot.stacks, addr)
		return nil
	}
	// the caches fill a whole slab at a time; each cache's last, partly
	// used slab comes at the end (its CPU slab)
	type fill struct {
		c          *slab.Cache
		full, rest int
	}
	var fills []fill
	add := func(c *slab.Cache, objs int) {
		if objs > 0 {
			n := (objs - 1) / c.ObjPerSlab
			fills = append(fills, fill{c, n, objs - n*c.ObjPerSlab})
		}
	}
	for _, bc := range bootCaches {
		add(caches[bc.name], k.scaled(bc.objs))
	}
	for _, km := range bootKmalloc {
		add(s.KmallocCache(km.size, buddy.GFP_KERNEL), k.scaled(km.objs))
	}
	kthreads := k.scaled(bootKthreads)
	for r := 0; r < bootRounds; r++ {
		share := func(n int) int { return n*(r+1)/bootRounds - n*r/bootRounds }
		for _, f := range fills {
			if n := share(f.full); n > 0 {
				s.BootFill(f.c, n*f.c.ObjPerSlab, buddy.GFP_KERNEL)
			}
		}
		for i := share(kthreads); i > 0; i-- {
			if err := task(); err != nil {
				return err
			}
		}
		// scratch buffers (firmware tables parsed, names built,
		// temporary arrays), freed two rounds later
		var batch []uint64
		for _, size := range []uint64{64, 256, 512, 1024, 4096} {
			for i := 0; i < k.scaled(8); i++ {
				if p, _ := s.Kmalloc(size, buddy.GFP_KERNEL); p != 0 {
					batch = append(batch, p)
				}
			}
		}
		scratch = append(scratch, batch)
		if r >= 2 {
			for _, p := range scratch[r-2] {
				s.Kfree(p)
			}
		}
		if r == bootRounds/4 {
			// 7. postcore_initcall: init_per_zone_wmark_min has set the
			// watermarks; zone_pcp_update gives the lists their high.
			// dma_atomic_pool_init: 128 KiB for each of GFP_KERNEL,
			// GFP_DMA and GFP_DMA32 ("DMA: preallocated 128 KiB … pool
			// for atomic allocations").
			k.Pages.SetupPCP(false)
			for _, g := range []buddy.GFP{buddy.GFP_KERNEL, buddy.GFP_KERNEL | buddy.GFP_DMA, buddy.GFP_KERNEL | buddy.GFP_DMA32} {
				k.bootPages(g, 5, phys.OwnerPages)
			}
		}
		if r == bootRounds/2 && k.Mem.RAM() >= 512<<20 {
			// hugepage_init: THP is on for machines of 512 MiB and more,
			// and khugepaged raises min_free_kbytes
			if kb := k.Pages.RecommendedMinFreeKbytes(); kb > 0 {
				k.Pages.SetupWatermarks(kb)
			}
		}
	}
	for _, b := range scratch[max(0, len(scratch)-2):] {
		for _, p := range b {
			s.Kfree(p)
		}
	}
	for _, f := range fills {
		s.BootFill(f.c, f.rest, buddy.GFP_KERNEL)
	}
	// 8. fs_initcall populate_rootfs: the initramfs is unpacked into rootfs
	// (tmpfs: movable page-cache pages), then its copy is freed
	// (free_initrd_mem → free_reserved_area).
	for i := k.scaled(rootfsPages); i > 0; i-- {
		if _, ok := k.bootPages(buddy.GFP_HIGHUSER_MOVABLE, 0, phys.OwnerUserFile); !ok {
			break
		}
		k.boot.pageCache++
	}
	if k.initrd.pages > 0 {
		end := k.initrd.start + k.initrd.pages
		if err := k.Mem.Unreserve(k.initrd.start, end, phys.OwnerMemblock); err != nil {
			return err
		}
		k.dropMemblockRegion(k.initrd.start)
		k.Pages.FreeReserved(k.initrd.start, end)
		k.pr(LogInfo, "Freeing initrd memory: %dK", k.initrd.pages*4)
	}
	// 9. User space: init (PID 1) runs the initramfs's script; each
	// command is a child that execs, runs and exits.
	proc := func() (pts, anon []uint64) {
		for i := 0; i < 5; i++ { // PGD (+ its user copy), PUD, PMD, PTE tables
			if p, ok := k.bootPages(buddy.GFP_PGTABLE_USER, 0, phys.OwnerPageTable); ok {
				pts = append(pts, p)
			}
		}
		for i := 0; i < 24; i++ { // stack, data, bss, heap
			if p, ok := k.bootPages(buddy.GFP_HIGHUSER_MOVABLE|buddy.GFP__ZERO, 0, phys.OwnerUserAnon); ok {
				anon = append(anon, p)
			}
		}
		return
	}
	if err := task(); err != nil { // init
		return err
	}
	s.BootFill(caches["mm_struct"], 1, buddy.GFP_KERNEL)
	s.BootFill(caches["files_cache"], 1, buddy.GFP_KERNEL)
	s.BootFill(caches["fs_cache"], 1, buddy.GFP_KERNEL)
	s.BootFill(caches["vm_area_struct"], 20, buddy.GFP_KERNEL)
	proc()
	if err := task(); err != nil { // the task that will run the snippet
		return err
	}
	for c := k.scaled(initCommands); c > 0; c-- {
		pts, anon := proc()
		for _, p := range anon {
			k.bootFree(p)
		}
		for _, p := range pts {
			k.bootFree(p)
		}
	}
	k.boot.done = true
	return nil
}

// dropMemblockRegion forgets the memblock region starting at pfn (after
// its frames went to the buddy allocator).
func (k *Kernel) dropMemblockRegion(start uint64) {
	for i, r := range k.memblock.regions {
		if r.start == start {
			k.memblock.regions = append(k.memblock.regions[:i], k.memblock.regions[i+1:]...)
			return
		}
	}
}
