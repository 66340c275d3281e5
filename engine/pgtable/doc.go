// Package pgtable models x86-64 4-level page tables: a PGD whose entries
// point to PUD tables, then PMD tables, then PTE tables, 512 eight-byte
// entries per 4 KiB table (arch/x86/include/asm/pgtable_64_types.h:
// PGDIR_SHIFT 39, PUD_SHIFT 30, PMD_SHIFT 21, PTRS_PER_* 512).
//
// # Data structures
//
// Every table is a real page frame taken from the buddy allocator with
// GFP_PGTABLE_USER (GFP_KERNEL_ACCOUNT | __GFP_ZERO, arch/x86/mm/pgtable.c),
// owner phys.OwnerPageTable, so the Physical view shows it and
// /proc/meminfo's PageTables can count it (Tables.NrTables). The entries
// live in the frame's bytes, little-endian, read and written through
// phys.Mem; a fresh table's frame has no storage until its first entry is
// written (all-zero entries are "not present").
//
// Entry bits are x86's (arch/x86/include/asm/pgtable_types.h): present 0x1,
// RW 0x2, user 0x4, accessed 0x20, dirty 0x40, NX bit 63, the frame number
// in bits 12…51; software bit 9 (_PAGE_BIT_SOFTW1) is _PAGE_SPECIAL, set on
// zero-page mappings (pte_mkspecial in do_anonymous_page). Upper-level
// entries are _PAGE_TABLE (present|RW|user|accessed|dirty = 0x67) plus the
// next table's pfn, as pmd_populate etc. write them.
//
// # Map: Set(va, pte)  (compare mm/memory.c:__pte_alloc, pud_alloc, pmd_alloc)
//
//  1. Walk from the PGD; where an upper entry is not present, allocate a
//     zeroed table frame and install it (an allocation failure is -ENOMEM,
//     which the fault path turns into VM_FAULT_OOM).
//  2. Write the PTE.
//
// # Unmap: Clear(va), then FreeRange(start, end, floor, ceiling)
//
// Clearing a PTE leaves its table in place, as zap_pte_range does. Linux
// frees page tables only in free_pgtables at munmap/exit time, and only
// tables whose whole span lies between the neighbouring VMAs (floor, the end
// of the previous VMA, and ceiling, the start of the next one:
// mm/memory.c:free_pgd_range). FreeRange does that: it frees every PTE, PMD
// and PUD table that is empty and whose span lies inside [floor, ceiling)
// and meets [start, end). The PGD is freed only by Destroy (exit_mmap).
package pgtable
