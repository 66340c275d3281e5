//go:build unix

package wrangler

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mmplay/engine"
	"mmplay/engine/phys"
	"mmplay/ui/view"
)

func jsonReader(t testing.TB, v any) *bytes.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// wantError checks a JSON error answer: the status, a plain message
// containing want, and nothing of Go's or JS's insides.
func wantError(t *testing.T, what string, status int, hdr map[string][]string, body []byte, wantStatus int, want string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("%s: status %d, want %d: %.300s", what, status, wantStatus, body)
		return
	}
	if ct := strings.Join(hdr["Content-Type"], ","); ct != "application/json; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	var m struct{ Error string }
	if err := json.Unmarshal(body, &m); err != nil || m.Error == "" {
		t.Errorf("%s: not a JSON error: %.300s", what, body)
		return
	}
	if !strings.Contains(m.Error, want) {
		t.Errorf("%s: error %q, want it to say %q", what, m.Error, want)
	}
	for _, bad := range []string{"goroutine", "panic", ".go:", "runtime error", "at Object.", "wasm-function", "Error:"} {
		if strings.Contains(string(body), bad) {
			t.Errorf("%s: the answer leaks %q: %s", what, bad, body)
		}
	}
}

// TestStaticSite: the assets binding serves dist/ with its _headers.
func TestStaticSite(t *testing.T) {
	needWorker(t)
	status, hdr, body := call(t, "GET", "/", nil)
	if status != 200 || !bytes.Contains(body, []byte("<html")) {
		t.Fatalf("GET /: %d %.200s", status, body)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("GET /: the site's _headers are not applied (Content-Security-Policy %q)", csp)
	}
}

// share stores a state and returns its id.
func share(t *testing.T, req map[string]any) string {
	t.Helper()
	status, hdr, body := call(t, "POST", "/api/share", jsonReader(t, req), "Content-Type", "application/json")
	if status != 201 {
		t.Fatalf("POST /api/share: %d %s", status, body)
	}
	var rep struct{ ID, URL string }
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatalf("POST /api/share: %v: %s", err, body)
	}
	if len(rep.ID) != 12 || rep.URL != "/s/"+rep.ID || hdr.Get("Location") != rep.URL {
		t.Fatalf("POST /api/share: %s, Location %q", body, hdr.Get("Location"))
	}
	return rep.ID
}

func TestShareRoundTrip(t *testing.T) {
	needWorker(t)
	code := readExample(t, "01-malloc-free-trim.c")
	id := share(t, map[string]any{"code": code, "config": "ram=64M,kernel=6.1", "step": 7, "views": []string{"heap"}})
	status, hdr, body := call(t, "GET", "/s/"+id, nil)
	if status != 302 {
		t.Fatalf("GET /s/%s: %d %s", id, status, body)
	}
	frag, ok := strings.CutPrefix(hdr.Get("Location"), "/#")
	if !ok {
		t.Fatalf("Location %q", hdr.Get("Location"))
	}
	st, err := view.DecodeFragment(frag)
	if err != nil {
		t.Fatal(err)
	}
	if st.Code != code || st.Config != "ram=64M,kernel=6.1" || st.Step != 7 || len(st.Views) != 1 || st.Views[0] != "heap" {
		t.Errorf("the short link opens %+v", st)
	}
	// The redirect's target is the playground.
	status, _, body = call(t, "GET", "/", nil)
	if status != 200 || !bytes.Contains(body, []byte("vugu_mount_point")) {
		t.Errorf("the playground page: %d", status)
	}
	// Another share of the same state is another id; the first is unchanged.
	if id2 := share(t, map[string]any{"code": code}); id2 == id {
		t.Errorf("two shares got the id %s", id)
	}
	if _, hdr2, _ := call(t, "GET", "/s/"+id, nil); hdr2.Get("Location") != hdr.Get("Location") {
		t.Errorf("the stored state changed")
	}
}

