package mm

import (
	"mmplay/engine/arch"
	"mmplay/engine/pgtable"
	"mmplay/engine/phys"
)

// tlbSize is the number of entries of each software TLB (a power of two).
// 64 direct-mapped entries cover a 256 KiB working set, more than the
// snippets' loops touch at once.
const tlbSize = 64

// tlbEntry caches one translation. tag is vpn+1 (0: empty); slot is the
// frame's content slot in phys, so a frame that gets storage after the
// entry was made is seen at once.
type tlbEntry struct {
	tag  uint64
	slot **phys.Page
	pfn  uint64
}

func (as *AddressSpace) flushTLB() {
	as.tlbR = [tlbSize]tlbEntry{}
	as.tlbW = [tlbSize]tlbEntry{}
	as.directGen++
}

func (as *AddressSpace) flushPage(va uint64) {
	i := (va >> arch.PageShift) & (tlbSize - 1)
	as.tlbR[i] = tlbEntry{}
	as.tlbW[i] = tlbEntry{}
	as.directGen++
}

// DirectPage lets a client that accesses memory on a hot path (the
// interpreter's locals, glibc's tcache) keep its own translation of a page
// and skip Load/Store. It returns the frame's content slot when an access
// of that kind (write: a store) to addr's page would hit the TLB now —
// the PTE is present, allows the access and has its accessed (and for a
// write, dirty) bit set, so a real access would do nothing but move the
// bytes — or nil. gen points to a counter that changes whenever a slot
// handed out may stop being such a page (every TLB flush: unmap, protect,
// madvise, COW, mremap; and ForgetDirect). A client may use a slot as long
// as the counter keeps the value it had when the slot was returned.
//
// The slot is the TLB's own: a frame without storage has a nil *slot,
// which reads as zeros; a store of a non-zero value to it must go through
// Store, which gives the frame its bytes.
func (as *AddressSpace) DirectPage(addr uint64, write bool) (slot **phys.Page, gen *uint64) {
	vpn := addr >> arch.PageShift
	e := &as.tlbR[vpn&(tlbSize-1)]
	if write {
		e = &as.tlbW[vpn&(tlbSize-1)]
	}
	if e.tag != vpn+1 {
		return nil, &as.directGen
	}
	return e.slot, &as.directGen
}

// ForgetDirect invalidates every slot DirectPage has handed out, without
// flushing the TLB: for a layer above that adds its own condition to a
// direct access (libc's ASan shadow, when the range it watches grows).
func (as *AddressSpace) ForgetDirect() { as.directGen++ }

// translate returns the frame behind addr for the access, faulting it in
// (access steps 2–3). It returns a signal instead of panicking.
func (as *AddressSpace) translate(addr uint64, write bool) (uint64, *arch.Signal) {
	va := addr &^ arch.PageMask
	vpn := addr >> arch.PageShift
	for try := 0; try < 3; try++ {
		pa, ok, _ := as.pt.Slot(va, false)
		var pte pgtable.PTE
		if ok && addr < arch.TaskSize {
			pte = pgtable.PTE(as.mem.Load(pa, 8))
		}
		if pte.Present() && (!write || pte.Writable()) {
			set := pgtable.Accessed
			if write {
				set |= pgtable.Dirty
			}
			if pte&set != set {
				as.mem.Store(pa, 8, uint64(pte|set))
			}
			pfn := pte.PFN()
			e := tlbEntry{tag: vpn + 1, slot: as.mem.ContentSlot(pfn), pfn: pfn}
			as.tlbR[vpn&(tlbSize-1)] = e
			if write {
				as.tlbW[vpn&(tlbSize-1)] = e
			}
			return pfn, nil
		}
		if sig := as.handleFault(addr, write); sig != nil {
			return 0, sig
		}
	}
	panic("mm: fault handled but the page is still not accessible")
}

// Load reads size (1, 2, 4 or 8) bytes at addr, little-endian
// (interp.Memory). A bad access panics with *arch.Signal.
func (as *AddressSpace) Load(addr uint64, size int) uint64 {
	off := addr & arch.PageMask
	e := &as.tlbR[(addr>>arch.PageShift)&(tlbSize-1)]
	if e.tag == addr>>arch.PageShift+1 && off+uint64(size) <= arch.PageSize {
		p := *e.slot
		if p == nil {
			return 0
		}
		return phys.LoadLE(p, off, size)
	}
	return as.loadSlow(addr, size)
}

