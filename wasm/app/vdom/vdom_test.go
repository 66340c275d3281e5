package vdom

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/vugu/vugu"
)

// fakeDOM is a document in memory: it keeps the tree so a test can print
// it, and counts the calls so a test can check that a render touched
// only what changed.
type fakeDOM struct {
	nodes map[Handle]*fnode
	next  Handle
	calls []string
	freed int
}

type fnode struct {
	kind      string // "el", "text", "comment"
	tag, data string
	attrs     map[string]string
	props     map[string]string
	kids      []*fnode
	parent    *fnode
	listens   map[string]int32
	h         Handle
}

func newFakeDOM() (*fakeDOM, Handle) {
	d := &fakeDOM{nodes: map[Handle]*fnode{}}
	mount := d.add(&fnode{kind: "el", tag: "div", attrs: map[string]string{"id": "mount"}})
	d.add(&fnode{kind: "text", data: "Loading…"})
	d.nodes[mount].kids = []*fnode{d.nodes[mount+1]}
	d.nodes[mount+1].parent = d.nodes[mount]
	return d, mount
}

func (d *fakeDOM) add(n *fnode) Handle {
	d.next++
	n.h = d.next
	if n.attrs == nil {
		n.attrs = map[string]string{}
	}
	n.props = map[string]string{}
	n.listens = map[string]int32{}
	d.nodes[d.next] = n
	return d.next
}

func (d *fakeDOM) log(f string, a ...any) { d.calls = append(d.calls, fmt.Sprintf(f, a...)) }

func (d *fakeDOM) CreateElement(tag, ns string) Handle {
	d.log("create <%s>", tag)
	return d.add(&fnode{kind: "el", tag: tag})
}
func (d *fakeDOM) CreateText(s string) Handle {
	d.log("create text %q", s)
	return d.add(&fnode{kind: "text", data: s})
}
func (d *fakeDOM) CreateComment(s string) Handle {
	d.log("create comment")
	return d.add(&fnode{kind: "comment", data: s})
}
func (d *fakeDOM) SetData(h Handle, s string) { d.log("data %q", s); d.nodes[h].data = s }
func (d *fakeDOM) SetAttr(h Handle, ns, k, v string) {
	d.log("attr %s=%q", k, v)
	d.nodes[h].attrs[k] = v
}
func (d *fakeDOM) RemoveAttr(h Handle, ns, k string) {
	d.log("rmattr %s", k)
	delete(d.nodes[h].attrs, k)
}
func (d *fakeDOM) RemoveOtherAttrs(h Handle, keep []vugu.VGAttribute) {
	n := d.nodes[h]
	for k := range n.attrs {
		if _, ok := findAttr(keep, "", k); !ok {
			delete(n.attrs, k)
		}
	}
}
func (d *fakeDOM) SetProp(h Handle, k string, json []byte) {
	d.log("prop %s=%s", k, json)
	d.nodes[h].props[k] = string(json)
}
func (d *fakeDOM) SetPropValue(h Handle, k string, v any) {
	d.log("prop %s=%v", k, v)
	d.nodes[h].props[k] = fmt.Sprint(v)
}
func (d *fakeDOM) SetInnerHTML(h Handle, s string) {
	d.log("html %q", s)
	n := d.nodes[h]
	n.kids = []*fnode{{kind: "raw", data: s}}
}
func (d *fakeDOM) SetTextContent(h Handle, s string) {
	d.log("textContent %q", s)
	n := d.nodes[h]
	n.kids = nil
	if s != "" {
		n.kids = []*fnode{{kind: "text", data: s}}
	}
}
func (d *fakeDOM) Insert(p, c, ref Handle) {
	d.log("insert")
	pn, cn := d.nodes[p], d.nodes[c]
	if cn.parent != nil {
		panic("inserting an attached node")
	}
	cn.parent = pn
	if ref == 0 {
		pn.kids = append(pn.kids, cn)
		return
	}
	for i, k := range pn.kids {
		if k.h == ref {
			pn.kids = append(pn.kids[:i], append([]*fnode{cn}, pn.kids[i:]...)...)
			return
		}
	}
	panic("ref is not a child")
}
func (d *fakeDOM) Remove(p, c Handle) {
	d.log("remove")
	pn := d.nodes[p]
	for i, k := range pn.kids {
		if k.h == c {
			pn.kids = append(pn.kids[:i], pn.kids[i+1:]...)
			k.parent = nil
			return
		}
	}
	panic("not a child")
}
func (d *fakeDOM) ClearChildren(p Handle) {
	for _, k := range d.nodes[p].kids {
		k.parent = nil
	}
	d.nodes[p].kids = nil
}
func (d *fakeDOM) Free(h Handle) {
	if d.nodes[h] == nil {
		panic("double free")
	}
	delete(d.nodes, h)
	d.freed++
}
func (d *fakeDOM) Listen(h Handle, id int32, typ string, capture, passive bool) {
	d.log("listen %s", typ)
	d.nodes[h].listens[typ] = id
}
func (d *fakeDOM) Unlisten(h Handle, id int32, typ string, capture, passive bool) {
	d.log("unlisten %s", typ)
	if d.nodes[h].listens[typ] != id {
		panic("unlisten of a listener not there")
	}
	delete(d.nodes[h].listens, typ)
}

