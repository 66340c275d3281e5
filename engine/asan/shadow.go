package asan

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
)

// State is what a tracked region is.
type State uint8

const (
	Live    State = iota + 1 // an object in use
	Redzone                  // allocator bytes around a live object
	Freed                    // a freed object not yet handed out again
)

// Object describes an allocation for reports.
type Object struct {
	Addr      uint64 // the pointer the program got
	Size      uint64 // the requested size in bytes
	Allocator string // "malloc(100)", "calloc(5, 16)", "kmalloc(100, GFP_KERNEL)" ..., or "": see Via
	// Via is the allocating call when Allocator is empty, formatted only
	// if a report names it (malloc's hot path does not format).
	Via       Via
	AllocLine int    // source line of the allocation (0: unknown)
	FreeLine  int    // source line of the free (Freed objects only)
	FreedBy   string // "free", "realloc", "kfree" ...
}

// Via is an allocating call: Fn with N (≤ 2) unsigned arguments, the
// first printed as a pointer (%p, NULL for 0) when Ptr is set.
type Via struct {
	Fn   string
	Args [2]uint64
	N    int
	Ptr  bool
}

func (v Via) String() string {
	b := []byte(v.Fn + "(")
	for i := 0; i < v.N && i < len(v.Args); i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		switch {
		case i == 0 && v.Ptr && v.Args[0] == 0:
			b = append(b, "NULL"...)
		case i == 0 && v.Ptr:
			b = strconv.AppendUint(append(b, "0x"...), v.Args[0], 16)
		default:
			b = strconv.AppendUint(b, v.Args[i], 10)
		}
	}
	return string(append(b, ')'))
}

// AllocatedBy is the allocating call as text.
func (o *Object) AllocatedBy() string {
	if o.Allocator != "" {
		return o.Allocator
	}
	return o.Via.String()
}

// region is one tracked range. Invariant: regions are sorted by start and
// never overlap.
type region struct {
	start, end uint64
	state      State
	obj        *Object
}

// Report is one finding.
type Report struct {
	Kind   string // "heap-buffer-overflow", "heap-use-after-free", ...
	Write  bool
	Addr   uint64
	Size   int
	Line   int // line of the access
	Object Object
	Text   string // the full plain-words report
}

// MaxReports caps the reports of one run.
const MaxReports = 100

// Shadow is the set of tracked regions of one address space.
type Shadow struct {
	regions []region
	// lo and hi bound every region: the fast reject of Check.
	lo, hi uint64
	// Reports holds the findings in the order they happened.
	Reports []Report
	seen    map[string]bool // kind and line already reported
	// Space names the object kind in reports: "heap" (user) or "slab"/"vmalloc".
	Space string
}

// New returns an empty shadow for objects of the given space ("heap").
func New(space string) *Shadow {
	return &Shadow{seen: map[string]bool{}, Space: space}
}

// Alloc tracks a new object [obj.Addr, obj.Addr+obj.Size) plus the
// redzones [chunkStart, obj.Addr) and [obj.Addr+obj.Size, chunkEnd).
// Whatever was tracked in [chunkStart, chunkEnd) before is dropped: the
// allocator has handed that memory out again.
func (s *Shadow) Alloc(chunkStart, chunkEnd uint64, obj Object) {
	if chunkStart > obj.Addr {
		chunkStart = obj.Addr
	}
	end := obj.Addr + obj.Size
	if chunkEnd < end {
		chunkEnd = end
	}
	s.remove(chunkStart, chunkEnd)
	o := &obj
	if chunkStart < obj.Addr {
		s.insert(region{chunkStart, obj.Addr, Redzone, o})
	}
	if obj.Size > 0 {
		s.insert(region{obj.Addr, end, Live, o})
	}
	if end < chunkEnd {
		s.insert(region{end, chunkEnd, Redzone, o})
	}
}

// Free marks the live object at addr as freed (its redzones go) and
// returns it; ok is false when addr is not a live object's start.
func (s *Shadow) Free(addr uint64, freedBy string, line int) (obj Object, ok bool) {
	i := s.find(addr)
	if i < 0 || s.regions[i].state != Live || s.regions[i].obj.Addr != addr {
		return Object{}, false
	}
	o := s.regions[i].obj
	o.FreedBy, o.FreeLine = freedBy, line
	// its body stays, as Freed; its redzones, the regions of o on either
	// side, go (in place: free runs in every malloc/free loop)
	s.regions[i].state = Freed
	j := i + 1
	for j < len(s.regions) && s.regions[j].obj == o {
		j++
	}
	s.regions = slices.Delete(s.regions, i+1, j)
	k := i
	for k > 0 && s.regions[k-1].obj == o {
		k--
	}
	s.regions = slices.Delete(s.regions, k, i)
	s.bounds()
	return *o, true
}

// Forget drops everything tracked in [start, end): memory the allocator
// gave back to the system (munmap, brk shrink) or reused internally.
func (s *Shadow) Forget(start, end uint64) {
	s.remove(start, end)
	s.bounds()
}

// Live returns the live objects in address order (for leak lists).
func (s *Shadow) Live() []Object {
	var out []Object
	for _, r := range s.regions {
		if r.state == Live {
			out = append(out, *r.obj)
		}
	}
	return out
}

