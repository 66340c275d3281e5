package kernel

import (
	"fmt"
	"sort"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// ProcFile is one file under /proc: a reader built on demand from the live
// machine, so every file is consistent with the others at every step.
type ProcFile struct {
	// Read returns the contents; ok=false means the file cannot be read
	// (the real one would fail with an error).
	Read func() (string, bool)
	// module is the module that created it (proc_create), nil for the
	// kernel's own files.
	module *Module
	// show is a module's seq_file show function (proc_create_single), or
	// opsAddr a module's struct proc_ops.
	show, data, opsAddr uint64
}

// RegisterProc adds /proc/NAME (path without "/proc/") served by read;
// slab registers "slabinfo", vmalloc "vmallocinfo", the integrator the
// per-process files. A second registration replaces the first.
func (k *Kernel) RegisterProc(name string, read func() (string, bool)) {
	if _, ok := k.procFiles[name]; !ok {
		k.procOrder = append(k.procOrder, name)
	}
	k.procFiles[name] = ProcFile{Read: read}
}

// ReadProc reads "/proc/NAME" (or "NAME").
func (k *Kernel) ReadProc(path string) (string, bool) {
	name := strings.TrimPrefix(path, "/proc/")
	f, ok := k.procFiles[name]
	if !ok {
		return "", false
	}
	if f.Read != nil {
		return f.Read()
	}
	return k.readModuleProc(name, f)
}

// ProcFiles lists the /proc files in name order.
func (k *Kernel) ProcFiles() []string {
	out := append([]string(nil), k.procOrder...)
	sort.Strings(out)
	return out
}

func (k *Kernel) registerBuiltinProcFiles() {
	k.RegisterProc("meminfo", func() (string, bool) { return k.Meminfo(), true })
	k.RegisterProc("buddyinfo", func() (string, bool) { return k.Pages.BuddyInfo(), true })
	k.RegisterProc("pagetypeinfo", k.Pages.PageTypeInfo)
	k.RegisterProc("zoneinfo", func() (string, bool) { return k.Zoneinfo(), true })
	k.RegisterProc("devices", k.procDevices)
	k.RegisterProc("slabinfo", func() (string, bool) {
		if k.slab == nil {
			return "", false
		}
		return k.slab.SlabInfo()
	})
	k.RegisterProc("vmallocinfo", func() (string, bool) {
		if k.vmalloc == nil {
			return "", false
		}
		return k.vmalloc.VmallocInfo(), true
	})
}

// frameCounts counts frames by owner (a scan of struct page, as the
// kernel's counters would have it; built on demand).
func (k *Kernel) frameCounts() [phys.NumOwners]uint64 {
	var n [phys.NumOwners]uint64
	for pfn := uint64(0); pfn < k.Mem.MaxPFN(); pfn++ {
		n[k.Mem.Frame(pfn).Owner]++
	}
	return n
}

// memCounters are the values /proc/meminfo and show_mem print, in pages
// unless named otherwise.
type memCounters struct {
	total, free, available                   uint64
	anon, file, shmem, pageTables            uint64
	pcp                                      uint64 // pages on the per-CPU lists
	slabReclaimable, slabUnreclaimable       uint64 // bytes
	kernelStackKB, vmallocUsed, percpu       uint64
	committed, commitLimit, reserved, ramPFN uint64
}

func (k *Kernel) counters() memCounters {
	n := k.frameCounts()
	var c memCounters
	c.total = k.Pages.ManagedTotal() - k.postBootMemblock()
	c.free = k.Pages.FreePagesTotal()
	c.anon = n[phys.OwnerUserAnon]
	// rootfs's pages (tmpfs: shmem, on the anon LRU) are file pages in
	// the frame owners; the rest is the program's mapped image
	c.shmem = k.boot.pageCache
	c.file = n[phys.OwnerUserFile] - c.shmem
	c.pcp = k.Pages.PCPPagesTotal()
	c.pageTables = n[phys.OwnerPageTable]
	if k.slab != nil {
		c.slabReclaimable, c.slabUnreclaimable = k.slab.SlabBytes()
	} else {
		c.slabUnreclaimable = uint64(len(k.objPool.pages)) << arch.PageShift
	}
	c.kernelStackKB = uint64(len(k.boot.stacks)) * ThreadSize >> 10
	if k.vmalloc != nil {
		c.vmallocUsed = k.vmalloc.UsedPages()
	}
	c.percpu = k.memblock.percpu
	// si_mem_available: free - totalreserve + reclaimable page cache and
	// slab, each less what kswapd would keep (min(x/2, wmark_low)).
	var reserve, wmarkLow uint64
	for z := phys.ZoneID(0); z < phys.NumZones; z++ {
		zn := k.Pages.Zone(z)
		if zn == nil || !zn.Populated() {
			continue
		}
		var maxRes uint64
		for _, r := range zn.LowmemReserve {
			maxRes = max(maxRes, r)
		}
		reserve += maxRes + zn.WmarkHigh
		wmarkLow += zn.WmarkLow
	}
	avail := int64(c.free) - int64(reserve)
	pc := c.file
	avail += int64(pc - min(pc/2, wmarkLow))
	sr := c.slabReclaimable >> arch.PageShift
	avail += int64(sr - min(sr/2, wmarkLow))
	c.available = uint64(max(avail, 0))
	c.commitLimit = c.total / 2 // overcommit_ratio 50, no swap, no hugetlb
	if k.Committed != nil {
		c.committed = k.Committed()
	}
	return c
}

// postBootMemblock is the frames MemblockAlloc took out of the buddy
// allocator after boot: ManagedTotal still counts them, totalram does not.
func (k *Kernel) postBootMemblock() uint64 {
	var n uint64
	for _, r := range k.memblock.regions {
		if strings.HasPrefix(r.what, "memblock_alloc") {
			n += r.end - r.start
		}
	}
	return n
}

// Meminfo is /proc/meminfo in 6.1's order and format (fs/proc/meminfo.c:
// meminfo_proc_show; facts §9.1): show_val_kb prints the 16-column label,
// the value in kB right-aligned in 8 columns, then " kB". Lines for
// options Debian's amd64 config enables are present (Zswap, HardwareCorrupted,
// the transparent-hugepage lines, CmaTotal/CmaFree, HugePages); the
// HIGHMEM lines only on arch=i386. Values come from the live model; the parts the
// model lacks (page cache beyond the program image, swap, dirty pages,
// huge pages, CMA) are 0. DirectMap: modelled as the first 2 MiB in 4 KiB
// pages and the rest in 2 MiB pages.
func (k *Kernel) Meminfo() string {
	c := k.counters()
	var b strings.Builder
	kb := func(label string, pages uint64) {
		fmt.Fprintf(&b, "%-16s%8d kB\n", label+":", pages<<(arch.PageShift-10))
	}
	kbv := func(label string, v uint64) { fmt.Fprintf(&b, "%-16s%8d kB\n", label+":", v) }
	kb("MemTotal", c.total)
	kb("MemFree", c.free)
	kb("MemAvailable", c.available)
	kb("Buffers", 0)
	kb("Cached", c.file+c.shmem)
	kb("SwapCached", 0)
	kb("Active", 0)
	kb("Inactive", c.anon+c.shmem+c.file)
	kb("Active(anon)", 0)
	kb("Inactive(anon)", c.anon+c.shmem)
	kb("Active(file)", 0)
	kb("Inactive(file)", c.file)
	kb("Unevictable", 0)
	kb("Mlocked", 0)
	if k.Mem.I386() { // CONFIG_HIGHMEM
		hz := k.Pages.Zone(phys.ZoneHighMem)
		kb("HighTotal", hz.Managed)
		kb("HighFree", hz.FreePages)
		kb("LowTotal", c.total-hz.Managed)
		kb("LowFree", c.free-min(c.free, hz.FreePages))
	}
	kb("SwapTotal", 0)
	kb("SwapFree", 0)
	kb("Zswap", 0)
	kb("Zswapped", 0)
	kb("Dirty", 0)
	kb("Writeback", 0)
	kb("AnonPages", c.anon)
	kb("Mapped", c.file)
	kb("Shmem", c.shmem)
	kbv("KReclaimable", c.slabReclaimable>>10)
	kbv("Slab", (c.slabReclaimable+c.slabUnreclaimable)>>10)
	kbv("SReclaimable", c.slabReclaimable>>10)
	kbv("SUnreclaim", c.slabUnreclaimable>>10)
	kbv("KernelStack", c.kernelStackKB)
	kb("PageTables", c.pageTables)
	kb("SecPageTables", 0)
	kb("NFS_Unstable", 0)
	kb("Bounce", 0)
	kb("WritebackTmp", 0)
	kb("CommitLimit", c.commitLimit)
	kb("Committed_AS", c.committed)
	// VMALLOC_TOTAL is VMALLOC_END - VMALLOC_START (END inclusive, so one
	// byte short of 32 TiB), printed >> 10: 34359738367 kB (measured).
	kbv("VmallocTotal", (VmallocEnd-VmallocStart)>>10)
	kb("VmallocUsed", c.vmallocUsed)
	kb("VmallocChunk", 0)
	kb("Percpu", c.percpu)
	fmt.Fprintf(&b, "HardwareCorrupted: %5d kB\n", 0)
	kb("AnonHugePages", 0)
	kb("ShmemHugePages", 0)
	kb("ShmemPmdMapped", 0)
	kb("FileHugePages", 0)
	kb("FilePmdMapped", 0)
	kb("CmaTotal", 0)
	kb("CmaFree", 0)
	fmt.Fprintf(&b, "HugePages_Total:   %5d\nHugePages_Free:    %5d\nHugePages_Rsvd:    %5d\nHugePages_Surp:    %5d\n", 0, 0, 0, 0)
	kbv("Hugepagesize", 2048)
	kbv("Hugetlb", 0)
	ram := k.Mem.RAM() >> 10
	if k.Mem.I386() {
		// the direct map covers lowmem only, in 2 MiB pages (PAE): no
		// 1 GiB pages on x86-32
		ram = min(ram, k.Mem.LowmemEnd()<<(arch.PageShift-10))
	}
	small := min(ram, 2048)
	big := (ram - small) &^ 2047
	kbv("DirectMap4k", small+(ram-small-big))
	if k.Mem.I386() {
		kbv("DirectMap2M", big)
		return b.String()
	}
	kbv("DirectMap2M", big%(1<<20))
	kbv("DirectMap1G", big/(1<<20)*(1<<20))
	return b.String()
}

// showMem is the "Mem-Info:" block warn_alloc prints (mm/page_alloc.c:
// show_free_areas via __show_mem, 6.1): the global counters, then per
// node and per zone up to the allocation's highest zone, the free blocks
// per order, and the page totals. Counters the model lacks are 0; every
// free block shows the migrate type "(M)" (package buddy keeps one list
// per order, all MOVABLE at boot).
func (k *Kernel) showMem(maxZone phys.ZoneID) {
	c := k.counters()
	K := func(p uint64) uint64 { return p << (arch.PageShift - 10) }
	k.pr(LogWarning, "Mem-Info:")
	k.Printk(fmt.Sprintf("\0014active_anon:%d inactive_anon:%d isolated_anon:%d\n active_file:%d inactive_file:%d isolated_file:%d\n unevictable:%d dirty:%d writeback:%d\n slab_reclaimable:%d slab_unreclaimable:%d\n mapped:%d shmem:%d pagetables:%d\n sec_pagetables:%d bounce:%d\n kernel_misc_reclaimable:%d\n free:%d free_pcp:%d free_cma:%d\n",
		0, c.anon+c.shmem, 0, 0, c.file, 0, 0, 0, 0, c.slabReclaimable>>arch.PageShift, c.slabUnreclaimable>>arch.PageShift,
		c.file, c.shmem, c.pageTables, 0, 0, 0, c.free, c.pcp, 0))
	k.pr(LogWarning, "Node 0 active_anon:0kB inactive_anon:%dkB active_file:0kB inactive_file:%dkB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:%dkB dirty:0kB writeback:0kB shmem:%dkB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB kernel_stack:%dkB pagetables:%dkB sec_pagetables:0kB all_unreclaimable? no",
		K(c.anon+c.shmem), K(c.file), K(c.file), K(c.shmem), c.kernelStackKB, K(c.pageTables))
	for z := phys.ZoneID(0); z <= maxZone && z < phys.NumZones; z++ {
		zn := k.Pages.Zone(z)
		if zn == nil || !zn.Populated() {
			continue
		}
		pcp := uint64(zn.PCP.Count)
		k.pr(LogWarning, "Node 0 %s free:%dkB boost:0kB min:%dkB low:%dkB high:%dkB reserved_highatomic:%dKB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:%dkB managed:%dkB mlocked:0kB bounce:0kB free_pcp:%dkB local_pcp:%dkB free_cma:0kB",
			zn.ID, K(zn.FreePages), K(zn.WmarkMin), K(zn.WmarkLow), K(zn.WmarkHigh), K(zn.NrReservedHighatomic), K(zn.Present), K(zn.Managed), K(pcp), K(pcp))
		var r strings.Builder
		r.WriteString("lowmem_reserve[]:")
		for j := phys.ZoneID(0); j < phys.NumZones; j++ {
			fmt.Fprintf(&r, " %d", zn.LowmemReserve[j])
		}
		k.pr(LogWarning, "%s", r.String())
	}
	for z := phys.ZoneID(0); z <= maxZone && z < phys.NumZones; z++ {
		zn := k.Pages.Zone(z)
		if zn == nil || !zn.Populated() {
			continue
		}
		var r strings.Builder
		fmt.Fprintf(&r, "Node 0 %s: ", zn.ID)
		var total uint64
		for o := 0; o < k.maxOrder(); o++ {
			nr := zn.FreeArea[o].NrFree
			fmt.Fprintf(&r, "%d*%dkB ", nr, 4<<o)
			if nr > 0 {
				// show_migration_types: the letters of the non-empty lists
				r.WriteByte('(')
				for mt := buddy.MigrateType(0); mt < buddy.NumMigrateTypes; mt++ {
					if zn.FreeArea[o].List[mt].N > 0 {
						r.WriteString(mt.Letter())
					}
				}
				r.WriteString(") ")
			}
			total += nr << o
		}
		fmt.Fprintf(&r, "= %dkB", K(total))
		k.pr(LogWarning, "%s", r.String())
	}
	k.pr(LogWarning, "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=1048576kB")
	k.pr(LogWarning, "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB")
	k.pr(LogWarning, "%d total pagecache pages", c.file+c.shmem)
	k.pr(LogWarning, "0 pages in swap cache")
	k.pr(LogWarning, "Free swap  = 0kB")
	k.pr(LogWarning, "Total swap = 0kB")
	ram := k.Mem.RAM() >> arch.PageShift
	k.pr(LogWarning, "%d pages RAM", ram)
	k.pr(LogWarning, "0 pages HighMem/MovableOnly")
	k.pr(LogWarning, "%d pages reserved", ram-c.total)
	k.pr(LogWarning, "0 pages cma reserved")
	k.pr(LogWarning, "0 pages hwpoisoned")
}
