package vdom

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/vugu/vugu"
)

// replayDOM is a Batch whose Flush decodes the recorded bytes, as
// boot.js's mmplayDOM.apply does, into calls on a fakeDOM (the batch's
// handles mapped to the fake's).
type replayDOM struct {
	Batch
	fake    *fakeDOM
	handles map[Handle]Handle
	flushes int
}

func (d *replayDOM) Flush() {
	d.flushes++
	b := d.Bytes()
	p := 0
	u32 := func() uint32 { v := binary.LittleEndian.Uint32(b[p:]); p += 4; return v }
	str := func() string { n := int(u32()); s := string(b[p : p+n]); p += n; return s }
	h := func(v uint32) Handle {
		if v == 0 {
			return 0
		}
		f, ok := d.handles[Handle(v)]
		if !ok {
			panic(fmt.Sprintf("batch handle %d unknown", v))
		}
		return f
	}
	for p < len(b) {
		op := b[p]
		p++
		bh := Handle(u32())
		switch op {
		case OpCreateElement:
			tag, ns := str(), str()
			d.handles[bh] = d.fake.CreateElement(tag, ns)
		case OpCreateText:
			d.handles[bh] = d.fake.CreateText(str())
		case OpCreateComment:
			d.handles[bh] = d.fake.CreateComment(str())
		case OpSetData:
			d.fake.SetData(h(uint32(bh)), str())
		case OpSetAttr:
			ns, k, v := str(), str(), str()
			d.fake.SetAttr(h(uint32(bh)), ns, k, v)
		case OpRemoveAttr:
			ns, k := str(), str()
			d.fake.RemoveAttr(h(uint32(bh)), ns, k)
		case OpRemoveOtherAttrs:
			var keep []vugu.VGAttribute
			for i := u32(); i > 0; i-- {
				keep = append(keep, vugu.VGAttribute{Key: str()})
			}
			d.fake.RemoveOtherAttrs(h(uint32(bh)), keep)
		case OpSetProp:
			k, j := str(), str()
			d.fake.SetProp(h(uint32(bh)), k, []byte(j))
		case OpSetPropString:
			k, v := str(), str()
			d.fake.SetPropValue(h(uint32(bh)), k, v)
		case OpSetPropBool:
			k := str()
			v := b[p] != 0
			p++
			d.fake.SetPropValue(h(uint32(bh)), k, v)
		case OpSetInnerHTML:
			d.fake.SetInnerHTML(h(uint32(bh)), str())
		case OpSetTextContent:
			d.fake.SetTextContent(h(uint32(bh)), str())
		case OpInsert:
			c, ref := u32(), u32()
			d.fake.Insert(h(uint32(bh)), h(c), h(ref))
		case OpRemove:
			d.fake.Remove(h(uint32(bh)), h(u32()))
		case OpClearChildren:
			d.fake.ClearChildren(h(uint32(bh)))
		case OpFree:
			d.fake.Free(h(uint32(bh)))
			delete(d.handles, bh)
		case OpListen, OpUnlisten:
			id, typ, f := int32(u32()), str(), b[p]
			p++
			if op == OpListen {
				d.fake.Listen(h(uint32(bh)), id, typ, f&1 != 0, f&2 != 0)
			} else {
				d.fake.Unlisten(h(uint32(bh)), id, typ, f&1 != 0, f&2 != 0)
			}
		default:
			panic(fmt.Sprintf("unknown operation %d at byte %d", op, p-5))
		}
	}
	d.Reset()
}

// TestBatchReplaysAsCalled: a renderer drawing into a Batch, its bytes
// decoded at each flush, makes the same DOM calls in the same order,
// and the same page, as one drawing into the DOM directly: every
// operation of the encoding, and handles freed and given again.
func TestBatchReplaysAsCalled(t *testing.T) {
	direct := newHarness(t)
	fake, mount := newFakeDOM()
	rd := &replayDOM{fake: fake, handles: map[Handle]Handle{}}
	rd.handles[rd.Reserve()] = mount
	batched := New(rd, 1, nil)
	env, _ := vugu.NewBuildEnv()
	root := &tree{}

	click := vugu.DOMEventHandlerSpec{EventType: "click", Func: func(vugu.DOMEvent) {}}
	wheel := vugu.DOMEventHandlerSpec{EventType: "wheel", Capture: true, Passive: true, Func: func(vugu.DOMEvent) {}}
	page := func(step int) *vugu.VGNode {
		svg := el("svg", "viewBox=0 0 10 10", el("rect", "width=4"))
		svg.Namespace = "http://www.w3.org/2000/svg"
		svg.FirstChild.Namespace = svg.Namespace
		input := el("input", "type=checkbox", "data-prop-value=v"+fmt.Sprint(step))
		input.AddAttrInterface("data-prop-checked", step%2 == 0)
		ta := el("textarea")
		ta.Prop = append(ta.Prop, vugu.VGProperty{Key: "value", JSONVal: []byte(fmt.Sprintf("%q", "int x = "+fmt.Sprint(step)+"; // é"))})
		comment := &vugu.VGNode{Type: vugu.CommentNode, Data: "c"}
		switch step {
		case 0:
			return el("div", "class=app", "data-testid=app", svg, el("p", "héllo", click), comment, input, ta,
				content(el("pre"), "<b>bold</b>"), el("ul", el("li", "a"), el("li", "b")))
		case 1: // attribute changed and dropped, text changed, listener swapped, content to plain text, an item gone
			return el("div", "class=app dark", svg, el("p", "world", wheel), comment, input, ta,
				content(el("pre"), "plain"), el("ul", el("li", "a")))
		case 2: // elements replaced (handles freed, then given again)
			return el("div", "class=app dark", el("section", "x"), el("p", "world"), el("ol", el("li", "1"), el("li", "2"), el("li", "3")))
		}
		return el("div")
	}
	for step := range 5 {
		out := page(step % 4)
		want, wantCalls := direct.render(out)
		fake.calls = nil
		root.out = func(*vugu.BuildIn, *tree) *vugu.VGNode { return out }
		if err := batched.Render(env.RunBuild(root)); err != nil {
			t.Fatal(err)
		}
		if len(rd.Bytes()) != 0 {
			t.Fatalf("step %d: the render did not flush its batch", step)
		}
		got := fake.nodes[mount].html()
		if got != want {
			t.Errorf("step %d: page\n got %s\nwant %s", step, got, want)
		}
		if g, w := strings.Join(fake.calls, "\n"), strings.Join(wantCalls, "\n"); g != w {
			t.Errorf("step %d: calls\n%s\nwant\n%s", step, g, w)
		}
	}
	if rd.flushes != 5 {
		t.Errorf("%d flushes for 5 renders", rd.flushes)
	}
	if len(fake.nodes) != len(direct.dom.nodes) || len(rd.free) == 0 {
		t.Errorf("%d nodes, %d free handles; want %d nodes (as drawn directly) and some handles freed", len(fake.nodes), len(rd.free), len(direct.dom.nodes))
	}
}

func TestBatchSetPropValueRejectsOtherTypes(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("SetPropValue(42) did not panic")
		}
	}()
	var b Batch
	b.SetPropValue(b.Reserve(), "value", 42)
}
