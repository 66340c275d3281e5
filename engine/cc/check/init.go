package check

import (
	"encoding/binary"

	"mmplay/engine/cc/syntax"
)

// Reloc is an address that the loader writes into .data or .rodata once
// the sections have their base addresses: an 8-byte pointer at Offset in
// Section, pointing Addend bytes past one of Var, Func or Str.
type Reloc struct {
	Section Section
	Offset  int64
	Var     *Var
	Func    *Func
	Str     *String
	Addend  int64
}

// Image returns the initial bytes of .rodata and .data and the
// relocations the loader applies on top of them.
func (p *Program) Image() (rodata, data []byte, relocs []Reloc) {
	return p.rodata, p.data, p.relocs
}

// initObject lays out the initializer init for an object of type t at
// byte offset base, appending the stores to items. setLen receives the
// length of a top-level array of unknown size.
func (c *checker) initObject(t *Type, init syntax.Expr, base int64, items *[]InitItem, setLen func(int64)) {
	list, isList := init.(*syntax.InitList)
	// a string literal initializes a char array (braces optional)
	if t.Kind == Array && isCharType(t.Elem) {
		s := init
		if isList && len(list.Elems) == 1 && len(list.Elems[0].Designators) == 0 {
			s = list.Elems[0].Value
		}
		for {
			p, ok := s.(*syntax.Paren)
			if !ok {
				break
			}
			s = p.X
		}
		if lit, ok := s.(*syntax.StringLit); ok {
			b := append(append([]byte(nil), lit.Value...), 0)
			n := t.Len
			if n < 0 {
				n = int64(len(b))
				if setLen != nil {
					setLen(n)
				}
			}
			if int64(len(b)) > n+1 {
				c.warnf(lit.ValuePos, "initializer-string for array of chars is too long")
			}
			if int64(len(b)) > n {
				b = b[:n]
			}
			*items = append(*items, InitItem{Offset: base, Bytes: b})
			return
		}
	}
	if !isList {
		if t.Kind == Array {
			c.errorf(init.Pos(), "array must be initialized with a brace-enclosed initializer")
			return
		}
		x := c.assignConv(c.rvalue(init), t.Unqual(), "initialization", init.Pos())
		*items = append(*items, InitItem{Offset: base, Expr: x})
		return
	}
	switch t.Kind {
	case Array, Struct:
		i, n := c.initList(t, list.Elems, 0, base, items, true)
		if i < len(list.Elems) {
			c.warnf(list.Elems[i].Value.Pos(), "excess elements in initializer")
		}
		if t.Kind == Array && t.Len < 0 && setLen != nil {
			setLen(n)
		}
	default:
		if len(list.Elems) == 0 {
			*items = append(*items, InitItem{Offset: base, Expr: &Const{node{t.Unqual(), list.Lbrace}, 0}})
			return
		}
		if len(list.Elems) > 1 {
			c.warnf(list.Elems[1].Value.Pos(), "excess elements in scalar initializer")
		}
		if len(list.Elems[0].Designators) > 0 {
			c.errorf(list.Lbrace, "designator in a scalar initializer")
			return
		}
		c.initObject(t, list.Elems[0].Value, base, items, nil)
	}
}

func isCharType(t *Type) bool { return t.Kind == Char || t.Kind == SChar || t.Kind == UChar }

// members returns the number of direct subobjects of an aggregate
// (-1 for an array of unknown length) and the type and offset of the k-th.
func member(t *Type, k int64) (*Type, int64, bool) {
	if t.Kind == Array {
		if t.Len >= 0 && k >= t.Len {
			return nil, 0, false
		}
		return t.Elem, k * t.Elem.Size(), true
	}
	if t.Rec.Union && k > 0 {
		return nil, 0, false
	}
	for k < int64(len(t.Rec.Fields)) {
		f := t.Rec.Fields[k]
		return f.Type, f.Offset, true
	}
	return nil, 0, false
}

// initList fills the aggregate t from elems starting at elems[i]. With
// braced set, the list is t's own and designators may appear; otherwise
// t is a subobject filled by brace elision, which stops at a designator.
// It returns the next unused element and the number of members filled
// (for arrays of unknown length: the highest index + 1).
func (c *checker) initList(t *Type, elems []*syntax.InitElem, i int, base int64, items *[]InitItem, braced bool) (int, int64) {
	var k, max int64
	for i < len(elems) {
		el := elems[i]
		if len(el.Designators) > 0 {
			if !braced {
				return i, max
			}
			d := el.Designators[0]
			var ok bool
			k, ok = c.designate(t, d)
			if !ok {
				i++
				continue
			}
			mt, off, _ := member(t, k)
			if len(el.Designators) > 1 {
				// .a.b = x / [1].c = x: descend with the rest of the designators
				sub := &syntax.InitElem{Designators: el.Designators[1:], Value: el.Value}
				if mt.Kind != Array && mt.Kind != Struct {
					c.errorf(el.Designators[1].DesPos, "designator into a non-aggregate")
				} else {
					c.initList(mt, []*syntax.InitElem{sub}, 0, base+off, items, true)
				}
				i++
				k++
				if k > max {
					max = k
				}
				continue
			}
		}
		mt, off, ok := member(t, k)
		if !ok {
			if braced {
				c.warnf(el.Value.Pos(), "excess elements in initializer")
				return i + 1, max
			}
			return i, max
		}
		_, isList := el.Value.(*syntax.InitList)
		_, isStr := el.Value.(*syntax.StringLit)
		start := i
		switch {
		case isList || mt.IsScalar() || isStr && mt.Kind == Array:
			c.initObject(mt, el.Value, base+off, items, nil)
			i++
		case mt.Kind == Struct && !isList:
			// a struct member initialized by a struct value, or by elision
			x := c.rvalue(el.Value)
			if x.Type().Kind == Struct {
				*items = append(*items, InitItem{Offset: base + off, Expr: c.assignConv(x, mt, "initialization", el.Value.Pos())})
				i++
			} else {
				i, _ = c.initList(mt, elems, i, base+off, items, false)
			}
		default:
			i, _ = c.initList(mt, elems, i, base+off, items, false)
		}
		if i == start {
			// a member with nothing to fill (an empty struct): the element
			// cannot go anywhere; without this the loop would not advance
			c.errorf(el.Value.Pos(), "excess elements in initializer (member of type '%s' has no room)", mt)
			i++
		}
		k++
		if k > max {
			max = k
		}
		if t.Kind == Struct && t.Rec.Union && !braced {
			return i, max
		}
	}
	return i, max
}

