package syntax

import (
	"strconv"
	"strings"
	"sync"
)

// Preprocessor limits. They keep hostile input (include loops, macros
// that explode) from running away; each is reported as an error.
const (
	maxIncludeDepth = 32
	maxTokens       = 1 << 19 // tokens after expansion
	maxExpansions   = 1 << 18 // macro invocations per translation unit
)

// HeaderFunc resolves an #include name ("stdio.h", "oracle.h") to its
// text. An unknown name returns ok == false and becomes a warning.
type HeaderFunc func(name string) (text string, ok bool)

type macro struct {
	name     string
	funcLike bool
	params   []string // a variadic macro's last parameter is __VA_ARGS__
	variadic bool
	body     []Token
}

type cond struct {
	active   bool // this branch's text is kept
	parentOn bool // the enclosing text is kept
	taken    bool // some branch of this #if was taken
	seenElse bool
	pos      Pos
	file     string
}

type srcFile struct {
	name string
	toks []Token
	i    int
	// conds is the depth of the condition stack at file entry; #endif
	// may not pop below it.
	conds int
}

// preprocessor expands one translation unit.
type preprocessor struct {
	headers  HeaderFunc
	errs     *ErrorList
	macros   map[string]*macro
	files    []*srcFile
	conds    []cond
	pending  []Token // expanded tokens to rescan, top of stack last
	nexpand  int
	included map[string]bool // headers already warned about
}

// Preprocess scans file and runs the preprocessor over it, resolving
// #include through headers. Errors and warnings are appended to errs.
func Preprocess(file string, src []byte, headers HeaderFunc, errs *ErrorList) []Token {
	pp := &preprocessor{headers: headers, errs: errs, macros: map[string]*macro{}, included: map[string]bool{}}
	pp.pushFile(file, src)
	var out []Token
	for {
		t := pp.expanded()
		if t.Kind == EOF {
			break
		}
		if len(out) >= maxTokens {
			errs.Add(t.File, t.Pos, "program too large after preprocessing (more than %d tokens)", maxTokens)
			break
		}
		out = append(out, t)
	}
	for i := len(pp.conds) - 1; i >= 0; i-- {
		c := pp.conds[i]
		errs.Add(c.file, c.pos, "unterminated #if")
	}
	return out
}

func (pp *preprocessor) pushFile(name string, src []byte) {
	sc := newScanner(name, src, pp.errs)
	pp.files = append(pp.files, &srcFile{name: name, toks: sc.all(), conds: len(pp.conds)})
}

func (pp *preprocessor) active() bool {
	return len(pp.conds) == 0 || pp.conds[len(pp.conds)-1].active
}

// raw returns the next token of the active text of the files, handling
// directives and conditional sections; EOF at the end of the unit.
func (pp *preprocessor) raw() Token {
	for len(pp.files) > 0 {
		f := pp.files[len(pp.files)-1]
		if f.i >= len(f.toks) {
			for len(pp.conds) > f.conds {
				c := pp.conds[len(pp.conds)-1]
				pp.errs.Add(c.file, c.pos, "unterminated #if")
				pp.conds = pp.conds[:len(pp.conds)-1]
			}
			pp.files = pp.files[:len(pp.files)-1]
			continue
		}
		t := f.toks[f.i]
		f.i++
		if t.Kind == HASH && t.BOL {
			j := f.i
			for j < len(f.toks) && !f.toks[j].BOL {
				j++
			}
			line := f.toks[f.i:j]
			f.i = j
			pp.directive(t, line)
			continue
		}
		if !pp.active() {
			continue
		}
		return t
	}
	return Token{Kind: EOF}
}

// next returns the next token to expand: rescanned tokens first.
func (pp *preprocessor) next() Token {
	if n := len(pp.pending); n > 0 {
		t := pp.pending[n-1]
		pp.pending = pp.pending[:n-1]
		return t
	}
	return pp.raw()
}

func (pp *preprocessor) unread(t Token) { pp.pending = append(pp.pending, t) }

