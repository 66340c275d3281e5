package kernel

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// The boot's plan: what the kernel image and memblock take before the
// buddy allocator starts (doc.go, "Boot"). Sizes are the reference
// guest's where they can be derived from its measurements and from the
// kernel's own formulas, and modelled where neither says.

// Machine classes. A 6.1 machine of at least guestMinRAM boots Debian's
// kernel with the reference guest's command line; a smaller one would
// keep too little memory free beside Debian's image (about 44 MiB) and
// log buffer (18 MiB), so it boots a smaller, modelled kernel (package
// phys: an 8 MiB image at 16 MiB from 64 MiB up, 1 MiB at 1 MiB below),
// with the static log buffer.
const guestMinRAM = 256 << 20

// guestWorkPages is about what the boot's work (bootwork.go) takes on the
// guest: slab, rootfs, stacks, pools (24 MiB). A machine runs at most a
// quarter of its managed memory's worth of it.
const guestWorkPages = 6000

// The reference guest (reference/kernel/README.md: QEMU -m 256M, -smp 1,
// cmdline "console=ttyS0 nokaslr quiet log_buf_len=4M").
const (
	// guestPresentPages is its usable RAM in the firmware's map: pfn 1 …
	// 0x9e and 0x100 … 0xffdf (phys, "The physical address map").
	guestPresentPages = (0x9f - 1) + (0xffe0 - 0x100)
	// guestMemTotalKB is its measured MemTotal (summary.txt: "/proc/meminfo
	// at start (kB): MemTotal=192320").
	guestMemTotalKB = 192320
	guestRAM        = 256 << 20
)

// Sizes of the boot reservations (x86-64, one CPU, one node).
const (
	// sectionPages is PAGES_PER_SECTION on x86-64 (128 MiB sections,
	// SECTION_SIZE_BITS 27): the vmemmap is populated a whole section at a
	// time, 64 bytes of struct page per frame = 2 MiB per section, in
	// PMD-sized (2 MiB) blocks (mm/sparse-vmemmap.c:vmemmap_populate_hugepages).
	sectionPages = 1 << (27 - arch.PageShift)
	pmdPages     = 512
	// percpuPages is the per-CPU first chunk kept per CPU: Debian 6.1 boots
	// print "percpu: Embedded 61 pages/cpu … u2097152" (modelled from
	// such logs; the 2 MiB unit's unused tail is given back).
	percpuPages = 61
	nrCPUs      = 1
	// bootPageTables are the direct map's PUD and PMD pages made by
	// init_mem_mapping beyond its brk buffer (modelled: 2).
	bootPageTables = 2
	// nodeDataPages is NODE_DATA(0), the pglist_data of the one node:
	// memblock_alloc_try_nid(sizeof(pg_data_t), SMP_CACHE_BYTES). A Debian
	// kernel on the same QEMU machine logs "NODE_DATA(0) allocated [mem
	// 0x0ffb0680-0x0ffdafff]": 174464 bytes, 43 pages.
	nodeDataPages = 43
	// The printk ring buffer for log_buf_len=4M (kernel/printk/printk.c:
	// setup_log_buf): the text (4 MiB), then one struct prb_desc (24
	// bytes) and one struct printk_info (88 bytes) per 2^PRB_AVGBITS = 32
	// bytes of text: 131072 of each, 3 MiB and 11 MiB. All three come from
	// memblock_alloc; if one fails the others are given back and the
	// kernel keeps its static 128 KiB buffer (CONFIG_LOG_BUF_SHIFT=17).
	logBufLen   = 4 << 20
	prbAvgBits  = 5
	prbDescSize = 24
	prbInfoSize = 88
	// swiotlbPages is the software IO TLB, IO_TLB_DEFAULT_SIZE (64 MiB):
	// x86-64 allocates it only when max_pfn is above 4 GiB
	// (arch/x86/kernel/pci-dma.c:pci_swiotlb_detect), with
	// memblock_alloc_low.
	swiotlbPages = (64 << 20) >> arch.PageShift
	// initrdPages is the guest's initramfs as the boot loader left it
	// (modelled: a busybox and the measuring module, gzip'ed, 1 MiB).
	// QEMU places it at the top of low RAM (a 256 MiB Debian guest logs
	// "RAMDISK: [mem 0x0ffdb000-0x0ffdffff]" for a small one), below
	// initrd_addr_max (2 GiB).
	initrdPages = 256
	// initPages is the image's __init code and data, freed when the boot
	// is done ("Freeing unused kernel image (initmem) memory"; modelled:
	// 2.8 MiB). It sits between .data and .bss; .bss and brk take
	// imageBssPages at the image's end (the proportions of a Debian
	// kernel's "Memory: … (16384K kernel code, 2486K rwdata, 11780K
	// rodata, 4148K init, 4956K bss …)" line).
	initPages     = 700
	imageBssPages = 1578
)

