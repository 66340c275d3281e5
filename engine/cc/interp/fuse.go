package interp

import (
	"mmplay/engine/cc/check"
	"mmplay/engine/cc/syntax"
)

// Fused closures ("superinstructions") for the commonest shapes of C on
// scalar locals x, z and constants k:
//
//	x          a local's value
//	x cmp y    a condition (y a local or a constant)
//	x ± y      a value
//	x = y;  x += y;  x -= y;  x++;  x--;   statements (y: a local, a
//	           constant or any expression); x op= y for * & | ^ too
//	for (…; x cmp y; x ± y) body   the loop tests its condition and runs
//	           its third clause itself: per iteration it calls only body
//
// Each reaches its locals through the frame cache's window (frame.go)
// with no call and, on the fast path, almost no branch: the operand's
// class is applied by shifts, a constant operand is chosen with a
// conditional move, a comparison is a table lookup. Under Go's wasm port
// that is what makes the difference (a closure call costs about 20 ns
// there, a taken branch goes through the function's dispatch table);
// natively it is a smaller gain.
//
// A fused closure computes exactly what the general closures compute
// (the same widening and narrowing, the same order of evaluation, the
// same Memory path when the frame cache cannot serve), so the choice is
// invisible: TestFusedMatchesGeneral runs programs both ways. The price
// is the code below, which spells each shape out; the fast paths are
// written inline because the Go compiler inlines only small functions.

// local is a scalar local the frame cache can serve: at fp-off, of class
// cl; sh and signed widen its 8-byte window (see value), mask selects its
// bytes in it.
type local struct {
	off   uint64
	cl    lclass
	sh    uint64 // 64 - 8*size
	smask uint64 // all ones for a signed type
	mask  uint64 // the low size bytes
}

func newLocal(off uint64, cl lclass) local {
	n := classSize[cl]
	l := local{off: off, cl: cl, sh: 64 - 8*n, mask: ^uint64(0) >> (64 - 8*n)}
	if cl == l32s || cl == l16s || cl == l8s {
		l.smask = ^uint64(0)
	}
	return l
}

// value widens a local's window as widen(cl, …) does, without a branch:
// the window shifted up, then down, arithmetically where smask is set.
func (l *local) value(w uint64) uint64 {
	sh := l.sh & 63
	v := w << sh
	u, s := v>>sh, uint64(int64(v)>>sh)
	return u ^ (u^s)&l.smask
}

// merge returns the window w with the local's bytes replaced by v's.
func (l *local) merge(w, v uint64) uint64 { return w&^l.mask | v&l.mask }

// get and set are the local's slow paths (loadLocal, storeLocal).
func (l *local) get(t *Thread) uint64 {
	return widen(l.cl, t.loadLocal(l.off, int(classSize[l.cl])))
}

func (l *local) set(t *Thread, v uint64) { t.storeLocal(l.off, int(classSize[l.cl]), v) }

// frameLocal reports whether x is a scalar local variable of the frame
// (size ≤ off ≤ frame size: it lies in [fp-frameSize, fp)). The fast
// paths need nothing more: window admits only offsets whose 8-byte
// window lies in the cached page.
func (c *compiler) frameLocal(x check.Expr) (local, bool) {
	v, ok := x.(*check.VarRef)
	if !ok || v.Var.Global || !v.Var.Type.IsScalar() || c.noFuse {
		return local{}, false
	}
	cl, n := classOf(v.Var.Type)
	off := uint64(v.Var.Offset)
	if off < uint64(n) || off > c.fn.frameSize {
		return local{}, false
	}
	return newLocal(off, cl), true
}

// operand is a fused closure's second operand: a frame local, or (konst)
// the constant k. A constant's window is read at the first operand's
// offset (so the window test covers it) and then masked out (vmask 0).
type operand struct {
	local
	konst bool
	k     uint64 // 0 for a local
	vmask uint64 // all ones for a local, 0 for a constant
}

// operand recognizes a constant, or a frame local possibly under a
// conversion to a 64-bit scalar type (which leaves its widened value as
// it is, see convert). at is the first operand, for a constant.
func (c *compiler) operand(x check.Expr, at local) (operand, bool) {
	if c.noFuse {
		return operand{}, false
	}
	if k, ok := x.(*check.Const); ok {
		return operand{local: at, konst: true, k: k.V}, true
	}
	if cv, ok := x.(*check.Convert); ok && cv.T.IsScalar() && cv.T.Size() == 8 && cv.X.Type().IsScalar() {
		x = cv.X
	}
	if l, ok := c.frameLocal(x); ok {
		return operand{local: l, vmask: ^uint64(0)}, true
	}
	return operand{}, false
}

