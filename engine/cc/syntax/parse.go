package syntax

// Parser limits (SPEC §5 "Limits"): they keep hostile input from
// exhausting the Go stack or running for long.
const (
	// MaxNesting bounds the nesting of expressions, statements and
	// declarators together.
	MaxNesting = 256
	// maxErrors stops parsing after this many errors.
	maxErrors = 20
)

// Parse preprocesses and parses one snippet. The returned list holds
// errors and warnings; the File is usable (possibly partial) only when
// the list has no errors.
func Parse(filename string, src []byte, headers HeaderFunc) (*File, ErrorList) {
	var errs ErrorList
	toks := Preprocess(filename, src, headers, &errs)
	if errs.HasErrors() {
		return &File{Name: filename}, errs
	}
	p := &parser{toks: toks, errs: &errs, file: filename}
	p.scopes = []map[string]bool{{}}
	f := p.parseFile()
	return f, errs
}

type parser struct {
	toks   []Token
	i      int
	tok    Token
	errs   *ErrorList
	file   string
	depth  int
	braces int // '{' consumed minus '}' consumed: error recovery's anchor
	nerrs  int
	scopes []map[string]bool // name → is a typedef name
}

// bailout unwinds the parser to the top-level declaration loop after an
// error.
type bailout struct{}

func (p *parser) parseFile() *File {
	f := &File{Name: p.file}
	p.i = -1
	p.next()
	for p.tok.Kind != EOF {
		ok := func() (ok bool) {
			defer func() {
				if r := recover(); r != nil {
					if _, isBail := r.(bailout); !isBail {
						panic(r)
					}
					ok = false
				}
			}()
			f.Decls = append(f.Decls, p.externalDecl()...)
			return true
		}()
		if !ok {
			if p.nerrs >= maxErrors {
				break
			}
			p.syncTop()
		}
	}
	return f
}

// syncTop skips to the start of the next plausible top-level declaration.
func (p *parser) syncTop() {
	p.depth = 0
	p.scopes = p.scopes[:1]
	depth := p.braces
	defer func() { p.braces = 0 }()
	for p.tok.Kind != EOF {
		switch p.tok.Kind {
		case LBRACE:
			depth++
		case RBRACE:
			depth--
			if depth <= 0 {
				p.next()
				if p.tok.Kind == SEMI {
					p.next()
				}
				return
			}
		case SEMI:
			if depth <= 0 {
				p.next()
				return
			}
		}
		p.next()
	}
}

// next moves to the next token.
//
// It is not inlined: its token copy, inlined at the parser's several
// hundred call sites, made the hot parsing functions several kilobytes
// larger, and large hot functions are what the page's optimising
// compiler spends its time on (see declSpecs).
//
//go:noinline
func (p *parser) next() {
	switch p.tok.Kind {
	case LBRACE:
		p.braces++
	case RBRACE:
		p.braces--
	}
	p.i++
	if p.i < len(p.toks) {
		p.tok = p.toks[p.i]
	} else {
		end := Pos{}
		file := p.file
		if n := len(p.toks); n > 0 {
			end = p.toks[n-1].Pos
			file = p.toks[n-1].File
		}
		p.tok = Token{Kind: EOF, Pos: end, File: file}
	}
}

func (p *parser) peek(k int) Token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return Token{Kind: EOF}
}

//go:noinline
func (p *parser) errorAt(t Token, format string, args ...any) {
	p.errs.Add(t.File, t.Pos, format, args...)
	p.nerrs++
	panic(bailout{})
}

//go:noinline
func (p *parser) error(format string, args ...any) { p.errorAt(p.tok, format, args...) }

func describe(t Token) string {
	switch t.Kind {
	case EOF:
		return "end of input"
	case IDENT:
		if keywords[t.Text] {
			return "'" + t.Text + "'"
		}
		return "identifier '" + t.Text + "'"
	case INT, CHAR, STRING:
		return t.Text
	}
	return "'" + t.Kind.String() + "'"
}

func (p *parser) expect(k Kind, context string) Token {
	t := p.tok
	if t.Kind != k {
		if context != "" {
			p.error("expected '%s' %s, found %s", k, context, describe(t))
		}
		p.error("expected '%s', found %s", k, describe(t))
	}
	p.next()
	return t
}

func (p *parser) enter() {
	p.depth++
	if p.depth > MaxNesting {
		p.error("nesting too deep (more than %d levels)", MaxNesting)
	}
}

