package view

// The Timeline view: the events of the run grouped by step, each a short
// sentence ("malloc → 0x5555555592a0 (chunk 32 B)", "buddy split order 3
// → 2 at pfn 0x1200", "page fault at 0x7ffff7ff0000: new frame") with a
// class for its colour. Boot alone records tens of thousands of events
// (every object of the boot-time slabs), so the view shows the last
// maxEvents events and collapses a run of alike events — same kind,
// source, detail, size and order, one after the other in one step — into
// one item counted "×N".

import (
	"strings"

	"mmplay/engine"
	"mmplay/engine/arch"
)

// TimelineView is the Timeline view.
type TimelineView struct {
	Groups  []StepGroup // oldest first
	Omitted int         // the oldest events left out
	Note    string      // "23104 earlier events not shown", or ""
}

// StepGroup is the events of one step.
type StepGroup struct {
	Step  uint64
	Line  int    // source line of the step's statement (0 at boot)
	Label string // "step 12 · line 28"; "line 28" for events of an unstepped run; "boot"
	// Head and Sub are Label in two lines: "step 12" over "line 28" (Sub
	// "" when there is one part).
	Head, Sub string
	// Class is the group's most serious item class (bug, warn, fault,
	// alloc, free, kernel, in that order), for its marker.
	Class string
	Items []TimelineItem
}

// TimelineItem is one event, or a run of alike events.
type TimelineItem struct {
	Kind   string // the event kind: "alloc", "free", "split", "merge", "fault", "map", …
	Source string // "buddy", "slab", "malloc", "mm", "vmalloc", "kernel", "asan"
	Text   string
	// Class colours the item: "alloc", "free", "fault", "kernel", "warn"
	// or "bug".
	Class string
	Count int    // events this item stands for (1, or N of "×N")
	Addr  uint64 // the first event's address, for linking to the other views
	PFN   uint64 // the first event's frame (buddy, slab, vmalloc events), else 0
}

// DefaultTimelineEvents is the number of events Timeline keeps when asked
// for maxEvents ≤ 0.
const DefaultTimelineEvents = 2000

// Timeline groups the last maxEvents events (DefaultTimelineEvents when
// maxEvents ≤ 0) by step: a group is a run of consecutive events with the
// same Step and Line. Events are in the order the engine recorded them,
// which is step order. A session that ran without stepping (Session.Run
// from the start) stamps every event with step 0; its events then group
// by source line, labelled "line 28", and only boot's are "boot".
func Timeline(events []engine.Event, maxEvents int) TimelineView {
	if maxEvents <= 0 {
		maxEvents = DefaultTimelineEvents
	}
	var v TimelineView
	if len(events) > maxEvents {
		v.Omitted = len(events) - maxEvents
		v.Note = Plural(v.Omitted, "earlier event") + " not shown"
		events = events[v.Omitted:]
	}
	var prev *engine.Event
	for i := range events {
		e := &events[i]
		k := len(v.Groups) - 1
		if k < 0 || v.Groups[k].Step != e.Step || v.Groups[k].Line != e.Line {
			head, sub := groupParts(e.Step, e.Line)
			label := head
			if sub != "" {
				label += " · " + sub
			}
			v.Groups = append(v.Groups, StepGroup{Step: e.Step, Line: e.Line, Label: label, Head: head, Sub: sub})
			k++
			prev = nil
		}
		g := &v.Groups[k]
		if prev != nil && alike(prev, e) {
			it := &g.Items[len(g.Items)-1]
			it.Count++
			continue
		}
		text, class := EventText(e.Event)
		g.Items = append(g.Items, TimelineItem{Kind: e.Kind.String(), Source: e.Source, Text: text, Class: class,
			Count: 1, Addr: e.Addr, PFN: e.PFN})
		if classRank[class] > classRank[g.Class] {
			g.Class = class
		}
		prev = e
	}
	for gi := range v.Groups {
		for ii := range v.Groups[gi].Items {
			if it := &v.Groups[gi].Items[ii]; it.Count > 1 {
				it.Text += " ×" + fmtInt(it.Count)
			}
		}
	}
	return v
}

// TimelineShown is how many step groups the view draws at first, the
// most recent; each "show earlier" adds as many again. A long run has
// thousands (up to DefaultTimelineEvents events): drawing them all made
// every step's render grow with the run.
const TimelineShown = 100

// Tail is the last n groups and the number before them.
func Tail(groups []StepGroup, n int) ([]StepGroup, int) {
	if n < 0 {
		n = 0
	}
	if len(groups) <= n {
		return groups, 0
	}
	return groups[len(groups)-n:], len(groups) - n
}

// groupParts is a group's label in its two parts (StepGroup.Head, Sub).
func groupParts(step uint64, line int) (head, sub string) {
	switch {
	case step == 0 && line == 0:
		return "boot", ""
	case step == 0:
		return "line " + fmtInt(line), ""
	case line == 0:
		return "step " + fmtUint(step), ""
	}
	return "step " + fmtUint(step), "line " + fmtInt(line)
}

var classRank = map[string]int{"": 0, "kernel": 1, "free": 2, "alloc": 3, "fault": 4, "warn": 5, "bug": 6}

// alike says whether b continues a's run of repeated events.
func alike(a, b *engine.Event) bool {
	return a.Kind == b.Kind && a.Source == b.Source && a.Detail == b.Detail && a.Size == b.Size &&
		a.Order == b.Order && a.Line == b.Line
}

