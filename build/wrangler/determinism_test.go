//go:build unix

package wrangler

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var (
	allocCtx      context.Context
	stopAlloc     context.CancelFunc
	browserSkip   string
	browserNeeded = os.Getenv("MMPLAY_REQUIRE_BROWSER") != ""
)

// startBrowser prepares headless Chromium, when installed.
func startBrowser() {
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		browserSkip = "Chromium is not installed (apt-get install chromium; .ci/run installs it)"
		return
	}
	allocCtx, stopAlloc = chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900))
}

func stopBrowser() {
	if stopAlloc != nil {
		stopAlloc()
	}
}

// tab opens a browser tab that fails the test on console errors.
func tab(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	if browserSkip != "" {
		if browserNeeded {
			t.Fatal(browserSkip)
		}
		t.Skip("the browser part is skipped: " + browserSkip)
	}
	// cdproto does not know every event of a newer Chromium (its
	// "Loopback" IP address space); those decode errors are noise.
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "IPAddressSpace") {
			t.Logf("chromedp: %s", msg)
		}
	}))
	ctx, cancel2 := context.WithTimeout(ctx, 240*time.Second)
	t.Cleanup(func() { cancel2(); cancel() })
	var errs []string
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				errs = append(errs, "console.error: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+ev.ExceptionDetails.Error())
		}
	})
	return ctx, func() []string { return errs }
}

// cliTrace runs the CLI's --json on code saved as snippet.c.
func cliTrace(t *testing.T, code, config string) []byte {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "snippet.c"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cliPath, "run", "--json", "--config", config, "snippet.c")
	cmd.Dir = dir
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("mmplay run --json: %v", err)
		}
	}
	if out.Len() == 0 {
		t.Fatalf("mmplay run --json printed nothing: %s", stderr.Bytes())
	}
	return out.Bytes()
}

// TestDeterminism: every gallery example gives the same JSON trace, byte
// for byte, from the CLI (native), from the worker (wasm in workerd) and
// from the playground's page (wasm in Chromium, through its
// mmplayTraceJSON hook). The config pins max-steps, whose default differs
// between the CLI and the worker.
func TestDeterminism(t *testing.T) {
	needWorker(t)
	const config = "max-steps=5000000"
	files, err := filepath.Glob(filepath.Join(root, "ui", "examples", "*.c"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no gallery examples: %v", err)
	}
	sort.Strings(files)
	cli := map[string][]byte{}
	for _, f := range files {
		name := filepath.Base(f)
		code := readExample(t, name)
		cli[name] = cliTrace(t, code, config)
		worker, _ := runTrace(t, code, config)
		if !bytes.Equal(cli[name], worker) {
			t.Errorf("%s: the worker's JSON differs from the CLI's (%d vs %d bytes), first at byte %d",
				name, len(worker), len(cli[name]), firstDiff(worker, cli[name]))
		}
	}

	ctx, consoleErrors := tab(t)
	if err := chromedp.Run(ctx, chromedp.Navigate(baseURL+"/"),
		chromedp.WaitVisible(`html[data-mmplay-ready="true"]`, chromedp.ByQuery)); err != nil {
		t.Fatalf("the playground on the worker: %v (%v)", err, consoleErrors())
	}
	for _, f := range files {
		name := filepath.Base(f)
		var browser string
		js := fmt.Sprintf(`mmplayTraceJSON(%s, %s)`, jsonString(readExample(t, name)), jsonString(config))
		if err := chromedp.Run(ctx, chromedp.Evaluate(js, &browser)); err != nil {
			t.Fatalf("%s: mmplayTraceJSON: %v", name, err)
		}
		if !bytes.Equal(cli[name], []byte(browser)) {
			t.Errorf("%s: the browser's JSON differs from the CLI's (%d vs %d bytes), first at byte %d: %.200s",
				name, len(browser), len(cli[name]), firstDiff([]byte(browser), cli[name]), browser)
		}
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestCopyLinkShort: on a site with the worker, the playground's Copy link
// stores the snippet and copies a short link, which opens the playground
// with that snippet. (build/browser's TestSettingsAndShareButtons checks
// the fallback to the fragment link on a plain static host.)
func TestCopyLinkShort(t *testing.T) {
	needWorker(t)
	ctx, consoleErrors := tab(t)
	const code = "#include <stdlib.h>\nint main(void) {\n\tvoid *p = malloc(4000); /* short-link test */\n\tfree(p);\n\treturn 0;\n}\n"
	var copied string
	err := chromedp.Run(ctx, chromedp.Navigate(baseURL+"/"),
		chromedp.WaitVisible(`html[data-mmplay-ready="true"]`, chromedp.ByQuery),
		// Catch what the page copies (headless Chromium's clipboard
		// needs a permission the test does not have).
		chromedp.Evaluate(`navigator.clipboard.writeText = (s) => { window.__copied = s; return Promise.resolve(); }; true`, nil),
		chromedp.Evaluate(fmt.Sprintf(`(() => { const ta = document.querySelector('[data-testid="editor-input"]');
			ta.value = %s; ta.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`, jsonString(code)), nil),
		chromedp.Click(`[data-testid="copy-link"]`, chromedp.ByQuery),
		chromedp.Poll(`(() => { const n = document.querySelector('[data-testid="notice"]'); return !!n && /Short link copied/.test(n.textContent); })()`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(`window.__copied || ""`, &copied))
	if err != nil {
		var notice string
		chromedp.Run(ctx, chromedp.Evaluate(`(document.querySelector('[data-testid="notice"]') || {}).textContent || ""`, &notice))
		t.Fatalf("Copy link: %v (notice %q, console %v)", err, notice, consoleErrors())
	}
	id, ok := strings.CutPrefix(copied, baseURL+"/s/")
	if !ok || len(id) != 12 {
		t.Fatalf("copied %q, want %s/s/<id>", copied, baseURL)
	}
	var editor, notice string
	err = chromedp.Run(ctx, chromedp.Navigate(copied),
		chromedp.WaitVisible(`html[data-mmplay-ready="true"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="editor-input"]').value`, &editor),
		chromedp.Evaluate(`(document.querySelector('[data-testid="notice"]') || {}).textContent || ""`, &notice))
	if err != nil {
		t.Fatal(err)
	}
	if editor != code || !strings.Contains(notice, "Opened the shared snippet") {
		t.Errorf("the short link opened %q with the notice %q", editor, notice)
	}
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
