package syntax

func (p *parser) block() *Block {
	p.enter()
	defer p.leave()
	b := &Block{Lbrace: p.expect(LBRACE, "").Pos}
	p.pushScope()
	defer p.popScope()
	for p.tok.Kind != RBRACE {
		if p.tok.Kind == EOF {
			p.error("expected '}' before end of input")
		}
		b.Stmts = append(b.Stmts, p.stmt())
	}
	b.Rbrace = p.tok.Pos
	p.next()
	return b
}

func (p *parser) stmt() Stmt {
	p.enter()
	defer p.leave()
	t := p.tok
	if t.Kind == LBRACE {
		return p.block()
	}
	if t.Kind == SEMI {
		p.next()
		return &EmptyStmt{Semi: t.Pos}
	}
	if t.Kind == IDENT {
		switch t.Text {
		case "if":
			p.next()
			s := &IfStmt{IfPos: t.Pos}
			s.Cond = p.parenExpr("if")
			s.Then = p.stmt()
			if p.tok.Kind == IDENT && p.tok.Text == "else" {
				p.next()
				s.Else = p.stmt()
			}
			return s
		case "while":
			p.next()
			s := &WhileStmt{WhilePos: t.Pos}
			s.Cond = p.parenExpr("while")
			s.Body = p.stmt()
			return s
		case "do":
			p.next()
			s := &DoStmt{DoPos: t.Pos}
			s.Body = p.stmt()
			if p.tok.Kind != IDENT || p.tok.Text != "while" {
				p.error("expected 'while' after the body of 'do', found %s", describe(p.tok))
			}
			p.next()
			s.Cond = p.parenExpr("do-while")
			p.expect(SEMI, "after do-while")
			return s
		case "for":
			p.next()
			s := &ForStmt{ForPos: t.Pos}
			p.expect(LPAREN, "after 'for'")
			p.pushScope()
			defer p.popScope()
			if p.tok.Kind != SEMI {
				if p.isDeclStart(p.tok) {
					dp := p.tok.Pos
					s.Init = &DeclStmt{DeclPos: dp, Decls: p.declaration(false)}
				} else {
					s.Init = &ExprStmt{X: p.expr()}
					p.expect(SEMI, "in 'for'")
				}
			} else {
				p.next()
			}
			if p.tok.Kind != SEMI {
				s.Cond = p.expr()
			}
			p.expect(SEMI, "in 'for'")
			if p.tok.Kind != RPAREN {
				s.Post = p.expr()
			}
			p.expect(RPAREN, "to close 'for'")
			s.Body = p.stmt()
			return s
		case "return":
			p.next()
			s := &ReturnStmt{ReturnPos: t.Pos}
			if p.tok.Kind != SEMI {
				s.X = p.expr()
			}
			p.expect(SEMI, "after return")
			return s
		case "break":
			p.next()
			p.expect(SEMI, "after break")
			return &BreakStmt{BreakPos: t.Pos}
		case "continue":
			p.next()
			p.expect(SEMI, "after continue")
			return &ContinueStmt{ContinuePos: t.Pos}
		case "switch":
			p.next()
			s := &SwitchStmt{SwitchPos: t.Pos}
			s.Tag = p.parenExpr("switch")
			s.Body = p.stmt()
			return s
		case "case":
			p.next()
			s := &CaseStmt{CasePos: t.Pos}
			s.Value = p.condExpr()
			if p.tok.Kind == ELLIPSIS {
				p.error("case ranges (a ... b) are not supported in mmplay")
			}
			p.expect(COLON, "after the case value")
			s.Stmt = p.caseBody()
			return s
		case "default":
			p.next()
			p.expect(COLON, "after 'default'")
			return &CaseStmt{CasePos: t.Pos, Stmt: p.caseBody()}
		case "goto":
			p.error("goto is not supported in mmplay")
		case "else":
			p.error("'else' without a previous 'if'")
		}
		if p.peek(1).Kind == COLON && !keywords[t.Text] && !p.isTypedefName(t.Text) {
			p.error("labels are not supported in mmplay (there is no goto)")
		}
		if p.isDeclStart(t) {
			return &DeclStmt{DeclPos: t.Pos, Decls: p.declaration(false)}
		}
		if !keywords[t.Text] && p.peek(1).Kind == IDENT && !p.isTypeStart(p.peek(1)) {
			p.error("unknown type name '%s'", t.Text)
		}
		if !keywords[t.Text] && p.peek(1).Kind == MUL && p.peek(2).Kind == IDENT && p.peek(3).Kind == SEMI {
			// "foo *p;" where foo is not a type: most likely a missing typedef
			p.error("unknown type name '%s'", t.Text)
		}
	}
	s := &ExprStmt{X: p.expr()}
	if p.tok.Kind != SEMI {
		p.error("expected ';' after the expression, found %s", describe(p.tok))
	}
	p.next()
	return s
}

// caseBody is the statement a case label labels; "case 1: }" (a label
// at the end of a block) labels an empty statement.
func (p *parser) caseBody() Stmt {
	if p.tok.Kind == RBRACE {
		return &EmptyStmt{Semi: p.tok.Pos}
	}
	return p.stmt()
}

func (p *parser) parenExpr(ctx string) Expr {
	p.expect(LPAREN, "after '"+ctx+"'")
	x := p.expr()
	p.expect(RPAREN, "to close the '"+ctx+"' condition")
	return x
}

// ---- expressions ----

func (p *parser) expr() Expr {
	x := p.assignExpr()
	for p.tok.Kind == COMMA {
		op := p.tok
		p.next()
		x = &Binary{X: x, OpPos: op.Pos, Op: COMMA, Y: p.assignExpr()}
	}
	return x
}

