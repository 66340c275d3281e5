package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"mmplay/build/internal/site"
)

// The delivery tests (issue 5): the site as a host serves it (hashed
// assets, _headers with its Content-Security-Policy, precompressed files),
// the service worker, the tutorial page's lazy embeds, embed.js on a page
// of another origin, and the single-file build from file://.
//
// Each test that counts requests or stops its server starts its own
// (a new port is a new origin: its own HTTP cache entries and service
// worker), so the shared server stays up for the other tests.

// siteServer serves dist/ and records every response it sends.
type siteServer struct {
	*httptest.Server
	mu   sync.Mutex
	sent []sent
}

// sent is one response: its path, status, body bytes as sent (compressed
// when Content-Encoding is set) and encoding.
type sent struct {
	path   string
	status int
	bytes  int
	enc    string
}

func (s sent) String() string {
	return fmt.Sprintf("%s %d %dB %s", s.path, s.status, s.bytes, s.enc)
}

func startSite(t *testing.T) *siteServer {
	t.Helper()
	return startSiteAt(t, builtSite())
}

// startSiteAt serves the built site in dir.
func startSiteAt(t *testing.T, dir string) *siteServer {
	t.Helper()
	s := &siteServer{}
	h := site.Handler(dir)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		s.mu.Lock()
		s.sent = append(s.sent, sent{r.URL.Path, rec.status, rec.n, w.Header().Get("Content-Encoding")})
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

// take returns the responses sent since the last take.
func (s *siteServer) take() []sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.sent
	s.sent = nil
	return out
}

func total(ss []sent) (n int) {
	for _, s := range ss {
		n += s.bytes
	}
	return n
}

type recorder struct {
	http.ResponseWriter
	status, n int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.n += n
	return n, err
}

// watchPolicy makes p record, as errors, Content-Security-Policy
// violations in any frame of the page (the securitypolicyviolation event,
// logged with console.error, which the harness records) and the browser's
// own error log entries (failed loads, refused scripts).
func (p *page) watchPolicy() {
	p.t.Helper()
	chromedp.ListenTarget(p.ctx, func(ev any) {
		if e, ok := ev.(*log.EventEntryAdded); ok && e.Entry.Level == log.LevelError {
			p.mu.Lock()
			p.errors = append(p.errors, fmt.Sprintf("log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			p.mu.Unlock()
		}
	})
	p.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := cdppage.AddScriptToEvaluateOnNewDocument(`document.addEventListener("securitypolicyviolation",
			(e) => console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI + " at " + e.sourceFile + ":" + e.lineNumber));`).Do(ctx)
		return err
	}))
}

// navigate loads url and waits for the app's ready flag.
func (p *page) navigateReady(url string) {
	p.t.Helper()
	p.run(chromedp.Navigate(url), chromedp.WaitVisible(`html[data-mmplay-ready="true"]`, chromedp.ByQuery))
}

// eval evaluates a JavaScript expression, awaiting it if it is a promise.
func (p *page) eval(js string, out any) {
	p.t.Helper()
	p.run(chromedp.Evaluate(js, out, func(ep *runtime.EvaluateParams) *runtime.EvaluateParams {
		return ep.WithAwaitPromise(true)
	}))
}

// runSnippet runs a tiny program in the page's editor and checks its output.
func (p *page) runSnippet() {
	p.t.Helper()
	var out string
	p.setCode("#include <stdio.h>\n#include <stdlib.h>\nint main(void){ char *q = malloc(64); printf(\"got %d\\n\", q != 0); free(q); return 0; }")
	p.run(chromedp.Click(sel("run"), chromedp.ByQuery),
		chromedp.Poll(`(() => { const t = (document.querySelector('[data-testid="stdout"]') || {}).textContent || "";
			return t.includes("got ") && t; })()`, &out, chromedp.WithPollingTimeout(20*time.Second)))
	if !strings.Contains(out, "got 1") {
		p.t.Errorf("stdout = %q, want it to contain %q", out, "got 1")
	}
}

var (
	wasmPath = regexp.MustCompile(`^/assets/app\.[0-9a-f]+\.wasm$`)
	wasmURL  = regexp.MustCompile(`/assets/app\.[0-9a-f]+\.wasm$`)
)

