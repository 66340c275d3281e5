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
	{"kernfs_node_cache", 128, 0, hw, 22700},
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

// bootTransient is the objects each boot round makes and frees two rounds
// later (modelled): a cache name, or a kmalloc size.
var bootTransient = []struct {
	cache string
	size  uint64
	objs  int
}{
	{"Acpi-Parse", 0, 400}, {"Acpi-State", 0, 300}, {"", 256, 200}, {"", 1024, 60}, {"names_cache", 0, 16},
}

type transient struct {
	c *slab.Cache
	p uint64
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
	// (mount, mkdir, mdev, cat of /proc files, …), each a short-lived
	// child (modelled).
	initCommands = 40
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
//
// RATIONALE: each step is a function of its own, and so is each hot loop.
// In a browser the wasm's hot functions are compiled a second time by the
// optimising compiler, at a cost that grows with the function's size: as
// one 31 kB function the boot was the largest such job of the page's
// start (0.3–0.4 s of a 2-core machine's CPU, taken from the first run).
func (k *Kernel) bootWork(s *slab.Allocator, v Vmalloc) error {
	// the boot is not traced (doc.go)
	s.BeginBoot()
	rec := k.Pages.SetRecorder(nil)
	defer k.Pages.SetRecorder(rec)
	b := &bootRun{k: k, s: s, v: v}
	if err := b.early(); err != nil {
		return err
	}
	if err := b.initcalls(); err != nil {
		return err
	}
	if err := b.rootfs(); err != nil {
		return err
	}
	if err := b.userspace(); err != nil {
		return err
	}
	s.EndBoot()
	k.boot.done = true
	return nil
}

// bootRun is the boot's work in progress (bootWork).
type bootRun struct {
	k      *Kernel
	s      *slab.Allocator
	v      Vmalloc
	caches map[string]*slab.Cache // the boot caches by name
}

// early is step 4, before setup_per_cpu_pageset: the boot pageset keeps
// nothing. ftrace_init takes its records: "ftrace: allocated 179 pages
// with 5 groups" on a Debian kernel, in blocks of decreasing order. Then
// the boot caches are created.
func (b *bootRun) early() error {
	k, s := b.k, b.s
	for _, o := range []int{7, 5, 4, 1, 0} {
		if k.scaled(1<<o) == 0 && o > 0 {
			continue
		}
		k.bootPages(buddy.GFP_KERNEL|buddy.GFP__ZERO, o, phys.OwnerPages)
	}
	b.caches = map[string]*slab.Cache{}
	for _, bc := range bootCaches {
		c, err := s.KmemCacheCreate(bc.name, bc.size, bc.align, bc.flags)
		if err != nil {
			return fmt.Errorf("kernel: boot cache %s: %v", bc.name, err)
		}
		b.caches[bc.name] = c
	}
	return nil
}

// task starts a boot task: its objects (taskCaches) and its kernel stack.
func (b *bootRun) task() error {
	for _, name := range taskCaches {
		if b.s.BootFill(b.caches[name], 1, buddy.GFP_KERNEL) != 1 {
			return fmt.Errorf("kernel: no memory for a boot task")
		}
	}
	addr, ok := b.v.AllocStack("copy_process+0x1f6/0x1c20")
	if !ok {
		return fmt.Errorf("kernel: no vmalloc space for boot task stack %d", len(b.k.boot.stacks))
	}
	b.k.boot.stacks = append(b.k.boot.stacks, addr)
	return nil
}

// bootFill is a cache's share of the boot's long-lived objects: whole
// slabs, then its last, partly used slab (its CPU slab) at the end.
type bootFill struct {
	c          *slab.Cache
	full, rest int
}

// bootTurn is a cache's part of one round of the initcalls: slabs of
// long-lived objects, or transient objects (when transient > 0).
type bootTurn struct {
	c         *slab.Cache
	slabs     int
	transient int // objects, when transient
}

// initcalls are steps 5–7: setup_per_cpu_pageset, then the rest of
// start_kernel and the initcalls, interleaved in bootRounds rounds:
// caches fill, kernel threads start, scratch kmallocs come and go.
func (b *bootRun) initcalls() error {
	k, s := b.k, b.s
	// 5. setup_per_cpu_pageset: real per-CPU lists; until the watermarks
	// exist their high limit is 4·batch (zone_highsize).
	k.Pages.SetupPCP(true)
	fills := b.bootFills()
	kthreads := k.scaled(bootKthreads)
	var scratch [][]transient
	for r := 0; r < bootRounds; r++ {
		var err error
		if scratch, err = b.round(r, fills, scratch, kthreads); err != nil {
			return err
		}
	}
	for _, batch := range scratch[max(0, len(scratch)-2):] {
		b.freeTransient(batch)
	}
	fillRest(s, fills)
	return nil
}

// bootFills is what each cache of the boot fills: the caches fill a
// whole slab at a time; each cache's last, partly used slab comes at the
// end (its CPU slab, fillRest).
//
// RATIONALE: initcalls' loops are in functions of their own so that its
// own body stays small: V8 charges a wasm function's tier-up budget by its
// size at each loop back edge, and initcalls, run once per boot, was
// recompiled by the page's optimising compiler during the cold load for
// nothing (see declSpecs in engine/cc/syntax).
//
//go:noinline
func (b *bootRun) bootFills() []bootFill {
	k, s := b.k, b.s
	var fills []bootFill
	add := func(c *slab.Cache, objs int) {
		if objs > 0 {
			n := (objs - 1) / c.ObjPerSlab
			fills = append(fills, bootFill{c, n, objs - n*c.ObjPerSlab})
		}
	}
	for _, bc := range bootCaches {
		add(b.caches[bc.name], k.scaled(bc.objs))
	}
	for _, km := range bootKmalloc {
		add(s.KmallocCache(km.size, buddy.GFP_KERNEL), k.scaled(km.objs))
	}
	return fills
}

// fillRest allocates each cache's last, partly used slab.
//
//go:noinline
func fillRest(s *slab.Allocator, fills []bootFill) {
	for _, f := range fills {
		s.BootFill(f.c, f.rest, buddy.GFP_KERNEL)
	}
}

// round is round r of the initcalls. The caches grow a slab at a time,
// taking turns as their CPU slabs run out: the long-lived objects and
// the transient ones (the ACPI interpreter's parse trees and walk states
// while it loads the namespace, path names, scratch buffers), which are
// freed two rounds later, their emptied slabs going back to the page
// allocator between the long-lived ones. scratch holds each round's
// transient objects; round returns it with this round's.
func (b *bootRun) round(r int, fills []bootFill, scratch [][]transient, kthreads int) ([][]transient, error) {
	k := b.k
	turns := b.roundTurns(r, fills)
	// a round's batch reuses the slice of the batch freed two rounds ago
	var batch []transient
	if r >= 3 {
		batch = scratch[r-3][:0]
		scratch[r-3] = nil
	} else {
		n := 0
		for _, tr := range bootTransient {
			n += k.scaled(tr.objs)
		}
		batch = make([]transient, 0, n)
	}
	scratch = append(scratch, b.takeTurns(turns, batch))
	if r >= 2 {
		b.freeTransient(scratch[r-2])
	}
	for i := roundShare(kthreads, r); i > 0; i-- {
		if err := b.task(); err != nil {
			return scratch, err
		}
	}
	if r == bootRounds/4 {
		b.postcore()
	}
	if r == bootRounds/2 && k.Mem.RAM() >= 512<<20 {
		// hugepage_init: THP is on for machines of 512 MiB and more,
		// and khugepaged raises min_free_kbytes
		if kb := k.Pages.RecommendedMinFreeKbytes(); kb > 0 {
			k.Pages.SetupWatermarks(kb)
		}
	}
	return scratch, nil
}

// roundShare is round r's share of n, spread over the bootRounds rounds.
func roundShare(n, r int) int { return n*(r+1)/bootRounds - n*r/bootRounds }

// roundTurns are round r's turns: each cache's share of its whole slabs
// of long-lived objects, then the transient objects.
func (b *bootRun) roundTurns(r int, fills []bootFill) []bootTurn {
	var turns []bootTurn
	for _, f := range fills {
		if n := roundShare(f.full, r); n > 0 {
			turns = append(turns, bootTurn{c: f.c, slabs: n})
		}
	}
	for _, tr := range bootTransient {
		c := b.s.KmallocCache(tr.size, buddy.GFP_KERNEL)
		if tr.cache != "" {
			c = b.caches[tr.cache]
		}
		if n := b.k.scaled(tr.objs); n > 0 {
			turns = append(turns, bootTurn{c: c, slabs: (n + c.ObjPerSlab - 1) / c.ObjPerSlab, transient: n})
		}
	}
	return turns
}

// postcore is step 7, postcore_initcall: init_per_zone_wmark_min has set
// the watermarks; zone_pcp_update gives the lists their high.
// dma_atomic_pool_init: 128 KiB for each of GFP_KERNEL, GFP_DMA and
// GFP_DMA32 ("DMA: preallocated 128 KiB … pool for atomic allocations").
func (b *bootRun) postcore() {
	b.k.Pages.SetupPCP(false)
	for _, g := range []buddy.GFP{buddy.GFP_KERNEL, buddy.GFP_KERNEL | buddy.GFP_DMA, buddy.GFP_KERNEL | buddy.GFP_DMA32} {
		b.k.bootPages(g, 5, phys.OwnerPages)
	}
}

// takeTurns runs a round's turns until every cache has had its slabs,
// appending the transient objects to batch.
func (b *bootRun) takeTurns(turns []bootTurn, batch []transient) []transient {
	s := b.s
	for more := true; more; {
		more = false
		for i := range turns {
			tu := &turns[i]
			if tu.slabs == 0 {
				continue
			}
			tu.slabs--
			more = more || tu.slabs > 0
			if tu.transient == 0 {
				s.BootFill(tu.c, tu.c.ObjPerSlab, buddy.GFP_KERNEL)
				continue
			}
			for j := min(tu.transient, tu.c.ObjPerSlab); j > 0; j-- {
				if p, _ := s.KmemCacheAlloc(tu.c, buddy.GFP_KERNEL); p != 0 {
					batch = append(batch, transient{tu.c, p})
				}
				tu.transient--
			}
		}
	}
	return batch
}

// freeTransient frees a round's transient objects.
func (b *bootRun) freeTransient(batch []transient) {
	for _, o := range batch {
		b.s.KmemCacheFree(o.c, o.p)
	}
}

// rootfs is step 8: fs_initcall populate_rootfs unpacks the initramfs
// into rootfs (tmpfs: movable page-cache pages), then its copy is freed
// (free_initrd_mem → free_reserved_area), and free_initmem frees the
// image's __init section.
func (b *bootRun) rootfs() error {
	k := b.k
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
		// "Freeing initrd memory: 1024K" (the boot's log is not kept:
		// dmesg starts with the snippet)
	}
	// free_initmem: the image's __init section goes to the buddy
	// allocator a page at a time (free_reserved_area), through the
	// per-CPU lists, which overflow and drain into the buddy lists
	if k.plan.initStart != 0 {
		end := k.plan.initStart + initPages
		if err := k.Mem.Unreserve(k.plan.initStart, end, phys.OwnerKernelImage); err != nil {
			return err
		}
		k.Pages.FreeReserved(k.plan.initStart, end)
		// "Freeing unused kernel image (initmem) memory: 2800K"
	}
	return nil
}

