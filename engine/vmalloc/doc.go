// Package vmalloc models the kernel's vmalloc space of Linux 6.1 on x86-64:
// virtually contiguous areas built from page frames that need not be
// physically contiguous, each followed by a guard page, mapped in the
// kernel page tables; and ioremap areas that map device memory there.
// Every number below was measured on the reference kernel
// (reference/kernel/README.md) unless marked otherwise.
//
// # Data structures
//
// The range is VMALLOC_START 0xffffc90000000000 … VMALLOC_END
// 0xffffe8ffffffffff (32 TiB; VmallocTotal 34359738367 kB). An area is a
// vm_struct with its vmap_area: a page-aligned start, a size that includes
// one guard page (vmallocinfo's size column is PAGE_ALIGN(n) + 4096), the
// caller ("%pS": "func+0x4e/0x21b [module]"), its frames (pfns, in address
// order) or, for ioremap, its physical start. Busy areas are kept by
// address. Freed ranges are not free at once: like the kernel's
// purge_vmap_area_list they wait, merged with their neighbours, listed in
// /proc/vmallocinfo as "unpurged vm_area", until more than lazy_max_pages
// (fls(1 CPU) × 32 MiB = 8192 pages) wait; then all are purged.
//
// The pages are mapped in kernel page tables built with engine/pgtable
// (PAGE_KERNEL: present, RW, accessed, dirty, global, NX; ioremap adds
// PCD). The guard page is never mapped, so an access to it faults: Lookup
// tells the kernel layer whether an address is in an area, in a guard
// page, in a freed area, or in nothing, so that it can raise the Oops.
//
// # Allocate: vmalloc(n) (compare mm/vmalloc.c:__vmalloc_node_range)
//
//  1. n == 0: WARN_ON_ONCE at mm/vmalloc.c:3227 (__vmalloc_node_range+
//     0x806/0x880, measured), NULL. More pages than RAM: warn_alloc
//     "vmalloc error: size %lu, exceeds total pages", NULL.
//  2. __get_vm_area_node: BUG_ON(in_interrupt()) (mm/vmalloc.c:2497 in
//     6.1.158, not measured): called from interrupt context (Config.
//     InInterrupt), it returns a slab.Bug problem and the kernel layer
//     crashes. Then the vm_struct is kzalloc'ed (64 bytes,
//     kmalloc-64) when a slab allocator is configured; size = PAGE_ALIGN(n)
//     + one guard page; the range is the lowest hole ≥ VMALLOC_START that
//     fits (first fit, page alignment only — vmalloc does not align to the
//     size). Back-to-back areas are therefore PAGE_ALIGN(n) + 4096 apart: a
//     3-page burst has stride 16384, a 16-page burst 69632.
//  3. __vmalloc_area_node: the pages[] array (8 bytes per page) is
//     kmalloc'ed up to 4096 bytes (512 pages), above that vmalloc'ed
//     itself (nested, same caller; the area shows "vpages").
//  4. Order-0 frames one at a time from the buddy allocator (GFP_KERNEL |
//     __GFP_HIGHMEM | __GFP_NOWARN, zeroed for vzalloc and with
//     init_on_alloc=1; a task with a fatal signal pending, killed by the
//     OOM killer, stops taking pages: Config.FatalSignalPending), owned by
//     phys.OwnerVmalloc. On a fresh machine they come out consecutive; once
//     the free lists are fragmented they scatter (measured: 1 MiB from 2–14
//     physical runs).
//  5. Each frame is mapped at area + i·4096 (vmap_pages_range).
//  6. A failure in 3–5 gives back everything taken and returns NULL.
//     6.1 prints nothing: __vmalloc_area_node adds __GFP_NOWARN to the
//     mask before its warn_alloc("vmalloc error: size %lu, page order %u,
//     failed to allocate pages") calls, and warn_alloc returns at once for
//     __GFP_NOWARN (6.1.158 source). A failing pages[] kmalloc prints its
//     own slab report (its nested_gfp has no __GFP_NOWARN).
//
// # Free: vfree(p) (compare mm/vmalloc.c:__vunmap, remove_vm_area)
//
//  1. NULL: nothing. Not page aligned: WARN "Trying to vfree() bad address
//     (%p)". No area there: WARN "Trying to vfree() nonexistent vm area
//     (%p)". Both free nothing.
//  2. The area containing p is removed (find_vmap_area matches any address
//     inside it), its PTEs cleared, its frames freed one by one, its
//     pages[] and vm_struct freed.
//  3. The range joins the lazy purge list (step "Data structures").
//
// # ioremap(phys, size) (compare arch/x86/mm/ioremap.c:__ioremap_caller)
//
// Size 0 or a wrapping range: NULL. Any RAM page in the range: WARN_ONCE
// "ioremap on RAM at %pa - %pa" (arch/x86/mm/ioremap.c:211, measured) and
// NULL. Otherwise the range is widened to pages, an area aligned to the
// power of two of its size (one page … IOREMAP_MAX_ORDER, 512 KiB) plus the
// guard page is reserved and flagged ioremap, the device frames are mapped
// uncached, no RAM is used, and the result keeps the in-page offset
// (ioremap(0xfed00040, 16) ends in 0x040). iounmap drops the offset; an
// address below the vmalloc range is ignored; one in no area prints
// "iounmap: bad address %p".
//
// # /proc files
//
// /proc/vmallocinfo: "0x%016lx-0x%016lx %7ld" start, end and size (guard
// included), then " caller", " pages=%d", " phys=%pa", " ioremap",
// " vmalloc", " vpages", " N0=%d"; then the unpurged ranges (mm/vmalloc.c:
// s_show, show_purge_info; facts §6.3). /proc/meminfo's VmallocUsed is
// vmalloc_nr_pages × 4 kB: ioremap areas do not count.
//
// # Simplifications
//
//   - The real kernel's boot-time areas (kernel stacks, 16 KiB aligned,
//     which make later 1-page areas land at 32 KiB strides in their holes;
//     the fixmap and percpu areas) are not created here: the kernel layer
//     makes its own boot areas, if any, through Vmalloc and VmallocAligned
//     (the stacks).
//   - The purge runs synchronously when the lazy count passes the limit
//     (the kernel schedules a work item), and there is one CPU.
//   - The vmap_area structures (their own slab cache) are not allocated.
//   - Upper-level kernel page-table entries carry pgtable's _PAGE_TABLE
//     flags (with the user bit; the kernel's _KERNPG_TABLE has none).
//   - WARN sites whose line was not measured name the file only.
//   - One ioremap maps at most 4 GiB (the kernel would use huge pages).
package vmalloc