// EventText is the sentence and class of one event.
func EventText(e arch.Event) (text, class string) {
	class = eventClass(e)
	switch e.Source {
	case "buddy":
		switch e.Kind {
		case arch.EvAlloc:
			return "buddy alloc order " + fmtInt(e.Order) + " (" + Bytes(e.Size) + ") at pfn " + Hex(e.PFN), class
		case arch.EvFree:
			return "buddy free order " + fmtInt(e.Order) + " (" + Bytes(e.Size) + ") at pfn " + Hex(e.PFN), class
		case arch.EvSplit:
			return "buddy split order " + fmtInt(e.Order+1) + " → " + fmtInt(e.Order) + " at pfn " + Hex(e.PFN), class
		case arch.EvMerge:
			return "buddy merge order " + fmtInt(e.Order-1) + " → " + fmtInt(e.Order) + " at pfn " + Hex(e.PFN), class
		}
	case "malloc":
		switch {
		case strings.HasSuffix(e.Detail, "failed"):
			return e.Detail + " (" + Bytes(e.Size) + ")", class
		case e.Kind == arch.EvAlloc:
			what, how, _ := strings.Cut(e.Detail, ": ")
			s := what + " → " + Addr(e.Addr) + " (chunk " + Bytes(e.Size) + ")"
			if how != "" {
				s += " from " + how
			}
			return s, class
		case e.Kind == arch.EvFree && e.Detail == "free":
			return "free(" + Addr(e.Addr) + ") (chunk " + Bytes(e.Size) + ")", class
		case e.Kind == arch.EvFree && e.Detail == "free: munmap":
			return "free(" + Addr(e.Addr) + "): munmap the chunk (" + Bytes(e.Size) + ")", class
		case e.Kind == arch.EvFree:
			return e.Detail + " " + Addr(e.Addr) + " (" + Bytes(e.Size) + ")", class
		case e.Kind == arch.EvBrk:
			return "malloc moves the break to " + Addr(e.Addr), class
		case e.Kind == arch.EvMap || e.Kind == arch.EvUnmap:
			return "malloc: " + e.Detail + " " + Bytes(e.Size) + " at " + Addr(e.Addr), class
		case e.Kind == arch.EvBug:
			return "glibc: " + e.Detail, class
		}
	case "slab":
		switch {
		case e.Kind == arch.EvReport:
			return e.Detail + " at " + Addr(e.Addr), class
		case e.Order < 0 && e.Kind == arch.EvAlloc:
			return e.Detail + " object → " + Addr(e.Addr) + " (" + Bytes(e.Size) + ")", class
		case e.Order < 0 && e.Kind == arch.EvFree:
			return "kfree " + Addr(e.Addr) + " (" + e.Detail + ")", class
		case e.Detail == "kmalloc large" && e.Kind == arch.EvAlloc:
			return "large kmalloc → " + Addr(e.Addr) + ": order " + fmtInt(e.Order) + " (" + Bytes(e.Size) + ") at pfn " + Hex(e.PFN), class
		case e.Detail == "kmalloc large":
			return "large kfree " + Addr(e.Addr) + ": order " + fmtInt(e.Order) + " (" + Bytes(e.Size) + ") back to the buddy allocator", class
		default:
			return e.Detail + " (" + Bytes(e.Size) + ") at " + Addr(e.Addr) + " · pfn " + Hex(e.PFN), class
		}
	case "mm":
		switch e.Kind {
		case arch.EvFault:
			return "page fault at " + Addr(e.Addr) + ": " + e.Detail, class
		case arch.EvMap:
			s := "map " + Bytes(e.Size) + " at " + Addr(e.Addr)
			if e.Detail != "" {
				s += " (" + e.Detail + ")"
			}
			return s, class
		case arch.EvUnmap:
			return e.Detail + " " + Bytes(e.Size) + " at " + Addr(e.Addr), class
		case arch.EvBrk:
			return "brk " + e.Detail + "s by " + Bytes(e.Size) + " to " + Addr(e.Addr), class
		case arch.EvBug:
			return e.Detail + " at " + Addr(e.Addr), class
		}
	case "vmalloc":
		switch e.Kind {
		case arch.EvMap:
			return e.Detail + " at " + Addr(e.Addr) + " (" + Bytes(e.Size) + ")", class
		case arch.EvUnmap:
			return e.Detail + " " + Addr(e.Addr) + " (" + Bytes(e.Size) + ")", class
		}
	case "asan":
		return "ASan: " + e.Detail + " at " + Addr(e.Addr) + " (" + Plural(e.Size, "byte") + ")", class
	case "kernel":
		switch e.Kind {
		case arch.EvPrintk:
			return "printk: " + e.Detail, class
		case arch.EvMap:
			return e.Detail + " " + Bytes(e.Size) + " at " + Addr(e.Addr), class
		case arch.EvUnmap:
			return e.Detail + " " + Addr(e.Addr), class
		}
	}
	// Anything else: the detail, or the bare facts.
	s := e.Kind.String()
	if e.Source != "" {
		s = e.Source + " " + s
	}
	if e.Detail != "" {
		s = e.Detail
	}
	if e.Addr != 0 && e.Kind != arch.EvWarning && e.Kind != arch.EvBug && e.Kind != arch.EvReport {
		s += " at " + Addr(e.Addr)
	}
	return s, class
}

func eventClass(e arch.Event) string {
	switch e.Kind {
	case arch.EvAlloc, arch.EvMap, arch.EvBrk:
		if strings.HasSuffix(e.Detail, "failed") {
			return "warn"
		}
		if e.Kind == arch.EvBrk && e.Detail == "shrink" {
			return "free"
		}
		return "alloc"
	case arch.EvFree, arch.EvUnmap:
		return "free"
	case arch.EvFault:
		return "fault"
	case arch.EvWarning:
		return "warn"
	case arch.EvBug, arch.EvReport:
		return "bug"
	}
	return "kernel" // split, merge, printk
}
