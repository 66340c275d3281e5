package glibc

import "testing"

// BenchmarkMallocFree32 is one malloc(32)+free pair on the model with the
// fake kernel: the tcache fast path of both. (The SPEC §11 budget, at most
// ten times the real glibc, is measured on the process model beside the
// real glibc: BenchmarkProcessMallocFree32 in package engine.)
func BenchmarkMallocFree32(b *testing.B) {
	k := newFakeKernel()
	m := New(k, Config{})
	m.Free(m.Malloc(32))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Free(m.Malloc(32))
	}
}

// BenchmarkMallocFreeMixed cycles 64 slots through sizes 16..4000, which
// exercises fastbins, the unsorted loop, small and large bins and top.
func BenchmarkMallocFreeMixed(b *testing.B) {
	k := newFakeKernel()
	m := New(k, Config{})
	var slots [64]uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := (i * 7) % len(slots)
		m.Free(slots[j])
		slots[j] = m.Malloc(uint64(16 + (i*977)%4000))
	}
}
