package browser

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/systeminfo"
	"github.com/chromedp/chromedp"
)

// The UI budgets of SPEC §11, measured in headless Chromium on the built
// site (go test -bench . ./build/browser/); results go to BENCHMARKS.md.
// Each timing is taken in the page with performance.now(): from the click
// until the status line in the DOM shows the result (a MutationObserver),
// so it includes the engine, the view models, vugu's build and its DOM
// update, and the canvas paint (done in the same render); the browser's
// own layout and paint follow at its next frame.

// clickUntil clicks a control and resolves with the milliseconds until the
// status line contains want (or one of its "|"-separated words), and the
// app's own breakdown of that render.
const clickUntilJS = `(async (testid, want) => {
	const st = document.querySelector('[data-testid="status"]');
	const wants = want.split("|");
	const t0 = performance.now();
	const done = new Promise(res => {
		const obs = new MutationObserver(() => {
			if (wants.some(w => st.textContent.includes(w))) { obs.disconnect(); res(performance.now()); }
		});
		obs.observe(st, {childList: true, characterData: true, subtree: true});
	});
	document.querySelector('[data-testid="' + testid + '"]').click();
	const t1 = await Promise.race([done, new Promise(r => setTimeout(() => r(-1), 60000))]);
	return {ms: t1 < 0 ? -1 : t1 - t0, parts: window.mmplayTimings || {}};
})`

// timing is one measured action: the total from the click to the DOM,
// and the app's own breakdown of its last render (window.mmplayTimings:
// the engine's part, vugu's build of the components, the DOM update with
// the canvas paint); the rest is the browser's event dispatch and the
// DOM's own work.
type timing struct {
	MS    float64
	Parts struct{ Engine, Build, Render, Go float64 }
}

// timings sums timings for the benchmark's report.
type timings struct {
	n                                 int
	total, engine, build, render, gos float64
}

func (s *timings) add(t timing) {
	s.n++
	s.total += t.MS
	s.engine += t.Parts.Engine
	s.build += t.Parts.Build
	s.render += t.Parts.Render
	s.gos += t.Parts.Go
}

// report adds name's mean and its breakdown to the benchmark's metrics.
func (s *timings) report(b *testing.B, name string) {
	n := float64(max(s.n, 1))
	b.ReportMetric(s.total/n, "ms/"+name)
	b.ReportMetric(s.engine/n, "ms-engine/"+name)
	b.ReportMetric(s.build/n, "ms-build/"+name)
	b.ReportMetric(s.render/n, "ms-render/"+name)
	b.ReportMetric(s.gos/n, "ms-go/"+name)
}

func (p *page) timeClick(testid, want string) timing {
	p.t.Helper()
	var t timing
	p.eval(fmt.Sprintf("%s(%q, %q)", clickUntilJS, testid, want), &t)
	if t.MS < 0 {
		p.t.Fatalf("%s: %q never showed", testid, want)
	}
	return t
}

// BenchmarkColdLoad: a reader's first visit, to the first example run and
// drawn. Every load is in a new Chromium with a new, empty profile (the
// ExecAllocator's temporary user-data-dir), so nothing of the site is
// cached: no HTTP cache, no compiled wasm, no service worker. As on a
// reader's first visit, the HTTP cache is on (it stores the responses)
// and no DevTools domain watches the network. ms/load is the page's own
// clock, from the navigation's start to the first frame painted after the
// first render (boot.js's "mmplay-painted": a task queued from the next
// animation frame); ms-harness/load is the wall time the test sees from
// Navigate to the status line, which adds the DevTools protocol's round
// trips and waits behind whatever the page does next.
//
// Two cases:
//   - browser-running, the budget's case (SPEC §11: the cold load of the
//     page): the browser has started and gone idle before the reader
//     types the address, as a reader's browser has;
//   - browser-starting: the address is opened the moment the browser is
//     up, as this benchmark did until 2026-12-03. For about a second after
//     its first blank page a new headless Chromium keeps both cores of the
//     development machine busy with its own start (1.9 s of CPU time in
//     0.9 s, SystemInfo.getProcessInfo), so on a 2-core machine this case
//     measures the page sharing the CPU with the browser's start-up.
func BenchmarkColdLoad(b *testing.B) {
	b.Run("browser-running", func(b *testing.B) { coldLoads(b, true) })
	b.Run("browser-starting", func(b *testing.B) { coldLoads(b, false) })
}

