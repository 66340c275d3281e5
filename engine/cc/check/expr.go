package check

import (
	"math"

	"mmplay/engine/cc/syntax"
)

func isLvalue(x Expr) bool {
	switch x := x.(type) {
	case *VarRef, *Deref, *StrRef, *Bad:
		return true
	case *Member:
		return isLvalue(x.X) // f().x is not an lvalue
	}
	return false
}

// decay turns an array lvalue into a pointer to its first element and a
// function designator into its address (C11 6.3.2.1).
func (c *checker) decay(x Expr) Expr {
	switch x.Type().Kind {
	case Array:
		return &AddrOf{node{PointerTo(x.Type().Elem), x.Pos()}, x}
	case FuncKind:
		if d, ok := x.(*Deref); ok {
			return d.Addr
		}
	}
	return x
}

// rvalue checks e in value position.
func (c *checker) rvalue(e syntax.Expr) Expr {
	x := c.decay(c.expr(e))
	if x.Type().Kind == Void {
		c.errorf(e.Pos(), "void value not ignored as it ought to be")
		return c.bad(e.Pos())
	}
	return x
}

// rvalueOrVoid checks an expression whose value may be void (an
// expression statement, a comma's left operand).
func (c *checker) rvalueOrVoid(e syntax.Expr) Expr { return c.decay(c.expr(e)) }

// scalar checks e as a condition or logical operand.
func (c *checker) scalar(e syntax.Expr, what string) Expr {
	x := c.rvalue(e)
	if !x.Type().IsScalar() {
		c.errorf(e.Pos(), "used '%s' where a scalar is required (%s)", x.Type(), what)
		return c.bad(e.Pos())
	}
	return x
}

func (c *checker) cond(e syntax.Expr, what string) Expr {
	if a, ok := e.(*syntax.Assign); ok && a.Op == syntax.ASSIGN {
		c.warnf(a.OpPos, "suggest parentheses around assignment used as truth value")
	}
	return c.scalar(e, "condition of "+what)
}

// convert converts scalar x to scalar t (folding constants).
func (c *checker) convert(x Expr, t *Type) Expr {
	if t.Kind == Void {
		return &Convert{node{TVoid, x.Pos()}, x}
	}
	if Same(x.Type(), t) && x.Type().Kind != Bool {
		if k, ok := x.(*Const); ok && k.T != t {
			return &Const{node{t, k.P}, k.V}
		}
		return x
	}
	if k, ok := x.(*Const); ok {
		return &Const{node{t, k.P}, Normalize(t, k.V)}
	}
	return &Convert{node{t, x.Pos()}, x}
}

func isNullConst(x Expr) bool {
	k, ok := x.(*Const)
	if !ok || k.V != 0 {
		return false
	}
	return k.T.IsInteger() || k.T.Kind == Pointer && k.T.Elem.Kind == Void
}

// assignConv converts x to t as assignment does (C11 6.5.16.1), with
// gcc's warnings for the conversions it accepts with a warning.
func (c *checker) assignConv(x Expr, t *Type, ctx string, pos syntax.Pos) Expr {
	xt := x.Type()
	switch {
	case t.Kind == Struct:
		if xt.Kind == Struct && xt.Rec == t.Rec {
			return x
		}
	case t.IsInteger() && xt.IsInteger():
		return c.convert(x, t)
	case t.Kind == Pointer && xt.Kind == Pointer:
		te, xe := t.Elem, xt.Elem
		switch {
		case te.Kind == Void || xe.Kind == Void:
			if xe.Const && !te.Const {
				c.warnf(pos, "%s discards 'const' qualifier from pointer target type", ctx)
			}
		case compatiblePointee(te, xe):
		case te.Kind == FuncKind && xe.Kind == FuncKind && Same(te, xe):
		case same(te.Unqual(), xe.Unqual(), false):
			c.warnf(pos, "%s discards 'const' qualifier from pointer target type", ctx)
		default:
			c.warnf(pos, "incompatible pointer types in %s: '%s' from '%s'", ctx, t, xt)
		}
		return c.convert(x, t)
	case t.Kind == Pointer && xt.IsInteger():
		if isNullConst(x) {
			return &Const{node{t, x.Pos()}, 0}
		}
		c.warnf(pos, "%s makes pointer from integer without a cast", ctx)
		return c.convert(x, t)
	case t.IsInteger() && xt.Kind == Pointer:
		if t.Kind != Bool {
			c.warnf(pos, "%s makes integer from pointer without a cast", ctx)
		}
		return c.convert(x, t)
	}
	c.errorf(pos, "incompatible types in %s: '%s' from '%s'", ctx, t, xt)
	return &Const{node{t, pos}, 0}
}