// userspace is step 9 (see its comment).
func (b *bootRun) userspace() error {
	k, s, caches := b.k, b.s, b.caches
	// 9. User space: init (PID 1) runs the initramfs's script; each
	// command is a child that forks (task structures, page tables),
	// execs (a path lookup through names_cache), runs (its stack and
	// heap; reading a /proc file through a seq_file buffer; the dentries,
	// inodes and small objects it leaves in the caches) and exits: its
	// pages go back at once, its task structures after an RCU grace
	// period, when the next command exits.
	if err := b.task(); err != nil { // init
		return err
	}
	for _, x := range []struct {
		name string
		n    int
	}{{"mm_struct", 1}, {"files_cache", 1}, {"fs_cache", 1}, {"vm_area_struct", 20}, {"anon_vma", 4}, {"anon_vma_chain", 8}} {
		s.BootFill(caches[x.name], x.n, buddy.GFP_KERNEL)
	}
	for i := 0; i < 5; i++ { // init's page tables and pages
		k.bootPages(buddy.GFP_PGTABLE_USER, 0, phys.OwnerPageTable)
	}
	for i := 0; i < 24; i++ {
		k.bootPages(buddy.GFP_HIGHUSER_MOVABLE|buddy.GFP__ZERO, 0, phys.OwnerUserAnon)
	}
	if err := b.task(); err != nil { // the task that will run the snippet
		return err
	}
	var prev *bootChild
	for c := k.scaled(initCommands); c > 0; c-- {
		ch := b.command()
		if prev != nil { // the previous command's task, after RCU
			prev.exitTask(s)
		}
		prev = ch
	}
	if prev != nil {
		prev.exitTask(s)
	}
	return nil
}

