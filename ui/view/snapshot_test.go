package view

import (
	"os"
	"testing"

	"mmplay/engine"
)

// session compiles src under settings ("k=v,…", "" for the defaults) and
// returns a session that has not run yet.
func session(t testing.TB, name, src, settings string) *engine.Session {
	t.Helper()
	cfg := engine.DefaultConfig()
	if err := cfg.Apply(settings); err != nil {
		t.Fatal(err)
	}
	p, diags := engine.Compile(name, []byte(src), cfg)
	if p == nil {
		t.Fatalf("compile %s: %v", name, diags)
	}
	s := engine.NewSession(p)
	t.Cleanup(s.Close)
	return s
}

// runSnippet runs src to its end and returns the session and its final
// snapshot.
func runSnippet(t testing.TB, name, src, settings string) (*engine.Session, *engine.Snapshot) {
	t.Helper()
	s := session(t, name, src, settings)
	r := s.Run()
	if r.Internal != nil {
		t.Fatalf("%s: internal error: %v", name, r.Internal)
	}
	snap := s.Snapshot()
	if snap == nil {
		t.Fatalf("%s: no snapshot after the run", name)
	}
	return s, snap
}

// galleryExample reads a gallery snippet.
func galleryExample(t testing.TB, file string) string {
	t.Helper()
	b, err := os.ReadFile("../examples/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
