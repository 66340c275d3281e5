package interp

import (
	"mmplay/engine/arch"
	"mmplay/engine/cc/check"
)

// The checked tree becomes a tree of Go closures, one per node
// (yaegi's approach): a statement is a stmtFn that counts its step and
// runs; an expression is an evalFn returning its value widened to 64
// bits (check.Normalize's representation); a condition is a condFn.
// Addresses of globals, strings and functions are constants in the
// closures, so a Program is bound to one Layout.

type (
	evalFn  func(t *Thread) uint64
	condFn  func(t *Thread) bool
	storeFn func(t *Thread, v uint64)
	stmtFn  func(t *Thread) ctrl
)

// ctrl is how a statement ends.
type ctrl uint8

const (
	ctrlNext ctrl = iota
	ctrlBreak
	ctrlContinue
	ctrlReturn
)

type compiler struct {
	p  *Program
	fn *function
	// noFuse turns the fused closures of fuse.go off (Options.noFuse).
	noFuse bool
}

func compileFunc(p *Program, f *function) {
	c := &compiler{p: p, fn: f, noFuse: p.opts.noFuse}
	f.frameSize = uint64(f.f.FrameSize)
	f.sretOff = uint64(f.f.SretOffset)
	f.params = f.params[:0]
	for _, v := range f.f.Params {
		f.params = append(f.params, param{off: uint64(v.Offset), size: int(v.Type.Size()), struct_: v.Type.Kind == check.Struct})
	}
	f.body = c.compileList(f.f.Body)
}

// fpeSignal is SIGFPE with si_code FPE_INTDIV (asm-generic/siginfo.h:
// FPE_INTDIV 1), what Linux delivers for the #DE of idiv/div — both for
// a zero divisor and for INT_MIN / -1.
func fpeSignal() *arch.Signal {
	return &arch.Signal{Signo: arch.SIGFPE, Code: 1, Reason: "integer division by zero or overflow (idiv raised #DE)"}
}

// ---- loads and stores ----

// lclass is how a loaded value is widened.
type lclass uint8

const (
	l64 lclass = iota
	l32s
	l32u
	l16s
	l16u
	l8s
	l8u
	lbool
)

// classSize is the size in bytes of each class.
var classSize = [8]uint64{l64: 8, l32s: 4, l32u: 4, l16s: 2, l16u: 2, l8s: 1, l8u: 1, lbool: 1}

func classOf(t *check.Type) (lclass, int) {
	switch t.Kind {
	case check.Bool:
		return lbool, 1
	case check.Char, check.SChar:
		return l8s, 1
	case check.UChar:
		return l8u, 1
	case check.Short:
		return l16s, 2
	case check.UShort:
		return l16u, 2
	case check.Int:
		return l32s, 4
	case check.UInt:
		return l32u, 4
	}
	return l64, 8
}

// narrow converts a computed value to a type of class cl for storing:
// as widen, except that conversion to _Bool tests for non-zero.
func narrow(cl lclass, v uint64) uint64 {
	if cl == lbool {
		if v != 0 {
			return 1
		}
		return 0
	}
	return widen(cl, v)
}

func widen(cl lclass, v uint64) uint64 {
	switch cl {
	case l32s:
		return uint64(int64(int32(v)))
	case l32u:
		return uint64(uint32(v))
	case l16s:
		return uint64(int64(int16(v)))
	case l16u:
		return uint64(uint16(v))
	case l8s:
		return uint64(int64(int8(v)))
	case l8u:
		return uint64(uint8(v))
	case lbool:
		return uint64(uint8(v)) // a _Bool in memory holds 0 or 1
	}
	return v
}

// localOff reports whether lv is a local variable, and its offset below rbp.
func localOff(lv check.Expr) (uint64, bool) {
	if v, ok := lv.(*check.VarRef); ok && !v.Var.Global {
		return uint64(v.Var.Offset), true
	}
	return 0, false
}

