package ui

import (
	"strings"
	"testing"
)

const hello = `#include <stdio.h>
#include <stdlib.h>
int main(void) {
	char *p = malloc(32);
	printf("hello %d\n", p != 0);
	free(p);
	return 3;
}
`

func TestPlaygroundRunStepBack(t *testing.T) {
	p := &Playground{Code: hello}
	p.Run(nil)
	if p.Result == nil || p.Result.ExitStatus != 3 || string(p.Result.Stdout) != "hello 1\n" {
		t.Fatalf("run: result %+v", p.Result)
	}
	if !strings.Contains(p.Status(), "exited with status 3") {
		t.Errorf("status %q", p.Status())
	}
	total := p.Steps()
	p.Reset()
	p.Step()
	p.Step()
	if p.Steps() != 2 || p.Line() == 0 || p.Snap == nil {
		t.Fatalf("after 2 steps: steps %d line %d", p.Steps(), p.Line())
	}
	line2 := p.Line()
	p.Step()
	p.StepBack()
	if p.Steps() != 2 || p.Line() != line2 {
		t.Errorf("step back: steps %d line %d, want 2 and %d", p.Steps(), p.Line(), line2)
	}
	p.StepTo(total)
	if !p.Done() {
		t.Errorf("StepTo(%d) did not end the program", total)
	}
}

func TestPlaygroundCompileError(t *testing.T) {
	p := &Playground{Code: "int main(void) { return x; }"}
	p.Run(nil)
	if len(p.Errors()) != 1 || !strings.Contains(p.Errors()[0].Error(), "1:25") || p.Status() != "1 compile error" {
		t.Errorf("diags %v status %q", p.Diags, p.Status())
	}
}

// stopHost presses Stop the first time the run yields.
type stopHost struct {
	p      *Playground
	yields int
}

func (h *stopHost) Yield() { h.yields++; h.p.Stop() }

func TestPlaygroundStopEndlessLoop(t *testing.T) {
	p := &Playground{Code: "int main(void) { for (;;) ; }"}
	h := &stopHost{p: p}
	p.Run(h)
	if h.yields != 1 || !p.Paused || p.Done() || p.Steps() != runChunk {
		t.Fatalf("yields %d paused %v done %v steps %d", h.yields, p.Paused, p.Done(), p.Steps())
	}
	if !strings.HasPrefix(p.Status(), "paused at line 1") {
		t.Errorf("status %q", p.Status())
	}
}

func TestPlaygroundStepLimit(t *testing.T) {
	p := &Playground{Code: "// mmplay: max-steps=1000\nint main(void) { for (;;) ; }"}
	p.Run(nil)
	if p.Result == nil || !p.Result.StepLimit || !strings.Contains(p.Status(), "step limit") {
		t.Fatalf("result %+v status %q", p.Result, p.Status())
	}
}

func TestPlaygroundBadSettings(t *testing.T) {
	p := &Playground{Code: hello, Config: "ram=lots"}
	p.Run(nil)
	if len(p.Errors()) != 1 || !strings.Contains(p.Errors()[0].Msg, "settings") {
		t.Errorf("diags %v", p.Diags)
	}
}

// TestPlaygroundEnginePanic: a panic in the engine's place (PanicNext)
// ends as the internal-error report, with the snippet, and Reset clears it.
func TestPlaygroundEnginePanic(t *testing.T) {
	p := &Playground{Code: hello}
	p.PanicNext = true
	p.Step()
	if !strings.Contains(p.Internal, "mmplay internal error") || !strings.Contains(p.Internal, "Please report it") ||
		!strings.Contains(p.Internal, hello) || p.Status() != "internal error" {
		t.Errorf("after a panic: status %q, report %q", p.Status(), p.Internal)
	}
	p.Reset()
	p.Step()
	if p.Internal != "" || p.Steps() != 1 {
		t.Errorf("after Reset and Step: %q, %d steps", p.Internal, p.Steps())
	}
}

// TestPlaygroundIdleBootsTheNextRun: once a run has ended (or after a
// Reset) the idle work boots the machine the next run takes, once.
func TestPlaygroundIdleBootsTheNextRun(t *testing.T) {
	p := &Playground{Code: hello}
	p.Run(nil)
	if !p.Idle() {
		t.Fatal("after a run: the idle work did nothing")
	}
	if p.Idle() {
		t.Error("the idle work did more with the next machine already booted")
	}
	p.Reset()
	if p.Idle() {
		t.Error("after a Reset: the idle work booted again, with a machine waiting")
	}
	p.Run(nil)
	if p.Result == nil || string(p.Result.Stdout) != "hello 1\n" {
		t.Fatalf("run on the prepared machine: %+v", p.Result)
	}
	if !p.Idle() {
		t.Error("the run took the machine; the idle work should boot the next")
	}
}

// TestPlaygroundIdleSkipsAStaleProgram: after an edit the next Run
// compiles anew, so the idle work boots nothing for the old program.
func TestPlaygroundIdleSkipsAStaleProgram(t *testing.T) {
	p := &Playground{Code: hello}
	p.Run(nil)
	p.Code = strings.Replace(hello, "32", "64", 1)
	if p.Idle() {
		t.Error("the idle work booted a machine for the program before the edit")
	}
}

// TestPlaygroundIdleWhileStepping: after a step the idle work prepares
// the step back, then boots a spare machine for the re-execution a
// second step back needs, then has nothing left; stepping back twice
// lands where it should.
func TestPlaygroundIdleWhileStepping(t *testing.T) {
	p := &Playground{Code: hello}
	p.Step()
	p.Step()
	p.Step()
	line2 := 0
	rounds := 0
	for p.Idle() {
		if rounds++; rounds > 3 {
			t.Fatal("the idle work never ends")
		}
	}
	if rounds != 2 {
		t.Errorf("idle rounds after a step: %d; want 2 (the step back, then the spare machine)", rounds)
	}
	p.StepBack()
	line2 = p.Line()
	p.StepBack()
	p.Step()
	if p.Steps() != 2 || p.Line() != line2 {
		t.Errorf("after two steps back and one forward: steps %d line %d, want 2 and %d", p.Steps(), p.Line(), line2)
	}
}