func (p *parser) leave() { p.depth-- }

// ---- scopes (typedef names) ----

func (p *parser) pushScope() { p.scopes = append(p.scopes, map[string]bool{}) }
func (p *parser) popScope()  { p.scopes = p.scopes[:len(p.scopes)-1] }

func (p *parser) declareName(name string, isTypedef bool) {
	if name != "" {
		p.scopes[len(p.scopes)-1][name] = isTypedef
	}
}

//go:noinline
func (p *parser) isTypedefName(name string) bool {
	for i := len(p.scopes) - 1; i >= 0; i-- {
		if v, ok := p.scopes[i][name]; ok {
			return v
		}
	}
	return false
}

var keywords = map[string]bool{
	"auto": true, "break": true, "case": true, "char": true, "const": true,
	"continue": true, "default": true, "do": true, "double": true, "else": true,
	"enum": true, "extern": true, "float": true, "for": true, "goto": true,
	"if": true, "inline": true, "int": true, "long": true, "register": true,
	"restrict": true, "return": true, "short": true, "signed": true,
	"sizeof": true, "static": true, "struct": true, "switch": true,
	"typedef": true, "union": true, "unsigned": true, "void": true,
	"volatile": true, "while": true, "_Bool": true,
}

var typeWords = map[string]bool{
	"void": true, "char": true, "short": true, "int": true, "long": true,
	"signed": true, "unsigned": true, "_Bool": true, "bool": true,
	"float": true, "double": true,
	"__signed__": true, "__int128": true,
}

var qualWords = map[string]Qual{
	"const": Const, "volatile": Volatile, "__const": Const, "__volatile__": Volatile,
	"restrict": 0, "__restrict": 0, "__restrict__": 0,
}

// ignoredWords are specifiers accepted and dropped.
var ignoredWords = map[string]bool{
	"__extension__": true, "_Noreturn": true, "__inline": true, "__inline__": true,
	"register": false,
}

// isTypeStart reports whether t can begin a type name.
func (p *parser) isTypeStart(t Token) bool {
	if t.Kind != IDENT {
		return false
	}
	switch t.Text {
	case "struct", "union", "enum":
		return true
	}
	if typeWords[t.Text] || qualWords[t.Text] != 0 || t.Text == "restrict" {
		return true
	}
	return p.isTypedefName(t.Text)
}

func (p *parser) isDeclStart(t Token) bool {
	if p.isTypeStart(t) {
		return true
	}
	if t.Kind != IDENT {
		return false
	}
	switch t.Text {
	case "typedef", "extern", "static", "auto", "register", "inline", "__attribute__",
		"__extension__", "_Noreturn", "__inline", "__inline__", "_Static_assert":
		return true
	}
	return false
}

// ---- declarations ----

type specs struct {
	pos     Pos
	file    string
	storage Storage
	inline  bool
	typ     TypeExpr
}

// storageWords are the storage-class specifiers.
var storageWords = map[string]Storage{"typedef": Typedef, "extern": Extern, "static": Static, "auto": Auto, "register": Register}

// declSpecs parses declaration specifiers.
//
// RATIONALE: the loop is kept tiny and each word is handled by specWord,
// and the type it found is made by specType, to keep the hot functions
// small: V8 charges a wasm function's tier-up budget by the size of the
// machine code at each loop back edge and return, so with the switch in
// the loop this function (9 kB of wasm) was recompiled by the optimising
// compiler after a few dozen declarations, during the page's first load
// (see directive).
func (p *parser) declSpecs(allowStorage bool) specs {
	ds := declSpecState{s: specs{pos: p.tok.Pos, file: p.tok.File}, wordPos: p.tok.Pos, allowStorage: allowStorage}
	for p.tok.Kind == IDENT && p.specWord(&ds) {
	}
	ds.s.typ = p.specType(&ds)
	return ds.s
}

// declSpecState is what declSpecs has found so far.
type declSpecState struct {
	s            specs
	words        []string
	qual         Qual
	typ          TypeExpr
	wordPos      Pos
	allowStorage bool
}

// specKind classifies the words that can begin a declaration.
type specKind uint8

const (
	specNone      specKind = iota
	specStorage            // typedef, extern, static, auto, register
	specInline             // inline, __inline, __inline__
	specIgnored            // ignoredWords
	specAttribute          // __attribute__, asm and their spellings
	specQual               // qualWords
	specFloat              // float, double: not supported
	specTypeWord           // the other typeWords
	specTag                // struct, union, enum
)

