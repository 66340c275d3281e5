package phys

import (
	"encoding/binary"
	"errors"
	"fmt"

	"mmplay/engine/arch"
)

// Owner says who holds a frame. It is what the Physical view colours.
type Owner uint8

const (
	OwnerFree        Owner = iota // in the buddy allocator (part of a free block)
	OwnerReserved                 // reserved by the firmware map (the first 1 MiB)
	OwnerHole                     // no RAM behind this pfn (the PCI hole)
	OwnerKernelImage              // kernel code, data and bss
	OwnerZeroPage                 // the shared zero page (empty_zero_page)
	OwnerMemblock                 // a boot-time memblock allocation
	OwnerPageTable                // a page-table page (PGD, PUD, PMD or PTE table)
	OwnerUserAnon                 // an anonymous user page (MM_ANONPAGES)
	OwnerUserFile                 // a file page mapped by a user process (the program image)
	OwnerSlab                     // a slab page
	OwnerVmalloc                  // a page behind a vmalloc area
	OwnerPages                    // a block from alloc_pages/__get_free_pages (or a large kmalloc)
	OwnerAllocated                // taken from the buddy allocator, owner not yet told
	NumOwners
)

var ownerNames = [NumOwners]string{
	OwnerFree: "free", OwnerReserved: "reserved", OwnerHole: "hole",
	OwnerKernelImage: "kernel", OwnerZeroPage: "zero page", OwnerMemblock: "memblock",
	OwnerPageTable: "page table", OwnerUserAnon: "user anon", OwnerUserFile: "user file",
	OwnerSlab: "slab", OwnerVmalloc: "vmalloc", OwnerPages: "pages",
	OwnerAllocated: "allocated",
}

func (o Owner) String() string {
	if o < NumOwners {
		return ownerNames[o]
	}
	return "?"
}

// ZoneID numbers the zones in the kernel's order (include/linux/mmzone.h:
// enum zone_type). The zonelist of an allocation is walked from the highest
// allowed zone down.
type ZoneID uint8

const (
	ZoneDMA ZoneID = iota
	ZoneDMA32
	ZoneNormal
	ZoneHighMem // i386 only; no x86-64 frame has it
	NumZones
)

var zoneNames = [NumZones]string{"DMA", "DMA32", "Normal", "HighMem"}

func (z ZoneID) String() string {
	if z < NumZones {
		return zoneNames[z]
	}
	return "?"
}

// Zone limits on x86 (arch/x86/include/asm/dma.h: MAX_DMA_PFN, MAX_DMA32_PFN).
const (
	MaxDMAPFN   = (16 << 20) >> arch.PageShift // 4096
	MaxDMA32PFN = 1 << (32 - arch.PageShift)   // 1 Mi
	// MaxLowmemPFN is i386's max_low_pfn with the default 3G/1G split and
	// VMALLOC_RESERVE: the 896 MiB the kernel maps directly; the RAM
	// above is HighMem.
	MaxLowmemPFN = (896 << 20) >> arch.PageShift
)

// Frame flag bits.
const (
	FlagBuddy    uint8 = 1 << iota // PageBuddy: the first frame of a free block; Order is valid
	FlagReserved                   // PageReserved: never handed to the buddy allocator
	FlagHead                       // the first frame of an allocated block; Order is valid
	FlagPCP                        // the first frame of a free block on a per-CPU list (pcp_list); Order is valid
)

// FlagMTShift and FlagMTMask place a 2-bit migrate type in Flags: for a
// FlagBuddy frame the free list it is on (free_list[mt]), for a FlagPCP
// frame the type it goes back to the buddy allocator with (the kernel
// keeps that in page->index: set_pcppage_migratetype). Package buddy
// owns their meaning.
const (
	FlagMTShift       = 4
	FlagMTMask  uint8 = 3 << FlagMTShift
)

// The firmware's memory map of the QEMU PC the reference guest ran on
// (SeaBIOS e820; a -m 256M guest logs "Early memory node ranges / node 0:
// [mem 0x0000000000001000-0x000000000009efff] / node 0: [mem
// 0x0000000000100000-0x000000000ffdffff]").
const (
	firstMiB         = (1 << 20) >> arch.PageShift // 256
	lowReservedEnd   = 0x9f                        // the EBDA starts in this page (0x9fc00)
	firmwareTopPages = 32                          // 128 KiB below the end of low RAM (0xffe0000-0xfffffff at 256 MiB)
	pciHoleStart     = (3 << 30) >> arch.PageShift // the PCI hole of a machine above 3 GiB
)

