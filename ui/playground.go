package ui

import (
	"fmt"
	"strings"
	"time"

	"mmplay/engine"
	"mmplay/engine/arch"
)

// Playground is the controller behind the components: the snippet, its
// compiled program, the session that runs or steps it, and the snapshot
// the views draw. It is plain Go (tested natively in playground_test.go);
// the components call its methods from their event handlers.
//
// Running never blocks the page: Run advances the session in chunks of
// runChunk statements and yields to the browser between chunks (through
// Host.Yield), so Stop and the rest of the page keep working during an
// endless loop, which the step limit (config max-steps) ends anyway.
type Playground struct {
	// Code is the editor's text; Config the settings the user chose (the
	// snippet's own `// mmplay:` line overrides them).
	Code   string
	Config string

	// Diags are the compile errors and warnings of the last compile.
	Diags []engine.Diagnostic
	// Result is how the run ended (nil while it can still go on).
	Result *engine.Result
	// Snap is the machine now; Prev the one before the last action, for
	// the highlight of what changed. Both are built part by part as the
	// views ask (SnapOf): Prev holds the parts the views on screen used.
	Snap, Prev *engine.Snapshot
	// Running is set while Run advances in chunks; Paused after Stop.
	Running bool
	Paused  bool
	// Internal is an engine failure (a Go panic caught at the facade),
	// with the text a user can paste into a report.
	Internal string
	// Rev counts changes; components key their rebuilds on it.
	Rev uint64
	// PanicNext makes the next move of the session panic inside the
	// guard, in the engine's place: how the browser tests check that an
	// engine bug reaches the page as an internal error with its report
	// (window.mmplayTestPanic("engine"); there is no engine panic to
	// trigger otherwise).
	PanicNext bool
	// Took is the time the engine took for the last action (moving the
	// session and building the snapshot's parts the views asked for), for
	// the benchmarks' breakdown.
	Took time.Duration

	prog     *engine.Program
	progCode string
	progCfg  string
	sess     *engine.Session
	stopReq  bool
	// fresh is set when the session was made anew: the next snapshot has
	// no Prev.
	fresh bool
	// stepping is set by the moves of a reader stepping through the
	// snippet (Step, Step back, a step of the Timeline or a link, Run to
	// cursor), after which Idle prepares the next step back.
	stepping bool
}

// runChunk is how many statements Run executes between two yields to the
// browser: about 30–40 ms of work in Chromium (measured by the browser
// tests: 1.5–2 M statements/s there with the status refresh), so the page
// repaints and sees Stop many times a second.
const runChunk = 60_000

// Yielder is what a run needs from its surroundings: a way to let the
// page breathe between chunks.
type Yielder interface{ Yield() }

// Host is what the playground needs from its surroundings: the browser
// (wasm/app implements it with syscall/js), or a test's fake. Keeping it
// an interface keeps syscall/js out of the components (STYLE.md habit 9).
type Host interface {
	// Yield lets the page handle input and repaint; it returns when the
	// run may go on.
	Yield()
	// InsertText types text at the editor's cursor the way the keyboard
	// would (so the browser's own undo stack keeps working).
	InsertText(text string)
	// Copy puts text on the clipboard; it reports success.
	Copy(text string) bool
	// Fragment and SetFragment read and replace the URL fragment
	// (without '#', without adding a history entry).
	Fragment() string
	SetFragment(frag string)
	// Pref and SetPref are the user's own preferences (localStorage).
	Pref(key string) string
	SetPref(key, value string)
	// Paint draws an RGBA image (w×h pixels) on the canvas element with
	// the given data-testid; only the pixel rows in bands ([y0, y1) each)
	// changed since the last paint of the same size (the whole image is
	// sent when the canvas's size changes).
	Paint(testid string, rgba []byte, w, h int, bands [][2]int)
	// PrefersDark reports whether the system asks for a dark theme (the
	// theme "follows the system" when the user chose none).
	PrefersDark() bool
	// Location is the page's URL without the fragment (for share links).
	Location() string
	// ShortLink asks the edge worker, if the site has one, to store the
	// snippet and config and returns its short link; ok is false on a
	// plain static host (or any failure), and the caller falls back to
	// the fragment link. It blocks: call it off the event handler.
	ShortLink(code, config string) (link string, ok bool)
	// SetHTML sets the inner HTML of the element with the given
	// data-testid unless it already holds the HTML of that version
	// (vugu sets an element's inner HTML on every render; the editor's
	// highlighted copy of the snippet is set here only when it changed).
	SetHTML(testid string, version uint64, html string)
}

// EffectiveConfig is the config a run uses: the defaults with the UI's
// stdout (a terminal), the user's settings, then the snippet's first line.
func (p *Playground) EffectiveConfig() (engine.Config, error) {
	cfg := engine.DefaultConfig()
	cfg.Stdout = "tty"
	if err := cfg.Apply(p.Config); err != nil {
		return cfg, fmt.Errorf("settings: %v", err)
	}
	if s := engine.SnippetSettings([]byte(p.Code)); s != "" {
		if err := cfg.Apply(s); err != nil {
			return cfg, fmt.Errorf("line 1, // mmplay: %v", err)
		}
	}
	return cfg, nil
}

