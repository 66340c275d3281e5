// Package asan checks the snippet's own memory accesses against the heap
// objects the allocators handed out, the way AddressSanitizer (user space)
// and KASAN (kernel) do, and reports what it finds — without changing what
// happens (SPEC §5: "checks observe, they do not change what happens").
//
// # What it tracks
//
// A Shadow is an ordered set of regions, each a half-open address range
// [Start, End) with a state:
//
//   - Live: an object in use: malloc(100) gives [p, p+100). Accesses inside
//     are fine.
//   - Redzone: bytes that belong to the allocator around a live object:
//     the chunk header before it and the slack after the requested size
//     (malloc_usable_size may be larger than the request). An access there
//     is a heap-buffer-overflow (or underflow), even though the real
//     program reads or writes those bytes without any fault — which is
//     exactly how it later corrupts glibc's metadata.
//   - Freed: a freed object, kept until the allocator hands its memory out
//     again (the new object replaces it). An access there is a
//     heap-use-after-free.
//
// The allocator bindings (package libc, and later the kernel's slab and
// vmalloc) call Alloc and Free; the interpreter's user-memory path calls
// Check before every load and store. The fast path is one range compare:
// an address outside [lo, hi) of all tracked regions is never looked up.
// Inside, a binary search finds the region.
//
// # Reports
//
// A report names the kind, the access (read or write, size, address), the
// object (its size, which call allocated it and on which line, and where it
// was freed), and the line of the access. Reports are collected in order;
// the same kind of report on the same line is reported once, and the total
// is capped, so a loop that overruns a buffer a million times produces one
// report, not a million.
package asan
