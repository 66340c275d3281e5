package syntax

// The parse tree. Every node has the position of its first token (or of
// its operator, for binary expressions) — Pos() — so every later error
// and every executed statement can name its line and column.

// Node is any parse-tree node.
type Node interface{ Pos() Pos }

// ---- Expressions ----

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

type (
	// Ident is a name: a variable, function or enumerator.
	Ident struct {
		NamePos Pos
		Name    string
	}
	// IntLit is an integer literal; Value is its value modulo 2^64.
	IntLit struct {
		ValuePos Pos
		Raw      string
		Value    uint64
		Info     IntLitInfo
	}
	// CharLit is a character constant; Value is its int value.
	CharLit struct {
		ValuePos Pos
		Raw      string
		Value    int64
	}
	// StringLit is one or more adjacent string literals, concatenated.
	StringLit struct {
		ValuePos Pos
		Value    []byte // without the terminating NUL
	}
	// Unary is a prefix operator: - + ! ~ * & ++ --.
	Unary struct {
		OpPos Pos
		Op    Kind
		X     Expr
	}
	// Postfix is x++ or x--.
	Postfix struct {
		X     Expr
		OpPos Pos
		Op    Kind
	}
	// Binary is a binary operator, including ',' (COMMA), && and ||.
	Binary struct {
		X     Expr
		OpPos Pos
		Op    Kind
		Y     Expr
	}
	// Assign is = or a compound assignment (+=, <<=, ...).
	Assign struct {
		LHS   Expr
		OpPos Pos
		Op    Kind
		RHS   Expr
	}
	// Cond is c ? x : y.
	Cond struct {
		C, X, Y Expr
	}
	// Call is f(args).
	Call struct {
		Fn     Expr
		Lparen Pos
		Args   []Expr
	}
	// Index is x[i].
	Index struct {
		X      Expr
		Lbrack Pos
		Index  Expr
	}
	// Selector is x.name or x->name.
	Selector struct {
		X       Expr
		Arrow   bool
		NamePos Pos
		Name    string
	}
	// Cast is (type) x.
	Cast struct {
		Lparen Pos
		Type   *TypeName
		X      Expr
	}
	// SizeofExpr is sizeof x.
	SizeofExpr struct {
		SizeofPos Pos
		X         Expr
	}
	// SizeofType is sizeof(type).
	SizeofType struct {
		SizeofPos Pos
		Type      *TypeName
	}
	// Paren is (x); kept so positions and printing stay faithful.
	Paren struct {
		Lparen Pos
		X      Expr
	}
	// InitList is a brace-enclosed initializer { ... }.
	InitList struct {
		Lbrace Pos
		Elems  []*InitElem
	}
)

// InitElem is one element of an initializer list, with optional
// designators (.field = / [index] =).
type InitElem struct {
	Designators []Designator
	Value       Expr // an expression or an *InitList
}

// Designator is .Field or [Index].
type Designator struct {
	DesPos Pos
	Field  string // "" for an index designator
	Index  Expr
}

func (x *Ident) Pos() Pos      { return x.NamePos }
func (x *IntLit) Pos() Pos     { return x.ValuePos }
func (x *CharLit) Pos() Pos    { return x.ValuePos }
func (x *StringLit) Pos() Pos  { return x.ValuePos }
func (x *Unary) Pos() Pos      { return x.OpPos }
func (x *Postfix) Pos() Pos    { return x.X.Pos() }
func (x *Binary) Pos() Pos     { return x.X.Pos() }
func (x *Assign) Pos() Pos     { return x.LHS.Pos() }
func (x *Cond) Pos() Pos       { return x.C.Pos() }
func (x *Call) Pos() Pos       { return x.Fn.Pos() }
func (x *Index) Pos() Pos      { return x.X.Pos() }
func (x *Selector) Pos() Pos   { return x.X.Pos() }
func (x *Cast) Pos() Pos       { return x.Lparen }
func (x *SizeofExpr) Pos() Pos { return x.SizeofPos }
func (x *SizeofType) Pos() Pos { return x.SizeofPos }
func (x *Paren) Pos() Pos      { return x.Lparen }
func (x *InitList) Pos() Pos   { return x.Lbrace }

