package browser

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"mmplay/ui/view"
)

// waitStatus waits until the status line contains one of the words.
func (p *page) waitStatus(words ...string) string {
	p.t.Helper()
	var conds []string
	for _, w := range words {
		conds = append(conds, fmt.Sprintf("s.includes(%s)", jsString(w)))
	}
	js := fmt.Sprintf(`(() => { const el = document.querySelector('[data-testid="status"]'); const s = el ? el.textContent : ""; return %s; })()`,
		strings.Join(conds, " || "))
	p.run(chromedp.Poll(js, nil, chromedp.WithPollingTimeout(30*time.Second)))
	return p.text("status")
}

// text is an element's text content ("" when absent).
func (p *page) text(testid string) string {
	p.t.Helper()
	var s string
	p.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const el = document.querySelector('[data-testid=%q]'); return el ? el.textContent : ""; })()`, testid), &s))
	return s
}

func (p *page) click(testid string) {
	p.t.Helper()
	p.run(chromedp.Click(sel(testid), chromedp.ByQuery))
}

func (p *page) exists(testid string) bool {
	p.t.Helper()
	var ok bool
	p.run(chromedp.Evaluate(fmt.Sprintf(`!!document.querySelector('[data-testid=%q]')`, testid), &ok))
	return ok
}

func exampleIDs(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(root, "ui", "examples", "*.c"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	var ids []string
	for _, f := range files {
		ids = append(ids, strings.TrimSuffix(filepath.Base(f), ".c"))
	}
	sort.Strings(ids)
	return ids
}

// TestFirstVisit: the first visit opens the short malloc + demand paging
// example, already run, with the Physical view drawn; the page then does
// its idle work and still answers.
func TestFirstVisit(t *testing.T) {
	p := newPage(t)
	start := time.Now()
	p.open("/")
	t.Logf("ready after %v", time.Since(start))
	st := p.waitStatus("exited")
	if !strings.Contains(st, "status 0") {
		t.Errorf("status %q", st)
	}
	if out := p.text("stdout"); !strings.Contains(out, "malloc(64 MiB)") {
		t.Errorf("stdout %q", out)
	}
	if !p.exists("phys-canvas") {
		t.Error("no Physical canvas")
	}
	p.screenshot("first-visit")
	// A reader who steps at once: the page's idle work after that (the
	// collector turned back on, the next step back prepared) runs to its
	// end and the page still answers. Once, when that work needed a
	// second idle slice, a nil function left from the start-up killed the
	// Go program there.
	p.openAndStep()
	p.waitIdle()
	p.click("step")
	p.waitStatus("2 statements")
	p.noConsoleErrors()
}

// openAndStep opens the first visit and, as soon as its example has run,
// resets it and takes one step (before the page's idle work has run).
func (p *page) openAndStep() {
	p.t.Helper()
	p.open("/")
	p.waitStatus("exited")
	p.click("reset")
	p.waitStatus("ready")
	p.click("step")
	p.waitStatus("1 statements")
}

// fontsJS lists the fonts (family, size, weight, style) of the text under
// a root element, as the browser computes them.
const fontsJS = `(root) => {
	const fonts = new Set();
	const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
	for (let n; (n = w.nextNode()); ) {
		if (!n.textContent.trim()) continue;
		const cs = getComputedStyle(n.parentElement);
		fonts.add([cs.fontFamily, cs.fontSize, cs.fontWeight, cs.fontStyle].join(" | "));
	}
	return [...fonts].sort();
}`

// TestFontWarmup: index.html's hidden font warm-up (which makes the
// browser look the fonts up while the wasm downloads) holds every font,
// size, weight and style the first render shows, in both themes and at
// 360 px. The boot message with the warm-up is taken from the served
// index.html and laid out in the running page, beside the app, with the
// app's stylesheet.
func TestFontWarmup(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	var warm []string
	p.run(chromedp.Evaluate(`(async () => {
		const html = await (await fetch("/")).text();
		const boot = new DOMParser().parseFromString(html, "text/html").querySelector("[data-testid=boot]");
		if (!boot || !boot.querySelector(".font-warmup")) return [];
		const src = document.createElement("div");
		src.innerHTML = boot.innerHTML; // the boot message and the warm-up
		const el = document.importNode(src, true);
		document.body.appendChild(el);
		const fonts = (`+fontsJS+`)(el);
		el.remove();
		return fonts;
	})()`, &warm, func(ep *runtime.EvaluateParams) *runtime.EvaluateParams { return ep.WithAwaitPromise(true) }))
	if len(warm) == 0 {
		t.Fatal("the served index.html has no .font-warmup in its boot message")
	}
	have := map[string]bool{}
	for _, f := range warm {
		have[f] = true
	}
	check := func(when string) {
		var shown []string
		p.run(chromedp.Evaluate(`(`+fontsJS+`)(document.body)`, &shown))
		for _, f := range shown {
			if !have[f] {
				t.Errorf("%s, the first render shows text in %q, which index.html's font warm-up lacks: add an element in that font to it", when, f)
			}
		}
	}
	check("at 1280 px")
	p.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}))
	p.open("/")
	p.waitStatus("exited")
	check("in the dark theme")
	p.run(emulation.SetDeviceMetricsOverride(360, 800, 1, true))
	p.open("/")
	p.waitStatus("exited")
	check("at 360 px")
}

// TestGalleryRunsEveryExample loads and runs each example from the gallery.
func TestGalleryRunsEveryExample(t *testing.T) {
	p := newPage(t)
	p.open("/")
	for _, id := range exampleIDs(t) {
		p.click("open-gallery")
		p.click("example-" + id)
		st := p.waitStatus("exited", "killed", "stopped")
		if strings.Contains(st, "compile error") || p.exists("internal-error") {
			t.Errorf("%s: status %q", id, st)
		}
		out := p.text("stdout") + p.text("kernel-log")
		if strings.TrimSpace(out) == "" {
			t.Errorf("%s: no output and no kernel log (status %q)", id, st)
		}
		t.Logf("%s: %s", id, st)
	}
	p.noConsoleErrors()
}

const stepSnippet = `#include <stdlib.h>
int main(void) {
	char *a = malloc(24);
	char *b = malloc(100);
	free(a);
	free(b);
	return 0;
}
`

// TestStepForwardAndBack steps, steps back (re-execution) and checks the
// current line and the views follow.
func TestStepForwardAndBack(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.setCode(stepSnippet)
	p.click("step")
	p.waitStatus("1 statements")
	p.click("step")
	st := p.waitStatus("2 statements")
	if !strings.Contains(st, "at line 5") {
		t.Errorf("after two steps: %q", st)
	}
	if !p.exists("current-line") {
		t.Error("no current-line marker")
	}
	// The highlighted copy under the textarea is the text the reader sees.
	if hl := p.text("editor-highlight"); hl != stepSnippet+"\n" {
		t.Errorf("the highlighted code shows %q", hl)
	}
	p.click("tab-heap")
	p.click("step")
	p.click("step")
	p.waitStatus("4 statements")
	p.screenshot("step-heap")
	p.click("step-back")
	st = p.waitStatus("3 statements")
	if !strings.Contains(st, "at line 6") {
		t.Errorf("after step back: %q", st)
	}
	p.click("tab-timeline")
	p.screenshot("step-timeline")
	p.noConsoleErrors()
}

// TestEveryView opens each view after a run, in both themes, at 1280 and
// at 360 px wide, saves a screenshot of each (view-VIEW-THEME and
// narrow-360-VIEW-THEME) and checks that the page never scrolls sideways.
func TestEveryView(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.click("open-gallery")
	p.click("example-07b-scullp")
	p.waitStatus("exited")
	views := []string{"physical", "buddy", "slab", "virtual", "heap", "proc", "timeline"}
	for _, width := range []int{1280, 360} {
		p.run(chromedp.EmulateViewport(int64(width), 900))
		for _, theme := range []string{"light", "dark"} {
			for !strings.Contains(p.attr("app", "class"), "theme-"+theme) {
				p.click("theme")
			}
			for _, v := range views {
				p.click("tab-" + v)
				p.run(chromedp.WaitVisible(sel("view-"+v), chromedp.ByQuery))
				if txt := strings.TrimSpace(p.text("view-" + v)); txt == "" {
					t.Errorf("view %s is empty", v)
				}
				name := fmt.Sprintf("view-%s-%s", v, theme)
				if width != 1280 {
					name = fmt.Sprintf("narrow-%d-%s-%s", width, v, theme)
				}
				p.screenshot(name)
				var overflow string
				p.run(chromedp.Evaluate(`(() => { const d = document.documentElement; if (d.scrollWidth <= d.clientWidth + 1) return "";
					for (const el of document.querySelectorAll("body *")) { const r = el.getBoundingClientRect(); if (r.right > d.clientWidth + 1) return el.tagName + "." + el.className + " ends at " + r.right; }
					return "something"; })()`, &overflow))
				if overflow != "" {
					t.Errorf("%s: the page scrolls sideways (%s)", name, overflow)
				}
			}
		}
	}
	p.noConsoleErrors()
}

func (p *page) attr(testid, name string) string {
	p.t.Helper()
	var s string
	p.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const el = document.querySelector('[data-testid=%q]'); return el ? (el.getAttribute(%q) || "") : ""; })()`, testid, name), &s))
	return s
}

