package mm

import (
	"sort"

	"mmplay/engine/arch"
)

// Prot is PROT_* of mmap and mprotect (asm-generic/mman-common.h).
type Prot uint8

const (
	PROT_NONE  Prot = 0x0
	PROT_READ  Prot = 0x1
	PROT_WRITE Prot = 0x2
	PROT_EXEC  Prot = 0x4
)

// mmap flags (asm-generic/mman-common.h, x86 asm/mman.h).
const (
	MAP_SHARED          = 0x01
	MAP_PRIVATE         = 0x02
	MAP_FIXED           = 0x10
	MAP_ANONYMOUS       = 0x20
	MAP_GROWSDOWN       = 0x100
	MAP_NORESERVE       = 0x4000
	MAP_POPULATE        = 0x8000
	MAP_FIXED_NOREPLACE = 0x100000
)

// mremap flags (include/uapi/linux/mman.h).
const (
	MREMAP_MAYMOVE   = 1
	MREMAP_FIXED     = 2
	MREMAP_DONTUNMAP = 4
)

// madvise advice (asm-generic/mman-common.h).
const (
	MADV_NORMAL         = 0
	MADV_RANDOM         = 1
	MADV_SEQUENTIAL     = 2
	MADV_WILLNEED       = 3
	MADV_DONTNEED       = 4
	MADV_POPULATE_READ  = 22
	MADV_POPULATE_WRITE = 23
)

// MmapMinAddr is vm.mmap_min_addr on Debian (65536; security/Kconfig
// DEFAULT_MMAP_MIN_ADDR, Debian's config).
const MmapMinAddr = 65536

// TaskUnmappedBase is TASK_UNMAPPED_BASE: PAGE_ALIGN(TASK_SIZE/3), where the
// bottom-up fallback starts (arch/x86/include/asm/processor.h).
const TaskUnmappedBase = (arch.TaskSize / 3) &^ arch.PageMask

// VMFlags are the vm_flags bits beyond the protection that the model keeps.
type VMFlags uint16

const (
	VM_SHARED    VMFlags = 1 << iota // MAP_SHARED (anonymous shared memory)
	VM_GROWSDOWN                     // the stack: grows on faults below it
	VM_ACCOUNT                       // charged to vm_committed_as
	VM_NORESERVE                     // MAP_NORESERVE
	VM_FILE                          // a file mapping (the program image)
	VM_SPECIAL                       // [vvar], [vdso]: install_special_mapping; never merged (mm/mmap.c VM_SPECIAL)
)

// VMA is one virtual memory area (struct vm_area_struct).
//
// Invariants: Start < End, both page aligned, End <= arch.TaskSize; VMAs of
// an AddressSpace do not overlap, are sorted, and no two adjacent ones are
// mergeable.
type VMA struct {
	Start, End uint64
	Prot       Prot
	Flags      VMFlags
	// Name is the file path of a file mapping ("/tmp/prog"), shown in
	// /proc/PID/maps; empty for anonymous memory ([heap] and [stack] are
	// derived from brk and the stack pointer, as show_map_vma does).
	Name string
	// Offset, Major, Minor and Inode describe a file mapping for
	// /proc/PID/maps; zero for anonymous ones.
	Offset       uint64
	Major, Minor uint32
	Inode        uint64
}

// Pages returns the VMA's size in pages.
func (v *VMA) Pages() uint64 { return (v.End - v.Start) >> arch.PageShift }

// writablePrivate reports a private writable VMA, the kind whose pages are
// charged to the overcommit accounting (mm/mmap.c:accountable_mapping).
func (v *VMA) writablePrivate() bool { return v.Prot&PROT_WRITE != 0 && v.Flags&VM_SHARED == 0 }

// mergeable reports whether a (below) and b (directly above) would be one
// VMA (mm/mmap.c:is_mergeable_vma, can_vma_merge_after).
func mergeable(a, b *VMA) bool {
	if a.End != b.Start || a.Prot != b.Prot || a.Flags != b.Flags || a.Name != b.Name {
		return false
	}
	if a.Flags&VM_SPECIAL != 0 {
		return false
	}
	if a.Flags&VM_FILE != 0 {
		return a.Major == b.Major && a.Minor == b.Minor && a.Inode == b.Inode && a.Offset+(a.End-a.Start) == b.Offset
	}
	return true
}

// findVMA returns the index of the first VMA with End > addr (find_vma),
// or len(vmas).
func (as *AddressSpace) findVMA(addr uint64) int {
	return sort.Search(len(as.vmas), func(i int) bool { return as.vmas[i].End > addr })
}

// vmaAt returns the VMA containing addr, or nil.
func (as *AddressSpace) vmaAt(addr uint64) *VMA {
	i := as.findVMA(addr)
	if i < len(as.vmas) && as.vmas[i].Start <= addr {
		return &as.vmas[i]
	}
	return nil
}

// splitAt makes addr a VMA boundary if a VMA straddles it (__split_vma).
func (as *AddressSpace) splitAt(addr uint64) {
	i := as.findVMA(addr)
	if i == len(as.vmas) || as.vmas[i].Start >= addr {
		return
	}
	lo := as.vmas[i]
	hi := lo
	lo.End = addr
	hi.Start = addr
	if hi.Flags&VM_FILE != 0 {
		hi.Offset += addr - lo.Start
	}
	as.vmas[i] = lo
	as.vmas = append(as.vmas, VMA{})
	copy(as.vmas[i+2:], as.vmas[i+1:])
	as.vmas[i+1] = hi
}

// insert adds v (which must not overlap) and merges it with its neighbours.
func (as *AddressSpace) insert(v VMA) {
	i := as.findVMA(v.Start)
	as.vmas = append(as.vmas, VMA{})
	copy(as.vmas[i+1:], as.vmas[i:])
	as.vmas[i] = v
	as.mergeAround(i)
}

// mergeAround merges vmas[i] with its neighbours where mergeable (vma_merge).
func (as *AddressSpace) mergeAround(i int) {
	if i+1 < len(as.vmas) && mergeable(&as.vmas[i], &as.vmas[i+1]) {
		as.vmas[i].End = as.vmas[i+1].End
		as.vmas = append(as.vmas[:i+1], as.vmas[i+2:]...)
	}
	if i > 0 && mergeable(&as.vmas[i-1], &as.vmas[i]) {
		as.vmas[i-1].End = as.vmas[i].End
		as.vmas = append(as.vmas[:i], as.vmas[i+1:]...)
	}
}

// mergeRange merges every mergeable pair meeting [start, end].
func (as *AddressSpace) mergeRange(start, end uint64) {
	i := as.findVMA(start)
	if i > 0 {
		i--
	}
	for i+1 < len(as.vmas) && as.vmas[i].Start <= end {
		if mergeable(&as.vmas[i], &as.vmas[i+1]) {
			as.vmas[i].End = as.vmas[i+1].End
			as.vmas = append(as.vmas[:i+1], as.vmas[i+2:]...)
			continue
		}
		i++
	}
}

// overlaps reports whether any VMA meets [start, end).
func (as *AddressSpace) overlaps(start, end uint64) bool {
	i := as.findVMA(start)
	return i < len(as.vmas) && as.vmas[i].Start < end
}

// startGap is vm_start_gap (include/linux/mm.h): it keeps the stack guard
// gap free below a VM_GROWSDOWN VMA.
func startGap(v *VMA) uint64 {
	if v.Flags&VM_GROWSDOWN != 0 {
		if v.Start < arch.StackGuardGap {
			return 0
		}
		return v.Start - arch.StackGuardGap
	}
	return v.Start
}