func TestLimits(t *testing.T) {
	needWorker(t)
	big := strings.Repeat(" ", 300<<10)
	code := readExample(t, "02-demand-paging.c")
	for _, c := range []struct {
		what, method, path, body string
		status                   int
		want                     string
	}{
		{"oversized body", "POST", "/api/share", big, 413, "at most 262144"},
		{"oversized snippet", "POST", "/api/run", `{"code": "` + strings.Repeat("/", 70000) + `"}`, 413, "at most 65536"},
		{"malformed JSON", "POST", "/api/share", `{"code": "x",`, 400, "ends in the middle"},
		{"malformed JSON (run)", "POST", "/api/run", `{"code": 42}`, 400, `"code" should be string`},
		{"unknown field", "POST", "/api/run", `{"code": "x", "steps": 5}`, 400, `unknown field "steps"`},
		{"too many steps", "POST", "/api/run", string(mustJSON(map[string]any{"code": code, "config": "max-steps=99000000"})), 400, "too many steps: max-steps=99000000"},
		{"too many steps (render)", "GET", "/api/render.svg?s=" + payload(view.State{Code: code}) + "&step=99000000", "", 400, "too many steps"},
		{"does not compile", "POST", "/api/run", `{"code": "int main(void) { return nope; }"}`, 422, "does not compile"},
		{"unknown id", "GET", "/s/ZZZZZZZZZZZZ", "", 404, "no shared snippet has the id ZZZZZZZZZZZZ"},
		{"unknown id (render)", "GET", "/api/render.svg?id=ZZZZZZZZZZZZ", "", 404, "no shared snippet"},
		{"malformed id", "GET", "/s/%3Cscript%3E", "", 404, "no shared snippet"},
		{"wrong method", "GET", "/api/run", "", 405, "POST only"},
		{"unknown API", "GET", "/api/v2/run", "", 404, "nothing at /api/v2/run"},
		{"damaged link", "GET", "/api/render.svg?s=AAAA", "", 400, "this link is damaged"},
		{"unknown view", "GET", "/api/render.svg?s=" + payload(view.State{Code: code}) + "&view=proc", "", 400, "is not drawn as a picture"},
	} {
		status, hdr, body := call(t, c.method, c.path, strings.NewReader(c.body))
		wantError(t, c.what, status, hdr, body, c.status, c.want)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// payload is the text after "#s=" of a share link.
func payload(st view.State) string {
	return url.QueryEscape(strings.TrimPrefix(view.EncodeFragment(st), "s="))
}

// trace is the part of the JSON trace (engine.Trace, whose JSON is made
// to be read, not decoded back into the engine's types) the tests read.
type trace struct {
	Config string `json:"config"`
	Result *struct {
		ExitStatus int      `json:"exitStatus"`
		StepLimit  bool     `json:"stepLimit"`
		Steps      uint64   `json:"steps"`
		KernelLog  []string `json:"kernelLog"`
		Reports    []string `json:"reports"`
	} `json:"result"`
	Events   []json.RawMessage `json:"events"`
	Snapshot *struct {
		Step   uint64 `json:"step"`
		Stdout string `json:"stdout"`
		Frames []struct {
			PFN   uint64 `json:"pfn"`
			Count uint64 `json:"count"`
			Owner string `json:"owner"`
		} `json:"frames"`
		Zones []struct {
			Name      string `json:"name"`
			FreePages uint64 `json:"freePages"`
		} `json:"zones"`
		Process struct {
			VMAs []struct {
				Start uint64 `json:"start"`
				End   uint64 `json:"end"`
			} `json:"vmas"`
		} `json:"process"`
	} `json:"snapshot"`
}

// runTrace posts a run and decodes its trace.
func runTrace(t *testing.T, code, config string) ([]byte, trace) {
	t.Helper()
	status, _, body := call(t, "POST", "/api/run", jsonReader(t, map[string]any{"code": code, "config": config}))
	if status != 200 {
		t.Fatalf("POST /api/run: %d %.500s", status, body)
	}
	var tr trace
	if err := json.Unmarshal(body, &tr); err != nil {
		t.Fatalf("the trace does not decode: %v", err)
	}
	return body, tr
}

func TestRun(t *testing.T) {
	needWorker(t)
	_, tr := runTrace(t, readExample(t, "05-get-free-pages.c"), "")
	if tr.Result == nil || tr.Result.ExitStatus != 0 || len(tr.Result.KernelLog) == 0 || len(tr.Events) == 0 || tr.Snapshot == nil {
		t.Fatalf("trace: result %+v, %d events", tr.Result, len(tr.Events))
	}
	if !strings.Contains(tr.Config, "stdout=pipe") || !strings.Contains(tr.Config, "max-steps=5000000") {
		t.Errorf("config %q: want the CLI's stdout and the worker's step bound", tr.Config)
	}
	// An endless loop stops at the step limit, with the engine's message.
	_, tr = runTrace(t, "int main(void) { for (;;); }", "max-steps=100000")
	if !tr.Result.StepLimit || tr.Result.ExitStatus != engine.StatusStepLimit || len(tr.Result.Reports) == 0 ||
		!strings.Contains(tr.Result.Reports[0], "step limit") {
		t.Errorf("endless loop: %+v", tr.Result)
	}
}

// svgPicture is a parsed picture.
type svgPicture struct {
	XMLName xml.Name `xml:"http://www.w3.org/2000/svg svg"`
	Role    string   `xml:"role,attr"`
	Title   string   `xml:"title"`
	Desc    string   `xml:"desc"`
	Texts   []string `xml:"text"`
	Groups  []struct {
		Title string   `xml:"title"`
		Texts []string `xml:"text"`
	} `xml:"g"`
}

func (p svgPicture) text() string {
	all := append([]string{}, p.Texts...)
	for _, g := range p.Groups {
		all = append(all, g.Texts...)
	}
	return strings.Join(all, "\n")
}

func render(t *testing.T, query string) (svgPicture, map[string][]string) {
	t.Helper()
	status, hdr, body := call(t, "GET", "/api/render.svg?"+query, nil)
	if status != 200 {
		t.Fatalf("render %s: %d %.300s", query, status, body)
	}
	if ct := hdr["Content-Type"]; len(ct) != 1 || ct[0] != "image/svg+xml; charset=utf-8" {
		t.Errorf("render: Content-Type %v", ct)
	}
	var p svgPicture
	if err := xml.Unmarshal(body, &p); err != nil {
		t.Fatalf("render %s: not an SVG document: %v", query, err)
	}
	if p.Role != "img" || !strings.HasPrefix(p.Title, "mmplay — ") || len(p.Desc) < 20 {
		t.Errorf("render: role %q, title %q, desc %q", p.Role, p.Title, p.Desc)
	}
	return p, hdr
}

// TestRenderShowsTheSnapshot draws a gallery example through a short link
// and checks the pictures against the snapshot /api/run returns for the
// same snippet and config.
func TestRenderShowsTheSnapshot(t *testing.T) {
	needWorker(t)
	code := readExample(t, "02-demand-paging.c")
	_, tr := runTrace(t, code, "stdout=tty")
	snap := tr.Snapshot
	id := share(t, map[string]any{"code": code, "config": "stdout=tty", "views": []string{"physical"}})

	p, hdr := render(t, "id="+id)
	if !strings.Contains(p.Title, "Physical view at the end of the run ("+strconv.FormatUint(snap.Step, 10)+" statements)") {
		t.Errorf("title %q", p.Title)
	}
	counts := map[string]uint64{}
	var frames uint64
	for _, r := range snap.Frames {
		counts[r.Owner] += r.Count
		frames = max(frames, r.PFN+r.Count)
	}
	text := p.text()
	if !strings.Contains(text, strconv.FormatUint(frames, 10)+" page frames of 4 KiB") {
		t.Errorf("the picture does not count the %d frames", frames)
	}
	for _, owner := range []string{phys.OwnerUserAnon.String(), phys.OwnerSlab.String(), phys.OwnerPageTable.String()} {
		if n := counts[owner]; n == 0 || !strings.Contains(p.Desc, " "+strconv.FormatUint(n, 10)+" frame") {
			t.Errorf("the description does not give the %d %s frames: %q", n, owner, p.Desc)
		}
	}
	if cc := strings.Join(hdr["Cache-Control"], ","); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age") {
		t.Errorf("Cache-Control %q", cc)
	}
	etag := strings.Join(hdr["Etag"], "")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if status, _, _ := call(t, "GET", "/api/render.svg?id="+id, nil, "If-None-Match", etag); status != 304 {
		t.Errorf("If-None-Match: status %d, want 304", status)
	}

	// The console, from the fragment: the program's output lines.
	p, _ = render(t, "s="+payload(view.State{Code: code, Config: "stdout=tty"})+"&view=console")
	text = p.text()
	for _, l := range strings.Split(strings.TrimSpace(snap.Stdout), "\n") {
		if !strings.Contains(text, strings.ReplaceAll(l, "\t", "        ")) {
			t.Errorf("the console picture lacks the line %q", l)
		}
	}
	// The buddy allocator: every zone's free pages.
	p, _ = render(t, "id="+id+"&view=buddy")
	for _, z := range snap.Zones {
		if !strings.Contains(p.Desc, "zone "+z.Name+": "+view.Pages(z.FreePages)+" free") {
			t.Errorf("the buddy picture lacks zone %s's %d free pages: %q", z.Name, z.FreePages, p.Desc)
		}
	}
	// The virtual view: every VMA's range.
	p, _ = render(t, "id="+id+"&view=virtual")
	text = p.text()
	for _, v := range snap.Process.VMAs {
		if !strings.Contains(text, view.Addr(v.Start)+"–"+view.Addr(v.End)) {
			t.Errorf("the virtual picture lacks the VMA %#x–%#x", v.Start, v.End)
		}
	}
	// A step: the heap after the first malloc.
	p, _ = render(t, "id="+id+"&view=heap&step=3")
	if !strings.Contains(p.Title, "Heap view at step 3") {
		t.Errorf("title %q", p.Title)
	}
}
