package glibc

import (
	"errors"
	"fmt"
	"sort"

	"mmplay/engine/arch"
)

// ChunkState is where a chunk of the brk heap is.
type ChunkState uint8

const (
	InUse      ChunkState = iota // handed out (or a fence post)
	InTcache                     // in a tcache list (still "in use" for its neighbours)
	InFastbin                    // in a fastbin (still "in use" for its neighbours)
	InUnsorted                   // in the unsorted bin
	InSmallbin
	InLargebin
	Top // the top chunk
)

var chunkStateNames = [...]string{"in use", "tcache", "fastbin", "unsorted", "smallbin", "largebin", "top"}

// MarshalText makes the state a word in the JSON snapshot ("tcache").
func (s ChunkState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s ChunkState) String() string {
	if int(s) < len(chunkStateNames) {
		return chunkStateNames[s]
	}
	return "?"
}

// Chunk is one chunk of the brk heap as the Heap view shows it.
type Chunk struct {
	Addr  uint64     `json:"addr"`  // chunk address (the user pointer is Addr+16)
	Size  uint64     `json:"size"`  // chunksize, without the flag bits
	Flags uint8      `json:"flags"` // PREV_INUSE 1, IS_MMAPPED 2, NON_MAIN_ARENA 4
	State ChunkState `json:"state"`
	Bin   int        `json:"bin"` // tcache index, fastbin index, or bin index (for binned chunks)
}

// List is one free list: tcache bin, fastbin, or arena bin.
type List struct {
	Index     int      `json:"index"`
	ChunkSize uint64   `json:"chunkSize"` // the size this list holds (0 for unsorted and large bins)
	Count     int      `json:"count"`     // tcache: the count word; others: len(Chunks)
	Chunks    []uint64 `json:"chunks"`    // chunk addresses, from the head
}

// Params are the tunables and counters of mp_ and main_arena.
type Params struct {
	TrimThreshold  uint64 `json:"trimThreshold"`
	TopPad         uint64 `json:"topPad"`
	MmapThreshold  uint64 `json:"mmapThreshold"`
	NMmaps         int32  `json:"nMmaps"`
	NMmapsMax      int32  `json:"nMmapsMax"`
	MmappedMem     uint64 `json:"mmappedMem"`
	NoDynThreshold bool   `json:"noDynThreshold"`
	MaxFast        uint64 `json:"maxFast"` // global_max_fast (16 = fastbins off)
	Perturb        uint64 `json:"perturb"`
	SystemMem      uint64 `json:"systemMem"`
	MaxSystemMem   uint64 `json:"maxSystemMem"`
	Contiguous     bool   `json:"contiguous"`
}

// MmappedChunk is a chunk with its own mapping.
type MmappedChunk struct {
	Addr uint64 `json:"addr"`
	Size uint64 `json:"size"`
}

// Snapshot is the allocator's state for the Heap view.
type Snapshot struct {
	Initialized   bool           `json:"initialized"`
	Chunks        []Chunk        `json:"chunks"` // the brk heap in address order (all segments)
	Top           uint64         `json:"top"`
	TopSize       uint64         `json:"topSize"`
	LastRemainder uint64         `json:"lastRemainder"`
	Tcache        []List         `json:"tcache"`   // non-empty tcache bins
	Fastbins      []List         `json:"fastbins"` // non-empty fastbins
	Bins          []List         `json:"bins"`     // non-empty unsorted (index 1), small and large bins
	Mmapped       []MmappedChunk `json:"mmapped"`
	Params        Params         `json:"params"`
}

type freeInfo struct {
	state ChunkState
	bin   int
}

// maxListLen bounds list walks, so a corrupted (cyclic) list ends.
const maxListLen = 1 << 20

