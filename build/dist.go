package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// The dist stage turns the site's sources into what a static host serves
// (SPEC §8). Its sources are public/ (hand-written: the HTML pages, boot.js,
// sw.js, embed.js, the manifest, _headers, the CSS) and a few generated
// files: the app's wasm (.build/app.wasm), Go's wasm_exec.js and the icons
// (icons.go).
//
// Every file is either an entry, kept at its own name because other pages
// link to it (the *.html pages, sw.js, embed.js, the manifest, _headers),
// or an asset, renamed to assets/<stem>.<hash>.<ext> with the first 10 hex
// digits of the SHA-256 of its final bytes, so a host may cache it forever
// (_headers: immutable) and a new build never collides with an old one.
//
// Steps:
//
//  1. Collect the sources; a public/ file may not shadow a generated one.
//  2. Find the references in each text file: an asset's source name as
//     the whole of a quoted string or url(…) ("boot.js", 'app.css',
//     url(icon.svg), "./app.wasm"). Prose that mentions a name is left
//     alone.
//  3. Name the assets in dependency order (a file's hash covers the
//     rewritten names of what it references: boot.js names the wasm, so a
//     new wasm gives a new boot.js, a new index.html and a new cache
//     version). A reference becomes the target's path relative to where
//     the browser resolves it: the referring file's own directory for
//     HTML, CSS, SVG and the manifest; the page (the site root) for JS,
//     whose fetch() resolves against the document, not the script.
//  4. Rewrite the entries the same way. sw.js gets its build line:
//     const BUILD = {"version":…,"precache":[…]}; where precache is
//     index.html, the manifest, and everything they reference, directly or
//     not, and version is a hash of their contents.
//  5. Make the single-file build mmplay.html from index.html (singlefile.go).
//  6. Compress every text file and the wasm to .br (brotli 11, window 2^24)
//     and .gz (gzip 9) beside it, keeping only variants smaller than the
//     original; results are cached by content in .build/z/ (compress.go).
//  7. Write dist/, touching only files whose bytes changed (so the server's
//     Last-Modified, and so revalidation, survive a rebuild), and delete
//     files no longer part of the site (old hashed names).

const (
	assetsDir = "assets" // where hashed assets live, under dist/
	hashLen   = 10       // hex digits of SHA-256 in an asset's name
	buildLine = "const BUILD = "
)

// entryNames are the files kept at their own names besides the *.html pages.
var entryNames = map[string]bool{
	"sw.js":                true, // a service worker's URL is its identity
	"embed.js":             true, // authors' pages link to it
	"manifest.webmanifest": true, // the installed app's identity
	"_headers":             true, // read by the host, never served
	"robots.txt":           true,
}

// textExts are the files searched for references and compressed.
var textExts = map[string]bool{
	".html": true, ".js": true, ".css": true, ".svg": true, ".webmanifest": true,
	".json": true, ".txt": true,
}

// resolvesFromRoot lists the text types whose relative URLs resolve
// against the page rather than the file itself.
var resolvesFromRoot = map[string]bool{".js": true}

// file is one file of the site.
type file struct {
	name string // source name, slash-separated, relative to public/: "boot.js", "app.wasm"
	data []byte // contents; after naming, the final contents
	src  []byte // contents as written (before references were rewritten)
	out  string // path under dist/: "index.html", "assets/boot.1a2b3c4d5e.js"; "" until named
	refs []string
}

func (f *file) entry() bool {
	return strings.HasSuffix(f.name, ".html") || entryNames[f.name]
}

func (f *file) text() bool { return textExts[path.Ext(f.name)] }

// distSite is the built site before compression: path under dist/ → contents.
type distSite struct {
	files    map[string]*file // by source name
	out      map[string][]byte
	precache []string // sw.js's list, paths relative to the site root
	version  string
}

