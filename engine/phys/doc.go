// Package phys models the physical memory of the simulated machine: the
// page frames, the zones they belong to, the frames reserved at boot, the
// shared zero page, and the bytes each frame holds.
//
// # Data structures
//
// A machine of ram bytes has one Frame per 4 KiB page frame, indexed by
// page frame number (pfn = physical address >> 12). Frame is the analogue
// of the kernel's struct page (include/linux/mm_types.h), cut down to what
// the simulator needs:
//
//   - Owner: who holds the frame (free in the buddy allocator, reserved by
//     the firmware, the kernel image, a page table, an anonymous user page,
//     the zero page, a slab, vmalloc, a __get_free_pages caller, memblock,
//     or a hole in the physical address map);
//   - Order: for the first frame of a free buddy block or of an allocated
//     block, the block's order (2^order frames);
//   - Zone: ZoneDMA (< 16 MiB), ZoneDMA32 (< 4 GiB), ZoneNormal (above),
//     ZoneHighMem reserved for i386 (compare arch/x86/mm/init.c:zone_sizes_init);
//   - Refcount and Mapcount, as the kernel's _refcount and _mapcount
//     (mapcount counts user page-table entries that map the frame);
//   - Next and Prev: the links of the buddy free list the frame heads, as
//     page->lru does in the kernel; NoPFN ends a list.
//
// A Frame is 20 bytes; with the 8-byte content pointer that is 28 bytes of
// engine metadata per simulated frame, under SPEC §11's budget of 32. A 4
// GiB machine has 1 Mi frames (1.25 Mi including the PCI hole): about 35 MB.
//
// Frame contents are allocated lazily: a nil content pointer means "all
// zeros", and a 4 KiB Go array is allocated only on the first write of a
// non-zero byte. Freeing a frame to the buddy allocator does not clear it
// (the kernel does not either: init_on_free=0); ZeroFrame drops it.
//
// # The physical address map (a modelled simplification)
//
// Real firmware reports an e820 map with holes. The model keeps two facts
// that change what a reader sees and drops the rest:
//
//  1. The first 1 MiB is reserved (BIOS data, real-mode trampoline, the
//     640 KiB–1 MiB ISA hole). Since 5.13 Linux reserves all of it:
//     commit f1d4d47c5851, reference/facts.md §3.7.
//  2. A machine with more than 3 GiB of RAM has a PCI hole from 3 GiB to
//     4 GiB, and the RAM above 3 GiB is remapped above 4 GiB, where it
//     forms ZoneNormal (as QEMU's i440fx board lays out its memory). Smaller
//     machines have only DMA and DMA32, as a real 256 MiB QEMU guest does
//     (reference/kernel/README.md, /proc/buddyinfo at start).
//
// The kernel image is loaded at CONFIG_PHYSICAL_START = 16 MiB
// (arch/x86/Kconfig) and reserved. Its size is a modelled simplification:
// Debian's 6.1 image (code, rodata, data, bss) is about 30 MiB, which would
// not leave a 16 MiB machine any memory; the model uses 8 MiB for kernel
// 6.1 on machines of at least 64 MiB, and loads a small image (1 MiB) at
// 1 MiB, where Linux 2.0 loaded itself (0x100000), on smaller machines and
// for kernel 2.0. The shared zero page (empty_zero_page, in the kernel's
// bss) is the last frame of the image; it is never written.
//
// Later issues add memblock allocations (owner OwnerMemblock) and boot-time
// slab pages: they take frames with Mem.Reserve before the buddy allocator
// is handed the rest (compare mm/memblock.c:memblock_free_all).
package phys
