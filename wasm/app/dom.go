//go:build js && wasm

package main

import (
	"syscall/js"
	"time"

	"github.com/vugu/vugu"
	vjs "github.com/vugu/vugu/js"

	"mmplay/wasm/app/vdom"
)

// jsDOM is the browser side of vdom.DOM: a vdom.Batch records each
// render's operations and Flush hands them to boot.js's mmplayDOM in one
// call; every listener calls back through one js.Func that dispatches to
// the renderer under the event lock.
type jsDOM struct {
	vdom.Batch
	api   js.Value // boot.js's mmplayDOM
	bytes js.Value // a Uint8Array the operations are copied into
	size  int      // its length

	r   *vdom.Renderer
	env vugu.EventEnv
	// onPanic turns a panic in an event handler into the page's
	// internal-error report (the lock is held; a render follows).
	onPanic func(v any)
	// panicNext makes the next handler panic (mmplayTestPanic).
	panicNext bool
	// onEvent is called as an event begins (under the lock).
	onEvent func()
	// quiet, asked as an event ends, says its handler changed nothing
	// drawn: the lock is released without asking for a render.
	quiet func() bool
	// depth counts the handlers running: an event a handler causes (the
	// Tab key's inserted text fires input inside keydown's handler) runs
	// nested, on the same goroutine, which already holds the lock.
	depth int
	// rendering is set during a render: an event the render itself
	// causes (removing the focused element fires focusout) waits in
	// pending until the render is over (it holds the read lock), then
	// runs (runPending).
	rendering bool
	pending   []pendingEvent
}

// newJSDOM connects to boot.js's mmplayDOM; ok is false on a page without
// it (a boot.js older than this wasm: a cache serving a mix).
func newJSDOM(env vugu.EventEnv) (d *jsDOM, ok bool) {
	d = &jsDOM{api: js.Global().Get("mmplayDOM"), env: env}
	if d.api.Type() != js.TypeObject {
		return nil, false
	}
	d.api.Call("init", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) == 2 {
			d.dispatch(int32(args[0].Int()), args[1])
		}
		return nil
	}))
	return d, true
}

// handle names a node the page already has (the mount point).
func (d *jsDOM) handle(v js.Value) vdom.Handle {
	h := d.Reserve()
	d.api.Call("adopt", int(h), v)
	return h
}

// Flush applies the recorded operations (vdom.Flusher).
func (d *jsDOM) Flush() {
	b := d.Bytes()
	if len(b) == 0 {
		return
	}
	if len(b) > d.size {
		d.size = max(64<<10, 2*len(b))
		d.bytes = js.Global().Get("Uint8Array").New(d.size)
	}
	js.CopyBytesToJS(d.bytes, b)
	d.Reset() // copied: an event during apply finds an empty batch
	d.api.Call("apply", d.bytes, len(b))
}

// dispatch runs a handler as vugu does: synchronously inside the browser's
// event (so PreventDefault works), under the event lock, and then asks for
// a render.
func (d *jsDOM) dispatch(id int32, ev js.Value) {
	if d.rendering {
		d.pending = append(d.pending, pendingEvent{id, ev})
		return
	}
	if d.depth == 0 {
		eventStart = time.Now()
		d.env.Lock()
		defer func() {
			if d.quiet != nil && d.quiet() {
				d.env.UnlockOnly()
			} else {
				d.env.UnlockRender()
			}
		}()
		if d.onEvent != nil {
			d.onEvent()
		}
	}
	d.depth++
	// A panic is recovered here, nested or not: it cannot unwind through
	// the browser's frames between a nested handler and its caller.
	defer func() {
		d.depth--
		if v := recover(); v != nil && d.onPanic != nil {
			d.onPanic(v)
		}
	}()
	if d.panicNext {
		d.panicNext = false
		panic("a deliberate panic in an event handler (mmplayTestPanic)")
	}
	d.r.Dispatch(id, &domEvent{ev: ev, env: d.env})
}

type pendingEvent struct {
	id int32
	ev js.Value
}

// runPending handles the events that came during the last render (the
// caller holds no lock). It reports whether there were any.
func (d *jsDOM) runPending() bool {
	p := d.pending
	d.pending = nil
	for _, e := range p {
		d.dispatch(e.id, e.ev)
	}
	return len(p) > 0
}

// domEvent is vugu.DOMEvent over the live event object: properties are
// read when a handler asks for them (vugu's renderer copied every
// primitive property of the event and of its target into JSON first).
type domEvent struct {
	ev  js.Value
	env vugu.EventEnv
}

func (e *domEvent) Prop(keys ...string) any {
	v := e.ev
	for _, k := range keys {
		if v.Type() != js.TypeObject && v.Type() != js.TypeFunction {
			return nil
		}
		v = v.Get(k)
	}
	return primitive(v)
}

func primitive(v js.Value) any {
	switch v.Type() {
	case js.TypeString:
		return v.String()
	case js.TypeNumber:
		return v.Float()
	case js.TypeBoolean:
		return v.Bool()
	}
	return nil
}

func (e *domEvent) PropString(keys ...string) string {
	s, _ := e.Prop(keys...).(string)
	return s
}

func (e *domEvent) PropFloat64(keys ...string) float64 {
	f, _ := e.Prop(keys...).(float64)
	return f
}

func (e *domEvent) PropBool(keys ...string) bool {
	b, _ := e.Prop(keys...).(bool)
	return b
}

// EventSummary is what vugu's renderer sent: the primitive properties of
// the event and, under "target", of its target (built on demand).
func (e *domEvent) EventSummary() map[string]any {
	m := summary(e.ev)
	if t := e.ev.Get("target"); t.Type() == js.TypeObject {
		m["target"] = summary(t)
	}
	return m
}

// summary collects an object's primitive properties, own and inherited.
func summary(o js.Value) map[string]any {
	m := map[string]any{}
	object := js.Global().Get("Object")
	for p := o; p.Type() == js.TypeObject; p = object.Call("getPrototypeOf", p) {
		names := object.Call("getOwnPropertyNames", p)
		for i, n := 0, names.Length(); i < n; i++ {
			k := names.Index(i).String()
			if _, seen := m[k]; seen {
				continue
			}
			if v := safeGet(o, k); v != nil {
				m[k] = v
			}
		}
	}
	return m
}

// safeGet reads a primitive property; a getter that throws (a textarea's
// selectionDirection in some browsers) gives nil.
func safeGet(o js.Value, k string) (v any) {
	defer func() {
		if recover() != nil {
			v = nil
		}
	}()
	return primitive(o.Get(k))
}

func (e *domEvent) JSEvent() vjs.Value              { return vjs.Value(e.ev) }
func (e *domEvent) JSEventTarget() vjs.Value        { return vjs.Value(e.ev.Get("target")) }
func (e *domEvent) JSEventCurrentTarget() vjs.Value { return vjs.Value(e.ev.Get("currentTarget")) }
func (e *domEvent) EventEnv() vugu.EventEnv         { return e.env }
func (e *domEvent) PreventDefault()                 { e.ev.Call("preventDefault") }
func (e *domEvent) StopPropagation()                { e.ev.Call("stopPropagation") }
