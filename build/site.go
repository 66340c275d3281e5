package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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
	out, err := generate(uiDir)
	if err != nil {
		return err
	}
	dst := filepath.Join(uiDir, genFile)
	if old, err := os.ReadFile(dst); err == nil && string(old) == string(out) {
		return nil
	}
	return os.WriteFile(dst, out, 0o644)
}

// genFile is the one file vugu's generator writes for all components.
const genFile = "0_components_gen.go"

// indentation is whitespace with a line break between two tags.
var indentation = regexp.MustCompile(`>[ \t]*\n[ \t\n]*<`)

// generate returns the generated code of the components in dir: the
// .vugu files' markup without its indentation (whitespace holding a line
// break between two tags), given to vugu's generator in a scratch copy
// of the package.
//
// RATIONALE: vugu makes a text node of every piece of whitespace between
// tags, with the code to build it on every render; the 289 pieces of the
// templates' indentation were 240 kB of the app's wasm (7.96 → 7.72 MB,
// brotli −45 kB against a 1.5 MB budget) and as many DOM text nodes. A
// line break between two tags is indentation by the templates' own
// convention: where a space between two inline elements matters, the
// template writes it on one line ("<span>a</span> <span>b</span>"),
// which stays.
func generate(dir string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "mmplay-gen-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		ext := filepath.Ext(name)
		if e.IsDir() || ext != ".vugu" && ext != ".go" || name == genFile || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if ext == ".vugu" {
			src := string(b)
			markup, script := src, ""
			if i := strings.Index(src, `<script type="application/x-go">`); i >= 0 {
				markup, script = src[:i], src[i:]
			}
			b = []byte(indentation.ReplaceAllString(markup, "><") + script)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			return nil, err
		}
	}
	opts := &gen.ParserGoPkgOpts{SkipGoMod: true, SkipMainGo: true, MergeSingle: true, MergeSingleName: genFile}
	if err := gen.Run(tmp, opts); err != nil {
		return nil, fmt.Errorf("vugu gen: %w", err)
	}
	out, err := os.ReadFile(filepath.Join(tmp, genFile))
	if err != nil {
		return nil, err
	}
	return dropBlankUses(out)
}

// dropBlankUses removes from vugu's generated code the "var _ pkg.T"
// lines that keep its standard imports used in every component, and the
// imports that are then unused, and formats the result as gofmt does.
//
// RATIONALE: an imported package's initialisation is linked into the
// app even when nothing of it is called: `var _ log.Logger` linked the
// log package (its standard logger and its time formatting, 21 kB of
// wasm) and `var _ vjson.RawMessage` encoding/json's, for no use; the app
// is within kilobytes of its 1.5 MB brotli budget (SPEC §11).
func dropBlankUses(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, genFile, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("vugu gen output: %w", err)
	}
	decls := f.Decls[:0]
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR && len(g.Specs) == 1 {
			if v, ok := g.Specs[0].(*ast.ValueSpec); ok && len(v.Names) == 1 && v.Names[0].Name == "_" && len(v.Values) == 0 {
				if _, ok := v.Type.(*ast.SelectorExpr); ok {
					continue
				}
			}
		}
		decls = append(decls, d)
	}
	f.Decls = decls
	// the packages still referred to
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := s.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	for _, imp := range f.Imports {
		name := ""
		if imp.Name != nil {
			name = imp.Name.Name
		} else {
			path := strings.Trim(imp.Path.Value, `"`)
			name = path[strings.LastIndex(path, "/")+1:]
		}
		if name != "_" && name != "." && !used[name] {
			astDeleteImport(f, imp)
		}
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// astDeleteImport removes one import spec from f's declarations.
func astDeleteImport(f *ast.File, imp *ast.ImportSpec) {
	for i := 0; i < len(f.Decls); i++ {
		g, ok := f.Decls[i].(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			continue
		}
		for j, s := range g.Specs {
			if s == imp {
				g.Specs = append(g.Specs[:j], g.Specs[j+1:]...)
				if len(g.Specs) == 0 {
					f.Decls = append(f.Decls[:i], f.Decls[i+1:]...)
				}
				return
			}
		}
	}
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
func genOutputs() []string { return []string{filepath.Join(uiDir, genFile)} }

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