func (p *parser) assignExpr() Expr {
	p.enter()
	defer p.leave()
	x := p.condExpr()
	if p.tok.Kind.IsAssign() {
		op := p.tok
		p.next()
		return &Assign{LHS: x, OpPos: op.Pos, Op: op.Kind, RHS: p.assignExpr()}
	}
	return x
}

func (p *parser) condExpr() Expr {
	p.enter()
	defer p.leave()
	c := p.binaryExpr(1)
	if p.tok.Kind != QUESTION {
		return c
	}
	p.next()
	x := p.expr()
	p.expect(COLON, "in the conditional expression")
	y := p.condExpr()
	return &Cond{C: c, X: x, Y: y}
}

var binPrec = [kindCount]int{
	LOR: 1, LAND: 2, OR: 3, XOR: 4, AND: 5, EQL: 6, NEQ: 6,
	LSS: 7, GTR: 7, LEQ: 7, GEQ: 7, SHL: 8, SHR: 8, ADD: 9, SUB: 9,
	MUL: 10, QUO: 10, REM: 10,
}

func (p *parser) binaryExpr(minPrec int) Expr {
	x := p.unaryExpr()
	for {
		op := p.tok
		prec := binPrec[op.Kind]
		if prec == 0 || prec < minPrec {
			return x
		}
		p.next()
		p.enter()
		y := p.binaryExpr(prec + 1)
		p.leave()
		x = &Binary{X: x, OpPos: op.Pos, Op: op.Kind, Y: y}
	}
}

func (p *parser) unaryExpr() Expr {
	p.enter()
	defer p.leave()
	t := p.tok
	switch t.Kind {
	case ADD, SUB, NOT, TILDE, MUL, AND, INC, DEC:
		p.next()
		return &Unary{OpPos: t.Pos, Op: t.Kind, X: p.unaryExpr()}
	case LPAREN:
		if p.isTypeStart(p.peek(1)) {
			p.next()
			tn := p.typeName()
			p.expect(RPAREN, "to close the cast")
			if p.tok.Kind == LBRACE {
				p.error("compound literals are not supported in mmplay")
			}
			return &Cast{Lparen: t.Pos, Type: tn, X: p.unaryExpr()}
		}
	case IDENT:
		switch t.Text {
		case "sizeof":
			p.next()
			if p.tok.Kind == LPAREN && p.isTypeStart(p.peek(1)) {
				p.next()
				tn := p.typeName()
				p.expect(RPAREN, "to close sizeof")
				return &SizeofType{SizeofPos: t.Pos, Type: tn}
			}
			return &SizeofExpr{SizeofPos: t.Pos, X: p.unaryExpr()}
		case "_Alignof", "__alignof__":
			p.error("_Alignof is not supported in mmplay")
		}
	}
	return p.postfixExpr(p.primaryExpr())
}

func (p *parser) postfixExpr(x Expr) Expr {
	for {
		t := p.tok
		switch t.Kind {
		case LBRACK:
			p.next()
			i := p.expr()
			p.expect(RBRACK, "to close the index")
			x = &Index{X: x, Lbrack: t.Pos, Index: i}
		case LPAREN:
			p.next()
			c := &Call{Fn: x, Lparen: t.Pos}
			for p.tok.Kind != RPAREN {
				c.Args = append(c.Args, p.assignExpr())
				if p.tok.Kind != COMMA {
					break
				}
				p.next()
			}
			p.expect(RPAREN, "to close the argument list")
			x = c
		case DOT, ARROW:
			p.next()
			if p.tok.Kind != IDENT {
				p.error("expected a field name after '%s', found %s", t.Kind, describe(p.tok))
			}
			x = &Selector{X: x, Arrow: t.Kind == ARROW, NamePos: p.tok.Pos, Name: p.tok.Text}
			p.next()
		case INC, DEC:
			p.next()
			x = &Postfix{X: x, OpPos: t.Pos, Op: t.Kind}
		default:
			return x
		}
	}
}

func (p *parser) primaryExpr() Expr {
	t := p.tok
	switch t.Kind {
	case IDENT:
		if keywords[t.Text] {
			if typeWords[t.Text] || t.Text == "struct" || t.Text == "union" || t.Text == "enum" {
				p.error("unexpected type name '%s': expected an expression", t.Text)
			}
			p.error("expected an expression, found %s", describe(t))
		}
		if p.isTypedefName(t.Text) {
			p.error("unexpected type name '%s': expected an expression", t.Text)
		}
		p.next()
		return &Ident{NamePos: t.Pos, Name: t.Text}
	case INT:
		p.next()
		v, info, overflow, err := ParseInt(t.Text)
		if err != "" {
			p.errorAt(t, "%s", err)
		}
		if overflow {
			p.errorAt(t, "integer constant %s is too large", t.Text)
		}
		return &IntLit{ValuePos: t.Pos, Raw: t.Text, Value: v, Info: info}
	case CHAR:
		p.next()
		v, err := ParseChar(t.Text)
		if err != "" {
			p.errorAt(t, "%s", err)
		}
		return &CharLit{ValuePos: t.Pos, Raw: t.Text, Value: v}
	case STRING:
		s := &StringLit{ValuePos: t.Pos}
		for p.tok.Kind == STRING {
			b, err := ParseString(p.tok.Text)
			if err != "" {
				p.error("%s", err)
			}
			s.Value = append(s.Value, b...)
			p.next()
		}
		return s
	case LPAREN:
		p.next()
		if p.tok.Kind == LBRACE {
			p.error("statement expressions ({ ... }) are not supported in mmplay")
		}
		x := p.expr()
		p.expect(RPAREN, "to close the parenthesis")
		return &Paren{Lparen: t.Pos, X: x}
	}
	p.error("expected an expression, found %s", describe(t))
	return nil
}
