// Package vdom renders vugu's build output into a DOM by difference: it
// keeps a mirror of the nodes it made and, on every render, touches only
// the nodes, attributes, texts and listeners that changed.
//
// RATIONALE: vugu v0.4.0's renderer (domrender) has no diffing. On every
// render it walks the whole tree and sends every element, attribute,
// property, text and vg-content to its JavaScript half, which calls
// setAttribute for each attribute and sets innerHTML for each vg-content,
// changed or not; an event copies every primitive property of the event
// and of its target (for a textarea, the whole snippet) into JSON. With the
// playground's page (an editor of 40–120 lines, the controls, the console
// and one view) that cost 15–35 ms per event in Chromium, over the
// 16 ms a step may take (SPEC §11). This package keeps vugu's model (the
// generated components, BuildEnv, positional matching of children as
// domrender does) and replaces only the last stage:
//
//  1. Render walks the new tree and the mirror side by side. Components and
//     <vg-template> nodes are flattened into their parents' children, as
//     domrender does.
//  2. A child is matched by position. The same kind and tag: it is kept
//     and patched (attributes compared one by one, text compared, content
//     compared); otherwise it is replaced.
//  3. vg-content (InnerHTML) is set only when it changed, and as
//     textContent when it holds no markup (no parsing).
//  4. Listeners are added once per element and event; the handler a
//     listener calls is looked up at dispatch time, so the new closures of
//     every build need no DOM call.
//  5. JS properties are set on every render, as domrender does, so an
//     input the user changed but the state did not follow is put back.
//     The templates give them as attributes named data-prop-NAME (value,
//     checked, selected, readonly, disabled), which are set as the
//     property and never as an attribute; a boolean one that is absent
//     (vugu drops a false boolean attribute) is set false. (vugu's own
//     .NAME binding marshals its value with encoding/json, which costs the
//     app's wasm 49 kB of its brotli budget; it still works here.)
//
// The DOM is an interface so this package is plain Go and tested natively
// (vdom_test.go). In the page it is a Batch (batch.go): the operations
// of a render are recorded as bytes and applied by boot.js in one call
// when the renderer flushes, at the end of the render.
package vdom

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vugu/vugu"
)

// Handle names a DOM node of the DOM implementation (0: none).
type Handle int32

// DOM is what the renderer needs from a document. Handles come from the
// implementation; the renderer frees those of the nodes it drops.
type DOM interface {
	// CreateElement makes an element (ns "" for HTML), CreateText a text
	// node, CreateComment a comment.
	CreateElement(tag, ns string) Handle
	CreateText(data string) Handle
	CreateComment(data string) Handle
	// SetData replaces a text or comment node's data.
	SetData(h Handle, data string)
	// SetAttr sets an attribute (ns "" for none); RemoveAttr removes one.
	SetAttr(h Handle, ns, key, val string)
	RemoveAttr(h Handle, ns, key string)
	// RemoveOtherAttrs removes every attribute not in keep (the mount
	// point's own attributes, the first time).
	RemoveOtherAttrs(h Handle, keep []vugu.VGAttribute)
	// SetProp sets a JS property from its JSON value (vugu's .NAME
	// bindings); SetPropValue from a string or a bool (data-prop-NAME).
	SetProp(h Handle, key string, json []byte)
	SetPropValue(h Handle, key string, value any)
	// SetInnerHTML and SetTextContent replace an element's content.
	SetInnerHTML(h Handle, html string)
	SetTextContent(h Handle, text string)
	// Insert puts child into parent before ref (0: at the end); Remove
	// takes it out. ClearChildren removes all of parent's children (the
	// mount point's, the first time).
	Insert(parent, child, ref Handle)
	Remove(parent, child Handle)
	ClearChildren(parent Handle)
	// Free forgets a handle (its node is no longer the renderer's).
	Free(h Handle)
	// Listen makes events of that type on h call the renderer's
	// Dispatch with id; Unlisten undoes it.
	Listen(h Handle, id int32, typ string, capture, passive bool)
	Unlisten(h Handle, id int32, typ string, capture, passive bool)
}

// node is the mirror of one DOM node the renderer made.
type node struct {
	h     Handle
	kind  vugu.VGNodeType // TextNode, ElementNode or CommentNode
	tag   string
	ns    string
	data  string // text or comment data
	attrs []vugu.VGAttribute
	// content is the element's vg-content (InnerHTML), when hasContent;
	// kids are then empty.
	content    string
	hasContent bool
	kids       []*node
	ls         []*listener
	// bools are the boolean data-prop- properties set true last time.
	bools []string
}

