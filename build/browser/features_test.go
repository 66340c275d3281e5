package browser

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"mmplay/engine/phys"
	"mmplay/ui/view"
)

// The "Deliver" and "Must hold" items, each checked in the
// browser: the focus across views, the Timeline's steps, the editor's
// keys, keyboard access, the internal-error report, the snippet's
// settings line, the theme's storage (the error hover and the page during
// an endless loop: TestBadInputKeepsThePageWorking).

// eval evaluates js and stores the result in out, failing on error.
func (p *page) js(js string, out any) {
	p.t.Helper()
	p.run(chromedp.Evaluate(js, out))
}

// hasClass reports whether the first element matching css has class cls.
func (p *page) hasClass(css, cls string) bool {
	p.t.Helper()
	var ok bool
	p.js(fmt.Sprintf(`(() => { const el = document.querySelector(%s); return !!el && el.classList.contains(%s); })()`, jsString(css), jsString(cls)), &ok)
	return ok
}

// dispatch sends a bubbling mouse event to the first element matching css.
func (p *page) dispatch(css, typ string) {
	p.t.Helper()
	var ok bool
	p.js(fmt.Sprintf(`(() => { const el = document.querySelector(%s); if (!el) return false;
		el.dispatchEvent(new MouseEvent(%s, {bubbles: true})); return true; })()`, jsString(css), jsString(typ)), &ok)
	if !ok {
		p.t.Fatalf("no element %s", css)
	}
}

// canvasHas reports whether the Physical canvas has a pixel of colour c.
func (p *page) canvasHas(c [3]byte) bool {
	p.t.Helper()
	var ok bool
	p.js(fmt.Sprintf(`(() => { const cv = document.querySelector('[data-testid="phys-canvas"]'); if (!cv || !cv.width) return false;
		const d = cv.getContext("2d").getImageData(0, 0, cv.width, cv.height).data;
		for (let i = 0; i < d.length; i += 4) if (d[i] === %d && d[i+1] === %d && d[i+2] === %d) return true;
		return false; })()`, c[0], c[1], c[2]), &ok)
	return ok
}

// blend is a colour half-way to m, as the Physical view marks a frame
// at one pixel per frame (view.HighlightFrames).
func blend(c, m [3]byte) [3]byte {
	return [3]byte{byte((uint(c[0]) + uint(m[0])) / 2), byte((uint(c[1]) + uint(m[1])) / 2), byte((uint(c[2]) + uint(m[2])) / 2)}
}

// lightTheme forces the light theme (the palette the checks compute).
func (p *page) lightTheme() {
	p.t.Helper()
	for !strings.Contains(p.attr("app", "class"), "theme-light") {
		p.click("theme")
	}
}

// TestFocusAcrossViews: a heap chunk under the pointer is outlined in the
// Heap view; clicked, it is pinned, and the Virtual view outlines its
// VMA and the Physical view its frame; a Buddy block pinned is outlined
// on the canvas; a slab's row under the pointer outlines its objects;
// the pin's ✕ lets go.
func TestFocusAcrossViews(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.lightTheme()
	pal := view.LightPalette
	anon := pal.Owner[phys.OwnerUserAnon]
	anonFocused := func() bool {
		return p.canvasHas(blend(anon, pal.Focus)) || p.canvasHas(blend(blend(anon, pal.Changed), pal.Focus))
	}

	p.click("tab-heap")
	row := `[data-testid="heap-chunk"]`
	p.dispatch(row+` td`, "mouseover")
	if !p.hasClass(row, "focus") {
		t.Fatal("the chunk under the pointer is not outlined")
	}
	p.dispatch(row+` td`, "click")
	if !strings.Contains(p.text("pinned"), "Pinned: ") {
		t.Fatalf("a click did not pin the chunk: %q", p.text("pinned"))
	}
	p.dispatch(`[data-testid="heap"]`, "mouseleave")
	if !p.hasClass(row, "focus") {
		t.Error("the pinned chunk lost its outline when the pointer left")
	}
	p.click("tab-virtual")
	var vma string
	p.js(`(() => { const el = document.querySelector('[data-testid="vma"].focus'); return el ? el.textContent : ""; })()`, &vma)
	if !strings.Contains(vma, "[heap]") {
		t.Errorf("the Virtual view outlines %q, not the [heap] VMA", vma)
	}
	p.click("tab-physical")
	if !anonFocused() {
		t.Error("the Physical view does not outline the chunk's frame")
	}
	p.screenshot("focus-physical")
	p.click("unpin")
	if p.exists("pinned") || anonFocused() {
		t.Error("✕ did not let the chunk go")
	}

	p.click("tab-buddy")
	p.dispatch(`[data-testid="buddy"] .block`, "click")
	p.click("tab-physical")
	if free := pal.Free[phys.ZoneDMA]; !p.canvasHas(blend(free, pal.Focus)) {
		t.Error("the pinned free block of zone DMA is not outlined on the canvas")
	}
	p.click("unpin")

	p.click("open-gallery")
	p.click("example-04-kmalloc-sizes")
	p.waitStatus("exited")
	p.click("tab-slab")
	p.dispatch(`.slab-row`, "mouseover")
	var objs int
	p.js(`document.querySelectorAll('.slab-row.focus .obj.focus').length`, &objs)
	if objs == 0 {
		t.Error("a slab under the pointer does not outline its objects")
	}
	p.noConsoleErrors()
}

