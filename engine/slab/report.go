package slab

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
)

// Reports of bad frees. 6.1 SLUB without slub_debug checks nothing on
// kfree: a double free silently corrupts the free list (only the hardened
// "object == fp" case hits a BUG_ON). mmplay instead reports what a kernel
// with SLUB debugging (slub_debug=F, the consistency checks of
// mm/slub.c:free_debug_processing) prints, and — as that kernel does — does
// not free the object ("FIX …: Object at 0x… not freed"). Pointers are
// printed raw, as a kernel booted with no_hash_pointers prints %p.

const (
	bugLine  = "============================================================================="
	dashLine = "-----------------------------------------------------------------------------"
)

// tainted is print_tainted() as the slab reports see it: "Not tainted"
// until the first report, then TAINT_BAD_PAGE ('B') among the 19 flags of
// 6.1 (kernel/panic.c: taint_flags), 'G' for the untainted first one.
func (a *Allocator) tainted() string {
	if a.cfg.Tainted != nil {
		return a.cfg.Tainted()
	}
	if !a.taintB {
		return "Not tainted"
	}
	return "Tainted: G    B" + strings.Repeat(" ", 13)
}

// slabStructAddr is the struct slab (= struct page) address of a pfn.
func slabStructAddr(pfn uint64) uint64 { return VmemmapBase + pfn*structPageSize }

// slabInfoLine is print_slab_info. flags=%pGp is shown with the page-flag
// names only (PG_slab = bit 9, PG_head = bit 16; node and zone as names);
// the real value also carries node/zone/lastcpupid bits in its high part.
func (a *Allocator) slabInfoLine(s *slab) string {
	var fp uint64
	if s != s.cache.cpu && len(s.free) > 0 {
		fp = s.objAddr(s.free[len(s.free)-1])
	}
	flags, names := uint64(1<<9), "slab"
	if s.cache.Order > 0 {
		flags |= 1 << 16
		names += "|head"
	}
	zone := a.mem.Frame(s.pfn).Zone
	return fmt.Sprintf("Slab 0x%016x objects=%d used=%d fp=0x%016x flags=0x%x(%s|node=0|zone=%d)",
		slabStructAddr(s.pfn), s.cache.ObjPerSlab, s.inuse, fp, flags, names, zone)
}

func (a *Allocator) bugHeader(b *strings.Builder, c *Cache, msg string) {
	fmt.Fprintf(b, "%s\nBUG %s (%s): %s\n%s\n\n", bugLine, c.Name, a.tainted(), msg, dashLine)
	a.taintB = true
}

// hexDump is print_hex_dump(KERN_ERR, prefix, DUMP_PREFIX_ADDRESS, 16, 1,
// addr, n, true): "prefix<addr>: xx xx …  ascii".
func (a *Allocator) hexDump(b *strings.Builder, prefix string, addr, n uint64) {
	buf := make([]byte, 16)
	for off := uint64(0); off < n; off += 16 {
		l := min(16, n-off)
		a.mem.ReadBytes(addr+off-a.base, buf[:l])
		hex := make([]string, l)
		ascii := make([]byte, l)
		for i := uint64(0); i < l; i++ {
			hex[i] = fmt.Sprintf("%02x", buf[i])
			ascii[i] = '.'
			if buf[i] >= 0x20 && buf[i] < 0x7f {
				ascii[i] = buf[i]
			}
		}
		h := strings.Join(hex, " ")
		fmt.Fprintf(b, "%s%016x: %-47s  %s\n", prefix, addr+off, h, ascii)
	}
}

// objectErr is object_err → print_trailer, then slab_fix.
func (a *Allocator) objectErr(s *slab, i int32, reason string) *Problem {
	c := s.cache
	p := s.objAddr(i)
	var b strings.Builder
	a.bugHeader(&b, c, reason)
	b.WriteString(a.slabInfoLine(s) + "\n")
	slot := p + uint64(c.Offset)
	fp := c.freePointer(a.mem.Load(slot-a.base, 8), slot)
	fmt.Fprintf(&b, "Object 0x%016x @offset=%d fp=0x%016x\n\n", p, p-s.base, fp)
	if p > s.base+16 {
		a.hexDump(&b, "Bytes b4 ", p-16, 16)
	}
	a.hexDump(&b, "Object   ", p, min(uint64(c.ObjectSize), arch.PageSize))
	fmt.Fprintf(&b, "FIX %s: Object at 0x%016x not freed", c.Name, p)
	a.record(arch.EvReport, p, uint64(c.ObjectSize), s.pfn, -1, "double free in "+c.Name)
	return &Problem{Kind: SlabBug, Text: b.String(),
		Explain: fmt.Sprintf("The object at %#x in %s is already free: this is a double free. A stock kernel notices only when the object is the head of the free list (SLAB_FREELIST_HARDENED's BUG_ON(object == fp), an Oops); otherwise it puts the object on the free list twice, so two later allocations get the same memory. mmplay shows what a kernel with SLUB debugging (slub_debug=F) prints: it refuses the second free; the object stays free.", p, c.Name)}
}

// slabErr is slab_err → print_slab_info, then slab_fix.
func (a *Allocator) slabErr(s *slab, p uint64, format string, args ...any) *Problem {
	c := s.cache
	var b strings.Builder
	a.bugHeader(&b, c, fmt.Sprintf(format, args...))
	b.WriteString(a.slabInfoLine(s) + "\n")
	fmt.Fprintf(&b, "FIX %s: Object at 0x%016x not freed", c.Name, p)
	a.record(arch.EvReport, p, 0, s.pfn, -1, "invalid free in "+c.Name)
	obj := (p - s.base) / uint64(c.Size)
	return &Problem{Kind: SlabBug, Text: b.String(),
		Explain: fmt.Sprintf("%#x points into a slab of %s, but not at the start of an object (it is %d bytes into object %d, which starts at %#x). kfree must get exactly the pointer kmalloc returned. Nothing is freed.",
			p, c.Name, (p-s.base)%uint64(c.Size), obj, s.base+obj*uint64(c.Size))}
}

// invalidFree reports a free of memory that is neither a slab object nor a
// large kmalloc.
func (a *Allocator) invalidFree(p uint64, fn string) *Problem {
	a.record(arch.EvReport, p, 0, 0, -1, "invalid "+fn)
	if p < a.base || !a.mem.Valid((p-a.base)>>arch.PageShift) {
		// virt_to_folio of an address outside the direct map reads a struct
		// page that does not exist.
		addr := VmemmapBase + ((p-a.base)>>arch.PageShift)*structPageSize
		return &Problem{Kind: Oops, Text: fmt.Sprintf("BUG: unable to handle page fault for address: %016x", addr),
			Explain: fmt.Sprintf("%s(%#x): that address is not in the kernel's direct map, so it cannot be kmalloc memory (vmalloc memory is freed with vfree, user memory is not the kernel's to free). The kernel looks up the struct page of the address, finds none, and crashes.", fn, p)}
	}
	return &Problem{Kind: Warning, Site: "mm/slab_common.c", Func: "free_large_kmalloc",
		After:   fmt.Sprintf("object pointer: 0x%016x", p),
		Explain: fmt.Sprintf("%s(%#x): the page at this address is not a slab and was not handed out by kmalloc. The kernel takes it for a large kmalloc, warns (once per boot) and would then free the page under its real owner's feet; mmplay leaves the page alone.", fn, p)}
}
