package engine

import (
	"errors"
	"fmt"
	"mmplay/engine/phys"

	"mmplay/engine/arch"
	"mmplay/engine/cc/interp"
	"mmplay/engine/libc"
)

// Session is one snippet being run or stepped (SPEC §6). It owns one live
// machine. Going forward runs that machine on; going back re-executes up
// to the wanted step on another machine, which is exact because the
// engine is deterministic.
//
// Going back is made cheap by a second machine paused behind the live one
// (back): PrepareBack, called when the UI is idle, boots it and runs it to
// one step before the live machine, and stepping forward keeps it one
// step behind (a few microseconds per statement). A step back then swaps
// it in: no boot, no re-execution. A step back further than back, or
// with no back prepared, boots and re-executes from the start. (The
// machine cannot be copied at a step: the snippet's C call stack is a
// goroutine's Go stack, see coroutine.go.)
type Session struct {
	prog    *Program
	m       *machine
	back    *machine // paused at a step before m's, or nil
	err     error    // a machine that could not boot
	capture []string // CaptureProc
	// moves counts the changes of the machine (snapshots taken before the
	// last one are no longer current: Fill).
	moves uint64
}

// backFollow is how far a forward move may go for back to follow it (to
// one step behind); a longer move (a Run chunk) leaves back where it is,
// still a shortcut for steps back to or after its step.
const backFollow = 64

// NewSession prepares a session; nothing runs until Run or Step.
func NewSession(p *Program) *Session {
	return &Session{prog: p}
}

// Close releases the session's machines (paused programs' goroutines).
func (s *Session) Close() {
	s.m.close()
	s.m = nil
	s.dropBack()
	s.moves++
}

func (s *Session) dropBack() {
	s.back.close()
	s.back = nil
}

func (m *machine) close() {
	if m != nil && m.co != nil {
		m.co.close()
	}
}

// machineSteps is the number of statements m has executed (Steps of a
// session whose machine is m).
func (m *machine) steps() uint64 {
	if m.result != nil {
		return m.result.Steps
	}
	if m.started == 0 {
		return 0
	}
	return m.started - 1
}

// Stop asks the running program to stop before its next statement. It is
// the one Session method that may be called from another goroutine (the
// UI's Stop button while Run or StepTo is in progress); the run then ends
// with Result.Stopped.
func (s *Session) Stop() {
	if m := s.m; m != nil && m.thread != nil {
		m.thread.Stop()
	}
}

// Program returns the session's program.
func (s *Session) Program() *Program { return s.prog }

// Run runs the program to its end (from where it is paused, if stepping)
// and returns how it ended.
func (s *Session) Run() *Result {
	s.moves++
	if s.m == nil {
		m, err := boot(s.prog, false)
		if err != nil {
			return s.bootFailed(err)
		}
		m.captureAt = s.capture
		s.m = m
		m.runMain()
		return m.result
	}
	if s.m.result != nil {
		return s.m.result
	}
	s.advance(stepTarget{step: never})
	return s.m.result
}

// Step executes one statement and pauses before the next. It reports
// whether the program has ended.
func (s *Session) Step() bool {
	return s.StepTo(s.Steps() + 1)
}

// StepBack goes back one statement. It reports whether the program has
// ended (never, after a step back from a live position).
func (s *Session) StepBack() bool {
	n := s.Steps()
	if n == 0 {
		return false
	}
	return s.StepTo(n - 1)
}

