package view

// What changed between two snapshots, for the views to flash: frames whose
// owner, zone or block changed, VMAs whose bounds, permissions or pages
// changed, heap chunks, slab caches and objects, vmalloc areas, and how
// much the console grew.
//
// Frames are compared run against run (the runs are a compressed form of
// the frame array: a few hundred for a gallery example, a few thousand
// for a busy 4 GiB machine) in one merge walk, never frame by frame.

import (
	"sort"
	"unsafe"

	"mmplay/engine"
	"mmplay/engine/glibc"
	"mmplay/engine/phys"
)

// Changes is what differs in cur from prev. Sets hold what is new or
// changed in cur; what vanished has nothing to highlight and is only
// counted.
type Changes struct {
	Frames      []PFNRange      // changed frames, sorted, disjoint, not adjacent
	VMAs        map[uint64]bool // VMA starts in cur that are new or changed
	RemovedVMAs int
	Chunks      map[uint64]bool // heap chunk addresses (brk heap and mmapped) new or changed in cur
	Caches      map[string]bool // slab caches whose object counts or slabs changed
	Objects     map[uint64]bool // slab objects (addresses) allocated or freed, or in new slabs
	Areas       map[uint64]bool // vmalloc areas new or changed in cur
	NewLogLines int             // kernel log lines added
	NewStdout   int             // bytes of stdout added
	NewStderr   int             // bytes of stderr added
}

// PFNRange is frames [PFN, PFN+Count).
type PFNRange struct {
	PFN, Count uint64
}

// Empty reports whether nothing changed.
func (c *Changes) Empty() bool {
	return len(c.Frames) == 0 && len(c.VMAs) == 0 && c.RemovedVMAs == 0 && len(c.Chunks) == 0 &&
		len(c.Caches) == 0 && len(c.Objects) == 0 && len(c.Areas) == 0 && c.NewLogLines == 0 && c.NewStdout == 0 && c.NewStderr == 0
}

// FrameChanged reports whether frame pfn is in a changed range.
func (c *Changes) FrameChanged(pfn uint64) bool {
	i := sort.Search(len(c.Frames), func(i int) bool { return c.Frames[i].PFN+c.Frames[i].Count > pfn })
	return i < len(c.Frames) && c.Frames[i].PFN <= pfn
}

// Diff compares two snapshots, in the parts both hold (engine.Snapshot.Has:
// a playground builds only the parts its views ask for). A nil prev or
// cur gives no changes (the first picture has nothing to flash).
func Diff(prev, cur *engine.Snapshot) Changes {
	var c Changes
	if prev == nil || cur == nil {
		return c
	}
	both := func(p engine.Part) bool { return prev.Has(p) && cur.Has(p) }
	if both(engine.PartFrames) {
		c.Frames = diffFrames(prev.Frames, cur.Frames)
	}
	if both(engine.PartProcess) {
		diffVMAs(&c, prev, cur)
	}
	if both(engine.PartHeap) {
		diffHeap(&c, prev.Heap, cur.Heap)
	}
	if both(engine.PartSlab) {
		diffSlab(&c, prev, cur)
	}
	if both(engine.PartVmalloc) {
		pa := map[uint64]vmallocKey{}
		for _, a := range prev.Vmalloc {
			pa[a.Addr] = vmallocKey{a.Size, a.Kind, len(a.Pages)}
		}
		for _, a := range cur.Vmalloc {
			if k, ok := pa[a.Addr]; !ok || k != (vmallocKey{a.Size, a.Kind, len(a.Pages)}) {
				c.Areas = set(c.Areas, a.Addr)
			}
		}
	}
	if both(engine.PartOutput) {
		c.NewLogLines = max(len(cur.KernelLog)-len(prev.KernelLog), 0)
		c.NewStdout = max(len(cur.Stdout)-len(prev.Stdout), 0)
		c.NewStderr = max(len(cur.Stderr)-len(prev.Stderr), 0)
	}
	return c
}

type vmallocKey struct {
	size  uint64
	kind  string
	pages int
}

func set[K comparable](m map[K]bool, k K) map[K]bool {
	if m == nil {
		m = map[K]bool{}
	}
	m[k] = true
	return m
}