// NoPFN ends a free list and marks "no frame".
const NoPFN = ^uint32(0)

// Frame is the struct-page analogue of one page frame.
//
// Invariants (checked by CheckInvariants and by the buddy allocator's):
//   - Owner == OwnerFree exactly for frames inside a free block, in the
//     buddy allocator's free lists or on a per-CPU list; FlagBuddy (or
//     FlagPCP) is set on the first frame of each such block only, and
//     Next/Prev are meaningful only there.
//   - FlagReserved frames have Owner Reserved, Hole, KernelImage, ZeroPage or
//     Memblock and Refcount 1; they never enter the buddy allocator.
//   - Refcount is 1 on the first frame of an allocated block, 0 on its other
//     frames and on free frames (the kernel's non-compound multi-page rule,
//     reference/facts.md §3.9).
type Frame struct {
	Next, Prev uint32 // buddy free-list links (pfn, or NoPFN)
	Refcount   int32  // _refcount
	Mapcount   int32  // user PTEs mapping this frame (the kernel's _mapcount + 1)
	Owner      Owner
	Order      uint8 // order of the block this frame heads (FlagBuddy or FlagHead)
	Zone       ZoneID
	Flags      uint8
}

// Page is the contents of one frame.
type Page = [arch.PageSize]byte

// Config describes the machine to build.
type Config struct {
	// RAM is the amount of memory in bytes: 16 MiB … 4 GiB, a whole number of pages.
	RAM uint64
	// Kernel is "6.1" or "2.0"; it selects the kernel image's default size and place.
	Kernel string
	// Arch is "x86_64" (or "") or "i386". An i386 6.1 machine has the
	// zones DMA, Normal (lowmem, up to MaxLowmemPFN) and HighMem above,
	// no DMA32 (the package comment).
	Arch string
	// ImageStart and ImagePages, when ImagePages is not 0, place the kernel
	// image instead of the default (the kernel layer derives Debian's;
	// package kernel, "Boot").
	ImageStart, ImagePages uint64
}

// Mem is the physical memory of one machine.
type Mem struct {
	// Frames is indexed by pfn; len(Frames) == MaxPFN.
	Frames []Frame
	// content[pfn] is the frame's bytes, or nil while they are all zero.
	content []*Page

	ram uint64 // bytes of RAM (excluding holes)
	// usable is the e820 map's usable RAM as pfn ranges [start, end),
	// ascending: what Linux counts as present (memblock.memory).
	usable       [][2]uint64
	zoneStart    [NumZones]uint64
	zoneEnd      [NumZones]uint64 // zone span [start, end) in pfns; empty when equal
	kernelStart  uint64           // first pfn of the kernel image
	kernelPages  uint64
	zeroPFN      uint64
	i386         bool   // the zones of a 32-bit kernel
	holeStart    uint64 // first pfn of the PCI hole; holeEnd == holeStart when none
	holeEnd      uint64
	contentPages int // frames whose content is allocated (for tests and budgets)
	// contentLimit, when not 0, is the most frames that may have content:
	// contentBudget more than had content when SetContentLimit was called
	// (the host's memory budget).
	contentLimit, contentBudget int
}

// ContentLimit is the panic of ContentForWrite when the frames with
// content would exceed the limit SetContentLimit gave: the simulation
// would need more real memory than its host allows.
type ContentLimit struct{ Pages int }

func (e *ContentLimit) Error() string {
	return fmt.Sprintf("the machine's frames would hold more than %d MiB of data, this host's memory limit", e.Pages>>(20-arch.PageShift))
}

// SetContentLimit lets at most pages more frames get content than have it
// now (what the boot and the loader wrote); 0: no bound.
func (m *Mem) SetContentLimit(pages int) {
	m.contentLimit, m.contentBudget = 0, pages
	if pages != 0 {
		m.contentLimit = m.contentPages + pages
	}
}

// Errors returned by New.
var ErrConfig = errors.New("phys: bad machine configuration")

