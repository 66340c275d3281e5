// Package edge is the edge worker's HTTP API (SPEC §9) as a plain
// http.Handler, so that it is tested natively against an in-memory store
// (edge_test.go) and served on Cloudflare Workers by wasm/worker through
// github.com/syumai/workers with Workers KV as the store (tested there
// under wrangler by build/wrangler). The static site (dist/) is served by
// the Workers assets binding before a request reaches this handler; the
// handler sees the rest:
//
//	POST /api/share       {"code","config"[,"step","views"]} → 201 {"id","url":"/s/<id>"}
//	GET  /s/{id}          302 to /#s=<the share link's fragment>: the playground opens the state
//	POST /api/run         {"code"[,"config"]} → 200, the JSON trace of SPEC §6 (the CLI's --json)
//	GET  /api/render.svg  ?s=<fragment payload> | ?id=<share id>, [&view=…][&step=N] → an SVG picture
//
// Every failure is a JSON body {"error": "<one plain sentence>"} with the
// status that names it: 400 malformed or invalid input, 404 an unknown id
// or path, 405 a wrong method, 413 a body or snippet over its limit, 422
// a snippet that does not compile (with "diagnostics"), 500 a bug in
// mmplay, 503 the store failing. A Go panic is recovered at the top and
// answered with a fixed sentence; no stack and no panic text reaches the
// client.
//
// Shares. A shared state is stored as its share-link fragment
// (view.EncodeFragment: versioned, compressed JSON), under the key
// "s:<id>", so /s/{id} is a redirect to the very link the playground
// would have made, and every decode goes through view.DecodeFragment's
// limits again. An id is idLen characters of [0-9A-Za-z] drawn from
// crypto/rand by rejection sampling (62^12 ≈ 2^71 ids: unguessable, and
// short enough to type). A state is written once and never changed: the
// API has no update or delete, and a new id that is already taken (about
// one chance in 2^71 per stored state) is drawn again rather than
// overwritten.
//
// Runs. /api/run follows the CLI's rules so that its JSON is the CLI's
// byte for byte (the determinism test in build/wrangler compares them):
// the defaults with stdout a pipe, then the snippet's own "// mmplay:" line,
// then the request's config, as --config overrides it. One difference: a
// run here is bounded by MaxSteps statements (the CLI's default budget is
// ten times that), so a config that leaves max-steps unset gets
// max-steps=MaxSteps, and one that asks for more is refused with 400. A
// program that reaches its step limit is a normal result (exit status
// 124, "stepLimit": true, and the engine's report saying so). Workers give
// no way to stop Go code on a timer (the wasm runs on the one JS thread),
// so the step limit is also the time limit: 5 M statements take about 1 s
// of the interpreter in V8 (BENCHMARKS.md), within the paid plan's CPU
// limit; Cloudflare's own CPU limit stops anything else. Memory is bounded
// the same way, by MaxMemory: a snippet that fills more of the simulated
// machine than that stops with the engine's report.
//
// Pictures. /api/render.svg opens the state as the playground opens a
// link (view.State's config under the snippet's line, stdout a terminal,
// the step re-executed by stepping, or the run to its end for step 0) and
// draws one view with view.SVG. The answer is a function of the query
// (and of this build), so it is cacheable: Cache-Control public for a day
// and an ETag of its bytes, with If-None-Match answered 304.
package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
)

// Store is the key-value store shared states live in: Workers KV on the
// edge, a map in tests. Get reports ok=false for a missing key.
type Store interface {
	Get(key string) (value string, ok bool, err error)
	Put(key, value string) error
}

// Limits of the API.
const (
	// MaxBody bounds a POST body. The snippet itself is bounded by
	// view.MaxCodeLen (64 KiB, what a share link holds); the body may be
	// larger than the snippet by JSON's escapes.
	MaxBody = 256 << 10
	// MaxSteps bounds the statements one request executes (see the
	// package comment).
	MaxSteps = 5_000_000
	// MaxMemory bounds the simulated memory a run may fill with data
	// (engine.Config.MaxMemory): each byte costs one in the isolate, and
	// Workers stop an isolate past 128 MB. A run that needs more ends
	// with the engine's memory-limit report, as a step limit does.
	MaxMemory = 48 << 20
	// idLen is the length of a share id.
	idLen = 12
	// shareKeyPrefix prefixes a share's KV key.
	shareKeyPrefix = "s:"
	// cacheControl is the render's and the redirect's caching.
	cacheControl = "public, max-age=86400"
)