func (c *checker) str(b []byte, pos syntax.Pos) Expr {
	key := string(b)
	s := c.strs[key]
	if s == nil {
		s = &String{Data: append(append([]byte(nil), b...), 0)}
		c.strs[key] = s
		c.prog.Strings = append(c.prog.Strings, s)
	}
	return &StrRef{node{&Type{Kind: Array, Elem: TChar, Len: int64(len(s.Data))}, pos}, s}
}

// expr checks e; lvalues stay lvalues and arrays are not decayed.
func (c *checker) expr(e syntax.Expr) Expr {
	switch e := e.(type) {
	case *syntax.Paren:
		return c.expr(e.X)
	case *syntax.Ident:
		return c.ident(e)
	case *syntax.IntLit:
		return c.intLit(e)
	case *syntax.CharLit:
		return &Const{node{TInt, e.ValuePos}, uint64(e.Value)}
	case *syntax.StringLit:
		return c.str(e.Value, e.ValuePos)
	case *syntax.Unary:
		return c.unary(e)
	case *syntax.Postfix:
		return c.incDec(e.X, e.Op, true, e.OpPos)
	case *syntax.Binary:
		return c.binary(e)
	case *syntax.Assign:
		return c.assign(e)
	case *syntax.Cond:
		return c.condExpr(e)
	case *syntax.Call:
		return c.call(e)
	case *syntax.Index:
		p, i := c.rvalue(e.X), c.rvalue(e.Index)
		if p.Type().IsInteger() && i.Type().Kind == Pointer {
			p, i = i, p
		}
		if p.Type().Kind != Pointer || !i.Type().IsInteger() {
			c.errorf(e.Lbrack, "subscripted value is neither array nor pointer")
			return c.bad(e.Lbrack)
		}
		return c.deref(c.ptrAdd(p, i, false, e.Lbrack), e.Lbrack)
	case *syntax.Selector:
		return c.selector(e)
	case *syntax.Cast:
		return c.cast(e)
	case *syntax.SizeofExpr:
		c.unevaluated++
		x := c.expr(e.X)
		c.unevaluated--
		return c.sizeOf(x.Type(), e.SizeofPos)
	case *syntax.SizeofType:
		return c.sizeOf(c.resolveType(e.Type.Type), e.SizeofPos)
	case *syntax.InitList:
		c.errorf(e.Lbrace, "a brace-enclosed initializer is only allowed in a declaration")
		return c.bad(e.Lbrace)
	}
	panic("check: unknown expression")
}

func (c *checker) sizeOf(t *Type, pos syntax.Pos) Expr {
	if t.Kind == FuncKind {
		c.errorf(pos, "invalid application of 'sizeof' to a function type")
	} else if !t.IsComplete() && t.Kind != Void {
		c.errorf(pos, "invalid application of 'sizeof' to incomplete type '%s'", t)
	}
	return &Const{node{TULong, pos}, uint64(t.Size())}
}

func (c *checker) ident(e *syntax.Ident) Expr {
	ent := c.sc.lookup(e.Name)
	if ent == nil {
		switch e.Name {
		case "true", "false":
			v := uint64(0)
			if e.Name == "true" {
				v = 1
			}
			return &Const{node{TInt, e.NamePos}, v}
		case "__func__", "__FUNCTION__":
			name := ""
			if c.fn != nil {
				name = c.fn.Name
			}
			return c.str([]byte(name), e.NamePos)
		}
		hint := ""
		if c.conf.Hint != nil {
			hint = c.conf.Hint(e.Name)
		}
		c.errorHint(e.NamePos, hint, "'%s' undeclared", e.Name)
		return c.bad(e.NamePos)
	}
	switch ent.kind {
	case entVar:
		if v := ent.v; !v.Used && c.unevaluated == 0 {
			v.Used, v.usedPos, v.usedFile = true, e.NamePos, c.file
		}
		return &VarRef{node{ent.v.Type, e.NamePos}, ent.v}
	case entFunc:
		c.use(ent.f, e.NamePos)
		return &FuncRef{node{PointerTo(ent.f.Type), e.NamePos}, ent.f}
	case entEnum:
		return &Const{node{TInt, e.NamePos}, uint64(ent.c)}
	}
	c.errorf(e.NamePos, "unexpected type name '%s': expected an expression", e.Name)
	return c.bad(e.NamePos)
}