// New builds the frames of a machine: the zones, the reserved first MiB, the
// PCI hole (when RAM > 3 GiB) and the kernel image with the zero page. All
// other frames are left OwnerFree without FlagBuddy: the buddy allocator
// takes them over (compare mm/memblock.c:memblock_free_all).
func New(cfg Config) (*Mem, error) {
	if cfg.RAM < 16<<20 || cfg.RAM > 4<<30 || cfg.RAM%arch.PageSize != 0 {
		return nil, fmt.Errorf("%w: ram=%d bytes, want 16 MiB … 4 GiB in whole pages", ErrConfig, cfg.RAM)
	}
	if cfg.Kernel != "6.1" && cfg.Kernel != "2.0" && cfg.Kernel != "" {
		return nil, fmt.Errorf("%w: kernel=%q", ErrConfig, cfg.Kernel)
	}
	if cfg.Arch != "" && cfg.Arch != "x86_64" && cfg.Arch != "i386" {
		return nil, fmt.Errorf("%w: arch=%q", ErrConfig, cfg.Arch)
	}
	// Linux 2.0 (an i386 kernel) mapped all memory directly: no HighMem.
	m := &Mem{ram: cfg.RAM, i386: cfg.Arch == "i386" && cfg.Kernel != "2.0"}
	ramPages := cfg.RAM >> arch.PageShift
	maxPFN := ramPages
	// The PCI hole of a >3 GiB machine (see the package comment).
	if ramPages > pciHoleStart {
		m.holeStart, m.holeEnd = pciHoleStart, MaxDMA32PFN
		maxPFN = ramPages + (MaxDMA32PFN - pciHoleStart)
	}
	m.Frames = make([]Frame, maxPFN)
	m.content = make([]*Page, maxPFN)
	m.zoneStart[ZoneDMA], m.zoneEnd[ZoneDMA] = 0, min(maxPFN, MaxDMAPFN)
	m.zoneStart[ZoneDMA32], m.zoneEnd[ZoneDMA32] = m.zoneEnd[ZoneDMA], min(maxPFN, MaxDMA32PFN)
	m.zoneStart[ZoneNormal], m.zoneEnd[ZoneNormal] = m.zoneEnd[ZoneDMA32], max(maxPFN, m.zoneEnd[ZoneDMA32])
	m.zoneStart[ZoneHighMem], m.zoneEnd[ZoneHighMem] = m.zoneEnd[ZoneNormal], m.zoneEnd[ZoneNormal]
	if m.i386 {
		// no ZONE_DMA32 on x86-32; lowmem is Normal, the rest HighMem
		dmaEnd := m.zoneEnd[ZoneDMA]
		m.zoneStart[ZoneDMA32], m.zoneEnd[ZoneDMA32] = dmaEnd, dmaEnd
		m.zoneStart[ZoneNormal], m.zoneEnd[ZoneNormal] = dmaEnd, max(dmaEnd, min(maxPFN, MaxLowmemPFN))
		m.zoneStart[ZoneHighMem], m.zoneEnd[ZoneHighMem] = m.zoneEnd[ZoneNormal], max(maxPFN, m.zoneEnd[ZoneNormal])
	}
	for z := ZoneDMA; z < NumZones; z++ {
		initFrames(m.Frames[m.zoneStart[z]:m.zoneEnd[z]], z)
	}
	// 1. The firmware's memory map (see the package comment): pfn 0 is
	// reserved (e820: update [mem 0x00000000-0x00000fff] usable ==>
	// reserved), pfn 1 … 0x9e are RAM that Linux reserves with the rest
	// of the first MiB (reference/facts.md §3.7), 0x9f … 0xff are no RAM
	// (the EBDA, the VGA window, the BIOS ROM), and the last 128 KiB below
	// the end of low RAM are reserved by the firmware.
	lowEnd := min(ramPages, uint64(pciHoleStart))
	m.usable = [][2]uint64{{1, lowReservedEnd}, {firstMiB, lowEnd - firmwareTopPages}}
	if ramPages > pciHoleStart {
		m.usable = append(m.usable, [2]uint64{MaxDMA32PFN, maxPFN})
	}
	m.reserve(0, 1, OwnerReserved)
	m.reserve(1, lowReservedEnd, OwnerReserved)
	m.reserve(lowReservedEnd, firstMiB, OwnerHole)
	m.reserve(lowEnd-firmwareTopPages, lowEnd, OwnerReserved)
	// 2. The PCI hole.
	if m.holeEnd > m.holeStart {
		m.reserve(m.holeStart, m.holeEnd, OwnerHole)
	}
	// 3. The kernel image at CONFIG_PHYSICAL_START (16 MiB) with its size
	// chosen as the package comment explains.
	start, size := uint64(16<<20), uint64(8<<20)
	if cfg.Kernel == "2.0" || cfg.RAM < 64<<20 {
		start, size = 1<<20, 1<<20
	}
	if cfg.ImagePages != 0 {
		start, size = cfg.ImageStart, cfg.ImagePages<<arch.PageShift
		if start < firstMiB<<arch.PageShift || start%arch.PageSize != 0 || (start+size)>>arch.PageShift > lowEnd-firmwareTopPages {
			return nil, fmt.Errorf("%w: a kernel image of %d pages at %#x does not fit in %d MiB", ErrConfig, cfg.ImagePages, start, cfg.RAM>>20)
		}
	}
	m.kernelStart, m.kernelPages = start>>arch.PageShift, size>>arch.PageShift
	m.reserve(m.kernelStart, m.kernelStart+m.kernelPages, OwnerKernelImage)
	// 4. empty_zero_page lives in the image's bss: its last page here.
	m.zeroPFN = m.kernelStart + m.kernelPages - 1
	m.Frames[m.zeroPFN].Owner = OwnerZeroPage
	return m, nil
}

