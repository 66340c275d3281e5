package glibc

import "mmplay/engine/arch"

// Malloc is the state of glibc's allocator in one single-threaded process:
// main_arena and mp_ (which live in libc's .data and are kept here as Go
// fields), the thread's tcache pointer, and sbrk's __curbrk. Chunks,
// the tcache_perthread_struct and every link between free chunks live in
// simulated memory behind Kernel.
type Malloc struct {
	k    Kernel
	rec  arch.Recorder
	srec arch.ScalarRecorder // rec, when it has the cheaper form

	// The translation cache of direct.go: k's DirectMemory (or nil), the
	// pages, and the generation they are compared with.
	dm        DirectMemory
	rd, wr    [directEntries]directEntry // pages for loads, for stores
	directGen *uint64

	// Errno is set to ENOMEM when an allocation fails, as glibc sets errno;
	// it is never cleared by the allocator (the libc layer owns errno).
	Errno int

	initialized bool // __malloc_initialized; ptmalloc_init ran

	// main_arena (struct malloc_state).
	arenaAddr uint64 // address of main_arena in libc's .data (Config.ArenaAddr)
	topAddr   uint64 // arenaAddr + 96: &main_arena.top, where the words kept in Go begin
	flags     uint32 // NONCONTIGUOUS_BIT once sbrk failed and mmap stood in
	// haveFastchunks is set by every fastbin insert and cleared only by
	// malloc_consolidate; it may be true with all fastbins empty.
	haveFastchunks bool
	// fastbinsY[i] is the (unmangled) address of the first chunk of
	// fastbin i, 0 when empty; chunk i holds chunks of size (i+2)*16.
	fastbinsY [nfastbins]uint64
	// top is the chunk at the end of the brk heap; before the first
	// sysmalloc it is the unsorted bin header (initial_top) of size 0.
	top           uint64
	lastRemainder uint64 // last split remainder of a small request
	// bins holds fd,bk of bins 1..127 (bin 1 = unsorted, 2..63 small,
	// 64..126 large); an empty bin points to itself (binAt(i)).
	bins [binsWords]uint64
	// binmap bit i is set whenever bin i is given a chunk and cleared
	// lazily when _int_malloc's scan finds bin i empty.
	binmap       [binmapSize]uint32
	systemMem    uint64 // bytes obtained from the system for this arena
	maxSystemMem uint64 // high-water mark of systemMem

	// mp_ (struct malloc_par).
	trimThreshold  uint64
	topPad         uint64
	mmapThreshold  uint64
	nMmaps         int32
	nMmapsMax      int32
	maxNMmaps      int32
	noDynThreshold bool // set by any mallopt of a threshold: freezes the dynamic update
	mmappedMem     uint64
	maxMmappedMem  uint64
	sbrkBase       uint64 // first address sbrk gave the heap (mp_.sbrk_base)
	tcacheCount    uint64 // mp_.tcache_count, 7
	tcacheBins     uint64 // mp_.tcache_bins, 64

	globalMaxFast uint64 // largest fastbin chunk size; 16 means "none"
	perturbByte   uint64 // M_PERTURB

	tcache    uint64 // address of the tcache_perthread_struct, 0 until tcache_init
	tcacheKey uint64 // tcache_key

	curbrk uint64 // __curbrk of sbrk/brk; 0 until the first query

	// mmapped records the live mmapped chunks (chunk address -> mapping
	// length) for the Heap view. glibc keeps no such list; it is only
	// observed, never consulted by the algorithm.
	mmapped map[uint64]uint64
	// segments are the first chunks of the heap's pieces: the first
	// sysmalloc's aligned break, and one more each time the heap could
	// not simply grow (a foreign sbrk, the mmap fallback). Like mmapped,
	// it only serves the Heap view and the invariant checks.
	segments []uint64
}