func (*Ident) exprNode()      {}
func (*IntLit) exprNode()     {}
func (*CharLit) exprNode()    {}
func (*StringLit) exprNode()  {}
func (*Unary) exprNode()      {}
func (*Postfix) exprNode()    {}
func (*Binary) exprNode()     {}
func (*Assign) exprNode()     {}
func (*Cond) exprNode()       {}
func (*Call) exprNode()       {}
func (*Index) exprNode()      {}
func (*Selector) exprNode()   {}
func (*Cast) exprNode()       {}
func (*SizeofExpr) exprNode() {}
func (*SizeofType) exprNode() {}
func (*Paren) exprNode()      {}
func (*InitList) exprNode()   {}

// ---- Types ----

// TypeExpr is a type as written: the declaration specifiers wrapped by
// the declarator's pointers, arrays and parameter lists.
type TypeExpr interface {
	Node
	typeNode()
}

// Qual is a set of type qualifiers.
type Qual uint8

const (
	Const Qual = 1 << iota
	Volatile
)

type (
	// BaseType is a builtin type named by keywords: Words holds the
	// type-specifier keywords in source order ("unsigned", "long").
	BaseType struct {
		TypePos Pos
		Words   []string
		Qual    Qual
	}
	// NamedType is a typedef name.
	NamedType struct {
		NamePos Pos
		Name    string
		Qual    Qual
	}
	// StructType is struct/union, with or without a body.
	StructType struct {
		KwPos   Pos
		Union   bool
		Tag     string   // "" if anonymous
		Fields  []*Field // nil when HasBody is false
		HasBody bool
		Qual    Qual
	}
	// EnumType is an enum, with or without a body.
	EnumType struct {
		KwPos   Pos
		Tag     string
		Values  []*Enumerator
		HasBody bool
		Qual    Qual
	}
	// PointerType is Elem *.
	PointerType struct {
		StarPos Pos
		Elem    TypeExpr
		Qual    Qual // qualifiers of the pointer itself (* const)
	}
	// ArrayType is Elem [Len]; Len is nil for [].
	ArrayType struct {
		Lbrack Pos
		Elem   TypeExpr
		Len    Expr
	}
	// FuncType is Result (Params).
	FuncType struct {
		Lparen   Pos
		Result   TypeExpr
		Params   []*Param
		Variadic bool
		// NoProto is set for "()" — an old-style declaration with
		// unspecified parameters; "(void)" gives Params == nil, NoProto false.
		NoProto bool
	}
)

// Field is a struct or union member.
type Field struct {
	NamePos Pos
	Name    string // "" for an anonymous struct/union member
	Type    TypeExpr
	Bits    Expr // bit-field width, rejected by the checker
}

// Enumerator is NAME or NAME = value.
type Enumerator struct {
	NamePos Pos
	Name    string
	Value   Expr
}

// Param is one parameter of a function type.
type Param struct {
	NamePos Pos
	Name    string // may be ""
	Type    TypeExpr
}

// TypeName is a type in a cast or sizeof.
type TypeName struct {
	TypePos Pos
	Type    TypeExpr
}

func (t *BaseType) Pos() Pos    { return t.TypePos }
func (t *NamedType) Pos() Pos   { return t.NamePos }
func (t *StructType) Pos() Pos  { return t.KwPos }
func (t *EnumType) Pos() Pos    { return t.KwPos }
func (t *PointerType) Pos() Pos { return t.StarPos }
func (t *ArrayType) Pos() Pos   { return t.Lbrack }
func (t *FuncType) Pos() Pos    { return t.Lparen }
func (t *TypeName) Pos() Pos    { return t.TypePos }

func (*BaseType) typeNode()    {}
func (*NamedType) typeNode()   {}
func (*StructType) typeNode()  {}
func (*EnumType) typeNode()    {}
func (*PointerType) typeNode() {}
func (*ArrayType) typeNode()   {}
func (*FuncType) typeNode()    {}

