package glibc

// intMalloc is _int_malloc(&main_arena, bytes) of glibc 2.36, step for
// step (see doc.go, "Allocation"). It returns the user pointer or 0.
func (m *Malloc) intMalloc(bytes uint64) uint64 {
	nb := checkedRequest2size(bytes)
	if nb == 0 {
		m.Errno = ENOMEM
		return 0
	}

	// Step 2: fastbins.
	if nb <= m.globalMaxFast {
		idx := fastbinIndex(nb)
		victim := m.fastbinsY[idx]
		if victim != 0 {
			if misaligned(victim) {
				m.printerr("malloc(): unaligned fastbin chunk detected 2")
			}
			m.fastbinsY[idx] = protectPtr(victim+16, m.fd(victim))
			if fastbinIndex(m.chunksize(victim)) != idx {
				m.printerr("malloc(): memory corruption (fast)")
			}
			tcIdx := csize2tidx(nb)
			if m.tcache != 0 && tcIdx < m.tcacheBins {
				for m.tcCount(tcIdx) < m.tcacheCount {
					tcVictim := m.fastbinsY[idx]
					if tcVictim == 0 {
						break
					}
					if misaligned(tcVictim) {
						m.printerr("malloc(): unaligned fastbin chunk detected 3")
					}
					m.fastbinsY[idx] = protectPtr(tcVictim+16, m.fd(tcVictim))
					m.tcachePut(tcVictim, tcIdx)
				}
			}
			p := victim + chunkHdrSz
			m.allocPerturb(p, bytes)
			return p
		}
	}

	// Step 3: small bins (exact fit, oldest first).
	var idx int
	if inSmallbinRange(nb) {
		idx = smallbinIndex(nb)
		bin := m.binAt(idx)
		if victim := m.bk(bin); victim != bin {
			bck := m.bk(victim)
			if m.fd(bck) != victim {
				m.printerr("malloc(): smallbin double linked list corrupted")
			}
			m.setInuseBitAtOffset(victim, nb)
			m.setBk(bin, bck)
			m.setFd(bck, bin)
			tcIdx := csize2tidx(nb)
			if m.tcache != 0 && tcIdx < m.tcacheBins {
				for m.tcCount(tcIdx) < m.tcacheCount {
					tcVictim := m.bk(bin)
					if tcVictim == bin {
						break
					}
					if tcVictim != 0 {
						bck = m.bk(tcVictim)
						m.setInuseBitAtOffset(tcVictim, nb)
						m.setBk(bin, bck)
						m.setFd(bck, bin)
						m.tcachePut(tcVictim, tcIdx)
					}
				}
			}
			p := victim + chunkHdrSz
			m.allocPerturb(p, bytes)
			return p
		}
	} else {
		// Step 4: a large request first consolidates the fastbins.
		idx = largebinIndex(nb)
		if m.haveFastchunks {
			m.mallocConsolidate()
		}
	}

	var tcacheNb uint64
	tcIdx := csize2tidx(nb)
	if m.tcache != 0 && tcIdx < m.tcacheBins {
		tcacheNb = nb
	}
	returnCached := false
	unsorted := m.unsorted()

	for {
		// Step 5: the unsorted chunks, oldest first.
		iters := 0
		for {
			victim := m.bk(unsorted)
			if victim == unsorted {
				break
			}
			bck := m.bk(victim)
			size := m.chunksize(victim)
			next := victim + size
			if size <= chunkHdrSz || size > m.systemMem {
				m.printerr("malloc(): invalid size (unsorted)")
			}
			if ns := m.sizeNomask(next); ns < chunkHdrSz || ns > m.systemMem {
				m.printerr("malloc(): invalid next size (unsorted)")
			}
			if m.prevSize(next)&^sizeBits != size {
				m.printerr("malloc(): mismatching next->prev_size (unsorted)")
			}
			if m.fd(bck) != victim || m.fd(victim) != unsorted {
				m.printerr("malloc(): unsorted double linked list corrupted")
			}
			if m.prevInuse(next) {
				m.printerr("malloc(): invalid next->prev_inuse (unsorted)")
			}

			// 5a: a small request split off the last remainder.
			if inSmallbinRange(nb) && bck == unsorted && victim == m.lastRemainder && size > nb+minSize {
				remainderSize := size - nb
				remainder := victim + nb
				m.setBk(unsorted, remainder)
				m.setFd(unsorted, remainder)
				m.lastRemainder = remainder
				m.setBk(remainder, unsorted)
				m.setFd(remainder, unsorted)
				if !inSmallbinRange(remainderSize) {
					m.setFdNextsize(remainder, 0)
					m.setBkNextsize(remainder, 0)
				}
				m.setHead(victim, nb|prevInuse)
				m.setHead(remainder, remainderSize|prevInuse)
				m.setFoot(remainder, remainderSize)
				p := victim + chunkHdrSz
				m.allocPerturb(p, bytes)
				return p
			}

			// 5b: take it off the unsorted list.
			if m.fd(bck) != victim {
				m.printerr("malloc(): corrupted unsorted chunks 3")
			}
			m.setBk(unsorted, bck)
			m.setFd(bck, unsorted)

			if size == nb {
				m.setInuseBitAtOffset(victim, size)
				if tcacheNb != 0 && m.tcCount(tcIdx) < m.tcacheCount {
					m.tcachePut(victim, tcIdx)
					returnCached = true
					continue
				}
				p := victim + chunkHdrSz
				m.allocPerturb(p, bytes)
				return p
			}

			// 5c: file it into its bin.
			var victimIndex int
			var fwd uint64
			if inSmallbinRange(size) {
				victimIndex = smallbinIndex(size)
				bck = m.binAt(victimIndex)
				fwd = m.fd(bck)
			} else {
				victimIndex = largebinIndex(size)
				bck = m.binAt(victimIndex)
				fwd = m.fd(bck)
				if fwd != bck {
					size |= prevInuse
					if size < m.sizeNomask(m.bk(bck)) {
						// Smaller than the smallest: append at the end.
						fwd = bck
						bck = m.bk(bck)
						m.setFdNextsize(victim, m.fd(fwd))
						m.setBkNextsize(victim, m.bkNextsize(m.fd(fwd)))
						m.setBkNextsize(m.fd(fwd), victim)
						m.setFdNextsize(m.bkNextsize(victim), victim)
					} else {
						for size < m.sizeNomask(fwd) {
							fwd = m.fdNextsize(fwd)
						}
						if size == m.sizeNomask(fwd) {
							// Same size: insert second, keep the nextsize list.
							fwd = m.fd(fwd)
						} else {
							m.setFdNextsize(victim, fwd)
							m.setBkNextsize(victim, m.bkNextsize(fwd))
							if m.fdNextsize(m.bkNextsize(fwd)) != fwd {
								m.printerr("malloc(): largebin double linked list corrupted (nextsize)")
							}
							m.setBkNextsize(fwd, victim)
							m.setFdNextsize(m.bkNextsize(victim), victim)
						}
						bck = m.bk(fwd)
						if m.fd(bck) != fwd {
							m.printerr("malloc(): largebin double linked list corrupted (bk)")
						}
					}
				} else {
					m.setFdNextsize(victim, victim)
					m.setBkNextsize(victim, victim)
				}
			}
			m.markBin(victimIndex)
			m.setBk(victim, bck)
			m.setFd(victim, fwd)
			m.setBk(fwd, victim)
			m.setFd(bck, victim)

			// tcache_unsorted_limit is 0: no early return.
			iters++
			if iters >= maxIters {
				break
			}
		}

		if returnCached {
			return m.tcacheGet(tcIdx)
		}

		// Step 6: best fit in the request's own large bin.
		if !inSmallbinRange(nb) {
			bin := m.binAt(idx)
			if victim := m.fd(bin); victim != bin && m.sizeNomask(victim) >= nb {
				victim = m.bkNextsize(victim)
				var size uint64
				for {
					size = m.chunksize(victim)
					if size >= nb {
						break
					}
					victim = m.bkNextsize(victim)
				}
				// Avoid the first of a run of equal sizes: it carries the
				// nextsize links.
				if victim != m.bk(bin) && m.sizeNomask(victim) == m.sizeNomask(m.fd(victim)) {
					victim = m.fd(victim)
				}
				remainderSize := size - nb
				m.unlinkChunk(victim)
				if remainderSize < minSize {
					m.setInuseBitAtOffset(victim, size)
				} else {
					remainder := victim + nb
					bck := unsorted
					fwd := m.fd(bck)
					if m.bk(fwd) != bck {
						m.printerr("malloc(): corrupted unsorted chunks")
					}
					m.setBk(remainder, bck)
					m.setFd(remainder, fwd)
					m.setFd(bck, remainder)
					m.setBk(fwd, remainder)
					if !inSmallbinRange(remainderSize) {
						m.setFdNextsize(remainder, 0)
						m.setBkNextsize(remainder, 0)
					}
					m.setHead(victim, nb|prevInuse)
					m.setHead(remainder, remainderSize|prevInuse)
					m.setFoot(remainder, remainderSize)
				}
				p := victim + chunkHdrSz
				m.allocPerturb(p, bytes)
				return p
			}
		}

		// Step 7: the next non-empty larger bin, found through the binmap.
		idx++
		bin := m.binAt(idx)
		block := idx >> binmapShift
		mp := m.binmap[block]
		bit := uint32(1) << (uint(idx) & 31)
		for {
			if bit > mp || bit == 0 {
				for {
					block++
					if block >= binmapSize {
						break
					}
					if mp = m.binmap[block]; mp != 0 {
						break
					}
				}
				if block >= binmapSize {
					break // use_top
				}
				bin = m.binAt(block << binmapShift)
				bit = 1
			}
			for bit&mp == 0 {
				bin += 16 // next_bin
				bit <<= 1
			}
			victim := m.bk(bin)
			if victim == bin {
				// A stale bit: clear it and go on.
				mp &^= bit
				m.binmap[block] = mp
				bin += 16
				bit <<= 1
				continue
			}
			size := m.chunksize(victim)
			remainderSize := size - nb
			m.unlinkChunk(victim)
			if remainderSize < minSize {
				m.setInuseBitAtOffset(victim, size)
			} else {
				remainder := victim + nb
				bck := unsorted
				fwd := m.fd(bck)
				if m.bk(fwd) != bck {
					m.printerr("malloc(): corrupted unsorted chunks 2")
				}
				m.setBk(remainder, bck)
				m.setFd(remainder, fwd)
				m.setFd(bck, remainder)
				m.setBk(fwd, remainder)
				if inSmallbinRange(nb) {
					m.lastRemainder = remainder
				}
				if !inSmallbinRange(remainderSize) {
					m.setFdNextsize(remainder, 0)
					m.setBkNextsize(remainder, 0)
				}
				m.setHead(victim, nb|prevInuse)
				m.setHead(remainder, remainderSize|prevInuse)
				m.setFoot(remainder, remainderSize)
			}
			p := victim + chunkHdrSz
			m.allocPerturb(p, bytes)
			return p
		}

		// Step 8: use_top.
		victim := m.top
		size := m.chunksize(victim)
		if size > m.systemMem {
			m.printerr("malloc(): corrupted top size")
		}
		if size >= nb+minSize {
			remainderSize := size - nb
			remainder := victim + nb
			m.top = remainder
			m.setHead(victim, nb|prevInuse)
			m.setHead(remainder, remainderSize|prevInuse)
			p := victim + chunkHdrSz
			m.allocPerturb(p, bytes)
			return p
		}
		// Step 9: consolidate and retry; step 10: ask the system.
		if m.haveFastchunks {
			m.mallocConsolidate()
			if inSmallbinRange(nb) {
				idx = smallbinIndex(nb)
			} else {
				idx = largebinIndex(nb)
			}
			continue
		}
		p := m.sysmalloc(nb)
		if p != 0 {
			m.allocPerturb(p, bytes)
		}
		return p
	}
}