// expanded returns the next fully macro-expanded token.
func (pp *preprocessor) expanded() Token {
	for {
		t := pp.next()
		if t.Kind != IDENT {
			return t
		}
		m := pp.macros[t.Text]
		if m == nil || t.hide.has(t.Text) {
			return predefined(t)
		}
		if !pp.expand(t, m, pp.next) {
			return t
		}
	}
}

// predefined turns __LINE__ and __FILE__ into the line and the file name
// of their use: inside a macro's expansion, those of the outermost
// invocation, as gcc does (expand gives the body's tokens its position).
// Any other token is returned as it is.
func predefined(t Token) Token {
	switch t.Text {
	case "__LINE__":
		t.Kind, t.Text = INT, strconv.Itoa(t.Pos.Line)
	case "__FILE__":
		t.Kind, t.Text = STRING, `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(t.File)+`"`
	}
	return t
}

// expand replaces the invocation t of m by its expansion, pushed back for
// rescanning. It reports false when t is a function-like macro's name not
// followed by '(' (then t is an ordinary identifier).
func (pp *preprocessor) expand(t Token, m *macro, next func() Token) bool {
	var args [][]Token
	if m.funcLike {
		lp := next()
		if lp.Kind != LPAREN {
			if lp.Kind != EOF {
				pp.unread(lp)
			}
			return false
		}
		var ok bool
		args, ok = pp.collectArgs(t, next)
		if !ok {
			return true // error reported; the invocation is dropped
		}
		if len(args) == 1 && len(args[0]) == 0 && len(m.params) == 0 {
			args = nil
		}
		if m.variadic {
			fixed := len(m.params) - 1
			switch {
			case len(args) == fixed:
				args = append(args, nil) // no variadic arguments
			case len(args) > fixed+1:
				// the extra arguments, commas included, form __VA_ARGS__
				va := args[fixed]
				for _, a := range args[fixed+1:] {
					va = append(va, Token{Kind: COMMA, Text: ",", Pos: t.Pos, File: t.File})
					va = append(va, a...)
				}
				args = append(args[:fixed], va)
			}
		}
		if len(args) != len(m.params) {
			pp.errs.Add(t.File, t.Pos, "macro %q expects %d arguments, got %d", m.name, len(m.params), len(args))
			return true
		}
	}
	pp.nexpand++
	if pp.nexpand > maxExpansions {
		if pp.nexpand == maxExpansions+1 {
			pp.errs.Add(t.File, t.Pos, "too many macro expansions (more than %d)", maxExpansions)
		}
		return true
	}
	hide := t.hide.with(m.name)
	var out []Token
	body := m.body
	for i := 0; i < len(body); i++ {
		b := body[i]
		// # param: stringification
		if m.funcLike && b.Kind == HASH && i+1 < len(body) {
			if k := paramIndex(m, body[i+1]); k >= 0 {
				out = append(out, Token{Kind: STRING, Text: stringify(args[k]), Pos: t.Pos, File: t.File, hide: hide})
				i++
				continue
			}
		}
		// GNU ", ## __VA_ARGS__": the comma goes when there are no variadic arguments
		if m.variadic && b.Kind == COMMA && i+2 < len(body) && body[i+1].Kind == HASHHASH &&
			body[i+2].Kind == IDENT && body[i+2].Text == "__VA_ARGS__" {
			if va := args[len(args)-1]; len(va) > 0 {
				b.Pos, b.File, b.hide, b.BOL = t.Pos, t.File, hide, false
				out = append(out, b)
				out = append(out, va...)
			}
			i += 2
			continue
		}
		if m.funcLike {
			if k := paramIndex(m, b); k >= 0 {
				for _, a := range args[k] {
					out = append(out, a) // arguments keep their own positions and hide sets
				}
				continue
			}
		}
		b.Pos, b.File, b.hide, b.BOL = t.Pos, t.File, hide, false
		out = append(out, b)
	}
	out = pp.paste(out, t)
	for i := len(out) - 1; i >= 0; i-- {
		out[i].BOL = false
		pp.unread(out[i])
	}
	return true
}