// buildSite names, rewrites and links the sources (steps 2–5); gzip
// compresses the wasm for the single-file build.
func buildSite(srcs []*file, gzip func([]byte) []byte) (*distSite, error) {
	s := &distSite{files: map[string]*file{}, out: map[string][]byte{}}
	var names []string
	for _, f := range srcs {
		if _, dup := s.files[f.name]; dup {
			return nil, fmt.Errorf("%s: two sources have this name (a public/ file shadows a generated one?)", f.name)
		}
		f.src = f.data
		s.files[f.name] = f
		names = append(names, f.name)
	}
	sort.Strings(names)
	if s.files["index.html"] == nil {
		return nil, fmt.Errorf("public/index.html is missing")
	}

	refRe := referenceRegexp(names)
	for _, n := range names {
		f := s.files[n]
		if !f.text() {
			continue
		}
		seen := map[string]bool{}
		for _, m := range refRe.FindAllSubmatch(f.data, -1) {
			r := string(m[2])
			if r != f.name && !seen[r] {
				seen[r] = true
				f.refs = append(f.refs, r)
			}
		}
	}

	// Step 3: assets in dependency order.
	order, err := s.assetOrder(names)
	if err != nil {
		return nil, err
	}
	for _, f := range order {
		f.data = rewrite(f, s.files, refRe)
		sum := sha256.Sum256(f.data)
		ext := path.Ext(f.name)
		f.out = assetsDir + "/" + strings.TrimSuffix(f.name, ext) + "." + hex.EncodeToString(sum[:])[:hashLen] + ext
	}
	// Step 4: entries, sw.js last (its list needs the others' final bytes).
	for _, n := range names {
		f := s.files[n]
		if f.entry() {
			f.out = f.name
			if f.name != "sw.js" {
				f.data = rewrite(f, s.files, refRe)
			}
		}
	}
	if sw := s.files["sw.js"]; sw != nil {
		if err := s.fillServiceWorker(sw); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		f := s.files[n]
		s.out[f.out] = f.data
	}
	// Step 5.
	single, err := singleFile(s.files, gzip)
	if err != nil {
		return nil, fmt.Errorf("mmplay.html: %w", err)
	}
	s.out["mmplay.html"] = single
	return s, nil
}

// referenceRegexp matches a reference to any of names: the name as the whole
// of a quoted string or a url(…), optionally after "./". Group 2 is the name.
func referenceRegexp(names []string) *regexp.Regexp {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	// Longest first, so that "app.css.map" is not taken for "app.css".
	sort.Slice(quoted, func(i, j int) bool { return len(quoted[i]) > len(quoted[j]) })
	return regexp.MustCompile(`(["'(])(?:\./)?(` + strings.Join(quoted, "|") + `)([?#"')])`)
}

