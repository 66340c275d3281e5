// Package browser holds the browser tests: the built site (dist/) served
// on loopback and driven by chromedp in Debian's headless Chromium
// (SPEC §12). Screenshots go to artifacts/screenshots/ at the repository
// root, to be looked at.
package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"mmplay/build/internal/site"
)

var (
	root      string // the repository root
	serverURL string
	allocCtx  context.Context
	skipWhy   string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	wd, _ := os.Getwd()
	root = filepath.Clean(filepath.Join(wd, "..", ".."))
	browser := findChromium()
	if browser == "" {
		if os.Getenv("MMPLAY_REQUIRE_BROWSER") != "" {
			fmt.Fprintln(os.Stderr, "browser tests: Chromium is required here but not installed (apt-get install chromium)")
			return 1
		}
		skipWhy = "browser tests skipped: Chromium is not installed (apt-get install chromium; .ci/run installs it)"
		fmt.Fprintln(os.Stderr, skipWhy)
		return m.Run()
	}
	// Build the site the way a user does (MMPLAY_SITE_DIR, for a
	// developer iterating on one part, serves an already built folder).
	siteDir := os.Getenv("MMPLAY_SITE_DIR")
	if siteDir == "" {
		siteDir = filepath.Join(root, "dist")
		cmd := exec.Command("go", "run", "./build", "dist")
		cmd.Dir = root
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "browser tests: go run ./build dist:", err)
			return 1
		}
	}
	srv := httptest.NewServer(site.Handler(siteDir))
	defer srv.Close()
	serverURL = srv.URL
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	}
	var cancel context.CancelFunc
	allocCtx, cancel = chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	return m.Run()
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// page is one browser tab on the site, recording console errors.
type page struct {
	t      testing.TB
	cancel func()
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

// newPage opens a tab (skipping the test when there is no browser).
func newPage(t testing.TB) *page {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	ctx, cancel := chromedp.NewContext(allocCtx)
	ctx, cancel2 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancel2(); cancel() })
	p := &page{t: t, ctx: ctx, cancel: func() { cancel2(); cancel() }}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeWarning && false {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				p.mu.Lock()
				p.errors = append(p.errors, "console.error: "+strings.Join(parts, " "))
				p.mu.Unlock()
			}
		case *runtime.EventExceptionThrown:
			p.mu.Lock()
			p.errors = append(p.errors, "exception: "+ev.ExceptionDetails.Error())
			p.mu.Unlock()
		}
	})
	return p
}

// run runs chromedp actions, failing the test on error.
func (p *page) run(actions ...chromedp.Action) {
	p.t.Helper()
	if err := chromedp.Run(p.ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v (console: %v)", err, p.consoleErrors())
	}
}

func (p *page) consoleErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// open loads a URL of the site and waits for the app's ready flag.
func (p *page) open(path string) {
	p.t.Helper()
	p.run(chromedp.Navigate(serverURL+path),
		chromedp.WaitVisible(`html[data-mmplay-ready="true"]`, chromedp.ByQuery))
}

// noConsoleErrors fails the test if the page logged errors.
func (p *page) noConsoleErrors() {
	p.t.Helper()
	if errs := p.consoleErrors(); len(errs) > 0 {
		p.t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// screenshot saves a full-page screenshot as an artifact. The page is
// captured at the window's width (innerWidth) and its whole height:
// capturing beyond the viewport drops the vertical scrollbar, so the page
// is laid out at the full width, and chromedp's FullScreenshot, which
// clips to the content width measured with the scrollbar, cut off its
// right 15 pixels (the theme button, the views' right edge).
func (p *page) screenshot(name string) {
	p.t.Helper()
	var buf []byte
	var size struct{ W, H float64 }
	p.run(chromedp.Evaluate(`({w: innerWidth, h: Math.max(document.documentElement.scrollHeight, innerHeight)})`, &size),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			buf, err = cdppage.CaptureScreenshot().WithCaptureBeyondViewport(true).WithFromSurface(true).
				WithClip(&cdppage.Viewport{Width: size.W, Height: size.H, Scale: 1}).Do(ctx)
			return err
		}))
	dir := filepath.Join(root, "artifacts", "screenshots")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func sel(testid string) string { return fmt.Sprintf(`[data-testid=%q]`, testid) }

// setCode replaces the editor's text as typing would (an input event).
func (p *page) setCode(src string) {
	p.t.Helper()
	js := fmt.Sprintf(`(() => { const ta = document.querySelector('[data-testid="editor-input"]');
		ta.value = %s; ta.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`, jsString(src))
	var ok bool
	p.run(chromedp.Evaluate(js, &ok))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// close closes the tab.
func (p *page) close() { p.cancel() }
