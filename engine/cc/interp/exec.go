package interp

import (
	"sort"

	"mmplay/engine/cc/check"
)

// stmt compiles a statement. Every statement that executes counts one
// step before it runs, and so does every evaluation of a loop's
// condition (also an absent one: for(;;) steps once per iteration).
func (c *compiler) stmt(s check.Stmt) stmtFn {
	pos := s.Pos()
	switch s := s.(type) {
	case *check.Block:
		l := c.compileList(s)
		switch {
		case len(l.items) == 0:
			return func(*Thread) ctrl { return ctrlNext }
		case l.one != nil:
			return l.one
		}
		return func(t *Thread) ctrl { return t.run(l.items) }
	case *check.ExprStmt:
		if u, ok := c.fusedUpdate(s.X); ok {
			return fusedUpdateStmt(u, pos)
		}
		x := c.expr(s.X)
		return func(t *Thread) ctrl {
			t.step(pos)
			x(t)
			return ctrlNext
		}
	case *check.DeclStmt:
		return c.declStmt(s)
	case *check.Empty:
		return func(t *Thread) ctrl {
			t.step(pos)
			return ctrlNext
		}
	case *check.If:
		cmp, cond := c.condition(s.Cond)
		then, els := c.compileList(s.Then), &list{}
		if s.Else != nil {
			els = c.compileList(s.Else)
		}
		if cmp != nil {
			return func(t *Thread) ctrl {
				if cmp.test(t, pos) {
					return t.exec(then)
				}
				return t.exec(els)
			}
		}
		return func(t *Thread) ctrl {
			t.step(pos)
			if cond(t) {
				return t.exec(then)
			}
			return t.exec(els)
		}
	case *check.While:
		cmp, cond := c.condition(s.Cond)
		body := c.compileList(s.Body)
		return func(t *Thread) ctrl {
			for {
				var holds bool
				if cmp != nil {
					holds = cmp.test(t, pos)
				} else {
					t.step(pos)
					holds = cond(t)
				}
				if !holds {
					return ctrlNext
				}
				switch t.exec(body) {
				case ctrlBreak:
					return ctrlNext
				case ctrlReturn:
					return ctrlReturn
				}
			}
		}
	case *check.DoWhile:
		cmp, cond := c.condition(s.Cond)
		body := c.compileList(s.Body)
		cpos := s.Cond.Pos()
		return func(t *Thread) ctrl {
			for {
				switch t.exec(body) {
				case ctrlBreak:
					return ctrlNext
				case ctrlReturn:
					return ctrlReturn
				}
				var holds bool
				if cmp != nil {
					holds = cmp.test(t, cpos)
				} else {
					t.step(cpos)
					holds = cond(t)
				}
				if !holds {
					return ctrlNext
				}
			}
		}
	case *check.For:
		if f, ok := c.fusedFor(s); ok {
			return f
		}
		var init stmtFn
		if s.Init != nil {
			init = c.stmt(s.Init)
		}
		var cond condFn
		if s.Cond != nil {
			cond = c.cond(s.Cond)
		}
		post := c.effect(s.Post)
		body := c.compileList(s.Body)
		return func(t *Thread) ctrl {
			if init != nil {
				init(t)
			}
			for {
				t.step(pos)
				if cond != nil && !cond(t) {
					return ctrlNext
				}
				switch t.exec(body) {
				case ctrlBreak:
					return ctrlNext
				case ctrlReturn:
					return ctrlReturn
				}
				if post != nil {
					post(t)
				}
			}
		}
	case *check.Return:
		if s.X == nil {
			return func(t *Thread) ctrl {
				t.step(pos)
				return ctrlReturn
			}
		}
		x := c.expr(s.X)
		if rt := c.fn.f.Type.Sig.Result; rt.Kind == check.Struct {
			// copy the value to the caller's slot; rax holds its address
			n := uint64(rt.Size())
			return func(t *Thread) ctrl {
				t.step(pos)
				src := x(t)
				if t.sret != 0 { // 0: called with no slot (CallAddr, Run)
					t.copyBytes(t.sret, src, n)
				}
				t.ret = t.sret
				return ctrlReturn
			}
		}
		return func(t *Thread) ctrl {
			t.step(pos)
			t.ret = x(t)
			return ctrlReturn
		}
	case *check.Break:
		return func(t *Thread) ctrl {
			t.step(pos)
			return ctrlBreak
		}
	case *check.Continue:
		return func(t *Thread) ctrl {
			t.step(pos)
			return ctrlContinue
		}
	case *check.Switch:
		return c.switchStmt(s)
	}
	panic("interp: unknown statement")
}

func (c *compiler) switchStmt(s *check.Switch) stmtFn {
	pos := s.Pos()
	tag := c.expr(s.Tag)
	body := make([]stmtFn, len(s.Body))
	for i, st := range s.Body {
		body[i] = c.stmt(st)
	}
	cases := append([]check.Case(nil), s.Cases...)
	sort.Slice(cases, func(i, j int) bool { return cases[i].Value < cases[j].Value })
	def := s.Default
	return func(t *Thread) ctrl {
		t.step(pos)
		v := tag(t)
		start := def
		i := sort.Search(len(cases), func(i int) bool { return cases[i].Value >= v })
		if i < len(cases) && cases[i].Value == v {
			start = cases[i].Index
		}
		if start < 0 {
			return ctrlNext
		}
		for _, st := range body[start:] {
			switch st(t) {
			case ctrlBreak:
				return ctrlNext
			case ctrlContinue:
				return ctrlContinue
			case ctrlReturn:
				return ctrlReturn
			}
		}
		return ctrlNext
	}
}

// declStmt initializes a local: zero-fill when the initializer is a
// list or a string (C requires the rest to be zero), then the stores.
func (c *compiler) declStmt(s *check.DeclStmt) stmtFn {
	pos := s.Pos()
	off := uint64(s.Var.Offset)
	size := uint64(s.Var.Type.Size())
	zero := s.Init.Zero
	type item struct {
		off     uint64
		size    int
		val     evalFn
		bytes   []byte
		struct_ bool
	}
	items := make([]item, 0, len(s.Init.Items))
	for _, it := range s.Init.Items {
		i := item{off: off - uint64(it.Offset), bytes: it.Bytes}
		if it.Expr != nil {
			i.val = c.expr(it.Expr)
			i.struct_ = it.Expr.Type().Kind == check.Struct
			_, i.size = classOf(it.Expr.Type())
			if i.struct_ {
				i.size = int(it.Expr.Type().Size())
			}
		}
		items = append(items, i)
	}
	if !zero && len(items) == 1 && items[0].val != nil && !items[0].struct_ {
		it := items[0]
		return func(t *Thread) ctrl {
			t.step(pos)
			t.Mem.Store(t.fp-it.off, it.size, it.val(t))
			return ctrlNext
		}
	}
	return func(t *Thread) ctrl {
		t.step(pos)
		base := t.fp - off
		if zero {
			t.zeroBytes(base, size)
		}
		for _, it := range items {
			a := t.fp - it.off
			switch {
			case it.bytes != nil:
				t.Mem.WriteBytes(a, it.bytes)
			case it.struct_:
				t.copyBytes(a, it.val(t), uint64(it.size))
			default:
				t.Mem.Store(a, it.size, it.val(t))
			}
		}
		return ctrlNext
	}
}
