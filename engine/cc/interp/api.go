package interp

import "mmplay/engine/cc/syntax"

// Memory is the simulated address space as the interpreter and the
// builtins see it. Accesses are little-endian; size is 1, 2, 4 or 8.
// A bad access does not return: it panics with *arch.Signal (see package
// arch), which the thread's run loop recovers into the run result.
//
// mm.AddressSpace implements it.
type Memory interface {
	Load(addr uint64, size int) uint64
	Store(addr uint64, size int, v uint64)
	ReadBytes(addr uint64, buf []byte)
	WriteBytes(addr uint64, buf []byte)
}

// Builtin is the Go implementation of a function the snippet declares but
// does not define (malloc, printf, kmalloc, ...). Its prototype comes from
// a header; the checker has already converted every argument.
type Builtin func(c *Call) uint64

// Call is one call of a builtin. It (and Args) is valid only until the
// builtin returns: the thread reuses it for its next builtin call.
type Call struct {
	// Name is the called function's name.
	Name string
	// Args holds the arguments, each converted to its parameter's type
	// and then widened to 64 bits (sign-extended for signed types,
	// zero-extended otherwise). Variadic extras get the default argument
	// promotions first (char/short → int), then are widened the same way,
	// so printf("%d", -1) sees 0xffffffffffffffff.
	Args []uint64
	// Pos is the position of the call expression.
	Pos syntax.Pos
	// Thread is the calling thread: its Mem, its current position, and
	// CallAddr to call back into snippet code (a module's file_operations).
	Thread *Thread

	argBuf [8]uint64 // Args when it fits
}
