// Package interp runs mmplay's C subset: it compiles the checked tree of
// package check to Go closures (yaegi's technique) and executes them
// with every variable in simulated memory (SPEC §5).
//
// # The image
//
// Compile returns a Program that knows its section sizes. The loader
// maps them and calls Load with a Layout:
//
//   - .text: no bytes; function i has the address TextBase + 16*i (the
//     snippet's functions in source order, then the builtins it uses,
//     sorted by name), so function pointers are real values and a call
//     through anything else raises SIGSEGV;
//   - .rodata: string literals (equal ones merged) and const globals;
//     the loader maps it read-only, so "char *s = "x"; s[0] = 'y';"
//     faults as it does on Linux;
//   - .data: initialized globals, with relocations applied (char *s =
//     "x"; .read = my_read);
//   - .bss: zero-initialized globals.
//
// # Frames
//
// A thread starts with rsp at the stack top its creator gives. A call
// builds the frame gcc -O0 builds on x86-64:
//
//  1. rsp -= 8; write the return address (an address inside the
//     caller's text slot; 0 for the outermost call);
//  2. rsp -= 8; write the caller's rbp; rbp = rsp;
//  3. rsp -= FrameSize (the locals area, 16-byte multiple); parameters
//     are spilled into their slots below rbp;
//  4. the body runs; locals are at rbp - offset and are not zeroed;
//  5. on return rsp and rbp are restored.
//
// The writes in steps 1–3 are real stores through Memory, so runaway
// recursion walks down the stack and faults at the guard gap exactly
// where the stack limit is; a Go-side depth guard (MaxCallDepth) reports
// the same SIGSEGV for recursion with frames too small to reach it.
//
// A function returning a struct gets, like rdi, the address of a
// hidden slot in its caller's frame (check.Call.Tmp, placed below the
// caller's named locals); its return statement copies the value there
// and the call evaluates to that address, so f().x, s = f() and g(f())
// read the slot. A result larger than 16 bytes (psABI class MEMORY) has
// the pointer spilled at rbp-8 in the callee, as gcc -O0 spills rdi;
// smaller ones come back in rax:rdx in reality, which leaves the same
// bytes in the caller's slot.
//
// # Values
//
// Every scalar is a uint64 holding the value widened to 64 bits
// (sign-extended for signed types); a struct-typed expression evaluates
// to the address of its bytes, and struct assignment copies bytes.
// Memory is little-endian. Integer division by zero and INT_MIN / -1
// raise SIGFPE (si_code FPE_INTDIV), as idiv's #DE does on Linux; shift
// counts are masked to the operand width as the x86 shift instructions
// do. Arguments are evaluated right to left, as gcc does on x86-64.
//
// # Steps
//
// One step is one statement executed, or one evaluation of a loop's
// condition (an absent condition too, so "for (;;);" steps once per
// iteration). Thread.step is the whole cost on the fast path: it stores
// the position, increments the counter and compares it with limit, and
// the compiler inlines it. limit is the step budget, lowered to the
// current step while an OnStep hook is set (every step then takes the
// slow path) and to the next poll of Stop otherwise: Stop from another
// goroutine ends a run within 65536 steps, Stop from the hook before the
// next step. The step limit and Stop unwind with an internal panic that
// Run recovers, together with *arch.Signal and *arch.Exit from Memory and
// the builtins; any other panic is a bug and propagates.
//
// # Speed
//
// The budget (SPEC §11) is 10 M simple statements per second natively
// and a third of that in wasm, where a call costs several times more
// than natively (an indirect one about 20 ns) and a taken branch goes
// through the function's dispatch table. Three things make the common
// statements cheap (BENCHMARKS.md has the figures):
//
//  1. the frame cache (frame.go): the running frame's stack pages, taken
//     from the MMU's own TLB through DirectMemory, so a local is read and
//     written without a call, exactly as Memory would (faults, counters
//     and ASan reports stay with Memory: a page is direct only when an
//     access would have no effect but moving bytes);
//  2. fused closures (fuse.go) for "x = y;", "x op= y;", "x++;", "x cmp
//     y", "x ± y" on locals and constants, each one closure with almost
//     no branch;
//  3. statement lists (Thread.run): blocks, loop bodies and if branches
//     run their fused updates inline, and a for loop over a local tests
//     and steps it itself, so "for (i = 0; i < n; i++) s += i;" calls no
//     closure per iteration.
//
// TestFusedMatchesGeneral runs programs with and without 2 and 3 and with
// and without 1: same output, same end, same step positions.
//
// # Builtins
//
// A builtin is a Go function (Builtin) called with its arguments
// converted to the prototype's parameter types and widened; variadic
// extras get the default argument promotions first. A builtin can call
// back into the snippet with Thread.CallAddr (read() calling a module's
// file_operations.read), reentrantly, on the same simulated stack.
package interp