// diffFrames walks both run lists together (both sorted, covering the
// frames of one machine from pfn 0, as phys.Mem.Snapshot makes them).
// Over each piece where a run of each list overlaps, the frames changed if
// owner or zone differ; and at the piece's first frame, if the block that
// starts there (a run with Order ≥ 0 starting at that frame) differs, the
// whole of both blocks changed (a merge or split reshapes all of its
// frames). A block's head always starts a run, so no head is missed.
func diffFrames(prev, cur []phys.FrameRun) []PFNRange {
	var out []PFNRange
	add := func(a, b uint64) {
		if b <= a {
			return
		}
		if k := len(out) - 1; k >= 0 && a <= out[k].PFN+out[k].Count {
			if end := out[k].PFN + out[k].Count; b > end {
				out[k].Count = b - out[k].PFN
			}
			return
		}
		out = append(out, PFNRange{a, b - a})
	}
	head := func(r *phys.FrameRun, pfn uint64) int {
		if r.PFN == pfn {
			return r.Order
		}
		return -1
	}
	i, j := 0, 0
	var done uint64 // frames below done are compared
	for i < len(prev) && j < len(cur) {
		p, q := &prev[i], &cur[j]
		pEnd, qEnd := p.PFN+p.Count, q.PFN+q.Count
		start, end := max(p.PFN, q.PFN), min(pEnd, qEnd)
		done = max(done, end)
		if start < end {
			if !sameName(p.Owner, q.Owner) || !sameName(p.Zone, q.Zone) {
				add(start, end)
			} else if hp, hq := head(p, start), head(q, start); hp != hq {
				n := uint64(1)
				if hp >= 0 {
					n = max(n, 1<<uint(hp))
				}
				if hq >= 0 {
					n = max(n, 1<<uint(hq))
				}
				add(start, start+n)
			}
		}
		if pEnd <= qEnd {
			i++
		}
		if qEnd <= pEnd {
			j++
		}
	}
	// Frames only one list has (a machine of another size).
	for ; i < len(prev); i++ {
		add(max(prev[i].PFN, done), prev[i].PFN+prev[i].Count)
	}
	for ; j < len(cur); j++ {
		add(max(cur[j].PFN, done), cur[j].PFN+cur[j].Count)
	}
	return out
}

// sameName compares two names of a snapshot: those of the engine share
// their bytes, so the address settles it without calling memequal (see
// physical.go's colorCache).
func sameName(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

func diffVMAs(c *Changes, prev, cur *engine.Snapshot) {
	pv := make(map[uint64]int, len(prev.Process.VMAs))
	for i, v := range prev.Process.VMAs {
		pv[v.Start] = i
	}
	seen := 0
	for _, v := range cur.Process.VMAs {
		i, ok := pv[v.Start]
		if !ok {
			c.VMAs = set(c.VMAs, v.Start)
			continue
		}
		seen++
		w := prev.Process.VMAs[i]
		if w.End != v.End || w.Perms != v.Perms || w.Name != v.Name || len(w.Pages) != len(v.Pages) {
			c.VMAs = set(c.VMAs, v.Start)
			continue
		}
		for k := range v.Pages {
			if v.Pages[k] != w.Pages[k] {
				c.VMAs = set(c.VMAs, v.Start)
				break
			}
		}
	}
	c.RemovedVMAs = len(prev.Process.VMAs) - seen
}

type chunkKey struct {
	size  uint64
	state glibc.ChunkState
	bin   int
}

func diffHeap(c *Changes, prev, cur *glibc.Snapshot) {
	if cur == nil {
		return
	}
	pc := map[uint64]chunkKey{}
	if prev != nil {
		for _, ch := range prev.Chunks {
			pc[ch.Addr] = chunkKey{ch.Size, ch.State, ch.Bin}
		}
		for _, m := range prev.Mmapped {
			pc[m.Addr] = chunkKey{size: m.Size, bin: -1}
		}
	}
	for _, ch := range cur.Chunks {
		if k, ok := pc[ch.Addr]; !ok || k != (chunkKey{ch.Size, ch.State, ch.Bin}) {
			c.Chunks = set(c.Chunks, ch.Addr)
		}
	}
	for _, m := range cur.Mmapped {
		if k, ok := pc[m.Addr]; !ok || k != (chunkKey{size: m.Size, bin: -1}) {
			c.Chunks = set(c.Chunks, m.Addr)
		}
	}
}

// diffSlab compares caches by name (object counts and slabs) and, in the
// caches that changed, objects by address.
func diffSlab(c *Changes, prev, cur *engine.Snapshot) {
	pc := make(map[string]int, len(prev.Slab.Caches))
	for i, cs := range prev.Slab.Caches {
		pc[cs.Name] = i
	}
	for _, cs := range cur.Slab.Caches {
		i, ok := pc[cs.Name]
		if !ok {
			if len(cs.Slabs) > 0 {
				c.Caches = set(c.Caches, cs.Name)
			}
			continue
		}
		ps := prev.Slab.Caches[i]
		same := ps.ActiveObjs == cs.ActiveObjs && ps.InUse == cs.InUse && len(ps.Slabs) == len(cs.Slabs)
		for k := 0; same && k < len(cs.Slabs); k++ {
			same = ps.Slabs[k].PFN == cs.Slabs[k].PFN && ps.Slabs[k].InUse == cs.Slabs[k].InUse && ps.Slabs[k].Role == cs.Slabs[k].Role
		}
		if same {
			continue
		}
		c.Caches = set(c.Caches, cs.Name)
		state := map[uint64]bool{} // allocated?
		for _, s := range ps.Slabs {
			for _, o := range s.Objects {
				state[o.Addr] = o.State != 0
			}
		}
		for _, s := range cs.Slabs {
			for _, o := range s.Objects {
				if was, ok := state[o.Addr]; !ok || was != (o.State != 0) {
					c.Objects = set(c.Objects, o.Addr)
				}
			}
		}
	}
}