func (c *checker) use(f *Func, pos syntax.Pos) {
	if !f.Used {
		f.Used = true
		f.usedPos = pos
		if c.fn == nil {
			f.usedPos = pos
		}
	}
}

// intLit types an integer constant by C11 6.4.4.1.
func (c *checker) intLit(e *syntax.IntLit) Expr {
	v, info := e.Value, e.Info
	var cands []*Type
	switch {
	case info.Unsigned && info.Long == 0:
		cands = []*Type{TUInt, TULong}
	case info.Unsigned && info.Long == 1:
		cands = []*Type{TULong}
	case info.Unsigned:
		cands = []*Type{TULongLong}
	case info.Long == 0 && info.Decimal:
		cands = []*Type{TInt, TLong}
	case info.Long == 0:
		cands = []*Type{TInt, TUInt, TLong, TULong}
	case info.Long == 1 && info.Decimal:
		cands = []*Type{TLong}
	case info.Long == 1:
		cands = []*Type{TLong, TULong}
	case info.Decimal:
		cands = []*Type{TLongLong}
	default:
		cands = []*Type{TLongLong, TULongLong}
	}
	for _, t := range cands {
		var max uint64
		switch t.Kind {
		case Int:
			max = math.MaxInt32
		case UInt:
			max = math.MaxUint32
		case Long, LongLong:
			max = math.MaxInt64
		default:
			max = math.MaxUint64
		}
		if v <= max {
			return &Const{node{t, e.ValuePos}, v}
		}
	}
	c.warnf(e.ValuePos, "integer constant is so large that it is unsigned")
	return &Const{node{TULong, e.ValuePos}, v}
}

func (c *checker) deref(p Expr, pos syntax.Pos) Expr {
	pt := p.Type()
	if pt.Kind != Pointer {
		c.errorf(pos, "invalid type argument of unary '*' (have '%s')", pt)
		return c.bad(pos)
	}
	if pt.Elem.Kind == Void {
		c.errorf(pos, "dereferencing a 'void *' pointer")
		return c.bad(pos)
	}
	if a, ok := p.(*AddrOf); ok && Same(a.X.Type(), pt.Elem) {
		return a.X
	}
	return &Deref{node{pt.Elem, pos}, p}
}

func (c *checker) ptrAdd(p, i Expr, sub bool, pos syntax.Pos) Expr {
	elem := p.Type().Elem
	if elem.Kind != Void && elem.Kind != FuncKind && !elem.IsComplete() {
		c.errorf(pos, "arithmetic on a pointer to incomplete type '%s'", elem)
	}
	scale := elem.Size()
	i = c.convert(i, TLong)
	if k, ok := i.(*Const); ok && k.V == 0 {
		return p
	}
	return &PtrAdd{node{p.Type().Unqual(), pos}, p, i, scale, sub}
}

func (c *checker) unary(e *syntax.Unary) Expr {
	switch e.Op {
	case syntax.INC, syntax.DEC:
		return c.incDec(e.X, e.Op, false, e.OpPos)
	case syntax.MUL:
		return c.deref(c.rvalue(e.X), e.OpPos)
	case syntax.AND:
		x := c.expr(e.X)
		switch x := x.(type) {
		case *FuncRef:
			return x
		case *Deref:
			if x.T.Kind != FuncKind {
				return c.retype(x.Addr, PointerTo(x.T))
			}
			return x.Addr
		case *VarRef, *Member, *StrRef:
			if r, ok := x.(*VarRef); ok {
				r.Var.addressed = true
			}
			if isLvalue(x) {
				return &AddrOf{node{PointerTo(x.Type()), e.OpPos}, x}
			}
		}
		c.errorf(e.OpPos, "lvalue required as unary '&' operand")
		return &Const{node{TVoidPtr, e.OpPos}, 0}
	case syntax.NOT:
		x := c.scalar(e.X, "operand of '!'")
		return c.fold(&Unary{node{TInt, e.OpPos}, OpNot, x})
	}
	x := c.rvalue(e.X)
	if !x.Type().IsInteger() {
		c.errorf(e.OpPos, "wrong type argument to unary '%s' (have '%s')", e.Op, x.Type())
		return c.bad(e.OpPos)
	}
	t := promote(x.Type())
	x = c.convert(x, t)
	switch e.Op {
	case syntax.ADD:
		return x
	case syntax.SUB:
		return c.fold(&Unary{node{t, e.OpPos}, OpNeg, x})
	case syntax.TILDE:
		return c.fold(&Unary{node{t, e.OpPos}, OpBitNot, x})
	}
	panic("check: unknown unary operator")
}