// TestTimelineGoesToStep: a click on a step of the Timeline moves the
// machine there, back and forward.
func TestTimelineGoesToStep(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.setCode(stepSnippet)
	for i := 1; i <= 4; i++ {
		p.click("step")
		p.waitStatus(fmt.Sprintf("%d statements", i))
	}
	p.click("tab-timeline")
	p.click("timeline-step-2")
	if st := p.waitStatus("2 statements"); !strings.Contains(st, "at line 5") {
		t.Errorf("after a click on step 2: %q", st)
	}
	if !p.hasClass(`[data-testid="timeline-step-2"]`, "tl-step") || !strings.Contains(p.attr("timeline-step-2", "title"), "Go to step 2") {
		t.Error("the step button lost its title")
	}
	var now string
	p.js(`(() => { const el = document.querySelector('.tl-group.now'); return el ? el.textContent : ""; })()`, &now)
	if !strings.Contains(now, "step 2") {
		t.Errorf("the group marked now is %q", now)
	}
	p.noConsoleErrors()
}

// TestEditorKeys: Tab indents (and the browser's undo takes it back),
// Escape then Tab leaves the editor, Ctrl+Enter runs.
func TestEditorKeys(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.setCode("int main(void) {\nreturn 0;\n}\n")
	p.click("reset")
	p.waitStatus("ready")
	// The caret at the start of line 2.
	p.js(`(() => { const ta = document.querySelector('[data-testid="editor-input"]'); ta.focus(); ta.setSelectionRange(17, 17); return true; })()`, nil)
	p.run(chromedp.KeyEvent("\t"))
	var code string
	p.run(chromedp.Value(sel("editor-input"), &code, chromedp.ByQuery))
	if code != "int main(void) {\n\treturn 0;\n}\n" {
		t.Errorf("after Tab the code is %q", code)
	}
	p.run(chromedp.KeyEvent("z", chromedp.KeyModifiers(input.ModifierCtrl)))
	p.run(chromedp.Value(sel("editor-input"), &code, chromedp.ByQuery))
	if code != "int main(void) {\nreturn 0;\n}\n" {
		t.Errorf("undo left %q", code)
	}
	p.run(chromedp.KeyEvent("\r", chromedp.KeyModifiers(input.ModifierCtrl)))
	if st := p.waitStatus("exited"); !strings.Contains(st, "status 0") {
		t.Errorf("Ctrl+Enter: %q", st)
	}
	p.js(`document.querySelector('[data-testid="editor-input"]').focus()`, nil)
	p.run(chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent("\t"))
	var active string
	p.js(`document.activeElement ? (document.activeElement.dataset.testid || document.activeElement.tagName) : ""`, &active)
	if active == "editor-input" {
		t.Error("Escape then Tab did not leave the editor")
	}
	p.noConsoleErrors()
}

