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
	chunks []*[logChunk]packedEvent // the events, logChunk at a time
	next   uint                     // where the next event goes; once full, the oldest
	total  uint                     // events recorded: min(total, maxEvents) are kept
	cur    *[logChunk]packedEvent   // the chunk of next, while next < lim
	lim    uint

	// the strings addScalar saw last (its fast path; entries hold the
	// interners' own copies, never a pointer that could be reused)
	lastSrc internEntry
	lastDet [2]internEntry

	sources, details interner

	view []Event // materialized prefix (valid while nothing was dropped)
}

// packedEvent is one event in 48 bytes (an arch.Event with its step is
// 96): strings are ids of the log's interners (sources are a few
// constants, details whatever the subsystems print: 16 and 32 bits), and
// the order of a page
// event fits a byte (0..MAX_ORDER, or -1).
type packedEvent struct {
	addr, size, pfn, step uint64
	line, col             int32
	detail                uint32
	source                uint16
	order                 int8
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

// logChunk is the number of events in one piece of the log's storage
// (192 KiB; a power of two, so that finding an event is two shifts).
const logChunk = 4096

// interner numbers strings: id 0 is "", the others index strs.
type interner struct {
	strs  []string          // strs[0] == ""
	ids   map[string]uint32 // string → index in strs
	cache [64]internEntry   // by the string's data pointer: constants hit
}

// intern returns s's id. The cache holds only the data pointers of the
// strings strs keeps alive (so a pointer there is never reused for other
// bytes): a string constant hits it from its second use on, a string
// built at run time goes through the map.
func (t *interner) intern(s string) uint32 {
	if s == "" {
		return 0
	}
	p := unsafe.StringData(s)
	e := &t.cache[(uintptr(unsafe.Pointer(p))>>3)&63]
	if e.p == p && e.n == len(s) {
		return e.id
	}
	if t.ids == nil {
		t.ids = map[string]uint32{}
		t.strs = []string{""}
	}
	id, ok := t.ids[s]
	if !ok {
		id = uint32(len(t.strs))
		t.strs = append(t.strs, s)
		t.ids[s] = id
	}
	if unsafe.StringData(t.strs[id]) == p {
		*e = internEntry{p, len(s), id}
	}
	return id
}

// entry is a cache entry for id: the data pointer of the string the
// interner keeps (a string equal to it elsewhere misses, correctly).
func (t *interner) entry(id uint32) internEntry {
	s := t.str(id)
	return internEntry{unsafe.StringData(s), len(s), id}
}

func (t *interner) str(id uint32) string {
	if id == 0 {
		return ""
	}
	return t.strs[id]
}

func (l *eventLog) add(e arch.Event, step uint64) {
	src := l.source(e.Source)
	pe := l.slot()
	*pe = packedEvent{addr: e.Addr, size: e.Size, pfn: e.PFN, step: step, order: int8(e.Order),
		line: int32(e.Line), col: int32(e.Col), source: src, detail: l.details.intern(e.Detail), kind: e.Kind}
}

// source interns an event's source: a subsystem's name, one of a handful
// of constants.
func (l *eventLog) source(s string) uint16 {
	id := l.sources.intern(s)
	if id > 0xffff {
		panic("engine: more than 65535 event sources")
	}
	return uint16(id)
}

// addScalar is add for the hot path (malloc and free: no PFN, no order),
// which must stay cheap (SPEC §11: a malloc+free pair, two events, within
// ten times the real glibc's time). It writes the fields into the slot
// in place (building the struct and copying it cost a memmove), and the
// strings hit the last ones used before the interners: the source is
// always "malloc", and the details alternate between two constants in a
// malloc/free loop.
func (l *eventLog) addScalar(kind arch.EventKind, source string, addr, size uint64, detail string, line, col int, step uint64) {
	var src uint16
	if unsafe.StringData(source) == l.lastSrc.p && len(source) == l.lastSrc.n {
		src = uint16(l.lastSrc.id)
	} else {
		src = l.source(source)
		l.lastSrc = l.sources.entry(uint32(src))
	}
	var det uint32
	dp := unsafe.StringData(detail)
	if d := &l.lastDet[0]; dp == d.p && len(detail) == d.n {
		det = d.id
	} else if d := &l.lastDet[1]; dp == d.p && len(detail) == d.n {
		det = d.id
	} else {
		det = l.details.intern(detail)
		l.lastDet[1] = l.lastDet[0]
		l.lastDet[0] = l.details.entry(det)
	}
	pe := l.slot()
	pe.addr, pe.size, pe.pfn, pe.step = addr, size, 0, step
	pe.line, pe.col, pe.detail, pe.source, pe.order, pe.kind = int32(line), int32(col), det, src, 0, kind
}

// slot returns the place of the next event: the end of the log, or once
// the log holds maxEvents, the oldest event's, which the new one replaces
// (the log is then a ring). Its fast path, within a chunk, is inlined.
func (l *eventLog) slot() *packedEvent {
	i := l.next
	if i >= l.lim {
		return l.slotSlow()
	}
	l.next, l.total = i+1, l.total+1
	return &l.cur[i%logChunk]
}

// slotSlow is slot at the start of a chunk: the log grows by a chunk
// (growing never copies it), or (full) the ring wraps.
func (l *eventLog) slotSlow() *packedEvent {
	if l.next >= maxEvents {
		l.next = 0
		l.view = nil // valid only while nothing was dropped
	}
	i := l.next
	if i/logChunk == uint(len(l.chunks)) {
		l.chunks = append(l.chunks, new([logChunk]packedEvent))
	}
	l.cur, l.lim = l.chunks[i/logChunk], min((i/logChunk+1)*logChunk, maxEvents)
	l.next, l.total = i+1, l.total+1
	return &l.cur[i%logChunk]
}

// n is the number of events kept.
func (l *eventLog) n() uint { return min(l.total, maxEvents) }

// at returns the event stored at index i.
func (l *eventLog) at(i uint) *packedEvent { return &l.chunks[i/logChunk][i%logChunk] }

func (l *eventLog) unpack(pe *packedEvent) Event {
	return Event{Event: arch.Event{Kind: pe.kind, Source: l.sources.str(uint32(pe.source)), Addr: pe.addr, Size: pe.size, PFN: pe.pfn,
		Order: int(pe.order), Detail: l.details.str(pe.detail), Line: int(pe.line), Col: int(pe.col)}, Step: pe.step}
}

// events returns the log oldest first. The result must not be modified;
// it stays valid (later events are appended beyond its length).
func (l *eventLog) events() []Event {
	n := l.n()
	if l.total == n {
		for i := len(l.view); i < int(n); i++ {
			l.view = append(l.view, l.unpack(l.at(uint(i))))
		}
		return l.view
	}
	// full: the oldest event is at next (the one the ring replaces next)
	out := make([]Event, 0, n)
	for i := uint(0); i < n; i++ {
		out = append(out, l.unpack(l.at((l.next+i)%n)))
	}
	return out
}