// TestSharedLinkRestoresState opens a link made by the share encoding and
// checks the snippet, config, step and view come back.
func TestSharedLinkRestoresState(t *testing.T) {
	p := newPage(t)
	frag := view.EncodeFragment(view.State{Code: stepSnippet, Config: "kernel=6.1", Step: 3, Views: []string{"heap"}})
	p.open("/#" + frag)
	st := p.waitStatus("3 statements")
	if !strings.Contains(st, "at line 6") {
		t.Errorf("status %q", st)
	}
	var code string
	p.run(chromedp.Value(sel("editor-input"), &code, chromedp.ByQuery))
	if code != stepSnippet {
		t.Errorf("editor holds %q", code)
	}
	if p.attr("tab-heap", "aria-selected") != "true" {
		t.Error("the heap view is not the open one")
	}
	// A damaged link says so and opens an example.
	q := newPage(t)
	q.open("/#s=" + strings.Repeat("A", 40))
	if n := q.text("notice"); !strings.Contains(n, "damaged") {
		t.Errorf("damaged link notice %q", n)
	}
	p.noConsoleErrors()
	q.noConsoleErrors()
}

// TestBadInputKeepsThePageWorking: a compile error marks the line; an
// endless loop is stopped by Stop while the page responds. The
// compiler's message shows on hover over the line in the code (the
// textarea's title) and over its line number; during the endless loop a
// view tab still opens.
func TestBadInputKeepsThePageWorking(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.setCode("int main(void) {\n\treturn kmalloc(10, 0);\n}\n")
	p.click("run")
	p.waitStatus("compile error")
	if !p.exists("error-marker") || !strings.Contains(p.text("diagnostics"), "snippet.c:2:") {
		t.Errorf("no error marker or diagnostic: %q", p.text("diagnostics"))
	}
	p.screenshot("compile-error")
	hover := func(line float64) string {
		y := view.EditorPadTop + view.EditorLineHeight*(line-0.5) // the middle of the line
		p.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const ta = document.querySelector('[data-testid="editor-input"]'); const r = ta.getBoundingClientRect();
			ta.dispatchEvent(new MouseEvent("mousemove", {bubbles: true, clientX: r.left + 40, clientY: r.top + %v})); return true; })()`, y), nil))
		return p.attr("editor-input", "title")
	}
	if title := hover(2); !strings.Contains(title, "snippet.c:2:") {
		t.Errorf("hovering over line 2 shows %q", title)
	}
	if title := hover(3); title != "" {
		t.Errorf("hovering over line 3 shows %q", title)
	}
	var gutter string
	p.run(chromedp.Evaluate(`document.querySelector('.gutter .ln[data-line="2"]').title`, &gutter))
	if !strings.Contains(gutter, "snippet.c:2:") {
		t.Errorf("line 2's number says %q", gutter)
	}

	p.setCode("// mmplay: max-steps=4000000000\nint main(void) {\n\tlong i = 0;\n\tfor (;;) i++;\n}\n")
	p.click("run")
	p.waitStatus("running")
	p.click("tab-heap")
	if p.attr("tab-heap", "aria-selected") != "true" {
		t.Error("the page did not switch views during the run")
	}
	p.click("stop")
	st := p.waitStatus("paused")
	if !strings.Contains(st, "paused at line 4") {
		t.Errorf("after Stop: %q", st)
	}
	p.noConsoleErrors()
}

// TestSettingsAndShareButtons: a setting re-runs the snippet on the new
// machine; Copy link and Copy embed code answer (with the fragment link:
// the test server has no edge worker).
func TestSettingsAndShareButtons(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.click("open-settings")
	p.run(chromedp.Evaluate(`(() => { const s = document.querySelector('[data-testid="setting-kernel"]');
		s.value = "2.0"; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, nil))
	p.waitStatus("exited")
	// The fragment follows the state when the page is idle.
	p.waitIdle()
	var frag string
	p.run(chromedp.Evaluate(`location.hash`, &frag))
	st, err := view.DecodeFragment(frag)
	if err != nil || !strings.Contains(st.Config, "kernel=2.0") {
		t.Errorf("after the setting, the link's config is %q (%v)", st.Config, err)
	}
	p.screenshot("settings")
	p.click("close-settings")
	p.click("tab-slab")
	if txt := p.text("view-slab"); !strings.Contains(txt, "Linux 2.0 has no slab caches") {
		t.Errorf("slab view on 2.0: %q", txt)
	}
	p.click("copy-link")
	p.run(chromedp.Poll(`(() => { const n = document.querySelector('[data-testid="notice"]'); return !!n && /Link copied|Copy this link/.test(n.textContent); })()`, nil,
		chromedp.WithPollingTimeout(10*time.Second)))
	p.click("copy-embed")
	p.run(chromedp.Poll(`(() => { const n = document.querySelector('[data-testid="notice"]'); return !!n && /Embed code copied|Copy this embed code/.test(n.textContent); })()`, nil,
		chromedp.WithPollingTimeout(10*time.Second)))
	p.noConsoleErrors()
}