// TestServiceWorkerOffline: a first visit installs the service worker; a
// second visit transfers nothing but revalidations; with the server gone,
// a reload still starts the playground, which still runs a program.
func TestServiceWorkerOffline(t *testing.T) {
	p := newPage(t)
	p.watchPolicy()
	p.recordReadyTime()
	srv := startSite(t)
	// A reader's browser is running already: its own start (a second of
	// both cores here) is not the page's load (see BenchmarkColdLoad).
	p.waitBrowserIdle()

	p.navigateReady(srv.URL + "/")
	coldMS := p.readyTime()
	cached := p.waitServiceWorker()
	cold := srv.take()
	wasmDownloads := 0
	for _, s := range cold {
		if wasmPath.MatchString(s.path) && s.status == http.StatusOK {
			wasmDownloads++
		}
	}
	if wasmDownloads != 1 {
		t.Errorf("first visit: the wasm was sent %d times, want 1 (the service worker's install should find it in the HTTP cache): %v", wasmDownloads, cold)
	}

	// Second visit, server up: only revalidations (304s, no body).
	p.navigateReady(srv.URL + "/")
	secondMS := p.readyTime()
	second := srv.take()
	for _, s := range second {
		if s.status == http.StatusOK && s.bytes > 0 && s.path != "/sw.js" {
			t.Errorf("second visit downloaded %s", s)
		}
	}

	// Server gone: a reload still works, from the service worker's cache.
	srv.Close()
	p.run(chromedp.Reload(), chromedp.WaitVisible(`html[data-mmplay-ready="true"]`, chromedp.ByQuery))
	offlineMS := p.readyTime()
	p.runSnippet()
	p.screenshot("offline-reload")
	p.noConsoleErrors()

	report := map[string]any{
		"cold_load_bytes":     total(cold),
		"cold_load_responses": len(cold),
		"second_visit_bytes":  total(second),
		"second_visit":        fmt.Sprint(second),
		"precached_entries":   cached,
		"ready_ms_cold":       coldMS,
		"ready_ms_second":     secondMS,
		"ready_ms_offline":    offlineMS,
	}
	t.Logf("time to the first render (ready flag): cold %.0f ms, second visit %.0f ms, offline %.0f ms", coldMS, secondMS, offlineMS)
	t.Logf("first visit: %d responses, %d bytes: %v", len(cold), total(cold), cold)
	t.Logf("second visit: %d responses, %d bytes: %v", len(second), total(second), second)
	saveMeasurements(t, "service-worker", report)
}