// collect walks every free list and returns where each chunk is. It is
// read-only and may end in a SIGSEGV panic on a corrupted heap.
func (m *Malloc) collect(s *Snapshot) (map[uint64]freeInfo, error) {
	where := map[uint64]freeInfo{}
	var errs []error
	put := func(p uint64, fi freeInfo) {
		if old, dup := where[p]; dup {
			errs = append(errs, fmt.Errorf("chunk %#x is in %v bin %d and in %v bin %d", p, old.state, old.bin, fi.state, fi.bin))
			return
		}
		where[p] = fi
	}
	if m.tcache != 0 {
		for i := uint64(0); i < tcacheMaxBins; i++ {
			l := List{Index: int(i), ChunkSize: i*16 + minChunkSize, Count: int(m.tcCount(i))}
			for e, n := m.tcEntry(i), 0; e != 0; e, n = protectPtr(e, m.k.Load(e, 8)), n+1 {
				if n > maxListLen || misaligned(e) {
					errs = append(errs, fmt.Errorf("tcache bin %d: bad entry %#x", i, e))
					break
				}
				l.Chunks = append(l.Chunks, e-chunkHdrSz)
				put(e-chunkHdrSz, freeInfo{InTcache, int(i)})
			}
			if l.Count != 0 || len(l.Chunks) != 0 {
				s.Tcache = append(s.Tcache, l)
			}
		}
	}
	for i := uint64(0); i < nfastbins; i++ {
		l := List{Index: int(i), ChunkSize: (i + 2) * 16}
		for p, n := m.fastbinsY[i], 0; p != 0; p, n = protectPtr(p+16, m.fd(p)), n+1 {
			if n > maxListLen || misaligned(p) {
				errs = append(errs, fmt.Errorf("fastbin %d: bad chunk %#x", i, p))
				break
			}
			l.Chunks = append(l.Chunks, p)
			put(p, freeInfo{InFastbin, int(i)})
		}
		if len(l.Chunks) != 0 {
			l.Count = len(l.Chunks)
			s.Fastbins = append(s.Fastbins, l)
		}
	}
	if m.initialized {
		for i := 1; i < nbins; i++ {
			bin := m.binAt(i)
			l := List{Index: i}
			st := InUnsorted
			switch {
			case i == 1:
			case i < nsmallbins:
				st = InSmallbin
				l.ChunkSize = uint64(i) * 16
			default:
				st = InLargebin
			}
			for p, n := m.fd(bin), 0; p != bin; p, n = m.fd(p), n+1 {
				if n > maxListLen || misaligned(p) || p == 0 {
					errs = append(errs, fmt.Errorf("bin %d: bad chunk %#x", i, p))
					break
				}
				l.Chunks = append(l.Chunks, p)
				put(p, freeInfo{st, i})
			}
			if len(l.Chunks) != 0 {
				l.Count = len(l.Chunks)
				s.Bins = append(s.Bins, l)
			}
		}
	}
	return where, errors.Join(errs...)
}

// Snapshot returns the allocator's state. It only reads memory that malloc
// itself wrote, so on a sound heap it touches no new page; on a corrupted
// heap it returns what it could read and an error.
func (m *Malloc) Snapshot() (s Snapshot, err error) {
	defer func() {
		if r := recover(); r != nil {
			sig, ok := r.(*arch.Signal)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("glibc: heap unreadable: %v", sig)
		}
	}()
	s.Initialized = m.initialized
	s.Params = Params{
		TrimThreshold: m.trimThreshold, TopPad: m.topPad, MmapThreshold: m.mmapThreshold,
		NMmaps: m.nMmaps, NMmapsMax: m.nMmapsMax, MmappedMem: m.mmappedMem,
		NoDynThreshold: m.noDynThreshold, MaxFast: m.globalMaxFast, Perturb: m.perturbByte,
		SystemMem: m.systemMem, MaxSystemMem: m.maxSystemMem, Contiguous: m.contiguous(),
	}
	for _, a := range sortedKeys(m.mmapped) {
		s.Mmapped = append(s.Mmapped, MmappedChunk{Addr: a, Size: m.mmapped[a]})
	}
	if !m.initialized {
		return s, nil
	}
	s.LastRemainder = m.lastRemainder
	s.Top = m.top
	s.TopSize = m.chunksize(m.top)
	where, err := m.collect(&s)
	chunks, werr := m.walk(where)
	s.Chunks = chunks
	return s, errors.Join(err, werr)
}

