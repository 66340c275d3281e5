// Package site serves a built mmplay site (dist/): `go run ./build serve`
// and the browser tests use the same handler, and it behaves like the
// static host the site is deployed to:
//
//   - the right MIME types (application/wasm, so the browser compiles the
//     wasm while it downloads);
//   - a precompressed .br or .gz file beside the asked one when the browser
//     accepts it (Content-Encoding, Vary: Accept-Encoding);
//   - the headers of dist/_headers (caching, the Content-Security-Policy),
//     re-read when the file changes; _headers itself is not served;
//   - conditional requests (If-Modified-Since → 304), and no redirect of
//     /index.html to / (http.ServeFile's), which would cost every embed a
//     round trip.
package site

import (
	"log"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Handler serves the built site in root.
func Handler(root string) http.Handler {
	mime.AddExtensionType(".wasm", "application/wasm")
	mime.AddExtensionType(".webmanifest", "application/manifest+json")
	return &handler{root: root}
}

type handler struct {
	root string

	mu      sync.Mutex
	rules   Rules
	rulesAt time.Time // modification time of the _headers the rules came from
}

// headerRules returns the rules of root/_headers, parsing it again when it
// changed. A malformed file is logged and applies no rules.
func (h *handler) headerRules() Rules {
	h.mu.Lock()
	defer h.mu.Unlock()
	file := filepath.Join(h.root, "_headers")
	st, err := os.Stat(file)
	if err != nil {
		h.rules, h.rulesAt = nil, time.Time{}
		return nil
	}
	if st.ModTime().Equal(h.rulesAt) {
		return h.rules
	}
	b, err := os.ReadFile(file)
	if err == nil {
		h.rules, err = ParseHeaders(b)
	}
	if err != nil {
		log.Printf("site: %v (serving without its headers)", err)
		h.rules = nil
	}
	h.rulesAt = st.ModTime()
	return h.rules
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	urlPath := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") && urlPath != "/" {
		urlPath += "/"
	}
	for k, v := range h.headerRules().For(urlPath) {
		w.Header()[k] = v
	}
	file, ok := h.resolve(urlPath)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if ct := mime.TypeByExtension(filepath.Ext(file)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Add("Vary", "Accept-Encoding")
	ae := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if accepts(ae, enc.token) && serveFile(w, r, file+enc.ext, enc.token) {
			return
		}
	}
	if !serveFile(w, r, file, "") {
		http.NotFound(w, r)
	}
}

// resolve maps a URL path to a file under root: a directory means its
// index.html. Files the host never serves (_headers, dotfiles, the
// .tmp files of a build in progress) are not found.
func (h *handler) resolve(urlPath string) (string, bool) {
	base := path.Base(urlPath)
	if base == "_headers" || strings.HasPrefix(base, ".") && base != "/" || strings.HasSuffix(base, ".tmp") {
		return "", false
	}
	file := filepath.Join(h.root, filepath.FromSlash(urlPath))
	st, err := os.Stat(file)
	if err != nil {
		return "", false
	}
	if st.IsDir() {
		file = filepath.Join(file, "index.html")
		if st, err := os.Stat(file); err != nil || st.IsDir() {
			return "", false
		}
	}
	return file, true
}

// accepts reports whether an Accept-Encoding value lists token with a
// non-zero quality.
func accepts(ae, token string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// serveFile serves one file with http.ServeContent (ranges, conditional
// requests), under Content-Encoding enc when enc is not "". It reports
// false when the file cannot be opened.
func serveFile(w http.ResponseWriter, r *http.Request, file, enc string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return false
	}
	if enc != "" {
		w.Header().Set("Content-Encoding", enc)
		// ServeContent leaves out the length of an encoded body; a whole
		// one has the file's (a browser shows the wasm's progress by it).
		if r.Header.Get("Range") == "" {
			w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
		}
	}
	http.ServeContent(w, r, file, st.ModTime(), f)
	return true
}
