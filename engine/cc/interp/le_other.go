//go:build !(386 || amd64 || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm)

package interp

import "encoding/binary"

// ld8 and st8: the portable form of le.go's.
func ld8(q *page, o uint64) uint64 { return binary.LittleEndian.Uint64(q[o : o+8]) }

func st8(q *page, o uint64, v uint64) { binary.LittleEndian.PutUint64(q[o:o+8], v) }