// TestTutorialEmbeds: the tutorial's five snippets become playgrounds only
// as they scroll near the viewport, each starts with its own code (decoded
// from the fragment embed.js wrote), and the wasm is downloaded once.
func TestTutorialEmbeds(t *testing.T) {
	p := newPage(t)
	p.watchPolicy()
	srv := startSite(t)
	// The browser's view: every response for the wasm, in any frame, and
	// where it came from. (Chromium 148's *ExtraInfo network events do not
	// decode in this cdproto, hence the log noise; these two do.)
	var mu sync.Mutex
	var wasmLoads, wasmFromNetwork int
	chromedp.ListenTarget(p.ctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceived); ok && wasmURL.MatchString(e.Response.URL) {
			mu.Lock()
			wasmLoads++
			if !e.Response.FromDiskCache && !e.Response.FromServiceWorker && !e.Response.FromPrefetchCache {
				wasmFromNetwork++
			}
			mu.Unlock()
		}
	})
	p.run(chromedp.Navigate(srv.URL+"/tutorial.html"), chromedp.WaitReady("body", chromedp.ByQuery))
	var pres, frames int
	p.run(chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(`document.querySelectorAll("pre[data-mmplay]").length`, &pres),
		chromedp.Evaluate(`document.querySelectorAll("iframe.mmplay-embed").length`, &frames))
	if pres+frames != 5 {
		t.Fatalf("the tutorial has %d snippets and %d embeds, want 5 in all", pres, frames)
	}
	if frames >= 5 {
		t.Errorf("all %d embeds were created at load: they should wait until scrolled near", frames)
	}
	p.screenshot("tutorial-top")

	marks := []string{"sbrk(0)", "minor_faults()", "__get_free_pages(GFP_KERNEL, order)", "ksize(p)", "vmalloc_to_pfn"}
	for i := 0; i < 5; i++ {
		var code string
		js := fmt.Sprintf(`(async () => {
			const el = () => document.querySelectorAll("pre[data-mmplay], iframe.mmplay-embed")[%d];
			el().scrollIntoView({block: "center"});
			for (let k = 0; k < 600; k++) {
				const f = el();
				const d = f.tagName === "IFRAME" && f.contentDocument;
				if (d && d.documentElement && d.documentElement.dataset.mmplayReady === "true") {
					const ta = d.querySelector('[data-testid="editor-input"]');
					return ta ? ta.value : "(no editor)";
				}
				await new Promise((r) => setTimeout(r, 50));
			}
			return "(not ready after 30 s)";
		})()`, i)
		p.eval(js, &code)
		if !strings.Contains(code, marks[i]) {
			t.Errorf("embed %d: its editor holds %.80q…, want the snippet with %q", i+1, code, marks[i])
		}
	}
	p.run(chromedp.Evaluate(`window.scrollTo(0, 0)`, nil))
	p.screenshot("tutorial")

	var downloads []sent
	for _, s := range srv.take() {
		if wasmPath.MatchString(s.path) {
			downloads = append(downloads, s)
		}
	}
	if len(downloads) != 1 {
		t.Errorf("5 embeds: the server sent the wasm %d times, want once: %v", len(downloads), downloads)
	}
	mu.Lock()
	loads, fromNetwork := wasmLoads, wasmFromNetwork
	mu.Unlock()
	// The server's count is the truth: a frame whose request waited for
	// another frame's download to fill the HTTP cache may be reported with
	// no cache flag, as if from the network.
	t.Logf("5 embeds: the frames loaded the wasm %d times, %d of them not flagged as from a cache; the server sent it %d times", loads, fromNetwork, len(downloads))
	if loads != 5 {
		t.Errorf("the wasm was loaded %d times, want 5 (one per embed)", loads)
	}
	saveMeasurements(t, "tutorial", map[string]any{"wasm_loads": loads, "wasm_not_flagged_cached": fromNetwork, "wasm_sent_by_server": len(downloads)})

	// embed.js resizes an embed when the embed asks, and only then.
	var got string
	p.eval(`(async () => {
		const f = document.querySelector("iframe.mmplay-embed");
		const before = f.style.height;
		window.postMessage({type: "mmplay:height", height: 999}, "*"); // from the page, not from an embed
		await new Promise((r) => setTimeout(r, 100));
		if (f.style.height !== before) return "resized by a message from the page itself: " + f.style.height;
		window.testResized = new Promise((resolve) => {
			const mo = new MutationObserver(() => { if (f.style.height === "777px") { mo.disconnect(); resolve("ok"); } });
			mo.observe(f, {attributes: true, attributeFilter: ["style"]});
			setTimeout(() => resolve("not resized: " + f.style.height), 5000);
		});
		return "ok";
	})()`, &got)
	if got != "ok" {
		t.Fatal(got)
	}
	p.evalInFrame("index.html?embed", `parent.postMessage({type: "mmplay:height", height: 777}, "*")`)
	p.eval(`window.testResized`, &got)
	if got != "ok" {
		t.Errorf("an embed's own height message: %s", got)
	}
	p.noConsoleErrors()
}

// TestEmbedForeignHost: an author's page on another origin uses embed.js;
// the embed comes from the playground's origin (the script's directory), an
// embed resizes on its own messages, and messages from the host's origin
// (even from an iframe that was an embed) are ignored.
func TestEmbedForeignHost(t *testing.T) {
	p := newPage(t)
	srv := startSite(t)
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			fmt.Fprintf(w, `<!doctype html><title>an author's page</title><h1>My tutorial</h1>
<pre data-mmplay data-views="heap" data-theme="dark">#include &lt;stdlib.h&gt;
int main(void) { free(malloc(100)); return 0; }</pre>
<script src="%s/embed.js"></script>`, srv.URL)
		case "/spoof.html":
			// Same origin as the host page, so it can tell the parent when it is done.
			fmt.Fprint(w, `<!doctype html><script>
parent.postMessage({type: "mmplay:height", height: 999}, "*");
parent.postMessage({type: "test:spoofed"}, "*");
</script>`)
		}
	}))
	defer host.Close()

	p.run(chromedp.Navigate(host.URL+"/"), chromedp.WaitReady("iframe.mmplay-embed", chromedp.ByQuery))
	var src string
	p.run(chromedp.AttributeValue("iframe.mmplay-embed", "src", &src, nil, chromedp.ByQuery))
	if want := srv.URL + "/index.html?embed&views=heap&theme=dark#s="; !strings.HasPrefix(src, want) {
		t.Errorf("embed src = %q, want %s…", src, want)
	}
	var result string
	p.eval(`(async () => {
		const f = document.querySelector("iframe.mmplay-embed");
		const before = f.style.height;
		const done = new Promise((r) => window.addEventListener("message", (e) => e.data && e.data.type === "test:spoofed" && r()));
		f.src = location.origin + "/spoof.html"; // the embed's window now has the host's origin
		await done;
		await new Promise((r) => setTimeout(r, 50));
		return f.style.height === before ? "ignored" : "resized to " + f.style.height;
	})()`, &result)
	if result != "ignored" {
		t.Errorf("a height message from the host's origin: %s, want it ignored", result)
	}
	p.noConsoleErrors()
}

