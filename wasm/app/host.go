//go:build js && wasm

package main

import (
	"syscall/js"
	"time"
)

// host is the browser side of ui.Host.
type host struct {
	doc js.Value
	win js.Value
}

func newHost() *host {
	return &host{doc: js.Global().Get("document"), win: js.Global()}
}

// Yield sleeps a millisecond: with every goroutine blocked, Go's wasm
// runtime returns to the browser's event loop (input, rendering), and a
// timer brings the run back.
func (h *host) Yield() { time.Sleep(time.Millisecond) }

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
