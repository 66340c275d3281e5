package glibc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oracleDir is where the shared oracle lives, seen from this package.
const oracleDir = "../../../shared/oracle/public"

func readOracle(t *testing.T, name string) (src, out, errText string) {
	t.Helper()
	if _, err := os.Stat(oracleDir); err != nil {
		t.Skipf("oracle directory %s not present: %v", oracleDir, err)
	}
	b, err := os.ReadFile(filepath.Join(oracleDir, "cases", name+".c"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := os.ReadFile(filepath.Join(oracleDir, "expected", name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := os.ReadFile(filepath.Join(oracleDir, "expected", name+".err"))
	return string(b), string(o), string(e)
}

// liveDesc names the trace being checked, for the failure message.
var liveDesc string

func checkEvery(t *testing.T) func(*Malloc) {
	return func(m *Malloc) {
		t.Helper()
		if err := m.CheckInvariants(); err != nil {
			t.Fatalf("%sinvariants: %v", liveDesc, err)
		}
	}
}

func compareOutput(t *testing.T, gotOut, gotErr, wantOut, wantErr string) {
	t.Helper()
	if gotOut != wantOut {
		t.Errorf("stdout differs:\n got:\n%s\nwant:\n%s", gotOut, wantOut)
		gl, wl := strings.Split(gotOut, "\n"), strings.Split(wantOut, "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Errorf("first difference at line %d: got %q want %q", i+1, gl[i], wl[i])
				break
			}
		}
	}
	if gotErr != wantErr {
		t.Errorf("stderr differs: got %q want %q", gotErr, wantErr)
	}
}

// TestOracleRandomTraces runs the oracle's random traces (045, 046) on the
// model: the program text is parsed back into its malloc/free/... calls.
func TestOracleRandomTraces(t *testing.T) {
	for _, name := range []string{"045-random-small", "046-random-mixed"} {
		t.Run(name, func(t *testing.T) {
			src, out, errText := readOracle(t, name)
			ops, _, err := parseTrace(src)
			if err != nil {
				t.Fatal(err)
			}
			gotOut, gotErr := runTrace(ops, checkEvery(t))
			compareOutput(t, gotOut, gotErr, out, errText)
		})
	}
}
