package engine

import (
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"mmplay/engine/arch"
	"mmplay/engine/cc/interp"
	"mmplay/engine/cc/syntax"
	"mmplay/engine/kernel"
	"mmplay/engine/libc"
)

// MaxSourceBytes bounds a snippet (SPEC §5, limits).
const MaxSourceBytes = 256 << 10

// Program is a compiled snippet with the config it runs under.
type Program struct {
	Name   string
	Source []byte
	Config Config
	// Warnings are the compiler's non-fatal diagnostics.
	Warnings []Diagnostic

	// first is the machine Compile booted and compiled the snippet
	// against, with that compilation, kept for the first run (boot takes
	// it, once).
	//
	// RATIONALE: a run boots a machine and compiles the snippet against
	// its builtins (they are bound to its process and kernel), and Compile
	// used to check the snippet against a probe machine's first: two
	// boots and two compilations before the first statement, where one of
	// each gives the same answer. In a fresh browser tab, where every
	// piece of code is compiled on its first call and hot code again, it
	// took the first example's run from about 430 to 380 ms on the 2-core
	// development machine (natively the scull example's end to end went
	// from 9.1–9.9 ms to 8.9).
	first atomic.Pointer[prepared]
}

// prepared is a booted machine with the snippet compiled against it.
type prepared struct {
	cfg      Config
	m        *machine
	prog     *interp.Program
	included map[string]bool // the headers the snippet included
}

// Diagnostic is a compile error or warning: FILE:line:col: message.
type Diagnostic = syntax.Error

// compileOptions are the interpreter's options for this program with the
// given builtins. included, when non-nil, records the headers the
// preprocessor included.
func (p *Program) compileOptions(builtins map[string]interp.Builtin, included map[string]bool) interp.Options {
	return interp.Options{
		Headers: func(name string) (string, bool) {
			text, ok := libc.Header(name)
			if !ok {
				text, ok = kernel.Header(name)
			}
			if ok && included != nil {
				included[name] = true
			}
			return text, ok
		},
		Builtins:       builtins,
		Hint:           libc.Hint,
		MaxSourceBytes: MaxSourceBytes,
		Externs:        map[string]uint64{"stdin": varStdin, "stdout": varStdout, "stderr": varStderr},
	}
}

// Compile checks a snippet. It returns nil and the errors when the snippet
// does not compile; warnings come with a program too. It boots the machine
// the program's first run will use and compiles against it (so it costs a
// boot: Program.first).
func Compile(name string, src []byte, cfg Config) (prog *Program, diags []Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			prog = nil
			diags = []Diagnostic{{File: name, Msg: fmt.Sprintf("internal error in the compiler: %v (please report this snippet)", r)}}
		}
	}()
	if len(src) > MaxSourceBytes {
		return nil, []Diagnostic{{File: name, Pos: syntax.Pos{Line: 1, Col: 1},
			Msg: fmt.Sprintf("the snippet is %d bytes; mmplay accepts at most %d", len(src), MaxSourceBytes)}}
	}
	p := &Program{Name: name, Source: src, Config: cfg}
	// The builtins are bound to a process: compile against the machine
	// the first run will use (Program.first). A configuration that does
	// not boot fails when the program runs, with boot's message; its
	// diagnostics come from the probe machine's builtins.
	pm, errs, err := p.prepare()
	var ip *interp.Program
	if err == nil {
		ip = pm.prog
	} else {
		pm = nil
		names, err := builtinSet()
		if err != nil {
			return nil, []Diagnostic{{File: name, Msg: "internal error: " + err.Error()}}
		}
		ip, errs = interp.Compile(name, src, p.compileOptions(names, nil))
	}
	for _, e := range errs {
		if e.File == "" {
			e.File = name
		}
		diags = append(diags, e)
		if e.Warning {
			p.Warnings = append(p.Warnings, e)
		}
	}
	if ip == nil {
		return nil, diags
	}
	if !ip.HasFunc("main") && !isModule(ip) {
		return nil, append(diags, Diagnostic{File: name, Pos: syntax.Pos{Line: 1, Col: 1},
			Msg: "the snippet has neither a main function nor module_init(...): nothing to run"})
	}
	if pm != nil {
		p.first.Store(pm)
	}
	return p, diags
}

