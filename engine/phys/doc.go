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
//     or on i386 ZoneDMA, ZoneNormal (< 896 MiB) and ZoneHighMem (compare
//     arch/x86/mm/init.c:zone_sizes_init);
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
// # The physical address map
//
// The frames follow the e820 map that SeaBIOS gives a QEMU PC (i440fx),
// the machine the reference guest ran on (reference/kernel/README.md):
//
//  1. pfn 0 is reserved (e820 "update [mem 0x00000000-0x00000fff] usable
//     ==> reserved"); pfn 1 … 0x9e are RAM, which Linux reserves with the
//     rest of the first MiB (since 5.13, commit f1d4d47c5851,
//     reference/facts.md §3.7): they count as present pages but are never
//     managed; 0x9f … 0xff (the EBDA, the VGA window, the BIOS ROM) are no
//     RAM (OwnerHole).
//  2. The last 128 KiB below the end of low RAM are firmware-reserved and
//     not RAM either: a -m 256M guest logs "node 0: [mem
//     0x0000000000100000-0x000000000ffdffff]".
//  3. A machine with more than 3 GiB of RAM has a PCI hole from 3 GiB to
//     4 GiB, and the RAM above 3 GiB is remapped above 4 GiB, where it
//     forms ZoneNormal (as the i440fx board lays out its memory). Smaller
//     machines have only DMA and DMA32, as the 256 MiB guest does.
//
// On arch=i386 (kernel 6.1) the zones are a 32-bit kernel's: DMA below
// 16 MiB, Normal up to 896 MiB (lowmem, max_low_pfn with the 3G/1G split)
// and HighMem above, no DMA32 (x86-32 has no ZONE_DMA32); the RAM above
// 4 GiB of a 4 GiB machine stays usable (a PAE kernel, as Debian's 686-pae).
// The e820 map is the same. Linux 2.0 mapped all memory directly: its
// machines have no HighMem whatever the arch.
//
// Present and Usable expose the map (what memblock.memory holds);
// PresentPages is the kernel's physpages.
//
// # The kernel image
//
// The image is loaded at CONFIG_PHYSICAL_START = 16 MiB (arch/x86/Kconfig)
// and reserved. Package kernel chooses its size (Config.ImageStart,
// ImagePages): on 6.1 machines of 256 MiB and more it is Debian's image as
// derived from the guest's measured MemTotal (package kernel, "Boot");
// below that, where Debian's ~44 MiB would leave too little, the default
// here is a modelled 8 MiB image at 16 MiB from 64 MiB up, and a small
// image (1 MiB) at 1 MiB, where Linux 2.0 loaded itself (0x100000), on
// smaller machines and for kernel 2.0. The shared zero page
// (empty_zero_page, in the kernel's bss) is the last frame of the image;
// it is never written. Unreserve hands part of the image (its __init
// section) or a memblock region back when the boot frees it.
//
// memblock allocations (owner OwnerMemblock) take frames with Mem.Reserve
// before the buddy allocator is handed the rest (compare
// mm/memblock.c:memblock_free_all).
//
// # Flags
//
// Flags holds FlagBuddy (the frame heads a free block), FlagPCP (the frame
// heads a block on a per-CPU list) and, for both, the 2-bit migrate type of
// the list it is on (FlagMTShift, FlagMTMask): package buddy's state, kept
// here so that a Frame stays 20 bytes.
package phys
