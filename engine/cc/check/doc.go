// Package check is the second phase of mmplay's C subset: it resolves
// names, computes types with their x86-64 LP64 sizes, makes every
// implicit conversion explicit, and lays out storage, producing the typed
// tree (ir.go) that package interp compiles to closures.
//
// # Types
//
// Sizes and alignments are those of the System V x86-64 psABI (Table
// 3.1): char 1 (signed), short 2, int 4, long 8, long long 8, pointers 8;
// a struct places each member at the next multiple of its alignment and
// rounds its size up to its largest alignment; a union is as large as its
// largest member. size_t, ssize_t, uintptr_t, gfp_t are typedefs from the
// headers; _Bool (and the keyword bool) is built in.
//
// # Conversions
//
// The integer promotions and the usual arithmetic conversions follow
// C11 6.3.1.1 and 6.3.1.8. Every scalar is represented as 64 bits,
// sign-extended for signed types and zero-extended otherwise (Normalize);
// overflow wraps. Arith implements the operators as the hardware does:
// shift counts are masked to the operand width (sal/sar/shr), and
// division or remainder by zero — or of the most negative value by -1 —
// traps (idiv raises #DE, which Linux delivers as SIGFPE). Pointer
// arithmetic is explicit (PtrAdd with the element size, PtrDiff), arrays
// decay to pointers (AddrOf), and constant expressions are folded.
//
// # Storage
//
//   - Locals live in the frame below the saved rbp, each at the next
//     offset aligned for its type, never reused; the frame is rounded up
//     to 16 bytes as gcc -O0 keeps rsp 16-byte aligned at calls. A
//     call returning a struct gets a hidden slot (Call.Tmp) placed after
//     every named local, so that the locals keep their offsets.
//   - Globals and static locals go to .bss (no initializer), .data
//     (initialized) or .rodata (const and initialized, as gcc does), each
//     section laid out in declaration order with alignment; string
//     literals (merged when equal) open .rodata. Image returns the initial
//     bytes and the relocations (pointers to globals, strings and
//     functions in initializers such as ".read = my_read").
//
// # Functions and builtins
//
// A function that is declared (by a header's prototype, say) but not
// defined, and that the snippet calls or takes the address of, must be a
// builtin (Config.IsBuiltin): otherwise checking fails the way linking
// would, "undefined reference to `foo'". Variadic prototypes (printf) are
// allowed; variadic definitions are not. Calling an undeclared function
// is an error (C99 removed implicit declarations), with the caller's
// hint when it has one.
//
// Variables follow the same link-time rule: an extern declaration that
// is never used (outside sizeof) needs nothing — stdio.h declares
// stdin, stdout and stderr for every snippet — and a used one must be
// defined in the snippet or provided by the host (Config.IsExtern; its
// Var is then marked Extern and has no storage in the snippet's
// sections), otherwise "undefined reference to `x'".
//
// # Errors
//
// Errors are syntax.Error values with the file (the snippet or a
// header), line:col and a one-line message in gcc's words where gcc has
// good ones; conversions gcc accepts with a warning are warnings here.
// An expression in error becomes a Bad node, so one mistake gives one
// message. Checking stops after 30 errors.
package check