// commandObjects are the task structures of each of init's commands
// (fork: copy_process, copy_mm, dup_mmap) (modelled).
var commandObjects = []struct {
	name string
	n    int
}{
	{"task_struct", 1}, {"pid", 1}, {"cred_jar", 1}, {"signal_cache", 1}, {"sighand_cache", 1},
	{"files_cache", 1}, {"fs_cache", 1}, {"mm_struct", 1}, {"vm_area_struct", 12}, {"anon_vma", 3},
	{"anon_vma_chain", 4},
}

// bootChild is one of init's commands while it runs: what it allocated.
type bootChild struct {
	pages []uint64 // page tables and anonymous pages
	objs  []transient
}

// command runs one of init's commands up to its exit: it forks, execs,
// runs and exits; its pages are freed, its task structures are what it
// returns (freed after an RCU grace period, exitTask).
func (b *bootRun) command() *bootChild {
	k, s, caches := b.k, b.s, b.caches
	ch := &bootChild{}
	for _, x := range commandObjects {
		c := caches[x.name]
		for i := 0; i < x.n; i++ {
			if p, _ := s.KmemCacheAlloc(c, buddy.GFP_KERNEL); p != 0 {
				ch.objs = append(ch.objs, transient{c, p})
			}
		}
	}
	for i := 0; i < 5; i++ { // PGD (+ its user copy), PUD, PMD, PTE tables
		if p, ok := k.bootPages(buddy.GFP_PGTABLE_USER, 0, phys.OwnerPageTable); ok {
			ch.pages = append(ch.pages, p)
		}
	}
	if p, _ := s.KmemCacheAlloc(caches["names_cache"], buddy.GFP_KERNEL); p != 0 { // execve's getname
		s.KmemCacheFree(caches["names_cache"], p)
	}
	for i := 0; i < 16; i++ { // stack, data, bss, heap
		if p, ok := k.bootPages(buddy.GFP_HIGHUSER_MOVABLE|buddy.GFP__ZERO, 0, phys.OwnerUserAnon); ok {
			ch.pages = append(ch.pages, p)
		}
	}
	if p, _ := s.Kmalloc(4096, buddy.GFP_KERNEL); p != 0 { // seq_file's buffer
		s.Kfree(p)
	}
	s.BootFill(caches["dentry"], 12, buddy.GFP_KERNEL)
	s.BootFill(caches["proc_inode_cache"], 4, buddy.GFP_KERNEL)
	s.BootFill(s.KmallocCache(64, buddy.GFP_KERNEL), 16, buddy.GFP_KERNEL)
	for _, p := range ch.pages { // exit_mmap
		k.bootFree(p)
	}
	return ch
}

// exitTask frees a command's task structures.
func (ch *bootChild) exitTask(s *slab.Allocator) {
	for _, o := range ch.objs {
		s.KmemCacheFree(o.c, o.p)
	}
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
