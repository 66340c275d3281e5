package browser

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestSmokeRun(t *testing.T) {
	p := newPage(t)
	p.open("/")
	var out string
	p.setCode("#include <stdio.h>\nint main(void){ printf(\"hi %d\\n\", 42); return 0; }")
	p.run(chromedp.Click(sel("run"), chromedp.ByQuery),
		chromedp.Text(sel("stdout"), &out, chromedp.ByQuery))
	if !strings.Contains(out, "hi 42") {
		t.Errorf("stdout = %q", out)
	}
	p.screenshot("smoke")
	p.noConsoleErrors()
}