// retype gives x the type t (a pointer conversion that changes nothing).
func (c *checker) retype(x Expr, t *Type) Expr {
	if Same(x.Type(), t) {
		return x
	}
	return &Convert{node{t, x.Pos()}, x}
}

// fold evaluates operators on constants at compile time.
func (c *checker) fold(x Expr) Expr {
	switch x := x.(type) {
	case *Unary:
		if k, ok := x.X.(*Const); ok {
			return &Const{node{x.T, x.P}, UnaryArith(x.Op, k.T, k.V)}
		}
	case *Binary:
		kx, ok1 := x.X.(*Const)
		ky, ok2 := x.Y.(*Const)
		if ok1 && ok2 {
			t := x.T
			if x.Op.IsCompare() {
				t = kx.T
			}
			if x.Op == OpShl || x.Op == OpShr {
				if ky.V >= uint64(t.Size()*8) {
					c.warnf(x.P, "shift count >= width of type")
				}
			}
			if v, ok := Arith(x.Op, t, kx.V, ky.V); ok {
				return &Const{node{x.T, x.P}, v}
			}
			if x.Op == OpDiv || x.Op == OpRem {
				c.warnf(x.P, "division by zero")
			}
		}
	}
	return x
}

var binOps = map[syntax.Kind]Op{
	syntax.ADD: OpAdd, syntax.SUB: OpSub, syntax.MUL: OpMul, syntax.QUO: OpDiv,
	syntax.REM: OpRem, syntax.AND: OpAnd, syntax.OR: OpOr, syntax.XOR: OpXor,
	syntax.SHL: OpShl, syntax.SHR: OpShr, syntax.EQL: OpEq, syntax.NEQ: OpNe,
	syntax.LSS: OpLt, syntax.GTR: OpGt, syntax.LEQ: OpLe, syntax.GEQ: OpGe,
}

func (c *checker) binary(e *syntax.Binary) Expr {
	switch e.Op {
	case syntax.COMMA:
		x := c.rvalueOrVoid(e.X)
		y := c.rvalueOrVoid(e.Y)
		return &Comma{node{y.Type(), e.OpPos}, x, y}
	case syntax.LAND, syntax.LOR:
		x := c.scalar(e.X, "operand of '"+e.Op.String()+"'")
		y := c.scalar(e.Y, "operand of '"+e.Op.String()+"'")
		if kx, ok := x.(*Const); ok {
			if ky, ok := y.(*Const); ok {
				a, b := kx.V != 0, ky.V != 0
				r := a && b
				if e.Op == syntax.LOR {
					r = a || b
				}
				v := uint64(0)
				if r {
					v = 1
				}
				return &Const{node{TInt, e.OpPos}, v}
			}
		}
		return &Logical{node{TInt, e.OpPos}, e.Op == syntax.LAND, x, y}
	}
	x, y := c.rvalue(e.X), c.rvalue(e.Y)
	return c.arith(binOps[e.Op], e.Op, x, y, e.OpPos)
}

