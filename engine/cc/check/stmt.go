package check

import "mmplay/engine/cc/syntax"

func (c *checker) blockIn(b *syntax.Block, newScope_ bool) *Block {
	if newScope_ {
		c.sc = newScope(c.sc)
		defer func() { c.sc = c.sc.parent }()
	}
	out := &Block{stmtPos: stmtPos{b.Lbrace}}
	for _, s := range b.Stmts {
		out.Stmts = c.appendStmt(out.Stmts, s)
	}
	return out
}

// appendStmt checks s and appends what it compiles to (a declaration
// may give zero or several statements).
func (c *checker) appendStmt(list []Stmt, s syntax.Stmt) []Stmt {
	if d, ok := s.(*syntax.DeclStmt); ok {
		for _, decl := range d.Decls {
			if st := c.localDecl(decl); st != nil {
				list = append(list, st)
			}
		}
		return list
	}
	return append(list, c.stmt(s))
}

func (c *checker) stmt(s syntax.Stmt) Stmt {
	inSwitch := c.inSwitch
	c.inSwitch = false
	defer func() { c.inSwitch = inSwitch }()
	switch s := s.(type) {
	case *syntax.Block:
		return c.blockIn(s, true)
	case *syntax.ExprStmt:
		return &ExprStmt{stmtPos{s.Pos()}, c.rvalueOrVoid(s.X)}
	case *syntax.DeclStmt:
		// a declaration as the body of if/while: its own scope
		c.sc = newScope(c.sc)
		defer func() { c.sc = c.sc.parent }()
		b := &Block{stmtPos: stmtPos{s.DeclPos}}
		b.Stmts = c.appendStmt(nil, s)
		return b
	case *syntax.EmptyStmt:
		return &Empty{stmtPos{s.Semi}}
	case *syntax.IfStmt:
		st := &If{stmtPos: stmtPos{s.IfPos}, Cond: c.cond(s.Cond, "if")}
		st.Then = c.stmt(s.Then)
		if s.Else != nil {
			st.Else = c.stmt(s.Else)
		}
		return st
	case *syntax.WhileStmt:
		st := &While{stmtPos: stmtPos{s.WhilePos}, Cond: c.cond(s.Cond, "while")}
		c.loops++
		st.Body = c.stmt(s.Body)
		c.loops--
		return st
	case *syntax.DoStmt:
		st := &DoWhile{stmtPos: stmtPos{s.DoPos}}
		c.loops++
		st.Body = c.stmt(s.Body)
		c.loops--
		st.Cond = c.cond(s.Cond, "do-while")
		return st
	case *syntax.ForStmt:
		c.sc = newScope(c.sc)
		defer func() { c.sc = c.sc.parent }()
		st := &For{stmtPos: stmtPos{s.ForPos}}
		if s.Init != nil {
			init := c.appendStmt(nil, s.Init)
			switch len(init) {
			case 0:
			case 1:
				st.Init = init[0]
			default:
				st.Init = &Block{stmtPos: stmtPos{s.Init.Pos()}, Stmts: init}
			}
		}
		if s.Cond != nil {
			st.Cond = c.cond(s.Cond, "for")
		}
		if s.Post != nil {
			st.Post = c.rvalueOrVoid(s.Post)
		}
		c.loops++
		st.Body = c.stmt(s.Body)
		c.loops--
		return st
	case *syntax.ReturnStmt:
		st := &Return{stmtPos: stmtPos{s.ReturnPos}}
		res := c.fn.Type.Sig.Result
		switch {
		case s.X == nil:
			if res.Kind != Void {
				c.warnf(s.ReturnPos, "'return' with no value, in function returning non-void")
			}
		case res.Kind == Void:
			x := c.rvalueOrVoid(s.X)
			if x.Type().Kind != Void {
				c.errorf(s.X.Pos(), "'return' with a value, in function returning void")
			}
			st.X = x
		default:
			st.X = c.assignConv(c.rvalue(s.X), res, "return", s.X.Pos())
		}
		return st
	case *syntax.BreakStmt:
		if c.loops == 0 && c.switches == 0 {
			c.errorf(s.BreakPos, "break statement not within a loop or switch")
		}
		return &Break{stmtPos{s.BreakPos}}
	case *syntax.ContinueStmt:
		if c.loops == 0 {
			c.errorf(s.ContinuePos, "continue statement not within a loop")
		}
		return &Continue{stmtPos{s.ContinuePos}}
	case *syntax.SwitchStmt:
		return c.switchStmt(s)
	case *syntax.CaseStmt:
		if c.switches == 0 {
			c.errorf(s.CasePos, "case label not within a switch statement")
		} else {
			c.errorf(s.CasePos, "case labels must be directly inside the switch's braces in mmplay")
		}
		return c.stmt(s.Stmt)
	}
	panic("check: unknown statement")
}