// unlinkChunk is unlink_chunk: take a free chunk off its bin's list (and
// the nextsize list of a large bin), with glibc's consistency checks.
func (m *Malloc) unlinkChunk(p uint64) {
	if m.chunksize(p) != m.prevSize(p+m.chunksize(p)) {
		m.printerr("corrupted size vs. prev_size")
	}
	fd := m.fd(p)
	bk := m.bk(p)
	if m.bk(fd) != p || m.fd(bk) != p {
		m.printerr("corrupted double-linked list")
	}
	m.setBk(fd, bk)
	m.setFd(bk, fd)
	if !inSmallbinRange(m.sizeNomask(p)) && m.fdNextsize(p) != 0 {
		if m.bkNextsize(m.fdNextsize(p)) != p || m.fdNextsize(m.bkNextsize(p)) != p {
			m.printerr("corrupted double-linked list (not small)")
		}
		if m.fdNextsize(fd) == 0 {
			if m.fdNextsize(p) == p {
				m.setFdNextsize(fd, fd)
				m.setBkNextsize(fd, fd)
			} else {
				m.setFdNextsize(fd, m.fdNextsize(p))
				m.setBkNextsize(fd, m.bkNextsize(p))
				m.setBkNextsize(m.fdNextsize(p), fd)
				m.setFdNextsize(m.bkNextsize(p), fd)
			}
		} else {
			m.setBkNextsize(m.fdNextsize(p), m.bkNextsize(p))
			m.setFdNextsize(m.bkNextsize(p), m.fdNextsize(p))
		}
	}
}