// arith checks a binary arithmetic, bitwise, shift or comparison
// operator on checked operands.
func (c *checker) arith(op Op, tok syntax.Kind, x, y Expr, pos syntax.Pos) Expr {
	xt, yt := x.Type(), y.Type()
	bad := func() Expr {
		c.errorf(pos, "invalid operands to binary '%s' (have '%s' and '%s')", tok, xt, yt)
		return c.bad(pos)
	}
	switch op {
	case OpAdd:
		if xt.Kind == Pointer && yt.IsInteger() {
			return c.ptrAdd(x, y, false, pos)
		}
		if xt.IsInteger() && yt.Kind == Pointer {
			return c.ptrAdd(y, x, false, pos)
		}
	case OpSub:
		if xt.Kind == Pointer && yt.IsInteger() {
			return c.ptrAdd(x, y, true, pos)
		}
		if xt.Kind == Pointer && yt.Kind == Pointer {
			if !same(xt.Elem.Unqual(), yt.Elem.Unqual(), false) {
				c.errorf(pos, "invalid operands to binary '-' (have '%s' and '%s')", xt, yt)
			}
			scale := xt.Elem.Size()
			if scale == 0 {
				scale = 1
			}
			return &PtrDiff{node{TLong, pos}, x, y, scale}
		}
	case OpEq, OpNe, OpLt, OpGt, OpLe, OpGe:
		if xt.Kind == Pointer || yt.Kind == Pointer {
			switch {
			case xt.Kind == Pointer && yt.Kind == Pointer:
				if xt.Elem.Kind != Void && yt.Elem.Kind != Void && !same(xt.Elem.Unqual(), yt.Elem.Unqual(), false) {
					c.warnf(pos, "comparison of distinct pointer types ('%s' and '%s')", xt, yt)
				}
			case xt.Kind == Pointer && yt.IsInteger():
				if !isNullConst(y) {
					c.warnf(pos, "comparison between pointer and integer")
				}
				y = c.convert(y, TULong)
			case yt.Kind == Pointer && xt.IsInteger():
				if !isNullConst(x) {
					c.warnf(pos, "comparison between pointer and integer")
				}
				x = c.convert(x, TULong)
			default:
				return bad()
			}
			x, y = c.convert(x, TULong), c.convert(y, TULong)
			return c.fold(&Binary{node{TInt, pos}, op, x, y})
		}
	}
	if !xt.IsInteger() || !yt.IsInteger() {
		return bad()
	}
	if op == OpShl || op == OpShr {
		t := promote(xt)
		x = c.convert(x, t)
		y = c.convert(y, promote(yt))
		if k, ok := y.(*Const); ok && (int64(k.V) < 0 && yt.IsSigned()) {
			c.warnf(pos, "shift count is negative")
		}
		return c.fold(&Binary{node{t, pos}, op, x, y})
	}
	t := usual(xt, yt)
	x, y = c.convert(x, t), c.convert(y, t)
	rt := t
	if op.IsCompare() {
		rt = TInt
	}
	return c.fold(&Binary{node{rt, pos}, op, x, y})
}

// modifiable checks that x can be assigned to.
func (c *checker) modifiable(x Expr, pos syntax.Pos, what string) bool {
	if !isLvalue(x) {
		c.errorf(pos, "lvalue required as %s", what)
		return false
	}
	t := x.Type()
	switch {
	case t.Kind == Array:
		c.errorf(pos, "assignment to an expression with array type")
		return false
	case t.Const:
		if v, ok := x.(*VarRef); ok {
			c.errorf(pos, "assignment of read-only variable '%s'", v.Var.Name)
		} else {
			c.errorf(pos, "assignment of read-only location")
		}
		return false
	case t.Kind == Struct && hasConstField(t):
		c.errorf(pos, "assignment of a struct with a const member")
		return false
	case t.Kind == FuncKind || t.Kind == Void:
		c.errorf(pos, "lvalue required as %s", what)
		return false
	}
	return true
}

func hasConstField(t *Type) bool {
	for _, f := range t.Rec.Fields {
		if f.Type.Const || f.Type.Kind == Struct && hasConstField(f.Type) {
			return true
		}
	}
	return false
}

func (c *checker) assign(e *syntax.Assign) Expr {
	l := c.expr(e.LHS)
	if !c.modifiable(l, e.OpPos, "left operand of assignment") {
		c.rvalue(e.RHS)
		return c.bad(e.OpPos)
	}
	lt := l.Type().Unqual()
	if e.Op == syntax.ASSIGN {
		r := c.assignConv(c.rvalue(e.RHS), lt, "assignment", e.OpPos)
		return &Assign{node{lt, e.OpPos}, l, r}
	}
	op := binOps[e.Op.AssignOp()]
	r := c.rvalue(e.RHS)
	rt := r.Type()
	if lt.Kind == Pointer && (op == OpAdd || op == OpSub) && rt.IsInteger() {
		scale := lt.Elem.Size()
		return &OpAssign{node{lt, e.OpPos}, op, l, c.convert(r, TLong), lt, scale}
	}
	if !lt.IsInteger() || !rt.IsInteger() {
		c.errorf(e.OpPos, "invalid operands to '%s' (have '%s' and '%s')", e.Op, lt, rt)
		return c.bad(e.OpPos)
	}
	if op == OpShl || op == OpShr {
		ot := promote(lt)
		return &OpAssign{node{lt, e.OpPos}, op, l, c.convert(r, promote(rt)), ot, 0}
	}
	ot := usual(lt, rt)
	return &OpAssign{node{lt, e.OpPos}, op, l, c.convert(r, ot), ot, 0}
}