// initFrames makes fs free frames of zone z, on no list.
//
// RATIONALE: a function of its own, the one loop New runs per frame: in a
// browser, hot wasm functions are compiled again by the optimising
// compiler at a cost that grows with their size, and New is 7 kB. (Not
// inlined, or the loop would be New's again.)
//
//go:noinline
func initFrames(fs []Frame, z ZoneID) {
	for i := range fs {
		fs[i] = Frame{Next: NoPFN, Prev: NoPFN, Zone: z}
	}
}

// reserve marks [start, end) reserved for o, during New. It is not
// inlined: New calls it five times, and each inlined copy of its loop
// made New bigger and hotter (see initFrames).
//
//go:noinline
func (m *Mem) reserve(start, end uint64, o Owner) {
	for pfn := start; pfn < end; pfn++ {
		f := &m.Frames[pfn]
		f.Owner, f.Flags, f.Refcount = o, FlagReserved, 1
	}
}

// Reserve takes the free frames [start, end) for a boot-time owner (memblock,
// boot slabs) before the buddy allocator is built. It fails if a frame is
// outside memory or already taken.
func (m *Mem) Reserve(start, end uint64, o Owner) error {
	if start >= end || end > m.MaxPFN() {
		return fmt.Errorf("phys: reserve [%#x, %#x): outside memory", start, end)
	}
	for pfn := start; pfn < end; pfn++ {
		if f := &m.Frames[pfn]; f.Owner != OwnerFree || f.Flags != 0 {
			return fmt.Errorf("phys: reserve [%#x, %#x): pfn %#x is %s", start, end, pfn, f.Owner)
		}
	}
	m.reserve(start, end, o)
	return nil
}

// Present reports whether pfn is usable RAM in the firmware's map (what
// memblock.memory holds and zones count as present_pages).
func (m *Mem) Present(pfn uint64) bool {
	for _, r := range m.usable {
		if pfn >= r[0] && pfn < r[1] {
			return true
		}
	}
	return false
}

// Usable returns the e820 map's usable RAM as pfn ranges [start, end).
func (m *Mem) Usable() [][2]uint64 { return append([][2]uint64(nil), m.usable...) }

// PresentPages is the number of usable RAM frames (physpages).
func (m *Mem) PresentPages() uint64 {
	var n uint64
	for _, r := range m.usable {
		n += r[1] - r[0]
	}
	return n
}

// Unreserve hands the reserved frames [start, end) of owner o back for
// freeing (free_reserved_area: ClearPageReserved, refcount 1), owned
// OwnerAllocated until the caller frees them to the page allocator.
func (m *Mem) Unreserve(start, end uint64, o Owner) error {
	if start >= end || end > m.MaxPFN() {
		return fmt.Errorf("phys: unreserve [%#x, %#x): outside memory", start, end)
	}
	for pfn := start; pfn < end; pfn++ {
		if f := &m.Frames[pfn]; f.Owner != o || f.Flags != FlagReserved {
			return fmt.Errorf("phys: unreserve [%#x, %#x): pfn %#x is %s", start, end, pfn, f.Owner)
		}
	}
	for pfn := start; pfn < end; pfn++ {
		f := &m.Frames[pfn]
		f.Owner, f.Flags, f.Order, f.Refcount = OwnerAllocated, FlagHead, 0, 1
	}
	return nil
}

// MaxPFN is one past the highest pfn (max_pfn).
func (m *Mem) MaxPFN() uint64 { return uint64(len(m.Frames)) }