// TestSingleFile: dist/mmplay.html starts from file:// (no server, no
// service worker, the wasm inlined) and runs a program.
func TestSingleFile(t *testing.T) {
	p := newPage(t)
	p.watchPolicy()
	p.navigateReady("file://" + filepath.ToSlash(filepath.Join(builtSite(), "mmplay.html")))
	p.runSnippet()
	p.screenshot("single-file")
	p.noConsoleErrors()
}

// TestSitePolicy: the app under the site's Content-Security-Policy loads,
// runs a program and violates nothing; the policy is the one _headers
// sets.
func TestSitePolicy(t *testing.T) {
	p := newPage(t)
	p.watchPolicy()
	srv := startSite(t)
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors *"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "'unsafe-eval'") {
		t.Errorf("Content-Security-Policy allows eval: %q", csp)
	}
	p.navigateReady(srv.URL + "/")
	p.runSnippet()
	p.noConsoleErrors()
}

// builtSite is the folder the tests serve: dist/, or MMPLAY_SITE_DIR.
func builtSite() string {
	if d := os.Getenv("MMPLAY_SITE_DIR"); d != "" {
		return d
	}
	return filepath.Join(root, "dist")
}

// recordReadyTime makes every page of this tab note when the app's ready
// flag appears (performance.now(), from the start of the navigation).
func (p *page) recordReadyTime() {
	p.t.Helper()
	p.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := cdppage.AddScriptToEvaluateOnNewDocument(`new MutationObserver((_, mo) => {
			if (document.documentElement.dataset.mmplayReady === "true") { window.mmplayReadyAt = performance.now(); mo.disconnect(); }
		}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-mmplay-ready"]});`).Do(ctx)
		return err
	}))
}

// readyTime is the milliseconds from navigation to the ready flag.
func (p *page) readyTime() float64 {
	p.t.Helper()
	var ms float64
	p.eval(`window.mmplayReadyAt || 0`, &ms)
	return ms
}

// waitServiceWorker waits until a service worker controls the page and
// its cache holds the app shell, and returns the number of entries cached.
func (p *page) waitServiceWorker() int {
	p.t.Helper()
	var cached int
	p.eval(`(async () => {
		await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller) {
			await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, {once: true}));
		}
		// The install's cache.addAll may still be running.
		for (let i = 0; i < 200; i++) {
			const keys = await caches.keys();
			if (keys.length === 1) {
				const n = (await (await caches.open(keys[0])).keys()).length;
				if (n > 0 && (await navigator.serviceWorker.ready).active.state === "activated") return n;
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		return 0;
	})()`, &cached)
	if cached == 0 {
		p.t.Fatal("the service worker cached nothing")
	}
	return cached
}

// TestServiceWorkerNewDeploy: after a deploy, the next visit shows the new
// index.html at once (network first), and the new worker replaces the old
// cache, which keeps working offline.
func TestServiceWorkerNewDeploy(t *testing.T) {
	p := newPage(t)
	p.watchPolicy()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(builtSite())); err != nil {
		t.Fatal(err)
	}
	srv := startSiteAt(t, dir)
	p.navigateReady(srv.URL + "/")
	p.waitServiceWorker()
	var before []string
	p.eval(`caches.keys()`, &before)

	// The deploy: a changed page and, as the build would write, a worker
	// with a new version. Their precompressed copies go (stale).
	for _, f := range []string{"index.html.br", "index.html.gz", "sw.js.br", "sw.js.gz"} {
		os.Remove(filepath.Join(dir, f))
	}
	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	index = []byte(strings.Replace(string(index), "</body>", "<!-- deploy 2 -->\n</body>", 1))
	sw, _ := os.ReadFile(filepath.Join(dir, "sw.js"))
	sw2 := regexp.MustCompile(`"version":"([0-9a-f]+)"`).ReplaceAll(sw, []byte(`"version":"${1}2"`))
	if string(sw2) == string(sw) {
		t.Fatal("sw.js has no version to change")
	}
	future := time.Now().Add(time.Minute)
	for name, b := range map[string][]byte{"index.html": index, "sw.js": sw2} {
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
		os.Chtimes(filepath.Join(dir, name), future, future)
	}

	p.navigateReady(srv.URL + "/")
	var deployed bool
	p.eval(`document.documentElement.outerHTML.includes("deploy 2")`, &deployed)
	if !deployed {
		t.Error("the second visit after a deploy showed the old index.html")
	}
	var after []string
	p.eval(`(async () => {
		for (let i = 0; i < 200; i++) {
			const keys = await caches.keys();
			if (keys.length === 1 && keys[0] !== `+jsString(strings.Join(before, ""))+`) return keys;
			await new Promise((r) => setTimeout(r, 50));
		}
		return caches.keys();
	})()`, &after)
	if len(before) != 1 || len(after) != 1 || after[0] != before[0]+"2" {
		t.Errorf("caches before the deploy %v, after %v: want the one cache replaced by the new version's", before, after)
	}
	srv.Close()
	p.run(chromedp.Reload(), chromedp.WaitVisible(`html[data-mmplay-ready="true"]`, chromedp.ByQuery))
	p.eval(`document.documentElement.outerHTML.includes("deploy 2")`, &deployed)
	if !deployed {
		t.Error("offline, the page is not the new deploy's")
	}
	p.noConsoleErrors()
}