// html prints a node as markup (attributes sorted, listeners as @type).
func (n *fnode) html() string {
	switch n.kind {
	case "text":
		return n.data
	case "raw":
		return n.data
	case "comment":
		return "<!--" + n.data + "-->"
	}
	var b strings.Builder
	b.WriteString("<" + n.tag)
	var keys []string
	for k := range n.attrs {
		keys = append(keys, k)
	}
	for k := range n.listens {
		keys = append(keys, "@"+k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k[0] == '@' {
			b.WriteString(" " + k)
		} else {
			fmt.Fprintf(&b, " %s=%q", k, n.attrs[k])
		}
	}
	b.WriteString(">")
	for _, k := range n.kids {
		b.WriteString(k.html())
	}
	b.WriteString("</" + n.tag + ">")
	return b.String()
}

// el builds a VGNode element: attrs as "k=v" strings, then children
// (*vugu.VGNode or string for text).
func el(tag string, items ...any) *vugu.VGNode {
	n := &vugu.VGNode{Type: vugu.ElementNode, Data: tag}
	for _, it := range items {
		switch x := it.(type) {
		case string:
			if k, v, ok := strings.Cut(x, "="); ok {
				n.Attr = append(n.Attr, vugu.VGAttribute{Key: k, Val: v})
			} else {
				n.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: x})
			}
		case *vugu.VGNode:
			n.AppendChild(x)
		case vugu.DOMEventHandlerSpec:
			n.DOMEventHandlerSpecList = append(n.DOMEventHandlerSpecList, x)
		}
	}
	return n
}

func content(n *vugu.VGNode, v any) *vugu.VGNode { n.SetInnerHTML(v); return n }

// tree is a hand-written component whose output is whatever the test
// sets; child components come through the same BuildEnv as vugu's.
type tree struct {
	out      func(in *vugu.BuildIn, self *tree) *vugu.VGNode
	kids     []vugu.Builder
	rendered []bool
}

func (t *tree) Build(in *vugu.BuildIn) *vugu.BuildOut {
	return &vugu.BuildOut{Out: []*vugu.VGNode{t.out(in, t)}, Components: t.kids}
}

func (t *tree) Rendered(ctx vugu.RenderedCtx) { t.rendered = append(t.rendered, ctx.First()) }

type harness struct {
	t    *testing.T
	dom  *fakeDOM
	r    *Renderer
	env  *vugu.BuildEnv
	root *tree
}

func newHarness(t *testing.T) *harness {
	dom, mount := newFakeDOM()
	env, _ := vugu.NewBuildEnv()
	return &harness{t: t, dom: dom, r: New(dom, mount, nil), env: env}
}

// render renders out and returns the page's markup and the DOM calls.
func (h *harness) render(out *vugu.VGNode) (string, []string) {
	h.t.Helper()
	if h.root == nil {
		h.root = &tree{}
	}
	h.root.out = func(*vugu.BuildIn, *tree) *vugu.VGNode { return out }
	h.dom.calls = nil
	if err := h.r.Render(h.env.RunBuild(h.root)); err != nil {
		h.t.Fatal(err)
	}
	return h.dom.nodes[h.r.mount].html(), h.dom.calls
}

