package glibc

// Mallopt is __libc_mallopt: it consolidates the fastbins first (every
// call, whatever the parameter), then sets one parameter. It returns 1 on
// success and 0 when the value is refused (M_MXFAST above 160).
func (m *Malloc) Mallopt(param, value int32) int {
	m.ptmallocInit()
	m.mallocConsolidate()
	v := uint64(int64(value)) // the int is converted to size_t
	switch param {
	case M_MXFAST:
		if v <= maxFastSize {
			m.setMaxFast(v)
			return 1
		}
		return 0
	case M_TRIM_THRESHOLD:
		m.trimThreshold = v
		m.noDynThreshold = true
	case M_TOP_PAD:
		m.topPad = v
		m.noDynThreshold = true
	case M_MMAP_THRESHOLD:
		m.mmapThreshold = v
		m.noDynThreshold = true
	case M_MMAP_MAX:
		m.nMmapsMax = value
		m.noDynThreshold = true
	case M_CHECK_ACTION:
		// Accepted and ignored since 2.26.
	case M_PERTURB:
		m.perturbByte = uint64(uint32(value))
	case M_ARENA_TEST, M_ARENA_MAX:
		// Only one arena is modelled; glibc accepts positive values.
	}
	return 1
}

// Trim is malloc_trim(pad) (malloc/malloc.c — mtrim): consolidate, give
// back the whole pages inside big free chunks with MADV_DONTNEED, then
// systrim the top. It returns 1 if any memory was released.
func (m *Malloc) Trim(pad uint64) int {
	m.ptmallocInit()
	m.mallocConsolidate()
	const psm1 = pageSize - 1
	psindex := binIndex(pageSize)
	result := 0
	for i := 1; i < nbins; i++ {
		if i != 1 && i < psindex {
			continue
		}
		bin := m.binAt(i)
		for p := m.bk(bin); p != bin; p = m.bk(p) {
			size := m.chunksize(p)
			if size > psm1+mallocChunkSz {
				palignedMem := (p + mallocChunkSz + psm1) &^ psm1
				size -= palignedMem - p
				if size > psm1 {
					m.k.MadviseDontneed(palignedMem, size&^psm1)
					result = 1
				}
			}
		}
	}
	return result | m.systrim(pad)
}
