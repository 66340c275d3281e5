package edge

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"mmplay/engine"
	"mmplay/ui/view"
)

// memStore is the in-memory Store; it fails the test on an overwrite
// (stored states are immutable).
type memStore struct {
	t  *testing.T
	mu sync.Mutex
	m  map[string]string
}

func newMemStore(t *testing.T) *memStore { return &memStore{t: t, m: map[string]string{}} }

func (s *memStore) Get(k string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok, nil
}

func (s *memStore) Put(k, v string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[k]; ok {
		s.t.Errorf("the worker overwrote %s", k)
	}
	s.m[k] = v
	return nil
}

// do sends a request to h and returns the response.
func do(t *testing.T, h http.Handler, method, target string, body io.Reader, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// wantError checks a JSON error answer: the status, a message containing
// want, and nothing of Go's insides.
func wantError(t *testing.T, resp *http.Response, status int, want string) map[string]any {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	msg, _ := m["error"].(string)
	if !strings.Contains(msg, want) {
		t.Errorf("error %q, want it to say %q", msg, want)
	}
	for _, bad := range []string{"goroutine", "panic", ".go:", "runtime error", "runtime/"} {
		if strings.Contains(string(body), bad) {
			t.Errorf("the error body leaks %q: %s", bad, body)
		}
	}
	return m
}

const demo = `#include <stdio.h>
#include <stdlib.h>
int main(void) {
	char *p = malloc(100);
	p[0] = 1;
	printf("%p\n", (void *)p);
	free(p);
	return 0;
}
`

func TestShareRoundTrip(t *testing.T) {
	h := New(newMemStore(t), rand.Reader)
	resp := do(t, h, "POST", "/api/share", jsonBody(map[string]any{"code": demo, "config": "ram=64M", "step": 3, "views": []string{"heap"}}))
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var rep shareReply
	json.NewDecoder(resp.Body).Decode(&rep)
	if !validID(rep.ID) || rep.URL != "/s/"+rep.ID || resp.Header.Get("Location") != rep.URL {
		t.Fatalf("reply %+v, Location %q", rep, resp.Header.Get("Location"))
	}
	resp = do(t, h, "GET", rep.URL, nil)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET %s: status %d", rep.URL, resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	frag, ok := strings.CutPrefix(loc, "/#")
	if !ok {
		t.Fatalf("Location %q", loc)
	}
	st, err := view.DecodeFragment(frag)
	if err != nil {
		t.Fatal(err)
	}
	want := view.State{Code: demo, Config: "ram=64M", Step: 3, Views: []string{"heap"}}
	if st.Code != want.Code || st.Config != want.Config || st.Step != want.Step || len(st.Views) != 1 || st.Views[0] != "heap" {
		t.Errorf("opened %+v, want %+v", st, want)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age") {
		t.Errorf("Cache-Control %q", cc)
	}

	// The same state shared again gets another id; nothing is overwritten.
	resp = do(t, h, "POST", "/api/share", jsonBody(map[string]any{"code": demo, "config": "ram=64M"}))
	var rep2 shareReply
	json.NewDecoder(resp.Body).Decode(&rep2)
	if rep2.ID == "" || rep2.ID == rep.ID {
		t.Errorf("second share: id %q after %q", rep2.ID, rep.ID)
	}
	// The playground's Copy link sends exactly {code, config}.
	resp = do(t, h, "POST", "/api/share", strings.NewReader(`{"code":"int main(void){return 0;}","config":""}`), "Content-Type", "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("the playground's request: status %d", resp.StatusCode)
	}
}

// repeatReader returns the same bytes forever: every id it gives is the
// same.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestShareIDs(t *testing.T) {
	seen := map[string]bool{}
	counts := map[byte]int{}
	for i := 0; i < 2000; i++ {
		id, err := newID(rand.Reader)
		if err != nil || !validID(id) {
			t.Fatalf("id %q, %v", id, err)
		}
		if seen[id] {
			t.Fatalf("id %s drawn twice", id)
		}
		seen[id] = true
		for j := 0; j < len(id); j++ {
			counts[id[j]]++
		}
	}
	// 24000 characters over 62: each about 387 times; a character
	// missing or drawn twice as often would mean a broken mapping.
	for _, c := range []byte(idAlphabet) {
		if n := counts[c]; n < 250 || n > 550 {
			t.Errorf("character %c drawn %d times of 24000", c, n)
		}
	}
	// Bytes ≥ 248 are rejected: a source of only 0xff never gives an id
	// of 'v' (0xff % 62 = 7 would be '7').
	if id, err := newID(io.MultiReader(bytes.NewReader(bytes.Repeat([]byte{0xff}, 100)), repeatReader(1))); err != nil || id != strings.Repeat("1", idLen) {
		t.Errorf("id %q, %v", id, err)
	}
	// A random source that keeps giving taken ids ends in an error, not
	// in an overwrite.
	store := newMemStore(t)
	h := New(store, repeatReader(5))
	body := map[string]any{"code": demo}
	if resp := do(t, h, "POST", "/api/share", jsonBody(body)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("first share: %d", resp.StatusCode)
	}
	wantError(t, do(t, h, "POST", "/api/share", jsonBody(body)), http.StatusInternalServerError, "random")
	if len(store.m) != 1 {
		t.Errorf("store holds %d states", len(store.m))
	}
}

