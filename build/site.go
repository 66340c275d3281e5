package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vugu/vugu/gen"
)

// The site is built in three stages, each redone only when stale, so that
// `go run ./build serve` on a fresh checkout is one command and a second
// run costs little:
//
//  1. gen:  ui/*.vugu → ui/*_gen.go (vugu's code generator, as a library);
//  2. wasm: GOOS=js GOARCH=wasm go build ./wasm/app → .build/app.wasm
//     (trimmed: -trimpath, -ldflags=-s -w, no debug info);
//  3. dist: public/, Go's wasm_exec.js, the icons and
//     the wasm, made into the deployable site in dist/: content-hashed
//     names, .br and .gz files, the service worker's precache list and the
//     single-file build (dist.go). Always redone; the expensive part, brotli
//     on the wasm, is cached by content in .build/z/.
//
// RATIONALE: the compiled wasm is an intermediate, not part of the site
// (the site has it as assets/app.<hash>.wasm), so it lives in .build/,
// outside dist/, and a deploy of dist/ uploads no stray copy.
//
// RATIONALE: the generated ui/*_gen.go files are checked in, so that
// `go vet ./...` and `go test ./...` work on a fresh clone before any
// build; TestGeneratedUpToDate (build/gen_test.go) fails when they drift
// from the .vugu sources.

const (
	uiDir     = "ui"
	publicDir = "public"
	distDir   = "dist"
	cacheDir  = ".build" // intermediates: the compiled wasm, compressed files (git-ignored)
	appPkg    = "./wasm/app"
	appWasm   = "app.wasm"
)

// runGen regenerates the vugu components.
func runGen(args []string) error {
	abs, err := filepath.Abs(uiDir)
	if err != nil {
		return err
	}
	name := "0_components_gen.go"
	opts := &gen.ParserGoPkgOpts{SkipGoMod: true, SkipMainGo: true, MergeSingle: true, MergeSingleName: name}
	if err := gen.Run(abs, opts); err != nil {
		return fmt.Errorf("vugu gen: %w", err)
	}
	return nil
}

// runWasm compiles the browser app.
func runWasm(args []string) error {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	out := filepath.Join(cacheDir, appWasm)
	return run([]string{"GOOS=js", "GOARCH=wasm"}, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, appPkg)
}

// runDist builds the whole site into dist/, redoing stale stages.
func runDist(args []string) error {
	if stale(genOutputs(), genInputs()) {
		if err := runGen(nil); err != nil {
			return err
		}
	}
	if stale([]string{filepath.Join(cacheDir, appWasm)}, wasmInputs()) {
		if err := runWasm(nil); err != nil {
			return err
		}
	}
	return assemble()
}

func genInputs() []string  { return glob(uiDir, ".vugu") }
func genOutputs() []string { return []string{filepath.Join(uiDir, "0_components_gen.go")} }

// wasmInputs is every Go file the app could depend on, with go.mod.
func wasmInputs() []string {
	var in []string
	for _, dir := range []string{"engine", "ui", "wasm"} {
		in = append(in, glob(dir, ".go")...)
		in = append(in, glob(dir, ".c")...) // embedded examples
	}
	return append(in, "go.mod", "go.sum")
}

// glob lists the files under dir with the given suffix.
func glob(dir, suffix string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, suffix) && !strings.HasSuffix(p, "_test.go") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// stale reports whether any output is missing or older than any input.
func stale(outputs, inputs []string) bool {
	var oldest time.Time
	for i, o := range outputs {
		st, err := os.Stat(o)
		if err != nil {
			return true
		}
		if i == 0 || st.ModTime().Before(oldest) {
			oldest = st.ModTime()
		}
	}
	for _, in := range inputs {
		if st, err := os.Stat(in); err == nil && st.ModTime().After(oldest) {
			return true
		}
	}
	return false
}