// addr compiles the address of an lvalue.
func (c *compiler) addr(lv check.Expr) evalFn {
	switch x := lv.(type) {
	case *check.VarRef:
		if x.Var.Global {
			a := c.p.varAddr(x.Var)
			return func(*Thread) uint64 { return a }
		}
		off := uint64(x.Var.Offset)
		return func(t *Thread) uint64 { return t.fp - off }
	case *check.StrRef:
		a := c.p.strAddr(x.Str)
		return func(*Thread) uint64 { return a }
	case *check.Deref:
		return c.expr(x.Addr)
	case *check.Member:
		base := c.addr(x.X)
		off := uint64(x.Offset)
		if off == 0 {
			return base
		}
		if lo, ok := localOff(x.X); ok {
			d := lo - off
			return func(t *Thread) uint64 { return t.fp - d }
		}
		return func(t *Thread) uint64 { return base(t) + off }
	}
	if lv.Type().Kind == check.Struct {
		// a struct rvalue (a call's result in its hidden slot, a
		// conditional): its value is already the address of its bytes
		return c.expr(lv)
	}
	panic("interp: address of a non-lvalue")
}

// load compiles reading an lvalue's value (a struct's value is its address).
func (c *compiler) load(lv check.Expr) evalFn {
	ty := lv.Type()
	if ty.Kind == check.Struct || ty.Kind == check.Array {
		return c.addr(lv)
	}
	cl, size := classOf(ty)
	if l, ok := c.frameLocal(lv); ok {
		return fusedLoad(l)
	}
	if v, ok := lv.(*check.VarRef); ok && v.Var.Global {
		a := c.p.varAddr(v.Var)
		switch cl {
		case l64:
			return func(t *Thread) uint64 { return t.Mem.Load(a, 8) }
		case l32s:
			return func(t *Thread) uint64 { return uint64(int64(int32(t.Mem.Load(a, 4)))) }
		}
		return func(t *Thread) uint64 { return widen(cl, t.Mem.Load(a, size)) }
	}
	a := c.addr(lv)
	if cl == l64 {
		return func(t *Thread) uint64 { return t.Mem.Load(a(t), 8) }
	}
	return func(t *Thread) uint64 { return widen(cl, t.Mem.Load(a(t), size)) }
}

// store compiles writing a value to an lvalue (a struct value is the
// address of the bytes to copy).
func (c *compiler) store(lv check.Expr) storeFn {
	ty := lv.Type()
	if ty.Kind == check.Struct {
		a := c.addr(lv)
		n := uint64(ty.Size())
		return func(t *Thread, src uint64) { t.copyBytes(a(t), src, n) }
	}
	_, size := classOf(ty)
	if v, ok := lv.(*check.VarRef); ok && v.Var.Global {
		a := c.p.varAddr(v.Var)
		return func(t *Thread, v uint64) { t.Mem.Store(a, size, v) }
	}
	a := c.addr(lv)
	return func(t *Thread, v uint64) { t.Mem.Store(a(t), size, v) }
}

// ---- expressions ----

func (c *compiler) expr(x check.Expr) evalFn {
	switch x := x.(type) {
	case *check.Const:
		v := x.V
		return func(*Thread) uint64 { return v }
	case *check.VarRef, *check.Deref, *check.Member, *check.StrRef:
		return c.load(x)
	case *check.FuncRef:
		a := c.p.layout.TextBase + uint64(c.p.byName[x.Func.Name].slot)*TextSlot
		return func(*Thread) uint64 { return a }
	case *check.AddrOf:
		return c.addr(x.X)
	case *check.Convert:
		return c.convert(x)
	case *check.Unary:
		return c.unary(x)
	case *check.Binary:
		return c.binary(x)
	case *check.PtrAdd:
		return c.ptrAdd(x)
	case *check.PtrDiff:
		a, b := c.expr(x.X), c.expr(x.Y)
		scale := x.Scale
		return func(t *Thread) uint64 { return uint64(int64(a(t)-b(t)) / scale) }
	case *check.Logical, *check.CondExpr:
		if l, ok := x.(*check.Logical); ok {
			cond := c.cond(l)
			return func(t *Thread) uint64 {
				if cond(t) {
					return 1
				}
				return 0
			}
		}
		ce := x.(*check.CondExpr)
		cond, a, b := c.cond(ce.C), c.expr(ce.X), c.expr(ce.Y)
		return func(t *Thread) uint64 {
			if cond(t) {
				return a(t)
			}
			return b(t)
		}
	case *check.Comma:
		a, b := c.expr(x.X), c.expr(x.Y)
		return func(t *Thread) uint64 { a(t); return b(t) }
	case *check.Assign:
		return c.assign(x)
	case *check.OpAssign:
		return c.opAssign(x)
	case *check.IncDec:
		return c.incDec(x)
	case *check.Call:
		return c.call(x)
	}
	panic("interp: unknown expression")
}