type listener struct {
	id               int32
	typ              string
	capture, passive bool
	fn               func(vugu.DOMEvent)
}

// Renderer renders successive builds into one mount point.
type Renderer struct {
	dom   DOM
	mount Handle
	root  *node

	listeners map[int32]*listener
	nextID    int32

	// rendered holds the components drawn in the last pass (for the
	// Rendered callbacks' First flag).
	rendered map[any]bool
	comps    []any
	env      vugu.EventEnv

	// Stats counts the DOM calls of the last render (tests, benchmarks).
	Stats Stats
}

// Stats counts DOM operations.
type Stats struct {
	Created, Removed, Attrs, Texts, Contents, Props, Listens int
}

// New makes a renderer that draws into the element mount (whose own
// attributes and children it replaces with the root's, as domrender does
// with its mount point).
func New(dom DOM, mount Handle, env vugu.EventEnv) *Renderer {
	return &Renderer{dom: dom, mount: mount, env: env, listeners: map[int32]*listener{}, rendered: map[any]bool{}}
}

// Dispatch calls the current handler of listener id (the DOM side calls
// it for an event, holding the event lock). It reports whether there was
// one: a listener removed by the render that the event itself caused is
// not an error.
func (r *Renderer) Dispatch(id int32, ev vugu.DOMEvent) bool {
	l := r.listeners[id]
	if l == nil || l.fn == nil {
		return false
	}
	l.fn(ev)
	return true
}

// Render draws a build: the root component's single element.
func (r *Renderer) Render(br *vugu.BuildResults) error {
	if br == nil || br.Out == nil {
		return errors.New("vdom: no build output")
	}
	bo := br.Out
	if len(bo.Out) != 1 || bo.Out[0].Type != vugu.ElementNode || bo.Out[0].IsComponent() || bo.Out[0].IsTemplate() {
		return errors.New("vdom: the root component must build exactly one element")
	}
	if len(bo.CSS) > 0 || len(bo.JS) > 0 {
		return errors.New("vdom: components with <style> or <script> output are not supported")
	}
	r.Stats = Stats{}
	r.comps = r.comps[:0]
	vg := bo.Out[0]
	if r.root == nil {
		// The mount point becomes the root element when the tags match
		// (index.html's <div>); its old content (the loading message) goes.
		r.root = &node{h: r.mount, kind: vugu.ElementNode, tag: strings.ToLower(vg.Data), ns: vg.Namespace}
		r.dom.RemoveOtherAttrs(r.mount, vg.Attr)
		r.dom.ClearChildren(r.mount)
	}
	err := r.patch(r.root, vg, br)
	if f, ok := r.dom.(Flusher); ok {
		f.Flush() // what was done, even on an error (the mirror has it)
	}
	if err != nil {
		return err
	}
	r.afterRender()
	return nil
}

