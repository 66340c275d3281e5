package engine

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkProcessMallocFree32 is a malloc(32)+free pair of the glibc model
// on the real process model (mm's page tables, TLB and demand paging
// behind glibc's loads and stores, the trace's two events recorded), as
// the CLI runs it: the figure SPEC §11 compares with the real glibc (at
// most ten times its time). It reports the CPU time per pair too (on a
// shared machine the wall time also counts waiting for a core), and with
// GLIBC_REALBENCH=1 (and gcc) it times the real glibc right after, in the
// same run (glibc/testdata/realbench.c, gcc -O2), and reports both ratios:
//
//	GLIBC_REALBENCH=1 go test -run X -bench ProcessMallocFree32 -count 5 ./engine
func BenchmarkProcessMallocFree32(b *testing.B) {
	m, err := bootMachine(DefaultConfig(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	// the process image is not loaded: glibc needs only brk, set by hand
	m.as.SetBrkStart(0x555555559000)
	heap := m.proc.Malloc
	heap.Free(heap.Malloc(32)) // set up the heap and the tcache
	c0, cpuOK := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		heap.Free(heap.Malloc(32))
	}
	b.StopTimer()
	wall := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	c1, _ := cpuTime()
	cpu := float64((c1 - c0).Nanoseconds()) / float64(b.N)
	if cpuOK {
		b.ReportMetric(cpu, "cpu-ns/op")
	}
	if b.N < 1_000_000 || os.Getenv("GLIBC_REALBENCH") == "" {
		return
	}
	realWall, realCPU, err := realGlibcPair()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(realWall, "glibc-ns/op")
	b.ReportMetric(wall/realWall, "x-glibc")
	if cpuOK {
		b.ReportMetric(realCPU, "glibc-cpu-ns/op")
		b.ReportMetric(cpu/realCPU, "x-glibc-cpu")
	}
}

// realGlibcPair builds and runs glibc/testdata/realbench.c: the real
// glibc's wall and CPU time per malloc(32)+free pair.
func realGlibcPair() (wall, cpu float64, err error) {
	dir, err := os.MkdirTemp("", "realbench")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "realbench")
	if out, err := exec.Command("gcc", "-O2", "-o", bin, filepath.Join("glibc", "testdata", "realbench.c")).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("gcc: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		return 0, 0, err
	}
	if _, err := fmt.Sscan(string(out), &wall, &cpu); err != nil {
		return 0, 0, fmt.Errorf("realbench printed %q", out)
	}
	return wall, cpu, nil
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

// BenchmarkEngineStatements is the interpreter's speed on the real machine
// (locals on the simulated stack behind mm's page tables and TLB, the
// ASan-style checks on): steps per second of a simple loop, end to end.
func BenchmarkEngineStatements(b *testing.B) {
	src := "long sum(long n) { long i, s = 0; for (i = 0; i < n; i++) s += i; return s; }\nint main(void) { return (int)(sum(3000000) & 1); }\n"
	p, diags := Compile("loop.c", []byte(src), DefaultConfig())
	if p == nil {
		b.Fatal(diags)
	}
	var steps uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := NewSession(p)
		r := s.Run()
		steps += r.Steps
		s.Close()
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds()/1e6, "Msteps/s")
}

// BenchmarkScullExample runs the scull example (ui/examples/07a-scull.c)
// end to end as the CLI does: compile (its "// mmplay:" settings
// applied), boot, insmod, the program's writes and reads through the
// driver, rmmod (SPEC §11: ≤ 20 ms natively).
func BenchmarkScullExample(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "ui", "examples", "07a-scull.c"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cfg := DefaultConfig()
		if s := SnippetSettings(src); s != "" {
			if err := cfg.Apply(s); err != nil {
				b.Fatal(err)
			}
		}
		p, diags := Compile("07a-scull.c", src, cfg)
		if p == nil {
			b.Fatal(diags)
		}
		s := NewSession(p)
		r := s.Run()
		s.Close()
		if r.ExitStatus != 0 || !bytes.Contains(r.Stdout, []byte("read back 20000: same")) {
			b.Fatalf("status %d: %s", r.ExitStatus, r.Stdout)
		}
	}
}
