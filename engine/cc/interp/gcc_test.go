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
		out, r, err := runProgram(string(src), 10_000_000)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if r.Signal != nil || r.StepLimit || r.Status != 0 {
			t.Errorf("%s: ended with %+v (signal %v)", name, r, r.Signal)
		}
		if out != string(want) {
			t.Errorf("%s: output differs\n--- got\n%s--- want\n%s", name, out, want)
		}
	}
}