// Check looks at one access of size bytes at addr on line and reports a
// finding if it touches a redzone or a freed object. It reports whether the
// access was clean.
func (s *Shadow) Check(addr uint64, size int, write bool, line int) bool {
	if addr >= s.hi || addr+uint64(size) <= s.lo {
		return true
	}
	return s.checkSlow(addr, size, write, line)
}

func (s *Shadow) checkSlow(addr uint64, size int, write bool, line int) bool {
	end := addr + uint64(size)
	// first region whose end is above addr
	i := sort.Search(len(s.regions), func(i int) bool { return s.regions[i].end > addr })
	for ; i < len(s.regions) && s.regions[i].start < end; i++ {
		r := s.regions[i]
		if r.state == Live {
			continue
		}
		s.report(r, addr, size, write, line)
		return false
	}
	return true
}

func (s *Shadow) report(r region, addr uint64, size int, write bool, line int) {
	o := *r.obj
	var kind, where string
	switch r.state {
	case Freed:
		kind = s.Space + "-use-after-free"
		where = fmt.Sprintf("%d bytes inside the %d-byte region [0x%x, 0x%x)", addr-o.Addr, o.Size, o.Addr, o.Addr+o.Size)
	case Redzone:
		kind = s.Space + "-buffer-overflow"
		if addr < o.Addr {
			where = fmt.Sprintf("%d bytes before the %d-byte region [0x%x, 0x%x)", o.Addr-addr, o.Size, o.Addr, o.Addr+o.Size)
		} else {
			where = fmt.Sprintf("%d bytes after the %d-byte region [0x%x, 0x%x)", addr-(o.Addr+o.Size), o.Size, o.Addr, o.Addr+o.Size)
		}
	default:
		return
	}
	key := fmt.Sprintf("%s@%d", kind, line)
	if s.seen[key] || len(s.Reports) >= MaxReports {
		return
	}
	s.seen[key] = true
	op := "READ"
	if write {
		op = "WRITE"
	}
	text := fmt.Sprintf("mmplay: %s: %s of size %d at 0x%x on line %d\n", kind, op, size, addr, line)
	text += fmt.Sprintf("    0x%x is %s\n", addr, where)
	if o.AllocLine > 0 {
		text += fmt.Sprintf("    allocated by %s on line %d\n", o.AllocatedBy(), o.AllocLine)
	} else {
		text += fmt.Sprintf("    allocated by %s\n", o.AllocatedBy())
	}
	if r.state == Freed {
		text += fmt.Sprintf("    freed by %s on line %d\n", o.FreedBy, o.FreeLine)
		text += "    The program goes on as the real one would: the freed memory may already hold the allocator's own data."
	} else {
		text += "    The program goes on as the real one would: the access really reads or writes the allocator's bytes next to the object."
	}
	s.Reports = append(s.Reports, Report{Kind: kind, Write: write, Addr: addr, Size: size, Line: line, Object: o, Text: text})
}

// find returns the index of the region containing addr, or -1.
func (s *Shadow) find(addr uint64) int {
	i := sort.Search(len(s.regions), func(i int) bool { return s.regions[i].end > addr })
	if i < len(s.regions) && s.regions[i].start <= addr {
		return i
	}
	return -1
}

// insert adds r at its sorted place. Precondition: r overlaps nothing.
func (s *Shadow) insert(r region) {
	i := sort.Search(len(s.regions), func(i int) bool { return s.regions[i].start >= r.start })
	s.regions = append(s.regions, region{})
	copy(s.regions[i+1:], s.regions[i:])
	s.regions[i] = r
	s.bounds()
}

// remove drops or trims every region overlapping [start, end).
func (s *Shadow) remove(start, end uint64) {
	if start >= end {
		return
	}
	i := sort.Search(len(s.regions), func(i int) bool { return s.regions[i].end > start })
	j := i
	var keep []region
	for j < len(s.regions) && s.regions[j].start < end {
		r := s.regions[j]
		if r.start < start {
			keep = append(keep, region{r.start, start, r.state, r.obj})
		}
		if r.end > end {
			keep = append(keep, region{end, r.end, r.state, r.obj})
		}
		j++
	}
	if i == j {
		return
	}
	s.regions = slices.Replace(s.regions, i, j, keep...)
}

// Bounds returns [lo, hi): every tracked region lies inside it (lo == hi
// when nothing is tracked). An access outside it is clean without a look.
func (s *Shadow) Bounds() (lo, hi uint64) { return s.lo, s.hi }

func (s *Shadow) bounds() {
	if len(s.regions) == 0 {
		s.lo, s.hi = 0, 0
		return
	}
	s.lo, s.hi = s.regions[0].start, s.regions[len(s.regions)-1].end
}

// CheckInvariants verifies that regions are sorted, non-empty, disjoint and
// within the bounds.
func (s *Shadow) CheckInvariants() error {
	for i, r := range s.regions {
		if r.start >= r.end {
			return fmt.Errorf("asan: empty region %d [0x%x, 0x%x)", i, r.start, r.end)
		}
		if i > 0 && s.regions[i-1].end > r.start {
			return fmt.Errorf("asan: regions %d and %d overlap", i-1, i)
		}
		if r.start < s.lo || r.end > s.hi {
			return fmt.Errorf("asan: region %d outside the bounds", i)
		}
	}
	return nil
}
