package mm

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/pgtable"
)

// name is the name show_map_vma prints for v (fs/proc/task_mmu.c): the
// file, "[heap]" when v meets start_brk … brk, "[stack]" when it contains
// start_stack, else nothing.
func (as *AddressSpace) name(v *VMA) string {
	switch {
	case v.Flags&(VM_FILE|VM_SPECIAL) != 0:
		return v.Name
	case as.brkSet && v.Start <= as.brk && v.End >= as.startBrk:
		return "[heap]"
	case as.startStack != 0 && v.Start <= as.startStack && v.End >= as.startStack:
		return "[stack]"
	}
	return ""
}

func perms(v *VMA) string {
	b := []byte("---p")
	if v.Prot&PROT_READ != 0 {
		b[0] = 'r'
	}
	if v.Prot&PROT_WRITE != 0 {
		b[1] = 'w'
	}
	if v.Prot&PROT_EXEC != 0 {
		b[2] = 'x'
	}
	if v.Flags&VM_SHARED != 0 {
		b[3] = 's'
	}
	return string(b)
}

// header writes show_vma_header_prefix and the padded name: the prefix is
// "%08lx-%08lx %s %08llx %02x:%02x %lu ", and a name starts at column 73
// (seq_setwidth 25 + 6·sizeof(void*) − 1 = 72, then seq_pad's space).
func header(b *strings.Builder, start, end uint64, perm string, off uint64, major, minor uint32, ino uint64, name string) {
	n := b.Len()
	fmt.Fprintf(b, "%08x-%08x %s %08x %02x:%02x %d ", start, end, perm, off, major, minor, ino)
	if name != "" {
		if w := b.Len() - n; w < 72 {
			b.WriteString(strings.Repeat(" ", 72-w))
		}
		b.WriteString(" ")
		b.WriteString(name)
	}
	b.WriteByte('\n')
}

// Maps returns /proc/PID/maps (facts §9.2).
func (as *AddressSpace) Maps() string {
	var b strings.Builder
	for i := range as.vmas {
		v := &as.vmas[i]
		header(&b, v.Start, v.End, perms(v), v.Offset, v.Major, v.Minor, v.Inode, as.name(v))
	}
	return b.String()
}

// Statm returns /proc/PID/statm: size resident shared text lib data dt in
// pages (fs/proc/task_mmu.c:task_statm, fs/proc/array.c:proc_pid_statm).
func (as *AddressSpace) Statm() string {
	var data uint64
	for i := range as.vmas {
		v := &as.vmas[i]
		// is_data_mapping or is_stack_mapping (mm/internal.h).
		if v.Flags&VM_GROWSDOWN != 0 || v.Prot&PROT_WRITE != 0 && v.Flags&VM_SHARED == 0 {
			data += v.Pages()
		}
	}
	text := (arch.PageAlignUp(as.endCode) - arch.PageAlignDown(as.startCode)) >> arch.PageShift
	shared := as.rssFile + as.rssShmem
	return fmt.Sprintf("%d %d %d %d 0 %d 0\n", as.totalVM(), shared+as.rssAnon, shared, text, data)
}

// SmapsRollup returns /proc/PID/smaps_rollup in Linux 6.1's format
// (fs/proc/task_mmu.c:show_smaps_rollup, __show_smap with rollup set; 6.1
// has Pss_Dirty but not yet the KSM line of later kernels). Zero-page
// mappings are not counted (vm_normal_page skips special PTEs); every page
// is mapped once, so Pss equals Rss.
func (as *AddressSpace) SmapsRollup() string {
	var rss, dirty, anon, file, shmem, privClean, privDirty uint64
	for i := range as.vmas {
		v := &as.vmas[i]
		as.pt.Range(v.Start, v.End, func(va uint64, pte pgtable.PTE) bool {
			if pte&pgtable.Special != 0 {
				return true
			}
			rss++
			d := pte&pgtable.Dirty != 0
			switch {
			case pte&pteFile != 0:
				file++
			case v.Flags&VM_SHARED != 0:
				shmem++
			default:
				anon++
			}
			if d {
				dirty++
				privDirty++
			} else {
				privClean++
			}
			return true
		})
	}
	var b strings.Builder
	if len(as.vmas) > 0 {
		header(&b, as.vmas[0].Start, as.vmas[len(as.vmas)-1].End, "---p", 0, 0, 0, 0, "[rollup]")
	}
	kb := func(label string, pages uint64) {
		w := 8
		if len(label) > 16 {
			w = 7
		}
		fmt.Fprintf(&b, "%s%*d kB\n", label, w, pages*4)
	}
	kb("Rss:            ", rss)
	kb("Pss:            ", rss)
	kb("Pss_Dirty:      ", dirty)
	kb("Pss_Anon:       ", anon)
	kb("Pss_File:       ", file)
	kb("Pss_Shmem:      ", shmem)
	kb("Shared_Clean:   ", 0)
	kb("Shared_Dirty:   ", 0)
	kb("Private_Clean:  ", privClean)
	kb("Private_Dirty:  ", privDirty)
	kb("Referenced:     ", rss)
	kb("Anonymous:      ", anon)
	kb("LazyFree:       ", 0)
	kb("AnonHugePages:  ", 0)
	kb("ShmemPmdMapped: ", 0)
	kb("FilePmdMapped:  ", 0)
	kb("Shared_Hugetlb: ", 0)
	kb("Private_Hugetlb: ", 0)
	kb("Swap:           ", 0)
	kb("SwapPss:        ", 0)
	kb("Locked:         ", 0)
	return b.String()
}