// RAM is the memory size in bytes, holes excluded.
func (m *Mem) RAM() uint64 { return m.ram }

// I386 reports whether the machine has a 32-bit kernel's zones (HighMem).
func (m *Mem) I386() bool { return m.i386 }

// LowmemEnd is one past the last pfn the kernel maps directly
// (max_low_pfn): MaxPFN on x86-64, at most MaxLowmemPFN on i386.
func (m *Mem) LowmemEnd() uint64 {
	if m.i386 {
		return m.zoneEnd[ZoneNormal]
	}
	return m.MaxPFN()
}

// ZeroPFN is the pfn of the shared zero page (my_zero_pfn).
func (m *Mem) ZeroPFN() uint64 { return m.zeroPFN }

// KernelImage returns the pfn range [start, end) of the kernel image.
func (m *Mem) KernelImage() (start, end uint64) {
	return m.kernelStart, m.kernelStart + m.kernelPages
}

// ZoneSpan returns the zone's pfn span [start, end) (zone_start_pfn and
// zone_end_pfn); start == end for an empty zone.
func (m *Mem) ZoneSpan(z ZoneID) (start, end uint64) {
	if z >= NumZones {
		return 0, 0
	}
	return m.zoneStart[z], m.zoneEnd[z]
}

// Frame returns the metadata of pfn. Precondition: pfn < MaxPFN.
func (m *Mem) Frame(pfn uint64) *Frame { return &m.Frames[pfn] }

// Valid reports whether pfn names a frame (pfn_valid).
func (m *Mem) Valid(pfn uint64) bool { return pfn < uint64(len(m.Frames)) }

// Content returns the frame's bytes, or nil while they are all zero. The
// caller must not write through a nil result; use ContentForWrite.
func (m *Mem) Content(pfn uint64) *Page { return m.content[pfn] }

// ContentSlot returns the address of the frame's content pointer. It stays
// valid for the life of Mem; a TLB may keep it and see later allocations.
func (m *Mem) ContentSlot(pfn uint64) **Page { return &m.content[pfn] }

// ContentForWrite returns the frame's bytes, allocating them on first use.
func (m *Mem) ContentForWrite(pfn uint64) *Page {
	p := m.content[pfn]
	if p == nil {
		if pfn == m.zeroPFN {
			panic("phys: write to the zero page")
		}
		if m.contentLimit != 0 && m.contentPages >= m.contentLimit {
			panic(&ContentLimit{Pages: m.contentBudget})
		}
		p = new(Page)
		m.content[pfn] = p
		m.contentPages++
	}
	return p
}

// ZeroFrame makes the frame's bytes all zero again (clear_page, __GFP_ZERO),
// dropping its storage.
func (m *Mem) ZeroFrame(pfn uint64) {
	if m.content[pfn] != nil {
		m.content[pfn] = nil
		m.contentPages--
	}
}

// CopyFrame copies the bytes of src into dst (copy_user_highpage).
func (m *Mem) CopyFrame(dst, src uint64) {
	s := m.content[src]
	if s == nil {
		m.ZeroFrame(dst)
		return
	}
	*m.ContentForWrite(dst) = *s
}

// ContentPages reports how many frames have allocated storage.
func (m *Mem) ContentPages() int { return m.contentPages }

// Physical-address accessors, for the kernel's direct map and for page
// tables. pa+size must not cross a page; size is 1, 2, 4 or 8. The caller
// checks that pa is in memory (Valid(pa>>12)).

// Load reads a little-endian value at physical address pa.
func (m *Mem) Load(pa uint64, size int) uint64 {
	p := m.content[pa>>arch.PageShift]
	if p == nil {
		return 0
	}
	return LoadLE(p, pa&arch.PageMask, size)
}

// Store writes a little-endian value at physical address pa.
func (m *Mem) Store(pa uint64, size int, v uint64) {
	pfn := pa >> arch.PageShift
	p := m.content[pfn]
	if p == nil {
		if v == 0 {
			return
		}
		p = m.ContentForWrite(pfn)
	}
	StoreLE(p, pa&arch.PageMask, size, v)
}

// ReadBytes copies len(buf) bytes from physical address pa (may cross pages).
func (m *Mem) ReadBytes(pa uint64, buf []byte) {
	for len(buf) > 0 {
		off := pa & arch.PageMask
		n := min(uint64(len(buf)), arch.PageSize-off)
		if p := m.content[pa>>arch.PageShift]; p == nil {
			clear(buf[:n])
		} else {
			copy(buf[:n], p[off:off+n])
		}
		buf, pa = buf[n:], pa+n
	}
}

