package glibc

import (
	"encoding/binary"
	"fmt"
	"sort"

	"mmplay/engine/arch"
)

// fakeKernel is a flat simulated process for the allocator's tests: a brk
// heap, top-down anonymous mmaps, lazily backed 4 KiB pages with
// demand-paging counts (a read of an untouched page maps the zero page and
// costs a fault; a write costs one more), and Abort as a panic.
type fakeKernel struct {
	brkStart, brk uint64
	brkLimit      uint64 // Brk beyond this fails (0: no limit)
	mmapFail      bool
	maps          []region // mmaps, sorted by address
	pages         map[uint64]*page
	faults, rss   int64
	touched       map[uint64]bool // every page ever written (for "which pages" tests)
	lastPN        uint64
	last          *page
	// gen changes whenever pages go (drop): the validity of the pages
	// DirectPage hands out; noDirect hides DirectPage (the allocator then
	// goes through Load and Store only).
	gen      uint64
	noDirect bool
}

type region struct{ start, end uint64 }

type page struct {
	data    [arch.PageSize]byte
	present bool                 // a frame (written); false: the zero page (read only)
	slot    *[arch.PageSize]byte // &data, for DirectPage
}

// aborted is what fakeKernel.Abort panics with.
type aborted struct{ msg string }

const (
	fakeBrkStart = 0x555555559000
	fakeMmapBase = 0x7ffff7dd5000 // below libc, whose .data holds main_arena (DefaultArenaAddr)
)

func newFakeKernel() *fakeKernel {
	return &fakeKernel{brkStart: fakeBrkStart, brk: fakeBrkStart, pages: map[uint64]*page{}, touched: map[uint64]bool{}, lastPN: ^uint64(0)}
}

func (k *fakeKernel) mapped(a uint64) bool {
	if a >= k.brkStart && a < arch.PageAlignUp(k.brk) {
		return true
	}
	i := sort.Search(len(k.maps), func(i int) bool { return k.maps[i].end > a })
	return i < len(k.maps) && k.maps[i].start <= a
}

func (k *fakeKernel) drop(start, end uint64) {
	for a := start; a < end; a += arch.PageSize {
		if p, ok := k.pages[a>>arch.PageShift]; ok {
			if p.present {
				k.rss--
			}
			delete(k.pages, a>>arch.PageShift)
		}
	}
	k.lastPN, k.last = ^uint64(0), nil
	k.gen++
}

func (k *fakeKernel) Brk(addr uint64) uint64 {
	if addr == 0 || addr < k.brkStart || (k.brkLimit != 0 && addr > k.brkLimit) {
		return k.brk
	}
	newEnd := arch.PageAlignUp(addr)
	if oldEnd := arch.PageAlignUp(k.brk); newEnd < oldEnd {
		k.drop(newEnd, oldEnd)
	} else {
		for _, r := range k.maps {
			if r.start < newEnd && r.end > oldEnd {
				return k.brk
			}
		}
	}
	k.brk = addr
	return addr
}

func (k *fakeKernel) Mmap(length uint64) (uint64, bool) {
	if k.mmapFail || length == 0 {
		return 0, false
	}
	length = arch.PageAlignUp(length)
	// The highest gap below mmap_base that fits, at its top end.
	hi := uint64(fakeMmapBase)
	for i := len(k.maps) - 1; i >= -1; i-- {
		lo := arch.PageAlignUp(k.brk)
		if i >= 0 {
			lo = k.maps[i].end
		}
		if hi-lo >= length && hi >= lo {
			a := hi - length
			k.maps = append(k.maps, region{a, hi})
			sort.Slice(k.maps, func(i, j int) bool { return k.maps[i].start < k.maps[j].start })
			return a, true
		}
		if i >= 0 {
			hi = k.maps[i].start
		}
	}
	return 0, false
}

func (k *fakeKernel) Munmap(addr, length uint64) bool {
	length = arch.PageAlignUp(length)
	var out []region
	for _, r := range k.maps {
		if r.end <= addr || r.start >= addr+length {
			out = append(out, r)
			continue
		}
		if r.start < addr {
			out = append(out, region{r.start, addr})
		}
		if r.end > addr+length {
			out = append(out, region{addr + length, r.end})
		}
	}
	k.maps = out
	k.drop(addr, addr+length)
	return true
}