func TestRenderPatchesOnlyWhatChanged(t *testing.T) {
	type step struct {
		name  string
		out   func() *vugu.VGNode
		html  string
		calls []string // nil: any; []string{}: none
	}
	page := func(cls, status string, items ...string) func() *vugu.VGNode {
		return func() *vugu.VGNode {
			ul := el("ul")
			for _, it := range items {
				ul.AppendChild(el("li", it))
			}
			return el("div", "class="+cls, "data-testid=app", el("span", "data-testid=status", status), ul)
		}
	}
	steps := []step{
		{"first render replaces the mount point's attributes and loading text",
			page("app", "ready", "a", "b"),
			`<div class="app" data-testid="app"><span data-testid="status">ready</span><ul><li>a</li><li>b</li></ul></div>`, nil},
		{"the same tree again: no DOM call",
			page("app", "ready", "a", "b"),
			`<div class="app" data-testid="app"><span data-testid="status">ready</span><ul><li>a</li><li>b</li></ul></div>`, []string{}},
		{"one attribute and one text changed: two calls",
			page("app theme-dark", "1 statements", "a", "b"),
			`<div class="app theme-dark" data-testid="app"><span data-testid="status">1 statements</span><ul><li>a</li><li>b</li></ul></div>`,
			[]string{`attr class="app theme-dark"`, `data "1 statements"`}},
		{"an item appended: created and inserted at the end",
			page("app theme-dark", "1 statements", "a", "b", "c"),
			`<div class="app theme-dark" data-testid="app"><span data-testid="status">1 statements</span><ul><li>a</li><li>b</li><li>c</li></ul></div>`,
			[]string{`create <li>`, `create text "c"`, `insert`, `insert`}},
		{"two items gone: removed, the rest untouched",
			page("app theme-dark", "1 statements", "a"),
			`<div class="app theme-dark" data-testid="app"><span data-testid="status">1 statements</span><ul><li>a</li></ul></div>`,
			[]string{`remove`, `remove`}},
		{"a child of another tag replaces the old one in place",
			func() *vugu.VGNode {
				return el("div", "class=app theme-dark", "data-testid=app", el("p", "x"), el("ul", el("li", "a")))
			},
			`<div class="app theme-dark" data-testid="app"><p>x</p><ul><li>a</li></ul></div>`,
			[]string{`create <p>`, `create text "x"`, `insert`, `insert`, `remove`}},
		{"an attribute dropped is removed",
			func() *vugu.VGNode { return el("div", "class=app theme-dark", el("p", "x"), el("ul", el("li", "a"))) },
			`<div class="app theme-dark"><p>x</p><ul><li>a</li></ul></div>`,
			[]string{`rmattr data-testid`}},
	}
	h := newHarness(t)
	for _, s := range steps {
		got, calls := h.render(s.out())
		if got != s.html {
			t.Errorf("%s:\n got %s\nwant %s", s.name, got, s.html)
		}
		if s.calls != nil && strings.Join(calls, "\n") != strings.Join(s.calls, "\n") {
			t.Errorf("%s: DOM calls\n%s\nwant\n%s", s.name, strings.Join(calls, "\n"), strings.Join(s.calls, "\n"))
		}
	}
	if n := len(h.dom.nodes); n != 7 {
		t.Errorf("the fake DOM holds %d handles; want 7 (the 6 nodes of the page and the loading text, which the page never owned)", n)
	}
}

