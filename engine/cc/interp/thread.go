package interp

import (
	"fmt"
	"math"
	"runtime"
	"sync/atomic"

	"mmplay/engine/arch"
	"mmplay/engine/cc/check"
	"mmplay/engine/cc/syntax"
)

// MaxCallDepth bounds the nesting of snippet calls on the Go stack. The
// simulated 8 MiB stack normally faults first (a call needs at least 16
// bytes: return address and saved rbp); this guard only catches
// recursion whose frames are so small that the interpreter's own Go stack
// would grow past what a browser tab can afford. It is reported the same
// way: SIGSEGV, stack overflow. Its value is per platform (platform_*.go).

// RunOptions configure a thread.
type RunOptions struct {
	// MaxSteps is the step budget over the thread's life (0: unlimited).
	MaxSteps uint64
	// OnStep, when set, is called before each step (the session uses it
	// to pause between statements and to record positions).
	OnStep func(t *Thread)
}

// Result is how a run ended.
type Result struct {
	// Status is the function's return value as an int (main's exit
	// status), or the status given to exit().
	Status int
	// Value is the raw return value (0 for void), widened to 64 bits.
	Value uint64
	// Exited is set when the run ended by exit() (arch.Exit).
	Exited bool
	// Signal is the fatal signal that ended the run, or nil.
	Signal *arch.Signal
	// StepLimit is set when the run stopped at RunOptions.MaxSteps.
	StepLimit bool
	// Stopped is set when Stop ended the run.
	Stopped bool
	// Steps is the thread's step count at the end.
	Steps uint64
	// Pos is the position of the last statement executed.
	Pos syntax.Pos
	// Err reports API misuse (an unknown function name); nothing ran.
	Err error
}

// Thread runs snippet code on a simulated stack.
type Thread struct {
	// Mem is the address space every variable lives in.
	Mem Memory

	prog     *Program
	pos      syntax.Pos
	stackTop uint64
	sp, fp   uint64 // simulated rsp and rbp
	ret      uint64 // return value of the function returning now
	// nextSret is the result address a struct-returning call passes to
	// the callee (rdi); call takes it. sret is the running function's.
	nextSret, sret uint64
	depth          int
	steps          uint64
	maxSteps       uint64
	onStep         func(*Thread)
	stopReq        atomic.Bool
	running        bool
	scratch        []byte // struct copies
	curSlot        int    // text slot of the running function (for return addresses)

	// limit is the step count after which step takes its slow path:
	// at most maxSteps, and at the next poll of Stop (see step).
	limit uint64

	// calls are the Calls of builtins, one per nesting level; bdepth
	// builtins are running.
	calls  []*Call
	bdepth int

	// The frame cache (frame.go) of the running frame; a call saves the
	// caller's and restores it on return.
	fc    frameCache
	dm    DirectMemory // Mem's, or nil
	fgenp *uint64      // the generation fc.gen is compared with
	noGen uint64       // the generation when dm is nil: never changes
}

// runEnd unwinds the interpreter at the step limit or on Stop.
type runEnd struct{ stopped bool }

// NewThread creates a thread whose stack starts at stackTop (rsp before
// the first call; it should be 16-byte aligned).
func (p *Program) NewThread(mem Memory, stackTop uint64, opts RunOptions) *Thread {
	max := opts.MaxSteps
	if max == 0 {
		max = math.MaxUint64
	}
	p.bind(p.layout)
	t := &Thread{Mem: mem, prog: p, stackTop: stackTop, sp: stackTop, maxSteps: max, onStep: opts.OnStep, fc: noFrame}
	t.dm, _ = mem.(DirectMemory)
	t.fgenp = &t.noGen
	return t
}

// Program returns the program the thread runs.
func (t *Thread) Program() *Program { return t.prog }

// Pos is the position of the statement being executed.
func (t *Thread) Pos() syntax.Pos { return t.pos }

// Steps is the number of steps executed so far.
func (t *Thread) Steps() uint64 { return t.steps }

// SP is the simulated stack pointer (rsp).
func (t *Thread) SP() uint64 { return t.sp }

// FuncName names the snippet function running now: the innermost one,
// which is the caller while a builtin runs. It is "" when no snippet
// function runs (before, between and after runs).
func (t *Thread) FuncName() string {
	if t.depth == 0 || t.curSlot >= len(t.prog.funcs) {
		return ""
	}
	return t.prog.funcs[t.curSlot].name
}

// Depth is the current call depth of snippet functions.
func (t *Thread) Depth() int { return t.depth }

