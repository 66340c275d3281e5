//go:build 386 || amd64 || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm

package interp

import "unsafe"

// ld8 and st8 move the little-endian 8-byte window at offset o of a page.
// On a little-endian machine that is a plain (possibly unaligned) load or
// store of the host, which these architectures allow.
//
// RATIONALE: encoding/binary says the same thing portably, and the amd64
// compiler turns it into one move, but under GOARCH=wasm its inlining cost
// is too high: the closures on locals would call it on every access, and
// calls are what wasm pays most for. The slice expression checks o+8 ≤
// PageSize, so a broken precondition is a Go panic, never a stray access
// (clamping o with a conditional move instead measured slower in wasm).
// le_other.go is the portable form for the other machines.
func ld8(q *page, o uint64) uint64 { return *(*uint64)(unsafe.Pointer(&q[o : o+8][0])) }

func st8(q *page, o uint64, v uint64) { *(*uint64)(unsafe.Pointer(&q[o : o+8][0])) = v }