// TestKeyboardReachesEveryControl: Tab visits every control of the page
// and the Physical canvas; Enter works a tab; the arrows move between
// frames on the canvas.
func TestKeyboardReachesEveryControl(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.js(`document.activeElement && document.activeElement.blur()`, nil)
	seen := map[string]bool{}
	for i := 0; i < 60; i++ {
		p.run(chromedp.KeyEvent("\t"))
		var id string
		p.js(`document.activeElement ? (document.activeElement.dataset.testid || "") : ""`, &id)
		seen[id] = true
		if id == "editor-input" { // Tab indents there: Escape first
			p.run(chromedp.KeyEvent(kb.Escape))
		}
	}
	want := []string{"open-gallery", "open-settings", "copy-link", "copy-embed", "theme", "editor-input", "run", "step",
		"step-back", "reset", "phys-canvas", "zoom-in"}
	for _, v := range []string{"physical", "buddy", "slab", "virtual", "heap", "proc", "timeline"} {
		want = append(want, "tab-"+v)
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("Tab never reached %s", w)
		}
	}
	p.js(`document.querySelector('[data-testid="tab-buddy"]').focus()`, nil)
	p.run(chromedp.KeyEvent("\r"))
	if p.attr("tab-buddy", "aria-selected") != "true" {
		t.Error("Enter on the Buddy tab did not open it")
	}
	p.click("tab-physical")
	p.js(`document.querySelector('[data-testid="phys-canvas"]').focus()`, nil)
	p.run(chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
	if info := p.text("phys-info"); !strings.HasPrefix(info, "pfn 0x2 ·") {
		t.Errorf("two presses of → on the canvas show %q", info)
	}
	p.run(chromedp.KeyEvent("\r"))
	if !p.exists("pinned") {
		t.Error("Enter on the canvas did not pin the frame's block")
	}
	p.noConsoleErrors()
}

// TestInternalErrorReport: a Go panic in the engine's place, in an event
// handler and in a render each reaches the page as mmplay's internal
// error with the report to paste (the snippet in it), and Reset starts
// again.
func TestInternalErrorReport(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.setCode(stepSnippet)
	for _, where := range []string{"engine", "event", "render"} {
		var res any
		p.js(fmt.Sprintf(`mmplayTestPanic(%q)`, where), &res)
		p.click("step")
		p.waitStatus("internal error")
		report := p.text("report")
		if !strings.Contains(report, "mmplay internal error") || !strings.Contains(report, "Please report it") || !strings.Contains(report, "malloc(24)") {
			t.Errorf("%s: the report says %q", where, report)
		}
		if !p.exists("copy-report") {
			t.Errorf("%s: no Copy the report button", where)
		}
		if where == "engine" {
			p.screenshot("internal-error")
		}
		p.click("reset")
		p.click("step")
		if st := p.waitStatus("1 statements", "internal error"); !strings.Contains(st, "1 statements") || p.exists("internal-error") {
			t.Errorf("%s: after Reset and Step: %q", where, st)
		}
	}
	p.noConsoleErrors()
}

// TestSnippetSettingsLine: the snippet's first line "// mmplay: …" sets
// the machine, and the Settings panel says so.
func TestSnippetSettingsLine(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.setCode("// mmplay: kernel=2.0,ram=64M\n#include <stdlib.h>\nint main(void) {\n\tchar *p = malloc(10);\n\tfree(p);\n\treturn 0;\n}\n")
	p.click("run")
	p.waitStatus("exited")
	p.click("tab-slab")
	if txt := p.text("view-slab"); !strings.Contains(txt, "Linux 2.0 has no slab caches") {
		t.Errorf("the slab view on the snippet's kernel=2.0: %q", txt)
	}
	p.click("tab-physical")
	if sum := p.text("physical"); !strings.Contains(sum, "(64 MiB of RAM)") {
		t.Errorf("the machine is not the snippet's 64 MiB: %q", sum)
	}
	p.click("open-settings")
	if note := p.text("settings"); !strings.Contains(note, "// mmplay: kernel=2.0,ram=64M") {
		t.Errorf("the Settings panel does not show the snippet's line: %q", note)
	}
	p.noConsoleErrors()
}

