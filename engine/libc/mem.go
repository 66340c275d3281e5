package libc

import (
	"bytes"
	"slices"

	"mmplay/engine/arch"
)

// Reader reads simulated memory. A bad address does not return: it
// panics with *arch.Signal (SIGSEGV), as interp.Memory does.
type Reader interface {
	ReadBytes(addr uint64, buf []byte)
}

// Memory is the simulated address space as the string functions and
// stdio use it: the same method set as interp.Memory, so the process's
// address space can be passed as it is.
type Memory interface {
	Reader
	Load(addr uint64, size int) uint64
	Store(addr uint64, size int, v uint64)
	WriteBytes(addr uint64, buf []byte)
}

// chunk returns how many bytes from addr, at most n, stay inside addr's
// page: the unit of every access here, so a fault happens at the first
// byte of the first bad page, as with the real byte-by-byte semantics.
func chunk(addr, n uint64) uint64 {
	room := arch.PageSize - addr&arch.PageMask
	if n < room {
		return n
	}
	return room
}

// ReadCString appends the NUL-terminated string at addr (without the
// NUL) to buf and returns it. With max >= 0 it reads at most max bytes
// and never touches memory past them (strnlen). It reads page by page,
// so a string that ends before an unmapped page is read without a
// fault, and one that runs into it faults at that page's first byte.
func ReadCString(m Reader, addr uint64, max int, buf []byte) []byte {
	for {
		n := int(chunk(addr, arch.PageSize))
		if max >= 0 && max < n {
			n = max
		}
		if n == 0 {
			return buf
		}
		l := len(buf)
		buf = slices.Grow(buf, n)[:l+n]
		b := buf[l:]
		m.ReadBytes(addr, b)
		if i := bytes.IndexByte(b, 0); i >= 0 {
			return buf[:l+i]
		}
		addr += uint64(n)
		if max >= 0 {
			max -= n
		}
	}
}

// Str implements the <string.h> functions over simulated memory with C
// standard semantics. Every function works in page-sized chunks through
// one scratch page, so large copies are fast and allocate nothing. A
// bad pointer panics with *arch.Signal from the Memory, at the page
// where the real function would fault. Pointers are returned as uint64
// addresses, as the builtins return them.
type Str struct {
	Mem  Memory
	a, b [arch.PageSize]byte // scratch pages
	s    []byte              // scratch for whole strings (strstr)
}

// NewStr returns the string functions over m.
func NewStr(m Memory) *Str { return &Str{Mem: m} }

// Memset fills n bytes at dst with byte(c) and returns dst.
func (s *Str) Memset(dst uint64, c int, n uint64) uint64 {
	fill := byte(c)
	for i := range s.a {
		s.a[i] = fill
	}
	for p, left := dst, n; left > 0; {
		k := chunk(p, left)
		s.Mem.WriteBytes(p, s.a[:k])
		p += k
		left -= k
	}
	return dst
}

// Memcpy copies n bytes from src to dst and returns dst. On x86-64
// glibc 2.36's memcpy is the same code as memmove
// (sysdeps/x86_64/multiarch/memmove-vec-unaligned-erms.S provides both
// entry points), so overlapping copies behave as memmove does there.
func (s *Str) Memcpy(dst, src, n uint64) uint64 { return s.Memmove(dst, src, n) }

// Memmove copies n bytes from src to dst, correctly for overlapping
// ranges, and returns dst. Chunks end at a page boundary of both the
// source and the destination; it copies forwards, or backwards when dst
// lies inside (src, src+n).
func (s *Str) Memmove(dst, src, n uint64) uint64 {
	if n == 0 || dst == src {
		return dst
	}
	if dst > src && dst-src < n {
		// Backwards, from the end.
		for left := n; left > 0; {
			// The chunk [left-k, left) must not cross a page boundary
			// of either range.
			k := min(left, tailRoom(src+left), tailRoom(dst+left))
			left -= k
			b := s.a[:k]
			s.Mem.ReadBytes(src+left, b)
			s.Mem.WriteBytes(dst+left, b)
		}
		return dst
	}
	for off := uint64(0); off < n; {
		k := min(chunk(src+off, n-off), chunk(dst+off, n-off))
		b := s.a[:k]
		s.Mem.ReadBytes(src+off, b)
		s.Mem.WriteBytes(dst+off, b)
		off += k
	}
	return dst
}

// tailRoom is how many bytes before end (exclusive) lie in end-1's page.
func tailRoom(end uint64) uint64 {
	return (end-1)&arch.PageMask + 1
}

// Memcmp compares n bytes and returns the difference of the first
// differing bytes as unsigned chars (what glibc's x86-64 memcmp
// returns), or 0.
func (s *Str) Memcmp(p, q, n uint64) int {
	for off := uint64(0); off < n; {
		k := min(chunk(p+off, n-off), chunk(q+off, n-off))
		a, b := s.a[:k], s.b[:k]
		s.Mem.ReadBytes(p+off, a)
		s.Mem.ReadBytes(q+off, b)
		for i := range a {
			if a[i] != b[i] {
				return int(a[i]) - int(b[i])
			}
		}
		off += k
	}
	return 0
}

// Strlen returns the length of the string at p.
func (s *Str) Strlen(p uint64) uint64 { return s.strnlen(p, ^uint64(0)) }

