package syntax

import "strings"

// scanner turns one file's bytes into preprocessing tokens. Comments and
// line splices (backslash-newline) are handled here; directives are the
// preprocessor's business. Columns count bytes, 1-based.
type scanner struct {
	file string
	src  []byte
	off  int
	line int
	col  int
	errs *ErrorList
}

func newScanner(file string, src []byte, errs *ErrorList) *scanner {
	return &scanner{file: file, src: src, line: 1, col: 1, errs: errs}
}

func (s *scanner) peekc(k int) byte {
	if s.off+k < len(s.src) {
		return s.src[s.off+k]
	}
	return 0
}

// skipSplices steps over backslash-newline pairs at the current offset.
func (s *scanner) skipSplices() {
	for s.off+1 < len(s.src) && s.src[s.off] == '\\' && (s.src[s.off+1] == '\n' ||
		(s.src[s.off+1] == '\r' && s.off+2 < len(s.src) && s.src[s.off+2] == '\n')) {
		if s.src[s.off+1] == '\r' {
			s.off++
		}
		s.off += 2
		s.line++
		s.col = 1
	}
}

func (s *scanner) advance() {
	if s.off < len(s.src) {
		if s.src[s.off] == '\n' {
			s.line++
			s.col = 1
		} else {
			s.col++
		}
		s.off++
	}
	s.skipSplices()
}

func (s *scanner) cur() byte {
	s.skipSplices()
	if s.off < len(s.src) {
		return s.src[s.off]
	}
	return 0
}

func (s *scanner) errorf(p Pos, format string, args ...any) {
	s.errs.Add(s.file, p, format, args...)
}

// all scans the whole file.
func (s *scanner) all() []Token {
	var toks []Token
	bol, space := true, false
	for {
		c := s.cur()
		if s.off >= len(s.src) {
			break
		}
		switch {
		case c == '\n':
			bol, space = true, false
			s.advance()
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			space = true
			s.advance()
			continue
		case c == '/' && s.peekc(1) == '/':
			for s.off < len(s.src) && s.cur() != '\n' {
				s.advance()
			}
			space = true
			continue
		case c == '/' && s.peekc(1) == '*':
			p := Pos{s.line, s.col}
			s.advance()
			s.advance()
			closed := false
			for s.off < len(s.src) {
				if s.cur() == '*' && s.peekc(1) == '/' {
					s.advance()
					s.advance()
					closed = true
					break
				}
				s.advance()
			}
			if !closed {
				s.errorf(p, "unterminated comment")
			}
			space = true
			continue
		}
		t, ok := s.token()
		if !ok {
			continue // a bad byte, already reported
		}
		t.BOL, t.Space = bol, space
		bol, space = false, false
		toks = append(toks, t)
	}
	return toks
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '$'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (s *scanner) token() (Token, bool) {
	p := Pos{s.line, s.col}
	t := Token{Pos: p, File: s.file}
	c := s.cur()
	// RATIONALE: one function per kind of token, to keep this hot one
	// small: in a browser, hot wasm functions are compiled a second time
	// by the optimising compiler at a cost that grows with their size.
	switch {
	case isIdentStart(c):
		t.Kind, t.Text = IDENT, s.ident()
		return t, true
	case isDigit(c) || c == '.' && isDigit(s.peekc(1)):
		t.Kind, t.Text = INT, s.ppNumber()
		return t, true
	case c == '"' || c == '\'':
		t.Text = s.quoted(p, c)
		if c == '"' {
			t.Kind = STRING
		} else {
			t.Kind = CHAR
		}
		return t, true
	}
	return s.punct(t, c)
}

// ident scans an identifier.
func (s *scanner) ident() string {
	var sb strings.Builder
	for s.off < len(s.src) && (isIdentStart(s.cur()) || isDigit(s.cur())) {
		sb.WriteByte(s.cur())
		s.advance()
	}
	return sb.String()
}

// ppNumber scans a pp-number: digits, letters, dots, and e+/e- exponents.
func (s *scanner) ppNumber() string {
	var sb strings.Builder
	take := func() { sb.WriteByte(s.cur()); s.advance() }
	for s.off < len(s.src) {
		d := s.cur()
		if (d == '+' || d == '-') && sb.Len() > 0 {
			last := sb.String()[sb.Len()-1]
			if last == 'e' || last == 'E' || last == 'p' || last == 'P' {
				take()
				continue
			}
		}
		if !(isDigit(d) || isIdentStart(d) || d == '.') {
			break
		}
		take()
	}
	return sb.String()
}

// quoted scans a string or character literal, quotes included, that
// starts at p with the quote q.
func (s *scanner) quoted(p Pos, q byte) string {
	var sb strings.Builder
	take := func() { sb.WriteByte(s.cur()); s.advance() }
	take()
	closed := false
	for s.off < len(s.src) {
		d := s.cur()
		if d == '\n' {
			break
		}
		if d == '\\' {
			take()
			if s.off < len(s.src) && s.cur() != '\n' {
				take()
			}
			continue
		}
		take()
		if d == q {
			closed = true
			break
		}
	}
	if !closed {
		if q == '"' {
			s.errorf(p, "missing terminating \" character")
		} else {
			s.errorf(p, "missing terminating ' character")
		}
	}
	return sb.String()
}

// punct scans a punctuator (the longest that matches) into t, or reports
// the byte c that starts none.
func (s *scanner) punct(t Token, c byte) (Token, bool) {
	rest := s.src[s.off:]
	for _, pu := range puncts {
		if len(rest) >= len(pu.s) && string(rest[:len(pu.s)]) == pu.s {
			for range len(pu.s) {
				s.advance()
			}
			t.Kind, t.Text = pu.k, pu.s
			return t, true
		}
	}
	s.advance()
	if c >= 0x20 && c < 0x7f {
		s.errorf(t.Pos, "unexpected character '%c'", c)
	} else {
		s.errorf(t.Pos, "unexpected byte 0x%02x in source", c)
	}
	return t, false
}

var puncts = []struct {
	s string
	k Kind
}{
	{"...", ELLIPSIS}, {"<<=", SHL_ASSIGN}, {">>=", SHR_ASSIGN},
	{"->", ARROW}, {"++", INC}, {"--", DEC}, {"<<", SHL}, {">>", SHR},
	{"<=", LEQ}, {">=", GEQ}, {"==", EQL}, {"!=", NEQ}, {"&&", LAND}, {"||", LOR},
	{"+=", ADD_ASSIGN}, {"-=", SUB_ASSIGN}, {"*=", MUL_ASSIGN}, {"/=", QUO_ASSIGN},
	{"%=", REM_ASSIGN}, {"&=", AND_ASSIGN}, {"|=", OR_ASSIGN}, {"^=", XOR_ASSIGN},
	{"##", HASHHASH},
	{"(", LPAREN}, {")", RPAREN}, {"[", LBRACK}, {"]", RBRACK}, {"{", LBRACE},
	{"}", RBRACE}, {",", COMMA}, {";", SEMI}, {":", COLON}, {"?", QUESTION},
	{".", DOT}, {"+", ADD}, {"-", SUB}, {"*", MUL}, {"/", QUO}, {"%", REM},
	{"&", AND}, {"|", OR}, {"^", XOR}, {"=", ASSIGN}, {"!", NOT}, {"~", TILDE},
	{"<", LSS}, {">", GTR}, {"#", HASH},
}