// walk lists the chunks of every heap segment in address order. A segment
// ends at top or at a fence post (a 16-byte chunk).
func (m *Malloc) walk(where map[uint64]freeInfo) ([]Chunk, error) {
	segs := append([]uint64(nil), m.segments...)
	sort.Slice(segs, func(i, j int) bool { return segs[i] < segs[j] })
	var out []Chunk
	for _, p := range segs {
		limit := m.systemMem + uint64(len(segs))*pageSize
		start := p
		for {
			raw := m.sizeNomask(p)
			c := Chunk{Addr: p, Size: raw &^ sizeBits, Flags: uint8(raw & sizeBits)}
			if fi, ok := where[p]; ok {
				c.State, c.Bin = fi.state, fi.bin
			}
			if p == m.top {
				c.State = Top
				out = append(out, c)
				break
			}
			out = append(out, c)
			if c.Size == chunkHdrSz {
				// Fence posts: two 16-byte headers end the segment.
				if m.chunksize(p+chunkHdrSz) == chunkHdrSz {
					q := p + chunkHdrSz
					out = append(out, Chunk{Addr: q, Size: chunkHdrSz, Flags: uint8(m.sizeNomask(q) & sizeBits)})
				}
				break
			}
			if c.Size < minSize || misaligned(c.Size) || p+c.Size-start > limit {
				return out, fmt.Errorf("chunk %#x: bad size %#x", p, raw)
			}
			p += c.Size
		}
	}
	return out, nil
}