// flatten appends vg's children to out as the DOM sees them: components
// replaced by their single root element, templates by their children.
func (r *Renderer) flatten(vg *vugu.VGNode, br *vugu.BuildResults, out []*vugu.VGNode) ([]*vugu.VGNode, error) {
	for c := vg.FirstChild; c != nil; c = c.NextSibling {
		var err error
		if out, err = r.expand(c, br, out); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (r *Renderer) expand(c *vugu.VGNode, br *vugu.BuildResults, out []*vugu.VGNode) ([]*vugu.VGNode, error) {
	switch {
	case c.IsComponent():
		cb := br.ResultFor(c.Component)
		if cb == nil || len(cb.Out) != 1 {
			return out, fmt.Errorf("vdom: component %T must build exactly one element", c.Component)
		}
		if len(cb.CSS) > 0 || len(cb.JS) > 0 {
			return out, fmt.Errorf("vdom: component %T has <style> or <script> output (not supported)", c.Component)
		}
		r.comps = append(r.comps, c.Component)
		return r.expand(cb.Out[0], br, out)
	case c.IsTemplate():
		return r.flatten(c, br, out)
	case c.Type == vugu.ElementNode || c.Type == vugu.TextNode || c.Type == vugu.CommentNode:
		return append(out, c), nil
	}
	return out, fmt.Errorf("vdom: unexpected node type %d", c.Type)
}

// same reports whether the mirror n can be patched into vg (else it is
// replaced).
func same(n *node, vg *vugu.VGNode) bool {
	if n.kind != vg.Type {
		return false
	}
	if n.kind != vugu.ElementNode {
		return true
	}
	return n.tag == strings.ToLower(vg.Data) && n.ns == vg.Namespace
}

// create makes the DOM node for vg and its subtree.
func (r *Renderer) create(vg *vugu.VGNode, br *vugu.BuildResults) (*node, error) {
	r.Stats.Created++
	switch vg.Type {
	case vugu.TextNode:
		return &node{h: r.dom.CreateText(vg.Data), kind: vugu.TextNode, data: vg.Data}, nil
	case vugu.CommentNode:
		return &node{h: r.dom.CreateComment(vg.Data), kind: vugu.CommentNode, data: vg.Data}, nil
	}
	tag := strings.ToLower(vg.Data)
	n := &node{h: r.dom.CreateElement(tag, vg.Namespace), kind: vugu.ElementNode, tag: tag, ns: vg.Namespace}
	return n, r.patch(n, vg, br)
}

// patch brings the mirror n (and its DOM node) to vg.
func (r *Renderer) patch(n *node, vg *vugu.VGNode, br *vugu.BuildResults) error {
	switch n.kind {
	case vugu.TextNode, vugu.CommentNode:
		if n.data != vg.Data {
			r.dom.SetData(n.h, vg.Data)
			n.data = vg.Data
			r.Stats.Texts++
		}
		return nil
	}
	attrs, props := splitProps(vg.Attr)
	r.patchAttrs(n, attrs)
	if vg.InnerHTML != nil {
		if err := r.setContent(n, *vg.InnerHTML); err != nil {
			return err
		}
	} else {
		if n.hasContent {
			r.dom.SetTextContent(n.h, "")
			n.hasContent, n.content = false, ""
		}
		if err := r.patchKids(n, vg, br); err != nil {
			return err
		}
	}
	for _, p := range vg.Prop {
		r.dom.SetProp(n.h, p.Key, p.JSONVal)
		r.Stats.Props++
	}
	r.patchProps(n, props)
	r.patchListeners(n, vg.DOMEventHandlerSpecList)
	return nil
}

// propAttr is the prefix of attributes that are JS properties.
const propAttr = "data-prop-"

// props are the properties data-prop- attributes may name, by the
// attribute's (lower case) spelling: the JS name and whether it is a
// boolean.
var props = map[string]struct {
	name    string
	boolean bool
}{
	"value":    {"value", false},
	"checked":  {"checked", true},
	"selected": {"selected", true},
	"readonly": {"readOnly", true},
	"disabled": {"disabled", true},
}

// splitProps separates the data-prop- attributes from the others (it
// allocates only when there are some).
func splitProps(all []vugu.VGAttribute) (attrs, propList []vugu.VGAttribute) {
	for i, a := range all {
		if strings.HasPrefix(a.Key, propAttr) {
			attrs = append([]vugu.VGAttribute(nil), all[:i]...)
			for _, b := range all[i:] {
				if strings.HasPrefix(b.Key, propAttr) {
					propList = append(propList, b)
				} else {
					attrs = append(attrs, b)
				}
			}
			return attrs, propList
		}
	}
	return all, nil
}

// patchProps sets the data-prop- properties; a boolean set true last time
// and absent now is set false.
func (r *Renderer) patchProps(n *node, list []vugu.VGAttribute) {
	var now []string
	for _, a := range list {
		p, ok := props[strings.TrimPrefix(a.Key, propAttr)]
		if !ok {
			continue
		}
		if p.boolean {
			r.dom.SetPropValue(n.h, p.name, true)
			now = append(now, p.name)
		} else {
			r.dom.SetPropValue(n.h, p.name, a.Val)
		}
		r.Stats.Props++
	}
	for _, b := range n.bools {
		found := false
		for _, x := range now {
			found = found || x == b
		}
		if !found {
			r.dom.SetPropValue(n.h, b, false)
			r.Stats.Props++
		}
	}
	n.bools = now
}

// patchAttrs sets the attributes that changed and removes the ones gone.
func (r *Renderer) patchAttrs(n *node, attrs []vugu.VGAttribute) {
	if attrsEqual(n.attrs, attrs) {
		return
	}
	for _, a := range attrs {
		if v, ok := findAttr(n.attrs, a.Namespace, a.Key); !ok || v != a.Val {
			r.dom.SetAttr(n.h, a.Namespace, a.Key, a.Val)
			r.Stats.Attrs++
		}
	}
	for _, a := range n.attrs {
		if _, ok := findAttr(attrs, a.Namespace, a.Key); !ok {
			r.dom.RemoveAttr(n.h, a.Namespace, a.Key)
			r.Stats.Attrs++
		}
	}
	n.attrs = append(n.attrs[:0], attrs...)
}

func attrsEqual(a, b []vugu.VGAttribute) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// findAttr finds an attribute; the last one wins, as in the DOM.
func findAttr(attrs []vugu.VGAttribute, ns, key string) (string, bool) {
	for i := len(attrs) - 1; i >= 0; i-- {
		if attrs[i].Key == key && attrs[i].Namespace == ns {
			return attrs[i].Val, true
		}
	}
	return "", false
}

// setContent gives n the vg-content html, dropping its mirrored children.
// Content that is escaped text (vugu escapes a vg-content string with
// html.EscapeString) is set as text: the browser parses nothing.
func (r *Renderer) setContent(n *node, content string) error {
	if n.hasContent && n.content == content {
		return nil
	}
	r.dropKids(n)
	if text, ok := unescapeText(content); ok {
		r.dom.SetTextContent(n.h, text)
	} else {
		r.dom.SetInnerHTML(n.h, content)
	}
	n.content, n.hasContent = content, true
	r.Stats.Contents++
	return nil
}

// unescapeText undoes html.EscapeString: it reports false for content
// with markup ('<') or with any character reference other than the five
// EscapeString writes, which then goes through innerHTML. (html's own
// UnescapeString would do, but links its table of 2,231 entities into
// the app: 14 kB of the wasm's brotli budget.)
func unescapeText(s string) (string, bool) {
	if strings.IndexByte(s, '<') >= 0 {
		return "", false
	}
	if strings.IndexByte(s, '&') < 0 {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '&' {
			b.WriteByte(s[i])
			i++
			continue
		}
		ok := false
		for _, e := range [...]struct{ ref, ch string }{{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&#39;", "'"}, {"&#34;", `"`}} {
			if strings.HasPrefix(s[i:], e.ref) {
				b.WriteString(e.ch)
				i += len(e.ref)
				ok = true
				break
			}
		}
		if !ok {
			return "", false
		}
	}
	return b.String(), true
}

// patchKids matches the children. When their number is unchanged they
// are matched by position, as domrender does. When it changed (a vg-if
// sibling came or went, a list grew or shrank), the children equal at the
// start and at the end are matched first, comparing the data-testid too
// (keyed), and only the middle is created, removed or patched by position:
// a panel opening above the editor then inserts one element instead of
// turning every following element into its predecessor (which, among
// other things, recreated the Physical view's canvas and dropped the
// keyboard focus).
func (r *Renderer) patchKids(n *node, vg *vugu.VGNode, br *vugu.BuildResults) error {
	kids, err := r.flatten(vg, br, nil)
	if err != nil {
		return err
	}
	old := n.kids
	pre, suf := 0, 0
	if len(kids) != len(old) {
		pre, suf = commonEnds(old, kids)
	}
	// With the number unchanged every child stays at its index, so the
	// old slice is written over in place (old[i] is read before out[i] is
	// written): no allocation per element per render.
	out := old[:0]
	if len(kids) != len(old) {
		out = make([]*node, 0, len(kids))
	}
	for i := 0; i < pre; i++ {
		if err := r.patch(old[i], kids[i], br); err != nil {
			return err
		}
		out = append(out, old[i])
	}
	// The middle: old[pre:lo] against kids[pre:ln], by position.
	lo, ln := len(old)-suf, len(kids)-suf
	var ref Handle // where new nodes go: before the first of the suffix
	if suf > 0 {
		ref = old[lo].h
	}
	if out, err = r.patchMiddle(n, out, old[pre:lo], kids[pre:ln], ref, br); err != nil {
		return err
	}
	for k := 0; k < suf; k++ {
		if err := r.patch(old[lo+k], kids[ln+k], br); err != nil {
			return err
		}
		out = append(out, old[lo+k])
	}
	n.kids = out
	return nil
}

// commonEnds counts the children at the start (pre) and at the end (suf)
// of old and kids that are the same keyed nodes.
func commonEnds(old []*node, kids []*vugu.VGNode) (pre, suf int) {
	for pre < len(kids) && pre < len(old) && sameKeyed(old[pre], kids[pre]) {
		pre++
	}
	for suf < len(kids)-pre && suf < len(old)-pre && sameKeyed(old[len(old)-1-suf], kids[len(kids)-1-suf]) {
		suf++
	}
	return pre, suf
}

// patchMiddle patches the old children olds against kids by position,
// creating and removing nodes where they differ, and appends the results
// to out. New nodes past olds go before ref (at n's end when ref is 0).
// When out shares olds's array (the same number of children), olds[i] is
// read before out's element i is written.
//
// RATIONALE: a function of its own (and commonEnds too) to keep
// patchKids small: in a browser, hot wasm functions are compiled a second
// time by the optimising compiler at a cost that grows with their size.
func (r *Renderer) patchMiddle(n *node, out, olds []*node, kids []*vugu.VGNode, ref Handle, br *vugu.BuildResults) ([]*node, error) {
	for i, c := range kids {
		if i < len(olds) {
			o := olds[i]
			if same(o, c) {
				if err := r.patch(o, c, br); err != nil {
					return out, err
				}
				out = append(out, o)
				continue
			}
			nn, err := r.create(c, br)
			if err != nil {
				return out, err
			}
			r.dom.Insert(n.h, nn.h, o.h)
			r.removeNode(n, o)
			olds[i] = nil
			out = append(out, nn)
			continue
		}
		nn, err := r.create(c, br)
		if err != nil {
			return out, err
		}
		r.dom.Insert(n.h, nn.h, ref)
		out = append(out, nn)
	}
	for j := len(kids); j < len(olds); j++ { // old nodes left over in the middle
		if olds[j] != nil {
			r.removeNode(n, olds[j])
		}
	}
	return out, nil
}

// sameKeyed is same, and the same data-testid (none on either side
// counts as equal).
func sameKeyed(n *node, vg *vugu.VGNode) bool {
	if !same(n, vg) {
		return false
	}
	a, _ := findAttr(n.attrs, "", "data-testid")
	b, _ := findAttr(vg.Attr, "", "data-testid")
	return a == b
}

// removeNode takes old out of parent's DOM node and forgets its subtree.
func (r *Renderer) removeNode(parent, old *node) {
	r.dom.Remove(parent.h, old.h)
	r.forget(old)
	r.Stats.Removed++
}

// dropKids forgets n's mirrored children (their DOM nodes are about to be
// replaced by content).
func (r *Renderer) dropKids(n *node) {
	for _, k := range n.kids {
		r.forget(k)
	}
	n.kids = n.kids[:0]
}

// forget releases the listeners and handles of a removed subtree.
func (r *Renderer) forget(n *node) {
	for _, l := range n.ls {
		r.dom.Unlisten(n.h, l.id, l.typ, l.capture, l.passive)
		delete(r.listeners, l.id)
	}
	n.ls = nil
	for _, k := range n.kids {
		r.forget(k)
	}
	n.kids = nil
	r.dom.Free(n.h)
}

// patchListeners keeps one DOM listener per event type (and capture and
// passive flags), pointing it at this build's handler.
func (r *Renderer) patchListeners(n *node, specs []vugu.DOMEventHandlerSpec) {
	if len(specs) == 0 && len(n.ls) == 0 {
		return
	}
	keep := n.ls[:0:0]
	for _, s := range specs {
		var l *listener
		for _, o := range n.ls {
			if o != nil && o.typ == s.EventType && o.capture == s.Capture && o.passive == s.Passive {
				l = o
				break
			}
		}
		if l == nil {
			r.nextID++
			l = &listener{id: r.nextID, typ: s.EventType, capture: s.Capture, passive: s.Passive}
			r.listeners[l.id] = l
			r.dom.Listen(n.h, l.id, l.typ, l.capture, l.passive)
			r.Stats.Listens++
		}
		l.fn = s.Func
		keep = append(keep, l)
	}
	for _, o := range n.ls {
		found := false
		for _, k := range keep {
			if k == o {
				found = true
				break
			}
		}
		if !found {
			r.dom.Unlisten(n.h, o.id, o.typ, o.capture, o.passive)
			delete(r.listeners, o.id)
			r.Stats.Listens++
		}
	}
	n.ls = keep
}

// renderedCtx is vugu.RenderedCtx.
type renderedCtx struct {
	env   vugu.EventEnv
	first bool
}

func (c renderedCtx) EventEnv() vugu.EventEnv { return c.env }
func (c renderedCtx) First() bool             { return c.first }

// afterRender calls the components' Rendered callbacks (vugu's
// lifecycle: Rendered() or Rendered(vugu.RenderedCtx)), First the first
// time a component is drawn.
func (r *Renderer) afterRender() {
	now := make(map[any]bool, len(r.comps))
	for _, c := range r.comps {
		if now[c] {
			continue
		}
		now[c] = true
		first := !r.rendered[c]
		switch x := c.(type) {
		case interface{ Rendered(vugu.RenderedCtx) }:
			x.Rendered(renderedCtx{r.env, first})
		case interface{ Rendered() }:
			x.Rendered()
		}
	}
	r.rendered = now
}