func TestShareLimits(t *testing.T) {
	h := New(newMemStore(t), rand.Reader)
	big := strings.Repeat("x", MaxBody+1)
	wantError(t, do(t, h, "POST", "/api/share", strings.NewReader(big)), http.StatusRequestEntityTooLarge, "at most")
	// Without a Content-Length (a chunked body) the reader stops it.
	req := httptest.NewRequest("POST", "/api/share", io.MultiReader(strings.NewReader(`{"code":"`), strings.NewReader(big)))
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	wantError(t, rec.Result(), http.StatusRequestEntityTooLarge, "more than")
	wantError(t, do(t, h, "POST", "/api/share", jsonBody(map[string]any{"code": strings.Repeat("/", view.MaxCodeLen+1)})), http.StatusRequestEntityTooLarge, "at most 65536")

	for _, c := range []struct{ name, body, want string }{
		{"empty", ``, "empty"},
		{"syntax", `{"code": "x",}`, "syntax error"},
		{"cut", `{"code": "x"`, "ends in the middle"},
		{"array", `[1,2]`, "want an object"},
		{"type", `{"code": 5}`, `"code" should be string`},
		{"unknown field", `{"code": "x", "id": "abc"}`, `unknown field "id"`},
		{"two objects", `{"code": "x"} {}`, "more after the object"},
		{"no code", `{"config": "ram=64M"}`, `no "code"`},
		{"bad config", `{"code": "x", "config": "ram=3T"}`, "config: ram=3T"},
		{"hostile config", `{"code": "x", "config": "<script>"}`, "cannot be shared"},
		{"hostile view", `{"code": "x", "views": ["<b>"]}`, "not a view's name"},
		{"step", `{"code": "x", "step": 99999999999}`, "past the"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, do(t, h, "POST", "/api/share", strings.NewReader(c.body)), http.StatusBadRequest, c.want)
		})
	}
}

func TestOpenUnknown(t *testing.T) {
	h := New(newMemStore(t), rand.Reader)
	wantError(t, do(t, h, "GET", "/s/AAAAAAAAAAAA", nil), http.StatusNotFound, "no shared snippet has the id AAAAAAAAAAAA")
	wantError(t, do(t, h, "GET", "/s/..%2f..%2fetc", nil), http.StatusNotFound, "no shared snippet")
	wantError(t, do(t, h, "GET", "/s/"+strings.Repeat("a", 200), nil), http.StatusNotFound, "no shared snippet")
	wantError(t, do(t, h, "GET", "/api/nothing", nil), http.StatusNotFound, "nothing at /api/nothing")
	resp := do(t, h, "GET", "/api/share", nil)
	wantError(t, resp, http.StatusMethodNotAllowed, "POST only")
	if resp.Header.Get("Allow") != "POST" {
		t.Errorf("Allow %q", resp.Header.Get("Allow"))
	}
	wantError(t, do(t, h, "POST", "/s/AAAAAAAAAAAA", nil), http.StatusMethodNotAllowed, "GET only")
}