// Stop asks the thread to end its run before the next step. It is safe
// to call from another goroutine or from OnStep.
func (t *Thread) Stop() { t.stopReq.Store(true) }

// step counts one step. Its fast path is a store, an increment and one
// compare, small enough for the Go compiler to inline into every
// statement's closure (a call per statement costs much more in wasm than
// natively). Everything else waits for the step count to pass limit:
// the step budget, the OnStep hook (limit is then the current step, so
// every step takes the slow path) and Stop, which is polled every
// pollMask+1 steps — so Stop from another goroutine ends a run within
// that many steps, while Stop from OnStep still ends it before the next.
func (t *Thread) step(pos syntax.Pos) {
	t.pos = pos
	t.steps++
	if t.steps <= t.limit {
		return
	}
	t.slowStep()
}

// pollMask+1 is the interval of the Stop poll, and of the yield of a
// cooperative run (see platform_js.go): 65536 steps, a few milliseconds.
const pollMask = 1<<16 - 1

func (t *Thread) slowStep() {
	if t.stopReq.Load() {
		t.stopReq.Store(false)
		t.steps--
		panic(&runEnd{stopped: true})
	}
	if t.steps > t.maxSteps {
		t.steps--
		panic(&runEnd{})
	}
	if cooperative && t.steps&pollMask == 0 {
		runtime.Gosched()
	}
	if t.onStep != nil {
		t.onStep(t)
		if t.stopReq.Load() {
			t.stopReq.Store(false)
			t.steps--
			panic(&runEnd{stopped: true})
		}
		t.limit = t.steps
		return
	}
	t.limit = min(t.maxSteps, t.steps|pollMask)
}

// Run calls the snippet function name with args and runs it to the end:
// its return, exit(), a fatal signal, the step limit or Stop. The stack
// starts again at the thread's stack top. It recovers *arch.Signal and
// *arch.Exit panics (from Memory or builtins) and nothing else.
func (t *Thread) Run(name string, args ...uint64) (res Result) {
	f := t.prog.byName[name]
	if f == nil || f.builtin != nil {
		return Result{Err: fmt.Errorf("interp: no function %q in the program", name), Steps: t.steps}
	}
	if t.running {
		return Result{Err: fmt.Errorf("interp: Run called during a run (use CallAddr)"), Steps: t.steps}
	}
	t.running = true
	t.sp, t.fp, t.depth, t.sret, t.nextSret = t.stackTop, 0, 0, 0, 0
	t.limit = t.steps // the first step polls Stop and sets the limit
	t.bdepth = 0      // a run that ended inside a builtin left it raised
	t.fc = noFrame
	t.staleFrame()
	defer func() {
		t.running = false
		res.Steps, res.Pos = t.steps, t.pos
		r := recover()
		if r == nil {
			return
		}
		switch r := r.(type) {
		case *arch.Signal:
			res.Signal = r
		case *arch.Exit:
			res.Status, res.Exited = r.Status, true
		case *runEnd:
			res.StepLimit, res.Stopped = !r.stopped, r.stopped
		default:
			panic(r)
		}
	}()
	v := t.call(f, args)
	res.Value = v
	res.Status = int(int32(v))
	return res
}

// CallAddr calls the function at addr (a snippet function or a builtin)
// from inside a builtin, as the kernel calls a module's file_operations
// handler, and returns its value. Signals, exit and the step limit
// unwind through it to Run.
//
// Precondition: a run is in progress on t (CallAddr is for builtins).
func (t *Thread) CallAddr(addr uint64, args ...uint64) uint64 {
	if !t.running {
		panic("interp: CallAddr outside a run")
	}
	f := t.prog.funcAt(addr)
	if f == nil {
		panic(badCall(addr))
	}
	return t.call(f, args)
}

// Alloca gives a builtin n bytes of the calling thread's stack, as
// alloca does in a libc function: the stack pointer goes down by n
// rounded up to 16, so the snippet code it calls back with CallAddr
// (qsort's comparison function) gets its frames below the block. The
// builtin calls release before it returns.
func (t *Thread) Alloca(n uint64) (addr uint64, release func()) {
	saved := t.sp
	t.sp = (t.sp - n) &^ 15
	return t.sp, func() { t.sp = saved }
}

func badCall(addr uint64) *arch.Signal {
	return &arch.Signal{Signo: arch.SIGSEGV, Code: arch.SEGV_MAPERR, Addr: addr,
		Reason: fmt.Sprintf("call through a bad function pointer (0x%x is not a function)", addr)}
}