// specKinds is the kind of each specifier word, from the tables above
// (where two claim a word, the later one here wins, in the order the
// parser always tested them: storage before inline before ignored, and
// float before the other type words).
var specKinds = func() map[string]specKind {
	m := map[string]specKind{}
	for w := range typeWords {
		m[w] = specTypeWord
	}
	m["float"], m["double"] = specFloat, specFloat
	for w := range qualWords {
		m[w] = specQual
	}
	for w, ignored := range ignoredWords {
		if ignored {
			m[w] = specIgnored
		}
	}
	for _, w := range []string{"inline", "__inline", "__inline__"} {
		m[w] = specInline
	}
	for _, w := range []string{"__attribute__", "__asm__", "asm", "__asm"} {
		m[w] = specAttribute
	}
	for w := range storageWords {
		m[w] = specStorage
	}
	for _, w := range []string{"struct", "union", "enum"} {
		m[w] = specTag
	}
	return m
}()

// specWord takes the specifier at p.tok (an identifier) into ds, or
// reports false when it is not one (the declarator begins).
func (p *parser) specWord(ds *declSpecState) bool {
	t := p.tok
	w := t.Text
	switch specKinds[w] {
	case specStorage:
		p.storageWord(ds, w)
	case specInline:
		ds.s.inline = true
	case specIgnored:
	case specAttribute:
		p.skipAttribute()
		return true
	case specQual:
		ds.qual |= qualWords[w]
	case specFloat:
		p.error("floating point is not supported in mmplay")
	case specTypeWord:
		if w == "bool" && (ds.typ != nil || len(ds.words) > 0) {
			// "typedef _Bool bool;" in a header: bool is already _Bool
			return false
		}
		p.typeWord(ds, t)
	case specTag:
		p.tagType(ds, w)
		return true
	default:
		if ds.typ != nil || len(ds.words) > 0 || !p.isTypedefName(w) {
			return false
		}
		ds.typ = &NamedType{NamePos: t.Pos, Name: w}
	}
	p.next()
	return true
}

func (p *parser) storageWord(ds *declSpecState, w string) {
	if !ds.allowStorage {
		p.error("storage class '%s' not allowed here", w)
	}
	if ds.s.storage != NoStorage {
		p.error("more than one storage class")
	}
	ds.s.storage = storageWords[w]
}

func (p *parser) typeWord(ds *declSpecState, t Token) {
	if ds.typ != nil {
		p.error("two or more data types in declaration specifiers")
	}
	if len(ds.words) == 0 {
		ds.wordPos = t.Pos
	}
	w := t.Text
	if w == "bool" {
		w = "_Bool"
	}
	ds.words = append(ds.words, w)
}

// tagType parses a struct, union or enum type.
func (p *parser) tagType(ds *declSpecState, w string) {
	if ds.typ != nil || len(ds.words) > 0 {
		p.error("two or more data types in declaration specifiers")
	}
	if w == "enum" {
		ds.typ = p.enumType()
	} else {
		ds.typ = p.structType()
	}
}

// specType is the type declSpecs found: typ (a struct, enum or typedef
// name) or the type words, with the qualifiers.
func (p *parser) specType(ds *declSpecState) TypeExpr {
	switch {
	case ds.typ != nil:
		switch t := ds.typ.(type) {
		case *NamedType:
			t.Qual |= ds.qual
		case *StructType:
			t.Qual |= ds.qual
		case *EnumType:
			t.Qual |= ds.qual
		}
		return ds.typ
	case len(ds.words) > 0:
		return &BaseType{TypePos: ds.wordPos, Words: ds.words, Qual: ds.qual}
	default:
		if ds.s.storage == NoStorage && ds.qual == 0 && !ds.s.inline {
			p.error("expected a type, found %s", describe(p.tok))
		}
		// "static x;" / "const x;": implicit int, as old C allows
		return &BaseType{TypePos: ds.s.pos, Words: []string{"int"}, Qual: ds.qual}
	}
}

func (p *parser) skipAttribute() {
	p.next()
	for p.tok.Kind == IDENT && (p.tok.Text == "__volatile__" || p.tok.Text == "volatile") {
		p.next()
	}
	if p.tok.Kind != LPAREN {
		return
	}
	depth := 0
	for {
		switch p.tok.Kind {
		case LPAREN:
			depth++
		case RPAREN:
			depth--
		case EOF:
			p.error("unterminated __attribute__")
		}
		p.next()
		if depth == 0 {
			return
		}
	}
}

