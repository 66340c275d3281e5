//go:build js && wasm

package main

import (
	"syscall/js"
	"time"

	"github.com/vugu/vugu"
	vjs "github.com/vugu/vugu/js"

	"mmplay/wasm/app/vdom"
)

// jsDOM is the browser side of vdom.DOM: handles index a table of
// js.Values, and every listener is one js.Func that dispatches to the
// renderer under the event lock.
type jsDOM struct {
	doc   js.Value
	json  js.Value // JSON, for properties
	nodes []js.Value
	free  []vdom.Handle
	funcs map[int32]js.Func

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

func newJSDOM(env vugu.EventEnv) *jsDOM {
	return &jsDOM{
		doc:   js.Global().Get("document"),
		json:  js.Global().Get("JSON"),
		nodes: []js.Value{js.Undefined()}, // handle 0 is "none"
		funcs: map[int32]js.Func{},
		env:   env,
	}
}

func (d *jsDOM) handle(v js.Value) vdom.Handle {
	if n := len(d.free); n > 0 {
		h := d.free[n-1]
		d.free = d.free[:n-1]
		d.nodes[h] = v
		return h
	}
	d.nodes = append(d.nodes, v)
	return vdom.Handle(len(d.nodes) - 1)
}

func (d *jsDOM) CreateElement(tag, ns string) vdom.Handle {
	if ns != "" {
		return d.handle(d.doc.Call("createElementNS", ns, tag))
	}
	return d.handle(d.doc.Call("createElement", tag))
}

func (d *jsDOM) CreateText(s string) vdom.Handle { return d.handle(d.doc.Call("createTextNode", s)) }

func (d *jsDOM) CreateComment(s string) vdom.Handle { return d.handle(d.doc.Call("createComment", s)) }

func (d *jsDOM) SetData(h vdom.Handle, s string) { d.nodes[h].Set("data", s) }

func (d *jsDOM) SetAttr(h vdom.Handle, ns, k, v string) {
	if ns != "" {
		d.nodes[h].Call("setAttributeNS", ns, k, v)
		return
	}
	d.nodes[h].Call("setAttribute", k, v)
}

func (d *jsDOM) RemoveAttr(h vdom.Handle, ns, k string) {
	if ns != "" {
		d.nodes[h].Call("removeAttributeNS", ns, k)
		return
	}
	d.nodes[h].Call("removeAttribute", k)
}

func (d *jsDOM) RemoveOtherAttrs(h vdom.Handle, keep []vugu.VGAttribute) {
	el := d.nodes[h]
	names := el.Call("getAttributeNames")
	for i, n := 0, names.Length(); i < n; i++ {
		name := names.Index(i).String()
		kept := false
		for _, a := range keep {
			if a.Key == name {
				kept = true
				break
			}
		}
		if !kept {
			el.Call("removeAttribute", name)
		}
	}
}

func (d *jsDOM) SetProp(h vdom.Handle, k string, j []byte) {
	var v any
	switch s := string(j); s {
	case "true":
		v = true
	case "false":
		v = false
	default:
		v = d.json.Call("parse", s)
	}
	d.nodes[h].Set(k, v)
}

func (d *jsDOM) SetPropValue(h vdom.Handle, k string, v any) { d.nodes[h].Set(k, v) }

func (d *jsDOM) SetInnerHTML(h vdom.Handle, s string) { d.nodes[h].Set("innerHTML", s) }

func (d *jsDOM) SetTextContent(h vdom.Handle, s string) { d.nodes[h].Set("textContent", s) }

func (d *jsDOM) Insert(p, c, ref vdom.Handle) {
	r := js.Null()
	if ref != 0 {
		r = d.nodes[ref]
	}
	d.nodes[p].Call("insertBefore", d.nodes[c], r)
}

func (d *jsDOM) Remove(p, c vdom.Handle) { d.nodes[p].Call("removeChild", d.nodes[c]) }

func (d *jsDOM) ClearChildren(p vdom.Handle) { d.nodes[p].Set("textContent", "") }

func (d *jsDOM) Free(h vdom.Handle) {
	d.nodes[h] = js.Undefined()
	d.free = append(d.free, h)
}

func (d *jsDOM) listenOpts(capture, passive bool) map[string]any {
	return map[string]any{"capture": capture, "passive": passive}
}

func (d *jsDOM) Listen(h vdom.Handle, id int32, typ string, capture, passive bool) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 {
			d.dispatch(id, args[0])
		}
		return nil
	})
	d.funcs[id] = f
	d.nodes[h].Call("addEventListener", typ, f, d.listenOpts(capture, passive))
}

func (d *jsDOM) Unlisten(h vdom.Handle, id int32, typ string, capture, passive bool) {
	f, ok := d.funcs[id]
	if !ok {
		return
	}
	d.nodes[h].Call("removeEventListener", typ, f, d.listenOpts(capture, passive))
	f.Release()
	delete(d.funcs, id)
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