// New returns an allocator in the state of a freshly started process:
// nothing allocated, malloc not yet initialised.
func New(k Kernel, cfg Config) *Malloc {
	if cfg.ArenaAddr == 0 {
		cfg.ArenaAddr = DefaultArenaAddr
	}
	if cfg.TcacheKey == 0 {
		cfg.TcacheKey = DefaultTcacheKey
	}
	m := &Malloc{
		k:             k,
		arenaAddr:     cfg.ArenaAddr,
		topAddr:       cfg.ArenaAddr + arenaTopOff,
		trimThreshold: defaultTrimThreshold,
		topPad:        defaultTopPad,
		mmapThreshold: defaultMmapThreshold,
		nMmapsMax:     defaultMmapMax,
		tcacheCount:   tcacheFillCount,
		tcacheBins:    tcacheMaxBins,
		tcacheKey:     cfg.TcacheKey,
		mmapped:       map[uint64]uint64{},
		rd:            emptyDirect,
		wr:            emptyDirect,
		directGen:     &noGen,
	}
	m.dm, _ = k.(DirectMemory)
	return m
}

// SetRecorder makes the allocator report its results as events (nil: none).
func (m *Malloc) SetRecorder(r arch.Recorder) {
	m.rec = r
	m.srec, _ = r.(arch.ScalarRecorder)
}

func (m *Malloc) event(kind arch.EventKind, addr, size uint64, detail string) {
	if m.srec != nil {
		m.srec.RecordScalar(kind, "malloc", addr, size, detail)
	} else if m.rec != nil {
		m.rec.Record(arch.Event{Kind: kind, Source: "malloc", Addr: addr, Size: size, Detail: detail})
	}
}

// printerr is malloc_printerr: the message goes to stderr and the process
// aborts. Kernel.Abort does not return.
func (m *Malloc) printerr(msg string) {
	m.event(arch.EvBug, 0, 0, msg)
	m.k.Abort(msg)
	panic("glibc: Kernel.Abort returned")
}

// assertFail is malloc.c's assert when it fails: __malloc_assert
// (glibc 2.36) prints "Fatal glibc error: malloc assertion failure in
// FUNCTION: EXPRESSION" through __libc_message and aborts, as
// malloc_printerr does. expr is the assertion's text as the C
// preprocessor's # operator spells it.
func (m *Malloc) assertFail(function, expr string) {
	m.printerr("Fatal glibc error: malloc assertion failure in " + function + ": " + expr)
}

// ptmallocInit is ptmalloc_init + malloc_init_state for main_arena.
func (m *Malloc) ptmallocInit() {
	if m.initialized {
		return
	}
	m.initialized = true
	for i := 1; i < nbins; i++ {
		b := m.binAt(i)
		m.setFd(b, b)
		m.setBk(b, b)
	}
	// main_arena stays contiguous (MORECORE_CONTIGUOUS).
	m.setMaxFast(defaultMxfast)
	m.haveFastchunks = false
	m.top = m.unsorted() // initial_top
}

// setMaxFast is set_max_fast.
func (m *Malloc) setMaxFast(s uint64) {
	if s <= alignMask-sizeSz {
		m.globalMaxFast = minChunkSize / 2
	} else {
		m.globalMaxFast = (s + sizeSz) &^ alignMask
	}
}

func (m *Malloc) contiguous() bool { return m.flags&noncontiguousBit == 0 }

// tcache_perthread_struct fields in simulated memory.
func (m *Malloc) tcCount(i uint64) uint64 { return m.load2(m.tcache + 2*i) }
func (m *Malloc) setTcCount(i, v uint64)  { m.store2(m.tcache+2*i, v) }
func (m *Malloc) tcEntry(i uint64) uint64 { return m.load8(m.tcache + tcacheEntriesOff + 8*i) }
func (m *Malloc) setTcEntry(i, v uint64)  { m.store8(m.tcache+tcacheEntriesOff+8*i, v) }

