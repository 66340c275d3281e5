package engine

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// trace is the session's state as the JSON contract shows it: the
// snapshot and the events.
func trace(t *testing.T, s *Session) string {
	t.Helper()
	b, err := json.Marshal(struct {
		S *Snapshot
		E []Event
	}{s.Snapshot(), s.Events()})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStepBackWithPreparedMachine: moves forward and back with the
// machine behind (PrepareBack), each checked against a session stepped
// straight to the same step; the cases say which machine the move used.
func TestStepBackWithPreparedMachine(t *testing.T) {
	p := compileExample(t, filepath.Join("..", "ui", "examples", "02-demand-paging.c"))
	s := NewSession(p)
	defer s.Close()
	direct := func(n uint64) string {
		d := NewSession(p)
		defer d.Close()
		d.StepTo(n)
		return trace(t, d)
	}
	type move struct {
		name    string
		prepare bool   // PrepareBack first
		to      uint64 // StepTo
		// uses: "live" (the live machine ran on), "back" (the machine
		// behind was swapped in), "boot" (a new machine).
		uses     string
		backAt   int64 // the step of the machine behind after the move (-1: none)
		prepared bool  // what PrepareBack reported
	}
	moves := []move{
		{"first step boots", false, 5, "boot", -1, false},
		{"prepare: a machine at step 4", true, 5, "live", 4, true},
		{"forward by one: back follows to 5", false, 6, "live", 5, false},
		{"forward by two: back follows to 7", false, 8, "live", 7, false},
		{"step back: back swapped in", false, 7, "back", -1, false},
		{"step back with none prepared: boot", false, 6, "boot", -1, false},
		{"prepare again", true, 6, "live", 5, true},
		{"a long move forward leaves back at 5", false, 75, "live", 5, false},
		{"back to 40: back runs on from 5", false, 40, "back", -1, false},
		{"prepare at 40 boots and re-runs to 39", true, 40, "live", 39, true},
	}
	for _, mv := range moves {
		if mv.prepare {
			if got := s.PrepareBack(); got != mv.prepared {
				t.Errorf("%s: PrepareBack() = %v", mv.name, got)
			}
			if s.PrepareBack() {
				t.Errorf("%s: a second PrepareBack did work again", mv.name)
			}
		}
		live, back := s.m, s.back
		s.StepTo(mv.to)
		var uses string
		switch {
		case s.m == live:
			uses = "live"
		case back != nil && s.m == back:
			uses = "back"
		default:
			uses = "boot"
		}
		backAt := int64(-1)
		if s.back != nil {
			backAt = int64(s.back.steps())
		}
		if uses != mv.uses || backAt != mv.backAt {
			t.Errorf("%s: used %s, back at %d; want %s, %d", mv.name, uses, backAt, mv.uses, mv.backAt)
		}
		if got, want := trace(t, s), direct(mv.to); got != want {
			t.Errorf("%s: the state at step %d differs from a session stepped straight there", mv.name, mv.to)
		}
	}
}

// TestSnapshotParts: a snapshot built part by part equals the whole one;
// Fill refuses once the session moved.
func TestSnapshotParts(t *testing.T) {
	p := compileExample(t, filepath.Join("..", "ui", "examples", "02-demand-paging.c"))
	s := NewSession(p)
	defer s.Close()
	s.StepTo(30)
	lazy := s.SnapshotOf(PartZones)
	for _, part := range []Part{PartFrames, PartProcess, PartSlab, PartVmalloc, PartHeap, PartOutput} {
		if !s.Fill(lazy, part) {
			t.Fatalf("Fill(%b) refused on a current snapshot", part)
		}
	}
	a, _ := json.Marshal(lazy)
	b, _ := json.Marshal(s.Snapshot())
	if string(a) != string(b) {
		t.Errorf("part by part:\n%.300s\nwhole:\n%.300s", a, b)
	}
	if lazy.Built != PartsJSON {
		t.Errorf("Built = %b, want %b", lazy.Built, PartsJSON)
	}
	s.StepTo(31)
	old := s.SnapshotOf(0)
	s.StepTo(32)
	if s.Fill(old, PartHeap) || old.Heap != nil || s.Current(old) {
		t.Error("Fill built a part of a snapshot taken before the session moved")
	}
	s.PrepareBack()
	cur := s.SnapshotOf(0)
	s.PrepareBack()
	if !s.Current(cur) {
		t.Error("PrepareBack counted as a move")
	}
}

// TestEventStepsRunAndStepAlike: a run without stepping (the CLI, the
// worker) stamps every event with the same step number as a session that
// steps through the same program one statement at a time.
func TestEventStepsRunAndStepAlike(t *testing.T) {
	src := "#include <stdlib.h>\nint main(void) {\n\tchar *p = malloc(10);\n\tchar *q = malloc(5000);\n\tfree(p);\n\tfree(q);\n\treturn 0;\n}\n"
	run := NewSession(compile(t, "steps.c", src, ""))
	defer run.Close()
	run.Run()
	stepped := NewSession(compile(t, "steps.c", src, ""))
	defer stepped.Close()
	for !stepped.Step() {
	}
	a, b := run.Events(), stepped.Events()
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d events from Run, %d from stepping", len(a), len(b))
	}
	last := uint64(0)
	for i := range a {
		if a[i].Step != b[i].Step || a[i].Line != b[i].Line {
			t.Errorf("event %d (%s): Run says step %d line %d, stepping step %d line %d", i, a[i].Kind, a[i].Step, a[i].Line, b[i].Step, b[i].Line)
		}
		last = max(last, a[i].Step)
	}
	if last < 4 {
		t.Errorf("the last event is at step %d: the steps do not advance", last)
	}
}
