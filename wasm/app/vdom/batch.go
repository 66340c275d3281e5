package vdom

import (
	"encoding/binary"

	"github.com/vugu/vugu"
)

// Batch is a DOM that records the operations of a render as bytes, for
// the page to apply in one call (boot.js's mmplayDOM.apply) when the
// renderer flushes. It numbers the nodes itself; the page keeps the
// same numbering in a table of its own.
//
// RATIONALE: through syscall/js every DOM operation is a call into
// JavaScript, and every string argument another one (it becomes a JS
// string held by a reference with a Go finalizer): setAttribute(k, v)
// took three crossings and two finalizers. The first render (about 800
// operations) took 56–97 ms of the cold load on the 2-core development
// machine, most of it in that glue (a Chrome profile: syscall/js's Call
// and its finalizers, the glue's JavaScript still in the interpreter).
// Recorded, a render is one copy of its bytes and one call.
//
// The encoding, little-endian: each operation is its code (one byte)
// and its operands: a handle or a listener id as 4 bytes, a flag as one
// byte, a string as its length (4 bytes) and its UTF-8 bytes.
type Batch struct {
	buf  []byte
	next Handle   // the last handle given
	free []Handle // handles freed, to give again
}

// The operation codes (boot.js decodes the same).
const (
	OpCreateElement    = 1  // h, tag, ns
	OpCreateText       = 2  // h, data
	OpCreateComment    = 3  // h, data
	OpSetData          = 4  // h, data
	OpSetAttr          = 5  // h, ns, key, val
	OpRemoveAttr       = 6  // h, ns, key
	OpRemoveOtherAttrs = 7  // h, n (4 bytes), n keys
	OpSetProp          = 8  // h, key, JSON
	OpSetPropString    = 9  // h, key, val
	OpSetPropBool      = 10 // h, key, flag
	OpSetInnerHTML     = 11 // h, html
	OpSetTextContent   = 12 // h, text
	OpInsert           = 13 // parent, child, ref (0: at the end)
	OpRemove           = 14 // parent, child
	OpClearChildren    = 15 // parent
	OpFree             = 16 // h
	OpListen           = 17 // h, id, type, flags (1 capture, 2 passive)
	OpUnlisten         = 18 // h, id, type, flags
)

// Reserve gives a handle for a node the page already has (the mount
// point); the caller tells the page which node it names.
func (b *Batch) Reserve() Handle { return b.newHandle() }

// Bytes are the operations recorded since the last Reset.
func (b *Batch) Bytes() []byte { return b.buf }

// Reset forgets the recorded operations (they were applied).
func (b *Batch) Reset() { b.buf = b.buf[:0] }

func (b *Batch) newHandle() Handle {
	if n := len(b.free); n > 0 {
		h := b.free[n-1]
		b.free = b.free[:n-1]
		return h
	}
	b.next++
	return b.next
}

// The encoders are not inlined: each operation's method stays a few
// calls long, so the page's optimising compiler does not recompile a
// dozen large copies of them during the first render (see declSpecs in
// engine/cc/syntax for why size matters there).
//
//go:noinline
func (b *Batch) op(code byte, h Handle) {
	b.buf = append(b.buf, code)
	b.buf = binary.LittleEndian.AppendUint32(b.buf, uint32(h))
}

//go:noinline
func (b *Batch) u32(v uint32) { b.buf = binary.LittleEndian.AppendUint32(b.buf, v) }

//go:noinline
func (b *Batch) str(s string) {
	b.u32(uint32(len(s)))
	b.buf = append(b.buf, s...)
}

func (b *Batch) flag(v bool) {
	if v {
		b.buf = append(b.buf, 1)
	} else {
		b.buf = append(b.buf, 0)
	}
}

func (b *Batch) CreateElement(tag, ns string) Handle {
	h := b.newHandle()
	b.op(OpCreateElement, h)
	b.str(tag)
	b.str(ns)
	return h
}

func (b *Batch) CreateText(data string) Handle {
	h := b.newHandle()
	b.op(OpCreateText, h)
	b.str(data)
	return h
}

func (b *Batch) CreateComment(data string) Handle {
	h := b.newHandle()
	b.op(OpCreateComment, h)
	b.str(data)
	return h
}

func (b *Batch) SetData(h Handle, data string) {
	b.op(OpSetData, h)
	b.str(data)
}

func (b *Batch) SetAttr(h Handle, ns, key, val string) {
	b.op(OpSetAttr, h)
	b.str(ns)
	b.str(key)
	b.str(val)
}

func (b *Batch) RemoveAttr(h Handle, ns, key string) {
	b.op(OpRemoveAttr, h)
	b.str(ns)
	b.str(key)
}

func (b *Batch) RemoveOtherAttrs(h Handle, keep []vugu.VGAttribute) {
	b.op(OpRemoveOtherAttrs, h)
	b.u32(uint32(len(keep)))
	for _, a := range keep {
		b.str(a.Key)
	}
}

func (b *Batch) SetProp(h Handle, key string, json []byte) {
	b.op(OpSetProp, h)
	b.str(key)
	b.str(string(json))
}

// SetPropValue takes a string or a bool (the data-prop- attributes);
// anything else is set as its JSON text would be by SetProp: never, today.
func (b *Batch) SetPropValue(h Handle, key string, value any) {
	switch v := value.(type) {
	case bool:
		b.op(OpSetPropBool, h)
		b.str(key)
		b.flag(v)
	case string:
		b.op(OpSetPropString, h)
		b.str(key)
		b.str(v)
	default:
		panic("vdom: Batch.SetPropValue takes a string or a bool")
	}
}

func (b *Batch) SetInnerHTML(h Handle, html string) {
	b.op(OpSetInnerHTML, h)
	b.str(html)
}

func (b *Batch) SetTextContent(h Handle, text string) {
	b.op(OpSetTextContent, h)
	b.str(text)
}

func (b *Batch) Insert(parent, child, ref Handle) {
	b.op(OpInsert, parent)
	b.u32(uint32(child))
	b.u32(uint32(ref))
}

func (b *Batch) Remove(parent, child Handle) {
	b.op(OpRemove, parent)
	b.u32(uint32(child))
}

func (b *Batch) ClearChildren(parent Handle) { b.op(OpClearChildren, parent) }

func (b *Batch) Free(h Handle) {
	b.op(OpFree, h)
	b.free = append(b.free, h)
}

func (b *Batch) Listen(h Handle, id int32, typ string, capture, passive bool) {
	b.listen(OpListen, h, id, typ, capture, passive)
}

func (b *Batch) Unlisten(h Handle, id int32, typ string, capture, passive bool) {
	b.listen(OpUnlisten, h, id, typ, capture, passive)
}

func (b *Batch) listen(code byte, h Handle, id int32, typ string, capture, passive bool) {
	b.op(code, h)
	b.u32(uint32(id))
	b.str(typ)
	var f byte
	if capture {
		f |= 1
	}
	if passive {
		f |= 2
	}
	b.buf = append(b.buf, f)
}

// Flusher is a DOM that queues its operations: the renderer calls Flush
// at the end of every render, before the components' Rendered
// callbacks (which may read the DOM, as the canvas paint does).
type Flusher interface {
	Flush()
}
