package glibc

// intFree is _int_free(&main_arena, p, have_lock) of glibc 2.36 (see
// doc.go, "Free").
func (m *Malloc) intFree(p uint64, haveLock bool) {
	size := m.chunksize(p)
	if p > -size || misaligned(p) {
		m.printerr("free(): invalid pointer")
	}
	if size < minSize || misaligned(size) {
		m.printerr("free(): invalid size")
	}

	// tcache: double-free check through the key, then put if room.
	tcIdx := csize2tidx(size)
	if m.tcache != 0 && tcIdx < m.tcacheBins {
		put, handled := m.tcacheFreeFast(p, tcIdx)
		if !handled {
			put = m.tcacheFree(p, tcIdx)
		}
		if put {
			return
		}
	}

	// fastbins (TRIM_FASTBINS is 0: even a chunk next to top).
	if size <= m.globalMaxFast {
		next := p + size
		if m.sizeNomask(next) <= chunkHdrSz || m.chunksize(next) >= m.systemMem {
			m.printerr("free(): invalid next size (fast)")
		}
		m.freePerturb(p+chunkHdrSz, size-chunkHdrSz)
		m.haveFastchunks = true
		idx := fastbinIndex(size)
		old := m.fastbinsY[idx]
		if old == p {
			m.printerr("double free or corruption (fasttop)")
		}
		m.setFd(p, protectPtr(p+16, old))
		m.fastbinsY[idx] = p
		// have_lock is true only on the internal paths (realloc's tail,
		// sysmalloc's old top); there glibc also checks the old head.
		if haveLock && old != 0 && fastbinIndex(m.chunksize(old)) != idx {
			m.printerr("invalid fastbin entry (free)")
		}
		return
	}

	if m.chunkIsMmapped(p) {
		m.munmapChunk(p)
		return
	}

	nextchunk := p + size
	if p == m.top {
		m.printerr("double free or corruption (top)")
	}
	if m.contiguous() && nextchunk >= m.top+m.chunksize(m.top) {
		m.printerr("double free or corruption (out)")
	}
	if !m.prevInuse(nextchunk) {
		m.printerr("double free or corruption (!prev)")
	}
	nextsize := m.chunksize(nextchunk)
	if m.sizeNomask(nextchunk) <= chunkHdrSz || nextsize >= m.systemMem {
		m.printerr("free(): invalid next size (normal)")
	}
	m.freePerturb(p+chunkHdrSz, size-chunkHdrSz)

	// Coalesce backward.
	if !m.prevInuse(p) {
		prevsize := m.prevSize(p)
		size += prevsize
		p -= prevsize
		if m.chunksize(p) != prevsize {
			m.printerr("corrupted size vs. prev_size while consolidating")
		}
		m.unlinkChunk(p)
	}

	if nextchunk != m.top {
		// Coalesce forward, then put at the head of the unsorted bin.
		nextinuse := m.inuseBitAtOffset(nextchunk, nextsize)
		if !nextinuse {
			m.unlinkChunk(nextchunk)
			size += nextsize
		} else {
			m.clearInuseBitAtOffset(nextchunk, 0)
		}
		bck := m.unsorted()
		fwd := m.fd(bck)
		if m.bk(fwd) != bck {
			m.printerr("free(): corrupted unsorted chunks")
		}
		m.setFd(p, fwd)
		m.setBk(p, bck)
		if !inSmallbinRange(size) {
			m.setFdNextsize(p, 0)
			m.setBkNextsize(p, 0)
		}
		m.setFd(bck, p)
		m.setBk(fwd, p)
		m.setHead(p, size|prevInuse)
		m.setFoot(p, size)
	} else {
		// Merge into top.
		size += nextsize
		m.setHead(p, size|prevInuse)
		m.top = p
	}

	if size >= fastbinConsolidationThreshold {
		if m.haveFastchunks {
			m.mallocConsolidate()
		}
		if m.chunksize(m.top) >= m.trimThreshold {
			m.systrim(m.topPad)
		}
	}
}

// tcacheFree is the tcache part of _int_free: the double-free check
// through the key, then tcache_put if the bin has room. It reports
// whether the chunk went into the tcache.
func (m *Malloc) tcacheFree(p, tcIdx uint64) bool {
	e := p + chunkHdrSz
	if m.load8(e+8) == m.tcacheKey {
		cnt := uint64(0)
		for tmp := m.tcEntry(tcIdx); tmp != 0; tmp = protectPtr(tmp, m.load8(tmp)) {
			if cnt >= m.tcacheCount {
				m.printerr("free(): too many chunks detected in tcache")
			}
			if misaligned(tmp) {
				m.printerr("free(): unaligned chunk detected in tcache 2")
			}
			if tmp == e {
				m.printerr("free(): double free detected in tcache 2")
			}
			cnt++
		}
	}
	if m.tcCount(tcIdx) < m.tcacheCount {
		m.tcachePut(p, tcIdx)
		return true
	}
	return false
}
