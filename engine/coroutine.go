package engine

// A coroutine runs one simulated program in its own goroutine so that a
// session can pause it between two statements and resume it later: the
// interpreter's step hook (onStep) blocks while the session is paused.
// Only one side runs at a time, so the machine needs no locking; the
// channels hand control back and forth.
//
// Why a goroutine rather than a resumable interpreter: the interpreter
// compiles C to nested Go closures (STYLE.md habit 6), whose Go stack is
// the C call stack. Pausing mid-call therefore means parking that stack,
// which a goroutine does for free, in native code and in wasm alike. The
// cost is two channel operations per pause, paid only when stepping.
type coroutine struct {
	resume chan stepTarget // session → program: run on to this target
	yield  chan struct{}   // program → session: paused at the target
	done   chan struct{}   // closed when the body has returned
	target stepTarget      // owned by the program side while it runs
	closed bool
}

// stepTarget says where the program should pause next.
type stepTarget struct {
	cancel bool   // unwind and end the goroutine
	step   uint64 // pause before executing step number step+1 (never: no step target)
	line   int    // or pause before the first step on this line (0: none)
	from   uint64 // ... that begins after this many steps
}

// never is the step target of a run that does not pause at a step.
const never = ^uint64(0)

// errCancelled unwinds a cancelled program through the interpreter (which
// recovers only *arch.Signal and *arch.Exit) up to the coroutine's body.
type cancelled struct{}

// start launches body in a goroutine, paused before it runs anything.
func newCoroutine(body func()) *coroutine {
	c := &coroutine{
		resume: make(chan stepTarget),
		yield:  make(chan struct{}),
		done:   make(chan struct{}),
	}
	go func() {
		defer close(c.done)
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(cancelled); ok {
					return
				}
				panic(r) // body is expected to recover its own panics
			}
		}()
		c.target = <-c.resume
		if c.target.cancel {
			return
		}
		body()
	}()
	return c
}

// run hands control to the program until it pauses at t or finishes.
// It reports whether the program finished.
func (c *coroutine) run(t stepTarget) (finished bool) {
	if c.closed {
		return true
	}
	select {
	case c.resume <- t:
	case <-c.done:
		return true
	}
	select {
	case <-c.yield:
		return false
	case <-c.done:
		c.closed = true
		return true
	}
}

// pause is called on the program side (from the step hook) when a target
// is reached: it hands control back and waits for the next target.
func (c *coroutine) pause() {
	c.yield <- struct{}{}
	c.target = <-c.resume
	if c.target.cancel {
		panic(cancelled{})
	}
}

// close cancels a paused program and waits for its goroutine to end.
func (c *coroutine) close() {
	if c.closed {
		return
	}
	c.closed = true
	select {
	case c.resume <- stepTarget{cancel: true}:
	case <-c.done:
		return
	}
	<-c.done
}
