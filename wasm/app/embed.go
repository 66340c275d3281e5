//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

	"mmplay/ui"
)

// parentOrigin is the embedding page's origin (from document.referrer),
// the only target the page posts its state to; "" when unknown.
var parentOrigin string

// listenEmbed answers the embed API's postMessage calls (SPEC §8). Only
// messages from the embedding window are taken; a reply goes to the
// sender's origin only. Bad input gets an error reply, never HTML.
func listenEmbed(app *ui.App) {
	if ref := js.Global().Get("document").Get("referrer").String(); ref != "" {
		parentOrigin = originOf(ref)
	}
	win := js.Global()
	win.Call("addEventListener", "message", js.FuncOf(func(this js.Value, args []js.Value) any {
		ev := args[0]
		parent := win.Get("parent")
		if !ev.Get("source").Equal(parent) || parent.Equal(win) {
			return nil // not from the page that embeds us
		}
		origin := ev.Get("origin").String()
		if parentOrigin != "" && origin != parentOrigin {
			return nil // the embedding page navigated elsewhere
		}
		data := ev.Get("data")
		if data.Type() != js.TypeObject {
			return nil
		}
		m := ui.Message{Type: str(data.Get("type"))}
		if len(m.Type) < 7 || m.Type[:7] != "mmplay:" || m.Type == "mmplay:state" || m.Type == "mmplay:height" {
			return nil
		}
		m.Code = str(data.Get("code"))
		if c := data.Get("config"); c.Type() == js.TypeString {
			m.Config, m.HasCfg = c.String(), true
		}
		source := ev.Get("source")
		// The handler may not block the JS event loop: take the render
		// lock on a goroutine.
		go func() {
			app.Env.Lock()
			reply := app.HandleMessage(m)
			app.Env.UnlockRender()
			post(source, reply.Fields(), origin)
		}()
		return nil
	}))
}

// originOf is "scheme://host[:port]" of an absolute URL, "" otherwise
// (net/url would add net/netip and unique to the wasm for this).
func originOf(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok || scheme == "" || strings.ContainsAny(scheme, "/?#") {
		return ""
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if host == "" || strings.Contains(host, "@") {
		return ""
	}
	return scheme + "://" + host
}

func str(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

// post sends a message as a plain object.
func post(target js.Value, fields map[string]any, origin string) {
	target.Call("postMessage", js.ValueOf(fields), origin)
}

var lastHeight int
var lastRev uint64 = ^uint64(0)

// announce tells the embedding page the content height (so it can size the
// iframe) and, when the machine moved, the new state.
func announce(app *ui.App) {
	parent := js.Global().Get("parent")
	if parent.Equal(js.Global()) {
		return
	}
	// The app's own height (the document's scrollHeight never drops below
	// the iframe's, so an embed could grow but never shrink).
	app0 := js.Global().Get("document").Call("querySelector", `[data-testid="app"]`)
	if !app0.Truthy() {
		return
	}
	h := int(app0.Call("getBoundingClientRect").Get("height").Float() + 0.5)
	target := parentOrigin
	if target == "" {
		target = "*" // only the height, which tells nothing, goes to an unknown parent
	}
	if h != lastHeight {
		lastHeight = h
		post(parent, map[string]any{"type": "mmplay:height", "height": h}, target)
	}
	if app.P.Rev != lastRev && parentOrigin != "" && !app.P.Running {
		lastRev = app.P.Rev
		post(parent, app.State().Fields(), parentOrigin)
	}
}