// paste applies ## to adjacent tokens: their spellings are joined and
// scanned again as one token.
func (pp *preprocessor) paste(toks []Token, at Token) []Token {
	var out []Token
	for i := 0; i < len(toks); i++ {
		if toks[i].Kind == HASHHASH && len(out) > 0 && i+1 < len(toks) {
			l := out[len(out)-1]
			r := toks[i+1]
			text := l.Text + r.Text
			var errs ErrorList
			sc := newScanner(at.File, []byte(text), &errs)
			nt := sc.all()
			if len(nt) != 1 || len(errs) > 0 {
				pp.errs.Add(at.File, at.Pos, "pasting %q and %q does not give a valid token", l.Text, r.Text)
				i++
				continue
			}
			nt[0].Pos, nt[0].File, nt[0].hide = l.Pos, l.File, l.hide
			out[len(out)-1] = nt[0]
			i++
			continue
		}
		out = append(out, toks[i])
	}
	return out
}

func paramIndex(m *macro, t Token) int {
	if t.Kind != IDENT {
		return -1
	}
	for i, p := range m.params {
		if p == t.Text {
			return i
		}
	}
	return -1
}

func stringify(toks []Token) string {
	var sb strings.Builder
	for i, t := range toks {
		if i > 0 && t.Space {
			sb.WriteByte(' ')
		}
		if t.Kind == STRING || t.Kind == CHAR {
			sb.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(t.Text))
		} else {
			sb.WriteString(t.Text)
		}
	}
	return `"` + sb.String() + `"`
}

func (pp *preprocessor) collectArgs(t Token, next func() Token) ([][]Token, bool) {
	args := [][]Token{nil}
	depth := 0
	for {
		a := next()
		switch a.Kind {
		case EOF:
			pp.errs.Add(t.File, t.Pos, "unterminated argument list invoking macro %q", t.Text)
			return nil, false
		case LPAREN, LBRACK, LBRACE:
			depth++
		case RPAREN, RBRACK, RBRACE:
			if depth == 0 && a.Kind == RPAREN {
				return args, true
			}
			depth--
		case COMMA:
			if depth == 0 {
				args = append(args, nil)
				continue
			}
		}
		args[len(args)-1] = append(args[len(args)-1], a)
	}
}

// directive handles one # line. hash is the '#', line the rest.
func (pp *preprocessor) directive(hash Token, line []Token) {
	if len(line) == 0 {
		return // the null directive
	}
	// RATIONALE: one function per kind of directive. In a browser, hot
	// wasm functions are compiled a second time by the optimising
	// compiler, sooner and at a cost that grows with their size; as one
	// 14 kB function this was among the largest such jobs of the page's
	// start (every header line is a directive).
	switch line[0].Text {
	case "if", "ifdef", "ifndef":
		pp.openCond(hash, line[0], line[1:])
	case "elif", "else", "endif":
		pp.nextCond(line[0], line[1:])
	default:
		if pp.active() {
			pp.command(line[0], line[1:])
		}
	}
}

// openCond is #if, #ifdef and #ifndef.
func (pp *preprocessor) openCond(hash, name Token, args []Token) {
	parentOn := pp.active()
	v := false
	if parentOn {
		switch name.Text {
		case "if":
			v = pp.evalIf(name, args)
		case "ifdef", "ifndef":
			if len(args) == 0 || args[0].Kind != IDENT {
				pp.errs.Add(name.File, name.Pos, "#%s expects a macro name", name.Text)
			} else {
				v = pp.macros[args[0].Text] != nil
				if name.Text == "ifndef" {
					v = !v
				}
			}
		}
	}
	pp.conds = append(pp.conds, cond{active: parentOn && v, parentOn: parentOn, taken: v, pos: hash.Pos, file: hash.File})
}