// TestThemePreference: the theme is stored in localStorage, stays out of
// share links, and is there again on the next visit.
func TestThemePreference(t *testing.T) {
	p := newPage(t)
	p.open("/")
	p.waitStatus("exited")
	p.lightTheme()
	p.click("theme") // light → dark
	var stored string
	p.js(`localStorage.getItem("mmplay.theme") || ""`, &stored)
	if stored != "dark" {
		t.Errorf("localStorage holds %q, want dark", stored)
	}
	var hash string
	p.run(chromedp.Poll(`location.hash.startsWith("#s=")`, nil, chromedp.WithPollingTimeout(10*time.Second)))
	p.js(`location.hash`, &hash)
	st, err := view.DecodeFragment(hash)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(st.Config, "theme") || strings.Contains(st.Config, "dark") {
		t.Errorf("the link carries the theme: %q", st.Config)
	}
	p.open("/")
	if cls := p.attr("app", "class"); !strings.Contains(cls, "theme-dark") {
		t.Errorf("the next visit's theme: class %q", cls)
	}
	p.noConsoleErrors()
}

// TestControlsAndHighlights: Run to cursor stops before the clicked line;
// a step that allocates flashes the new chunk in the Heap view and marks
// its frames on the canvas; zoom widens the canvas; with no theme chosen
// the page and the canvas follow the system's dark scheme.
func TestControlsAndHighlights(t *testing.T) {
	p := newPage(t)
	p.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}))
	p.open("/")
	p.waitStatus("exited")
	var stored string
	p.js(`localStorage.getItem("mmplay.theme") || ""`, &stored)
	if stored != "" || strings.Contains(p.attr("app", "class"), "theme-") {
		t.Fatalf("a fresh page has a theme of its own: %q, class %q", stored, p.attr("app", "class"))
	}
	// The dark free frames of zone DMA32 are on the canvas.
	if !p.canvasHas(view.DarkPalette.Free[phys.ZoneDMA32]) {
		t.Error("with the system dark, the canvas has no dark free frames")
	}
	var bg string
	p.js(`getComputedStyle(document.body).backgroundColor`, &bg)
	if bg != "rgb(20, 23, 27)" {
		t.Errorf("the page's background under a dark system is %s", bg)
	}

	p.setCode(stepSnippet)
	p.click("reset")
	p.waitStatus("ready")
	// The caret on line 5 ("free(a);"), then Run to cursor.
	p.js(`(() => { const ta = document.querySelector('[data-testid="editor-input"]'); ta.focus();
		const at = ta.value.indexOf("free(a)"); ta.setSelectionRange(at, at); ta.dispatchEvent(new MouseEvent("click", {bubbles: true})); return true; })()`, nil)
	p.click("run-to-cursor")
	if st := p.waitStatus("statements"); !strings.Contains(st, "at line 5") {
		t.Errorf("Run to cursor on line 5: %q", st)
	}

	p.click("reset")
	p.waitStatus("ready")
	p.click("step")
	p.waitStatus("1 statements")
	p.click("tab-heap")
	p.click("step") // malloc(100): a new chunk
	p.waitStatus("2 statements")
	var changed int
	p.js(`document.querySelectorAll('[data-testid="heap-chunk"].changed').length`, &changed)
	if changed == 0 {
		t.Error("the step's new chunk is not flashed in the Heap view")
	}

	p.click("tab-physical")
	var w0, w1 float64
	p.js(`document.querySelector('[data-testid="phys-canvas"]').getBoundingClientRect().width`, &w0)
	p.click("zoom-in")
	p.js(`document.querySelector('[data-testid="phys-canvas"]').getBoundingClientRect().width`, &w1)
	if w1 < 1.9*w0 {
		t.Errorf("zoom ×2 made the canvas %.0f px wide from %.0f", w1, w0)
	}
	p.noConsoleErrors()
}
