package engine

import (
	"unsafe"

	"mmplay/engine/arch"
)

// eventLog is the trace of one run, kept compact because recording is on
// the allocators' hot path (two events per malloc/free pair).
//
// RATIONALE: an arch.Event holds two strings, so a log of them is full of
// pointers: every append pays GC write barriers and every GC cycle scans
// the whole log (up to maxEvents entries). Here each event is a
// pointer-free packedEvent whose strings are interned into a table, which
// halved the cost of a malloc(32)+free pair on the process model
// (BENCHMARKS.md). The []Event the API returns is materialized on demand
// and extended incrementally, so a session that steps pays only for the
// new events.
type eventLog struct {
	ev      []packedEvent
	head    int // once full: the index of the oldest event
	dropped int // events overwritten once full

	strs  []string          // interned strings; strs[0] == ""
	ids   map[string]uint32 // string → index in strs
	cache [64]internEntry   // by the string's data pointer: constants hit

	view []Event // materialized prefix (valid while nothing was dropped)
}

type packedEvent struct {
	addr, size, pfn, step uint64
	order                 int32
	line, col             int32
	source, detail        uint32
	kind                  arch.EventKind
}

type internEntry struct {
	p  *byte
	n  int
	id uint32
}

// maxEvents caps the event log of one run (a million-iteration malloc loop
// would otherwise hold millions); when it is full the newest overwrite the
// oldest, since the views need the recent ones.
const maxEvents = 200_000

func (l *eventLog) intern(s string) uint32 {
	if s == "" {
		return 0
	}
	p := unsafe.StringData(s)
	e := &l.cache[(uintptr(unsafe.Pointer(p))>>3)&63]
	if e.p == p && e.n == len(s) {
		return e.id
	}
	if l.ids == nil {
		l.ids = map[string]uint32{}
		l.strs = []string{""}
	}
	id, ok := l.ids[s]
	if !ok {
		id = uint32(len(l.strs))
		l.strs = append(l.strs, s)
		l.ids[s] = id
	}
	*e = internEntry{p, len(s), id}
	return id
}

func (l *eventLog) add(e arch.Event, step uint64) {
	l.push(packedEvent{addr: e.Addr, size: e.Size, pfn: e.PFN, step: step, order: int32(e.Order),
		line: int32(e.Line), col: int32(e.Col), source: l.intern(e.Source), detail: l.intern(e.Detail), kind: e.Kind})
}

func (l *eventLog) addScalar(kind arch.EventKind, source string, addr, size uint64, detail string, line, col int, step uint64) {
	l.push(packedEvent{addr: addr, size: size, step: step, line: int32(line), col: int32(col),
		source: l.intern(source), detail: l.intern(detail), kind: kind})
}

func (l *eventLog) push(pe packedEvent) {
	if len(l.ev) < maxEvents {
		l.ev = append(l.ev, pe)
		return
	}
	// A full log is a ring: the newest event replaces the oldest.
	l.ev[l.head] = pe
	l.head++
	if l.head == maxEvents {
		l.head = 0
	}
	l.dropped++
	l.view = nil
}

func (l *eventLog) unpack(pe *packedEvent) Event {
	return Event{Event: arch.Event{Kind: pe.kind, Source: l.strs[pe.source], Addr: pe.addr, Size: pe.size, PFN: pe.pfn,
		Order: int(pe.order), Detail: l.strs[pe.detail], Line: int(pe.line), Col: int(pe.col)}, Step: pe.step}
}

// events returns the log oldest first. The result must not be modified;
// it stays valid (later events are appended beyond its length).
func (l *eventLog) events() []Event {
	if l.dropped == 0 {
		for i := len(l.view); i < len(l.ev); i++ {
			l.view = append(l.view, l.unpack(&l.ev[i]))
		}
		return l.view
	}
	out := make([]Event, 0, len(l.ev))
	for i := range l.ev {
		out = append(out, l.unpack(&l.ev[(l.head+i)%len(l.ev)]))
	}
	return out
}
