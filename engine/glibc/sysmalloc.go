package glibc

import "mmplay/engine/arch"

// morecoreFailure is MORECORE_FAILURE: __glibc_morecore turns sbrk's
// (void *)-1 into 0.
const morecoreFailure = 0

// sbrkFailed is (void *)-1, what sbrk returns on failure.
const sbrkFailed = ^uint64(0)

// Brk is glibc's brk(2) wrapper (sysdeps/unix/sysv/linux/brk.c — __brk):
// it records the kernel's answer in __curbrk and returns 0, or -1 with
// errno ENOMEM when the break did not reach addr.
func (m *Malloc) Brk(addr uint64) int {
	newbrk := m.k.Brk(addr)
	if newbrk != m.curbrk {
		m.event(arch.EvBrk, newbrk, 0, "brk")
	}
	m.curbrk = newbrk
	if newbrk < addr {
		m.Errno = ENOMEM
		return -1
	}
	return 0
}

// Sbrk is glibc's sbrk (misc/sbrk.c — __sbrk): it moves the break by incr
// bytes and returns the old break, or (void *)-1 (all ones) on failure.
// User programs call it too; it shares __curbrk with malloc.
func (m *Malloc) Sbrk(incr int64) uint64 {
	if m.curbrk == 0 {
		if m.Brk(0) < 0 {
			return sbrkFailed
		}
	}
	if incr == 0 {
		return m.curbrk
	}
	oldbrk := m.curbrk
	if incr > 0 {
		if oldbrk+uint64(incr) < oldbrk {
			m.Errno = ENOMEM
			return sbrkFailed
		}
	} else if oldbrk < uint64(-incr) {
		m.Errno = ENOMEM
		return sbrkFailed
	}
	if m.Brk(oldbrk+uint64(incr)) < 0 {
		return sbrkFailed
	}
	return oldbrk
}

// morecore is __glibc_morecore: sbrk with failure as 0.
func (m *Malloc) morecore(incr int64) uint64 {
	r := m.Sbrk(incr)
	if r == sbrkFailed {
		return morecoreFailure
	}
	return r
}

func (m *Malloc) mmap(size uint64) (uint64, bool) {
	addr, ok := m.k.Mmap(size)
	if ok {
		m.event(arch.EvMap, addr, size, "mmap")
	}
	return addr, ok
}

// sysmallocMmap is sysmalloc_mmap: a chunk with its own mapping. It
// returns the user pointer, or 0 when mmap fails.
func (m *Malloc) sysmallocMmap(nb uint64) uint64 {
	size := alignUp(nb+sizeSz, pageSize)
	if size <= nb {
		return 0
	}
	mm, ok := m.mmap(size)
	if !ok {
		return 0
	}
	// mmap is page aligned, so chunk2mem is 16-aligned: no correction.
	p := mm
	m.setPrevSize(p, 0)
	m.setHead(p, size|isMmapped)
	m.nMmaps++
	if m.nMmaps > m.maxNMmaps {
		m.maxNMmaps = m.nMmaps
	}
	m.mmappedMem += size
	if m.mmappedMem > m.maxMmappedMem {
		m.maxMmappedMem = m.mmappedMem
	}
	m.mmapped[p] = size
	return p + chunkHdrSz
}