// WriteBytes copies buf to physical address pa (may cross pages).
func (m *Mem) WriteBytes(pa uint64, buf []byte) {
	for len(buf) > 0 {
		off := pa & arch.PageMask
		n := min(uint64(len(buf)), arch.PageSize-off)
		pfn := pa >> arch.PageShift
		if p := m.content[pfn]; p != nil || !allZero(buf[:n]) {
			copy(m.ContentForWrite(pfn)[off:off+n], buf[:n])
		}
		buf, pa = buf[n:], pa+n
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// LoadLE reads a little-endian value of size 1, 2, 4 or 8 at off in p.
// Precondition: off+size <= PageSize.
func LoadLE(p *Page, off uint64, size int) uint64 {
	switch size {
	case 1:
		return uint64(p[off])
	case 2:
		return uint64(binary.LittleEndian.Uint16(p[off:]))
	case 4:
		return uint64(binary.LittleEndian.Uint32(p[off:]))
	default:
		return binary.LittleEndian.Uint64(p[off:])
	}
}

// StoreLE writes a little-endian value of size 1, 2, 4 or 8 at off in p.
// Precondition: off+size <= PageSize.
func StoreLE(p *Page, off uint64, size int, v uint64) {
	switch size {
	case 1:
		p[off] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(p[off:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(p[off:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(p[off:], v)
	}
}

// CheckInvariants verifies the frame metadata that phys alone can judge:
// reserved frames, zones, the zero page, the content count.
func (m *Mem) CheckInvariants() error {
	n := 0
	for pfn := range m.Frames {
		f := &m.Frames[pfn]
		if m.content[pfn] != nil {
			n++
		}
		z := m.zoneOf(uint64(pfn))
		if f.Zone != z {
			return fmt.Errorf("pfn %#x: zone %s, want %s", pfn, f.Zone, z)
		}
		reservedOwner := f.Owner == OwnerReserved || f.Owner == OwnerHole || f.Owner == OwnerKernelImage ||
			f.Owner == OwnerZeroPage || f.Owner == OwnerMemblock
		if reservedOwner != (f.Flags&FlagReserved != 0) {
			return fmt.Errorf("pfn %#x: owner %s with flags %#x", pfn, f.Owner, f.Flags)
		}
		if f.Owner == OwnerFree && f.Refcount != 0 {
			return fmt.Errorf("pfn %#x: free with refcount %d", pfn, f.Refcount)
		}
	}
	if n != m.contentPages {
		return fmt.Errorf("content pages: counted %d, cached %d", n, m.contentPages)
	}
	if m.content[m.zeroPFN] != nil {
		return fmt.Errorf("the zero page has been written")
	}
	if m.Frames[m.zeroPFN].Owner != OwnerZeroPage {
		return fmt.Errorf("the zero page's owner is %s", m.Frames[m.zeroPFN].Owner)
	}
	return nil
}

func (m *Mem) zoneOf(pfn uint64) ZoneID {
	for z := ZoneDMA; z < NumZones; z++ {
		if pfn >= m.zoneStart[z] && pfn < m.zoneEnd[z] {
			return z
		}
	}
	return NumZones
}

// FrameRun is a run of consecutive frames with the same owner, zone and
// order (for the Physical view; JSON-friendly).
type FrameRun struct {
	PFN   uint64 `json:"pfn"`
	Count uint64 `json:"count"`
	Owner string `json:"owner"`
	Zone  string `json:"zone"`
	// Order is the order of the block the first frame heads, or -1.
	Order int `json:"order"`
}

// Snapshot returns the frames as runs. Each block head (free or allocated)
// starts a new run, so a view can draw block boundaries. Built on demand.
func (m *Mem) Snapshot() []FrameRun {
	var runs []FrameRun
	for pfn := range m.Frames {
		f := &m.Frames[pfn]
		order := -1
		if f.Flags&(FlagBuddy|FlagHead) != 0 {
			order = int(f.Order)
		}
		if k := len(runs) - 1; k >= 0 && order < 0 && runs[k].Owner == f.Owner.String() && runs[k].Zone == f.Zone.String() {
			runs[k].Count++
			continue
		}
		runs = append(runs, FrameRun{PFN: uint64(pfn), Count: 1, Owner: f.Owner.String(), Zone: f.Zone.String(), Order: order})
	}
	return runs
}