// compile makes sure the program matches the code and config, resetting
// the session when either changed. It reports whether there is a program.
func (p *Playground) compile() bool {
	if p.prog != nil && p.progCode == p.Code && p.progCfg == p.Config {
		if p.sess == nil {
			p.sess = engine.NewSession(p.prog)
		}
		return true
	}
	p.closeSession()
	p.prog, p.Diags, p.Result, p.Internal = nil, nil, nil, ""
	p.Snap, p.Prev = nil, nil
	p.progCode, p.progCfg = p.Code, p.Config
	cfg, err := p.EffectiveConfig()
	if err != nil {
		p.Diags = []engine.Diagnostic{{File: "snippet.c", Msg: err.Error()}}
		return false
	}
	prog, diags := engine.Compile("snippet.c", []byte(p.Code), cfg)
	p.Diags = diags
	if prog == nil {
		return false
	}
	p.prog = prog
	p.sess = engine.NewSession(prog)
	return true
}

// Errors are the compile errors (not the warnings).
func (p *Playground) Errors() []engine.Diagnostic {
	var out []engine.Diagnostic
	for _, d := range p.Diags {
		if !d.Warning {
			out = append(out, d)
		}
	}
	return out
}

func (p *Playground) closeSession() {
	if p.sess != nil {
		p.sess.Close()
		p.sess = nil
	}
}

// Reset forgets the run: the next action starts from the beginning (the
// compiled program is kept while the code and config are unchanged).
func (p *Playground) Reset() {
	p.closeSession()
	p.Result, p.Snap, p.Prev, p.Internal = nil, nil, nil, ""
	p.Running, p.Paused, p.stopReq, p.stepping = false, false, false, false
	p.Rev++
}

// SnapOf returns the snapshot of the machine now (nil before anything
// ran) with at least the given parts built, when the session has not
// moved since it was taken (during a Run it moves between snapshots: the
// parts the views had stay, others stay empty until the run pauses).
func (p *Playground) SnapOf(parts engine.Part) *engine.Snapshot {
	if p.Snap != nil && p.sess != nil && p.Snap.Built&parts != parts {
		t0 := time.Now()
		p.sess.Fill(p.Snap, parts)
		p.Took += time.Since(t0) // the engine's part of the action
	}
	return p.Snap
}

// Events is the trace so far (the session's; not to be modified).
func (p *Playground) Events() []engine.Event {
	if p.sess == nil {
		return nil
	}
	return p.sess.Events()
}

// Idle does the work that makes the next action fast, when the page has
// nothing else to do; it reports whether it did any (the page then asks
// again). When the next Run or Step will start a new session (after a
// Reset, or once a run has ended) it boots that session's machine
// (engine.Program.Prepare); after a step it prepares the next step back
// (the engine's machine behind, see engine.Session.PrepareBack), then a
// booted machine for the re-execution a second step back needs. It never
// changes what the views show.
func (p *Playground) Idle() bool {
	if p.Running || p.Internal != "" {
		return false
	}
	did := false
	current := p.prog != nil && p.progCode == p.Code && p.progCfg == p.Config
	if current && (p.sess == nil || p.Result != nil) {
		// the next Run or Step starts a new session: its machine now
		if p.guard(func() { did = p.prog.Prepare() }); did {
			return true
		}
	}
	if !p.stepping || p.sess == nil {
		return false
	}
	if p.guard(func() { did = p.sess.PrepareBack() }); !did && current {
		// then a spare machine: the step back after the next (the one
		// behind is used up) re-executes from a boot, and takes it
		p.guard(func() { did = p.prog.Prepare() })
	}
	return did
}

// Steps is the number of statements executed so far.
func (p *Playground) Steps() uint64 {
	if p.sess == nil {
		return 0
	}
	return p.sess.Steps()
}

// Line is the line of the statement about to run (0: none).
func (p *Playground) Line() int {
	if p.sess == nil || p.Result != nil {
		return 0
	}
	return p.sess.Line()
}

// Done reports whether the program has ended.
func (p *Playground) Done() bool { return p.Result != nil }

// guard runs f, turning an engine panic into the internal-error report
// (the facade recovers its own; this is the last line before the page).
func (p *Playground) guard(f func()) {
	defer func() {
		if r := recover(); r != nil {
			p.Running = false
			p.Internal = fmt.Sprintf("mmplay internal error: %v\n\nPlease report it with this snippet and config:\n%s\n---\n%s", r, p.Config, p.Code)
		}
	}()
	f()
}

// move runs a move of the session under guard, timing it (Took).
func (p *Playground) move(f func()) {
	t0 := time.Now()
	if p.PanicNext {
		p.PanicNext = false
		f = func() { panic("a deliberate panic in the engine's place (mmplayTestPanic)") }
	}
	p.guard(f)
	p.Took = time.Since(t0)
}

