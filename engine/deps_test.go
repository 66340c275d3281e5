package engine

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// allowedDeps pins which engine package may import which (STYLE.md,
// "Direction"): nothing points upward. Keys and values are paths below
// mmplay/engine ("" is the engine facade itself). A package missing from
// this table fails the test, so a new package must take a place in it.
var allowedDeps = map[string][]string{
	"arch":      {},
	"phys":      {"arch"},
	"buddy":     {"arch", "phys"},
	"pgtable":   {"arch", "phys", "buddy"},
	"slab":      {"arch", "phys", "buddy"},
	"vmalloc":   {"arch", "phys", "buddy", "pgtable", "slab"},
	"mm":        {"arch", "phys", "buddy", "pgtable"},
	"glibc":     {"arch"}, // glibc declares its own kernel interface
	"asan":      {"arch"},
	"cc/syntax": {"arch"},
	"cc/check":  {"arch", "cc/syntax"},
	"cc/interp": {"arch", "cc/syntax", "cc/check"},
	"libc": {"arch", "phys", "buddy", "pgtable", "mm", "glibc", "asan",
		"cc/syntax", "cc/check", "cc/interp"},
	"kernel": {"arch", "phys", "buddy", "pgtable", "slab", "vmalloc", "mm", "asan",
		"cc/syntax", "cc/check", "cc/interp", "libc"},
	"": {"arch", "phys", "buddy", "pgtable", "slab", "vmalloc", "mm", "glibc", "asan",
		"cc/syntax", "cc/check", "cc/interp", "libc", "kernel"},
	"cmd/mmplay": {"*"},
}

// forbidden imports for every engine package, tests included.
var forbiddenPrefixes = []string{"syscall/js", "mmplay/ui", "mmplay/wasm", "mmplay/build"}

func TestDeps(t *testing.T) {
	const mod = "mmplay/engine"
	imports := map[string]map[string]bool{} // package dir -> imported paths
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if dir == "." {
			dir = ""
		}
		if imports[dir] == nil {
			imports[dir] = map[string]bool{}
		}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			imports[dir][p] = true
			for _, bad := range forbiddenPrefixes {
				if p == bad || strings.HasPrefix(p, bad+"/") {
					t.Errorf("%s imports %s: engine code must not", path, p)
				}
			}
			if !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
				continue // standard library or this module
			}
			t.Errorf("%s imports third-party %s: engine/ is standard library only", path, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dirs := make([]string, 0, len(imports))
	for d := range imports {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		pkg := dir
		// subpackages of a listed package (e.g. internal helpers) follow it
		allowed, ok := allowedDeps[pkg]
		for !ok && strings.Contains(pkg, "/") {
			pkg = pkg[:strings.LastIndex(pkg, "/")]
			allowed, ok = allowedDeps[pkg]
		}
		if !ok {
			t.Errorf("engine/%s is not in allowedDeps: give it its place in the direction", dir)
			continue
		}
		if len(allowed) == 1 && allowed[0] == "*" {
			continue
		}
		ok2 := map[string]bool{pkg: true}
		for _, a := range allowed {
			ok2[a] = true
		}
		for p := range imports[dir] {
			if p == mod {
				if pkg != "" {
					t.Errorf("engine/%s imports the engine facade: dependencies point upward", dir)
				}
				continue
			}
			if !strings.HasPrefix(p, mod+"/") {
				continue
			}
			target := strings.TrimPrefix(p, mod+"/")
			tgt := target
			for !ok2[tgt] && strings.Contains(tgt, "/") && !(strings.HasPrefix(tgt, "cc/") && strings.Count(tgt, "/") == 1) {
				tgt = tgt[:strings.LastIndex(tgt, "/")]
			}
			if strings.HasPrefix(target, pkg+"/") || ok2[tgt] {
				continue
			}
			t.Errorf("engine/%s imports engine/%s: not allowed by the direction (allowed: %v)", dir, target, allowed)
		}
	}
	if _, err := os.Stat("arch"); err != nil {
		t.Fatalf("run from the engine directory: %v", err)
	}
}