func (p *parser) structType() TypeExpr {
	kw := p.tok
	p.next()
	for p.tok.Kind == IDENT && p.tok.Text == "__attribute__" {
		p.skipAttribute()
	}
	st := &StructType{KwPos: kw.Pos, Union: kw.Text == "union"}
	if p.tok.Kind == IDENT && !keywords[p.tok.Text] {
		st.Tag = p.tok.Text
		p.next()
	}
	if p.tok.Kind != LBRACE {
		if st.Tag == "" {
			p.error("expected '{' or a tag name after '%s'", kw.Text)
		}
		return st
	}
	p.enter()
	defer p.leave()
	p.next()
	st.HasBody = true
	st.Fields = []*Field{}
	for p.tok.Kind != RBRACE {
		if p.tok.Kind == EOF {
			p.error("expected '}' to close the %s", kw.Text)
		}
		if p.tok.Kind == SEMI {
			p.next()
			continue
		}
		sp := p.declSpecs(false)
		if p.tok.Kind == SEMI {
			// anonymous struct/union member, or a useless declaration
			if inner, ok := sp.typ.(*StructType); ok && inner.Tag == "" {
				st.Fields = append(st.Fields, &Field{NamePos: inner.KwPos, Type: inner})
			}
			p.next()
			continue
		}
		for {
			f := &Field{NamePos: p.tok.Pos}
			if p.tok.Kind == COLON {
				f.Type = sp.typ
			} else {
				f.Name, f.NamePos, f.Type = p.declarator(sp.typ, false)
			}
			if p.tok.Kind == COLON {
				p.next()
				f.Bits = p.condExpr()
			}
			for p.tok.Kind == IDENT && p.tok.Text == "__attribute__" {
				p.skipAttribute()
			}
			st.Fields = append(st.Fields, f)
			if p.tok.Kind != COMMA {
				break
			}
			p.next()
		}
		p.expect(SEMI, "after a member declaration")
	}
	p.next()
	for p.tok.Kind == IDENT && p.tok.Text == "__attribute__" {
		p.skipAttribute()
	}
	return st
}

func (p *parser) enumType() TypeExpr {
	kw := p.tok
	p.next()
	et := &EnumType{KwPos: kw.Pos}
	if p.tok.Kind == IDENT && !keywords[p.tok.Text] {
		et.Tag = p.tok.Text
		p.next()
	}
	if p.tok.Kind != LBRACE {
		if et.Tag == "" {
			p.error("expected '{' or a tag name after 'enum'")
		}
		return et
	}
	p.next()
	et.HasBody = true
	for p.tok.Kind != RBRACE {
		if p.tok.Kind != IDENT || keywords[p.tok.Text] {
			p.error("expected an enumerator name, found %s", describe(p.tok))
		}
		e := &Enumerator{NamePos: p.tok.Pos, Name: p.tok.Text}
		p.declareName(e.Name, false)
		p.next()
		if p.tok.Kind == ASSIGN {
			p.next()
			e.Value = p.condExpr()
		}
		et.Values = append(et.Values, e)
		if p.tok.Kind != COMMA {
			break
		}
		p.next()
	}
	p.expect(RBRACE, "to close the enum")
	return et
}

// hole marks where the outer type goes inside a parenthesized
// declarator such as (*fp)(int).
type hole struct{ at Pos }

func (h *hole) Pos() Pos { return h.at }
func (*hole) typeNode()  {}
func isHole(t TypeExpr) bool {
	_, ok := t.(*hole)
	return ok
}

// fill replaces the hole inside t by base.
func fill(t TypeExpr, base TypeExpr) TypeExpr {
	switch x := t.(type) {
	case *hole:
		return base
	case *PointerType:
		x.Elem = fill(x.Elem, base)
	case *ArrayType:
		x.Elem = fill(x.Elem, base)
	case *FuncType:
		x.Result = fill(x.Result, base)
	}
	return t
}

// declarator parses a (possibly abstract) declarator around base.
//
// RATIONALE: its parts are functions of their own (pointers,
// nestedDeclarator), to keep the hot function small: see directive.
func (p *parser) declarator(base TypeExpr, abstract bool) (string, Pos, TypeExpr) {
	p.enter()
	defer p.leave()
	if p.tok.Kind == MUL {
		base = p.pointers(base)
	}
	if p.tok.Kind == LPAREN && p.nestedDeclaratorAhead(abstract) {
		return p.nestedDeclarator(base, abstract)
	}
	namePos := p.tok.Pos
	name := p.declaratorName(abstract)
	p.skipAttributes()
	return name, namePos, p.suffixes(base)
}

