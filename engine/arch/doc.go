// Package arch holds the machine constants every other engine package
// shares: the page size, the x86-64 user address-space layout, signal
// numbers, and the two values that unwind a simulated process, Signal and
// Exit.
//
// # Faults unwind
//
// A simulated process dies of a signal at the exact moment of the bad
// access: the load or store that touches an unmapped page, the abort()
// that glibc calls after printing its message. Every memory access in the
// engine may therefore end the program. Rather than threading an error
// through every load and store (the hot path of the interpreter), the
// engine panics with a *Signal or an *Exit value, and exactly one place
// per run (the interpreter's run loop) recovers them and turns them into
// the run result. Any other panic is an engine bug and is reported as an
// internal error by the engine facade; it never reaches the user.
//
// Compare: the real kernel delivers SIGSEGV from the page-fault handler
// (arch/x86/mm/fault.c: bad_area) and glibc's malloc_printerr calls abort.
package arch
