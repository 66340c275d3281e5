// Package site serves a built mmplay site (dist/): `go run ./build serve`
// and the browser tests use the same handler.
package site

import (
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Handler serves a built site: the right MIME types (application/wasm
// for instantiateStreaming), and a precompressed .br or .gz file beside the
// asked one when the browser accepts it.
func Handler(root string) http.Handler {
	mime.AddExtensionType(".wasm", "application/wasm")
	mime.AddExtensionType(".webmanifest", "application/manifest+json")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(p, "/") {
			p += "index.html"
		}
		file := filepath.Join(root, filepath.FromSlash(p))
		st, err := os.Stat(file)
		if err != nil || st.IsDir() {
			if st != nil && st.IsDir() {
				file = filepath.Join(file, "index.html")
			} else {
				http.NotFound(w, r)
				return
			}
		}
		if ct := mime.TypeByExtension(filepath.Ext(file)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Add("Vary", "Accept-Encoding")
		ae := r.Header.Get("Accept-Encoding")
		for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if !strings.Contains(ae, enc.token) {
				continue
			}
			if _, err := os.Stat(file + enc.ext); err == nil {
				w.Header().Set("Content-Encoding", enc.token)
				http.ServeFile(w, r, file+enc.ext)
				return
			}
		}
		http.ServeFile(w, r, file)
	})
}