func (c *checker) incDec(xe syntax.Expr, op syntax.Kind, post bool, pos syntax.Pos) Expr {
	l := c.expr(xe)
	what := "increment operand"
	if op == syntax.DEC {
		what = "decrement operand"
	}
	if !c.modifiable(l, pos, what) {
		return c.bad(pos)
	}
	t := l.Type().Unqual()
	delta := int64(1)
	switch {
	case t.Kind == Pointer:
		delta = t.Elem.Size()
	case t.IsInteger():
	default:
		c.errorf(pos, "wrong type argument to %s", what)
		return c.bad(pos)
	}
	if op == syntax.DEC {
		delta = -delta
	}
	return &IncDec{node{t, pos}, l, delta, post}
}

func (c *checker) condExpr(e *syntax.Cond) Expr {
	cond := c.scalar(e.C, "condition of '?:'")
	x, y := c.rvalueOrVoid(e.X), c.rvalueOrVoid(e.Y)
	xt, yt := x.Type(), y.Type()
	pos := e.C.Pos()
	var t *Type
	switch {
	case xt.IsInteger() && yt.IsInteger():
		t = usual(xt, yt)
		x, y = c.convert(x, t), c.convert(y, t)
	case xt.Kind == Void && yt.Kind == Void:
		t = TVoid
	case xt.Kind == Pointer && yt.Kind == Pointer:
		t = xt.Unqual()
		if xt.Elem.Kind == Void {
			t = xt.Unqual()
		} else if yt.Elem.Kind == Void {
			t = yt.Unqual()
		} else if !same(xt.Elem.Unqual(), yt.Elem.Unqual(), false) {
			c.warnf(pos, "pointer type mismatch in conditional expression")
		}
		x, y = c.convert(x, t), c.convert(y, t)
	case xt.Kind == Pointer && isNullConst(y):
		t = xt.Unqual()
		y = &Const{node{t, y.Pos()}, 0}
	case yt.Kind == Pointer && isNullConst(x):
		t = yt.Unqual()
		x = &Const{node{t, x.Pos()}, 0}
	case xt.Kind == Struct && yt.Kind == Struct && xt.Rec == yt.Rec:
		t = xt
	default:
		c.errorf(pos, "type mismatch in conditional expression ('%s' and '%s')", xt, yt)
		return c.bad(pos)
	}
	if k, ok := cond.(*Const); ok && t.Kind != Struct {
		if _, ok := x.(*Const); ok {
			if _, ok := y.(*Const); ok {
				if k.V != 0 {
					return x
				}
				return y
			}
		}
	}
	return &CondExpr{node{t, pos}, cond, x, y}
}