// memblockStep is one memblock allocation of the boot.
type memblockStep struct {
	what         string
	pages, align uint64
	keep         uint64 // pages kept (0: all); the rest is given back
	low          bool   // below 4 GiB (memblock_alloc_low)
	percpu       bool   // counted in /proc/meminfo's Percpu
	optional     bool   // on failure the kernel prints failMsg and goes on
	failMsg      string
}

// bootPlan is what boot takes before the buddy allocator exists.
type bootPlan struct {
	guest      bool   // Debian's kernel, as measured (RAM ≥ guestMinRAM on 6.1)
	imageStart uint64 // bytes
	imagePages uint64 // 0: package phys's default
	initStart  uint64 // first pfn of the image's __init section (initPages), 0: none
	memblock   []memblockStep
	// scale is the fraction of the guest's boot work (slab objects,
	// tasks, page cache) a machine runs: 1 unless that would take more
	// than a quarter of its managed memory (set when the buddy allocator
	// exists; modelled).
	scale float64
}

// planBoot lays out the boot of a 6.1 machine of ram bytes. An i386
// machine boots the smaller, modelled kernel whatever its size (the
// measured guest was x86-64), without the swiotlb.
func planBoot(ram uint64, i386 bool) bootPlan {
	p := bootPlan{guest: ram >= guestMinRAM && !i386, scale: 1, memblock: memblockSteps(ram, i386)}
	if p.guest {
		p.imageStart, p.imagePages = 16<<20, debianImagePages()+initPages
		p.initStart = p.imageStart>>arch.PageShift + p.imagePages - imageBssPages - initPages
	}
	return p
}

// memblockSteps is the memblock plan of a 6.1 machine of ram bytes.
func memblockSteps(ram uint64, i386 bool) []memblockStep {
	var steps []memblockStep
	if ram >= guestMinRAM && !i386 {
		descs := uint64(logBufLen >> prbAvgBits)
		fail := fmt.Sprintf("log_buf_len: %d bytes not available", logBufLen)
		steps = append(steps,
			memblockStep{what: "log_buf (log_buf_len=4M)", pages: logBufLen >> arch.PageShift, align: 1, optional: true, failMsg: fail},
			memblockStep{what: "printk descs", pages: pagesFor(descs * prbDescSize), align: 1},
			memblockStep{what: "printk infos", pages: pagesFor(descs * prbInfoSize), align: 1})
	}
	steps = append(steps,
		memblockStep{what: "boot page tables", pages: bootPageTables, align: 1},
		memblockStep{what: "NODE_DATA(0)", pages: nodeDataPages, align: 1})
	maxPFN := maxPFNFor(ram)
	sections := presentSectionsFor(ram)
	for s := uint64(0); s < sections; s++ {
		steps = append(steps, memblockStep{what: "vmemmap", pages: sectionPages * StructPageSize >> arch.PageShift, align: pmdPages})
	}
	for c := 0; c < nrCPUs; c++ {
		steps = append(steps, memblockStep{what: "percpu", pages: pmdPages, align: pmdPages, keep: percpuPages, percpu: true})
	}
	kernelPages := presentPagesFor(ram) - sections*sectionPages*StructPageSize>>arch.PageShift
	steps = append(steps,
		memblockStep{what: "Dentry cache hash table", pages: hashPages(kernelPages, 13), align: 1},
		memblockStep{what: "Inode-cache hash table", pages: hashPages(kernelPages, 14), align: 1})
	if maxPFN > phys.MaxDMA32PFN && !i386 {
		steps = append(steps, memblockStep{what: "swiotlb", pages: swiotlbPages, align: 1, low: true})
	}
	return steps
}

