//go:build js && wasm

package main

import (
	"syscall/js"
)

// host is the browser side of ui.Host.
type host struct {
	doc js.Value
	win js.Value
}

func newHost() *host {
	return &host{doc: js.Global().Get("document"), win: js.Global()}
}

// Yield returns to the browser's event loop (input, rendering) and comes
// back from a JS timer. It must wait on something only JavaScript can
// wake: Go's wasm runtime hands control back to the page only when every
// goroutine is blocked, and a Go timer (time.Sleep) has usually expired
// by the time the scheduler looks, so it would never be idle.
func (h *host) Yield() {
	ch := make(chan struct{})
	var f js.Func
	f = js.FuncOf(func(js.Value, []js.Value) any {
		f.Release()
		close(ch)
		return nil
	})
	h.win.Call("setTimeout", f, 0)
	<-ch
}

func (h *host) InsertText(text string) {
	// execCommand("insertText") goes through the editing pipeline, so the
	// textarea's own undo stack records it (setting .value would not).
	h.doc.Call("execCommand", "insertText", false, text)
}

func (h *host) Copy(text string) bool {
	nav := h.win.Get("navigator")
	if cb := nav.Get("clipboard"); cb.Truthy() && h.win.Get("isSecureContext").Truthy() {
		cb.Call("writeText", text)
		return true
	}
	return false
}

func (h *host) Fragment() string {
	f := h.win.Get("location").Get("hash").String()
	if len(f) > 0 && f[0] == '#' {
		f = f[1:]
	}
	return f
}

func (h *host) SetFragment(frag string) {
	loc := h.win.Get("location")
	url := loc.Get("pathname").String() + loc.Get("search").String() + "#" + frag
	h.win.Get("history").Call("replaceState", js.Null(), "", url)
}

func (h *host) Pref(key string) (v string) {
	defer func() { recover() }() // storage can be disabled (privacy modes)
	s := h.win.Get("localStorage")
	if !s.Truthy() {
		return ""
	}
	r := s.Call("getItem", "mmplay."+key)
	if r.IsNull() || r.IsUndefined() {
		return ""
	}
	return r.String()
}

func (h *host) SetPref(key, value string) {
	defer func() { recover() }()
	if s := h.win.Get("localStorage"); s.Truthy() {
		s.Call("setItem", "mmplay."+key, value)
	}
}

func (h *host) Location() string {
	loc := h.win.Get("location")
	return loc.Get("origin").String() + loc.Get("pathname").String()
}

// ShortLink posts the snippet to the edge worker's /api/share (SPEC §9).
// A plain static host answers 404 or 405 and the caller falls back to the
// fragment link; so does any network failure.
func (h *host) ShortLink(code, config string) (string, bool) {
	body := js.Global().Get("JSON").Call("stringify", map[string]any{"code": code, "config": config}).String()
	type result struct {
		link string
		ok   bool
	}
	ch := make(chan result, 1)
	var then, fail, parsed js.Func
	release := func() { then.Release(); fail.Release(); parsed.Release() }
	parsed = js.FuncOf(func(_ js.Value, args []js.Value) any {
		u := args[0].Get("url")
		if u.Type() != js.TypeString || u.String() == "" || u.String()[0] != '/' {
			ch <- result{}
			return nil
		}
		ch <- result{h.win.Get("location").Get("origin").String() + u.String(), true}
		return nil
	})
	fail = js.FuncOf(func(js.Value, []js.Value) any {
		ch <- result{}
		return nil
	})
	then = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resp := args[0]
		if !resp.Get("ok").Bool() {
			ch <- result{}
			return nil
		}
		resp.Call("json").Call("then", parsed).Call("catch", fail)
		return nil
	})
	opts := map[string]any{
		"method":  "POST",
		"headers": map[string]any{"Content-Type": "application/json"},
		"body":    body,
	}
	h.win.Call("fetch", "/api/share", opts).Call("then", then).Call("catch", fail)
	r := <-ch
	release()
	return r.link, r.ok
}

// PrefersDark asks the system's colour scheme.
func (h *host) PrefersDark() bool {
	if mm := h.win.Get("matchMedia"); mm.Type() == js.TypeFunction {
		return h.win.Call("matchMedia", darkQuery).Get("matches").Bool()
	}
	return false
}

const darkQuery = "(prefers-color-scheme: dark)"

// watchTheme renders again when the system's colour scheme changes (the
// Physical view's palette follows it when the user chose no theme).
func (h *host) watchTheme(env interface {
	Lock()
	UnlockRender()
}) {
	if mm := h.win.Get("matchMedia"); mm.Type() != js.TypeFunction {
		return
	}
	mql := h.win.Call("matchMedia", darkQuery)
	if mql.Get("addEventListener").Type() != js.TypeFunction {
		return
	}
	mql.Call("addEventListener", "change", js.FuncOf(func(js.Value, []js.Value) any {
		go func() { // never block the browser's event loop on the lock
			env.Lock()
			env.UnlockRender()
		}()
		return nil
	}))
}

// idleScheduled is set while an idle callback is pending.
var idleScheduled bool

// scheduleIdle runs work when the browser is idle (requestIdleCallback,
// else a timer), under the event lock, without a render; while work
// reports more to do it is scheduled again. Only one is pending at a time.
// window.mmplayIdle is true when none is (the benchmarks wait for it to
// click at a reader's pace).
func (h *host) scheduleIdle(env interface {
	Lock()
	UnlockOnly()
}, work func() bool) {
	if idleScheduled {
		return
	}
	idleScheduled = true
	h.win.Set("mmplayIdle", false)
	var f js.Func
	f = js.FuncOf(func(js.Value, []js.Value) any {
		f.Release()
		go func() {
			env.Lock()
			idleScheduled = false
			more := work()
			env.UnlockOnly()
			if more {
				h.scheduleIdle(env, work)
			} else {
				h.win.Set("mmplayIdle", true)
			}
		}()
		return nil
	})
	if ric := h.win.Get("requestIdleCallback"); ric.Type() == js.TypeFunction {
		h.win.Call("requestIdleCallback", f, map[string]any{"timeout": 500})
	} else {
		h.win.Call("setTimeout", f, 50)
	}
}

// SetHTML sets an element's inner HTML unless it holds that version
// already (an expando property remembers it; a new element has none).
func (h *host) SetHTML(testid string, version uint64, html string) {
	el := h.doc.Call("querySelector", `[data-testid="`+testid+`"]`)
	if !el.Truthy() {
		return
	}
	if v := el.Get("_mmplayVersion"); v.Type() == js.TypeNumber && uint64(v.Float()) == version &&
		el.Get("childNodes").Get("length").Int() > 0 {
		return
	}
	el.Set("innerHTML", html)
	el.Set("_mmplayVersion", float64(version))
}