func (c *checker) call(e *syntax.Call) Expr {
	if id, ok := e.Fn.(*syntax.Ident); ok && c.sc.lookup(id.Name) == nil {
		hint := ""
		if c.conf.Hint != nil {
			hint = c.conf.Hint(id.Name)
		}
		if hint == "" {
			hint = "declare it, or include the header that declares it"
		}
		c.errorHint(id.NamePos, hint, "implicit declaration of function '%s'", id.Name)
		for _, a := range e.Args {
			c.rvalueOrVoid(a)
		}
		return c.bad(id.NamePos)
	}
	fn := c.rvalue(e.Fn)
	ft := fn.Type()
	if !ft.IsFuncPtr() {
		c.errorf(e.Lparen, "called object is not a function or function pointer (it has type '%s')", ft)
		return c.bad(e.Lparen)
	}
	sig := ft.Elem.Sig
	name := "the function"
	var direct *Func
	if f, ok := fn.(*FuncRef); ok {
		direct = f.Func
		name = "'" + f.Func.Name + "'"
	}
	call := &Call{node: node{sig.Result.Unqual(), e.Lparen}, Fn: fn, Direct: direct, NFixed: len(sig.Params)}
	if res := sig.Result; res.Kind == Struct {
		switch {
		case !res.IsComplete():
			c.errorf(e.Lparen, "calling %s with the incomplete return type '%s'", name, res)
		case c.fn != nil && c.unevaluated == 0:
			call.Tmp = &Var{Name: "<result of " + name + ">", Type: call.T, Pos: e.Lparen, File: c.file, Defined: true}
			c.temps = append(c.temps, call.Tmp)
		}
	}
	if !sig.NoProto {
		if len(e.Args) < len(sig.Params) {
			c.errorf(e.Lparen, "too few arguments to %s (expected %d, have %d)", name, len(sig.Params), len(e.Args))
		} else if len(e.Args) > len(sig.Params) && !sig.Variadic {
			c.errorf(e.Lparen, "too many arguments to %s (expected %d, have %d)", name, len(sig.Params), len(e.Args))
		}
	}
	for i, a := range e.Args {
		x := c.rvalue(a)
		if i < len(sig.Params) && !sig.NoProto {
			x = c.assignConv(x, sig.Params[i], "passing argument "+itoa(i+1)+" of "+name, a.Pos())
		} else {
			switch {
			case x.Type().IsInteger():
				x = c.convert(x, promote(x.Type()))
			case x.Type().Kind == Pointer:
			default:
				c.errorf(a.Pos(), "passing a '%s' to a variadic or unprototyped function is not supported in mmplay", x.Type())
			}
		}
		call.Args = append(call.Args, x)
	}
	if sig.NoProto {
		call.NFixed = len(call.Args)
	}
	if direct != nil {
		c.notePLTCall(direct, call.Args)
	}
	return call
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func (c *checker) selector(e *syntax.Selector) Expr {
	var base Expr
	if e.Arrow {
		p := c.rvalue(e.X)
		if p.Type().Kind != Pointer || p.Type().Elem.Kind != Struct {
			c.errorf(e.NamePos, "invalid type argument of '->' (have '%s')", p.Type())
			return c.bad(e.NamePos)
		}
		base = c.deref(p, e.NamePos)
	} else {
		base = c.expr(e.X)
		if base.Type().Kind != Struct {
			c.errorf(e.NamePos, "request for member '%s' in something not a structure or union", e.Name)
			return c.bad(e.NamePos)
		}
	}
	st := base.Type()
	if !st.Rec.Complete {
		c.errorf(e.NamePos, "dereferencing pointer to incomplete type '%s'", st)
		return c.bad(e.NamePos)
	}
	f, off, ok := findField(st.Rec, e.Name)
	if !ok {
		c.errorf(e.NamePos, "'%s' has no member named '%s'", st, e.Name)
		return c.bad(e.NamePos)
	}
	ft := f.Type
	if st.Const && !ft.Const {
		ft = withConst(ft)
	}
	if m, ok := base.(*Member); ok {
		return &Member{node{ft, e.NamePos}, m.X, m.Offset + off}
	}
	return &Member{node{ft, e.NamePos}, base, off}
}

// findField looks a member up, descending into anonymous members.
func findField(r *Record, name string) (Field, int64, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f, f.Offset, true
		}
		if f.Name == "" && f.Type.Kind == Struct {
			if g, off, ok := findField(f.Type.Rec, name); ok {
				return g, f.Offset + off, true
			}
		}
	}
	return Field{}, 0, false
}

func (c *checker) cast(e *syntax.Cast) Expr {
	t := c.resolveType(e.Type.Type)
	x := c.rvalueOrVoid(e.X)
	if t.Kind == Void {
		return &Convert{node{TVoid, e.Lparen}, x}
	}
	xt := x.Type()
	if !t.IsScalar() {
		c.errorf(e.Lparen, "cast to '%s': only scalar types (integers and pointers) can be cast", t)
		return c.bad(e.Lparen)
	}
	if !xt.IsScalar() {
		c.errorf(e.Lparen, "cannot cast a '%s' to '%s'", xt, t)
		return c.bad(e.Lparen)
	}
	t = t.Unqual()
	if k, ok := x.(*Const); ok {
		return &Const{node{t, e.Lparen}, Normalize(t, k.V)}
	}
	if Same(xt, t) && t.Kind != Bool {
		return x
	}
	return &Convert{node{t, e.Lparen}, x}
}

// Bad stands for an expression that already has an error; it is an
// lvalue of type int so that one mistake gives one message.
type Bad struct{ node }

func (c *checker) bad(pos syntax.Pos) Expr { return &Bad{node{TInt, pos}} }