// StepTo runs or re-runs the program so that exactly n statements have
// executed (or it ended first). It reports whether the program has ended.
func (s *Session) StepTo(n uint64) bool {
	s.moves++
	if s.m != nil && (n < s.Steps() || s.m.co == nil) {
		s.m.close()
		s.m = nil
		if b := s.back; b != nil && b.steps() <= n && b.started > 0 {
			s.m, s.back = b, nil // the machine behind: no boot
		}
	}
	if s.m == nil {
		s.dropBack()
		m, err := s.bootStepping()
		if err != nil {
			s.bootFailed(err)
			return true
		}
		s.m = m
	}
	if s.m.result != nil {
		return true
	}
	if n == s.Steps() && s.m.started > 0 {
		return false
	}
	from := s.Steps()
	done := s.advance(stepTarget{step: n})
	if b := s.back; b != nil && n > from && n-from <= backFollow && b.co != nil && b.result == nil {
		if t := s.Steps() - 1; b.steps() < t {
			b.co.run(stepTarget{step: t})
		}
	}
	return done
}

// bootStepping boots a machine paused before its first statement.
func (s *Session) bootStepping() (*machine, error) {
	m, err := boot(s.prog, true)
	if err != nil {
		return nil, err
	}
	m.captureAt = s.capture
	m.co = newCoroutine(m.runMain)
	return m, nil
}

// PrepareBack readies the machine a step back swaps in: paused one step
// before the live machine, its events and frame map read. It does the
// work (a boot and a re-execution, or running an older back machine on)
// only when that machine is not there already, and reports whether it
// did any; the UI calls it when idle, after a step. It does not count
// as a move: the live machine and its snapshots are untouched.
func (s *Session) PrepareBack() bool {
	if s.m == nil || s.err != nil {
		return false
	}
	n := s.Steps()
	if n == 0 {
		return false
	}
	if b := s.back; b != nil && (b.result != nil || b.co == nil || b.steps() > n-1) {
		s.dropBack()
	}
	if s.back != nil && s.back.steps() == n-1 && s.back.started > 0 {
		return false
	}
	if s.back == nil {
		b, err := s.bootStepping()
		if err != nil {
			return false
		}
		s.back = b
	}
	s.back.co.run(stepTarget{step: n - 1})
	s.back.events.events()
	s.back.frameMap()
	return true
}

// RunToLine runs until the next statement on line begins (or the end).
func (s *Session) RunToLine(line int) bool {
	s.moves++
	if s.m == nil || s.m.co == nil {
		s.StepTo(0)
		if s.m == nil || s.m.result != nil {
			return true
		}
	}
	if s.m.result != nil {
		return true
	}
	return s.advance(stepTarget{step: never, line: line, from: s.m.started})
}

// advance resumes the paused program until the target; reports the end.
func (s *Session) advance(t stepTarget) bool {
	if s.m.co == nil {
		return s.m.result != nil
	}
	finished := s.m.co.run(t)
	return finished || s.m.result != nil
}

// Steps is the number of statements executed so far.
func (s *Session) Steps() uint64 {
	if s.m == nil {
		return 0
	}
	return s.m.steps()
}

// Line is the line of the statement about to run (0 before the start or
// after the end).
func (s *Session) Line() int {
	if s.m == nil || s.m.thread == nil || s.m.result != nil {
		return 0
	}
	return s.m.thread.Pos().Line
}

// Done reports whether the program has ended.
func (s *Session) Done() bool { return s.m != nil && s.m.result != nil }

// Result is how the program ended, or nil while it runs.
func (s *Session) Result() *Result {
	if s.m == nil {
		return nil
	}
	return s.m.result
}

// Events returns the trace so far, oldest first (at most the last
// maxEvents; the caller must not modify it).
func (s *Session) Events() []Event {
	if s.m == nil {
		return nil
	}
	return s.m.events.events()
}

func (s *Session) bootFailed(err error) *Result {
	s.err = err
	r := &Result{ExitStatus: 1, Internal: err, InternalText: err.Error()}
	return r
}

// CaptureProc names /proc files to read just before a module snippet's
// module is unloaded (for `--proc` of a module's own files); ProcFile
// then returns that text. Set it before running.
func (s *Session) CaptureProc(paths []string) { s.capture = paths }

