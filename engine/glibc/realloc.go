package glibc

import "mmplay/engine/arch"

// Realloc is __libc_realloc of glibc 2.36 (facts §1.14): no shortcut for
// "fits in the usable size" (that came in 2.37).
func (m *Malloc) Realloc(oldmem, bytes uint64) uint64 {
	m.ptmallocInit()
	if bytes == 0 && oldmem != 0 {
		// REALLOC_ZERO_BYTES_FREES.
		m.Free(oldmem)
		return 0
	}
	if oldmem == 0 {
		return m.Malloc(bytes)
	}
	oldp := oldmem - chunkHdrSz
	oldsize := m.chunksize(oldp)
	mmapped := m.chunkIsMmapped(oldp)
	if !mmapped {
		m.maybeInitTcache()
	}
	if oldp > -oldsize || misaligned(oldp) {
		m.printerr("realloc(): invalid pointer")
	}
	nb := checkedRequest2size(bytes)
	if nb == 0 {
		m.Errno = ENOMEM
		m.allocEvent(0, bytes, "realloc")
		return 0
	}
	if mmapped {
		if newp := m.mremapChunk(oldp, nb); newp != 0 {
			m.allocEvent(newp+chunkHdrSz, bytes, "realloc: mremap")
			return newp + chunkHdrSz
		}
		if oldsize-sizeSz >= nb {
			return oldmem
		}
		newmem := m.Malloc(bytes)
		if newmem == 0 {
			return 0
		}
		m.memcpy(newmem, oldmem, oldsize-chunkHdrSz)
		m.munmapChunk(oldp)
		return newmem
	}
	newmem := m.intRealloc(oldp, oldsize, nb)
	m.allocEvent(newmem, bytes, "realloc")
	return newmem
}

// intRealloc is _int_realloc.
func (m *Malloc) intRealloc(oldp, oldsize, nb uint64) uint64 {
	if m.sizeNomask(oldp) <= chunkHdrSz || oldsize >= m.systemMem {
		m.printerr("realloc(): invalid old size")
	}
	next := oldp + oldsize
	nextsize := m.chunksize(next)
	if m.sizeNomask(next) <= chunkHdrSz || nextsize >= m.systemMem {
		m.printerr("realloc(): invalid next size")
	}
	var newp, newsize uint64
	if oldsize >= nb {
		// Shrink (or same size): in place.
		newp, newsize = oldp, oldsize
	} else if newsize = oldsize + nextsize; next == m.top && newsize >= nb+minSize {
		// Grow into top.
		m.setHeadSize(oldp, nb)
		m.top = oldp + nb
		m.setHead(m.top, (newsize-nb)|prevInuse)
		return oldp + chunkHdrSz
	} else if next != m.top && !m.inuse(next) && newsize >= nb {
		// Grow into a free neighbour.
		newp = oldp
		m.unlinkChunk(next)
	} else {
		// Move: allocate, copy, free.
		newmem := m.intMalloc(nb - alignMask)
		if newmem == 0 {
			return 0
		}
		newp = newmem - chunkHdrSz
		newsize = m.chunksize(newp)
		if newp == next {
			newsize += oldsize
			newp = oldp
		} else {
			oldmem := oldp + chunkHdrSz
			m.memcpy(newmem, oldmem, m.memsize(oldp))
			m.intFree(oldp, true)
			return newmem
		}
	}

	remainderSize := newsize - nb
	if remainderSize < minSize {
		m.setHeadSize(newp, newsize)
		m.setInuseBitAtOffset(newp, newsize)
	} else {
		remainder := newp + nb
		m.setHeadSize(newp, nb)
		m.setHead(remainder, remainderSize|prevInuse)
		m.setInuseBitAtOffset(remainder, remainderSize)
		if m.rec != nil {
			m.event(arch.EvFree, remainder+chunkHdrSz, remainderSize, "realloc: tail")
		}
		m.intFree(remainder, true)
	}
	return newp + chunkHdrSz
}