// runTrace is what the CLI's --json prints for src with --config config,
// computed through the engine directly (the wrangler test runs the CLI
// itself).
func runTrace(t *testing.T, src, config string) []byte {
	t.Helper()
	cfg := engine.DefaultConfig()
	if s := engine.SnippetSettings([]byte(src)); s != "" {
		if err := cfg.Apply(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := cfg.Apply(config); err != nil {
		t.Fatal(err)
	}
	prog, diags := engine.Compile(snippetName, []byte(src), cfg)
	if prog == nil {
		t.Fatal(diags)
	}
	s := engine.NewSession(prog)
	defer s.Close()
	s.Run()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.Encode(s.Trace())
	return b.Bytes()
}

func TestRun(t *testing.T) {
	h := New(newMemStore(t), rand.Reader)
	resp := do(t, h, "POST", "/api/run", jsonBody(map[string]any{"code": demo, "config": "max-steps=1000000"}))
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, got)
	}
	if want := runTrace(t, demo, "max-steps=1000000"); !bytes.Equal(got, want) {
		t.Errorf("the trace differs from the CLI's (%d vs %d bytes)", len(got), len(want))
	}
	var tr struct {
		Config string
		Result engine.Result
	}
	json.Unmarshal(got, &tr)
	if tr.Result.ExitStatus != 0 || !regexp.MustCompile(`^0x5555[0-9a-f]{8}\n$`).Match(tr.Result.Stdout) {
		t.Errorf("result %+v", tr.Result)
	}

	// Without max-steps the worker's bound is the default.
	resp = do(t, h, "POST", "/api/run", jsonBody(map[string]any{"code": demo}))
	json.NewDecoder(resp.Body).Decode(&tr)
	if !strings.Contains(tr.Config, "max-steps=5000000") {
		t.Errorf("config %q", tr.Config)
	}
	// An endless loop ends at the bound, as a result.
	resp = do(t, h, "POST", "/api/run", jsonBody(map[string]any{"code": "int main(void) { for (;;); }", "config": "max-steps=20000"}))
	json.NewDecoder(resp.Body).Decode(&tr)
	if resp.StatusCode != 200 || !tr.Result.StepLimit || tr.Result.ExitStatus != engine.StatusStepLimit || len(tr.Result.Reports) == 0 {
		t.Errorf("endless loop: status %d, result %+v", resp.StatusCode, tr.Result)
	}
	// A snippet that fills more memory than the worker's budget ends at
	// it, as a result.
	fill := "// mmplay: ram=256M\n#include <stdlib.h>\n#include <string.h>\nint main(void) { for (int i = 0; i < 64; i++) memset(malloc(1 << 20), 1, 1 << 20); return 0; }\n"
	resp = do(t, h, "POST", "/api/run", jsonBody(map[string]any{"code": fill}))
	tr.Result = engine.Result{}
	json.NewDecoder(resp.Body).Decode(&tr)
	if resp.StatusCode != 200 || !tr.Result.StepLimit || !strings.Contains(strings.Join(tr.Result.Reports, " "), "memory limit") {
		t.Errorf("memory hog: status %d, result %+v", resp.StatusCode, tr.Result)
	}
}

func TestRunLimits(t *testing.T) {
	h := New(newMemStore(t), rand.Reader)
	wantError(t, do(t, h, "POST", "/api/run", jsonBody(map[string]any{"code": demo, "config": "max-steps=5000001"})), http.StatusBadRequest, "too many steps: max-steps=5000001")
	wantError(t, do(t, h, "POST", "/api/run", jsonBody(map[string]any{"code": "// mmplay: max-steps=90000000\n" + demo})), http.StatusBadRequest, "too many steps")
	wantError(t, do(t, h, "POST", "/api/run", jsonBody(map[string]any{"code": "// mmplay: ram=lots\n" + demo})), http.StatusBadRequest, "snippet.c:1:1: bad // mmplay: setting")
	wantError(t, do(t, h, "POST", "/api/run", strings.NewReader(`{"code": `)), http.StatusBadRequest, "ends in the middle")
	wantError(t, do(t, h, "POST", "/api/run", strings.NewReader(strings.Repeat(" ", MaxBody+1))), http.StatusRequestEntityTooLarge, "at most")
	wantError(t, do(t, h, "POST", "/api/run", jsonBody(map[string]any{"code": strings.Repeat(" ", view.MaxCodeLen+1)})), http.StatusRequestEntityTooLarge, "at most 65536")
	m := wantError(t, do(t, h, "POST", "/api/run", jsonBody(map[string]any{"code": "int main(void) { return x; }"})), http.StatusUnprocessableEntity, "does not compile")
	if d, _ := m["diagnostics"].([]any); len(d) == 0 || !strings.HasPrefix(d[0].(string), "snippet.c:1:") {
		t.Errorf("diagnostics %v", m["diagnostics"])
	}
	wantError(t, do(t, h, "GET", "/api/run", nil), http.StatusMethodNotAllowed, "POST only")
}

// panicStore panics, as a bug would.
type panicStore struct{}

func (panicStore) Get(string) (string, bool, error) {
	panic("runtime error: index out of range [3] with length 2")
}
func (panicStore) Put(string, string) error { return nil }

