package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/vugu/vugu/gen"
)

// TestGeneratedUpToDate regenerates the vugu components in a scratch copy
// of ui/ and fails when the checked-in 0_components_gen.go differs: run
// `go run ./build gen` and commit.
func TestGeneratedUpToDate(t *testing.T) {
	src := filepath.Join("..", uiDir)
	tmp := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".vugu" && filepath.Ext(e.Name()) != ".go" {
			continue
		}
		if e.Name() == "0_components_gen.go" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(tmp, e.Name()), b, 0o644)
	}
	opts := &gen.ParserGoPkgOpts{SkipGoMod: true, SkipMainGo: true, MergeSingle: true, MergeSingleName: "0_components_gen.go"}
	if err := gen.Run(tmp, opts); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(tmp, "0_components_gen.go"))
	got, _ := os.ReadFile(filepath.Join(src, "0_components_gen.go"))
	if !bytes.Equal(got, want) {
		t.Errorf("ui/0_components_gen.go is stale: run `go run ./build gen` and commit it")
	}
}