// Handler is the worker's API.
type Handler struct {
	store Store
	rand  io.Reader // crypto/rand.Reader on the edge
	mux   *http.ServeMux
}

// New returns the API over store, drawing share ids from rand (which must
// be a cryptographic source: crypto/rand.Reader).
func New(store Store, rand io.Reader) *Handler {
	h := &Handler{store: store, rand: rand, mux: http.NewServeMux()}
	h.mux.HandleFunc("/api/share", h.method("POST", h.share))
	h.mux.HandleFunc("/api/run", h.method("POST", h.run))
	h.mux.HandleFunc("/api/render.svg", h.method("GET", h.render))
	h.mux.HandleFunc("/s/{id}", h.method("GET", h.open))
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, "there is nothing at "+safePath(r.URL.Path))
	})
	return h
}

// ServeHTTP serves a request, turning a panic into a plain 500.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			// The panic goes to the worker's log, never to the client.
			log.Printf("edge: panic serving %s %s: %v", r.Method, safePath(r.URL.Path), v)
			fail(w, http.StatusInternalServerError, "the worker failed on this request (a bug in mmplay); please report what you sent")
		}
	}()
	h.mux.ServeHTTP(w, r)
}

// method wraps a handler that answers one method (GET also answers HEAD).
func (h *Handler) method(m string, f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != m && !(m == "GET" && r.Method == "HEAD") {
			allow := m
			if m == "GET" {
				allow = "GET, HEAD"
			}
			w.Header().Set("Allow", allow)
			fail(w, http.StatusMethodNotAllowed, safePath(r.URL.Path)+" answers "+m+" only")
			return
		}
		f(w, r)
	}
}

// apiError is a failure with its status.
type apiError struct {
	status int
	msg    string
	diags  []string
}

func (e *apiError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// fail writes a JSON error body.
func fail(w http.ResponseWriter, status int, msg string) {
	failWith(w, &apiError{status: status, msg: msg})
}

func failWith(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"error": e.msg}
	if len(e.diags) > 0 {
		body["diagnostics"] = e.diags
	}
	b, _ := json.Marshal(body) // strings only: cannot fail
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Del("ETag")
	w.WriteHeader(e.status)
	w.Write(append(b, '\n'))
}

// writeJSON writes v with status; indent as the CLI's --json does.
func writeJSON(w http.ResponseWriter, status int, v any, indent bool) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	if indent {
		enc.SetIndent("", "  ")
	}
	enc.Encode(v) // the client hanging up is the only failure left
}

// readJSON decodes a POST body of at most MaxBody bytes into v, strictly:
// one object, no unknown fields.
func readJSON(w http.ResponseWriter, r *http.Request, v any) *apiError {
	if r.ContentLength > MaxBody {
		return errorf(http.StatusRequestEntityTooLarge, "the request body is %d bytes; at most %d are accepted", r.ContentLength, MaxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errorf(http.StatusRequestEntityTooLarge, "the request body is more than %d bytes", MaxBody)
		}
		return errorf(http.StatusBadRequest, "the request body could not be read")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorf(http.StatusBadRequest, "the body is not the JSON this endpoint takes: %s", jsonProblem(err))
	}
	if dec.More() {
		return errorf(http.StatusBadRequest, "the body is not the JSON this endpoint takes: it has more after the object")
	}
	return nil
}

// jsonProblem says what was wrong with a JSON body in a few words.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "it is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends in the middle"
	case errors.As(err, &syn):
		return fmt.Sprintf("a syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return "want an object"
		}
		return fmt.Sprintf("the field %q should be %s", typ.Field, typ.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "the " + strings.TrimPrefix(err.Error(), "json: ") + " is not one it takes"
	}
	return "it does not decode"
}

// safePath is a request path fit to quote in a message: printable ASCII,
// at most 80 bytes.
func safePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p) && b.Len() < 80; i++ {
		if c := p[i]; c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			b.WriteByte(c)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// etag is a strong validator of a response body.
func etag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}
