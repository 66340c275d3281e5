package site

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testHeaders = `# comment
/*
  Content-Security-Policy: default-src 'self'
  X-Test: all

/assets/*
  Cache-Control: public, max-age=31536000, immutable
/
  Cache-Control: no-cache
/index.html
  Cache-Control: no-cache
/:page/raw
  X-Test: raw
  ! Content-Security-Policy
`

func TestHeadersFor(t *testing.T) {
	rs, err := ParseHeaders([]byte(testHeaders))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want map[string]string // "" means absent
	}{
		{"/", map[string]string{"Cache-Control": "no-cache", "Content-Security-Policy": "default-src 'self'", "X-Test": "all"}},
		{"/index.html", map[string]string{"Cache-Control": "no-cache"}},
		{"/assets/app.0123456789.wasm", map[string]string{"Cache-Control": "public, max-age=31536000, immutable", "X-Test": "all"}},
		{"/assets/deep/er.css", map[string]string{"Cache-Control": "public, max-age=31536000, immutable"}},
		{"/tutorial.html", map[string]string{"Cache-Control": "", "Content-Security-Policy": "default-src 'self'"}},
		{"/xassets/a.js", map[string]string{"Cache-Control": ""}},
		// a placeholder is one segment; a detach removes; two rules join
		{"/notes/raw", map[string]string{"Content-Security-Policy": "", "X-Test": "all, raw"}},
		{"/a/b/raw", map[string]string{"Content-Security-Policy": "default-src 'self'", "X-Test": "all"}},
	} {
		h := rs.For(tc.path)
		for k, v := range tc.want {
			if got := h.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", tc.path, k, got, v)
			}
		}
	}
}

func TestParseHeadersErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  X-A: b\n", "_headers:1: a header before any path pattern"},
		{"/a\n  no colon here\n", "_headers:2: want \"Name: value\""},
		{"/a\nassets/*\n", "_headers:2: a path pattern must start with '/'"},
	} {
		_, err := ParseHeaders([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseHeaders(%q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
}

// The project's own _headers parses and says what the site needs.
func TestProjectHeaders(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "public", "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := ParseHeaders(b)
	if err != nil {
		t.Fatal(err)
	}
	csp := rs.For("/index.html").Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval';", "img-src 'self' data:", "frame-ancestors *", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, d := range strings.Split(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src ") && d != "script-src 'self' 'wasm-unsafe-eval'" {
			t.Errorf("CSP %q: scripts may come from more than this site's files: %q", csp, d)
		}
	}
	for p, want := range map[string]string{
		"/": "no-cache", "/index.html": "no-cache", "/sw.js": "no-cache", "/embed.js": "no-cache",
		"/assets/app.0123456789.wasm": "public, max-age=31536000, immutable",
	} {
		if got := rs.For(p).Get("Cache-Control"); got != want {
			t.Errorf("%s: Cache-Control %q, want %q", p, got, want)
		}
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	for p, s := range files {
		f := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(f), 0o755)
		if err := os.WriteFile(f, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func get(t *testing.T, h http.Handler, path string, hdr ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(r *http.Response) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func TestHandler(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"_headers":                testHeaders,
		"index.html":              "<p>index</p>",
		"index.html.br":           "BROTLI",
		"index.html.gz":           "GZIP",
		"assets/a.0123456789.js":  "js",
		"assets/a.0123456789.css": "css",
		"app.wasm":                "wasm",
		"build.tmp":               "half-written",
		".hidden":                 "x",
	})
	h := Handler(dir)

	r := get(t, h, "/", "Accept-Encoding", "gzip, deflate, br")
	if r.StatusCode != 200 || body(r) != "BROTLI" || r.Header.Get("Content-Encoding") != "br" ||
		r.Header.Get("Content-Type") != "text/html; charset=utf-8" || r.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("GET / (br): %d %v", r.StatusCode, r.Header)
	}
	if r.ContentLength != int64(len("BROTLI")) {
		t.Errorf("GET / (br): Content-Length %d, want the .br file's", r.ContentLength)
	}
	if r.Header.Get("Content-Security-Policy") == "" || r.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("GET /: the _headers rules were not applied: %v", r.Header)
	}
	if r := get(t, h, "/index.html?embed", "Accept-Encoding", "gzip, br;q=0"); r.StatusCode != 200 || body(r) != "GZIP" {
		t.Errorf("GET /index.html?embed (gzip, br refused): %d %q %v (no redirect to /, gzip chosen)", r.StatusCode, body(r), r.Header)
	}
	if r := get(t, h, "/index.html"); body(r) != "<p>index</p>" || r.Header.Get("Content-Encoding") != "" {
		t.Errorf("GET /index.html (no Accept-Encoding): %q %v", body(r), r.Header)
	}
	r = get(t, h, "/assets/a.0123456789.js")
	if r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("GET an asset: %v", r.Header)
	}
	if r := get(t, h, "/app.wasm"); r.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("GET /app.wasm: Content-Type %q", r.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/_headers", "/build.tmp", "/.hidden", "/nothere.js", "/assets/"} {
		if r := get(t, h, p); r.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, r.StatusCode)
		}
	}
	later := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	if r := get(t, h, "/", "Accept-Encoding", "br", "If-Modified-Since", later); r.StatusCode != 304 {
		t.Errorf("revalidating /: %d, want 304", r.StatusCode)
	}
	if r := httptest.NewRecorder(); true {
		h.ServeHTTP(r, httptest.NewRequest("POST", "/", nil))
		if r.Code != 405 {
			t.Errorf("POST /: %d, want 405", r.Code)
		}
	}
}

// The handler re-reads _headers when a rebuild changes it.
func TestHandlerReloadsHeaders(t *testing.T) {
	dir := writeFiles(t, map[string]string{"_headers": "/*\n  X-V: 1\n", "a.txt": "a"})
	h := Handler(dir)
	if v := get(t, h, "/a.txt").Header.Get("X-V"); v != "1" {
		t.Fatalf("X-V = %q", v)
	}
	os.WriteFile(filepath.Join(dir, "_headers"), []byte("/*\n  X-V: 2\n"), 0o644)
	future := time.Now().Add(2 * time.Second)
	os.Chtimes(filepath.Join(dir, "_headers"), future, future)
	if v := get(t, h, "/a.txt").Header.Get("X-V"); v != "2" {
		t.Errorf("after a rebuild X-V = %q, want 2", v)
	}
}

func TestAccepts(t *testing.T) {
	for _, tc := range []struct {
		ae, tok string
		want    bool
	}{
		{"gzip, deflate, br", "br", true},
		{"gzip, deflate, br", "gzip", true},
		{"gzip;q=0, br", "gzip", false},
		{"br;q=0.5", "br", true},
		{"brotli", "br", false},
		{"", "br", false},
	} {
		if got := accepts(tc.ae, tc.tok); got != tc.want {
			t.Errorf("accepts(%q, %q) = %v", tc.ae, tc.tok, got)
		}
	}
}