func TestRenderContent(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name  string
		out   *vugu.VGNode
		html  string
		calls []string
	}{
		{"vg-content without markup is set as text, unescaped",
			el("div", content(el("pre"), "a < b && c")),
			`<div><pre>a < b && c</pre></div>`, []string{`create <pre>`, `textContent "a < b && c"`, `insert`}},
		{"unchanged content: no call",
			el("div", content(el("pre"), "a < b && c")),
			`<div><pre>a < b && c</pre></div>`, []string{}},
		{"markup goes through innerHTML",
			el("div", content(el("pre"), vugu.HTML(`<b>x</b>`))),
			`<div><pre><b>x</b></pre></div>`, []string{`html "<b>x</b>"`}},
		{"content replaced by children",
			el("div", el("pre", "y")),
			`<div><pre>y</pre></div>`, []string{`textContent ""`, `create text "y"`, `insert`}},
		{"a character reference EscapeString does not write goes through innerHTML",
			el("div", content(el("pre"), vugu.HTML(`a&nbsp;b`))),
			`<div><pre>a&nbsp;b</pre></div>`, []string{`html "a&nbsp;b"`}},
		{"the five EscapeString writes are undone",
			el("div", content(el("pre"), `<'&">`)),
			`<div><pre><'&"></pre></div>`, []string{`textContent "<'&\">"`}},
		{"children replaced by content",
			el("div", content(el("pre"), 42)),
			`<div><pre>42</pre></div>`, []string{`textContent "42"`}},
	}
	for _, c := range cases {
		got, calls := h.render(c.out)
		if got != c.html {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.html)
		}
		if strings.Join(calls, "\n") != strings.Join(c.calls, "\n") {
			t.Errorf("%s: DOM calls\n%s\nwant\n%s", c.name, strings.Join(calls, "\n"), strings.Join(c.calls, "\n"))
		}
	}
}

func TestRenderListeners(t *testing.T) {
	h := newHarness(t)
	var got []string
	click := func(s string) vugu.DOMEventHandlerSpec {
		return vugu.DOMEventHandlerSpec{EventType: "click", Func: func(vugu.DOMEvent) { got = append(got, s) }}
	}
	enter := vugu.DOMEventHandlerSpec{EventType: "mouseenter", Func: func(vugu.DOMEvent) { got = append(got, "enter") }}
	_, calls := h.render(el("div", el("button", click("first"), "Step")))
	if strings.Count(strings.Join(calls, "\n"), "listen click") != 1 {
		t.Errorf("first render: %v", calls)
	}
	button := h.dom.nodes[h.r.mount].kids[0]
	id := button.listens["click"]
	_, calls = h.render(el("div", el("button", click("second"), "Step")))
	if len(calls) != 0 {
		t.Errorf("a new closure for the same event made DOM calls: %v", calls)
	}
	h.r.Dispatch(id, nil)
	if strings.Join(got, ",") != "second" {
		t.Errorf("dispatch called %v; want the handler of the last build", got)
	}
	got = nil
	html, calls := h.render(el("div", el("button", enter, "Step")))
	if html != `<div><button @mouseenter>Step</button></div>` || strings.Join(calls, ",") != "listen mouseenter,unlisten click" {
		t.Errorf("handler swapped: %s %v", html, calls)
	}
	if h.r.Dispatch(id, nil) {
		t.Error("a removed listener still dispatches")
	}
	html, _ = h.render(el("div", el("p", "gone")))
	if html != `<div><p>gone</p></div>` || len(h.r.listeners) != 0 {
		t.Errorf("after removing the button: %s, %d listeners left", html, len(h.r.listeners))
	}
}

func TestRenderComponentsAndTemplates(t *testing.T) {
	h := newHarness(t)
	child := &tree{out: func(*vugu.BuildIn, *tree) *vugu.VGNode { return el("section", "class=view", "child") }}
	h.root = &tree{kids: []vugu.Builder{child}}
	tmpl := &vugu.VGNode{Type: vugu.ElementNode} // <vg-template>
	tmpl.AppendChild(el("i", "1"))
	tmpl.AppendChild(el("i", "2"))
	out := el("div", tmpl, &vugu.VGNode{Component: child}, el("footer"))
	for i := 0; i < 2; i++ {
		html, _ := h.render(out)
		if html != `<div><i>1</i><i>2</i><section class="view">child</section><footer></footer></div>` {
			t.Errorf("render %d: %s", i, html)
		}
	}
	if fmt.Sprint(child.rendered) != "[true false]" {
		t.Errorf("Rendered(First) calls: %v; want [true false]", child.rendered)
	}
	// Dropped and back: First again.
	h.render(el("div"))
	h.render(out)
	if fmt.Sprint(child.rendered) != "[true false true]" {
		t.Errorf("Rendered(First) after a pass without it: %v", child.rendered)
	}
}

