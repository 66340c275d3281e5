package engine

import (
	"mmplay/engine/buddy"
	"mmplay/engine/glibc"
	"mmplay/engine/mm"
	"mmplay/engine/phys"
	"mmplay/engine/slab"
	"mmplay/engine/vmalloc"
)

// Snapshot is the machine at one step, from which every view is drawn
// (SPEC §6). It is built on demand from the live machine, never in the
// step loop, and part by part (SnapshotOf): a UI that shows one view
// builds that view's parts only, since the whole costs milliseconds
// (the slab caches object by object, the frames run by run). Its JSON
// form, with every part, is part of the stable contract of the CLI and
// the worker.
type Snapshot struct {
	Step   uint64 `json:"step"`
	Line   int    `json:"line"`
	Done   bool   `json:"done"`
	Config string `json:"config"`

	// Physical memory: runs of frames with the same owner, zone and order.
	Frames []phys.FrameRun `json:"frames"`
	// Buddy free lists per zone and order.
	Zones []buddy.ZoneSnapshot `json:"zones"`
	// The user address space: VMAs and their pages.
	Process mm.Snapshot `json:"process"`
	// The kernel's allocators: SLUB caches (or Linux 2.0's kmalloc
	// buckets) with their slabs' objects, and the vmalloc/ioremap areas.
	Slab    slab.Snapshot          `json:"slab"`
	Vmalloc []vmalloc.AreaSnapshot `json:"vmalloc"`
	// glibc's heap: chunks, bins, tcache, mmapped chunks, parameters.
	Heap *glibc.Snapshot `json:"heap,omitempty"`
	// HeapError is set when the heap could not be walked (the program
	// corrupted it); the other views still work.
	HeapError string `json:"heapError,omitempty"`

	Stdout    string   `json:"stdout"`
	Stderr    string   `json:"stderr"`
	KernelLog []string `json:"kernelLog"`
	Reports   []string `json:"reports"`

	// FrameMap is physical memory one byte per frame (PartFrameMap): the
	// session's own map, valid until the session moves (see
	// Session.FrameMap). Not part of the JSON form.
	FrameMap *FrameMap `json:"-"`

	// Built says which parts hold data.
	Built Part `json:"-"`

	sess  *Session
	moves uint64 // the session's moves when taken
}

// Part names parts of a snapshot.
type Part uint16

const (
	PartFrames   Part = 1 << iota // Frames
	PartZones                     // Zones
	PartProcess                   // Process
	PartSlab                      // Slab
	PartVmalloc                   // Vmalloc
	PartHeap                      // Heap, HeapError
	PartOutput                    // Stdout, Stderr, KernelLog, Reports
	PartFrameMap                  // FrameMap (not in the JSON form)

	// PartsJSON are the parts of the JSON contract (Snapshot).
	PartsJSON = PartFrames | PartZones | PartProcess | PartSlab | PartVmalloc | PartHeap | PartOutput
)

// Has reports whether the snapshot holds part p: built (SnapshotOf,
// Fill), or not from a session at all (decoded from JSON, or made by
// hand), which holds everything it has.
func (snap *Snapshot) Has(p Part) bool { return snap.sess == nil || snap.Built&p == p }

// Snapshot takes a snapshot of the machine as it is now, with every part
// of the JSON form (nil before the program has started).
func (s *Session) Snapshot() *Snapshot { return s.SnapshotOf(PartsJSON) }

// SnapshotOf takes a snapshot with the given parts (nil before the
// program has started); Fill adds others while the session has not moved.
func (s *Session) SnapshotOf(parts Part) *Snapshot {
	if s.m == nil {
		return nil
	}
	snap := &Snapshot{
		Step:   s.Steps(),
		Line:   s.Line(),
		Done:   s.m.result != nil,
		Config: s.m.cfg.String(),
		sess:   s,
		moves:  s.moves,
	}
	s.Fill(snap, parts)
	return snap
}

// Current reports whether snap still describes the machine: taken from
// this session, which has not moved since.
func (s *Session) Current(snap *Snapshot) bool {
	return snap != nil && snap.sess == s && snap.moves == s.moves && s.m != nil
}

// Fill builds the parts of snap it lacks among parts. It reports false,
// building nothing, when the session has moved since snap was taken (the
// machine no longer is what snap shows).
func (s *Session) Fill(snap *Snapshot, parts Part) bool {
	if !s.Current(snap) {
		return false
	}
	m := s.m
	need := parts &^ snap.Built
	if need&PartFrames != 0 {
		snap.Frames = m.hw.Mem.Snapshot()
	}
	if need&PartZones != 0 {
		snap.Zones = m.hw.Pages.Snapshot()
	}
	if need&PartProcess != 0 {
		snap.Process = m.as.Snapshot()
	}
	if need&PartSlab != 0 {
		snap.Slab = m.slab.Snapshot()
	}
	if need&PartVmalloc != 0 {
		snap.Vmalloc = m.vmalloc.Snapshot()
		if snap.Vmalloc == nil {
			snap.Vmalloc = []vmalloc.AreaSnapshot{}
		}
	}
	if need&PartOutput != 0 {
		snap.Stdout = string(m.proc.Stdout)
		snap.Stderr = string(m.proc.Stderr)
		snap.Reports = append([]string{}, m.proc.Reports...)
		if m.result != nil {
			snap.Reports = m.result.Reports
		}
		snap.KernelLog = m.k.Dmesg()
		if snap.KernelLog == nil {
			snap.KernelLog = []string{}
		}
	}
	if need&PartHeap != 0 {
		func() {
			// Walking a heap the program has corrupted may read wild
			// pointers: that is the snapshot's problem, not the program's.
			defer func() {
				if r := recover(); r != nil {
					snap.Heap = nil
					snap.HeapError = "the heap could not be walked (the program overwrote glibc's metadata)"
				}
			}()
			h, err := m.proc.Malloc.Snapshot()
			if err != nil {
				snap.HeapError = err.Error()
				return
			}
			snap.Heap = &h
		}()
	}
	if need&PartFrameMap != 0 {
		snap.FrameMap = m.frameMap()
	}
	snap.Built |= need
	return true
}

// Trace is the JSON contract of the CLI (--json) and the worker: the
// config, how the run ended, every event, and the final snapshot.
type Trace struct {
	Config   string    `json:"config"`
	Result   *Result   `json:"result"`
	Events   []Event   `json:"events"`
	Snapshot *Snapshot `json:"snapshot"`
}

// Trace returns the session's trace so far.
func (s *Session) Trace() *Trace {
	t := &Trace{Config: s.prog.Config.String(), Result: s.Result(), Events: s.Events(), Snapshot: s.Snapshot()}
	if t.Events == nil {
		t.Events = []Event{}
	}
	return t
}
