//go:build js

package interp

// cooperative is set where goroutines are not preempted (GOOS=js: Go's
// wasm port runs every goroutine on the one JavaScript thread). A long run
// then yields every yieldMask+1 steps, so that another goroutine — the one
// that calls Stop — gets to run.
const cooperative = true

// MaxCallDepth under wasm: Go's wasm port nests every Go call on the
// engine's (V8's) native stack too, which holds about 40k nested snippet
// calls under Node (measured: 32768 work, 65536 overflow); half of that
// leaves room for browsers with smaller stacks.
const MaxCallDepth = 1 << 14
