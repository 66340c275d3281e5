//go:build js

package interp

// cooperative is set where goroutines are not preempted (GOOS=js: Go's
// wasm port runs every goroutine on the one JavaScript thread). A long run
// then yields every pollMask+1 steps, so that another goroutine — the one
// that calls Stop — gets to run.
const cooperative = true

// MaxCallDepth under wasm: Go's wasm port nests every Go call on the
// engine's (V8's) native stack too, and a snippet call is five to eight
// Go calls (the call, its statement list, the closures of the statement
// and of the expression around the call). V8's default stack (984 KiB,
// Node's and, as far as we know, Chrome's for the page's thread) held
// 1,500 to 5,500 nested snippet calls in the measured shapes (mutual
// recursion through an if's block the fewest); beyond, V8 throws
// RangeError, which ends the whole Go program, not just the snippet.
// 1024 keeps a margin of a third below the worst shape measured. (Until
// 2026-12 this was 16384, measured under go_js_wasm_exec's 8 MiB stack,
// where even that overflowed near 16,000.)
const MaxCallDepth = 1 << 10