func TestPanicIsPlain(t *testing.T) {
	h := New(panicStore{}, rand.Reader)
	wantError(t, do(t, h, "GET", "/s/AAAAAAAAAAAA", nil), http.StatusInternalServerError, "a bug in mmplay")
}

// svgDoc parses a picture and returns its title, desc and text.
func svgDoc(t *testing.T, b []byte) (title, desc, text string) {
	t.Helper()
	var doc struct {
		XMLName xml.Name `xml:"http://www.w3.org/2000/svg svg"`
		Title   string   `xml:"title"`
		Desc    string   `xml:"desc"`
		Texts   []string `xml:"text"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not an SVG document: %v", err)
	}
	return doc.Title, doc.Desc, strings.Join(doc.Texts, "\n")
}

func TestRender(t *testing.T) {
	store := newMemStore(t)
	h := New(store, rand.Reader)
	frag := view.EncodeFragment(view.State{Code: demo, Config: "ram=32M", Step: 0, Views: []string{"console"}})
	payload := strings.TrimPrefix(frag, "s=")
	resp := do(t, h, "GET", "/api/render.svg?s="+payload, nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml; charset=utf-8" {
		t.Fatalf("status %d, %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	title, desc, text := svgDoc(t, body)
	var tr struct{ Result engine.Result }
	json.Unmarshal(runTrace(t, demo, "ram=32M,stdout=tty"), &tr)
	out := strings.TrimSpace(string(tr.Result.Stdout))
	if out == "" || !strings.Contains(title, "Console view at the end of the run") || !strings.Contains(desc, "The program's output begins: "+out) || !strings.Contains(text, out) {
		t.Errorf("title %q, desc %q, text %q", title, desc, text)
	}
	if !strings.Contains(resp.Header.Get("Cache-Control"), "public") || resp.Header.Get("ETag") == "" {
		t.Errorf("headers %v", resp.Header)
	}
	// Revalidation.
	resp = do(t, h, "GET", "/api/render.svg?s="+payload, nil, "If-None-Match", resp.Header.Get("ETag"))
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d", resp.StatusCode)
	}

	// By id, another view, a step.
	resp = do(t, h, "POST", "/api/share", jsonBody(map[string]any{"code": demo, "config": "ram=32M"}))
	var rep shareReply
	json.NewDecoder(resp.Body).Decode(&rep)
	resp = do(t, h, "GET", "/api/render.svg?id="+rep.ID+"&view=heap&step=3", nil)
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	title, desc, _ = svgDoc(t, body)
	if !strings.Contains(title, "Heap view at step 3") || !strings.Contains(desc, "in use") {
		t.Errorf("title %q, desc %q", title, desc)
	}
	// The default view of a state without one is Physical.
	resp = do(t, h, "GET", "/api/render.svg?id="+rep.ID, nil)
	body, _ = io.ReadAll(resp.Body)
	if title, _, _ = svgDoc(t, body); !strings.Contains(title, "Physical view") {
		t.Errorf("title %q", title)
	}
}

func TestRenderLimits(t *testing.T) {
	h := New(newMemStore(t), rand.Reader)
	ok := strings.TrimPrefix(view.EncodeFragment(view.State{Code: demo}), "s=")
	for _, c := range []struct {
		query  string
		status int
		want   string
	}{
		{"", 400, "one of them"},
		{"s=" + ok + "&id=AAAAAAAAAAAA", 400, "one of them"},
		{"s=%%%", 400, "give the snippet"}, // a query that does not parse has no s
		{"s=!!!", 400, "characters a share link never has"},
		{"s=" + ok + "&view=proc", 400, `view "proc" is not drawn`},
		{"s=" + ok + "&view=" + url.QueryEscape("<script>alert(1)</script>"), 400, "is not drawn"},
		{"s=" + ok + "&step=-1", 400, "step: want a number"},
		{"s=" + ok + "&step=5000001", 400, "too many steps"},
		{"id=AAAAAAAAAAAA", 404, "no shared snippet"},
		{"s=" + strings.TrimPrefix(view.EncodeFragment(view.State{Code: "int main(void) { return y; }"}), "s="), 422, "does not compile"},
		{"s=" + strings.TrimPrefix(view.EncodeFragment(view.State{Code: demo, Config: "max-steps=6000000"}), "s="), 400, "too many steps"},
	} {
		wantError(t, do(t, h, "GET", "/api/render.svg?"+c.query, nil), c.status, c.want)
	}
	wantError(t, do(t, h, "POST", "/api/render.svg", nil), http.StatusMethodNotAllowed, "GET only")
}
