package kernel

import (
	"errors"
	"strings"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/cc/interp"
	"mmplay/engine/phys"
)

func boot(t testing.TB, ram uint64, ver string, debug bool) *Kernel {
	t.Helper()
	k, err := Boot(Config{RAM: ram, Kernel: ver, Debug: debug})
	if err != nil {
		t.Fatal(err)
	}
	check(t, k)
	return k
}

func check(t testing.TB, k *Kernel) {
	t.Helper()
	if err := k.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if err := k.Pages.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// logSince returns the log lines printed after n lines.
func logSince(k *Kernel, n int) []string { return k.Dmesg()[n:] }

// signalOf runs f and returns the *arch.Signal it panicked with, or nil.
func signalOf(f func()) (sig *arch.Signal) {
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

// fakeUser is a user address space of one mapped range [base, base+len(mem)).
type fakeUser struct {
	base uint64
	mem  []byte
}

func (u *fakeUser) CopyIn(addr uint64, buf []byte) int {
	if !AccessOK(addr, uint64(len(buf))) {
		clear(buf)
		return len(buf)
	}
	for i := range buf {
		a := addr + uint64(i)
		if a < u.base || a >= u.base+uint64(len(u.mem)) {
			clear(buf[i:])
			return len(buf) - i
		}
		buf[i] = u.mem[a-u.base]
	}
	return 0
}

func (u *fakeUser) CopyOut(addr uint64, buf []byte) int {
	if !AccessOK(addr, uint64(len(buf))) {
		return len(buf)
	}
	for i := range buf {
		a := addr + uint64(i)
		if a < u.base || a >= u.base+uint64(len(u.mem)) {
			return len(buf) - i
		}
		u.mem[a-u.base] = buf[i]
	}
	return 0
}

// fakeSlab serves kmalloc from 8 KiB-aligned page pairs: enough for the
// kernel layer's own tests (package slab is tested on its own).
type fakeSlab struct {
	k    *Kernel
	objs map[uint64]uint64 // addr -> size
}

func (s *fakeSlab) Kmalloc(size uint64, gfp buddy.GFP) (uint64, bool) {
	if size == 0 {
		return 16, true
	}
	order := 0
	if size > 4<<20 {
		return 0, false
	}
	for uint64(arch.PageSize)<<order < size {
		order++
	}
	pfn, err := s.k.Pages.AllocPages(gfp, order, phys.OwnerSlab)
	if err != nil {
		return 0, false
	}
	a := PfnToVirt(pfn)
	s.objs[a] = uint64(order)
	return a, true
}
func (s *fakeSlab) Kfree(addr uint64) {
	if o, ok := s.objs[addr]; ok {
		delete(s.objs, addr)
		_ = s.k.Pages.FreePages((addr-PageOffset)>>arch.PageShift, int(o))
	}
}
func (s *fakeSlab) Ksize(addr uint64) uint64 { return arch.PageSize << s.objs[addr] }
func (s *fakeSlab) SlabInfo() (string, bool) { return "slabinfo - version: 2.1\n", true }
func (s *fakeSlab) SlabBytes() (uint64, uint64) {
	var n uint64
	for _, o := range s.objs {
		n += arch.PageSize << o
	}
	return 0, n
}

// snippet is a fake interpreter: functions are Go closures at fake
// addresses in the module area.
type snippet struct {
	k     *Kernel
	funcs map[uint64]func(args ...uint64) uint64
	next  uint64
}

func newSnippet(k *Kernel) *snippet {
	s := &snippet{k: k, funcs: map[uint64]func(args ...uint64) uint64{}, next: 0xffffffffc1000000}
	k.CallFunc = func(addr uint64, args ...uint64) uint64 {
		f := s.funcs[addr]
		if f == nil {
			panic(errors.New("call of an unknown function"))
		}
		return f(args...)
	}
	return s
}

func (s *snippet) fn(f func(args ...uint64) uint64) uint64 {
	s.next += 0x40
	s.funcs[s.next] = f
	return s.next
}

// call invokes a builtin the way the interpreter does.
func call(k *Kernel, name string, args ...uint64) uint64 {
	b := k.Builtins()[name]
	if b == nil {
		panic("no builtin " + name)
	}
	return b(&interp.Call{Name: name, Args: args})
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func hasPrefix(lines []string, want string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, want) {
			return true
		}
	}
	return false
}
