package engine

import "testing"

// BenchmarkProcessMallocFree32 is a malloc(32)+free pair of the glibc model
// on the real process model (mm's page tables, TLB and demand paging
// behind glibc's Load/Store), as the CLI runs it — the figure compared
// with the real glibc in BENCHMARKS.md.
func BenchmarkProcessMallocFree32(b *testing.B) {
	m, err := bootMachine(DefaultConfig(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	// the process image is not loaded: glibc needs only brk, set by hand
	m.as.SetBrkStart(0x555555559000)
	heap := m.proc.Malloc
	heap.Free(heap.Malloc(32)) // set up the heap and the tcache
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		heap.Free(heap.Malloc(32))
	}
}

// BenchmarkBootMachine boots a default (128 MiB) machine with its kernel
// and an empty process.
func BenchmarkBootMachine(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := bootMachine(DefaultConfig(), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBootMachine4G boots a 4 GiB machine (SPEC §11: ≤ 200 ms).
func BenchmarkBootMachine4G(b *testing.B) {
	cfg := DefaultConfig()
	cfg.RAM = 4 << 30
	for i := 0; i < b.N; i++ {
		if _, err := bootMachine(cfg, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
