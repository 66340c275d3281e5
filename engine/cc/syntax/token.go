package syntax

// Kind is a token kind.
type Kind uint8

const (
	EOF Kind = iota
	IDENT
	INT    // integer literal, incl. suffixes
	CHAR   // character literal
	STRING // string literal (one piece; the parser concatenates)
	HASH   // # (directives, stringification)
	HASHHASH

	// punctuators
	LPAREN
	RPAREN
	LBRACK
	RBRACK
	LBRACE
	RBRACE
	COMMA
	SEMI
	COLON
	QUESTION
	DOT
	ARROW
	ELLIPSIS

	// operators, in groups the parser relies on
	ADD // +
	SUB // -
	MUL // *
	QUO // /
	REM // %
	AND // &
	OR  // |
	XOR // ^
	SHL // <<
	SHR // >>

	ASSIGN     // =
	ADD_ASSIGN // +=
	SUB_ASSIGN
	MUL_ASSIGN
	QUO_ASSIGN
	REM_ASSIGN
	AND_ASSIGN
	OR_ASSIGN
	XOR_ASSIGN
	SHL_ASSIGN
	SHR_ASSIGN

	LAND // &&
	LOR  // ||
	NOT  // !
	TILDE
	INC // ++
	DEC // --
	EQL // ==
	NEQ // !=
	LSS // <
	GTR // >
	LEQ // <=
	GEQ // >=

	// CAST and ADDR/DEREF/NEG/POS are parse-tree-only kinds used by Unary
	// to tell prefix uses apart in compact printing.
	kindCount
)

var kindNames = [...]string{
	EOF: "end of file", IDENT: "identifier", INT: "integer literal",
	CHAR: "character literal", STRING: "string literal", HASH: "#", HASHHASH: "##",
	LPAREN: "(", RPAREN: ")", LBRACK: "[", RBRACK: "]", LBRACE: "{", RBRACE: "}",
	COMMA: ",", SEMI: ";", COLON: ":", QUESTION: "?", DOT: ".", ARROW: "->",
	ELLIPSIS: "...",
	ADD:      "+", SUB: "-", MUL: "*", QUO: "/", REM: "%", AND: "&", OR: "|", XOR: "^",
	SHL: "<<", SHR: ">>",
	ASSIGN: "=", ADD_ASSIGN: "+=", SUB_ASSIGN: "-=", MUL_ASSIGN: "*=",
	QUO_ASSIGN: "/=", REM_ASSIGN: "%=", AND_ASSIGN: "&=", OR_ASSIGN: "|=",
	XOR_ASSIGN: "^=", SHL_ASSIGN: "<<=", SHR_ASSIGN: ">>=",
	LAND: "&&", LOR: "||", NOT: "!", TILDE: "~", INC: "++", DEC: "--",
	EQL: "==", NEQ: "!=", LSS: "<", GTR: ">", LEQ: "<=", GEQ: ">=",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "?"
}

// IsAssign reports whether k is = or a compound assignment.
func (k Kind) IsAssign() bool { return k >= ASSIGN && k <= SHR_ASSIGN }

// AssignOp maps a compound assignment to its binary operator (+= → +).
func (k Kind) AssignOp() Kind {
	if k > ASSIGN && k <= SHR_ASSIGN {
		return ADD + (k - ADD_ASSIGN)
	}
	return EOF
}

// Token is one preprocessing token.
type Token struct {
	Kind  Kind
	Text  string // the token's spelling (identifier name, literal text)
	Pos   Pos
	File  string // file the token came from (snippet or header name)
	BOL   bool   // first token on its line (directives start with such a #)
	Space bool   // preceded by white space (for stringification)
	// hide is the set of macros whose expansion produced this token; it is
	// never expanded by them again (the C standard's "painted blue").
	hide *hideSet
}

// hideSet is an immutable linked set of macro names.
type hideSet struct {
	name string
	next *hideSet
}

func (h *hideSet) has(name string) bool {
	for ; h != nil; h = h.next {
		if h.name == name {
			return true
		}
	}
	return false
}

func (h *hideSet) with(name string) *hideSet {
	if h.has(name) {
		return h
	}
	return &hideSet{name, h}
}