// value is the operand's value from its window.
func (o *operand) value(w uint64) uint64 { return o.local.value(w)&o.vmask | o.k }

func (o *operand) get(t *Thread) uint64 {
	if o.konst {
		return o.k
	}
	return o.local.get(t)
}

// ---- loads ----

// fusedLoad reads a frame local.
func fusedLoad(l local) evalFn {
	return func(t *Thread) uint64 {
		if q, fo, bad := t.window(l.off); bad == 0 {
			return l.value(ld8(q, fo-l.off))
		}
		return l.get(t)
	}
}

// operands recognizes the operands of a fused binary operation: x a
// frame local (possibly converted, as operand allows), y an operand.
func (c *compiler) operands(b *check.Binary) (local, operand, bool) {
	x, ok := c.operand(b.X, local{})
	if !ok || x.konst {
		return local{}, operand{}, false
	}
	y, ok := c.operand(b.Y, x.local)
	return x.local, y, ok
}

// ---- comparisons ----

// comparison is "x cmp y": x a frame local, y an operand. The result is
// bit idx of mask, where idx is 0, 1 or 2 as x <, = or > y (after
// flipping both sign bits for a signed comparison, which orders signed
// values as unsigned ones).
type comparison struct {
	x    local
	y    operand
	flip uint64
	mask uint64
	hi   uint64 // the window test's offset: the larger one
}

// cmpMasks: for each comparison, the bits of the outcomes <, =, > that
// make it true.
var cmpMasks = [...]uint64{check.OpEq: 0b010, check.OpNe: 0b101, check.OpLt: 0b001,
	check.OpGt: 0b100, check.OpLe: 0b011, check.OpGe: 0b110}

func (c *compiler) fusedComparison(b *check.Binary) (*comparison, bool) {
	if !b.Op.IsCompare() {
		return nil, false
	}
	x, y, ok := c.operands(b)
	if !ok {
		return nil, false
	}
	cmp := &comparison{x: x, y: y, mask: cmpMasks[b.Op]}
	if b.X.Type().IsSigned() {
		cmp.flip = 1 << 63
	}
	cmp.hi = max(x.off, y.off)
	return cmp, true
}

// holds evaluates the comparison on the widened values u and v.
func (cmp *comparison) holds(u, v uint64) bool {
	u, v = u^cmp.flip, v^cmp.flip
	var idx uint64
	if u >= v {
		idx = 1
	}
	if u > v {
		idx++
	}
	return cmp.mask>>(idx&63)&1 != 0
}

func (cmp *comparison) slow(t *Thread) bool {
	return cmp.holds(cmp.x.get(t), cmp.y.get(t))
}

// test counts the step of the statement at pos (an if, or a loop's test)
// and evaluates the comparison: one static call where the general form
// makes an indirect one, which costs more in wasm.
func (cmp *comparison) test(t *Thread, pos syntax.Pos) bool {
	if q, fo, bad := t.stepWindow(pos, cmp.hi); bad == 0 {
		return cmp.holds(cmp.x.value(ld8(q, fo-cmp.x.off)), cmp.y.value(ld8(q, fo-cmp.y.off)))
	}
	t.stepSlow()
	return cmp.slow(t)
}

// condition compiles a statement's condition: a fused comparison, or
// (cmp nil) a general condition.
func (c *compiler) condition(x check.Expr) (*comparison, condFn) {
	if b, ok := x.(*check.Binary); ok {
		if cmp, ok := c.fusedComparison(b); ok {
			return cmp, nil
		}
	}
	return nil, c.cond(x)
}

func (c *compiler) fusedCompare(b *check.Binary) (condFn, bool) {
	cmp, ok := c.fusedComparison(b)
	if !ok {
		return nil, false
	}
	return func(t *Thread) bool {
		if q, fo, bad := t.window(cmp.hi); bad == 0 {
			return cmp.holds(cmp.x.value(ld8(q, fo-cmp.x.off)), cmp.y.value(ld8(q, fo-cmp.y.off)))
		}
		return cmp.slow(t)
	}, true
}

// ---- arithmetic ----

