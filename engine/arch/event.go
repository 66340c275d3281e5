package arch

import "fmt"

// EventKind classifies what an allocator or the MMU did in one step.
type EventKind uint8

const (
	EvNone    EventKind = iota
	EvAlloc             // an allocator handed out memory (Addr, Size; PFN/Order for pages)
	EvFree              // memory given back (Addr, Size; PFN/Order for pages)
	EvSplit             // buddy: a block of Order+1 split into two of Order (PFN = upper half)
	EvMerge             // buddy: PFN merged with its buddy into a block of Order
	EvFault             // page fault handled (Addr; Detail: "zero page", "new frame", "cow")
	EvMap               // a virtual range mapped (mmap, brk growth, vmalloc, ioremap)
	EvUnmap             // a virtual range unmapped
	EvBrk               // the program break moved (Addr = new break)
	EvPrintk            // a kernel log line (Detail)
	EvWarning           // a kernel WARNING or allocation-failure report
	EvBug               // a kernel BUG / Oops, glibc abort
	EvReport            // an mmplay checker report (ASan/KASAN-style, leak)
)

var eventKindNames = [...]string{
	EvNone: "none", EvAlloc: "alloc", EvFree: "free", EvSplit: "split",
	EvMerge: "merge", EvFault: "fault", EvMap: "map", EvUnmap: "unmap",
	EvBrk: "brk", EvPrintk: "printk", EvWarning: "warning", EvBug: "bug",
	EvReport: "report",
}

func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "?"
}

// Event is one small fact about a step. Events are plain values appended
// to a log; they never build views (SPEC §6).
type Event struct {
	Kind   EventKind `json:"kind"`
	Source string    `json:"source"`           // which subsystem: "buddy", "mm", "malloc", "slab", "vmalloc", "kernel", ...
	Addr   uint64    `json:"addr,omitempty"`   // virtual address, if any
	Size   uint64    `json:"size,omitempty"`   // bytes, if any
	PFN    uint64    `json:"pfn,omitempty"`    // page frame number, if any
	Order  int       `json:"order,omitempty"`  // page order, if any
	Detail string    `json:"detail,omitempty"` // short plain-words detail
	// Line and Col are the source position of the statement that caused the
	// event; the recorder fills them in, emitters leave them zero.
	Line int `json:"line"`
	Col  int `json:"col"`
}

// MarshalText makes the kind a word in the JSON trace ("alloc", "split").
func (k EventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind back from its word.
func (k *EventKind) UnmarshalText(b []byte) error {
	for i, n := range eventKindNames {
		if n == string(b) {
			*k = EventKind(i)
			return nil
		}
	}
	return fmt.Errorf("unknown event kind %q", b)
}

// Recorder receives events. A nil Recorder in a subsystem means "record
// nothing"; subsystems check for nil before building an event.
type Recorder interface {
	Record(e Event)
}

// ScalarRecorder is an optional, cheaper form of Recorder for hot paths
// (glibc's malloc and free): the fields travel as arguments, in
// registers, instead of an Event struct copied through an interface
// call. A subsystem that gets a Recorder checks once for it.
type ScalarRecorder interface {
	RecordScalar(kind EventKind, source string, addr, size uint64, detail string)
}
