package glibc

import "encoding/binary"

// The allocator's own translation cache. A malloc(32)+free pair through
// the tcache makes about fifteen loads and stores of the heap (the tcache
// counts and entries, the chunk's size, key and next words); through
// Kernel each is an interface call into the process model's TLB. When the
// Kernel also implements DirectMemory, the allocator keeps the content
// slots of the last few pages it touched, exactly as the TLB holds them,
// and a hit is a compare and a move (the SPEC §11 budget: a pair within
// ten times the real glibc's time).
//
// Faithfulness: DirectPage hands out a page only while an access of that
// kind would hit the TLB (present, allowed, accessed and for a store
// dirty), so an access through the cache has no effect but moving the
// bytes, as through Kernel; the slots are dropped whenever the memory's
// generation changes (every TLB flush: munmap, mprotect, madvise, brk
// shrinking, mremap). Faults, RSS and minor-fault counts stay with the
// process model: a miss goes through Kernel, which takes them.

// DirectMemory is implemented by a Kernel that can hand out a page's
// bytes for direct access (the process model: mm.AddressSpace's
// DirectPage). DirectPage returns the content slot of addr's page when
// an access of that kind (write: a store) would do nothing but move
// bytes, or nil; gen points to a counter that changes whenever a slot
// handed out may stop being such a page. A nil *slot is a page without
// storage: it reads as zeros, and a store must go through Kernel.
type DirectMemory interface {
	DirectPage(addr uint64, write bool) (slot **[pageSize]byte, gen *uint64)
}

// directEntries is the size of each cache (a power of two),
// direct-mapped by page number: the tcache's page and a chunk's page fit
// at once.
const directEntries = 4

// directEntry caches one page: vpn is its page number (^0: empty), valid
// while the generation is gen.
type directEntry struct {
	vpn  uint64
	slot **[pageSize]byte
	gen  uint64
}

// noGen is the generation of a Kernel without DirectMemory: the cache
// stays empty.
var noGen uint64

// emptyDirect is a cache with no page.
var emptyDirect = [directEntries]directEntry{{vpn: ^uint64(0)}, {vpn: ^uint64(0)}, {vpn: ^uint64(0)}, {vpn: ^uint64(0)}}

// fill asks the Kernel for a's page after an access of that kind went
// through it (so the TLB holds the page now, if it can). A page handed
// out for stores serves loads too.
func (m *Malloc) fill(a uint64, write bool) {
	if m.dm == nil {
		return
	}
	slot, gen := m.dm.DirectPage(a, write)
	m.directGen = gen
	if slot == nil {
		return
	}
	e := directEntry{vpn: a / pageSize, slot: slot, gen: *gen}
	m.rd[e.vpn%directEntries] = e
	if write {
		m.wr[e.vpn%directEntries] = e
	}
}

// load8, store8, load2 and store2 are the allocator's memory accesses:
// through the cache, else through Kernel (and then into the cache).
func (m *Malloc) load8(a uint64) uint64 { return m.load(a, 8) }
func (m *Malloc) store8(a, v uint64)    { m.store(a, 8, v) }
func (m *Malloc) load2(a uint64) uint64 { return m.load(a, 2) }
func (m *Malloc) store2(a, v uint64)    { m.store(a, 2, v) }

func (m *Malloc) load(a, n uint64) uint64 {
	if p, o := m.view(a, n, false); p != nil {
		if n == 8 {
			return get64(p, o)
		}
		return get16(p, o)
	}
	v := m.k.Load(a, int(n))
	m.fill(a, false)
	return v
}

func (m *Malloc) store(a, n, v uint64) {
	if p, o := m.view(a, n, true); p != nil {
		if n == 8 {
			put64(p, o, v)
		} else {
			put16(p, o, v)
		}
		return
	}
	m.k.Store(a, int(n), v)
	m.fill(a, true)
}

// view returns the bytes of the page holding [a, a+n) and a's offset in
// it, when the cache holds that page for that kind of access (write: for
// stores, which allows loads too); else nil. The tcache's fast paths take
// a view of the tcache struct and one of the chunk, then read and write
// words there: two lookups where the same words through load8 and store8
// would make one each.
func (m *Malloc) view(a, n uint64, write bool) (*[pageSize]byte, uint64) {
	e := &m.rd[(a/pageSize)%directEntries]
	if write {
		e = &m.wr[(a/pageSize)%directEntries]
	}
	if e.vpn != a/pageSize || e.gen != *m.directGen || a%pageSize > pageSize-n {
		return nil, 0
	}
	return *e.slot, a % pageSize
}

// The words of a view.
func get64(p *[pageSize]byte, o uint64) uint64    { return binary.LittleEndian.Uint64(p[o:]) }
func put64(p *[pageSize]byte, o uint64, v uint64) { binary.LittleEndian.PutUint64(p[o:], v) }
func get16(p *[pageSize]byte, o uint64) uint64    { return uint64(binary.LittleEndian.Uint16(p[o:])) }
func put16(p *[pageSize]byte, o uint64, v uint64) { binary.LittleEndian.PutUint16(p[o:], uint16(v)) }

// tcacheGetFast is the tcache branch of __libc_malloc (counts[idx] > 0,
// then tcache_get) on views of the tcache struct and of the chunk: the
// same words read and written in the same order as the general path.
// handled is false, with nothing changed, when a page is not in the
// cache: the caller then takes the general path, which fills it. mem is
// 0 when the bin is empty.
func (m *Malloc) tcacheGetFast(idx uint64) (mem uint64, handled bool) {
	tp, to := m.view(m.tcache, tcacheStructSize, true)
	if tp == nil {
		return 0, false
	}
	count := get16(tp, to+2*idx)
	if count == 0 {
		return 0, true
	}
	e := get64(tp, to+tcacheEntriesOff+8*idx)
	if misaligned(e) {
		m.printerr("malloc(): unaligned tcache chunk detected")
	}
	cp, co := m.view(e, 16, true)
	if cp == nil {
		return 0, false // only reads so far: the general path starts over
	}
	put64(tp, to+tcacheEntriesOff+8*idx, protectPtr(e, get64(cp, co)))
	put16(tp, to+2*idx, count-1)
	put64(cp, co+8, 0)
	return e, true
}

// tcacheFreeFast is the tcache part of _int_free on views: a chunk whose
// key word is not the tcache key (no double-free scan) goes into its bin
// if the bin has room (tcache_put, words in the same order: key, the
// mangled next, the entry, the count read again). handled is false, with
// nothing changed, when a page is not in the cache or the key matches
// (the scan is the general path's); put is false when the bin is full.
func (m *Malloc) tcacheFreeFast(p, idx uint64) (put, handled bool) {
	e := p + chunkHdrSz
	cp, co := m.view(e, 16, true)
	if cp == nil || get64(cp, co+8) == m.tcacheKey {
		return false, false
	}
	tp, to := m.view(m.tcache, tcacheStructSize, true)
	if tp == nil {
		return false, false
	}
	if get16(tp, to+2*idx) >= m.tcacheCount {
		return false, true
	}
	put64(cp, co+8, m.tcacheKey)
	put64(cp, co, protectPtr(e, get64(tp, to+tcacheEntriesOff+8*idx)))
	put64(tp, to+tcacheEntriesOff+8*idx, e)
	put16(tp, to+2*idx, get16(tp, to+2*idx)+1)
	return true, true
}
