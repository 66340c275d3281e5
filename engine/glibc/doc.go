// Package glibc is a chunk-for-chunk model of glibc 2.36's malloc
// (ptmalloc2) on x86-64, main arena only, one thread. Its specification is
// reference/facts.md §1, checked against malloc/malloc.c of the glibc-2.36
// tag; function names below are malloc.c's.
//
// # Where the state lives
//
// Everything glibc keeps inside the heap is in simulated memory, at the
// same addresses, read and written in the same order as malloc.c, because
// the pages it touches are observable (faults, RSS):
//
//   - a chunk is prev_size (8 bytes) and size (8 bytes, flags PREV_INUSE 1,
//     IS_MMAPPED 2, NON_MAIN_ARENA 4) followed by the user bytes; a free
//     chunk keeps fd and bk there (and fd_nextsize, bk_nextsize in a large
//     bin), and its size again as the next chunk's prev_size (the footer);
//   - the tcache_perthread_struct is the first chunk of the heap (0x290):
//     uint16 counts[64] at +0x10, entries[64] at +0x90; a tcache entry is
//     a chunk's user area: next at +0 (safe-linking: (&next >> 12) ^ ptr)
//     and key at +8 (Config.TcacheKey, fixed for determinism where glibc
//     uses getrandom);
//   - fastbin fd words are mangled like tcache next words.
//
// main_arena and mp_ live in libc's .data, so they are Go fields of
// Malloc. Their address still matters: the first and last chunk of a bin
// point to the bin's header inside main_arena (bin_at(i) = &main_arena +
// 96 + 16(i-1), which overlaps top and last_remainder for the unsorted
// bin exactly as in C). Reads and writes in [&main_arena.top, end of bins)
// are therefore served from the Go fields (Config.ArenaAddr, by default
// Debian 12's address without ASLR). The process model must not map
// anything else there.
//
// # Allocation (__libc_malloc → _int_malloc)
//
//  1. tcache: if the bin of request2size(n) (chunk 0x20…0x410, 64 bins)
//     holds a chunk, pop it. The first call of malloc/free/calloc/realloc
//     allocates the tcache struct (MAYBE_INIT_TCACHE).
//  2. fastbin (chunk ≤ global_max_fast, 0x80 by default): pop the head,
//     then stash the rest of that fastbin into the tcache (up to 7).
//  3. small bin (chunk < 0x400): take the oldest chunk, stash the rest.
//  4. a large request first runs malloc_consolidate if fastbins were used.
//  5. the unsorted loop (≤ 10000 chunks, oldest first): a small request
//     splits the last remainder when it is the only unsorted chunk; an
//     exact fit goes to the tcache (returned at the end) or is returned;
//     anything else is filed into its small or large bin (large bins are
//     sorted, with a nextsize ring over distinct sizes).
//  6. a large request takes the best fit from its own large bin.
//  7. the binmap finds the next non-empty larger bin; its last chunk is
//     split, the remainder goes to the unsorted bin.
//  8. top is carved if it keeps MINSIZE (32) bytes.
//  9. else consolidate fastbins and retry from 5, or
//  10. sysmalloc: an mmapped chunk if nb ≥ mmap_threshold (128 KiB,
//     dynamic) and n_mmaps < n_mmaps_max; else sbrk(nb + top_pad (128 KiB)
//     + 32 − old top, page-rounded): the first heap is 0x21000 bytes. A
//     break that is not where top ends (a program's own sbrk, case 034) is
//     aligned and topped up with a second sbrk, the old top fenced off and
//     freed; if sbrk fails, mmap (≥ 1 MiB) stands in and the arena becomes
//     non-contiguous.
//
// calloc (2.36) skips the tcache and clears only what can be dirty;
// realloc (2.36) has no usable-size shortcut: it grows into top or a free
// neighbour, else allocates, copies and frees; mmapped chunks use mremap.
//
// # Free (__libc_free → _int_free)
//
//  1. an mmapped chunk raises the dynamic threshold (size ≤ 32 MiB, unless
//     a mallopt froze it) and is unmapped.
//  2. checks (invalid pointer / size), the tcache double-free check via
//     the key, then the tcache if its bin holds fewer than 7.
//  3. fastbin if ≤ global_max_fast (never merged until consolidation).
//  4. otherwise merge with free neighbours, into top or at the head of
//     the unsorted bin; a merged size ≥ 64 KiB consolidates the fastbins
//     and trims top above trim_threshold with systrim(top_pad).
//
// Every integrity check calls malloc_printerr at the same point as glibc,
// with its exact message: Kernel.Abort prints it and raises SIGABRT. A
// wild pointer whose header is unmapped dies of SIGSEGV in the first load.
//
// mallopt consolidates first, always; malloc_trim consolidates, gives the
// whole pages inside free chunks back with MADV_DONTNEED and systrims.
// Sbrk and Brk are glibc's wrappers and share __curbrk with malloc.
//
// Snapshot and CheckInvariants re-derive the heap from memory for the Heap
// view and the tests; nothing of the algorithm depends on them.
//
// # Speed
//
// SPEC §11 wants a malloc(32)+free pair within ten times the real glibc's
// time. Through Kernel every word is an interface call into the process
// model's TLB, and a pair touches about fifteen words. When the Kernel
// also implements DirectMemory, the allocator keeps its own small cache
// of the pages the TLB holds (direct.go), and the tcache's two hot paths
// (tcache_get in __libc_malloc, tcache_put in _int_free) take one view of
// the tcache struct and one of the chunk and work on the words there, in
// the same order as the general code; they give up, having changed
// nothing, whenever a page is not cached. TestDirectMatchesKernel runs
// the oracle's programs both ways.
package glibc
