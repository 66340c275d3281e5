package glibc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkMallocFree32 is one malloc(32)+free pair on the model with the
// fake kernel: the tcache fast path of both (SPEC §11 budget: at most 10×
// real glibc; TestRealGlibcMallocFree32 measures the real one).
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

const realBenchC = `#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(void) {
    struct timespec a, b;
    long n = 50000000, i;
    void *volatile p;
    free(malloc(32));
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (i = 0; i < n; i++) { p = malloc(32); free(p); }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
    return 0;
}
`

// TestRealGlibcMallocFree32 prints the real glibc's ns per malloc(32)+free
// pair (gcc -O2), for BENCHMARKS.md:
//
//	GLIBC_REALBENCH=1 go test -v -run TestRealGlibcMallocFree32 ./engine/glibc
func TestRealGlibcMallocFree32(t *testing.T) {
	if os.Getenv("GLIBC_REALBENCH") == "" {
		t.Skip("set GLIBC_REALBENCH=1 to time the real glibc (needs gcc)")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not found")
	}
	dir := t.TempDir()
	c, bin := filepath.Join(dir, "b.c"), filepath.Join(dir, "b")
	os.WriteFile(c, []byte(realBenchC), 0o644)
	if out, err := exec.Command("gcc", "-O2", "-o", bin, c).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("real glibc 2.36 malloc(32)+free: %s ns/op", strings.TrimSpace(string(out)))
}
