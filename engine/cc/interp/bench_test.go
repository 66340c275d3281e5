package interp

import (
	"testing"
)

// BenchmarkSimpleStatements measures the interpreter's statement rate
// (SPEC §11: ≥ 10 M simple statements per second natively) on
//
//	for (i = 0; i < N; i++) s += i;
//
// with both locals in simulated memory behind a page-cached fake
// Memory. Each iteration is two steps (the condition and the body).
func BenchmarkSimpleStatements(b *testing.B) {
	src := `long sum(long n) { long i, s = 0; for (i = 0; i < n; i++) s += i; return s; }
int main(void) { return 0; }`
	m := &machine{}
	p, err := compileTest(src, m)
	if err != nil {
		b.Fatal(err)
	}
	m.load(p)
	t := p.NewThread(m.mem, testStackTop, RunOptions{})
	const n = 1_000_000
	b.ReportAllocs()
	b.ResetTimer()
	var steps uint64
	for i := 0; i < b.N; i++ {
		before := t.Steps()
		r := t.Run("sum", n)
		if r.Value != n*(n-1)/2 {
			b.Fatalf("sum = %d", r.Value)
		}
		steps += t.Steps() - before
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds()/1e6, "Msteps/s")
}

// BenchmarkCalls measures snippet function calls (frame push, parameter
// spill, return).
func BenchmarkCalls(b *testing.B) {
	src := `int add(int a, int b) { return a + b; }
long loop(long n) { long i; int s = 0; for (i = 0; i < n; i++) s = add(s, 1); return s; }
int main(void) { return 0; }`
	m := &machine{}
	p, err := compileTest(src, m)
	if err != nil {
		b.Fatal(err)
	}
	m.load(p)
	t := p.NewThread(m.mem, testStackTop, RunOptions{})
	const n = 100_000
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := t.Run("loop", n); r.Value != n {
			b.Fatalf("loop = %d (%+v)", r.Value, r)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds()/1e6, "Mcalls/s")
}

// BenchmarkShapes measures loops of other common shapes (a block body, a
// while loop, an empty body), each with locals in simulated memory.
func BenchmarkShapes(b *testing.B) {
	for _, tc := range []struct{ name, src string }{
		{"empty", `long f(long n) { long i; for (i = 0; i < n; i++) ; return 0; }`},
		{"block", `long f(long n) { long i, s = 0, t = 0; for (i = 0; i < n; i++) { s += i; t += s; } return s; }`},
		{"while", `long f(long n) { long i = 0, s = 0; while (i < n) { s += i; i++; } return s; }`},
		{"int", `int f(long n) { int i, s = 0; for (i = 0; i < n; i++) s += i; return s; }`},
		{"array", `long f(long n) { long a[8], i, s = 0; for (i = 0; i < n; i++) { a[i & 7] = i; s += a[(i + 3) & 7]; } return s; }`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m := &machine{}
			p, err := compileTest(tc.src+"\nint main(void) { return 0; }", m)
			if err != nil {
				b.Fatal(err)
			}
			m.load(p)
			t := p.NewThread(m.mem, testStackTop, RunOptions{})
			const n = 1_000_000
			b.ResetTimer()
			var steps uint64
			for i := 0; i < b.N; i++ {
				before := t.Steps()
				t.Run("f", n)
				steps += t.Steps() - before
			}
			b.ReportMetric(float64(steps)/b.Elapsed().Seconds()/1e6, "Msteps/s")
		})
	}
}