// ProcFile returns a /proc file of the machine as it is now, or as it was
// before the module was unloaded when CaptureProc named it.
func (s *Session) ProcFile(path string) (string, error) {
	if s.m == nil {
		return "", errors.New("the program has not run")
	}
	if text, ok := s.m.captured[path]; ok {
		return text, nil
	}
	text, ok := s.m.proc.ProcFile(path)
	if !ok {
		return "", fmt.Errorf("no such file in the simulated machine's /proc")
	}
	return text, nil
}

// runMain runs main to its end and records the result. Simulated crashes
// are results; anything else that goes wrong is an internal error.
func (m *machine) runMain() {
	res := &Result{}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(cancelled); ok {
				panic(r)
			}
			line := 0
			if m.thread != nil {
				line = m.thread.Pos().Line
			}
			res.Internal = internalError(r, line)
			res.InternalText = res.Internal.Error()
			res.ExitStatus = 70 // EX_SOFTWARE
			m.finish(res)
		}
	}()
	var ir *interp.Result
	if m.module != nil && !m.prog.HasFunc("main") {
		ir = m.runGuardedModule(res)
	} else if m.module != nil {
		ir = m.runGuardedModuleAndMain(res)
	} else {
		ir = m.runGuarded(func() interp.Result {
			m.running = true
			defer func() { m.running = false }()
			return m.thread.Run("main", m.mainArgs...)
		}, res)
	}
	if ir != nil {
		res.Steps = ir.Steps
		res.Line = ir.Pos.Line
		switch {
		case ir.Signal != nil:
			res.Signal = ir.Signal
		case ir.StepLimit:
			res.StepLimit = true
			res.Reports = append(res.Reports, fmt.Sprintf(
				"mmplay: the program ran %d steps without finishing and was stopped at line %d (the step limit; an endless loop?). Raise it with max-steps.",
				ir.Steps, ir.Pos.Line))
		case ir.Stopped:
			res.Stopped = true
			res.Reports = append(res.Reports, fmt.Sprintf("mmplay: stopped at line %d after %d steps.", ir.Pos.Line, ir.Steps))
		default:
			res.ExitStatus = ir.Status & 0xff
			if !m.proc.Exited() {
				// returning from main is exit(status): stdio is flushed
				m.runGuarded(func() interp.Result { m.proc.Stdio.Exit(); return interp.Result{} }, res)
			}
		}
	}
	m.finish(res)
}

// runGuarded runs f, turning the engine's own stops (output limit, an
// unmodelled feature, sanitize=abort) and simulated signals raised
// outside the interpreter into the result. It returns f's result, or nil
// when the run was ended that way.
func (m *machine) runGuarded(f func() interp.Result, res *Result) (ir *interp.Result) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		ir = nil
		line := 0
		if m.thread != nil {
			line = m.thread.Pos().Line
		}
		res.Line = line
		switch e := r.(type) {
		case *arch.Signal:
			res.Signal = e
		case *arch.Exit:
			res.ExitStatus = e.Status & 0xff
		case *libc.OutputLimit:
			res.ExitStatus = 1
			res.Reports = append(res.Reports, fmt.Sprintf("mmplay: %v (line %d)", e, line))
		case *libc.TouchLimit:
			res.StepLimit = true
			res.Reports = append(res.Reports, fmt.Sprintf("mmplay: %v (line %d)", e, line))
		case *phys.ContentLimit:
			res.StepLimit = true
			res.Reports = append(res.Reports, fmt.Sprintf("mmplay: %v: mmplay stopped the program at line %d (memory limit)", e, line))
		case *libc.NotModelled:
			res.ExitStatus = 1
			res.Reports = append(res.Reports, fmt.Sprintf("mmplay: line %d: %s — mmplay does not model this, so it stopped the program", line, e.Reason))
		case *stepEnd:
			r := e.r
			ir = &r
			return
		case *libc.SanitizerStop:
			// like ASan: the report on stderr, exit status 1
			m.proc.Stderr = append(m.proc.Stderr, []byte(e.Report+"\n")...)
			res.ExitStatus = 1
		default:
			panic(r)
		}
	}()
	r := f()
	return &r
}

