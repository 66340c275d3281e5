package libc

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/asan"
	"mmplay/engine/cc/interp"
)

// qsort and bsearch as glibc 2.36 does them, so a comparison function
// that counts or prints its calls sees the same calls in the same order.
//
// qsort (stdlib/msort.c:__qsort_r) is a merge sort:
//
//  1. the temporary array has n*size bytes, or 2*n*8+size when size > 32
//     (then pointers to the elements are sorted, "indirect sorting");
//  2. under 1024 bytes it is alloca'd on the stack; otherwise it is
//     malloc'd (and freed at the end), so a big qsort shows in the heap;
//     glibc falls back to _quicksort when that malloc fails (mmplay
//     reports that case as not modelled) or the array needs more than a
//     quarter of physical memory (not checked: mmplay's limits on
//     simulated memory stop such a program first);
//  3. msort_with_tmp sorts the first n/2 elements, then the rest, then
//     merges them, calling cmp(b1, b2) and taking from the left on <= 0;
//  4. indirect sorting then moves the elements into place by cycles
//     (Knuth vol. 3, exercise 5.2-10).
//
// bsearch (bits/stdlib-bsearch.h) halves [l, u) and calls cmp(key, p).

func (p *Process) bQsort(c *interp.Call) uint64 {
	base, n, s, cmp := c.Args[0], c.Args[1], c.Args[2], c.Args[3]
	if n <= 1 || s == 0 {
		return 0
	}
	size := n * s
	if s > 32 {
		size = 2*n*8 + s
	}
	// (no defers: a fault in cmp ends the process where it stands)
	var tmp uint64
	release := func() {}
	if size < 1024 {
		tmp, release = c.Thread.Alloca(size)
	} else {
		tmp = p.malloc(c, size, asan.Object{Allocator: "qsort"})
		if tmp == 0 {
			panic(&NotModelled{Reason: fmt.Sprintf("qsort of %d bytes: malloc failed, and glibc's _quicksort fallback is not modelled", size)})
		}
	}
	m := &msort{p: p, t: c.Thread, cmp: cmp, tmp: tmp, s: s}
	if s <= 32 {
		m.sort(base, n)
	} else {
		m.indirect(base, n)
	}
	release()
	if size >= 1024 {
		p.Shadow.Free(tmp, "free", p.line(c))
		p.Malloc.Free(tmp)
	}
	return 0
}

// indirect is qsort's indirect sorting (steps 1 and 4).
func (m *msort) indirect(base, n uint64) {
	p, s := m.p, m.s
	tmp := m.tmp
	// indirect: sort pointers to the elements, then permute
	tp := tmp + n*8
	store := tp + n*8
	for i := uint64(0); i < n; i++ {
		p.AS.Store(tp+8*i, 8, base+i*s)
	}
	m.s, m.byPtr = 8, true
	m.sort(tp, n)
	for i := uint64(0); i < n; i++ {
		ip := base + i*s
		kp := p.AS.Load(tp+8*i, 8)
		if kp == ip {
			continue
		}
		j, jp := i, ip
		p.copy(store, ip, s)
		for {
			k := (kp - base) / s
			p.AS.Store(tp+8*j, 8, jp)
			p.copy(jp, kp, s)
			j, jp = k, kp
			kp = p.AS.Load(tp+8*k, 8)
			if kp == ip {
				break
			}
		}
		p.AS.Store(tp+8*j, 8, jp)
		p.copy(jp, store, s)
	}
}

// msort is msort_with_tmp's parameters.
type msort struct {
	p        *Process
	t        *interp.Thread
	cmp, tmp uint64
	s        uint64
	byPtr    bool // elements are pointers; cmp gets what they point to
}

func (m *msort) sort(b, n uint64) {
	if n <= 1 {
		return
	}
	n1 := n / 2
	n2 := n - n1
	b1, b2 := b, b+n1*m.s
	m.sort(b1, n1)
	m.sort(b2, n2)
	tmp := m.tmp
	for n1 > 0 && n2 > 0 {
		x, y := b1, b2
		if m.byPtr {
			x, y = m.p.AS.Load(b1, 8), m.p.AS.Load(b2, 8)
		}
		if int32(m.t.CallAddr(m.cmp, x, y)) <= 0 {
			m.p.copy(tmp, b1, m.s)
			b1 += m.s
			n1--
		} else {
			m.p.copy(tmp, b2, m.s)
			b2 += m.s
			n2--
		}
		tmp += m.s
	}
	if n1 > 0 {
		m.p.copy(tmp, b1, n1*m.s)
	}
	m.p.copy(b, m.tmp, (n-n2)*m.s)
}

// copy moves n bytes of user memory from src to dst (non-overlapping).
func (p *Process) copy(dst, src, n uint64) {
	buf := make([]byte, n)
	p.User.ReadBytes(src, buf)
	p.User.WriteBytes(dst, buf)
}

func (p *Process) bBsearch(c *interp.Call) uint64 {
	key, base, n, s, cmp := c.Args[0], c.Args[1], c.Args[2], c.Args[3], c.Args[4]
	l, u := uint64(0), n
	for l < u {
		idx := (l + u) / 2
		q := base + idx*s
		switch r := int32(c.Thread.CallAddr(cmp, key, q)); {
		case r < 0:
			u = idx
		case r > 0:
			l = idx + 1
		default:
			return q
		}
	}
	return 0
}

// bAssertFail is __assert_fail (assert/assert.c, glibc 2.36): the
// message "prog: file:line: function: Assertion `expr' failed." on
// stderr, then abort. (glibc builds the message with asprintf, a malloc,
// and keeps a copy in an mmap for the core dump; mmplay writes it
// directly: the process dies at once, so neither can be seen.)
func (p *Process) bAssertFail(c *interp.Call) uint64 {
	expr := ReadCString(p.View, c.Args[0], -1, nil)
	file := ReadCString(p.View, c.Args[1], -1, nil)
	fn := ""
	if c.Args[3] != 0 {
		fn = string(ReadCString(p.View, c.Args[3], -1, nil)) + ": "
	}
	prog := ""
	if p.ProgName != "" {
		prog = p.ProgName + ": "
	}
	msg := fmt.Sprintf("%s%s:%d: %sAssertion `%s' failed.\n", prog, file, uint32(c.Args[2]), fn, expr)
	p.Stdio.Stderr.Fwrite([]byte(msg))
	panic(&arch.Signal{Signo: arch.SIGABRT, Reason: fmt.Sprintf("the assertion %s failed (assert calls abort)", expr)})
}