// declaratorName parses a declarator's name ("" in an abstract one).
func (p *parser) declaratorName(abstract bool) string {
	if p.tok.Kind == IDENT && !p.isTypeStart(p.tok) || p.tok.Kind == IDENT && p.tok.Text == "bool" {
		if keywords[p.tok.Text] {
			p.error("expected a name, found %s", describe(p.tok))
		}
		name := p.tok.Text
		p.next()
		return name
	}
	if !abstract {
		p.error("expected a name in the declaration, found %s", describe(p.tok))
	}
	return ""
}

// skipAttributes skips the __attribute__((...)) and asm("...") after a
// declarator's name.
func (p *parser) skipAttributes() {
	for p.tok.Kind == IDENT && (p.tok.Text == "__attribute__" || p.tok.Text == "__asm__" || p.tok.Text == "asm") {
		p.skipAttribute()
	}
}

// pointers parses the '*'s (with their qualifiers) of a declarator.
func (p *parser) pointers(base TypeExpr) TypeExpr {
	for p.tok.Kind == MUL {
		pt := &PointerType{StarPos: p.tok.Pos, Elem: base}
		p.next()
		for p.tok.Kind == IDENT {
			if q, ok := qualWords[p.tok.Text]; ok {
				pt.Qual |= q
				p.next()
				continue
			}
			if p.tok.Text == "__attribute__" {
				p.skipAttribute()
				continue
			}
			break
		}
		base = pt
	}
	return base
}

// nestedDeclaratorAhead reports whether the '(' at p.tok opens a nested
// declarator ("(*fp)(int)") rather than a parameter list.
func (p *parser) nestedDeclaratorAhead(abstract bool) bool {
	return p.peek(1).Kind == MUL || p.peek(1).Kind == LPAREN && !abstract ||
		!abstract && p.peek(1).Kind == IDENT && !p.isTypeStart(p.peek(1))
}

// nestedDeclarator parses "( declarator ) suffixes" around base.
func (p *parser) nestedDeclarator(base TypeExpr, abstract bool) (string, Pos, TypeExpr) {
	p.next()
	h := &hole{p.tok.Pos}
	name, namePos, inner := p.declarator(h, abstract)
	p.expect(RPAREN, "to close the declarator")
	base = p.suffixes(base)
	return name, namePos, fill(inner, base)
}

// suffixes applies array and function suffixes: the first suffix is the
// outermost type (int a[2][3] is an array of 2 arrays of 3 ints).
func (p *parser) suffixes(base TypeExpr) TypeExpr {
	type suffix struct {
		arr *ArrayType
		fn  *FuncType
	}
	var sfx []suffix
	for {
		switch p.tok.Kind {
		case LBRACK:
			at := &ArrayType{Lbrack: p.tok.Pos}
			p.next()
			for p.tok.Kind == IDENT && (p.tok.Text == "static" || qualWords[p.tok.Text] != 0) {
				p.next()
			}
			if p.tok.Kind != RBRACK {
				at.Len = p.assignExpr()
			}
			p.expect(RBRACK, "to close the array size")
			sfx = append(sfx, suffix{arr: at})
			continue
		case LPAREN:
			sfx = append(sfx, suffix{fn: p.params()})
			continue
		}
		break
	}
	for i := len(sfx) - 1; i >= 0; i-- {
		if a := sfx[i].arr; a != nil {
			a.Elem = base
			base = a
		} else {
			sfx[i].fn.Result = base
			base = sfx[i].fn
		}
	}
	return base
}

func (p *parser) params() *FuncType {
	ft := &FuncType{Lparen: p.tok.Pos}
	p.next()
	if p.tok.Kind == RPAREN {
		ft.NoProto = true
		p.next()
		return ft
	}
	if p.tok.Kind == IDENT && p.tok.Text == "void" && p.peek(1).Kind == RPAREN {
		p.next()
		p.next()
		return ft
	}
	for {
		if p.tok.Kind == ELLIPSIS {
			ft.Variadic = true
			p.next()
			break
		}
		if !p.isDeclStart(p.tok) {
			if p.tok.Kind == IDENT && !keywords[p.tok.Text] {
				p.error("unknown type name '%s'", p.tok.Text)
			}
			p.error("expected a parameter declaration, found %s", describe(p.tok))
		}
		sp := p.declSpecs(true)
		prm := &Param{NamePos: p.tok.Pos}
		prm.Name, prm.NamePos, prm.Type = p.declarator(sp.typ, true)
		if prm.Name == "" {
			prm.NamePos = sp.pos
		}
		ft.Params = append(ft.Params, prm)
		if p.tok.Kind != COMMA {
			break
		}
		p.next()
	}
	p.expect(RPAREN, "to close the parameter list")
	return ft
}