// tcachePut (malloc/malloc.c — tcache_put): key first, then the mangled next.
func (m *Malloc) tcachePut(chunk, idx uint64) {
	e := chunk + chunkHdrSz
	m.store8(e+8, m.tcacheKey)
	m.store8(e, protectPtr(e, m.tcEntry(idx)))
	m.setTcEntry(idx, e)
	m.setTcCount(idx, m.tcCount(idx)+1)
}

// tcacheGet (malloc/malloc.c — tcache_get, 2.36: from the head).
func (m *Malloc) tcacheGet(idx uint64) uint64 {
	e := m.tcEntry(idx)
	if misaligned(e) {
		m.printerr("malloc(): unaligned tcache chunk detected")
	}
	m.setTcEntry(idx, protectPtr(e, m.load8(e)))
	m.setTcCount(idx, m.tcCount(idx)-1)
	m.store8(e+8, 0)
	return e
}

// tcacheInit (malloc/malloc.c — tcache_init): the first chunk of the heap.
func (m *Malloc) maybeInitTcache() {
	if m.tcache != 0 {
		return
	}
	victim := m.intMalloc(tcacheStructSize)
	if victim != 0 {
		m.tcache = victim
		m.memset(victim, 0, tcacheStructSize)
	}
}

var zeroPage [pageSize]byte

// memset writes n bytes of c at addr, a page at a time.
func (m *Malloc) memset(addr uint64, c byte, n uint64) {
	var buf []byte
	if c == 0 {
		buf = zeroPage[:]
	} else {
		buf = make([]byte, pageSize)
		for i := range buf {
			buf[i] = c
		}
	}
	for n > 0 {
		k := uint64(len(buf))
		if k > n {
			k = n
		}
		m.k.WriteBytes(addr, buf[:k])
		addr += k
		n -= k
	}
}

// memcpy copies n bytes from src to dst (non-overlapping), a page at a time.
func (m *Malloc) memcpy(dst, src, n uint64) {
	var buf [pageSize]byte
	for n > 0 {
		k := uint64(pageSize)
		if k > n {
			k = n
		}
		m.k.ReadBytes(src, buf[:k])
		m.k.WriteBytes(dst, buf[:k])
		dst += k
		src += k
		n -= k
	}
}

// allocPerturb / freePerturb (malloc/malloc.c — alloc_perturb, free_perturb).
func (m *Malloc) allocPerturb(p, n uint64) {
	if m.perturbByte != 0 {
		m.memset(p, byte(m.perturbByte^0xff), n)
	}
}

func (m *Malloc) freePerturb(p, n uint64) {
	if m.perturbByte != 0 {
		m.memset(p, byte(m.perturbByte), n)
	}
}

// Malloc is __libc_malloc: tcache first, then _int_malloc on main_arena.
// It returns 0 (and sets Errno) when no memory can be had.
func (m *Malloc) Malloc(bytes uint64) uint64 {
	m.ptmallocInit()
	tbytes := checkedRequest2size(bytes)
	if tbytes == 0 {
		m.Errno = ENOMEM
		m.event(arch.EvAlloc, 0, bytes, "malloc failed")
		return 0
	}
	tcIdx := csize2tidx(tbytes)
	m.maybeInitTcache()
	if tcIdx < m.tcacheBins && m.tcache != 0 {
		v, handled := m.tcacheGetFast(tcIdx)
		if !handled {
			if m.tcCount(tcIdx) > 0 {
				v = m.tcacheGet(tcIdx)
			}
		}
		if v != 0 {
			m.event(arch.EvAlloc, v, tbytes, "malloc: tcache")
			return v
		}
	}
	v := m.intMalloc(bytes)
	m.allocEvent(v, bytes, "malloc")
	return v
}

func (m *Malloc) allocEvent(mem, bytes uint64, what string) {
	if m.rec == nil {
		return
	}
	if mem == 0 {
		m.event(arch.EvAlloc, 0, bytes, what+" failed")
		return
	}
	m.event(arch.EvAlloc, mem, m.chunksize(mem-chunkHdrSz), what)
}