func coldLoads(b *testing.B, settled bool) {
	var total, waited time.Duration
	marks := []string{"mmplay-compiled", "mmplay-go-main", "mmplay-started", "mmplay-first-render", "mmplay-painted"}
	sums := make([]float64, len(marks))
	for i := 0; i < b.N; i++ {
		p := newPage(b)
		p.run(chromedp.Navigate("about:blank")) // the browser starts
		if settled {
			waited += p.waitBrowserIdle()
		}
		start := time.Now()
		p.open("/")
		p.waitStatus("exited")
		total += time.Since(start)
		p.run(chromedp.Poll(`performance.getEntriesByName("mmplay-painted").length > 0`, nil, chromedp.WithPollingTimeout(10*time.Second)))
		// where the time went, from the navigation's start (the page's
		// own clock: boot.js's and the app's performance.mark)
		var at []float64
		p.run(chromedp.Evaluate(fmt.Sprintf(`%s.map(n => (performance.getEntriesByName(n)[0] || {startTime: -1}).startTime)`, jsStrings(marks)), &at))
		for j, m := range marks {
			if len(at) != len(marks) || at[j] < 0 {
				b.Fatalf("the page has no performance mark %q (marks found: %v)", m, at)
			}
			sums[j] += at[j]
		}
		p.close()
	}
	n := float64(b.N)
	b.ReportMetric(sums[len(marks)-1]/n, "ms/load")
	b.ReportMetric(float64(total.Milliseconds())/n, "ms-harness/load")
	for j, m := range marks[:len(marks)-1] {
		b.ReportMetric(sums[j]/n, "ms-at-"+strings.TrimPrefix(m, "mmplay-"))
	}
	if settled {
		b.ReportMetric(float64(waited.Milliseconds())/n, "ms-browser-start")
	}
}

// waitBrowserIdle waits until the browser, its first tab open on a blank
// page, has finished starting: until its processes (the browser's, the
// renderers', the GPU's and the utilities', SystemInfo.getProcessInfo)
// have used at most idleCPU of CPU time in each of two idlePolls in a row
// (CPU times come in 10 ms ticks). It returns how long that took from its
// call. A browser still busy after 20 s (a loaded machine) is noted in the
// log and the caller goes on: the wait only keeps the browser's start out
// of a measurement, it tests nothing.
func (p *page) waitBrowserIdle() time.Duration {
	p.t.Helper()
	const (
		idlePoll = 200 * time.Millisecond
		idleCPU  = 0.020 // seconds per poll: 10% of one core
	)
	start := time.Now()
	last, quiet := -1.0, 0
	for quiet < 2 {
		if time.Since(start) > 20*time.Second {
			p.t.Logf("the browser was still busy %v after it started; going on", time.Since(start).Round(time.Millisecond))
			break
		}
		cpu := p.browserCPU()
		if last >= 0 && cpu-last <= idleCPU {
			quiet++
		} else {
			quiet = 0
		}
		last = cpu
		time.Sleep(idlePoll)
	}
	return time.Since(start)
}

// browserCPU is the CPU time, in seconds, the browser's processes have
// used so far.
func (p *page) browserCPU() float64 {
	p.t.Helper()
	var cpu float64
	p.run(chromedp.ActionFunc(func(ctx context.Context) error {
		infos, err := systeminfo.GetProcessInfo().Do(cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Browser))
		for _, in := range infos {
			cpu += in.CPUTime
		}
		return err
	}))
	return cpu
}

// jsStrings is a JavaScript array literal of the strings.
func jsStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = jsString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// BenchmarkRunExample: Reset then Run of every gallery example, the Run
// clicked at a reader's pace: once the page has done its idle work (it
// boots the next run's machine then, engine.Program.Prepare).
func BenchmarkRunExample(b *testing.B) {
	p := newPage(b)
	p.open("/")
	p.waitStatus("exited")
	for _, id := range exampleIDs(b) {
		b.Run(id, func(b *testing.B) {
			p.click("open-gallery")
			p.click("example-" + id)
			p.waitStatus("exited", "killed")
			var sum timings
			for i := 0; i < b.N; i++ {
				p.click("reset")
				p.waitStatus("ready")
				p.waitIdle()
				sum.add(p.timeClick("run", "after|killed"))
			}
			sum.report(b, "run")
		})
	}
}

// waitIdle waits until the page has done its idle work (the machine of
// the next run booted, or the next step back prepared), as it has by the
// time a reader clicks again.
func (p *page) waitIdle() {
	p.t.Helper()
	p.run(chromedp.Poll(`window.mmplayIdle === true`, nil, chromedp.WithPollingTimeout(30*time.Second)))
}

