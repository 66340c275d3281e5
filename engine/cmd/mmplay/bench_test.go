package main

import (
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkMallocLoopCLI runs testdata/bench/malloc-loop.c (a million
// malloc(32)/free pairs) through the CLI, end to end: compile, boot, run.
func BenchmarkMallocLoopCLI(b *testing.B) {
	src := filepath.Join(repoRoot(b), "testdata", "bench", "malloc-loop.c")
	for i := 0; i < b.N; i++ {
		var out, errb bytes.Buffer
		if st := run([]string{"run", src}, &out, &errb); st != 0 {
			b.Fatalf("status %d: %s", st, errb.String())
		}
	}
}

// BenchmarkMallocLoopGCC times the same program compiled with gcc -O0 and
// run natively, for the side-by-side figure in BENCHMARKS.md.
func BenchmarkMallocLoopGCC(b *testing.B) {
	if runtime.GOOS == "js" {
		b.Skip("no gcc under wasm")
	}
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		b.Skip("SKIPPED: gcc not installed")
	}
	src := filepath.Join(repoRoot(b), "testdata", "bench", "malloc-loop.c")
	bin := filepath.Join(b.TempDir(), "loop")
	if out, err := exec.Command(gcc, "-O0", "-w", "-o", bin, src).CombinedOutput(); err != nil {
		b.Fatalf("gcc: %v\n%s", err, out)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin)
		cmd.Stdout = io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}