// nextCond is #elif, #else and #endif.
func (pp *preprocessor) nextCond(name Token, args []Token) {
	f := pp.files[len(pp.files)-1]
	if len(pp.conds) <= f.conds {
		pp.errs.Add(name.File, name.Pos, "#%s without #if", name.Text)
		return
	}
	c := &pp.conds[len(pp.conds)-1]
	switch name.Text {
	case "endif":
		pp.conds = pp.conds[:len(pp.conds)-1]
	case "else":
		if c.seenElse {
			pp.errs.Add(name.File, name.Pos, "#else after #else")
		}
		c.seenElse = true
		c.active = c.parentOn && !c.taken
		c.taken = true
	case "elif":
		if c.seenElse {
			pp.errs.Add(name.File, name.Pos, "#elif after #else")
		}
		if c.parentOn && !c.taken {
			v := pp.evalIf(name, args)
			c.active, c.taken = v, v
		} else {
			c.active = false
		}
	}
}

// command is every other directive, in an active group.
func (pp *preprocessor) command(name Token, args []Token) {
	switch name.Text {
	case "define":
		pp.define(name, args)
	case "undef":
		if len(args) == 0 || args[0].Kind != IDENT {
			pp.errs.Add(name.File, name.Pos, "#undef expects a macro name")
			return
		}
		delete(pp.macros, args[0].Text)
	case "include":
		pp.include(name, args)
	case "error":
		pp.errs.Add(name.File, name.Pos, "#error %s", spell(args))
	case "warning":
		pp.errs.Warn(name.File, name.Pos, "#warning %s", spell(args))
	case "pragma", "line", "ident":
		// accepted and ignored
	default:
		pp.errs.Add(name.File, name.Pos, "unknown preprocessor directive #%s", name.Text)
	}
}

func spell(toks []Token) string {
	var sb strings.Builder
	for i, t := range toks {
		if i > 0 && t.Space {
			sb.WriteByte(' ')
		}
		sb.WriteString(t.Text)
	}
	return sb.String()
}

func (pp *preprocessor) define(d Token, args []Token) {
	if len(args) == 0 || args[0].Kind != IDENT {
		pp.errs.Add(d.File, d.Pos, "#define expects a macro name")
		return
	}
	m := &macro{name: args[0].Text}
	rest := args[1:]
	// "#define f(x)" is function-like only when '(' follows the name
	// without white space.
	if len(rest) > 0 && rest[0].Kind == LPAREN && !rest[0].Space {
		m.funcLike = true
		i := 1
		for {
			if i >= len(rest) {
				pp.errs.Add(d.File, d.Pos, "missing ')' in parameter list of macro %q", m.name)
				return
			}
			if rest[i].Kind == RPAREN && len(m.params) == 0 {
				i++
				break
			}
			if rest[i].Kind == ELLIPSIS {
				m.variadic = true
				m.params = append(m.params, "__VA_ARGS__")
				i++
				if i < len(rest) && rest[i].Kind == RPAREN {
					i++
					break
				}
				pp.errs.Add(d.File, d.Pos, "missing ')' after '...' in macro %q", m.name)
				return
			}
			if rest[i].Kind != IDENT {
				pp.errs.Add(rest[i].File, rest[i].Pos, "expected a parameter name in macro %q", m.name)
				return
			}
			m.params = append(m.params, rest[i].Text)
			i++
			if i < len(rest) && rest[i].Kind == COMMA {
				i++
				continue
			}
			if i < len(rest) && rest[i].Kind == RPAREN {
				i++
				break
			}
			pp.errs.Add(d.File, d.Pos, "missing ')' in parameter list of macro %q", m.name)
			return
		}
		rest = rest[i:]
	}
	m.body = append([]Token(nil), rest...)
	pp.macros[m.name] = m
}

