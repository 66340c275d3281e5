package glibc

// Constants of glibc 2.36 on x86-64 (reference/facts.md §1.1; compare
// malloc/malloc.c and sysdeps/generic/malloc-size.h).
const (
	sizeSz                        = 8                    // SIZE_SZ
	mallocAlign                   = 16                   // MALLOC_ALIGNMENT
	alignMask                     = mallocAlign - 1      // MALLOC_ALIGN_MASK
	chunkHdrSz                    = 2 * sizeSz           // CHUNK_HDR_SZ
	minChunkSize                  = 32                   // MIN_CHUNK_SIZE: offsetof(struct malloc_chunk, fd_nextsize)
	minSize                       = 32                   // MINSIZE
	mallocChunkSz                 = 48                   // sizeof(struct malloc_chunk), used by mtrim
	prevInuse                     = 0x1                  // PREV_INUSE
	isMmapped                     = 0x2                  // IS_MMAPPED
	nonMainArena                  = 0x4                  // NON_MAIN_ARENA
	sizeBits                      = 0x7                  // SIZE_BITS
	nbins                         = 128                  // NBINS
	nsmallbins                    = 64                   // NSMALLBINS
	minLargeSize                  = nsmallbins * 16      // MIN_LARGE_SIZE = 0x400
	nfastbins                     = 10                   // NFASTBINS = fastbin_index(request2size(MAX_FAST_SIZE)) + 1
	maxFastSize                   = 80 * sizeSz / 4      // MAX_FAST_SIZE = 160
	defaultMxfast                 = 64 * sizeSz / 4      // DEFAULT_MXFAST = 128
	binmapShift                   = 5                    // BINMAPSHIFT
	binmapSize                    = nbins >> binmapShift // BINMAPSIZE = 4
	fastbinConsolidationThreshold = 65536                // FASTBIN_CONSOLIDATION_THRESHOLD
	maxIters                      = 10000                // MAX_ITERS in _int_malloc
	pageSize                      = 4096                 // GLRO(dl_pagesize)

	tcacheMaxBins   = 64 // TCACHE_MAX_BINS
	tcacheFillCount = 7  // TCACHE_FILL_COUNT
	// sizeof(tcache_perthread_struct): uint16 counts[64] + pointer entries[64].
	tcacheStructSize = tcacheMaxBins*2 + tcacheMaxBins*8
	tcacheEntriesOff = tcacheMaxBins * 2

	defaultTopPad        = 128 * 1024          // DEFAULT_TOP_PAD (sysdeps/generic/malloc-machine.h wins over malloc.c's 0)
	defaultTrimThreshold = 128 * 1024          // DEFAULT_TRIM_THRESHOLD
	defaultMmapThreshold = 128 * 1024          // DEFAULT_MMAP_THRESHOLD = DEFAULT_MMAP_THRESHOLD_MIN
	mmapThresholdMax     = 4 * 1024 * 1024 * 8 // DEFAULT_MMAP_THRESHOLD_MAX = 4 MiB * sizeof(long) = 32 MiB
	defaultMmapMax       = 65536               // DEFAULT_MMAP_MAX
	mmapAsMorecoreSize   = 1024 * 1024         // MMAP_AS_MORECORE_SIZE
	ptrdiffMax           = 1<<63 - 1           // PTRDIFF_MAX

	noncontiguousBit = 2 // NONCONTIGUOUS_BIT in malloc_state.flags

	// Offsets inside struct malloc_state (x86-64): mutex 0, flags 4,
	// have_fastchunks 8, fastbinsY 16 (10 pointers), top 96,
	// last_remainder 104, bins 112 (254 pointers), binmap 2144.
	arenaTopOff  = 96
	arenaBinsOff = 112
	binsWords    = nbins*2 - 2
)