// fusedSum compiles "x + y" and "x - y" with x a frame local (possibly
// converted, as operand allows) and y an operand: x + y·mul, widened to
// the result's class by r's shifts.
func (c *compiler) fusedSum(b *check.Binary) (evalFn, bool) {
	if b.Op != check.OpAdd && b.Op != check.OpSub {
		return nil, false
	}
	x, y, ok := c.operands(b)
	if !ok {
		return nil, false
	}
	mul := uint64(1)
	if b.Op == check.OpSub {
		mul = ^uint64(0)
	}
	cl, _ := classOf(b.T)
	r := newLocal(0, cl)
	hi := max(x.off, y.off)
	return func(t *Thread) uint64 {
		if q, fo, bad := t.window(hi); bad == 0 {
			return r.value(x.value(ld8(q, fo-x.off)) + y.value(ld8(q, fo-y.off))*mul)
		}
		return widen(cl, x.get(t)+y.get(t)*mul)
	}, true
}

// ---- updates ----

// update is "x = y", "x op= y", "x++" or "x--" on a frame local x. The
// new value is y for an assignment; narrow(cl, widen(ocl, widen(ocl, old)
// op y·scale)) for an op-assign; widen(cl, old + delta) for ++/--, which
// is the op-assign x += delta. For + and − only the low bytes of the sum
// matter and they do not depend on the widenings (the operation's type
// is at least as wide as x's), so the fast path computes old + y·mul;
// the other operators take arith. y is an operand or (yFn) any
// expression, evaluated first, as the general closures do.
type update struct {
	x      local
	y      operand // when yFn is nil; a constant k for ++/--
	yFn    evalFn
	assign bool
	op     check.Op // op-assign; OpAdd for ++/--
	ocl    lclass   // the operation's class
	amul   uint64   // =, + and −: the new value is old·amul + y·mul
	mul    uint64   // (amul 0, mul 1 for =; else 1 and ± the pointer scale)
	scale  uint64
	post   bool   // x++/x--: the expression's value is the old one
	hi     uint64 // the window test's offset
}

func (c *compiler) fusedUpdate(e check.Expr) (*update, bool) {
	var u update
	var y check.Expr
	switch e := e.(type) {
	case *check.Assign:
		x, ok := c.frameLocal(e.L)
		if !ok {
			return nil, false
		}
		u = update{x: x, assign: true}
		y = e.R
	case *check.OpAssign:
		x, ok := c.frameLocal(e.L)
		if !ok || !fastOp(e.Op) || x.cl == lbool {
			return nil, false
		}
		u = update{x: x, op: e.Op, scale: 1}
		u.ocl, _ = classOf(e.OpType)
		if e.Scale != 0 {
			u.scale, u.ocl = uint64(e.Scale), l64
		}
		y = e.R
	case *check.IncDec:
		x, ok := c.frameLocal(e.L)
		if !ok || x.cl == lbool {
			return nil, false
		}
		u = update{x: x, op: check.OpAdd, ocl: x.cl, scale: 1, post: e.Post,
			y: operand{local: x, konst: true, k: uint64(e.Delta)}}
	default:
		return nil, false
	}
	if y != nil {
		if o, ok := c.operand(y, u.x); ok {
			u.y = o
		} else {
			u.yFn = c.expr(y)
			u.y = operand{local: u.x, konst: true}
		}
	}
	switch {
	case u.assign:
		u.mul = 1
	case u.op == check.OpAdd:
		u.amul, u.mul = 1, u.scale
	case u.op == check.OpSub:
		u.amul, u.mul = 1, -u.scale
	}
	u.hi = max(u.x.off, u.y.off)
	return &u, true
}

// fastOp reports whether op is one update and arith compute inline (the
// others go through check.Arith, which may raise SIGFPE).
func fastOp(op check.Op) bool {
	switch op {
	case check.OpAdd, check.OpSub, check.OpMul, check.OpAnd, check.OpOr, check.OpXor:
		return true
	}
	return false
}

// arith computes x op y for a fastOp op (the caller widens the result).
func arith(op check.Op, x, y uint64) uint64 {
	switch op {
	case check.OpAdd:
		x += y
	case check.OpSub:
		x -= y
	case check.OpMul:
		x *= y
	case check.OpAnd:
		x &= y
	case check.OpOr:
		x |= y
	default:
		x ^= y
	}
	return x
}