func (as *AddressSpace) loadSlow(addr uint64, size int) uint64 {
	if addr&arch.PageMask+uint64(size) > arch.PageSize {
		var b [8]byte
		as.ReadBytes(addr, b[:size])
		var v uint64
		for i := size - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		return v
	}
	pfn, sig := as.translate(addr, false)
	if sig != nil {
		panic(sig)
	}
	return as.mem.Load(pfn<<arch.PageShift|addr&arch.PageMask, size)
}

// Store writes size (1, 2, 4 or 8) bytes at addr, little-endian
// (interp.Memory). A bad access panics with *arch.Signal.
func (as *AddressSpace) Store(addr uint64, size int, v uint64) {
	off := addr & arch.PageMask
	e := &as.tlbW[(addr>>arch.PageShift)&(tlbSize-1)]
	if e.tag == addr>>arch.PageShift+1 && off+uint64(size) <= arch.PageSize {
		p := *e.slot
		if p == nil {
			if v == 0 {
				return
			}
			p = as.mem.ContentForWrite(e.pfn)
		}
		phys.StoreLE(p, off, size, v)
		return
	}
	as.storeSlow(addr, size, v)
}

func (as *AddressSpace) storeSlow(addr uint64, size int, v uint64) {
	if addr&arch.PageMask+uint64(size) > arch.PageSize {
		var b [8]byte
		for i := 0; i < size; i++ {
			b[i] = byte(v >> (8 * i))
		}
		as.WriteBytes(addr, b[:size])
		return
	}
	pfn, sig := as.translate(addr, true)
	if sig != nil {
		panic(sig)
	}
	as.mem.Store(pfn<<arch.PageShift|addr&arch.PageMask, size, v)
}

// ReadBytes fills buf from addr (interp.Memory). A bad access panics with
// *arch.Signal after the bytes before it were read.
func (as *AddressSpace) ReadBytes(addr uint64, buf []byte) {
	if _, sig := as.copyIn(addr, buf); sig != nil {
		panic(sig)
	}
}

// WriteBytes copies buf to addr (interp.Memory). A bad access panics with
// *arch.Signal after the bytes before it were written.
func (as *AddressSpace) WriteBytes(addr uint64, buf []byte) {
	if _, sig := as.copyOut(addr, buf); sig != nil {
		panic(sig)
	}
}

func (as *AddressSpace) copyIn(addr uint64, buf []byte) (int, *arch.Signal) {
	done := 0
	for len(buf) > 0 {
		off := addr & arch.PageMask
		n := min(uint64(len(buf)), arch.PageSize-off)
		pfn, sig := as.translate(addr, false)
		if sig != nil {
			return done, sig
		}
		as.mem.ReadBytes(pfn<<arch.PageShift|off, buf[:n])
		buf, addr, done = buf[n:], addr+n, done+int(n)
	}
	return done, nil
}

func (as *AddressSpace) copyOut(addr uint64, buf []byte) (int, *arch.Signal) {
	done := 0
	for len(buf) > 0 {
		off := addr & arch.PageMask
		n := min(uint64(len(buf)), arch.PageSize-off)
		pfn, sig := as.translate(addr, true)
		if sig != nil {
			return done, sig
		}
		as.mem.WriteBytes(pfn<<arch.PageShift|off, buf[:n])
		buf, addr, done = buf[n:], addr+n, done+int(n)
	}
	return done, nil
}

// CopyIn is the user-memory half of copy_from_user: it copies from user
// address addr into buf and returns the number of bytes NOT copied (0 on
// success). access_ok fails (nothing copied) when the range leaves user
// space; a fault stops the copy. Like the kernel, it zero-fills the
// uncopied tail of buf (facts §7). Faults are handled as for the process
// (demand paging works and counts); only an OOM kill still panics.
func (as *AddressSpace) CopyIn(addr uint64, buf []byte) (notCopied int) {
	if !accessOK(addr, uint64(len(buf))) {
		clear(buf)
		return len(buf)
	}
	n, sig := as.copyIn(addr, buf)
	if sig != nil && sig.Signo == arch.SIGKILL {
		panic(sig)
	}
	clear(buf[n:])
	return len(buf) - n
}

// CopyOut is the user-memory half of copy_to_user: it copies buf to user
// address addr and returns the number of bytes NOT copied (0 on success).
func (as *AddressSpace) CopyOut(addr uint64, buf []byte) (notCopied int) {
	if !accessOK(addr, uint64(len(buf))) {
		return len(buf)
	}
	n, sig := as.copyOut(addr, buf)
	if sig != nil && sig.Signo == arch.SIGKILL {
		panic(sig)
	}
	return len(buf) - n
}

// accessOK is access_ok: the range lies below TASK_SIZE_MAX.
func accessOK(addr, n uint64) bool {
	return addr <= arch.TaskSize && n <= arch.TaskSize-addr
}