func (k *fakeKernel) Mremap(addr, oldLen, newLen uint64) (uint64, bool) {
	if newLen <= oldLen {
		k.Munmap(addr+newLen, oldLen-newLen)
		return addr, true
	}
	// Grow in place if the pages above are free, else move.
	free := true
	for _, r := range k.maps {
		if r.start < addr+newLen && r.end > addr+oldLen {
			free = false
		}
	}
	if free && addr+newLen <= fakeMmapBase {
		for i := range k.maps {
			if k.maps[i].start <= addr && k.maps[i].end >= addr+oldLen {
				if k.maps[i].end == addr+oldLen {
					k.maps[i].end = addr + newLen
				}
			}
		}
		return addr, true
	}
	na, ok := k.Mmap(newLen)
	if !ok {
		return 0, false
	}
	buf := make([]byte, oldLen)
	k.ReadBytes(addr, buf)
	k.WriteBytes(na, buf)
	k.Munmap(addr, oldLen)
	return na, true
}

func (k *fakeKernel) MadviseDontneed(addr, length uint64) { k.drop(addr, addr+length) }

// DirectPage is DirectMemory: a page an access of that kind would not
// fault (a page read before, for a load; a page written before, for a
// store).
func (k *fakeKernel) DirectPage(a uint64, write bool) (**[pageSize]byte, *uint64) {
	p := k.pages[a>>arch.PageShift]
	if k.noDirect || p == nil || write && !p.present {
		return nil, &k.gen
	}
	return &p.slot, &k.gen
}

func (k *fakeKernel) Abort(msg string) { panic(&aborted{msg}) }

// pageFor returns the page of a, faulting it in for a read or a write.
func (k *fakeKernel) pageFor(a uint64, write bool) *page {
	pn := a >> arch.PageShift
	if pn == k.lastPN && (!write || k.last.present) {
		return k.last
	}
	p := k.pages[pn]
	if p == nil {
		if !k.mapped(a) {
			panic(&arch.Signal{Signo: arch.SIGSEGV, Code: arch.SEGV_MAPERR, Addr: a, Reason: "fake kernel: unmapped"})
		}
		p = &page{}
		p.slot = &p.data
		k.pages[pn] = p
		k.faults++ // a read maps the zero page, a write a new frame
		if write {
			p.present = true
			k.rss++
			k.touched[pn] = true
		}
	} else if write && !p.present {
		k.faults++ // copy-on-write from the zero page
		p.present = true
		k.rss++
		k.touched[pn] = true
	}
	k.lastPN, k.last = pn, p
	return p
}

func (k *fakeKernel) Load(a uint64, size int) uint64 {
	off := a & arch.PageMask
	if off+uint64(size) > arch.PageSize {
		var b [8]byte
		k.ReadBytes(a, b[:size])
		return binary.LittleEndian.Uint64(b[:])
	}
	p := k.pageFor(a, false)
	switch size {
	case 1:
		return uint64(p.data[off])
	case 2:
		return uint64(binary.LittleEndian.Uint16(p.data[off:]))
	case 4:
		return uint64(binary.LittleEndian.Uint32(p.data[off:]))
	}
	return binary.LittleEndian.Uint64(p.data[off:])
}

func (k *fakeKernel) Store(a uint64, size int, v uint64) {
	off := a & arch.PageMask
	if off+uint64(size) > arch.PageSize {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		k.WriteBytes(a, b[:size])
		return
	}
	p := k.pageFor(a, true)
	switch size {
	case 1:
		p.data[off] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(p.data[off:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(p.data[off:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(p.data[off:], v)
	}
}

func (k *fakeKernel) ReadBytes(a uint64, buf []byte) {
	for len(buf) > 0 {
		off := a & arch.PageMask
		p := k.pageFor(a, false)
		n := copy(buf, p.data[off:])
		buf, a = buf[n:], a+uint64(n)
	}
}

func (k *fakeKernel) WriteBytes(a uint64, buf []byte) {
	for len(buf) > 0 {
		off := a & arch.PageMask
		p := k.pageFor(a, true)
		n := copy(p.data[off:], buf)
		buf, a = buf[n:], a+uint64(n)
	}
}

func (k *fakeKernel) String() string {
	return fmt.Sprintf("brk %#x, %d mmaps, rss %d, faults %d", k.brk, len(k.maps), k.rss, k.faults)
}