// Snapshot is the address space for the Virtual view (JSON-friendly).
type Snapshot struct {
	VMAs       []VMASnapshot `json:"vmas"`
	StartBrk   uint64        `json:"startBrk"`
	Brk        uint64        `json:"brk"`
	StartStack uint64        `json:"startStack"`
	MmapBase   uint64        `json:"mmapBase"`
	RSS        uint64        `json:"rss"`
	MinFlt     uint64        `json:"minFlt"`
	PageTables uint64        `json:"pageTables"`
}

// VMASnapshot is one VMA with the state of its pages.
type VMASnapshot struct {
	Start uint64    `json:"start"`
	End   uint64    `json:"end"`
	Perms string    `json:"perms"` // "rw-p"
	Name  string    `json:"name"`  // as /proc/PID/maps prints it
	Pages []PageRun `json:"pages"`
}

// PageRun is a run of consecutive pages in one state. For "present" runs
// the frames are consecutive too: page Start+i·4096 is frame PFN+i.
type PageRun struct {
	Start    uint64 `json:"start"`
	Count    uint64 `json:"count"`
	State    string `json:"state"` // "none", "zero" (the shared zero page), "present"
	PFN      uint64 `json:"pfn,omitempty"`
	Dirty    bool   `json:"dirty,omitempty"`
	Writable bool   `json:"writable,omitempty"`
}

// Snapshot builds the view of the address space. Never on the hot path.
func (as *AddressSpace) Snapshot() Snapshot {
	s := Snapshot{StartBrk: as.startBrk, Brk: as.brk, StartStack: as.startStack, MmapBase: arch.MmapBase,
		RSS: as.RSS(), MinFlt: as.minFlt, PageTables: as.pt.NrTables()}
	for i := range as.vmas {
		v := &as.vmas[i]
		vs := VMASnapshot{Start: v.Start, End: v.End, Perms: perms(v), Name: as.name(v)}
		next := v.Start
		add := func(r PageRun) {
			if k := len(vs.Pages) - 1; k >= 0 {
				l := &vs.Pages[k]
				if l.State == r.State && l.Dirty == r.Dirty && l.Writable == r.Writable && l.Start+l.Count*arch.PageSize == r.Start &&
					(r.State != "present" || l.PFN+l.Count == r.PFN) {
					l.Count++
					return
				}
			}
			vs.Pages = append(vs.Pages, r)
		}
		none := func(upto uint64) {
			if upto > next {
				if k := len(vs.Pages) - 1; k >= 0 && vs.Pages[k].State == "none" {
					vs.Pages[k].Count += (upto - next) >> arch.PageShift
				} else {
					vs.Pages = append(vs.Pages, PageRun{Start: next, Count: (upto - next) >> arch.PageShift, State: "none"})
				}
			}
		}
		as.pt.Range(v.Start, v.End, func(va uint64, pte pgtable.PTE) bool {
			none(va)
			r := PageRun{Start: va, Count: 1, State: "present", PFN: pte.PFN(), Dirty: pte&pgtable.Dirty != 0, Writable: pte.Writable()}
			if pte&pgtable.Special != 0 {
				r = PageRun{Start: va, Count: 1, State: "zero"}
			}
			add(r)
			next = va + arch.PageSize
			return true
		})
		none(v.End)
		s.VMAs = append(s.VMAs, vs)
	}
	return s
}