// assetOrder returns the assets so that each comes after what it references.
func (s *distSite) assetOrder(names []string) ([]*file, error) {
	var order []*file
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(n string, chain []string) error
	visit = func(n string, chain []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("assets reference each other in a cycle: %s", strings.Join(append(chain, n), " → "))
		case 2:
			return nil
		}
		state[n] = 1
		f := s.files[n]
		for _, r := range f.refs {
			if !s.files[r].entry() {
				if err := visit(r, append(chain, n)); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		order = append(order, f)
		return nil
	}
	for _, n := range names {
		if !s.files[n].entry() {
			if err := visit(n, nil); err != nil {
				return nil, err
			}
		}
	}
	return order, nil
}

// rewrite returns f's contents with each reference replaced by the
// target's output path, relative to where the browser resolves it.
// Preconditions: every file f references has its out path.
func rewrite(f *file, files map[string]*file, refRe *regexp.Regexp) []byte {
	if len(f.refs) == 0 {
		return f.data
	}
	base := path.Dir(f.outOrName())
	if resolvesFromRoot[path.Ext(f.name)] {
		base = "."
	}
	return refRe.ReplaceAllFunc(f.data, func(m []byte) []byte {
		sub := refRe.FindSubmatch(m)
		t := files[string(sub[2])]
		if t == f {
			return m
		}
		rel := relPath(base, t.outOrName())
		return []byte(string(sub[1]) + rel + string(sub[3]))
	})
}

// outOrName is where f will be: its out path once named; an asset being
// named lands in assets/, an entry stays at its name.
func (f *file) outOrName() string {
	switch {
	case f.out != "":
		return f.out
	case f.entry():
		return f.name
	}
	return assetsDir + "/" + f.name
}

// relPath is target (slash-separated, relative to the site root) as seen
// from the directory dir (also relative to the root).
func relPath(dir, target string) string {
	if dir == "." || dir == "" {
		return target
	}
	d := strings.Split(dir, "/")
	t := strings.Split(target, "/")
	i := 0
	for i < len(d) && i < len(t)-1 && d[i] == t[i] {
		i++
	}
	return strings.Repeat("../", len(d)-i) + strings.Join(t[i:], "/")
}

// fillServiceWorker writes sw.js's build line: the app shell to precache
// and a version that changes whenever any of it does.
func (s *distSite) fillServiceWorker(sw *file) error {
	roots := []string{"index.html", "manifest.webmanifest"}
	seen := map[string]bool{}
	var walk func(n string)
	walk = func(n string) {
		f := s.files[n]
		if f == nil || seen[n] {
			return
		}
		seen[n] = true
		for _, r := range f.refs {
			if r != "sw.js" {
				walk(r)
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}
	var list []string
	for n := range seen {
		list = append(list, s.files[n].out)
	}
	sort.Strings(list)
	h := sha256.New()
	for _, n := range sortedKeys(seen) {
		f := s.files[n]
		fmt.Fprintf(h, "%s %d\n", f.out, len(f.data))
		h.Write(f.data)
	}
	s.precache = list
	s.version = hex.EncodeToString(h.Sum(nil))[:12]

	build, _ := json.Marshal(struct {
		Version  string   `json:"version"`
		Precache []string `json:"precache"`
	}{s.version, list})
	var out []byte
	n := 0
	for _, line := range bytes.SplitAfter(sw.data, []byte("\n")) {
		if bytes.HasPrefix(line, []byte(buildLine)) {
			n++
			line = []byte(buildLine + string(build) + ";\n")
		}
		out = append(out, line...)
	}
	if n != 1 {
		return fmt.Errorf("sw.js: want exactly one line starting %q for the build to fill, found %d", buildLine, n)
	}
	sw.data = out
	return nil
}

func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// assemble builds dist/ from the sources (all steps).
func assemble() error {
	srcs, err := collectSources()
	if err != nil {
		return err
	}
	z := newCompressor(filepath.Join(cacheDir, "z"))
	s, err := buildSite(srcs, func(b []byte) []byte { return z.compress(b, ".gz") })
	if err != nil {
		return err
	}
	outs := map[string][]byte{}
	for p, data := range s.out {
		outs[p] = data
	}
	compressed := z.compressAll(s.out, func(p string) bool {
		return textExts[path.Ext(p)] || path.Ext(p) == ".wasm"
	})
	for p, data := range compressed {
		outs[p] = data
	}
	if err := z.prune(); err != nil {
		return err
	}
	if err := writeTree(distDir, outs); err != nil {
		return err
	}
	report(s, outs)
	return nil
}

// collectSources reads public/ and makes the generated files (step 1).
func collectSources() ([]*file, error) {
	var srcs []*file
	err := filepath.WalkDir(publicDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(publicDir, p)
		if strings.HasPrefix(d.Name(), ".") {
			return nil // editor and OS litter
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		srcs = append(srcs, &file{name: filepath.ToSlash(rel), data: b})
		return nil
	})
	if err != nil {
		return nil, err
	}
	goroot, err := goEnv("GOROOT")
	if err != nil {
		return nil, err
	}
	wasmExec, err := os.ReadFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return nil, fmt.Errorf("wasm_exec.js: %w", err)
	}
	wasm, err := os.ReadFile(filepath.Join(cacheDir, appWasm))
	if err != nil {
		return nil, fmt.Errorf("the app's wasm (run `go run ./build wasm`): %w", err)
	}
	srcs = append(srcs,
		&file{name: "wasm_exec.js", data: wasmExec},
		&file{name: appWasm, data: wasm},
	)
	for _, ic := range iconFiles() {
		srcs = append(srcs, &file{name: ic.name, data: ic.data})
	}
	return srcs, nil
}

// writeTree makes dir hold exactly files (step 7).
func writeTree(dir string, files map[string][]byte) error {
	for p, data := range files {
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, data) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		tmp := dst + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
	}
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel != "." {
				dirs = append(dirs, p)
			}
			return nil
		}
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			return os.Remove(p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i]) // only succeeds when empty
	}
	return nil
}

// report prints the sizes that matter (SPEC §11, BENCHMARKS.md).
func report(s *distSite, outs map[string][]byte) {
	wasm := s.files[appWasm].out
	var cold, coldRaw int
	for _, p := range s.precache {
		cold += brSize(outs, p)
		coldRaw += len(outs[p])
	}
	fmt.Fprintf(os.Stderr, "dist: %d files; %s %s bytes (br %s, gz %s); app shell (index.html, what it loads, the manifest's icons): %d files, %s bytes (br %s); mmplay.html %s bytes\n",
		len(outs), wasm, commas(len(outs[wasm])), commas(brSize(outs, wasm)), commas(len(outs[wasm+".gz"])),
		len(s.precache), commas(coldRaw), commas(cold), commas(len(outs["mmplay.html"])))
}

func brSize(outs map[string][]byte, p string) int {
	if b, ok := outs[p+".br"]; ok {
		return len(b)
	}
	return len(outs[p])
}

func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// dataURI is b as a data: URL (base64).
func dataURI(mime string, b []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b)
}
