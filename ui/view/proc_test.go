package view

import (
	"strings"
	"testing"
)

// TestProcFilesAreReadable runs a program on each kernel and reads every
// file the /proc view offers from the session.
func TestProcFilesAreReadable(t *testing.T) {
	const prog = "#include <stdlib.h>\nint main(void)\n{\n    free(malloc(10));\n    return 0;\n}\n"
	for _, kernel := range []string{"6.1", "2.0"} {
		s, snap := runSnippet(t, "p.c", prog, "kernel="+kernel)
		if got := GetKey(snap.Config, "kernel"); got != kernel {
			t.Errorf("GetKey(%q, kernel) = %q, want %q", snap.Config, got, kernel)
		}
		files := ProcFiles(kernel)
		if len(files) < 7 {
			t.Errorf("kernel %s: only %v", kernel, files)
		}
		for _, f := range files {
			text, err := s.ProcFile(f)
			if err != nil {
				t.Errorf("kernel %s: %s: %v", kernel, f, err)
			}
			// vmallocinfo is empty when no area is in use (2.0 boots none).
			if strings.TrimSpace(text) == "" && f != "/proc/vmallocinfo" {
				t.Errorf("kernel %s: %s is empty", kernel, f)
			}
			if ProcHelp(f) == "" {
				t.Errorf("%s has no help", f)
			}
		}
	}
	// The engine serves no slabinfo on 2.0: the view does not offer it.
	for _, f := range ProcFiles("2.0") {
		if f == "/proc/slabinfo" {
			t.Error("2.0 offers /proc/slabinfo")
		}
	}
	if ProcHelp("/proc/scullpmem") != "" {
		t.Error("help for a module's file")
	}
}
