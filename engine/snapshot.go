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
// step loop. Its JSON form is part of the stable contract of the CLI and
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
}

// Snapshot takes a snapshot of the machine as it is now (nil before the
// program has started).
func (s *Session) Snapshot() *Snapshot {
	if s.m == nil {
		return nil
	}
	m := s.m
	snap := &Snapshot{
		Step:      s.Steps(),
		Line:      s.Line(),
		Done:      m.result != nil,
		Config:    m.cfg.String(),
		Frames:    m.hw.Mem.Snapshot(),
		Zones:     m.hw.Pages.Snapshot(),
		Process:   m.as.Snapshot(),
		Stdout:    string(m.proc.Stdout),
		Stderr:    string(m.proc.Stderr),
		Reports:   append([]string{}, m.proc.Reports...),
		Slab:      m.slab.Snapshot(),
		Vmalloc:   m.vmalloc.Snapshot(),
		KernelLog: m.k.Dmesg(),
	}
	if snap.Vmalloc == nil {
		snap.Vmalloc = []vmalloc.AreaSnapshot{}
	}
	if snap.KernelLog == nil {
		snap.KernelLog = []string{}
	}
	if m.result != nil {
		snap.Reports = m.result.Reports
	}
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
	return snap
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