// CheckInvariants re-derives the allocator's state from memory and checks
// it (STYLE.md habit 3): the heap walk reaches top; every free chunk is in
// exactly one list and every listed chunk is on the walk; PREV_INUSE bits
// and footers agree with the lists; no two really-free chunks touch; bins
// hold the right sizes, small bins one size, large bins sorted with a
// consistent nextsize list; doubly linked lists are consistent; binmap bits
// cover every non-empty bin; tcache counts match their lists; the mmapped
// chunks carry IS_MMAPPED and their mapping size.
func (m *Malloc) CheckInvariants() (err error) {
	defer func() {
		if r := recover(); r != nil {
			sig, ok := r.(*arch.Signal)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("glibc: heap unreadable: %v", sig)
		}
	}()
	var errs []error
	bad := func(f string, a ...any) { errs = append(errs, fmt.Errorf(f, a...)) }
	for _, a := range sortedKeys(m.mmapped) {
		size := m.mmapped[a]
		if raw := m.sizeNomask(a); raw != size|isMmapped {
			bad("mmapped chunk %#x: size word %#x, mapping %#x", a, raw, size)
		}
	}
	if int(m.nMmaps) != len(m.mmapped) {
		bad("n_mmaps %d, but %d mmapped chunks", m.nMmaps, len(m.mmapped))
	}
	if !m.initialized {
		return errors.Join(errs...)
	}
	var s Snapshot
	where, cerr := m.collect(&s)
	if cerr != nil {
		errs = append(errs, cerr)
	}
	chunks, werr := m.walk(where)
	if werr != nil {
		errs = append(errs, werr)
	}
	if len(m.segments) > 0 {
		if len(chunks) == 0 || chunks[len(chunks)-1].State != Top {
			bad("heap walk does not end at top %#x", m.top)
		}
	}
	onWalk := map[uint64]bool{}
	prevFree := false
	var prevSize uint64
	for i, c := range chunks {
		onWalk[c.Addr] = true
		reallyFree := c.State == InUnsorted || c.State == InSmallbin || c.State == InLargebin
		if i > 0 && chunks[i-1].Addr+chunks[i-1].Size == c.Addr {
			if prevFree == (c.Flags&prevInuse != 0) {
				bad("chunk %#x: PREV_INUSE %v but previous chunk free=%v", c.Addr, c.Flags&prevInuse != 0, prevFree)
			}
			if prevFree {
				if ps := m.prevSize(c.Addr); ps != prevSize {
					bad("chunk %#x: prev_size %#x, previous free chunk has size %#x", c.Addr, ps, prevSize)
				}
				if reallyFree || c.State == Top {
					bad("free chunks %#x and %#x touch", chunks[i-1].Addr, c.Addr)
				}
			}
		}
		if c.State == Top && c.Flags&prevInuse == 0 {
			bad("top %#x: PREV_INUSE clear", c.Addr)
		}
		prevFree, prevSize = reallyFree, c.Size
		switch c.State {
		case InTcache:
			if csize2tidx(c.Size) != uint64(c.Bin) {
				bad("tcache bin %d holds chunk %#x of size %#x", c.Bin, c.Addr, c.Size)
			}
		case InFastbin:
			if fastbinIndex(c.Size) != uint64(c.Bin) || c.Size > m.globalMaxFast {
				bad("fastbin %d holds chunk %#x of size %#x", c.Bin, c.Addr, c.Size)
			}
		case InSmallbin, InLargebin:
			if binIndex(c.Size) != c.Bin {
				bad("bin %d holds chunk %#x of size %#x", c.Bin, c.Addr, c.Size)
			}
		}
	}
	if len(m.segments) > 0 {
		for _, p := range sortedKeys(where) {
			if fi := where[p]; !onWalk[p] {
				bad("chunk %#x in %v bin %d is not on the heap", p, fi.state, fi.bin)
			}
		}
	}
	for _, l := range s.Tcache {
		if l.Count != len(l.Chunks) || l.Count > int(m.tcacheCount) {
			bad("tcache bin %d: count %d, list length %d", l.Index, l.Count, len(l.Chunks))
		}
		for _, c := range l.Chunks {
			if m.k.Load(c+chunkHdrSz+8, 8) != m.tcacheKey {
				bad("tcache entry %#x: key not set", c+chunkHdrSz)
			}
		}
	}
	for _, l := range s.Bins {
		if l.Index != 1 && m.binmap[l.Index>>binmapShift]&(1<<(uint(l.Index)&31)) == 0 {
			bad("bin %d is not empty but its binmap bit is clear", l.Index)
		}
		prev := m.binAt(l.Index)
		for _, c := range l.Chunks {
			if m.bk(c) != prev {
				bad("bin %d: chunk %#x bk %#x, want %#x", l.Index, c, m.bk(c), prev)
			}
			prev = c
		}
		if m.bk(m.binAt(l.Index)) != prev {
			bad("bin %d: bk of the header is not the last chunk", l.Index)
		}
		if l.Index >= nsmallbins {
			m.checkLargeBin(l, bad)
		}
	}
	if ts := m.chunksize(m.top); len(m.segments) > 0 && ts > m.systemMem {
		bad("top size %#x above system_mem %#x", ts, m.systemMem)
	}
	return errors.Join(errs...)
}

// checkLargeBin: sorted by size, largest first; the first chunk of each
// size carries the nextsize links, which form a ring over distinct sizes.
func (m *Malloc) checkLargeBin(l List, bad func(string, ...any)) {
	var heads []uint64
	for i, c := range l.Chunks {
		sz := m.chunksize(c)
		if i > 0 {
			psz := m.chunksize(l.Chunks[i-1])
			if sz > psz {
				bad("large bin %d not sorted at %#x", l.Index, c)
			}
			if sz == psz {
				if m.fdNextsize(c) != 0 {
					bad("large bin %d: chunk %#x repeats a size but has nextsize links", l.Index, c)
				}
				continue
			}
		}
		heads = append(heads, c)
	}
	for i, h := range heads {
		want := heads[(i+1)%len(heads)]
		if m.fdNextsize(h) != want {
			bad("large bin %d: fd_nextsize of %#x is %#x, want %#x", l.Index, h, m.fdNextsize(h), want)
		}
		if m.bkNextsize(want) != h {
			bad("large bin %d: bk_nextsize of %#x is %#x, want %#x", l.Index, want, m.bkNextsize(want), h)
		}
	}
}

// sortedKeys returns a map's keys in increasing order, so that nothing
// depends on Go's map iteration order.
func sortedKeys[V any](mp map[uint64]V) []uint64 {
	keys := make([]uint64, 0, len(mp))
	for a := range mp {
		keys = append(keys, a)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