// TestEmbedWithoutCompressionStream: in a browser without
// CompressionStream, embed.js loads the bare embed page and posts it the
// snippet once the page announces itself.
func TestEmbedWithoutCompressionStream(t *testing.T) {
	p := newPage(t)
	p.watchPolicy()
	p.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := cdppage.AddScriptToEvaluateOnNewDocument(`delete window.CompressionStream;`).Do(ctx)
		return err
	}))
	p.run(chromedp.Navigate(serverURL+"/tutorial.html"), chromedp.WaitReady("body", chromedp.ByQuery))
	var code string
	p.eval(`(async () => {
		const el = () => document.querySelector("pre[data-mmplay], iframe.mmplay-embed");
		el().scrollIntoView({block: "center"});
		for (let k = 0; k < 600; k++) {
			const f = el();
			const d = f.tagName === "IFRAME" && f.contentDocument;
			const ta = d && d.querySelector('[data-testid="editor-input"]');
			if (ta && ta.value.includes("sbrk(0)")) return f.src + "\n" + ta.value;
			await new Promise((r) => setTimeout(r, 50));
		}
		const f = el();
		return "(no snippet after 30 s) " + f.src;
	})()`, &code)
	if !strings.Contains(code, "sbrk(0)") {
		t.Errorf("the embed did not get its snippet by message: %.200s", code)
	}
	if strings.Contains(strings.SplitN(code, "\n", 2)[0], "#s=") {
		t.Errorf("without CompressionStream the embed URL has a fragment: %.200s", code)
	}
	p.noConsoleErrors()
}

// saveMeasurements writes numbers for BENCHMARKS.md to artifacts/.
func saveMeasurements(t *testing.T, name string, m map[string]any) {
	dir := filepath.Join(root, "artifacts")
	os.MkdirAll(dir, 0o755)
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "delivery-"+name+".json"), b, 0o644); err != nil {
		t.Log(err)
	}
}

// evalInFrame evaluates js in the first frame whose URL contains urlPart,
// in an isolated world of that frame (CDP's evaluation is not subject to
// the page's Content-Security-Policy; the world shares the frame's window
// and DOM, so postMessage from it comes from that frame).
func (p *page) evalInFrame(urlPart, js string) {
	p.t.Helper()
	p.evalInFrameValue(urlPart, js, nil)
}

// evalInFrameValue is evalInFrame that also decodes the result (JSON) into
// out when out is not nil.
func (p *page) evalInFrameValue(urlPart, js string, out any) {
	p.t.Helper()
	p.run(chromedp.ActionFunc(func(ctx context.Context) error {
		tree, err := cdppage.GetFrameTree().Do(ctx)
		if err != nil {
			return err
		}
		var find func(t *cdppage.FrameTree) *cdp.Frame
		find = func(t *cdppage.FrameTree) *cdp.Frame {
			if strings.Contains(t.Frame.URL, urlPart) {
				return t.Frame
			}
			for _, c := range t.ChildFrames {
				if f := find(c); f != nil {
					return f
				}
			}
			return nil
		}
		f := find(tree)
		if f == nil {
			return fmt.Errorf("no frame with %q in its URL", urlPart)
		}
		id, err := cdppage.CreateIsolatedWorld(f.ID).Do(ctx)
		if err != nil {
			return err
		}
		res, exc, err := runtime.Evaluate(js).WithContextID(id).WithReturnByValue(true).Do(ctx)
		if err == nil && exc != nil {
			err = exc
		}
		if err == nil && out != nil {
			err = json.Unmarshal(res.Value, out)
		}
		return err
	}))
}