// addsub reports whether the update's fast path is old + y·mul (or y).
func (u *update) addsub() bool { return u.assign || u.op == check.OpAdd || u.op == check.OpSub }

// next is the value stored, from the old value and y (general form).
func (u *update) next(old, y uint64) uint64 {
	if u.assign {
		return y
	}
	return narrow(u.x.cl, widen(u.ocl, arith(u.op, widen(u.ocl, old), y*u.scale)))
}

// slow performs the update through loadLocal and storeLocal, y already
// evaluated if yFn is set, and returns the expression's value.
func (u *update) slow(t *Thread, y uint64) uint64 {
	if u.yFn == nil {
		y = u.y.get(t)
	}
	if u.assign {
		u.x.set(t, y)
		return y
	}
	old := u.x.get(t)
	v := u.next(old, y)
	u.x.set(t, v)
	if u.post {
		return old
	}
	return v
}

// fusedUpdateExpr is an update whose value is used ("a[i++]", "x = y =
// 0"): the shape is rarer there, so it takes the shared slow path, which
// still reaches the locals through the frame cache.
func fusedUpdateExpr(u *update) evalFn {
	return func(t *Thread) uint64 {
		var y uint64
		if u.yFn != nil {
			y = u.yFn(t)
		}
		return u.slow(t, y)
	}
}

// inline reports whether the update runs inline in statement lists
// (Thread.run): + − = with an operand y.
func (u *update) inline() bool { return u.addsub() && u.yFn == nil }

// apply performs an inline update (no step): a for loop's third clause.
func (u *update) apply(t *Thread) {
	if q, fo, bad := t.window(u.hi); bad == 0 {
		u.put(q, fo, u.y.value(ld8(q, fo-u.y.off)))
		return
	}
	u.slow(t, 0)
}

// fusedUpdateStmt is an update as a statement ("s += i;").
func fusedUpdateStmt(u *update, pos syntax.Pos) stmtFn {
	if u.inline() {
		items := []item{{upd: u, pos: pos}}
		return func(t *Thread) ctrl { return t.run(items) }
	}
	if u.yFn != nil && u.addsub() {
		return func(t *Thread) ctrl {
			t.step(pos)
			y := u.yFn(t)
			if q, fo, bad := t.window(u.hi); bad == 0 {
				u.put(q, fo, y)
				return ctrlNext
			}
			u.slow(t, y)
			return ctrlNext
		}
	}
	return func(t *Thread) ctrl {
		t.step(pos)
		var y uint64
		if u.yFn != nil {
			y = u.yFn(t)
		}
		if q, fo, bad := t.window(u.hi); bad == 0 {
			o := fo - u.x.off
			w := ld8(q, o)
			if u.yFn == nil {
				y = u.y.value(ld8(q, fo-u.y.off))
			}
			st8(q, o, u.x.merge(w, u.next(u.x.value(w), y)))
			return ctrlNext
		}
		u.slow(t, y)
		return ctrlNext
	}
}

// ---- statement lists ----

// item is one statement of a list: an inline update (upd, at pos), or
// any other statement (fn).
type item struct {
	upd *update
	pos syntax.Pos
	fn  stmtFn
}

// list is a compiled statement list. one is set when the list is a
// single statement that is not an inline update: the list is then that
// statement's closure, called directly (Thread.exec), which saves a Go
// frame per level of snippet recursion (in wasm every Go frame is also
// one on the engine's native stack, which limits recursion: see
// platform_js.go).
type list struct {
	items []item
	one   stmtFn
}

// exec runs a list.
func (t *Thread) exec(l *list) ctrl {
	if l.one != nil {
		return l.one(t)
	}
	return t.run(l.items)
}

// compileList compiles a statement as a list (see seq).
func (c *compiler) compileList(s check.Stmt) *list {
	l := &list{items: c.seq(s)}
	if len(l.items) == 1 && l.items[0].fn != nil {
		l.one = l.items[0].fn
	}
	return l
}

// seq compiles a statement as a list of items: a block's statements
// (nested blocks flattened: they only scope names), or the statement
// alone.
func (c *compiler) seq(s check.Stmt) []item {
	var items []item
	var add func(check.Stmt)
	add = func(s check.Stmt) {
		switch s := s.(type) {
		case *check.Block:
			for _, st := range s.Stmts {
				add(st)
			}
			return
		case *check.ExprStmt:
			if u, ok := c.fusedUpdate(s.X); ok {
				if u.inline() {
					items = append(items, item{upd: u, pos: s.Pos()})
				} else {
					items = append(items, item{fn: fusedUpdateStmt(u, s.Pos())})
				}
				return
			}
		}
		items = append(items, item{fn: c.stmt(s)})
	}
	add(s)
	return items
}