// BenchmarkStep: Step and Step back in the malloc + demand paging example
// (the first visit's), at a reader's pace: each click once the page has
// done its idle work. Then step-back-rapid: three Step backs each
// clicked the moment the previous one is on the page (the first uses
// the machine prepared behind, the next two re-execute from boot).
func BenchmarkStep(b *testing.B) {
	p := newPage(b)
	p.openAndStep()
	// One round first: the browser compiles the wasm's code lazily and
	// optimises what runs often, so the first click of each kind is
	// slower (reported apart as first-step and first-step-back).
	var fwd, back, rapid, first, firstBack timings
	p.waitIdle()
	first.add(p.timeClick("step", "2 statements"))
	p.waitIdle()
	firstBack.add(p.timeClick("step-back", "1 statements"))
	for i := 0; i < b.N; i++ {
		p.waitIdle()
		fwd.add(p.timeClick("step", "2 statements"))
		p.waitIdle()
		back.add(p.timeClick("step-back", "1 statements"))
	}
	for i := 0; i < b.N; i++ {
		p.click("step")
		p.click("step")
		p.click("step")
		p.waitStatus("4 statements")
		p.waitIdle()
		for k := 3; k >= 1; k-- {
			rapid.add(p.timeClick("step-back", fmt.Sprintf("%d statements", k)))
		}
	}
	fwd.report(b, "step")
	back.report(b, "step-back")
	rapid.report(b, "step-back-rapid")
	b.ReportMetric(first.total, "ms/first-step")
	b.ReportMetric(firstBack.total, "ms/first-step-back")
}

// BenchmarkPhysicalRedraw4G: the Physical view of a 4 GiB machine (1 Mi
// frames): redrawn because the pointer moved to another block (only the
// rows of the old and new block are repainted and sent), and a step,
// which repaints every frame. Each from the event to the DOM update,
// which comes after the canvas paint in the same render.
func BenchmarkPhysicalRedraw4G(b *testing.B) {
	p := newPage(b)
	p.open("/")
	p.waitStatus("exited")
	p.setCode("// mmplay: ram=4G\n#include <stdlib.h>\nint main(void) {\n\tchar *p = malloc(1 << 20);\n\tfor (int i = 0; i < 100; i++)\n\t\tp[i * 4096] = 1;\n\treturn 0;\n}\n")
	p.click("run")
	p.waitStatus("exited")
	p.click("tab-physical")
	// A pointer move to another frame changes the focus (that frame's
	// block), which repaints every frame: view.Paint of 1 Mi frames, the
	// outline, and the copy to the canvas, plus the hover text.
	const js = `(async () => {
		const cv = document.querySelector('[data-testid="phys-canvas"]');
		const info = document.querySelector('[data-testid="phys-info"]');
		const r = cv.getBoundingClientRect();
		let total = 0, parts = {engine: 0, build: 0, render: 0, go: 0};
		for (const [fx, fy] of [[0.25, 0.5], [0.75, 0.5]]) {
			const changed = new Promise(res => {
				const obs = new MutationObserver(() => { obs.disconnect(); res(); });
				obs.observe(info, {childList: true, characterData: true, subtree: true});
			});
			const t0 = performance.now();
			cv.dispatchEvent(new MouseEvent("mousemove", {bubbles: true, clientX: r.left + r.width * fx, clientY: r.top + r.height * fy}));
			await changed;
			total += performance.now() - t0;
			for (const k in parts) parts[k] += (window.mmplayTimings || {})[k] || 0;
		}
		for (const k in parts) parts[k] /= 2;
		return {ms: total / 2, parts: parts};
	})()`
	var hover timings
	for i := 0; i < b.N; i++ {
		var t timing
		p.eval(js, &t)
		hover.add(t)
	}
	hover.report(b, "hover-redraw")
	// A theme change repaints all 1 Mi frames in the other palette and
	// sends the whole picture to the canvas: the full redraw. Measured at
	// a reader's pace (the page idle and the last change painted: two
	// animation frames), and back to back (full-redraw-4G-rapid: each
	// change clicked as the last one reaches the DOM, while the browser
	// still restyles the page and rasterises the last 4 MiB picture on the
	// same 2 cores).
	const themeJS = `(async (paced) => {
		if (paced) await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
		const app = document.querySelector('[data-testid="app"]');
		const changed = new Promise(res => {
			const obs = new MutationObserver(() => { obs.disconnect(); res(); });
			obs.observe(app, {attributes: true, attributeFilter: ["class"]});
		});
		const t0 = performance.now();
		document.querySelector('[data-testid="theme"]').click();
		await changed;
		return {ms: performance.now() - t0, parts: window.mmplayTimings || {}};
	})`
	var full, rapid timings
	for i := 0; i < b.N; i++ {
		var t timing
		p.waitIdle()
		p.eval(themeJS+"(true)", &t)
		full.add(t)
	}
	for i := 0; i < b.N; i++ {
		var t timing
		p.eval(themeJS+"(false)", &t)
		rapid.add(t)
	}
	full.report(b, "full-redraw-4G")
	rapid.report(b, "full-redraw-4G-rapid")
	// A step repaints the frames that changed (and last step's marks).
	p.click("reset")
	p.waitStatus("ready")
	p.click("step")
	p.waitStatus("1 statements")
	var step timings
	for i := 0; i < b.N; i++ {
		p.waitIdle()
		step.add(p.timeClick("step", fmt.Sprintf("%d statements", i+2)))
	}
	step.report(b, "step-4G")
}