// mallopt parameter numbers (malloc/malloc.h).
const (
	M_MXFAST         = 1
	M_NLBLKS         = 2
	M_GRAIN          = 3
	M_KEEP           = 4
	M_TRIM_THRESHOLD = -1
	M_TOP_PAD        = -2
	M_MMAP_THRESHOLD = -3
	M_MMAP_MAX       = -4
	M_CHECK_ACTION   = -5
	M_PERTURB        = -6
	M_ARENA_TEST     = -7
	M_ARENA_MAX      = -8
)

// request2size: the chunk size for a request (malloc/malloc.c — request2size).
func request2size(req uint64) uint64 {
	if req+sizeSz+alignMask < minSize {
		return minSize
	}
	return (req + sizeSz + alignMask) &^ alignMask
}

// checkedRequest2size returns 0 for requests above PTRDIFF_MAX
// (malloc/malloc.c — checked_request2size).
func checkedRequest2size(req uint64) uint64 {
	if req > ptrdiffMax {
		return 0
	}
	return request2size(req)
}

// csize2tidx maps a chunk size to its tcache bin (malloc/malloc.c — csize2tidx).
func csize2tidx(x uint64) uint64 { return (x - minChunkSize + mallocAlign - 1) / mallocAlign }

// fastbinIndex (malloc/malloc.c — fastbin_index). sz is a chunk size.
func fastbinIndex(sz uint64) uint64 { return (uint64(uint32(sz)) >> 4) - 2 }

func inSmallbinRange(sz uint64) bool { return sz < minLargeSize }

func smallbinIndex(sz uint64) int { return int(uint32(sz) >> 4) }

// largebinIndex is largebin_index_64 (malloc/malloc.c).
func largebinIndex(sz uint64) int {
	switch {
	case sz>>6 <= 48:
		return 48 + int(sz>>6)
	case sz>>9 <= 20:
		return 91 + int(sz>>9)
	case sz>>12 <= 10:
		return 110 + int(sz>>12)
	case sz>>15 <= 4:
		return 119 + int(sz>>15)
	case sz>>18 <= 2:
		return 124 + int(sz>>18)
	}
	return 126
}

func binIndex(sz uint64) int {
	if inSmallbinRange(sz) {
		return smallbinIndex(sz)
	}
	return largebinIndex(sz)
}

func alignUp(n, a uint64) uint64   { return (n + a - 1) &^ (a - 1) }
func alignDown(n, a uint64) uint64 { return n &^ (a - 1) }

// misaligned reports whether a chunk (or mem) address is not 16-aligned
// (malloc/malloc.c — misaligned_chunk, aligned_OK).
func misaligned(p uint64) bool { return p&alignMask != 0 }

// protectPtr is safe-linking's PROTECT_PTR(pos, ptr).
func protectPtr(pos, ptr uint64) uint64 { return (pos >> 12) ^ ptr }

// Chunk field access. Every field read and write goes through ld/st so
// that a pointer to a bin header (inside main_arena, in libc's .data) is
// served from the Go copy of the bins, as the real code reads and writes
// main_arena there. Everything else is simulated memory.

// ld reads the 8-byte word at a. Addresses from &main_arena.top up to
// the end of the bins are main_arena's own fields: the unsorted bin's
// header overlaps top and last_remainder exactly as in malloc.c (so the
// initial top, which is that header, has size last_remainder = 0).
func (m *Malloc) ld(a uint64) uint64 {
	if off := a - m.topAddr; off < arenaWords*8 {
		return m.arenaWord(off >> 3)
	}
	return m.load8(a)
}

// st writes the 8-byte word at a.
func (m *Malloc) st(a, v uint64) {
	if off := a - m.topAddr; off < arenaWords*8 {
		m.setArenaWord(off>>3, v)
		return
	}
	m.store8(a, v)
}

// arenaWords is the number of words from main_arena.top to the end of bins.
const arenaWords = 2 + binsWords

func (m *Malloc) arenaWord(i uint64) uint64 {
	switch i {
	case 0:
		return m.top
	case 1:
		return m.lastRemainder
	}
	return m.bins[i-2]
}