func (pp *preprocessor) include(d Token, args []Token) {
	var name string
	switch {
	case len(args) == 1 && args[0].Kind == STRING:
		name = strings.Trim(args[0].Text, `"`)
	case len(args) >= 3 && args[0].Kind == LSS && args[len(args)-1].Kind == GTR:
		for _, a := range args[1 : len(args)-1] {
			name += a.Text
		}
	default:
		pp.errs.Add(d.File, d.Pos, "#include expects \"FILE\" or <FILE>")
		return
	}
	if len(pp.files) >= maxIncludeDepth {
		pp.errs.Add(d.File, d.Pos, "#include nested too deeply (more than %d levels)", maxIncludeDepth)
		return
	}
	var text string
	ok := false
	if pp.headers != nil {
		text, ok = pp.headers(name)
	}
	if !ok {
		if !pp.included[name] {
			pp.included[name] = true
			pp.errs.Warn(d.File, d.Pos, "unknown header %q ignored (mmplay knows its own headers only)", name)
		}
		return
	}
	pp.pushHeader(name, text)
}

// headerCache keeps the tokens of the builtin headers: a snippet's
// <linux/...> headers are thousands of lines, and scanning them again for
// every compile was most of a compile's time (the playground compiles on
// every Run). Raw tokens carry no hide set, so a shared copy is safe; each
// use gets its own slice. Only headers that scanned without errors are
// kept, and the cache is bounded (the engine's header set is fixed).
var headerCache struct {
	sync.Mutex
	m map[string][]Token
}

const maxCachedHeaders = 512

func (pp *preprocessor) pushHeader(name, text string) {
	key := name + "\x00" + text
	headerCache.Lock()
	toks, ok := headerCache.m[key]
	headerCache.Unlock()
	if !ok {
		var errs ErrorList
		toks = newScanner(name, []byte(text), &errs).all()
		if len(errs) > 0 {
			pp.pushFile(name, []byte(text)) // report them as usual
			return
		}
		headerCache.Lock()
		if headerCache.m == nil {
			headerCache.m = map[string][]Token{}
		}
		if len(headerCache.m) < maxCachedHeaders {
			headerCache.m[key] = toks
		}
		headerCache.Unlock()
	}
	pp.files = append(pp.files, &srcFile{name: name, toks: append([]Token(nil), toks...), conds: len(pp.conds)})
}

// evalIf evaluates the controlling expression of #if / #elif.
func (pp *preprocessor) evalIf(d Token, args []Token) bool {
	// replace defined X / defined(X) first, before expansion
	var line []Token
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a.Kind == IDENT && a.Text == "defined" {
			j := i + 1
			paren := j < len(args) && args[j].Kind == LPAREN
			if paren {
				j++
			}
			if j >= len(args) || args[j].Kind != IDENT {
				pp.errs.Add(a.File, a.Pos, "'defined' expects a macro name")
				return false
			}
			v := "0"
			if pp.macros[args[j].Text] != nil {
				v = "1"
			}
			if paren {
				j++
				if j >= len(args) || args[j].Kind != RPAREN {
					pp.errs.Add(a.File, a.Pos, "missing ')' after 'defined'")
					return false
				}
			}
			line = append(line, Token{Kind: INT, Text: v, Pos: a.Pos, File: a.File})
			i = j
			continue
		}
		line = append(line, a)
	}
	// expand macros over the line alone
	sub := &preprocessor{errs: pp.errs, macros: pp.macros}
	i := 0
	src := func() Token {
		if i < len(line) {
			i++
			return line[i-1]
		}
		return Token{Kind: EOF}
	}
	var exp []Token
	for {
		var t Token
		if n := len(sub.pending); n > 0 {
			t = sub.pending[n-1]
			sub.pending = sub.pending[:n-1]
		} else {
			t = src()
		}
		if t.Kind == EOF {
			break
		}
		if t.Kind == IDENT {
			if m := sub.macros[t.Text]; m != nil && !t.hide.has(t.Text) {
				next := func() Token {
					if n := len(sub.pending); n > 0 {
						t := sub.pending[n-1]
						sub.pending = sub.pending[:n-1]
						return t
					}
					return src()
				}
				if sub.expand(t, m, next) {
					if len(exp) > maxTokens {
						break
					}
					continue
				}
			}
		}
		exp = append(exp, t)
	}
	e := &ifEval{toks: exp, d: d, errs: pp.errs}
	v := e.expr(0)
	if !e.failed && e.i < len(e.toks) {
		e.fail(e.toks[e.i], "unexpected %q in #if expression", e.toks[e.i].Text)
	}
	return !e.failed && v != 0
}

