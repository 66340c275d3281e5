package libc

// glibc's rand() is random() with the default TYPE_3 state: an additive
// lagged Fibonacci generator r[i] = r[i-3] + r[i-31] (mod 2^32) over 34
// words seeded by a Lehmer generator, whose first 310 outputs are thrown
// away; rand() returns r[i] >> 1. Compare stdlib/random_r.c:__srandom_r and
// __random_r. Without srand the seed is 1, and srand(0) also means 1.

type randState struct {
	r      [34]uint32 // the last 34 values, a ring
	i      int        // next index into r
	seeded bool
}

func (p *Process) srandom(seed uint32) {
	if seed == 0 {
		seed = 1
	}
	s := &p.rand
	var w [344]int64
	w[0] = int64(seed)
	for i := 1; i < 31; i++ {
		// 16807 * w[i-1] % 2147483647 without overflow (Schrage), as random_r.c
		hi := w[i-1] / 127773
		lo := w[i-1] % 127773
		word := 16807*lo - 2836*hi
		if word < 0 {
			word += 2147483647
		}
		w[i] = word
	}
	for i := 31; i < 34; i++ {
		w[i] = w[i-31]
	}
	for i := 0; i < 34; i++ {
		s.r[i] = uint32(w[i])
	}
	s.i = 34
	s.seeded = true
	for k := 0; k < 310; k++ {
		s.next()
	}
}

func (s *randState) next() uint32 {
	v := s.r[(s.i-31)%34] + s.r[(s.i-3)%34]
	s.r[s.i%34] = v
	s.i++
	if s.i >= 34*1000000 { // keep the index small; the ring is mod 34
		s.i = s.i%34 + 34
	}
	return v >> 1
}

func (p *Process) random() int32 {
	if !p.rand.seeded {
		p.srandom(1)
	}
	return int32(p.rand.next())
}
