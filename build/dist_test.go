package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// testSources is a small site with every kind of reference the real one has.
func testSources(wasm string) []*file {
	return []*file{
		{name: "index.html", data: []byte(`<!doctype html><html><head>
<link rel="icon" href="icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="touch.png">
<link rel="manifest" href="manifest.webmanifest">
<link rel="stylesheet" href="app.css">
</head><body><p>app.css in prose stays</p>
<script src="wasm_exec.js"></script>
<script src="boot.js"></script>
</body></html>
`)},
		{name: "app.css", data: []byte(`body { background: url(bg.png); } .x { background: url("./bg.png"); }` + "\n")},
		{name: "bg.png", data: []byte("PNG bytes")},
		{name: "touch.png", data: []byte("touch PNG bytes")},
		{name: "icon.svg", data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		{name: "boot.js", data: []byte(`// loads app.wasm (prose)
fetch("app.wasm"); navigator.serviceWorker.register('sw.js');
`)},
		{name: "wasm_exec.js", data: []byte("class Go {}\n")},
		{name: "app.wasm", data: []byte(wasm)},
		{name: "manifest.webmanifest", data: []byte(`{"icons": [{"src": "icon.svg"}, {"src": "bg.png"}]}`)},
		{name: "sw.js", data: []byte("// the worker\nconst BUILD = {};\nself.x = 1;\n")},
		{name: "embed.js", data: []byte(`new URL("index.html", base);`)},
		{name: "tutorial.html", data: []byte(`<script src="embed.js"></script><img src="icon.svg">`)},
	}
}

func plainGzip(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func mustBuild(t *testing.T, srcs []*file) *distSite {
	t.Helper()
	s, err := buildSite(srcs, plainGzip)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var hashed = regexp.MustCompile(`^assets/[a-z_-]+\.[0-9a-f]{10}\.[a-z]+$`)

func TestBuildSiteNames(t *testing.T) {
	s := mustBuild(t, testSources("wasm v1"))
	for name, want := range map[string]string{
		"index.html": "index.html", "sw.js": "sw.js", "embed.js": "embed.js",
		"manifest.webmanifest": "manifest.webmanifest", "tutorial.html": "tutorial.html",
	} {
		if got := s.files[name].out; got != want {
			t.Errorf("%s: out = %q, want %q (an entry keeps its name)", name, got, want)
		}
	}
	for _, name := range []string{"app.css", "bg.png", "icon.svg", "boot.js", "wasm_exec.js", "app.wasm"} {
		if got := s.files[name].out; !hashed.MatchString(got) {
			t.Errorf("%s: out = %q, want assets/<stem>.<10 hex>.<ext>", name, got)
		}
	}
	if _, ok := s.out["mmplay.html"]; !ok {
		t.Error("no mmplay.html")
	}
}

func TestBuildSiteReferences(t *testing.T) {
	s := mustBuild(t, testSources("wasm v1"))
	out := func(n string) string { return s.files[n].out }
	index := string(s.out["index.html"])
	for _, want := range []string{`href="` + out("app.css") + `"`, `src="` + out("boot.js") + `"`,
		`href="` + out("icon.svg") + `"`, `href="manifest.webmanifest"`, "<p>app.css in prose stays</p>"} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %s:\n%s", want, index)
		}
	}
	// JS resolves against the page (the root), CSS against itself (assets/).
	boot := string(s.out[out("boot.js")])
	if !strings.Contains(boot, `fetch("`+out("app.wasm")+`")`) || !strings.Contains(boot, `register('sw.js')`) ||
		!strings.Contains(boot, "// loads app.wasm (prose)") {
		t.Errorf("boot.js:\n%s", boot)
	}
	bg := strings.TrimPrefix(out("bg.png"), "assets/")
	css := string(s.out[out("app.css")])
	if want := `url(` + bg + `)`; !strings.Contains(css, want) || !strings.Contains(css, `url("`+bg+`")`) {
		t.Errorf("app.css lacks %s:\n%s", want, css)
	}
	if man := string(s.out["manifest.webmanifest"]); !strings.Contains(man, `"src": "`+out("icon.svg")+`"`) {
		t.Errorf("manifest:\n%s", man)
	}
	if tut := string(s.out["tutorial.html"]); !strings.Contains(tut, `src="embed.js"`) || !strings.Contains(tut, `src="`+out("icon.svg")+`"`) {
		t.Errorf("tutorial.html:\n%s", tut)
	}
}

// A new wasm renames the wasm, boot.js (which names it) and changes
// index.html and the service worker's version; nothing else moves.
func TestBuildSiteHashesFollowReferences(t *testing.T) {
	a := mustBuild(t, testSources("wasm v1"))
	b := mustBuild(t, testSources("wasm v2"))
	for _, n := range []string{"app.wasm", "boot.js"} {
		if a.files[n].out == b.files[n].out {
			t.Errorf("%s kept its name %s across a new wasm", n, a.files[n].out)
		}
	}
	for _, n := range []string{"app.css", "bg.png", "wasm_exec.js", "icon.svg"} {
		if a.files[n].out != b.files[n].out {
			t.Errorf("%s was renamed (%s → %s) though it did not change", n, a.files[n].out, b.files[n].out)
		}
	}
	if a.version == b.version {
		t.Error("the service worker's version did not change")
	}
	c := mustBuild(t, testSources("wasm v1"))
	if a.version != c.version || !bytes.Equal(a.out["sw.js"], c.out["sw.js"]) {
		t.Error("two builds of the same sources differ")
	}
}

func TestBuildSiteServiceWorker(t *testing.T) {
	s := mustBuild(t, testSources("wasm v1"))
	sw := string(s.out["sw.js"])
	line := regexp.MustCompile(`(?m)^const BUILD = (.*);$`).FindStringSubmatch(sw)
	if line == nil {
		t.Fatalf("sw.js has no build line:\n%s", sw)
	}
	var build struct {
		Version  string
		Precache []string
	}
	if err := json.Unmarshal([]byte(line[1]), &build); err != nil {
		t.Fatal(err)
	}
	out := func(n string) string { return s.files[n].out }
	want := []string{out("app.css"), out("app.wasm"), out("bg.png"), out("boot.js"), out("icon.svg"),
		out("touch.png"), out("wasm_exec.js"), "index.html", "manifest.webmanifest"}
	sort.Strings(want)
	if strings.Join(build.Precache, " ") != strings.Join(want, " ") {
		t.Errorf("precache = %v\nwant       %v", build.Precache, want)
	}
	if build.Version != s.version || len(build.Version) != 12 {
		t.Errorf("version = %q", build.Version)
	}
	if !strings.HasPrefix(sw, "// the worker\n") || !strings.HasSuffix(sw, "self.x = 1;\n") {
		t.Errorf("sw.js lost its other lines:\n%s", sw)
	}
}

func TestSingleFile(t *testing.T) {
	s := mustBuild(t, testSources("\x00asm wasm v1"))
	html := string(s.out["mmplay.html"])
	for _, bad := range []string{`src="assets/`, `href="assets/`, `rel="manifest"`, "apple-touch-icon", `<script src=`} {
		if strings.Contains(html, bad) {
			t.Errorf("mmplay.html still has %s:\n%s", bad, html)
		}
	}
	for _, want := range []string{"<style>\nbody { background: url(data:image/png;base64,", `href="data:image/svg+xml;base64,`,
		"class Go {}", `fetch("assets/`, `<p>app.css in prose stays</p>`} {
		if !strings.Contains(html, want) {
			t.Errorf("mmplay.html lacks %s:\n%s", want, html)
		}
	}
	m := regexp.MustCompile(`<script type="application/octet-stream" id="mmplay-wasm" data-encoding="gzip">([^<]*)</script>\n<script>\n// loads`).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no wasm block just before boot.js:\n%s", html)
	}
	z, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(r); string(b) != "\x00asm wasm v1" {
		t.Errorf("the inlined wasm is %q", b)
	}
}

func TestBuildSiteErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func([]*file) []*file
		want   string
	}{
		{"sw.js without its build line", func(fs []*file) []*file {
			set(fs, "sw.js", "self.x = 1;\n")
			return fs
		}, `want exactly one line starting "const BUILD = "`},
		{"two assets naming each other", func(fs []*file) []*file {
			set(fs, "app.css", `@import "x.css";`)
			return append(fs, &file{name: "x.css", data: []byte(`@import "app.css";`)})
		}, "cycle"},
		{"a public file shadowing a generated one", func(fs []*file) []*file {
			return append(fs, &file{name: "app.wasm", data: []byte("again")})
		}, "two sources"},
		{"index.html loading a file that is not there", func(fs []*file) []*file {
			set(fs, "index.html", `<script src="boot.js"></script><script src="nothere.js"></script>`)
			return fs
		}, "nothere.js"},
		{"index.html with a script that cannot be inlined", func(fs []*file) []*file {
			set(fs, "wasm_exec.js", `document.write("</script>")`)
			return fs
		}, "cannot be inlined"},
		{"index.html with a link the single file cannot inline", func(fs []*file) []*file {
			set(fs, "index.html", `<link rel="preload" href="app.css"><script src="boot.js"></script>`)
			return fs
		}, `rel="preload"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := buildSite(tc.change(testSources("w")), plainGzip)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func set(fs []*file, name, data string) {
	for _, f := range fs {
		if f.name == name {
			f.data = []byte(data)
			return
		}
	}
	panic("no " + name)
}

func TestRelPath(t *testing.T) {
	for _, tc := range []struct{ dir, target, want string }{
		{".", "assets/a.css", "assets/a.css"},
		{"assets", "assets/bg.png", "bg.png"},
		{"assets", "index.html", "../index.html"},
		{"assets/fonts", "assets/bg.png", "../bg.png"},
		{"docs", "assets/a.css", "../assets/a.css"},
	} {
		if got := relPath(tc.dir, tc.target); got != tc.want {
			t.Errorf("relPath(%q, %q) = %q, want %q", tc.dir, tc.target, got, tc.want)
		}
	}
}

func TestIcons(t *testing.T) {
	for _, ic := range iconFiles() {
		if len(ic.data) == 0 {
			t.Errorf("%s is empty", ic.name)
		}
		if strings.HasSuffix(ic.name, ".png") && !bytes.HasPrefix(ic.data, []byte("\x89PNG")) {
			t.Errorf("%s is not a PNG", ic.name)
		}
	}
	a, b := logoAny.png(48), logoAny.png(48)
	if !bytes.Equal(a, b) {
		t.Error("the icon is not deterministic (its hash would change every build)")
	}
}
