package libc

import (
	"bytes"
	"testing"

	"mmplay/engine/arch"
)

// strMem maps two pages at 0x10000 and 0x11000 (0x12000 is unmapped).
func strMem() (*fakeMem, *Str) {
	m := newFakeMem()
	m.mapRange(0x10000, 2*arch.PageSize)
	return m, NewStr(m)
}

func TestStringFunctions(t *testing.T) {
	m, s := strMem()
	a := m.putString(0x10000, "hello")
	b := m.putString(0x10100, "hellz")
	e := m.putString(0x10200, "")
	hi := m.putString(0x10300, "abc\xff")
	lo := m.putString(0x10400, "abc\x01")
	hay := m.putString(0x10500, "the quick brown fox")
	fox := m.putString(0x10600, "fox")
	cat := m.putString(0x10700, "cat")
	// Results of the real glibc 2.36 (byte differences, not just signs).
	ints := []struct {
		name      string
		got, want int
	}{
		{"memcmp differs at byte 4", s.Memcmp(a, b, 5), 'o' - 'z'},
		{"memcmp of equal prefix", s.Memcmp(a, b, 4), 0},
		{"memcmp compares unsigned", s.Memcmp(hi, lo, 4), 254},
		{"strcmp", s.Strcmp(a, b), -11},
		{"strcmp reversed", s.Strcmp(b, a), 11},
		{"strcmp unsigned", s.Strcmp(hi, lo), 254},
		{"strcmp empty first", s.Strcmp(e, a), -'h'},
		{"strcmp equal", s.Strcmp(a, a), 0},
		{"strncmp within the prefix", s.Strncmp(a, b, 4), 0},
		{"strncmp n=0", s.Strncmp(a, b, 0), 0},
		{"strlen", int(s.Strlen(a)), 5},
		{"strlen empty", int(s.Strlen(e)), 0},
		{"strnlen cut", int(s.Strnlen(a, 3)), 3},
		{"strnlen long max", int(s.Strnlen(a, 100)), 5},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	ptrs := []struct {
		name      string
		got, want uint64
	}{
		{"strchr", s.Strchr(a, 'l'), a + 2},
		{"strchr NUL finds the end", s.Strchr(a, 0), a + 5},
		{"strchr missing", s.Strchr(a, 'q'), 0},
		{"strchr uses the low byte", s.Strchr(a, 0x100+'e'), a + 1},
		{"strrchr", s.Strrchr(a, 'l'), a + 3},
		{"strrchr missing", s.Strrchr(a, 'q'), 0},
		{"strrchr NUL", s.Strrchr(a, 0), a + 5},
		{"strstr", s.Strstr(hay, fox), hay + 16},
		{"strstr missing", s.Strstr(hay, cat), 0},
		{"strstr empty needle", s.Strstr(hay, e), hay},
	}
	for _, c := range ptrs {
		if c.got != c.want {
			t.Errorf("%s: %#x, want %#x", c.name, c.got, c.want)
		}
	}
}

func TestCopies(t *testing.T) {
	cases := []struct {
		name string
		op   func(m *fakeMem, s *Str) uint64 // returns the dst it got back
		dst  uint64
		want string // bytes at dst afterwards
		ret  uint64 // the returned pointer, if not dst
	}{
		{"strcpy copies the NUL", func(m *fakeMem, s *Str) uint64 {
			m.WriteBytes(0x10800, []byte("XXXXXXXX"))
			return s.Strcpy(0x10800, m.putString(0x10000, "abc"))
		}, 0x10800, "abc\x00XXXX", 0},
		{"strncpy pads with NULs", func(m *fakeMem, s *Str) uint64 {
			m.WriteBytes(0x10800, []byte("XXXXXXXX"))
			return s.Strncpy(0x10800, m.putString(0x10000, "ab"), 5)
		}, 0x10800, "ab\x00\x00\x00XXX", 0},
		{"strncpy does not terminate a long source", func(m *fakeMem, s *Str) uint64 {
			m.WriteBytes(0x10800, []byte("XXXXXXXX"))
			return s.Strncpy(0x10800, m.putString(0x10000, "abcdef"), 3)
		}, 0x10800, "abcXXXXX", 0},
		{"strcat", func(m *fakeMem, s *Str) uint64 {
			m.putString(0x10800, "ab")
			return s.Strcat(0x10800, m.putString(0x10000, "cd"))
		}, 0x10800, "abcd\x00", 0},
		{"strncat terminates", func(m *fakeMem, s *Str) uint64 {
			m.WriteBytes(0x10800, []byte("ab\x00XXXXX"))
			return s.Strncat(0x10800, m.putString(0x10000, "cdef"), 2)
		}, 0x10800, "abcd\x00XXX", 0},
		{"memset uses the low byte", func(m *fakeMem, s *Str) uint64 {
			return s.Memset(0x10ffe, 0x141, 4)
		}, 0x10ffe, "AAAA", 0},
		{"memmove overlapping forwards (dst > src)", func(m *fakeMem, s *Str) uint64 {
			m.WriteBytes(0x10000, []byte("0123456789"))
			return s.Memmove(0x10002, 0x10000, 6)
		}, 0x10000, "0101234589", 0x10002},
		{"memmove overlapping backwards (dst < src)", func(m *fakeMem, s *Str) uint64 {
			m.WriteBytes(0x10000, []byte("0123456789"))
			return s.Memmove(0x10000, 0x10002, 6)
		}, 0x10000, "2345676789", 0},
		{"memcpy is memmove on x86-64", func(m *fakeMem, s *Str) uint64 {
			m.WriteBytes(0x10000, []byte("0123456789"))
			return s.Memcpy(0x10001, 0x10000, 8)
		}, 0x10000, "0012345679", 0x10001},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, s := strMem()
			ret := c.ret
			if ret == 0 {
				ret = c.dst
			}
			if got := c.op(m, s); got != ret {
				t.Errorf("returned %#x, want %#x", got, ret)
			}
			if got := m.bytes(c.dst, uint64(len(c.want))); string(got) != c.want {
				t.Errorf("memory %q, want %q", got, c.want)
			}
		})
	}
}