// runGuardedModule runs a module snippet under runGuarded.
func (m *machine) runGuardedModule(res *Result) *interp.Result {
	var out *interp.Result
	ir := m.runGuarded(func() interp.Result {
		out = m.runModule(res)
		return *out
	}, res)
	if ir == nil {
		return nil
	}
	if ir.StepLimit || ir.Stopped {
		return ir
	}
	// a module-only snippet: insmod's status, and nothing to flush
	m.proc.MarkExited()
	return ir
}

// runGuardedModuleAndMain runs a snippet with a module and a user
// program: insmod (init), then main, then rmmod (exit) — SPEC §5.
func (m *machine) runGuardedModuleAndMain(res *Result) *interp.Result {
	var initFailed bool
	ir := m.runGuarded(func() interp.Result {
		if ret := m.k.RunInit(m.module); int32(ret) < 0 {
			initFailed = true
			res.Reports = append(res.Reports, fmt.Sprintf("mmplay: insmod: the module's init returned %d, so it was not loaded and main did not run", int32(ret)))
			return interp.Result{Status: 1, Steps: m.thread.Steps(), Pos: m.thread.Pos()}
		}
		m.running = true
		defer func() { m.running = false }()
		return m.thread.Run("main", m.mainArgs...)
	}, res)
	if ir == nil || initFailed || ir.Signal != nil || ir.StepLimit || ir.Stopped {
		return ir
	}
	// main returned or exited: flush its stdio, then unload the module
	if !m.proc.Exited() {
		m.runGuarded(func() interp.Result { m.proc.Stdio.Exit(); return interp.Result{} }, res)
		m.proc.MarkExited()
	}
	m.runGuarded(func() interp.Result {
		m.captureProc()
		m.k.UnloadModule(m.module)
		return interp.Result{}
	}, res)
	return ir
}

// finish fills in what every result carries.
func (m *machine) finish(res *Result) {
	if res.Signal != nil {
		res.ExitStatus = 128 + res.Signal.Signo
		res.Reports = append([]string{m.explainSignal(res)}, res.Reports...)
	}
	if res.StepLimit || res.Stopped {
		res.ExitStatus = StatusStepLimit
	}
	if m.thread != nil && res.Steps == 0 {
		res.Steps = m.thread.Steps()
	}
	res.Stdout = m.proc.Stdout
	res.Stderr = m.proc.Stderr
	res.KernelLog = m.k.Dmesg()
	for _, r := range m.k.Reports() {
		res.Reports = append(res.Reports, "mmplay: "+r.Title+"\n    "+r.Explanation)
	}
	res.Reports = append(append([]string{}, m.proc.Reports...), res.Reports...)
	if res.Signal == nil && res.Internal == nil {
		if leaks := m.proc.LeakReport(); leaks != "" {
			res.Reports = append(res.Reports, leaks)
		}
	}
	m.result = res
}

// explainSignal is the plain-words line for a fatal signal.
func (m *machine) explainSignal(res *Result) string {
	sig := res.Signal
	what := map[int]string{
		arch.SIGSEGV: "Segmentation fault",
		arch.SIGABRT: "Aborted",
		arch.SIGFPE:  "Floating point exception",
		arch.SIGKILL: "Killed",
		arch.SIGBUS:  "Bus error",
		arch.SIGILL:  "Illegal instruction",
	}[sig.Signo]
	if what == "" {
		what = arch.SignalName(sig.Signo)
	}
	s := fmt.Sprintf("mmplay: line %d: %s (%s, exit status %d)", res.Line, what, arch.SignalName(sig.Signo), 128+sig.Signo)
	if sig.Reason != "" {
		s += ": " + sig.Reason
	}
	if sig.Signo == arch.SIGSEGV || sig.Signo == arch.SIGBUS {
		s += fmt.Sprintf(" (address 0x%x)", sig.Addr)
	}
	return s
}