func (c *compiler) convert(x *check.Convert) evalFn {
	a := c.expr(x.X)
	to := x.T
	switch {
	case to.Kind == check.Void:
		return func(t *Thread) uint64 { a(t); return 0 }
	case to.Kind == check.Bool:
		return func(t *Thread) uint64 {
			if a(t) != 0 {
				return 1
			}
			return 0
		}
	case to.Size() == 8:
		return a // widened values are already the 64-bit conversion
	}
	cl, _ := classOf(to)
	return func(t *Thread) uint64 { return widen(cl, a(t)) }
}

func (c *compiler) unary(x *check.Unary) evalFn {
	if x.Op == check.OpNot {
		cond := c.cond(x.X)
		return func(t *Thread) uint64 {
			if cond(t) {
				return 0
			}
			return 1
		}
	}
	a := c.expr(x.X)
	cl, _ := classOf(x.T)
	if x.Op == check.OpNeg {
		return func(t *Thread) uint64 { return widen(cl, -a(t)) }
	}
	return func(t *Thread) uint64 { return widen(cl, ^a(t)) }
}

func (c *compiler) binary(x *check.Binary) evalFn {
	if f, ok := c.fusedSum(x); ok {
		return f
	}
	if x.Op.IsCompare() {
		cond := c.cond(x)
		return func(t *Thread) uint64 {
			if cond(t) {
				return 1
			}
			return 0
		}
	}
	a, b := c.expr(x.X), c.expr(x.Y)
	ty := x.T
	cl, _ := classOf(ty)
	k, bConst := x.Y.(*check.Const)
	switch x.Op {
	case check.OpAdd:
		if bConst {
			kv := k.V
			if cl == l64 {
				return func(t *Thread) uint64 { return a(t) + kv }
			}
			return func(t *Thread) uint64 { return widen(cl, a(t)+kv) }
		}
		if cl == l64 {
			return func(t *Thread) uint64 { return a(t) + b(t) }
		}
		return func(t *Thread) uint64 { return widen(cl, a(t)+b(t)) }
	case check.OpSub:
		if cl == l64 {
			return func(t *Thread) uint64 { return a(t) - b(t) }
		}
		return func(t *Thread) uint64 { return widen(cl, a(t)-b(t)) }
	case check.OpMul:
		return func(t *Thread) uint64 { return widen(cl, a(t)*b(t)) }
	case check.OpAnd:
		return func(t *Thread) uint64 { return a(t) & b(t) }
	case check.OpOr:
		return func(t *Thread) uint64 { return a(t) | b(t) }
	case check.OpXor:
		return func(t *Thread) uint64 { return a(t) ^ b(t) }
	}
	op := x.Op
	return func(t *Thread) uint64 {
		v, ok := check.Arith(op, ty, a(t), b(t))
		if !ok {
			panic(fpeSignal())
		}
		return v
	}
}

func (c *compiler) ptrAdd(x *check.PtrAdd) evalFn {
	p := c.expr(x.P)
	scale := uint64(x.Scale)
	if k, ok := x.I.(*check.Const); ok {
		d := k.V * scale
		if x.Sub {
			d = -d
		}
		return func(t *Thread) uint64 { return p(t) + d }
	}
	i := c.expr(x.I)
	if x.Sub {
		return func(t *Thread) uint64 { return p(t) - i(t)*scale }
	}
	return func(t *Thread) uint64 { return p(t) + i(t)*scale }
}