// ifEval evaluates a preprocessor integer expression (intmax_t
// arithmetic; identifiers left after expansion are 0, as in C).
type ifEval struct {
	toks   []Token
	i      int
	d      Token
	errs   *ErrorList
	failed bool
}

func (e *ifEval) fail(t Token, format string, args ...any) {
	if !e.failed {
		e.failed = true
		if t.Kind == EOF {
			t = e.d
		}
		e.errs.Add(t.File, t.Pos, format, args...)
	}
}

func (e *ifEval) peek() Token {
	if e.i < len(e.toks) {
		return e.toks[e.i]
	}
	return Token{Kind: EOF}
}

var ifPrec = map[Kind]int{
	LOR: 1, LAND: 2, OR: 3, XOR: 4, AND: 5, EQL: 6, NEQ: 6,
	LSS: 7, GTR: 7, LEQ: 7, GEQ: 7, SHL: 8, SHR: 8, ADD: 9, SUB: 9, MUL: 10, QUO: 10, REM: 10,
}

func (e *ifEval) expr(minPrec int) int64 {
	x := e.unary()
	for !e.failed {
		t := e.peek()
		if t.Kind == QUESTION && minPrec == 0 {
			e.i++
			a := e.expr(0)
			if e.peek().Kind != COLON {
				e.fail(e.peek(), "expected ':' in #if expression")
				return 0
			}
			e.i++
			b := e.expr(0)
			if x != 0 {
				x = a
			} else {
				x = b
			}
			continue
		}
		p, ok := ifPrec[t.Kind]
		if !ok || p < minPrec {
			return x
		}
		e.i++
		y := e.expr(p + 1)
		switch t.Kind {
		case LOR:
			x = b2i(x != 0 || y != 0)
		case LAND:
			x = b2i(x != 0 && y != 0)
		case OR:
			x |= y
		case XOR:
			x ^= y
		case AND:
			x &= y
		case EQL:
			x = b2i(x == y)
		case NEQ:
			x = b2i(x != y)
		case LSS:
			x = b2i(x < y)
		case GTR:
			x = b2i(x > y)
		case LEQ:
			x = b2i(x <= y)
		case GEQ:
			x = b2i(x >= y)
		case SHL:
			x <<= uint64(y) & 63
		case SHR:
			x >>= uint64(y) & 63
		case ADD:
			x += y
		case SUB:
			x -= y
		case MUL:
			x *= y
		case QUO, REM:
			if y == 0 {
				e.fail(t, "division by zero in #if")
				return 0
			}
			if t.Kind == QUO {
				x /= y
			} else {
				x %= y
			}
		}
	}
	return x
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (e *ifEval) unary() int64 {
	t := e.peek()
	e.i++
	switch t.Kind {
	case INT:
		v, _, _, err := ParseInt(t.Text)
		if err != "" {
			e.fail(t, "%s", err)
		}
		return int64(v)
	case CHAR:
		v, err := ParseChar(t.Text)
		if err != "" {
			e.fail(t, "%s", err)
		}
		return v
	case IDENT:
		return 0
	case LPAREN:
		v := e.expr(0)
		if e.peek().Kind != RPAREN {
			e.fail(e.peek(), "expected ')' in #if expression")
		}
		e.i++
		return v
	case SUB:
		return -e.unary()
	case ADD:
		return e.unary()
	case NOT:
		return b2i(e.unary() == 0)
	case TILDE:
		return ^e.unary()
	}
	e.fail(t, "invalid #if expression")
	return 0
}