func (c *checker) switchStmt(s *syntax.SwitchStmt) Stmt {
	tag := c.rvalue(s.Tag)
	if !tag.Type().IsInteger() {
		c.errorf(s.Tag.Pos(), "switch quantity is not an integer")
		tag = &Const{node{TInt, s.Tag.Pos()}, 0}
	}
	tag = c.convert(tag, promote(tag.Type()))
	st := &Switch{stmtPos: stmtPos{s.SwitchPos}, Tag: tag, Default: -1}
	c.switches++
	defer func() { c.switches-- }()
	c.sc = newScope(c.sc)
	defer func() { c.sc = c.sc.parent }()
	var body []syntax.Stmt
	if b, ok := s.Body.(*syntax.Block); ok {
		body = b.Stmts
	} else {
		body = []syntax.Stmt{s.Body}
	}
	seen := map[uint64]syntax.Pos{}
	for _, x := range body {
		for {
			cs, ok := x.(*syntax.CaseStmt)
			if !ok {
				break
			}
			if cs.Value == nil {
				if st.Default >= 0 {
					c.errorf(cs.CasePos, "multiple default labels in one switch")
				}
				st.Default = len(st.Body)
			} else {
				v := c.rvalue(cs.Value)
				k, isConst := v.(*Const)
				if !isConst || !v.Type().IsInteger() {
					c.errorf(cs.Value.Pos(), "case label does not reduce to an integer constant")
				} else {
					val := Normalize(tag.Type(), k.V)
					if p, dup := seen[val]; dup {
						c.errorf(cs.Value.Pos(), "duplicate case value (previous at %s)", p)
					}
					seen[val] = cs.CasePos
					st.Cases = append(st.Cases, Case{Value: val, Index: len(st.Body)})
				}
			}
			x = cs.Stmt
		}
		if d, ok := x.(*syntax.DeclStmt); ok {
			st.Body = c.appendStmt(st.Body, d)
			continue
		}
		st.Body = append(st.Body, c.stmt(x))
	}
	return st
}

// localDecl declares a block-scope name; it returns the statement that
// initializes it, or nil.
func (c *checker) localDecl(d *syntax.Decl) Stmt {
	c.file = d.File
	if d.Name == "" {
		switch d.Type.(type) {
		case *syntax.StructType, *syntax.EnumType:
			c.resolveType(d.Type)
		default:
			c.warnf(d.Pos(), "declaration does not declare anything")
		}
		return nil
	}
	t := c.resolveType(d.Type)
	switch {
	case d.Storage == syntax.Typedef:
		c.typedef(d, t)
		return nil
	case t.Kind == FuncKind:
		f := c.declareFunc(d, t)
		if old := c.sc.names[d.Name]; old == nil && c.sc != c.global {
			c.sc.names[d.Name] = &entity{kind: entFunc, f: f, pos: d.NamePos}
		}
		return nil
	case d.Storage == syntax.Extern:
		e := c.global.names[d.Name]
		if e == nil || e.kind != entVar {
			c.errorf(d.NamePos, "block-scope extern declarations of new variables are not supported in mmplay; declare '%s' at file scope", d.Name)
			return nil
		}
		c.declare(d.Name, e)
		return nil
	case t.Kind == Void:
		c.errorf(d.NamePos, "variable '%s' declared void", d.Name)
		return nil
	case d.Storage == syntax.Static:
		v := &Var{Name: d.Name, Type: t, Pos: d.NamePos, File: d.File, Global: true, Defined: true}
		c.declare(d.Name, &entity{kind: entVar, v: v, pos: d.NamePos})
		c.prog.Globals = append(c.prog.Globals, v)
		if d.Init != nil {
			v.Init = c.initGlobal(v, d.Init)
		}
		return nil
	}
	if d.Init != nil && t.Kind == Array && t.Len < 0 {
		// the length comes from the initializer: size it before allocating
		n := c.initLength(t, d.Init)
		t = &Type{Kind: Array, Elem: t.Elem, Len: n, Const: t.Const}
	}
	if !t.IsComplete() {
		c.errorf(d.NamePos, "storage size of '%s' isn't known", d.Name)
		return nil
	}
	// the variable is in scope in its own initializer (C11 6.2.1p7)
	v := c.local(d.Name, t, d.NamePos)
	if d.Init == nil {
		return nil
	}
	v.Used = true // gcc keeps a slot for an initialized local
	in := &Init{}
	c.initObject(t, d.Init, 0, &in.Items, nil)
	if _, isList := d.Init.(*syntax.InitList); isList || t.Kind == Array {
		in.Zero = true
	}
	return &DeclStmt{stmtPos: stmtPos{d.NamePos}, Var: v, Init: in}
}
