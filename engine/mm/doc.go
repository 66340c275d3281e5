// Package mm models one user address space of Linux 6.1 on x86-64: the
// ordered set of VMAs, the program break, anonymous mmap, page faults with
// demand paging, the resident set and the minor-fault counter, and the
// /proc/PID files that show them. Names follow the kernel and gVisor's
// pkg/sentry/mm: Brk, MMap, HandleUserFault, vma, pte, rss.
//
// # Data structures
//
//   - vmas: a slice of VMA sorted by address, non-overlapping (mm->mm_mt,
//     the maple tree of 6.1). Adjacent VMAs that vma_merge would join are
//     always joined: same prot and flags, both anonymous without a name (or
//     the same file at contiguous offsets). So one /proc/PID/maps line is
//     one VMA, as on the real machine (oracle case 031's m1 and m2 are one
//     line until m2 is unmapped).
//   - pt: the page tables (package pgtable), in frames from the buddy
//     allocator.
//   - rss counters MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES and minFlt
//     (task->min_flt). CheckInvariants recounts them from the page tables.
//   - a software TLB: 64 direct-mapped entries for reads and 64 for writes,
//     each caching the frame's content slot. An entry exists only for a
//     present PTE that allows the access; every change of a PTE that could
//     make an entry stale (unmap, protect, madvise, COW, mremap) flushes it.
//
// # A memory access (Load/Store: the interpreter's hot path)
//
//  1. TLB hit (the tag is the virtual page number): read or write the frame's
//     bytes; a frame without storage reads as zeros and gets storage on the
//     first non-zero write. No Go allocation.
//  2. Miss: walk the page tables. A present PTE that allows the access fills
//     the TLB (setting accessed, and dirty for a write, as the MMU does).
//  3. Otherwise HandleUserFault (compare arch/x86/mm/fault.c:do_user_addr_fault
//     and mm/memory.c:handle_pte_fault), then retry once.
//
// DirectPage lets a client with a hot path of its own (the interpreter's
// frame cache) use a TLB entry's frame directly: it hands out the slot
// only while the entry exists, with a generation counter that every TLB
// flush moves, so a client never uses a translation the TLB has dropped.
//
// # A page fault (reference/facts.md §2.4, oracle README)
//
//  1. find_vma: the first VMA ending above the address. None, or one that
//     starts above it and is not the stack: SIGSEGV, SEGV_MAPERR.
//  2. Below a VM_GROWSDOWN VMA: expand_stack, if the new size stays within
//     RLIMIT_STACK (8 MiB) and the gap to the VMA below stays at least
//     stack_guard_gap (256 pages); otherwise SIGSEGV ("stack overflow").
//  3. access_error: a write to a VMA without PROT_WRITE, or any access to a
//     PROT_NONE VMA: SIGSEGV, SEGV_ACCERR.
//  4. PTE none, read, private: do_anonymous_page maps the shared zero page
//     read-only with the special bit. 1 minor fault, rss unchanged.
//  5. PTE none, write (or a shared mapping): a zeroed frame from the buddy
//     allocator (GFP_HIGHUSER_MOVABLE), mapped writable and dirty. 1 minor
//     fault, MM_ANONPAGES+1.
//  6. PTE present but not writable, write: do_wp_page. From the zero page (or
//     a file page): copy-on-write into a new frame, rss+1. Own anonymous frame
//     (after mprotect): reuse it, make it writable. 1 minor fault.
//  7. The allocator runs out: the OOM killer. With the kernel layer's
//     killer installed in the page allocator (Config.FatalSignal set), the
//     allocation itself calls it, which prints the report in the kernel
//     log and chooses this process (the only one); the victim's retry may
//     still get a frame from its reserve, and the fault then returns into
//     the pending SIGKILL. Without it (package tests), the failed fault
//     kills the process here: SIGKILL, with the kernel's "Out of memory:
//     Killed process" line as an event (mm/oom_kill.c:__oom_kill_process).
//
// MAP_POPULATE, MADV_POPULATE_* and brk under mlock fault every page in
// advance through the same path (get_user_pages → handle_mm_fault), and
// those faults count in min_flt as the kernel's mm_account_fault counts
// them (checked on this machine: a 10-page MAP_POPULATE adds 10 minor
// faults and 10 rss pages; PROT_READ populate maps the zero page: 10
// faults, no rss).
//
// # Placement
//
// mmap without MAP_FIXED uses the top-down allocator: the highest gap below
// mmap_base (arch.MmapBase) that fits, the new mapping at the gap's top end
// (mm/mmap.c:vm_unmapped_area_topdown; oracle case 031), with the stack's
// guard gap respected; if nothing fits, bottom-up from TASK_UNMAPPED_BASE
// (TASK_SIZE/3), as arch_get_unmapped_area_topdown falls back.
//
// # Simplifications
//
//   - anon_vma identity is not modelled: compatible anonymous neighbours
//     always merge.
//   - File mappings exist only for the program image the loader maps with
//     MapFixed. Their pages are filled at map time (not read from a page cache
//     on fault); read-only ones count as MM_FILEPAGES, writable ones as
//     anonymous pages, as after the oracle's MADV_POPULATE_WRITE.
//   - No THP, no swap, no KSM, no mlock, no userfaultfd.
//   - The loader's population of the image does not count as faults.
package mm