// cond compiles a scalar used as a truth value.
func (c *compiler) cond(x check.Expr) condFn {
	switch x := x.(type) {
	case *check.Const:
		v := x.V != 0
		return func(*Thread) bool { return v }
	case *check.Logical:
		a, b := c.cond(x.X), c.cond(x.Y)
		if x.And {
			return func(t *Thread) bool { return a(t) && b(t) }
		}
		return func(t *Thread) bool { return a(t) || b(t) }
	case *check.Unary:
		if x.Op == check.OpNot {
			a := c.cond(x.X)
			return func(t *Thread) bool { return !a(t) }
		}
	case *check.Binary:
		if x.Op.IsCompare() {
			return c.compare(x)
		}
	}
	a := c.expr(x)
	return func(t *Thread) bool { return a(t) != 0 }
}

func (c *compiler) compare(x *check.Binary) condFn {
	if f, ok := c.fusedCompare(x); ok {
		return f
	}
	a, b := c.expr(x.X), c.expr(x.Y)
	signed := x.X.Type().IsSigned()
	if k, ok := x.Y.(*check.Const); ok {
		kv := k.V
		ks := int64(kv)
		switch {
		case x.Op == check.OpEq:
			return func(t *Thread) bool { return a(t) == kv }
		case x.Op == check.OpNe:
			return func(t *Thread) bool { return a(t) != kv }
		case signed && x.Op == check.OpLt:
			return func(t *Thread) bool { return int64(a(t)) < ks }
		case signed && x.Op == check.OpLe:
			return func(t *Thread) bool { return int64(a(t)) <= ks }
		case signed && x.Op == check.OpGt:
			return func(t *Thread) bool { return int64(a(t)) > ks }
		case signed && x.Op == check.OpGe:
			return func(t *Thread) bool { return int64(a(t)) >= ks }
		case x.Op == check.OpLt:
			return func(t *Thread) bool { return a(t) < kv }
		case x.Op == check.OpLe:
			return func(t *Thread) bool { return a(t) <= kv }
		case x.Op == check.OpGt:
			return func(t *Thread) bool { return a(t) > kv }
		case x.Op == check.OpGe:
			return func(t *Thread) bool { return a(t) >= kv }
		}
	}
	switch {
	case x.Op == check.OpEq:
		return func(t *Thread) bool { return a(t) == b(t) }
	case x.Op == check.OpNe:
		return func(t *Thread) bool { return a(t) != b(t) }
	case signed && x.Op == check.OpLt:
		return func(t *Thread) bool { return int64(a(t)) < int64(b(t)) }
	case signed && x.Op == check.OpLe:
		return func(t *Thread) bool { return int64(a(t)) <= int64(b(t)) }
	case signed && x.Op == check.OpGt:
		return func(t *Thread) bool { return int64(a(t)) > int64(b(t)) }
	case signed && x.Op == check.OpGe:
		return func(t *Thread) bool { return int64(a(t)) >= int64(b(t)) }
	case x.Op == check.OpLt:
		return func(t *Thread) bool { return a(t) < b(t) }
	case x.Op == check.OpLe:
		return func(t *Thread) bool { return a(t) <= b(t) }
	case x.Op == check.OpGt:
		return func(t *Thread) bool { return a(t) > b(t) }
	}
	return func(t *Thread) bool { return a(t) >= b(t) }
}

func (c *compiler) assign(x *check.Assign) evalFn {
	if u, ok := c.fusedUpdate(x); ok {
		return fusedUpdateExpr(u)
	}
	r := c.expr(x.R)
	st := c.store(x.L)
	return func(t *Thread) uint64 {
		v := r(t)
		st(t, v)
		return v
	}
}

func (c *compiler) opAssign(x *check.OpAssign) evalFn {
	if u, ok := c.fusedUpdate(x); ok {
		return fusedUpdateExpr(u)
	}
	r := c.expr(x.R)
	a := c.addr(x.L)
	lcl, size := classOf(x.T)
	if x.Scale != 0 {
		scale := uint64(x.Scale)
		sub := x.Op == check.OpSub
		return func(t *Thread) uint64 {
			d := r(t) * scale
			p := a(t)
			v := t.Mem.Load(p, 8)
			if sub {
				v -= d
			} else {
				v += d
			}
			t.Mem.Store(p, 8, v)
			return v
		}
	}
	ot, op := x.OpType, x.Op
	ocl, _ := classOf(ot)
	return func(t *Thread) uint64 {
		d := r(t)
		p := a(t)
		old := widen(ocl, widen(lcl, t.Mem.Load(p, size)))
		v, ok := check.Arith(op, ot, old, d)
		if !ok {
			panic(fpeSignal())
		}
		v = narrow(lcl, v)
		t.Mem.Store(p, size, v)
		return v
	}
}

