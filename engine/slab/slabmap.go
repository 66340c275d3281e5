package slab

// slabMap maps a pfn to the slab that holds it (virt_to_slab): a table of
// 512-frame chunks, made for the chunks that hold slabs. 8 bytes per
// frame of such a chunk, none for the others: less than a Go map would
// take per slab frame, and a lookup is two indexings.
type slabMap struct {
	chunks []*[slabMapChunk]*slab
	n      int // frames mapped
}

const slabMapChunk = 512

func (m *slabMap) get(pfn uint64) *slab {
	c := pfn / slabMapChunk
	if c >= uint64(len(m.chunks)) || m.chunks[c] == nil {
		return nil
	}
	return m.chunks[c][pfn%slabMapChunk]
}

// set maps pfn to s, or unmaps it (s nil).
func (m *slabMap) set(pfn uint64, s *slab) {
	c := pfn / slabMapChunk
	if c >= uint64(len(m.chunks)) {
		if s == nil {
			return
		}
		m.chunks = append(m.chunks, make([]*[slabMapChunk]*slab, c+1-uint64(len(m.chunks)))...)
	}
	if m.chunks[c] == nil {
		if s == nil {
			return
		}
		m.chunks[c] = new([slabMapChunk]*slab)
	}
	old := &m.chunks[c][pfn%slabMapChunk]
	switch {
	case *old == nil && s != nil:
		m.n++
	case *old != nil && s == nil:
		m.n--
	}
	*old = s
}

// newSlabStruct returns a zeroed slab struct, allocated 64 at a time.
func (a *Allocator) newSlabStruct() *slab {
	if len(a.slabArena) == 0 {
		a.slabArena = make([]slab, 64)
	}
	s := &a.slabArena[0]
	a.slabArena = a.slabArena[1:]
	return s
}
