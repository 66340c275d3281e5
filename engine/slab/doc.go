// Package slab is the kernel's object allocator: Linux 6.1's SLUB with the
// kmalloc size classes measured on a real Debian 6.1 kernel
// (reference/kernel/README.md), and, behind the same Kmalloc interface,
// Linux 2.0's bucket kmalloc of the Linux Device Drivers era (facts §5.6).
// The session config's kernel key picks New or New20.
//
// # Data structures (6.1)
//
// A Cache is a kmem_cache. Its geometry is computed, not tabulated, with
// mm/slub.c's own rules for one CPU (the measured guest ran -smp 1):
//
//   - Size (s->size) = ObjectSize rounded up to 8, then to Align.
//     Align = calculate_alignment: the caller's align, a cache line (64)
//     halved while the object fits twice for SLAB_HWCACHE_ALIGN, at least
//     ARCH_SLAB_MINALIGN 8. kmalloc caches pass align = size for powers of
//     two (create_boot_cache), so kmalloc-64 objects are 64-aligned while
//     kmalloc-96 and -192 are only 8-aligned (objects land at 32- and
//     64-byte multiples), as measured.
//   - Order = calculate_order(Size): min_objects = 4·(fls(1)+1) = 8,
//     leftover ≤ 1/16, 1/8, 1/4 of the slab, slub_max_order 3. This gives
//     the measured table: kmalloc-8 512/1 page … kmalloc-512 8/1,
//     kmalloc-1k 8/2, -2k 8/4, -4k 8/8, -8k 4/8 (objects/pages per slab).
//   - Offset: the free pointer inside a free object, at
//     ALIGN_DOWN(object_size/2, 8) (measured: 64→32, 256→128, 4096→2048),
//     stored obfuscated (SLAB_FREELIST_HARDENED: ptr ^ s->random ^
//     swab(slot address)).
//   - MinPartial = clamp(ilog2(size)/2, 5, 10): 5, and 6 for 4k/8k
//     (measured in sysfs).
//
// A slab is 2^Order frames from the buddy allocator, owned by phys.OwnerSlab
// (the Physical view colours them), cut into ObjPerSlab objects at base +
// i·Size. Object bytes live in the frames: a kmalloc pointer is a
// direct-map address, PAGE_OFFSET 0xffff888000000000 + physical address.
// Each slab keeps its free list as a LIFO stack of object indices (the
// model's authoritative copy) and writes the same chain into the free
// objects' memory, so a reader with init_on_alloc=0 sees the 8 pointer
// bytes at size/2 exactly as measured.
//
// There are 52 kmalloc caches: kmalloc-{8,16,32,64,96,128,192,256,512,1k,
// 2k,4k,8k} and their kmalloc-cg-* (__GFP_ACCOUNT), kmalloc-rcl-*
// (__GFP_RECLAIMABLE) and dma-kmalloc-* (__GFP_DMA, slabs below 16 MiB)
// twins, chosen by kmalloc_type (DMA beats RECLAIMABLE beats ACCOUNT).
//
// # Allocate: kmalloc(n, gfp) (compare include/linux/slab.h:kmalloc, mm/slub.c:slab_alloc_node)
//
//  1. n == 0 → ZERO_SIZE_PTR (0x10); ksize 0.
//  2. n > 8192 (KMALLOC_MAX_CACHE_SIZE) → __kmalloc_large_node: order
//     get_order(n) straight from the page allocator (__GFP_COMP, owner
//     "pages"), ksize = PAGE_SIZE << order, block aligned. Order ≥ 11
//     (n > 4194304, KMALLOC_MAX_SIZE) → NULL and, once per boot unless
//     __GFP_NOWARN, "WARNING: … at mm/page_alloc.c:5634 __alloc_pages".
//  3. The cache: n ≤ 192 by size_index[(n−1)/8] (1–8→8, 9–16→16, 17–32→32,
//     33–64→64, 65–96→96, 97–128→128, 129–192→192), above by fls(n−1)
//     (256 … 8192); the type by GFP flags.
//  4. Pop the head of the CPU slab's free list (LIFO: the object freed last
//     is handed out first).
//  5. CPU slab empty → ___slab_alloc: the exhausted slab is dropped (full
//     slabs are on no list); take the head of the partial list; else
//     allocate_slab: a new slab whose free list is address order, or with
//     SLAB_FREELIST_RANDOM the cache's random permutation from a random
//     start (shuffle_freelist).
//  6. init_on_alloc=1 (stock Debian, debug=off) or __GFP_ZERO: zero
//     object_size bytes, which also wipes the free pointer. init_on_alloc=0
//     (debug=on) leaves the old contents except the 8 pointer bytes.
//
// # Free: kfree(p) (compare mm/slab_common.c:kfree, mm/slub.c:__slab_free)
//
//  1. NULL and ZERO_SIZE_PTR: nothing.
//  2. The frame's slab (virt_to_slab); not a slab: a large kmalloc block is
//     freed to the page allocator; anything else is an invalid free.
//  3. Checks (as slub_debug=F's free_consistency_checks): p must be an
//     object start ("Invalid object pointer 0x…") and allocated ("Object
//     already free"). A failed check prints the SLUB report and "FIX
//     <cache>: Object at 0x… not freed", and changes nothing.
//  4. Push the object on its slab's free list, writing the encoded free
//     pointer into it.
//  5. Not the CPU slab: a slab that was full goes to the partial list tail;
//     a slab that becomes empty while the partial list already holds
//     MinPartial slabs is discarded (its frames go back to the buddy).
//
// # kmem_cache_create, krealloc, the boot's caches
//
// KmemCacheCreateCtor is kmem_cache_create: the same geometry rules, with
// a constructor the object's free pointer moves after the object (so a
// freed object keeps what the constructor made), every object of a new
// slab is constructed (setup_object), and init_on_alloc leaves the
// objects alone (slab_want_init_on_alloc); SLAB_TYPESAFE_BY_RCU objects
// are zeroed only with __GFP_ZERO. KmemCacheDestroy refuses a cache with
// objects in use, with 6.1's "kmem_cache_destroy NAME: Slab cache still
// has objects when called from CALLER" WARNING. Krealloc keeps a block
// whose ksize holds the new size, else kmallocs, copies ksize bytes and
// frees.
//
// The kernel's own caches (kmem_cache, dentry, inode_cache, kernfs_node,
// task_struct, …) are created by package kernel's boot with their 6.1
// object sizes and flags, and filled through BootFill: a slab at a time,
// from the same page-allocator calls allocate_slab makes (same order,
// flags and migrate type: unmovable, or reclaimable for
// SLAB_RECLAIM_ACCOUNT caches), with the first objects in hand-out order
// marked in use. EndBoot marks the slabs that exist then as the boot's:
// until one of their objects changes, Snapshot only counts them
// (BootSlabs) instead of listing thousands of objects nobody touched.
//
// # Linux 2.0 (New20)
//
// Buckets of 32, 64, 128, 252, 508, 1020, 2040, 4080 bytes in one page
// (127, 63, 31, 16, 8, 4, 2, 1 blocks after a 16-byte page descriptor), then
// one block of 8176 … 131056 bytes in areas of order 1 … 5. A request fits
// a bucket when n + 8 (the block header) ≤ the block size, so kmalloc(4096)
// takes an 8 KiB area while kmalloc(4000) fits one page — why scull's
// quantum is 4000. Above 131048 bytes: "kmalloc of too large a block (%d
// bytes)." and NULL. A free of a block whose header is not MF_USED/MF_DMA
// prints "kfree of non-kmalloced memory: …" and is ignored; an area whose
// blocks are all free is returned to the page allocator at once.
//
// # Simplifications (documented, each cheap to lift)
//
//   - SLUB_CPU_PARTIAL is modelled as off: a full slab that gets a free goes
//     to the node partial list (the kernel's path without per-CPU partial
//     lists). Debian has it on, which delays the discard of empty slabs.
//   - One CPU and one node; no cache merging (every cache has its own line).
//   - The free list is kept in Go; a program that overwrites a free
//     object's free pointer (use after free) does not redirect later
//     allocations as it would in the kernel. The KASAN-style checker
//     reports that write instead.
//   - Randomness (s->random, SLAB_FREELIST_RANDOM) comes from a splitmix64
//     generator seeded by Config.Seed: the same run gives the same
//     addresses every time.
//   - Bad frees are reported as a SLUB-debug kernel does (with raw
//     pointers, as under no_hash_pointers); %pGp page flags are shown by
//     name without the node/zone bit fields.
//   - /proc/slabinfo lists the caches newest first, then the kmalloc
//     caches in the order the measured kernel printed them. The boot's
//     caches are the ones an idle guest holds most memory in (about 35),
//     not all of the ~150 a Debian kernel creates; their object counts
//     are modelled (package kernel, "Boot"), and their objects' bytes
//     stay zero.
//   - Linux 2.0's small per-order page cache in kmalloc is not modelled.
package slab