func TestLargeOverlappingMove(t *testing.T) {
	// Page-sized chunks across page boundaries, both directions, against
	// Go's copy (which is memmove).
	for _, shift := range []int64{1, 7, 4095, 4096, 4097, -1, -4097} {
		m := newFakeMem()
		m.mapRange(0x20000, 8*arch.PageSize)
		ref := make([]byte, 8*arch.PageSize)
		for i := range ref {
			ref[i] = byte(i * 7 / 3)
		}
		m.WriteBytes(0x20000, ref)
		src := uint64(0x20000 + 4500)
		dst := uint64(int64(src) + shift)
		n := uint64(3*arch.PageSize + 123)
		NewStr(m).Memmove(dst, src, n)
		copy(ref[dst-0x20000:], ref[src-0x20000:src-0x20000+n])
		if !bytes.Equal(m.bytes(0x20000, uint64(len(ref))), ref) {
			t.Errorf("shift %d: memory differs from memmove", shift)
		}
	}
}

func TestFaults(t *testing.T) {
	cases := []struct {
		name string
		op   func(m *fakeMem, s *Str)
		addr uint64 // the faulting address
		code int
	}{
		{"strlen runs off the mapped pages", func(m *fakeMem, s *Str) {
			m.Memset(0x11000, 'x', arch.PageSize)
			s.Strlen(0x11ff0)
		}, 0x12000, arch.SEGV_MAPERR},
		{"strlen of NULL", func(m *fakeMem, s *Str) { s.Strlen(0) }, 0, arch.SEGV_MAPERR},
		{"memset past the end", func(m *fakeMem, s *Str) { s.Memset(0x11f00, 0, 0x200) }, 0x12000, arch.SEGV_MAPERR},
		{"memcpy into a read-only page", func(m *fakeMem, s *Str) {
			m.ro[0x11000] = true
			s.Memcpy(0x10f00, 0x10000, 0x200)
		}, 0x11000, arch.SEGV_ACCERR},
		{"strcpy to NULL", func(m *fakeMem, s *Str) { s.Strcpy(0, m.putString(0x10000, "x")) }, 0, arch.SEGV_MAPERR},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, s := strMem()
			sig := catchSignal(t, func() { c.op(m, s) })
			if sig == nil || sig.Signo != arch.SIGSEGV || sig.Addr != c.addr || sig.Code != c.code {
				t.Fatalf("signal %+v, want SIGSEGV code %d at %#x", sig, c.code, c.addr)
			}
		})
	}
	// The first page of a memset that faults on the second was written.
	m, s := strMem()
	catchSignal(t, func() { s.Memset(0x11f00, 'z', 0x200) })
	if m.bytes(0x11fff, 1)[0] != 'z' {
		t.Error("bytes before the fault were not written")
	}
	// strnlen stops at its limit before an unmapped page.
	m.Memset(0x11000, 'x', arch.PageSize)
	if n := s.Strnlen(0x11000, arch.PageSize); n != arch.PageSize {
		t.Errorf("strnlen = %d", n)
	}
}

// Memset is a helper for tests: fill mapped memory.
func (m *fakeMem) Memset(addr uint64, c byte, n int) {
	m.WriteBytes(addr, bytes.Repeat([]byte{c}, n))
}

func TestStrdup(t *testing.T) {
	m, s := strMem()
	src := m.putString(0x10000, "dup me")
	var asked []uint64
	alloc := func(n uint64) uint64 { asked = append(asked, n); return 0x11000 }
	if p := s.Strdup(src, alloc); p != 0x11000 || string(m.bytes(p, 7)) != "dup me\x00" {
		t.Errorf("strdup = %#x %q", p, m.bytes(0x11000, 7))
	}
	if p := s.Strndup(src, 3, alloc); p != 0x11000 || string(m.bytes(p, 4)) != "dup\x00" {
		t.Errorf("strndup = %#x", p)
	}
	if asked[0] != 7 || asked[1] != 4 {
		t.Errorf("malloc sizes %v, want [7 4]", asked)
	}
	if p := s.Strdup(src, func(uint64) uint64 { return 0 }); p != 0 {
		t.Errorf("strdup with failing malloc = %#x", p)
	}
}

func BenchmarkMemcpy1MiB(b *testing.B) {
	m := newFakeMem()
	m.mapRange(0x100000, 2<<20)
	s := NewStr(m)
	b.SetBytes(1 << 20)
	b.ReportAllocs()
	for b.Loop() {
		s.Memcpy(0x200000, 0x100000, 1<<20)
	}
}

func BenchmarkStrlen(b *testing.B) {
	m := newFakeMem()
	p := m.putString(0x1000, "a typical string of forty-odd characters")
	s := NewStr(m)
	b.ReportAllocs()
	for b.Loop() {
		s.Strlen(p)
	}
}