func TestRenderProps(t *testing.T) {
	h := newHarness(t)
	ta := func(v string) *vugu.VGNode {
		n := el("textarea")
		n.Prop = append(n.Prop, vugu.VGProperty{Key: "value", JSONVal: []byte(fmt.Sprintf("%q", v))})
		return el("div", n)
	}
	h.render(ta("int x;"))
	_, calls := h.render(ta("int x;"))
	// Properties are put back on every render (an input the state did not
	// follow is reset), as vugu's renderer does.
	if strings.Join(calls, ",") != `prop value="int x;"` {
		t.Errorf("calls %v", calls)
	}
}

func TestRenderPropAttributes(t *testing.T) {
	h := newHarness(t)
	input := func(value string, checked bool) *vugu.VGNode {
		n := el("input", "type=checkbox", "data-prop-value="+value)
		n.AddAttrInterface("data-prop-checked", checked)
		n.AddAttrInterface("data-prop-readonly", true)
		return el("div", n)
	}
	for _, c := range []struct {
		name  string
		out   *vugu.VGNode
		html  string
		calls string
	}{
		{"properties, not attributes", input("a", true), `<div><input type="checkbox"></input></div>`,
			"create <input>,attr type=\"checkbox\",prop value=a,prop checked=true,prop readOnly=true,insert"},
		{"set again on every render", input("a", true), "", "prop value=a,prop checked=true,prop readOnly=true"},
		{"a boolean gone is set false", input("b", false), "", "prop value=b,prop readOnly=true,prop checked=false"},
		{"and not again", input("b", false), "", "prop value=b,prop readOnly=true"},
	} {
		html, calls := h.render(c.out)
		if c.html != "" && html != c.html {
			t.Errorf("%s: %s", c.name, html)
		}
		if got := strings.Join(calls, ","); got != c.calls {
			t.Errorf("%s: calls\n%s\nwant\n%s", c.name, got, c.calls)
		}
	}
}

// TestRenderSiblingComesAndGoes: a conditional element appearing before
// others is inserted, and the others keep their DOM nodes (a canvas
// stays the same canvas).
func TestRenderSiblingComesAndGoes(t *testing.T) {
	h := newHarness(t)
	view := func() *vugu.VGNode { return el("div", "data-testid=physical", el("canvas", "data-testid=phys-canvas")) }
	pinned := func() *vugu.VGNode { return el("div", "data-testid=pinned", "Pinned: pfn 0x12") }
	h.render(el("div", view()))
	canvas := h.dom.nodes[h.r.mount].kids[0].kids[0]
	html, calls := h.render(el("div", pinned(), view()))
	if html != `<div><div data-testid="pinned">Pinned: pfn 0x12</div><div data-testid="physical"><canvas data-testid="phys-canvas"></canvas></div></div>` {
		t.Errorf("with the sibling: %s", html)
	}
	if strings.Join(calls, ",") != `create <div>,attr data-testid="pinned",create text "Pinned: pfn 0x12",insert,insert` {
		t.Errorf("inserting the sibling: %v", calls)
	}
	_, calls = h.render(el("div", view()))
	if strings.Join(calls, ",") != "remove" {
		t.Errorf("removing the sibling: %v", calls)
	}
	if h.dom.nodes[h.r.mount].kids[0].kids[0] != canvas {
		t.Error("the canvas was made anew")
	}
	// A list grows at its end and shrinks at its start.
	list := func(items ...string) *vugu.VGNode {
		ul := el("ul")
		for _, it := range items {
			ul.AppendChild(el("li", it))
		}
		return el("div", ul)
	}
	h.render(list("a", "b"))
	_, calls = h.render(list("a", "b", "c"))
	if strings.Join(calls, ",") != `create <li>,create text "c",insert,insert` {
		t.Errorf("appending: %v", calls)
	}
	html, _ = h.render(list("b", "c"))
	if html != `<div><ul><li>b</li><li>c</li></ul></div>` {
		t.Errorf("after dropping the first: %s", html)
	}
}