func (c *checker) designate(t *Type, d syntax.Designator) (int64, bool) {
	if d.Field != "" {
		if t.Kind != Struct {
			c.errorf(d.DesPos, "field name '%s' not in a struct or union initializer", d.Field)
			return 0, false
		}
		for k, f := range t.Rec.Fields {
			if f.Name == d.Field {
				return int64(k), true
			}
		}
		c.errorf(d.DesPos, "'%s' has no member named '%s'", t, d.Field)
		return 0, false
	}
	if t.Kind != Array {
		c.errorf(d.DesPos, "array index in a non-array initializer")
		return 0, false
	}
	x := c.rvalue(d.Index)
	k, ok := x.(*Const)
	if !ok || !x.Type().IsInteger() {
		c.errorf(d.DesPos, "array index in initializer is not an integer constant")
		return 0, false
	}
	if int64(k.V) < 0 || t.Len >= 0 && int64(k.V) >= t.Len || int64(k.V) > MaxObjectSize {
		c.errorf(d.DesPos, "array index in initializer exceeds array bounds")
		return 0, false
	}
	return int64(k.V), true
}

// initLength computes the length of an array of unknown size from its
// initializer, without recording anything.
func (c *checker) initLength(t *Type, init syntax.Expr) int64 {
	var items []InitItem
	n := int64(0)
	nerrs := len(*c.errs)
	c.initObject(t, init, 0, &items, func(l int64) { n = l })
	if len(*c.errs) > nerrs {
		*c.errs = (*c.errs)[:nerrs] // reported again when the initializer is laid out
	}
	if n == 0 {
		n = 1
	}
	return n
}

// staticAddr is a link-time value: an integer, or an address relative
// to a variable, function or string.
type staticAddr struct {
	v    int64
	var_ *Var
	fn   *Func
	str  *String
}

func (a staticAddr) isAddr() bool { return a.var_ != nil || a.fn != nil || a.str != nil }

// static evaluates an initializer of static storage at link time.
func (c *checker) static(x Expr) (staticAddr, bool) {
	switch x := x.(type) {
	case *Const:
		return staticAddr{v: int64(x.V)}, true
	case *FuncRef:
		return staticAddr{fn: x.Func}, true
	case *AddrOf:
		return c.staticLval(x.X)
	case *Convert:
		a, ok := c.static(x.X)
		if !ok {
			return a, false
		}
		if a.isAddr() {
			return a, x.T.Size() == 8
		}
		a.v = int64(Normalize(x.T, uint64(a.v)))
		return a, true
	case *PtrAdd:
		a, ok := c.static(x.P)
		k, ok2 := x.I.(*Const)
		if !ok || !ok2 {
			return a, false
		}
		d := int64(k.V) * x.Scale
		if x.Sub {
			d = -d
		}
		a.v += d
		return a, true
	}
	return staticAddr{}, false
}

func (c *checker) staticLval(x Expr) (staticAddr, bool) {
	switch x := x.(type) {
	case *VarRef:
		if !x.Var.Global {
			return staticAddr{}, false
		}
		return staticAddr{var_: x.Var}, true
	case *StrRef:
		return staticAddr{str: x.Str}, true
	case *Member:
		a, ok := c.staticLval(x.X)
		a.v += x.Offset
		return a, ok
	case *Deref:
		return c.static(x.Addr)
	}
	return staticAddr{}, false
}

// buildImages writes the initial contents of .rodata and .data.
func (c *checker) buildImages() {
	p := c.prog
	p.rodata = make([]byte, p.RodataSize)
	p.data = make([]byte, p.DataSize)
	for _, s := range p.Strings {
		copy(p.rodata[s.Offset:], s.Data)
	}
	for _, v := range p.Globals {
		if v.Init == nil || !v.Defined || v.Section == Bss {
			continue
		}
		c.file = v.File
		img := p.data
		if v.Section == Rodata {
			img = p.rodata
		}
		for _, it := range v.Init.Items {
			off := v.Offset + it.Offset
			if it.Bytes != nil {
				copy(img[off:], it.Bytes)
				continue
			}
			t := it.Expr.Type()
			if t.Kind == Struct {
				c.errorf(it.Expr.Pos(), "initializer element is not constant (a struct value)")
				continue
			}
			a, ok := c.static(it.Expr)
			if !ok || a.isAddr() && t.Size() != 8 {
				c.errorf(it.Expr.Pos(), "initializer element is not constant")
				continue
			}
			if a.isAddr() {
				p.relocs = append(p.relocs, Reloc{Section: v.Section, Offset: off, Var: a.var_, Func: a.fn, Str: a.str, Addend: a.v})
				continue
			}
			var buf [8]byte
			binary.LittleEndian.PutUint64(buf[:], uint64(a.v))
			copy(img[off:off+t.Size()], buf[:t.Size()])
		}
	}
}
