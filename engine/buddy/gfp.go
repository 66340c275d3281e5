package buddy

import (
	"strings"

	"mmplay/engine/phys"
)

// GFP is a gfp_t: the flags of an allocation request. Bit values are
// Linux 6.1's (include/linux/gfp_types.h; reference/facts.md §4); GFP__X is __GFP_X.
type GFP uint32

const (
	GFP__DMA            GFP = 0x01 // ___GFP_DMA
	GFP__HIGHMEM        GFP = 0x02
	GFP__DMA32          GFP = 0x04
	GFP__MOVABLE        GFP = 0x08
	GFP__RECLAIMABLE    GFP = 0x10
	GFP__HIGH           GFP = 0x20
	GFP__IO             GFP = 0x40
	GFP__FS             GFP = 0x80
	GFP__ZERO           GFP = 0x100
	GFP__ATOMIC         GFP = 0x200
	GFP__DIRECT_RECLAIM GFP = 0x400
	GFP__KSWAPD_RECLAIM GFP = 0x800
	GFP__WRITE          GFP = 0x1000
	GFP__NOWARN         GFP = 0x2000
	GFP__RETRY_MAYFAIL  GFP = 0x4000
	GFP__NOFAIL         GFP = 0x8000
	GFP__NORETRY        GFP = 0x10000
	GFP__MEMALLOC       GFP = 0x20000
	GFP__COMP           GFP = 0x40000
	GFP__NOMEMALLOC     GFP = 0x80000
	GFP__HARDWALL       GFP = 0x100000
	GFP__THISNODE       GFP = 0x200000
	GFP__ACCOUNT        GFP = 0x400000

	// GFPInitOnAlloc is mmplay's marker, not a Linux flag: the pages are
	// to be zeroed because init_on_alloc=1 (post_alloc_hook's
	// want_init_on_alloc), not because the caller asked with __GFP_ZERO.
	// AllocPages zeroes as for __GFP_ZERO, and strips the marker from the
	// mask its failures and the OOM killer report, which are the caller's.
	GFPInitOnAlloc GFP = 1 << 31
)

// The composite flags (include/linux/gfp_types.h, 6.1).
const (
	GFP_KERNEL           = GFP__DIRECT_RECLAIM | GFP__KSWAPD_RECLAIM | GFP__IO | GFP__FS // 0xcc0
	GFP_ATOMIC           = GFP__HIGH | GFP__ATOMIC | GFP__KSWAPD_RECLAIM                 // 0xa20
	GFP_NOWAIT           = GFP__KSWAPD_RECLAIM                                           // 0x800
	GFP_NOIO             = GFP__DIRECT_RECLAIM | GFP__KSWAPD_RECLAIM                     // 0xc00
	GFP_NOFS             = GFP_NOIO | GFP__IO                                            // 0xc40
	GFP_USER             = GFP_KERNEL | GFP__HARDWALL                                    // 0x100cc0
	GFP_DMA              = GFP__DMA
	GFP_DMA32            = GFP__DMA32
	GFP_HIGHUSER         = GFP_USER | GFP__HIGHMEM
	GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | GFP__MOVABLE
	GFP_KERNEL_ACCOUNT   = GFP_KERNEL | GFP__ACCOUNT
	// PGALLOC_GFP is what page-table pages are allocated with
	// (arch/x86/mm/pgtable.c: GFP_PGTABLE_USER = GFP_KERNEL_ACCOUNT|__GFP_ZERO).
	GFP_PGTABLE_USER = GFP_KERNEL_ACCOUNT | GFP__ZERO
)

var gfpNames = []struct {
	bit  GFP
	name string
}{
	{GFP__DMA, "GFP_DMA"}, {GFP__HIGHMEM, "__GFP_HIGHMEM"}, {GFP__DMA32, "GFP_DMA32"},
	{GFP__MOVABLE, "__GFP_MOVABLE"}, {GFP__RECLAIMABLE, "__GFP_RECLAIMABLE"},
	{GFP__HIGH, "__GFP_HIGH"}, {GFP__IO, "__GFP_IO"}, {GFP__FS, "__GFP_FS"},
	{GFP__ZERO, "__GFP_ZERO"}, {GFP__ATOMIC, "__GFP_ATOMIC"},
	{GFP__DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM"}, {GFP__KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM"},
	{GFP__WRITE, "__GFP_WRITE"}, {GFP__NOWARN, "__GFP_NOWARN"},
	{GFP__RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL"}, {GFP__NOFAIL, "__GFP_NOFAIL"},
	{GFP__NORETRY, "__GFP_NORETRY"}, {GFP__MEMALLOC, "__GFP_MEMALLOC"},
	{GFP__COMP, "__GFP_COMP"}, {GFP__NOMEMALLOC, "__GFP_NOMEMALLOC"},
	{GFP__HARDWALL, "__GFP_HARDWALL"}, {GFP__THISNODE, "__GFP_THISNODE"},
	{GFP__ACCOUNT, "__GFP_ACCOUNT"},
}

// String names the flags the way the kernel's %pGg does for the plain bits
// (mm/debug.c: gfpflag_names), e.g. "__GFP_HIGH|__GFP_ATOMIC". Composite
// names are the caller's business.
func (g GFP) String() string {
	var parts []string
	for _, n := range gfpNames {
		if g&n.bit != 0 {
			parts = append(parts, n.name)
		}
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}

// zone is the highest zone the flags allow (include/linux/gfp.h:
// gfp_zone), on x86-64 (where __GFP_HIGHMEM and __GFP_MOVABLE select
// Normal) or, with i386 (no ZONE_DMA32), on x86-32: there __GFP_DMA32
// selects Normal and __GFP_HIGHMEM HighMem. Allocator.GFPZone asks it
// for the machine's arch.
func (g GFP) zone(i386 bool) phys.ZoneID {
	switch {
	case g&GFP__DMA != 0:
		return phys.ZoneDMA
	case g&GFP__DMA32 != 0 && !i386:
		return phys.ZoneDMA32
	case g&GFP__HIGHMEM != 0 && i386:
		return phys.ZoneHighMem
	}
	return phys.ZoneNormal
}

// GFPZone is gfp_zone for this machine's arch.
func (a *Allocator) GFPZone(g GFP) phys.ZoneID { return g.zone(a.mem.I386()) }

// CanSleep reports whether the request may block (gfpflags_allow_blocking).
func (g GFP) CanSleep() bool { return g&GFP__DIRECT_RECLAIM != 0 }