// mallocConsolidate is malloc_consolidate: every fastbin chunk is merged
// with its free neighbours and put at the head of the unsorted bin, or
// into top.
func (m *Malloc) mallocConsolidate() {
	m.haveFastchunks = false
	unsortedBin := m.unsorted()
	for i := 0; i < nfastbins; i++ {
		p := m.fastbinsY[i]
		m.fastbinsY[i] = 0
		for p != 0 {
			if misaligned(p) {
				m.printerr("malloc_consolidate(): unaligned fastbin chunk detected")
			}
			if fastbinIndex(m.chunksize(p)) != uint64(i) {
				m.printerr("malloc_consolidate(): invalid chunk size")
			}
			nextp := protectPtr(p+16, m.fd(p))
			size := m.chunksize(p)
			nextchunk := p + size
			nextsize := m.chunksize(nextchunk)
			if !m.prevInuse(p) {
				prevsize := m.prevSize(p)
				size += prevsize
				p -= prevsize
				if m.chunksize(p) != prevsize {
					m.printerr("corrupted size vs. prev_size in fastbins")
				}
				m.unlinkChunk(p)
			}
			if nextchunk != m.top {
				nextinuse := m.inuseBitAtOffset(nextchunk, nextsize)
				if !nextinuse {
					size += nextsize
					m.unlinkChunk(nextchunk)
				} else {
					m.clearInuseBitAtOffset(nextchunk, 0)
				}
				firstUnsorted := m.fd(unsortedBin)
				m.setFd(unsortedBin, p)
				m.setBk(firstUnsorted, p)
				if !inSmallbinRange(size) {
					m.setFdNextsize(p, 0)
					m.setBkNextsize(p, 0)
				}
				m.setHead(p, size|prevInuse)
				m.setBk(p, unsortedBin)
				m.setFd(p, firstUnsorted)
				m.setFoot(p, size)
			} else {
				size += nextsize
				m.setHead(p, size|prevInuse)
				m.top = p
			}
			p = nextp
		}
	}
}
