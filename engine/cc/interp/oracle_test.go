package interp

import (
	"os"
	"path/filepath"
	"testing"
)

func oracleCases(t testing.TB) []string {
	files, _ := filepath.Glob("../../../../shared/oracle/public/cases/*.c")
	if len(files) == 0 {
		files, _ = filepath.Glob("/work/shared/oracle/public/cases/*.c")
	}
	return files
}

// TestOracleProgramsRun compiles every oracle program and runs it to the
// end against the fake machine. The fake allocator is not glibc, so the
// output is not compared here (the engine's oracle test does that with
// the real models); what is checked is that the language runs them:
// they compile, run without a fault or the step limit, and print.
func TestOracleProgramsRun(t *testing.T) {
	files := oracleCases(t)
	if len(files) == 0 {
		t.Skip("oracle cases not found")
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out, r, err := runProgram(string(src), 50_000_000)
		base := filepath.Base(name)
		if err != nil {
			t.Errorf("%s: %v", base, err)
			continue
		}
		if r.Signal != nil || r.StepLimit || r.Status != 0 {
			t.Errorf("%s: ended with %+v (signal %v)", base, r, r.Signal)
		}
		if out == "" && base != "039-double-free-tcache.c" && base != "041-double-free-unsorted.c" && base != "043-free-bad-pointer.c" {
			t.Errorf("%s: printed nothing", base)
		}
	}
}