// Free is __libc_free.
func (m *Malloc) Free(mem uint64) {
	if mem == 0 {
		return
	}
	p := mem - chunkHdrSz
	raw := m.sizeNomask(p) // chunk_is_mmapped(p)
	if raw&isMmapped != 0 {
		if !m.noDynThreshold && raw > m.mmapThreshold && raw <= mmapThresholdMax {
			m.mmapThreshold = m.chunksize(p)
			m.trimThreshold = 2 * m.mmapThreshold
		}
		m.event(arch.EvFree, mem, m.chunksize(p), "free: munmap")
		m.munmapChunk(p)
		return
	}
	// The real __libc_free does not run ptmalloc_init: a free of a
	// non-NULL pointer before any malloc makes tcache_init take a new,
	// mmapped arena (arena_get2 → _int_new_arena), and main_arena is set
	// up by the next malloc. mmplay models main_arena only, so it sets it
	// up here and the tcache lands at the start of the brk heap instead:
	// a simplification that only a free of a pointer malloc never
	// returned, before any malloc, can see.
	m.ptmallocInit()
	if m.tcache == 0 {
		m.maybeInitTcache()
		raw = m.sizeNomask(p) // as _int_free will see it
	}
	if m.rec != nil {
		m.event(arch.EvFree, mem, raw&^sizeBits, "free")
	}
	m.intFree(p, false)
}

// Calloc is __libc_calloc of glibc 2.36: no tcache, and it clears only
// what may hold old data (facts §1.13).
func (m *Malloc) Calloc(n, elemSize uint64) uint64 {
	hi, sz := mul64(n, elemSize)
	if hi != 0 || sz > ptrdiffMax {
		// __builtin_mul_overflow into a ptrdiff_t.
		m.Errno = ENOMEM
		m.event(arch.EvAlloc, 0, 0, "calloc failed")
		return 0
	}
	m.ptmallocInit()
	m.maybeInitTcache()
	oldtop := m.top
	oldtopsize := m.chunksize(oldtop)
	if lim := m.sbrkBase + m.maxSystemMem - oldtop; oldtopsize < lim {
		oldtopsize = lim
	}
	mem := m.intMalloc(sz)
	if mem == 0 {
		m.allocEvent(0, sz, "calloc")
		return 0
	}
	p := mem - chunkHdrSz
	csz := m.chunksize(p)
	if m.chunkIsMmapped(p) {
		if m.perturbByte != 0 {
			m.memset(mem, 0, sz)
		}
		m.allocEvent(mem, sz, "calloc")
		return mem
	}
	if m.perturbByte == 0 && p == oldtop && csz > oldtopsize {
		// Only the part below the old high-water mark can be dirty.
		csz = oldtopsize
	}
	clearsize := csz - sizeSz
	nclears := clearsize / 8
	if nclears > 9 {
		m.memset(mem, 0, clearsize)
	} else {
		// The unrolled stores of __libc_calloc: 3, 5, 7 or 9 words.
		w := uint64(3)
		switch {
		case nclears > 8:
			w = 9
		case nclears > 6:
			w = 7
		case nclears > 4:
			w = 5
		}
		for i := uint64(0); i < w; i++ {
			m.store8(mem+8*i, 0)
		}
	}
	m.allocEvent(mem, sz, "calloc")
	return mem
}

func mul64(a, b uint64) (hi, lo uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t&mask32 + a0*b1
	hi = a1*b1 + t>>32 + w1>>32
	lo = a * b
	return
}

// UsableSize is malloc_usable_size (malloc/malloc.c — musable).
func (m *Malloc) UsableSize(mem uint64) uint64 {
	if mem == 0 {
		return 0
	}
	p := mem - chunkHdrSz
	if m.chunkIsMmapped(p) {
		return m.chunksize(p) - chunkHdrSz
	}
	if m.inuse(p) {
		return m.memsize(p)
	}
	return 0
}