// run executes a statement list: the inline updates here, with no call
// (their fast path has one branch), the others through their closures.
// Blocks, loop bodies and the branches of an if are lists, so a loop
// such as "for (i = 0; i < n; i++) s += i;" runs without a closure call
// per iteration.
func (t *Thread) run(items []item) ctrl {
	for i := range items {
		it := &items[i]
		u := it.upd
		if u == nil {
			if r := it.fn(t); r != ctrlNext {
				return r
			}
			continue
		}
		u.exec(t, it.pos)
	}
	return ctrlNext
}

// exec performs an inline update as the statement at pos.
func (u *update) exec(t *Thread, pos syntax.Pos) {
	if q, fo, bad := t.stepWindow(pos, u.hi); bad == 0 {
		u.put(q, fo, u.y.value(ld8(q, fo-u.y.off)))
		return
	}
	t.stepSlow()
	u.slow(t, 0)
}

// ---- loops ----

// fusedFor is a for loop whose condition is a fused comparison and whose
// third clause is absent or an inline update: an iteration of
// "for (i = 0; i < n; i++) body" tests and steps i itself and runs body
// as a list (run).
func (c *compiler) fusedFor(s *check.For) (stmtFn, bool) {
	b, ok := s.Cond.(*check.Binary)
	if !ok {
		return nil, false
	}
	cmp, ok := c.fusedComparison(b)
	if !ok {
		return nil, false
	}
	var upd *update
	if s.Post != nil {
		if upd, ok = c.fusedUpdate(s.Post); !ok || !upd.inline() {
			return nil, false
		}
	}
	pos := s.Pos()
	var init stmtFn
	if s.Init != nil {
		init = c.stmt(s.Init)
	}
	body := c.compileList(s.Body)
	var bu *update
	var bpos syntax.Pos
	if len(body.items) == 1 && body.items[0].upd != nil {
		bu, bpos = body.items[0].upd, body.items[0].pos
	}
	return func(t *Thread) ctrl {
		if init != nil {
			init(t)
		}
		for {
			var holds bool
			if q, fo, bad := t.stepWindow(pos, cmp.hi); bad == 0 {
				holds = cmp.holds(cmp.x.value(ld8(q, fo-cmp.x.off)), cmp.y.value(ld8(q, fo-cmp.y.off)))
			} else {
				t.stepSlow()
				holds = cmp.slow(t)
			}
			if !holds {
				return ctrlNext
			}
			if bu != nil {
				// the body is one inline update: run's work, without the call
				if q, fo, bad := t.stepWindow(bpos, bu.hi); bad == 0 {
					bu.put(q, fo, bu.y.value(ld8(q, fo-bu.y.off)))
				} else {
					t.stepSlow()
					bu.slow(t, 0)
				}
			} else if r := t.exec(body); r != ctrlNext && r != ctrlContinue {
				if r == ctrlBreak {
					return ctrlNext
				}
				return ctrlReturn
			}
			if u := upd; u != nil {
				if q, fo, bad := t.window(u.hi); bad == 0 {
					u.put(q, fo, u.y.value(ld8(q, fo-u.y.off)))
				} else {
					u.slow(t, 0)
				}
			}
		}
	}, true
}

// effect compiles an expression evaluated for its side effects only (a
// for loop's third clause), or nil for none.
func (c *compiler) effect(x check.Expr) stmtFn {
	if x == nil {
		return nil
	}
	if u, ok := c.fusedUpdate(x); ok && u.inline() {
		return func(t *Thread) ctrl { u.apply(t); return ctrlNext }
	}
	f := c.expr(x)
	return func(t *Thread) ctrl { f(t); return ctrlNext }
}

// put performs an inline update, y already read (y.value), on the frame
// page q (fp at fo); the caller has checked the window. For an
// assignment v is y: amul is 0, so w·amul + y·mul keeps only y·1.
func (u *update) put(q *page, fo, y uint64) {
	o := fo - u.x.off
	w := ld8(q, o)
	st8(q, o, u.x.merge(w, w*u.amul+y*u.mul))
}