// call runs f with args (each widened to 64 bits). Snippet functions get
// a frame as gcc -O0 builds it on x86-64: call pushes the return
// address, the callee pushes rbp, sets rbp = rsp, subtracts its locals
// area and spills the parameters into it.
func (t *Thread) call(f *function, args []uint64) uint64 {
	sret := t.nextSret
	t.nextSret = 0
	if f.builtin != nil {
		return t.callBuiltin(f, args)
	}
	if t.depth >= MaxCallDepth {
		// mmplay's own limit (the interpreter nests Go calls): say so,
		// and how deep the real 8 MiB stack would let this function go,
		// since a finite recursion between the two ends well for real.
		perCall := f.frameSize + 16 // return address and saved rbp
		panic(&arch.Signal{Signo: arch.SIGSEGV, Code: arch.SEGV_MAPERR, Addr: t.sp,
			Reason: fmt.Sprintf("stack overflow: more than %d nested calls, mmplay's limit here "+
				"(on a real machine the 8 MiB stack takes about %d calls of %s before it faults)",
				MaxCallDepth, arch.StackRlimit/perCall, f.name)})
	}
	savedSP, savedFP, savedPos, savedSret := t.sp, t.fp, t.pos, t.sret
	savedFC := t.fc
	ret := uint64(0)
	if t.depth > 0 {
		ret = t.prog.layout.TextBase + uint64(t.curSlot)*TextSlot + 5 // inside the caller
	}
	// The pushes, the spills and the callee's frame cache go through the
	// caller's frame page when they fall in it (the common case; frame.go
	// explains why that is exact), else through Memory, where the first
	// access to a new stack page faults.
	q, base := t.framePage()
	sp := t.sp - 8
	t.push(q, base, sp, 8, ret) // the return address
	sp -= 8
	t.push(q, base, sp, 8, t.fp) // rbp
	fp := sp
	sp -= f.frameSize
	t.sp, t.fp, t.sret = sp, fp, sret
	if top := fp - 1; q != nil && top&^arch.PageMask == base && top&arch.PageMask+1 <= arch.PageSize-8 {
		t.fc.hi = top&arch.PageMask + 1 // the same page: the callee's cache without asking
	} else {
		q = nil
		t.staleFrame()
	}
	if f.sretOff != 0 {
		t.push(q, base, fp-f.sretOff, 8, sret)
	}
	for i, p := range f.params {
		if i >= len(args) {
			break
		}
		if p.struct_ {
			t.copyBytes(fp-p.off, args[i], uint64(p.size))
			continue
		}
		t.push(q, base, fp-p.off, p.size, args[i])
	}
	t.depth++
	savedSlot := t.curSlot
	t.curSlot = f.slot
	t.ret = 0
	t.exec(f.body)
	v := t.ret
	t.curSlot = savedSlot
	t.depth--
	t.sp, t.fp, t.sret = savedSP, savedFP, savedSret
	// the caller's frame cache, still valid unless the generation moved
	t.fc = savedFC
	if t.depth > 0 {
		t.pos = savedPos // the caller's statement goes on
	}
	return v
}

// callBuiltin calls a builtin with a Call from the thread's own stack of
// them (one per nesting level: a builtin may call back into the snippet,
// which may call a builtin), so that a call allocates nothing: a
// malloc/free loop makes two builtin calls per iteration.
func (t *Thread) callBuiltin(f *function, args []uint64) uint64 {
	if t.bdepth == len(t.calls) {
		t.calls = append(t.calls, new(Call))
	}
	c := t.calls[t.bdepth]
	c.Name, c.Pos, c.Thread = f.name, t.pos, t
	c.Args = append(c.argBuf[:0], args...) // allocates only beyond 8 arguments
	t.bdepth++
	v := f.builtin(c)
	t.bdepth--
	return check.Normalize(f.result, v)
}

// copyBytes copies n bytes from src to dst in simulated memory.
func (t *Thread) copyBytes(dst, src, n uint64) {
	if t.scratch == nil {
		t.scratch = make([]byte, 4096)
	}
	for n > 0 {
		k := n
		if k > uint64(len(t.scratch)) {
			k = uint64(len(t.scratch))
		}
		buf := t.scratch[:k]
		t.Mem.ReadBytes(src, buf)
		t.Mem.WriteBytes(dst, buf)
		src, dst, n = src+k, dst+k, n-k
	}
}

var zeroPage [4096]byte

// zeroBytes writes n zero bytes at dst.
func (t *Thread) zeroBytes(dst, n uint64) {
	for n > 0 {
		k := n
		if k > uint64(len(zeroPage)) {
			k = uint64(len(zeroPage))
		}
		t.Mem.WriteBytes(dst, zeroPage[:k])
		dst, n = dst+k, n-k
	}
}
