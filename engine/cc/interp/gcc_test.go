package interp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAgainstGCC runs testdata/gcc/*.c and compares stdout with what the
// real program printed (see testdata/gcc/README).
func TestAgainstGCC(t *testing.T) {
	files, _ := filepath.Glob("testdata/gcc/*.c")
	if len(files) == 0 {
		t.Fatal("no programs in testdata/gcc")
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(strings.TrimSuffix(name, ".c") + ".out")
		if err != nil {
			t.Fatal(err)
		}
		m := &machine{}
		p, err := compileTest(string(src), m)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		m.load(p)
		var inv error
		th := p.NewThread(m.mem, testStackTop, RunOptions{MaxSteps: 10_000_000, OnStep: func(th *Thread) {
			if err := th.CheckInvariants(); err != nil && inv == nil {
				inv = err
			}
		}})
		r := th.Run("main")
		out := m.out.String()
		if err := p.CheckInvariants(); err != nil {
			t.Errorf("%s: program: %v", name, err)
		}
		if err := th.CheckInvariants(); err != nil || inv != nil {
			t.Errorf("%s: thread: %v %v", name, err, inv)
		}
		if r.Signal != nil || r.StepLimit || r.Status != 0 {
			t.Errorf("%s: ended with %+v (signal %v)", name, r, r.Signal)
		}
		if out != string(want) {
			t.Errorf("%s: output differs\n--- got\n%s--- want\n%s", name, out, want)
		}
	}
}
