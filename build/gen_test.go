package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate regenerates the vugu components (generate, as
// `go run ./build gen` does) and fails when the checked-in
// 0_components_gen.go differs: run `go run ./build gen` and commit.
func TestGeneratedUpToDate(t *testing.T) {
	src := filepath.Join("..", uiDir)
	want, err := generate(src)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(src, genFile))
	if string(got) != string(want) {
		t.Errorf("ui/%s is stale: run `go run ./build gen` and commit it", genFile)
	}
}

// TestGenerateDropsIndentation: whitespace with a line break between tags
// goes, a space on one line stays.
func TestGenerateDropsIndentation(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"<div>\n  <span>a</span> <span>b</span>\n</div>", "<div><span>a</span> <span>b</span></div>"},
		{"<p>text\n  <b>x</b></p>", "<p>text\n  <b>x</b></p>"},
		{"<a\n  href=x>\n\t\n<b/>", "<a\n  href=x><b/>"},
	} {
		if got := indentation.ReplaceAllString(c.in, "><"); got != c.want {
			t.Errorf("%q → %q, want %q", c.in, got, c.want)
		}
	}
}
