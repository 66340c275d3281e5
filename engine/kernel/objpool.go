package kernel

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// objSlot is the size of the kernel objects the VFS part allocates
// (struct file is 232 bytes, struct seq_file 120, mmplay's inode 64).
const objSlot = 256

// objPool hands out the kernel's own VFS objects. With a slab allocator
// attached they are kmalloc'ed (kmalloc-256, as the real filp cache's 232-
// byte objects round to 256); without one they come from pool pages taken
// from the buddy allocator, 16 slots per page.
//
// Invariant: every slot address lies in a pool page; free and live slots
// are disjoint; pool pages are allocated OwnerPages blocks of order 0.
type objPool struct {
	pages []uint64        // pfns of pool pages
	free  []uint64        // free slot addresses (LIFO)
	live  map[uint64]bool // live slot addresses (pool or kmalloc)
}

func (k *Kernel) objAlloc() (uint64, bool) {
	p := &k.objPool
	if p.live == nil {
		p.live = map[uint64]bool{}
	}
	if k.slab != nil {
		addr, ok := k.slab.Kmalloc(objSlot, buddy.GFP_KERNEL|buddy.GFP__ZERO)
		if ok {
			p.live[addr] = true
		}
		return addr, ok
	}
	if len(p.free) == 0 {
		pfn, err := k.Pages.AllocPages(buddy.GFP_KERNEL|buddy.GFP__ZERO, 0, phys.OwnerPages)
		if err != nil {
			return 0, false
		}
		p.pages = append(p.pages, pfn)
		for i := arch.PageSize/objSlot - 1; i >= 0; i-- {
			p.free = append(p.free, PfnToVirt(pfn)+uint64(i)*objSlot)
		}
	}
	addr := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	p.live[addr] = true
	var zero [objSlot]byte
	k.WriteBytes(addr, zero[:])
	return addr, true
}

func (k *Kernel) objFree(addr uint64) {
	p := &k.objPool
	if !p.live[addr] {
		return
	}
	delete(p.live, addr)
	if k.slab != nil && !p.inPool(addr) {
		k.slab.Kfree(addr)
		return
	}
	p.free = append(p.free, addr)
}

func (p *objPool) inPool(addr uint64) bool {
	for _, pfn := range p.pages {
		if base := PfnToVirt(pfn); addr >= base && addr < base+arch.PageSize {
			return true
		}
	}
	return false
}

func (p *objPool) check(k *Kernel) error {
	seen := map[uint64]bool{}
	for _, a := range p.free {
		if !p.inPool(a) || seen[a] || p.live[a] || (a-PageOffset)%objSlot != 0 {
			return fmt.Errorf("kernel: object pool: bad free slot %#x", a)
		}
		seen[a] = true
	}
	for _, pfn := range p.pages {
		if f := k.Mem.Frame(pfn); f.Owner != phys.OwnerPages || f.Flags&phys.FlagHead == 0 {
			return fmt.Errorf("kernel: object pool page %#x is %s", pfn, f.Owner)
		}
	}
	return nil
}