// restart starts the program again on a new machine (after it ended):
// the next snapshot follows none (nothing to compare it with).
func (p *Playground) restart() {
	p.closeSession()
	p.sess = engine.NewSession(p.prog)
	p.Result = nil
	p.fresh = true
}

// afterMove takes the new snapshot (its parts are built as the views ask)
// after the session moved.
func (p *Playground) afterMove() {
	p.Prev = p.Snap
	if p.fresh {
		p.Prev, p.fresh = nil, false
	}
	p.Snap = p.sess.SnapshotOf(0)
	if p.sess.Done() {
		p.Result = p.sess.Result()
		p.Running, p.Paused = false, false
		if p.Result != nil && p.Result.InternalText != "" {
			p.Internal = p.Result.InternalText
		}
	} else {
		p.Result = nil
	}
	p.Rev++
}

// Run runs the program to its end (or the step limit, or Stop), from
// where it is. With a nil host it runs in one go (tests, the CLI-like
// path); with a host it yields between chunks.
func (p *Playground) Run(h Yielder) {
	if p.Running {
		return
	}
	t0 := time.Now()
	if !p.compile() {
		p.Rev++
		return
	}
	if p.Result != nil { // a finished run: run again from the start
		p.restart()
	}
	p.Running, p.Paused, p.stopReq, p.stepping = true, false, false, false
	p.Took = time.Since(t0) // the compile; the chunks add theirs
	for p.Running {
		// Between chunks only the status moves; the snapshot's parts are
		// built once the run ends or pauses.
		t1 := time.Now()
		p.guard(func() {
			if p.sess.StepTo(p.sess.Steps() + runChunk) {
				p.afterMove()
			}
		})
		p.Took += time.Since(t1)
		if !p.Running || p.Internal != "" {
			break
		}
		p.Rev++
		if h != nil {
			h.Yield()
		}
		if p.stopReq {
			p.Running, p.Paused = false, true
			p.guard(p.afterMove)
			break
		}
	}
	p.Running = false
	p.Rev++
}

// Stop pauses a run in progress (Run again goes on; Step steps from there).
func (p *Playground) Stop() {
	if p.Running {
		p.stopReq = true
	}
}

// Step executes one statement.
func (p *Playground) Step() {
	if p.Running || !p.compile() {
		p.Rev++
		return
	}
	if p.Result != nil { // a finished run: step again from the start
		p.restart()
	}
	p.stepping = true
	p.move(func() {
		p.sess.StepTo(p.sess.Steps() + 1)
		p.afterMove()
	})
}

// StepBack goes back one statement (by deterministic re-execution).
func (p *Playground) StepBack() {
	if p.Running || p.sess == nil || !p.compile() {
		return
	}
	n := p.sess.Steps()
	if n == 0 {
		return
	}
	p.StepTo(n - 1)
}

// StepTo moves to exactly n executed statements (the Timeline's click and
// a shared link's step).
func (p *Playground) StepTo(n uint64) {
	if p.Running || !p.compile() {
		p.Rev++
		return
	}
	p.stepping = true
	p.move(func() {
		p.sess.StepTo(n)
		p.afterMove()
	})
}

// RunToLine runs until a statement on line is about to run.
func (p *Playground) RunToLine(line int) {
	if p.Running || !p.compile() {
		p.Rev++
		return
	}
	if p.Result != nil {
		p.restart()
	}
	p.stepping = true
	p.move(func() {
		p.sess.RunToLine(line)
		p.afterMove()
	})
}

// ProcFile reads a /proc file of the machine as it is now.
func (p *Playground) ProcFile(path string) (string, error) {
	if p.sess == nil {
		return "", fmt.Errorf("run or step the snippet first")
	}
	return p.sess.ProcFile(path)
}

// Status is the one-line state under the controls.
func (p *Playground) Status() string {
	switch {
	case p.Internal != "":
		return "internal error"
	case len(p.Errors()) > 0:
		n := len(p.Errors())
		if n == 1 {
			return "1 compile error"
		}
		return fmt.Sprintf("%d compile errors", n)
	case p.Running:
		return fmt.Sprintf("running… %d statements", p.Steps())
	case p.Result != nil:
		r := p.Result
		var b strings.Builder
		switch {
		case r.StepLimit:
			fmt.Fprintf(&b, "stopped by the step limit after %d statements", r.Steps)
		case r.Stopped:
			fmt.Fprintf(&b, "stopped after %d statements", r.Steps)
		case r.Signal != nil:
			fmt.Fprintf(&b, "killed by %s at line %d (exit status %d)", arch.SignalName(r.Signal.Signo), r.Line, r.ExitStatus)
		default:
			fmt.Fprintf(&b, "exited with status %d after %d statements", r.ExitStatus, r.Steps)
		}
		return b.String()
	case p.Paused:
		return fmt.Sprintf("paused at line %d after %d statements (Run goes on)", p.Line(), p.Steps())
	case p.sess != nil && p.Snap != nil:
		return fmt.Sprintf("at line %d, %d statements executed", p.Line(), p.Steps())
	}
	return "ready"
}