func (c *compiler) incDec(x *check.IncDec) evalFn {
	if u, ok := c.fusedUpdate(x); ok {
		return fusedUpdateExpr(u)
	}
	cl, size := classOf(x.T)
	d := uint64(x.Delta)
	post := x.Post
	a := c.addr(x.L)
	if x.T.Kind == check.Bool {
		// ++ on a _Bool sets it to 1; -- flips it (C11 6.5.2.4 via += 1 / -= 1)
		return func(t *Thread) uint64 {
			p := a(t)
			old := widen(cl, t.Mem.Load(p, size))
			v := uint64(0)
			if old+d != 0 {
				v = 1
			}
			t.Mem.Store(p, size, v)
			if post {
				return old
			}
			return v
		}
	}
	return func(t *Thread) uint64 {
		p := a(t)
		old := widen(cl, t.Mem.Load(p, size))
		v := widen(cl, old+d)
		t.Mem.Store(p, size, v)
		if post {
			return old
		}
		return v
	}
}

// call compiles a call. Arguments are evaluated right to left, as gcc
// does on x86-64 (it matters when two arguments have side effects, such
// as printf("%p %p", malloc(1), malloc(1))).
func (c *compiler) call(x *check.Call) evalFn {
	args := make([]evalFn, len(x.Args))
	for i, a := range x.Args {
		args[i] = c.expr(a)
	}
	n := len(args)
	if x.T.Kind == check.Struct {
		return c.structCall(x, args)
	}
	if x.Direct != nil {
		f := c.p.byName[x.Direct.Name]
		return func(t *Thread) uint64 {
			var buf [8]uint64
			var av []uint64
			if n <= len(buf) {
				av = buf[:n]
			} else {
				av = make([]uint64, n)
			}
			for i := n - 1; i >= 0; i-- {
				av[i] = args[i](t)
			}
			return t.call(f, av)
		}
	}
	fnv := c.expr(x.Fn)
	p := c.p
	return func(t *Thread) uint64 {
		var buf [8]uint64
		var av []uint64
		if n <= len(buf) {
			av = buf[:n]
		} else {
			av = make([]uint64, n)
		}
		for i := n - 1; i >= 0; i-- {
			av[i] = args[i](t)
		}
		addr := fnv(t)
		f := p.funcAt(addr)
		if f == nil {
			panic(badCall(addr))
		}
		return t.call(f, av)
	}
}

// structCall compiles a call of a function returning a struct, the way
// gcc -O0 does on x86-64: the caller passes the address of its hidden
// slot (check.Call.Tmp, in its own frame), the callee's return copies
// the value there, and the call's value is that address. (For 16 bytes
// or less the real callee returns the bytes in rax:rdx and the caller
// stores them into the slot; the memory afterwards is the same.)
func (c *compiler) structCall(x *check.Call, args []evalFn) evalFn {
	if x.Tmp == nil {
		panic("interp: a struct-returning call without its hidden slot")
	}
	off := uint64(x.Tmp.Offset)
	var direct *function
	if x.Direct != nil {
		direct = c.p.byName[x.Direct.Name]
	}
	var fnv evalFn
	if direct == nil {
		fnv = c.expr(x.Fn)
	}
	p := c.p
	n := len(args)
	return func(t *Thread) uint64 {
		av := make([]uint64, n)
		for i := n - 1; i >= 0; i-- {
			av[i] = args[i](t)
		}
		f := direct
		if f == nil {
			addr := fnv(t)
			if f = p.funcAt(addr); f == nil {
				panic(badCall(addr))
			}
		}
		tmp := t.fp - off
		t.nextSret = tmp
		t.call(f, av)
		return tmp
	}
}