// Strnlen returns min(strlen(p), max), reading no byte at or past p+max.
func (s *Str) Strnlen(p, max uint64) uint64 { return s.strnlen(p, max) }

func (s *Str) strnlen(p, max uint64) uint64 {
	var n uint64
	for n < max {
		k := chunk(p+n, max-n)
		b := s.a[:k]
		s.Mem.ReadBytes(p+n, b)
		if i := bytes.IndexByte(b, 0); i >= 0 {
			return n + uint64(i)
		}
		n += k
	}
	return max
}

// Strcpy copies the string at src with its NUL to dst and returns dst.
func (s *Str) Strcpy(dst, src uint64) uint64 {
	n := s.Strlen(src)
	return s.Memmove(dst, src, n+1)
}

// Strncpy copies at most n bytes of the string at src to dst and fills
// the rest of the n bytes with NULs (so dst is not terminated when src
// is n bytes or longer). It returns dst.
func (s *Str) Strncpy(dst, src, n uint64) uint64 {
	l := s.Strnlen(src, n)
	s.Memmove(dst, src, l)
	if l < n {
		s.Memset(dst+l, 0, n-l)
	}
	return dst
}

// Strcat appends the string at src to the one at dst and returns dst.
func (s *Str) Strcat(dst, src uint64) uint64 {
	s.Strcpy(dst+s.Strlen(dst), src)
	return dst
}

// Strncat appends at most n bytes of the string at src, then a NUL, to
// the string at dst and returns dst.
func (s *Str) Strncat(dst, src, n uint64) uint64 {
	end := dst + s.Strlen(dst)
	l := s.Strnlen(src, n)
	s.Memmove(end, src, l)
	s.Mem.Store(end+l, 1, 0)
	return dst
}

// Strcmp compares two strings as unsigned chars and returns the
// difference of the first differing bytes (glibc's x86-64 strcmp does),
// or 0.
func (s *Str) Strcmp(p, q uint64) int { return s.strncmp(p, q, ^uint64(0)) }

// Strncmp is Strcmp over at most n bytes.
func (s *Str) Strncmp(p, q, n uint64) int { return s.strncmp(p, q, n) }

func (s *Str) strncmp(p, q, n uint64) int {
	for off := uint64(0); off < n; {
		k := min(chunk(p+off, n-off), chunk(q+off, n-off))
		a, b := s.a[:k], s.b[:k]
		s.Mem.ReadBytes(p+off, a)
		// Read q only as far as p's string goes, plus its NUL, so a
		// short p never makes q fault beyond what strcmp compares.
		if i := bytes.IndexByte(a, 0); i >= 0 {
			k = uint64(i) + 1
			a, b = a[:k], b[:k]
		}
		s.Mem.ReadBytes(q+off, b)
		for i := range a {
			if a[i] != b[i] {
				return int(a[i]) - int(b[i])
			}
			if a[i] == 0 {
				return 0
			}
		}
		off += k
	}
	return 0
}

// Strchr returns the address of the first byte(c) in the string at p
// (c == 0 finds the terminating NUL), or 0.
func (s *Str) Strchr(p uint64, c int) uint64 {
	ch := byte(c)
	for {
		k := chunk(p, arch.PageSize)
		b := s.a[:k]
		s.Mem.ReadBytes(p, b)
		for i, x := range b {
			if x == ch {
				return p + uint64(i)
			}
			if x == 0 {
				return 0
			}
		}
		p += k
	}
}

// Strrchr returns the address of the last byte(c) in the string at p
// (c == 0 finds the terminating NUL), or 0.
func (s *Str) Strrchr(p uint64, c int) uint64 {
	ch := byte(c)
	var last uint64
	for {
		k := chunk(p, arch.PageSize)
		b := s.a[:k]
		s.Mem.ReadBytes(p, b)
		for i, x := range b {
			if x == ch {
				last = p + uint64(i)
			}
			if x == 0 {
				return last
			}
		}
		p += k
	}
}

// Strstr returns the address of the first occurrence of the string at
// needle in the string at hay (hay itself for an empty needle), or 0.
func (s *Str) Strstr(hay, needle uint64) uint64 {
	s.s = ReadCString(s.Mem, needle, -1, s.s[:0])
	nl := len(s.s)
	if nl == 0 {
		return hay
	}
	s.s = ReadCString(s.Mem, hay, -1, s.s)
	if i := bytes.Index(s.s[nl:], s.s[:nl]); i >= 0 {
		return hay + uint64(i)
	}
	return 0
}

// Strdup copies the string at src into memory from alloc (malloc) and
// returns it, or 0 when alloc returns 0.
func (s *Str) Strdup(src uint64, alloc func(n uint64) uint64) uint64 {
	n := s.Strlen(src) + 1
	p := alloc(n)
	if p == 0 {
		return 0
	}
	return s.Memmove(p, src, n)
}

// Strndup copies at most n bytes of the string at src, plus a NUL, into
// memory from alloc and returns it, or 0 when alloc returns 0.
func (s *Str) Strndup(src, n uint64, alloc func(n uint64) uint64) uint64 {
	l := s.Strnlen(src, n)
	p := alloc(l + 1)
	if p == 0 {
		return 0
	}
	s.Memmove(p, src, l)
	s.Mem.Store(p+l, 1, 0)
	return p
}
