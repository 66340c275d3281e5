package browser

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mmplay/ui/view"
)

// TestEmbedPostMessageAPI drives an embed from the page of another origin
// that embeds it, as an author's script would (SPEC §8): set code, run,
// step back, get state, and bad calls answered with an error; a message
// from a third origin's frame on the same page is ignored; program output
// that looks like HTML stays text.
func TestEmbedPostMessageAPI(t *testing.T) {
	p := newPage(t)
	p.watchPolicy()
	srv := startSite(t)
	stranger := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// Another origin's frame on the author's page posts to the embed.
		fmt.Fprint(w, `<!doctype html><script>
parent.frames[0].postMessage({type: "mmplay:set-code", code: "int main(void) { return 7; }\n"}, "*");
parent.frames[0].postMessage({type: "mmplay:run"}, "*");
parent.postMessage({type: "test:stranger-done"}, "*");
</script>`)
	}))
	defer stranger.Close()
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>an author's page</title>
<iframe id="embed" src="%s/index.html?embed&amp;views=heap" width="800" height="600"></iframe>`, srv.URL)
	}))
	defer host.Close()

	const code = "#include <stdio.h>\n#include <stdlib.h>\n" +
		"int main(void) {\n\tchar *p = malloc(24);\n\tprintf(\"<b id=pwned>%d</b>\\n\", p != 0);\n\tfree(p);\n\treturn 0;\n}\n"
	p.run(chromedp.Navigate(host.URL + "/"))
	var result string
	p.eval(fmt.Sprintf(`(async () => {
		const O = %s, CODE = %s, STRANGER = %s;
		const f = document.getElementById("embed");
		const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
		const msgs = [];
		let strangerDone = false;
		window.addEventListener("message", (e) => {
			if (e.data && e.data.type === "test:stranger-done") strangerDone = true;
			else if (e.source === f.contentWindow && e.origin === O && e.data && e.data.type !== "mmplay:height") msgs.push(e.data);
		});
		// The reply to a call is the first state or error that satisfies ok.
		const call = async (msg, ok, what) => {
			msgs.length = 0;
			f.contentWindow.postMessage(msg, O);
			for (let i = 0; i < 600; i++) {
				const m = msgs.find(ok);
				if (m) return m;
				await sleep(50);
			}
			throw new Error(what + ": no answer; got " + JSON.stringify(msgs));
		};
		// The page is up once it answers get-state.
		for (let i = 0; ; i++) {
			try { await call({type: "mmplay:get-state"}, (m) => m.type === "mmplay:state", "start"); break; }
			catch (e) { if (i > 3) throw e; }
		}
		let m = await call({type: "mmplay:set-code", code: CODE, config: "kernel=6.1"}, (m) => m.type === "mmplay:state" && m.code === CODE, "set-code");
		if (m.config !== "kernel=6.1" || m.step !== 0) return "after set-code: " + JSON.stringify(m);
		m = await call({type: "mmplay:run"}, (m) => m.type === "mmplay:state" && m.done, "run");
		if (m.exitStatus !== 0 || m.stdout !== "<b id=pwned>1</b>\n") return "after run: " + JSON.stringify(m);
		const steps = m.step;
		m = await call({type: "mmplay:step-back"}, (m) => m.type === "mmplay:state" && !m.done, "step-back");
		if (m.step !== steps - 1) return "step-back went from " + steps + " to " + m.step;
		m = await call({type: "mmplay:format-disk"}, (m) => m.type === "mmplay:error", "unknown type");
		if (!m.message.includes("format-disk")) return "unknown type: " + JSON.stringify(m);
		m = await call({type: "mmplay:set-code", code: "x".repeat(70 << 10)}, (m) => m.type === "mmplay:error", "oversized code");
		m = await call({type: "mmplay:set-config", config: "kernel=2.0;<script>"}, (m) => m.type === "mmplay:error", "hostile config");
		m = await call({type: "mmplay:get-state"}, (m) => m.type === "mmplay:state", "get-state");
		if (m.code !== CODE || m.config !== "kernel=6.1") return "bad calls changed the state: " + JSON.stringify(m);

		// A third origin's frame on this page: its calls are ignored.
		const s = document.createElement("iframe");
		s.src = STRANGER + "/";
		document.body.appendChild(s);
		for (let i = 0; i < 200 && !strangerDone; i++) await sleep(50);
		if (!strangerDone) return "the stranger frame never ran";
		await sleep(500);
		m = await call({type: "mmplay:get-state"}, (m) => m.type === "mmplay:state", "get-state after the stranger");
		if (m.code !== CODE) return "a third origin's frame changed the code: " + JSON.stringify(m);
		return "ok";
	})()`, jsString(srv.URL), jsString(code), jsString(stranger.URL)), &result)
	if result != "ok" {
		t.Fatal(result)
	}

	// The program's output is shown as text in the embed, never as HTML.
	var seen struct {
		Stdout string
		Pwned  bool
	}
	p.evalInFrameValue("index.html?embed", `({
		stdout: (document.querySelector('[data-testid="stdout"]') || {}).textContent || "",
		pwned: document.getElementById("pwned") !== null,
	})`, &seen)
	if seen.Pwned || !strings.Contains(seen.Stdout, "<b id=pwned>1</b>") {
		t.Errorf("the embed's stdout view shows %q (an element #pwned exists: %v); want the tags as text", seen.Stdout, seen.Pwned)
	}
	p.screenshot("embed-api")
	p.noConsoleErrors()
}

// TestCraftedLinks: a link whose fragment is oversized, or decodes to
// hostile text, opens the page with a plain notice or shows the text as
// text: nothing in a link runs as HTML or script.
func TestCraftedLinks(t *testing.T) {
	hostile := "</textarea><img id=pwned src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>\n" +
		"int main(void) { return 0; } // <svg onload=alert(1)>\n"
	for _, tc := range []struct {
		name, frag, notice string
	}{
		{"oversized", "s=" + strings.Repeat("A", view.MaxFragmentLen+10), "too long"},
		{"hostile code", view.EncodeFragment(view.State{Code: hostile, Views: []string{"heap"}}), ""},
		{"hostile view", view.EncodeFragment(view.State{Code: "int main(void) { return 0; }\n", Views: []string{"<img src=x onerror=alert(1)>"}}), "damaged"},
		{"hostile config", view.EncodeFragment(view.State{Code: "int main(void) { return 0; }\n", Config: "kernel=6.1\"><script>x</script>"}), "damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPage(t)
			p.watchPolicy()
			p.open("/#" + tc.frag)
			var seen struct {
				Title  string
				Pwned  bool
				Notice string
				Code   string
			}
			p.eval(`({
				title: document.title,
				pwned: document.getElementById("pwned") !== null || document.querySelector("svg[onload]") !== null,
				notice: (document.querySelector('[data-testid="notice"]') || {}).textContent || "",
				code: (document.querySelector('[data-testid="editor-input"]') || {}).value || "",
			})`, &seen)
			if seen.Pwned || strings.Contains(seen.Title, "pwned") {
				t.Errorf("markup from the link became elements (title %q)", seen.Title)
			}
			if tc.notice != "" && !strings.Contains(seen.Notice, tc.notice) {
				t.Errorf("notice %q, want it to say %q", seen.Notice, tc.notice)
			}
			if tc.notice == "" && seen.Code != hostile {
				t.Errorf("the editor holds %.120q, want the link's text as it is", seen.Code)
			}
			p.noConsoleErrors()
		})
	}
}