func (m *Malloc) setArenaWord(i, v uint64) {
	switch i {
	case 0:
		m.top = v
	case 1:
		m.lastRemainder = v
	default:
		m.bins[i-2] = v
	}
}

// Field accessors, named after malloc.c's macros.
func (m *Malloc) prevSize(p uint64) uint64          { return m.ld(p) }
func (m *Malloc) setPrevSize(p, v uint64)           { m.st(p, v) }
func (m *Malloc) sizeNomask(p uint64) uint64        { return m.ld(p + 8) }
func (m *Malloc) chunksize(p uint64) uint64         { return m.ld(p+8) &^ sizeBits }
func (m *Malloc) setHead(p, v uint64)               { m.st(p+8, v) }
func (m *Malloc) fd(p uint64) uint64                { return m.ld(p + 16) }
func (m *Malloc) bk(p uint64) uint64                { return m.ld(p + 24) }
func (m *Malloc) fdNextsize(p uint64) uint64        { return m.ld(p + 32) }
func (m *Malloc) bkNextsize(p uint64) uint64        { return m.ld(p + 40) }
func (m *Malloc) setFd(p, v uint64)                 { m.st(p+16, v) }
func (m *Malloc) setBk(p, v uint64)                 { m.st(p+24, v) }
func (m *Malloc) setFdNextsize(p, v uint64)         { m.st(p+32, v) }
func (m *Malloc) setBkNextsize(p, v uint64)         { m.st(p+40, v) }
func (m *Malloc) prevInuse(p uint64) bool           { return m.ld(p+8)&prevInuse != 0 }
func (m *Malloc) chunkIsMmapped(p uint64) bool      { return m.ld(p+8)&isMmapped != 0 }
func (m *Malloc) setFoot(p, s uint64)               { m.st(p+s, s) }
func (m *Malloc) inuseBitAtOffset(p, s uint64) bool { return m.ld(p+s+8)&prevInuse != 0 }

// set_inuse_bit_at_offset / clear_inuse_bit_at_offset: read-modify-write
// of the size word of the chunk at p+s.
func (m *Malloc) setInuseBitAtOffset(p, s uint64) { m.st(p+s+8, m.ld(p+s+8)|prevInuse) }
func (m *Malloc) clearInuseBitAtOffset(p, s uint64) {
	m.st(p+s+8, m.ld(p+s+8)&^prevInuse)
}

// set_head_size keeps the flag bits of p's size word.
func (m *Malloc) setHeadSize(p, s uint64) { m.st(p+8, m.ld(p+8)&sizeBits|s) }

// inuse(p): the PREV_INUSE bit of the next chunk.
func (m *Malloc) inuse(p uint64) bool { return m.inuseBitAtOffset(p, m.chunksize(p)) }

// memsize: usable bytes of an in-use heap chunk (chunksize - SIZE_SZ).
func (m *Malloc) memsize(p uint64) uint64 { return m.chunksize(p) - sizeSz }

// binAt is bin_at(av, i): the address of bin i's fake chunk header inside
// main_arena, such that its fd and bk fields are bins[2(i-1)] and
// bins[2(i-1)+1].
func (m *Malloc) binAt(i int) uint64 { return m.arenaAddr + arenaTopOff + uint64(i-1)*16 }

// unsorted is unsorted_chunks(av) = bin_at(av, 1).
func (m *Malloc) unsorted() uint64 { return m.arenaAddr + arenaTopOff }

// binAddrIndex returns the bin index of a bin header address, or 0.
func (m *Malloc) binAddrIndex(a uint64) int {
	off := a - m.arenaAddr - arenaTopOff
	if off%16 != 0 || off/16 >= nbins-1 {
		return 0
	}
	return int(off/16) + 1
}

func (m *Malloc) markBin(i int)   { m.binmap[i>>binmapShift] |= 1 << (uint(i) & 31) }
func (m *Malloc) unmarkBin(i int) { m.binmap[i>>binmapShift] &^= 1 << (uint(i) & 31) }
