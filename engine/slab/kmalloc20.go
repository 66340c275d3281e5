package slab

import (
	"fmt"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// Linux 2.0's kmalloc (mm/kmalloc.c of 2.0, facts §5.6): power-of-two
// areas cut into blocks, each block with an 8-byte header, each area with a
// 16-byte page descriptor at its start.
const (
	header20   = 8  // struct block_header: bh_flags, bh_length/bh_next (i386)
	pageDesc20 = 16 // struct page_descriptor: next, firstfree, order, nfree
	// Block flags (2.0 mm/kmalloc.c: MF_USED, MF_DMA, MF_FREE).
	mfUsed = 0xffaa0055
	mfDMA  = 0xff00aa55
	mfFree = 0x0055ffaa
)

// bucket20 is one line of 2.0's sizes[] table: block size (header
// included), blocks per area, area order.
type bucket20 struct {
	size    uint64
	nblocks int
	order   int
}

// sizes20 is 2.0's sizes[] for 4 KiB pages (facts §5.6).
var sizes20 = [...]bucket20{
	{32, 127, 0}, {64, 63, 0}, {128, 31, 0}, {252, 16, 0}, {508, 8, 0}, {1020, 4, 0},
	{2040, 2, 0}, {4080, 1, 0}, {8176, 1, 1}, {16368, 1, 2}, {32752, 1, 3}, {65520, 1, 4}, {131056, 1, 5},
}

// Kmalloc20Max is the largest request 2.0's kmalloc accepts: 131056 − 8.
const Kmalloc20Max = 131056 - header20

// area20 is one page area of a bucket (a page_descriptor).
//
// Invariant: len(free)+inuse == nblocks; used[i] is 1 + the requested
// length of an allocated block, 0 for a free one; free holds the free
// blocks, head last.
type area20 struct {
	pfn    uint64
	bucket int
	dma    bool
	free   []int32
	used   []uint32
	inuse  int
}

// Allocator20 is Linux 2.0's kmalloc.
type Allocator20 struct {
	pages *buddy.Allocator
	mem   *phys.Mem
	base  uint64
	rec   arch.Recorder
	// lists[dma][bucket] is sizes[order].firstfree (or .dmafree): areas with
	// a free block, head first.
	lists  [2][len(sizes20)][]*area20
	areaOf map[uint64]*area20 // every frame of every area
	areas  []*area20          // all areas, in creation order
}

// Config20 describes the 2.0 allocator.
type Config20 struct {
	Pages *buddy.Allocator
	// PageOffset is where the kernel sees physical memory: 0 for the i386
	// 2.0 kernel (its kernel segment maps physical addresses one to one),
	// or PageOffset for the x86-64 direct map.
	PageOffset uint64
	Recorder   arch.Recorder
}

// New20 builds the 2.0 allocator.
func New20(cfg Config20) (*Allocator20, error) {
	if cfg.Pages == nil {
		return nil, fmt.Errorf("slab: Config20.Pages is nil")
	}
	return &Allocator20{pages: cfg.Pages, mem: cfg.Pages.Mem(), base: cfg.PageOffset, rec: cfg.Recorder,
		areaOf: map[uint64]*area20{}}, nil
}

// Mem returns the physical memory holding the blocks.
func (a *Allocator20) Mem() *phys.Mem { return a.mem }

// PageOffset returns the kernel's view of physical address 0.
func (a *Allocator20) PageOffset() uint64 { return a.base }

// Bucket20 returns the block size serving a request of size bytes, or 0
// when it is too large (size + 8 ≤ block size).
func Bucket20(size uint64) uint64 {
	if i := bucketIndex20(size); i >= 0 {
		return sizes20[i].size
	}
	return 0
}

func bucketIndex20(size uint64) int {
	if size > Kmalloc20Max {
		return -1
	}
	for i, b := range sizes20 {
		if size+header20 <= b.size {
			return i
		}
	}
	return -1
}

func (a *Allocator20) blockAddr(ar *area20, i int32) uint64 {
	return a.base + ar.pfn<<arch.PageShift + pageDesc20 + uint64(i)*sizes20[ar.bucket].size
}

func (a *Allocator20) store32(va, v uint64) { a.mem.Store(va-a.base, 4, v&0xffffffff) }

// writeDesc writes the page descriptor (next is not tracked in memory).
func (a *Allocator20) writeDesc(ar *area20) {
	va := a.base + ar.pfn<<arch.PageShift
	var first uint64
	if len(ar.free) > 0 {
		first = a.blockAddr(ar, ar.free[len(ar.free)-1])
	}
	a.store32(va+4, first)
	a.store32(va+8, uint64(ar.bucket))
	a.store32(va+12, uint64(len(ar.free)))
}

func (a *Allocator20) record(kind arch.EventKind, addr, size, pfn uint64, order int, detail string) {
	if a.rec != nil {
		a.rec.Record(arch.Event{Kind: kind, Source: "slab", Addr: addr, Size: size, PFN: pfn, Order: order, Detail: detail})
	}
}

// Kmalloc is 2.0's kmalloc(size, priority):
//
//  1. find the first bucket whose block holds size + 8; none: print
//     "kmalloc of too large a block (%d bytes)." and return NULL;
//  2. take the first area on the bucket's free list (the DMA list for
//     GFP_DMA); none: get 2^order pages, thread all blocks, push the area;
//  3. pop the area's first free block, mark it MF_USED with its length,
//     return the address after the header.
//
// 2.0 never zeroes: __GFP_ZERO did not exist (it is honoured here so that
// kzalloc can be offered as a playground convenience).
func (a *Allocator20) Kmalloc(size uint64, gfp buddy.GFP) (uint64, *Problem) {
	b := bucketIndex20(size)
	if b < 0 {
		return 0, &Problem{Kind: Printk, Text: fmt.Sprintf("kmalloc of too large a block (%d bytes).", int32(size)),
			Explain: fmt.Sprintf("Linux 2.0's kmalloc serves at most %d bytes (a 131056-byte block minus its 8-byte header, in a 128 KiB area). Larger buffers come from get_free_pages or vmalloc.", Kmalloc20Max)}
	}
	dma := gfp&buddy.GFP__DMA != 0
	d := 0
	if dma {
		d = 1
	}
	bk := sizes20[b]
	var ar *area20
	if l := a.lists[d][b]; len(l) > 0 {
		ar = l[0]
	} else {
		g := buddy.GFP_KERNEL
		if gfp&buddy.GFP__HIGH != 0 {
			g = buddy.GFP_ATOMIC
		}
		if dma {
			g |= buddy.GFP__DMA
		}
		pfn, err := a.pages.AllocPages(g, bk.order, phys.OwnerSlab)
		if err != nil {
			return 0, &Problem{Kind: Printk, Text: "Couldn't get a free page.....", Err: err,
				Explain: fmt.Sprintf("kmalloc(%d) needed a new %d-page area and the page allocator had none.", size, 1<<bk.order)}
		}
		ar = &area20{pfn: pfn, bucket: b, dma: dma, free: make([]int32, bk.nblocks), used: make([]uint32, bk.nblocks)}
		for i := range ar.free {
			ar.free[i] = int32(bk.nblocks - 1 - i)
		}
		var next uint64
		for j := 0; j < bk.nblocks; j++ {
			blk := a.blockAddr(ar, ar.free[j])
			a.store32(blk, mfFree)
			a.store32(blk+4, next)
			next = blk
		}
		for i := uint64(0); i < 1<<bk.order; i++ {
			a.areaOf[pfn+i] = ar
		}
		a.areas = append(a.areas, ar)
		a.lists[d][b] = append([]*area20{ar}, a.lists[d][b]...)
		a.record(arch.EvAlloc, a.base+pfn<<arch.PageShift, arch.PageSize<<bk.order, pfn, bk.order, fmt.Sprintf("new kmalloc area for %d-byte blocks", bk.size))
	}
	i := ar.free[len(ar.free)-1]
	ar.free = ar.free[:len(ar.free)-1]
	ar.used[i] = uint32(size) + 1 // kmalloc(0) is a real block in 2.0
	ar.inuse++
	if len(ar.free) == 0 {
		a.lists[d][b] = a.lists[d][b][1:]
	}
	blk := a.blockAddr(ar, i)
	flag := uint64(mfUsed)
	if dma {
		flag = mfDMA
	}
	a.store32(blk, flag)
	a.store32(blk+4, size)
	a.writeDesc(ar)
	p := blk + header20
	if gfp&buddy.GFP__ZERO != 0 {
		zeroPhys(a.mem, p-a.base, bk.size-header20)
	}
	a.record(arch.EvAlloc, p, size, ar.pfn, -1, fmt.Sprintf("size-%d", bk.size))
	return p, nil
}

func (a *Allocator20) lookup(p uint64) (*area20, int32, bool) {
	if p < a.base+header20 {
		return nil, 0, false
	}
	blk := p - header20
	ar, ok := a.areaOf[(blk-a.base)>>arch.PageShift]
	if !ok {
		return nil, 0, false
	}
	off := blk - (a.base + ar.pfn<<arch.PageShift)
	size := sizes20[ar.bucket].size
	if off < pageDesc20 || (off-pageDesc20)%size != 0 || int((off-pageDesc20)/size) >= sizes20[ar.bucket].nblocks {
		return ar, -1, true
	}
	return ar, int32((off - pageDesc20) / size), true
}

// Kfree is 2.0's kfree: a block that is not MF_USED/MF_DMA gets "kfree of
// non-kmalloced memory: %p, next= %p, order=%d" and nothing happens; an
// area whose blocks are all free goes back to the page allocator.
func (a *Allocator20) Kfree(p uint64) *Problem {
	if p == 0 {
		return nil
	}
	ar, i, ok := a.lookup(p)
	if !ok || i < 0 || ar.used[i] == 0 {
		// The kernel prints what it reads from the supposed header and page
		// descriptor (page = block & PAGE_MASK).
		var next, order uint64
		if p >= a.base+header20 && a.mem.Valid((p-header20-a.base)>>arch.PageShift) {
			pg := (p - header20) &^ uint64(arch.PageMask)
			next = a.mem.Load(pg-a.base, 4)
			order = a.mem.Load(pg-a.base+8, 4)
		}
		a.record(arch.EvReport, p, 0, 0, -1, "kfree of non-kmalloced memory")
		what := "was not returned by kmalloc"
		if ok && i >= 0 {
			what = "is already free (a double free)"
		}
		return &Problem{Kind: Printk, Text: fmt.Sprintf("kfree of non-kmalloced memory: %08x, next= %08x, order=%d", uint32(p), uint32(next), int32(order)),
			Explain: fmt.Sprintf("kfree(%#x): the block %s. Linux 2.0 checks the magic number in the 8-byte header before the block, prints this line and ignores the call.", p, what)}
	}
	bk := sizes20[ar.bucket]
	d := 0
	if ar.dma {
		d = 1
	}
	blk := a.blockAddr(ar, i)
	var head uint64
	if len(ar.free) > 0 {
		head = a.blockAddr(ar, ar.free[len(ar.free)-1])
	}
	a.store32(blk, mfFree)
	a.store32(blk+4, head)
	ar.free = append(ar.free, i)
	ar.used[i] = 0
	ar.inuse--
	a.record(arch.EvFree, p, 0, ar.pfn, -1, fmt.Sprintf("size-%d", bk.size))
	if len(ar.free) == 1 {
		a.lists[d][ar.bucket] = append([]*area20{ar}, a.lists[d][ar.bucket]...)
	}
	if ar.inuse == 0 {
		l := a.lists[d][ar.bucket]
		for k, x := range l {
			if x == ar {
				a.lists[d][ar.bucket] = append(l[:k], l[k+1:]...)
				break
			}
		}
		for k, x := range a.areas {
			if x == ar {
				a.areas = append(a.areas[:k], a.areas[k+1:]...)
				break
			}
		}
		for j := uint64(0); j < 1<<bk.order; j++ {
			delete(a.areaOf, ar.pfn+j)
		}
		if err := a.pages.FreePages(ar.pfn, bk.order); err != nil {
			panic("slab: kmalloc area refused by the page allocator")
		}
		a.record(arch.EvFree, a.base+ar.pfn<<arch.PageShift, arch.PageSize<<bk.order, ar.pfn, bk.order, "kmalloc area freed")
		return nil
	}
	a.writeDesc(ar)
	return nil
}

// Ksize returns the usable size of a live block (block size − 8). Linux
// 2.0 had no ksize; the views use it.
func (a *Allocator20) Ksize(p uint64) uint64 {
	if ar, i, ok := a.lookup(p); ok && i >= 0 && ar.used[i] != 0 {
		return sizes20[ar.bucket].size - header20
	}
	return 0
}

// Find reports the block at addr.
func (a *Allocator20) Find(addr uint64) (Object, bool) {
	if addr < a.base {
		return Object{}, false
	}
	ar, ok := a.areaOf[(addr-a.base)>>arch.PageShift]
	if !ok {
		return Object{}, false
	}
	bk := sizes20[ar.bucket]
	off := addr - (a.base + ar.pfn<<arch.PageShift)
	if off < pageDesc20 || int((off-pageDesc20)/bk.size) >= bk.nblocks {
		return Object{}, false
	}
	i := int32((off - pageDesc20) / bk.size)
	o := Object{Addr: a.blockAddr(ar, i) + header20, Size: bk.size - header20, Req: max(uint64(ar.used[i]), 1) - 1,
		Cache: fmt.Sprintf("size-%d", bk.size), Kind: "bucket"}
	if ar.used[i] != 0 {
		o.State = ObjAllocated
	}
	return o, true
}

// SlabInfo: Linux 2.0 has no /proc/slabinfo (it came with the slab
// allocator in 2.2).
func (a *Allocator20) SlabInfo() (string, bool) { return "", false }

// SlabBytes counts every kmalloc area as unreclaimable.
func (a *Allocator20) SlabBytes() (reclaimable, unreclaimable uint64) {
	for _, ar := range a.areas {
		unreclaimable += arch.PageSize << sizes20[ar.bucket].order
	}
	return 0, unreclaimable
}

// Snapshot shows each bucket as a cache named "size-<block>" (DMA ones
// "size-<block>(DMA)") and each area as a slab.
func (a *Allocator20) Snapshot() Snapshot {
	var snap Snapshot
	for d := 0; d < 2; d++ {
		for b, bk := range sizes20 {
			name := fmt.Sprintf("size-%d", bk.size)
			if d == 1 {
				name += "(DMA)"
			}
			cs := CacheSnapshot{Name: name, ObjectSize: int(bk.size - header20), Size: int(bk.size), Align: 4,
				ObjPerSlab: bk.nblocks, Order: bk.order}
			onList := map[*area20]bool{}
			for _, ar := range a.lists[d][b] {
				onList[ar] = true
			}
			for _, ar := range a.areas {
				if ar.bucket != b || ar.dma != (d == 1) {
					continue
				}
				ss := SlabSnapshot{PFN: ar.pfn, Addr: a.base + ar.pfn<<arch.PageShift, Order: bk.order, Role: "full", InUse: ar.inuse}
				if onList[ar] {
					ss.Role = "partial"
				}
				for i := range ar.used {
					o := ObjectSnapshot{Addr: a.blockAddr(ar, int32(i)) + header20, Req: max(uint64(ar.used[i]), 1) - 1}
					if ar.used[i] != 0 {
						o.State = ObjAllocated
					}
					ss.Objects = append(ss.Objects, o)
				}
				for k := len(ar.free) - 1; k >= 0; k-- {
					ss.FreeList = append(ss.FreeList, a.blockAddr(ar, ar.free[k])+header20)
				}
				cs.InUse += ar.inuse
				cs.ActiveObjs += ar.inuse
				cs.Slabs = append(cs.Slabs, ss)
			}
			snap.Caches = append(snap.Caches, cs)
		}
	}
	return snap
}

// CheckInvariants recounts the areas and lists.
func (a *Allocator20) CheckInvariants() error {
	frames := 0
	for _, ar := range a.areas {
		bk := sizes20[ar.bucket]
		if len(ar.free)+ar.inuse != bk.nblocks || len(ar.used) != bk.nblocks || ar.inuse == 0 {
			return fmt.Errorf("slab20: area %#x: %d free + %d used of %d", ar.pfn, len(ar.free), ar.inuse, bk.nblocks)
		}
		f := a.mem.Frame(ar.pfn)
		if f.Owner != phys.OwnerSlab || f.Flags&phys.FlagHead == 0 || int(f.Order) != bk.order {
			return fmt.Errorf("slab20: area %#x: frame %v order %d", ar.pfn, f.Owner, f.Order)
		}
		n := 0
		isFree := make([]bool, bk.nblocks)
		for _, i := range ar.free {
			if isFree[i] || ar.used[i] != 0 {
				return fmt.Errorf("slab20: area %#x: bad free block %d", ar.pfn, i)
			}
			isFree[i] = true
		}
		for i, u := range ar.used {
			if u != 0 {
				n++
			} else if !isFree[i] {
				return fmt.Errorf("slab20: area %#x: block %d lost", ar.pfn, i)
			}
		}
		if n != ar.inuse {
			return fmt.Errorf("slab20: area %#x: inuse %d, counted %d", ar.pfn, ar.inuse, n)
		}
		d := 0
		if ar.dma {
			d = 1
		}
		on := 0
		for _, x := range a.lists[d][ar.bucket] {
			if x == ar {
				on++
			}
		}
		if (len(ar.free) > 0) != (on == 1) || on > 1 {
			return fmt.Errorf("slab20: area %#x with %d free blocks is %d times on its list", ar.pfn, len(ar.free), on)
		}
		frames += 1 << bk.order
	}
	if frames != len(a.areaOf) {
		return fmt.Errorf("slab20: %d frames mapped, counted %d", len(a.areaOf), frames)
	}
	return nil
}

var (
	_ Kmalloc = (*Allocator)(nil)
	_ Kmalloc = (*Allocator20)(nil)
)