// externalDecl parses one top-level declaration or function definition.
func (p *parser) externalDecl() []*Decl {
	if p.tok.Kind == SEMI {
		p.next()
		return nil
	}
	if p.tok.Kind == IDENT && p.tok.Text == "_Static_assert" {
		p.skipAttribute()
		p.expect(SEMI, "after _Static_assert")
		return nil
	}
	if !p.isDeclStart(p.tok) {
		if p.tok.Kind == IDENT && !keywords[p.tok.Text] {
			nt := p.peek(1)
			if nt.Kind == IDENT || nt.Kind == MUL {
				p.error("unknown type name '%s'", p.tok.Text)
			}
			if nt.Kind == LPAREN {
				p.error("expected a declaration: '%s(...)' needs a return type (e.g. 'int %s(void)'), or a statement belongs inside a function", p.tok.Text, p.tok.Text)
			}
		}
		p.error("expected a declaration, found %s", describe(p.tok))
	}
	return p.declaration(true)
}

// declaration parses specifiers and a list of declarators. At top level
// a function declarator followed by '{' is a definition.
func (p *parser) declaration(top bool) []*Decl {
	sp := p.declSpecs(true)
	if p.tok.Kind == SEMI {
		p.next()
		return []*Decl{{File: sp.file, Storage: sp.storage, Type: sp.typ}}
	}
	var decls []*Decl
	for {
		d := &Decl{File: sp.file, Storage: sp.storage, Inline: sp.inline}
		d.Name, d.NamePos, d.Type = p.declarator(sp.typ, false)
		p.declareName(d.Name, sp.storage == Typedef)
		if ft, ok := d.Type.(*FuncType); ok && p.tok.Kind == LBRACE {
			if !top {
				p.error("function definitions are not allowed inside a function")
			}
			if len(decls) > 0 {
				p.error("a function definition cannot share a declaration with others")
			}
			p.pushScope()
			for _, prm := range ft.Params {
				p.declareName(prm.Name, false)
			}
			d.Body = p.block()
			p.popScope()
			return []*Decl{d}
		}
		if p.tok.Kind == ASSIGN {
			p.next()
			d.Init = p.initializer()
		}
		decls = append(decls, d)
		if p.tok.Kind != COMMA {
			break
		}
		p.next()
	}
	if p.tok.Kind != SEMI {
		p.error("expected ';' after the declaration, found %s", describe(p.tok))
	}
	p.next()
	return decls
}

func (p *parser) initializer() Expr {
	if p.tok.Kind != LBRACE {
		return p.assignExpr()
	}
	p.enter()
	defer p.leave()
	il := &InitList{Lbrace: p.tok.Pos}
	p.next()
	for p.tok.Kind != RBRACE {
		el := &InitElem{}
		for p.tok.Kind == DOT || p.tok.Kind == LBRACK {
			d := Designator{DesPos: p.tok.Pos}
			if p.tok.Kind == DOT {
				p.next()
				if p.tok.Kind != IDENT {
					p.error("expected a field name after '.', found %s", describe(p.tok))
				}
				d.Field = p.tok.Text
				p.next()
			} else {
				p.next()
				d.Index = p.condExpr()
				p.expect(RBRACK, "to close the designator")
			}
			el.Designators = append(el.Designators, d)
		}
		if len(el.Designators) > 0 {
			p.expect(ASSIGN, "after the designator")
		}
		el.Value = p.initializer()
		il.Elems = append(il.Elems, el)
		if p.tok.Kind != COMMA {
			break
		}
		p.next()
	}
	p.expect(RBRACE, "to close the initializer")
	return il
}

// typeName parses a type in a cast or sizeof.
func (p *parser) typeName() *TypeName {
	pos := p.tok.Pos
	sp := p.declSpecs(false)
	_, _, t := p.declarator(sp.typ, true)
	return &TypeName{TypePos: pos, Type: t}
}