// PrepareMaxRAM is the largest machine Prepare boots ahead: a bigger one
// takes long enough (a 4 GiB boot: about 30 ms natively, several times
// that in the browser) that doing it in one idle slice would delay the
// reader's next keystroke; its run boots it when it starts.
const PrepareMaxRAM = 512 << 20

// Prepare boots the machine the next run of p will take (Program.first)
// and compiles the snippet against it, when none is waiting and the
// machine is at most PrepareMaxRAM: the playground calls it when the page
// is idle, so that a Run after a finished run or a Reset does not wait
// for a boot. It reports whether it did the work. A configuration that
// does not boot prepares nothing (its run reports why).
func (p *Program) Prepare() (did bool) {
	if p.first.Load() != nil || p.Config.RAM > PrepareMaxRAM {
		return false
	}
	defer func() {
		if recover() != nil {
			did = false // the run will meet the same failure and report it
		}
	}()
	pm, _, err := p.prepare()
	if err != nil || pm.prog == nil {
		return false
	}
	return p.first.CompareAndSwap(nil, pm)
}

// prepare boots a machine for p and compiles the snippet against its
// builtins (they are bound to its process and kernel): pm.prog is nil when
// the snippet does not compile, with errs saying why; err is boot's.
func (p *Program) prepare() (pm *prepared, errs []Diagnostic, err error) {
	m, err := bootMachine(p.Config, p.Name)
	if err != nil {
		return nil, nil, err
	}
	pm = &prepared{cfg: p.Config, m: m, included: map[string]bool{}}
	pm.prog, errs = interp.Compile(p.Name, p.Source, p.compileOptions(m.builtins(), pm.included))
	return pm, errs, nil
}

// Result is how a run ended.
type Result struct {
	Stdout []byte `json:"stdout"`
	Stderr []byte `json:"stderr"`
	// ExitStatus is what a shell reports: the exit status, or 128+signal.
	ExitStatus int `json:"exitStatus"`
	// Signal is the fatal signal, if the process died of one.
	Signal *arch.Signal `json:"signal,omitempty"`
	// StepLimit is set when the program ran out of steps (an endless
	// loop, most likely); Stopped when the user stopped it.
	StepLimit bool   `json:"stepLimit,omitempty"`
	Stopped   bool   `json:"stopped,omitempty"`
	Steps     uint64 `json:"steps"`
	// Line is the source line where the program ended (for faults).
	Line int `json:"line"`
	// KernelLog holds the kernel log lines (dmesg).
	KernelLog []string `json:"kernelLog"`
	// Reports are mmplay's own explanations: the fault in plain words,
	// ASan-style reports, leaks (--explain).
	Reports []string `json:"reports"`
	// Internal is set when the engine itself failed (a bug in mmplay).
	Internal     error  `json:"-"`
	InternalText string `json:"internalError,omitempty"`
}

// StatusStepLimit is the exit status of a program stopped by the step
// limit or the Stop button (the convention of timeout(1)).
const StatusStepLimit = 124

// InternalError is a Go panic inside the engine, caught at the facade
// (STYLE.md habit 3). It carries what a bug report needs.
type InternalError struct {
	Value any
	Line  int
	Stack string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error at line %d: %v", e.Line, e.Value)
}

// Report is the text shown to the user: what happened and what to send.
func (e *InternalError) Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mmplay: internal error while running line %d: %v\n", e.Line, e.Value)
	b.WriteString("This is a bug in mmplay, not in your program. Please report it with your snippet and this text:\n")
	for i, l := range strings.Split(strings.TrimSpace(e.Stack), "\n") {
		if i >= 24 {
			break
		}
		b.WriteString("    " + l + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func internalError(v any, line int) *InternalError {
	return &InternalError{Value: v, Line: line, Stack: string(debug.Stack())}
}

// builtinSet is the table of every builtin, bound to a small probe
// machine booted once, for Compile when the snippet's own machine does
// not boot: it needs the names (and the checker the prototypes from the
// headers), never the functions themselves.
var builtinSet = sync.OnceValues(func() (map[string]interp.Builtin, error) {
	cfg := DefaultConfig()
	cfg.RAM = 16 << 20
	m, err := bootMachine(cfg, "probe")
	if err != nil {
		return nil, err
	}
	return m.builtins(), nil
})