// ---- Declarations ----

// Storage is a storage-class specifier.
type Storage uint8

const (
	NoStorage Storage = iota
	Typedef
	Extern
	Static
	Auto
	Register
)

// Decl is a declaration of one name (or, with Name == "", of a struct,
// union or enum tag alone: "struct s { int a; };").
type Decl struct {
	File    string // the file the declaration comes from (snippet or header)
	NamePos Pos
	Name    string
	Storage Storage
	Inline  bool
	Type    TypeExpr
	Init    Expr   // initializer or nil
	Body    *Block // function body, or nil
}

func (d *Decl) Pos() Pos {
	if d.Name == "" {
		return d.Type.Pos()
	}
	return d.NamePos
}

// File is a parsed translation unit.
type File struct {
	Name  string
	Decls []*Decl
}

// ---- Statements ----

// Stmt is a statement node.
type Stmt interface {
	Node
	stmtNode()
}

type (
	Block struct {
		Lbrace Pos
		Stmts  []Stmt
		Rbrace Pos
	}
	ExprStmt struct {
		X Expr
	}
	DeclStmt struct {
		DeclPos Pos
		Decls   []*Decl
	}
	EmptyStmt struct {
		Semi Pos
	}
	IfStmt struct {
		IfPos Pos
		Cond  Expr
		Then  Stmt
		Else  Stmt // or nil
	}
	WhileStmt struct {
		WhilePos Pos
		Cond     Expr
		Body     Stmt
	}
	DoStmt struct {
		DoPos Pos
		Body  Stmt
		Cond  Expr
	}
	ForStmt struct {
		ForPos Pos
		Init   Stmt // *ExprStmt, *DeclStmt or nil
		Cond   Expr // or nil
		Post   Expr // or nil
		Body   Stmt
	}
	ReturnStmt struct {
		ReturnPos Pos
		X         Expr // or nil
	}
	BreakStmt    struct{ BreakPos Pos }
	ContinueStmt struct{ ContinuePos Pos }
	SwitchStmt   struct {
		SwitchPos Pos
		Tag       Expr
		Body      Stmt
	}
	// CaseStmt is "case X:" or "default:" (X == nil) followed by the
	// statement it labels.
	CaseStmt struct {
		CasePos Pos
		Value   Expr
		Stmt    Stmt
	}
)

func (s *Block) Pos() Pos        { return s.Lbrace }
func (s *ExprStmt) Pos() Pos     { return s.X.Pos() }
func (s *DeclStmt) Pos() Pos     { return s.DeclPos }
func (s *EmptyStmt) Pos() Pos    { return s.Semi }
func (s *IfStmt) Pos() Pos       { return s.IfPos }
func (s *WhileStmt) Pos() Pos    { return s.WhilePos }
func (s *DoStmt) Pos() Pos       { return s.DoPos }
func (s *ForStmt) Pos() Pos      { return s.ForPos }
func (s *ReturnStmt) Pos() Pos   { return s.ReturnPos }
func (s *BreakStmt) Pos() Pos    { return s.BreakPos }
func (s *ContinueStmt) Pos() Pos { return s.ContinuePos }
func (s *SwitchStmt) Pos() Pos   { return s.SwitchPos }
func (s *CaseStmt) Pos() Pos     { return s.CasePos }

func (*Block) stmtNode()        {}
func (*ExprStmt) stmtNode()     {}
func (*DeclStmt) stmtNode()     {}
func (*EmptyStmt) stmtNode()    {}
func (*IfStmt) stmtNode()       {}
func (*WhileStmt) stmtNode()    {}
func (*DoStmt) stmtNode()       {}
func (*ForStmt) stmtNode()      {}
func (*ReturnStmt) stmtNode()   {}
func (*BreakStmt) stmtNode()    {}
func (*ContinueStmt) stmtNode() {}
func (*SwitchStmt) stmtNode()   {}
func (*CaseStmt) stmtNode()     {}