func pagesFor(bytes uint64) uint64 { return arch.PageAlignUp(bytes) >> arch.PageShift }

// hashPages is alloc_large_system_hash(.., bucketsize 8, scale, HASH_EARLY)
// for the dentry (scale 13) and inode (scale 14) caches: one bucket per
// 2^(scale-PAGE_SHIFT) kernel pages (nr_kernel_pages rounded up to 1 MiB),
// rounded up to a power of two ("Dentry cache hash table entries: 32768
// (order: 6, 262144 bytes, linear)" on a 256 MiB guest).
func hashPages(kernelPages uint64, scale int) uint64 {
	n := (kernelPages + 255) &^ 255
	n >>= scale - arch.PageShift
	entries := uint64(1)
	for entries < n {
		entries <<= 1
	}
	return pagesFor(entries * 8)
}

// maxPFNFor and presentPagesFor mirror package phys's firmware map.
func maxPFNFor(ram uint64) uint64 {
	pages := ram >> arch.PageShift
	const hole = (3 << 30) >> arch.PageShift
	if pages > hole {
		return pages + phys.MaxDMA32PFN - hole
	}
	return pages
}

// presentSectionsFor counts the memory sections that hold RAM: the
// vmemmap is populated for those only (sparse_init).
func presentSectionsFor(ram uint64) uint64 {
	pages := ram >> arch.PageShift
	const hole = (3 << 30) >> arch.PageShift
	low := min(pages, hole)
	n := (low + sectionPages - 1) / sectionPages
	if pages > hole {
		n += (pages - hole + sectionPages - 1) / sectionPages
	}
	return n
}

func presentPagesFor(ram uint64) uint64 {
	pages := ram >> arch.PageShift
	const hole = (3 << 30) >> arch.PageShift
	low := min(pages, hole)
	n := (0x9f - 1) + (low - 32 - 0x100)
	if pages > hole {
		n += pages - hole
	}
	return n
}

// debianImagePages is the kernel image as the boot leaves it (code,
// rodata, data, bss; the boot reserves initPages more and frees them), derived from the
// guest's measured MemTotal: its present pages, less MemTotal, less every
// other reservation the boot keeps (the first MiB's usable pages and the
// memblock plan; the initramfs is freed after unpacking). Debian's
// vmlinux is about 39 MiB before __init is freed; the derivation puts the
// memblock allocations the model does not itemise into the image too.
func debianImagePages() uint64 {
	reserved := uint64(guestPresentPages) - guestMemTotalKB>>(arch.PageShift-10)
	reserved -= 0x9f - 1 // pfn 1 … 0x9e: the first MiB's RAM
	for _, st := range memblockSteps(guestRAM, false) {
		kept := st.pages
		if st.keep > 0 {
			kept = st.keep
		}
		reserved -= kept
	}
	return reserved
}

// initrdTop is where the boot loader ends the initramfs: the top of usable
// low RAM, below initrd_addr_max (2 GiB).
func (k *Kernel) initrdTop() uint64 {
	top := uint64(0)
	for _, r := range k.Mem.Usable() {
		if r[1] <= phys.MaxDMA32PFN {
			top = max(top, r[1])
		}
	}
	return min(top, (2<<30)>>arch.PageShift, k.Mem.LowmemEnd())
}
