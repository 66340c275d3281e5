package libc

import (
	"encoding/binary"
	"testing"

	"mmplay/engine/arch"
)

// fakeMem is a sparse address space of 4 KiB pages for the tests: only
// mapped pages are accessible; anything else raises SIGSEGV the way the
// real address space does, at the first bad byte of an access.
type fakeMem struct {
	pages map[uint64]*[arch.PageSize]byte
	// ro marks read-only pages (a write faults with SEGV_ACCERR).
	ro map[uint64]bool
}

func newFakeMem() *fakeMem {
	return &fakeMem{pages: map[uint64]*[arch.PageSize]byte{}, ro: map[uint64]bool{}}
}

// mapRange makes [addr, addr+n) accessible (zero-filled).
func (m *fakeMem) mapRange(addr, n uint64) {
	for p := arch.PageAlignDown(addr); p < addr+n; p += arch.PageSize {
		if m.pages[p] == nil {
			m.pages[p] = new([arch.PageSize]byte)
		}
	}
}

func (m *fakeMem) page(addr uint64, write bool) *[arch.PageSize]byte {
	p := m.pages[arch.PageAlignDown(addr)]
	if p == nil {
		panic(&arch.Signal{Signo: arch.SIGSEGV, Code: arch.SEGV_MAPERR, Addr: addr, Reason: "unmapped"})
	}
	if write && m.ro[arch.PageAlignDown(addr)] {
		panic(&arch.Signal{Signo: arch.SIGSEGV, Code: arch.SEGV_ACCERR, Addr: addr, Reason: "read-only"})
	}
	return p
}

func (m *fakeMem) ReadBytes(addr uint64, buf []byte) {
	for len(buf) > 0 {
		p := m.page(addr, false)
		off := addr & arch.PageMask
		n := copy(buf, p[off:])
		buf = buf[n:]
		addr += uint64(n)
	}
}

func (m *fakeMem) WriteBytes(addr uint64, buf []byte) {
	for len(buf) > 0 {
		p := m.page(addr, true)
		off := addr & arch.PageMask
		n := copy(p[off:], buf)
		buf = buf[n:]
		addr += uint64(n)
	}
}

func (m *fakeMem) Load(addr uint64, size int) uint64 {
	var b [8]byte
	m.ReadBytes(addr, b[:size])
	return binary.LittleEndian.Uint64(b[:])
}

func (m *fakeMem) Store(addr uint64, size int, v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	m.WriteBytes(addr, b[:size])
}

// putString stores s with a NUL at addr (mapping it) and returns addr.
func (m *fakeMem) putString(addr uint64, s string) uint64 {
	m.mapRange(addr, uint64(len(s))+1)
	m.WriteBytes(addr, append([]byte(s), 0))
	return addr
}

func (m *fakeMem) bytes(addr, n uint64) []byte {
	b := make([]byte, n)
	m.ReadBytes(addr, b)
	return b
}

// catchSignal runs f and returns the *arch.Signal it raised, or nil.
func catchSignal(t *testing.T, f func()) (sig *arch.Signal) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(*arch.Signal)
			if !ok {
				panic(r)
			}
			sig = s
		}
	}()
	f()
	return nil
}
