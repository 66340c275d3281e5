package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzEngine feeds arbitrary snippets through the whole engine — compile,
// boot, run on the real process, glibc and kernel models — with small
// limits. Whatever the input, the engine must answer with diagnostics or a
// result, never a Go panic (an internal error in the result counts as a
// failure: it is one) and never a hang. Seeds: the project's golden
// programs, the snippets beside this test and the UI's examples (user
// programs and kernel modules).
func FuzzEngine(f *testing.F) {
	for _, dir := range []string{"../testdata/golden/cases", "testdata", "../ui/examples"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.c"))
		for _, file := range files {
			if src, err := os.ReadFile(file); err == nil {
				f.Add(src)
			}
		}
	}
	f.Add([]byte("int main(void) { int *p = 0; return *p; }"))
	f.Add([]byte("#include <stdlib.h>\nint main(void) { char *p = malloc(8); free(p); free(p); return 0; }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg := DefaultConfig()
		cfg.MaxSteps = 20000
		cfg.RAM = 16 << 20
		p, _ := Compile("fuzz.c", src, cfg)
		if p == nil {
			return
		}
		s := NewSession(p)
		defer s.Close()
		r := s.Run()
		if r.Internal != nil {
			t.Fatalf("internal error: %v\n%s", r.Internal, src)
		}
	})
}