// sysmalloc is sysmalloc(nb, &main_arena) (see doc.go, "Top and the brk
// heap"). Precondition: top is smaller than nb + MINSIZE.
func (m *Malloc) sysmalloc(nb uint64) uint64 {
	// (glibc's tried_mmap only matters to arenas other than main_arena,
	// which mmplay does not model)
	if nb >= m.mmapThreshold && m.nMmaps < m.nMmapsMax {
		if mm := m.sysmallocMmap(nb); mm != 0 {
			return mm
		}
	}

	oldTop := m.top
	oldSize := m.chunksize(oldTop)
	oldEnd := oldTop + oldSize
	// sysmalloc's assert (malloc.c, glibc 2.36): once the heap exists, top
	// is at least MINSIZE, has PREV_INUSE set and ends on a page boundary.
	// A program that overwrote top's size word (a heap overflow out of
	// the last chunk) fails it here, before the heap grows.
	if !(oldTop == m.unsorted() && oldSize == 0) && !(oldSize >= minSize && m.prevInuse(oldTop) && oldEnd&(pageSize-1) == 0) {
		m.assertFail("sysmalloc", "(old_top == initial_top (av) && old_size == 0) || ((unsigned long) (old_size) >= MINSIZE && prev_inuse (old_top) && ((unsigned long) old_end & (pagesize - 1)) == 0)")
	}
	brk := uint64(morecoreFailure)
	sndBrk := uint64(morecoreFailure)

	size := nb + m.topPad + minSize
	if m.contiguous() {
		size -= oldSize
	}
	size = alignUp(size, pageSize)
	if int64(size) > 0 {
		brk = m.morecore(int64(size))
	}
	if brk == morecoreFailure {
		// sysmalloc_mmap_fallback: mmap stands in for the heap.
		fsize := size
		if m.contiguous() {
			fsize = alignUp(fsize+oldSize, pageSize)
		}
		if fsize < mmapAsMorecoreSize {
			fsize = mmapAsMorecoreSize
		}
		if fsize > nb {
			if mbrk, ok := m.mmap(fsize); ok {
				m.flags |= noncontiguousBit
				size = fsize
				brk = mbrk
				sndBrk = brk + size
			}
		}
	}

	if brk != morecoreFailure {
		if m.sbrkBase == 0 {
			m.sbrkBase = brk
		}
		m.systemMem += size
		if brk == oldEnd && sndBrk == morecoreFailure {
			// The heap simply grew: top grows with it.
			m.setHead(oldTop, (size+oldSize)|prevInuse)
		} else if m.contiguous() && oldSize != 0 && brk < oldEnd {
			m.printerr("break adjusted to free malloc space")
		} else {
			// First call, a foreign sbrk in between, or mmap'd memory.
			var correction uint64
			alignedBrk := brk
			if m.contiguous() {
				if oldSize != 0 {
					m.systemMem += brk - oldEnd
				}
				if frontMisalign := (brk + chunkHdrSz) & alignMask; frontMisalign > 0 {
					correction = mallocAlign - frontMisalign
					alignedBrk += correction
				}
				correction += oldSize
				endMisalign := brk + size + correction
				correction += alignUp(endMisalign, pageSize) - endMisalign
				sndBrk = m.morecore(int64(correction))
				if sndBrk == morecoreFailure {
					correction = 0
					sndBrk = m.morecore(0)
				}
			} else if sndBrk == morecoreFailure {
				sndBrk = m.morecore(0)
			}
			if sndBrk != morecoreFailure {
				m.top = alignedBrk
				m.segments = append(m.segments, alignedBrk)
				m.setHead(m.top, (sndBrk-alignedBrk+correction)|prevInuse)
				m.systemMem += correction
				if oldSize != 0 {
					// Fence posts at the end of the old top, so that it
					// is never merged with what lies beyond; free the rest.
					oldSize = (oldSize - 2*chunkHdrSz) &^ alignMask
					m.setHead(oldTop, oldSize|prevInuse)
					m.setHead(oldTop+oldSize, chunkHdrSz|prevInuse)
					m.setHead(oldTop+oldSize+chunkHdrSz, chunkHdrSz|prevInuse)
					if oldSize >= minSize {
						m.intFree(oldTop, true)
					}
				}
			}
		}
	}
	if m.systemMem > m.maxSystemMem {
		m.maxSystemMem = m.systemMem
	}

	p := m.top
	size = m.chunksize(p)
	if size >= nb+minSize {
		remainderSize := size - nb
		remainder := p + nb
		m.top = remainder
		m.setHead(p, nb|prevInuse)
		m.setHead(remainder, remainderSize|prevInuse)
		return p + chunkHdrSz
	}
	m.Errno = ENOMEM
	return 0
}

// systrim gives the top of the heap back with a negative sbrk, keeping
// pad bytes (malloc/malloc.c — systrim). It returns 1 if it released
// anything.
func (m *Malloc) systrim(pad uint64) int {
	topSize := m.chunksize(m.top)
	topArea := int64(topSize - minSize - 1)
	if topArea <= int64(pad) {
		return 0
	}
	extra := alignDown(uint64(topArea)-pad, pageSize)
	if extra == 0 {
		return 0
	}
	currentBrk := m.morecore(0)
	if currentBrk == m.top+topSize {
		m.morecore(-int64(extra))
		newBrk := m.morecore(0)
		if newBrk != morecoreFailure {
			released := currentBrk - newBrk
			if released != 0 {
				m.systemMem -= released
				m.setHead(m.top, (topSize-released)|prevInuse)
				return 1
			}
		}
	}
	return 0
}

// munmapChunk is munmap_chunk.
func (m *Malloc) munmapChunk(p uint64) {
	size := m.chunksize(p)
	mem := p + chunkHdrSz
	prev := m.prevSize(p)
	block := p - prev
	totalSize := prev + size
	if (block|totalSize)&(pageSize-1) != 0 || !powerof2(mem&(pageSize-1)) {
		m.printerr("munmap_chunk(): invalid pointer")
	}
	m.nMmaps--
	m.mmappedMem -= totalSize
	delete(m.mmapped, p)
	m.event(arch.EvUnmap, block, totalSize, "munmap")
	m.k.Munmap(block, totalSize)
}

// powerof2 is glibc's powerof2: true for 0 as well.
func powerof2(x uint64) bool { return x&(x-1) == 0 }

// mremapChunk is mremap_chunk: resize an mmapped chunk in place or by
// moving its mapping. It returns the chunk, or 0 when mremap failed.
func (m *Malloc) mremapChunk(p, newSize uint64) uint64 {
	offset := m.prevSize(p)
	size := m.chunksize(p)
	block := p - offset
	mem := p + chunkHdrSz
	totalSize := offset + size
	if (block|totalSize)&(pageSize-1) != 0 || !powerof2(mem&(pageSize-1)) {
		m.printerr("mremap_chunk(): invalid pointer")
	}
	newSize = alignUp(newSize+offset+sizeSz, pageSize)
	if totalSize == newSize {
		return p
	}
	cp, ok := m.k.Mremap(block, totalSize, newSize)
	if !ok {
		return 0
	}
	m.event(arch.EvUnmap, block, totalSize, "mremap")
	m.event(arch.EvMap, cp, newSize, "mremap")
	delete(m.mmapped, p)
	p = cp + offset
	m.setHead(p, (newSize-offset)|isMmapped)
	m.mmapped[p] = newSize
	m.mmappedMem += newSize - size - offset
	if m.mmappedMem > m.maxMmappedMem {
		m.maxMmappedMem = m.mmappedMem
	}
	return p
}
