package check

import (
	"sort"

	"mmplay/engine/cc/syntax"
)

// Config is what the caller tells the checker about the world outside
// the snippet.
type Config struct {
	// IsBuiltin reports whether a declared-but-undefined function is
	// provided by mmplay (malloc, printf, kmalloc, ...). A snippet that
	// uses any other undefined function fails like a link would:
	// "undefined reference to `foo'".
	IsBuiltin func(name string) bool
	// Hint returns advice for an undeclared name ("kmalloc is a kernel
	// function; user programs call malloc"), or "".
	Hint func(name string) string
	// IsExtern reports whether a variable declared extern and never
	// defined is provided by the host (libc's stdout, say): references
	// to it then use the address the host gives (Var.Extern). An extern
	// variable that is never used needs nothing; a used one that is
	// neither defined nor provided fails like a link would.
	IsExtern func(name string) bool
}

// Limits of the checked program.
const (
	// MaxObjectSize bounds any one object (array or struct): 1 GiB.
	MaxObjectSize = 1 << 30
	// MaxImageSize bounds .rodata + .data together (their bytes are
	// built in Go memory); .bss is only mapped and may be larger.
	MaxImageSize = 64 << 20
	maxErrors    = 30
)

type entKind uint8

const (
	entVar entKind = iota
	entFunc
	entTypedef
	entEnum
)

type entity struct {
	kind entKind
	v    *Var
	f    *Func
	t    *Type
	c    int64
	pos  syntax.Pos
}

type scope struct {
	parent *scope
	names  map[string]*entity
	tags   map[string]*Type
	frame  *frameBlock // its locals, inside a function (frame.go)
}

func newScope(parent *scope) *scope {
	return &scope{parent: parent, names: map[string]*entity{}, tags: map[string]*Type{}}
}

func (s *scope) lookup(name string) *entity {
	for ; s != nil; s = s.parent {
		if e := s.names[name]; e != nil {
			return e
		}
	}
	return nil
}

func (s *scope) lookupTag(name string) *Type {
	for ; s != nil; s = s.parent {
		if t := s.tags[name]; t != nil {
			return t
		}
	}
	return nil
}

type checker struct {
	conf   Config
	errs   *syntax.ErrorList
	nerrs  int
	file   string
	prog   *Program
	global *scope
	sc     *scope

	// the function being checked
	fn       *Func
	fnScope  *scope // the function's outermost scope (parameters, body)
	fnLocals []*Var // its block-scope locals, in declaration order
	frameSum int64  // their total size so far, to stop a huge frame early
	loops    int
	switches int
	// unevaluated > 0 inside the operand of sizeof: names there are
	// not references a linker would see
	unevaluated int
	temps       []*Var                    // hidden slots of the function's struct-returning calls
	plt         map[*Func]map[string]bool // the names each direct call of a function goes by (globals.go)
	inSwitch    bool                      // directly inside a switch body's statement list
	strs        map[string]*String
	records     map[*syntax.StructType]*Type
	enums       map[*syntax.EnumType]*Type
	funcOrder   []*Func // every declared file-scope function, in order
}

// bail stops checking after too many errors.
type bail struct{}

// Check type-checks a parsed file and lays out its storage. The program
// is usable only when the returned list has no errors (warnings may be
// present).
func Check(f *syntax.File, conf Config) (prog *Program, errs syntax.ErrorList) {
	c := &checker{
		conf:    conf,
		errs:    &errs,
		prog:    &Program{Decls: map[string]*Func{}},
		strs:    map[string]*String{},
		records: map[*syntax.StructType]*Type{},
		enums:   map[*syntax.EnumType]*Type{},
	}
	c.global = newScope(nil)
	c.sc = c.global
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(bail); !ok {
					panic(r)
				}
			}
		}()
		for _, d := range f.Decls {
			c.file = d.File
			c.topDecl(d)
		}
		c.finish()
	}()
	return c.prog, errs
}

func (c *checker) errorf(pos syntax.Pos, format string, args ...any) {
	c.errs.Add(c.file, pos, format, args...)
	c.nerrs++
	if c.nerrs >= maxErrors {
		panic(bail{})
	}
}

func (c *checker) errorHint(pos syntax.Pos, hint, format string, args ...any) {
	c.errorf(pos, format, args...)
	(*c.errs)[len(*c.errs)-1].Hint = hint
}

func (c *checker) warnf(pos syntax.Pos, format string, args ...any) {
	c.errs.Warn(c.file, pos, format, args...)
}

func alignUp(n, a int64) int64 {
	if a <= 1 {
		return n
	}
	return (n + a - 1) / a * a
}

// ---- types ----

func (c *checker) resolveType(te syntax.TypeExpr) *Type {
	switch te := te.(type) {
	case *syntax.BaseType:
		t := c.baseType(te)
		if te.Qual&syntax.Const != 0 {
			t = withConst(t)
		}
		return t
	case *syntax.NamedType:
		e := c.sc.lookup(te.Name)
		if e == nil || e.kind != entTypedef {
			c.errorf(te.NamePos, "unknown type name '%s'", te.Name)
			return TInt
		}
		if te.Qual&syntax.Const != 0 {
			return withConst(e.t)
		}
		return e.t
	case *syntax.StructType:
		t := c.structType(te)
		if te.Qual&syntax.Const != 0 {
			t = withConst(t)
		}
		return t
	case *syntax.EnumType:
		t := c.enumType(te)
		if te.Qual&syntax.Const != 0 {
			t = withConst(t)
		}
		return t
	case *syntax.PointerType:
		t := PointerTo(c.resolveType(te.Elem))
		if te.Qual&syntax.Const != 0 {
			t.Const = true
		}
		return t
	case *syntax.ArrayType:
		return c.arrayType(te)
	case *syntax.FuncType:
		return c.funcType(te)
	}
	panic("check: unknown type expression")
}

// arrayType resolves an array type expression (its own function, like
// funcType, to keep resolveType small: see syntax's directive).
func (c *checker) arrayType(te *syntax.ArrayType) *Type {
	elem := c.resolveType(te.Elem)
	if !elem.IsComplete() {
		c.errorf(te.Lbrack, "array of incomplete type '%s'", elem)
		elem = TChar
	}
	n := int64(-1)
	if te.Len != nil {
		x := c.rvalue(te.Len)
		k, ok := x.(*Const)
		_, isBad := x.(*Bad)
		switch {
		case isBad:
			n = 1
		case !ok || !x.Type().IsInteger():
			c.errorf(te.Len.Pos(), "array size must be an integer constant (variable-length arrays are not supported in mmplay)")
			n = 1
		case x.Type().IsSigned() && int64(k.V) < 0:
			c.errorf(te.Len.Pos(), "size of array is negative")
			n = 1
		default:
			n = int64(k.V)
			if n > MaxObjectSize || elem.Size() > 0 && n*elem.Size() > MaxObjectSize || n < 0 {
				c.errorf(te.Len.Pos(), "array is too large (mmplay's limit is %d bytes per object)", MaxObjectSize)
				n = 1
			}
		}
	}
	return &Type{Kind: Array, Elem: elem, Len: n}
}

// funcType resolves a function type expression.
func (c *checker) funcType(te *syntax.FuncType) *Type {
	res := c.resolveType(te.Result)
	if res.Kind == Array || res.Kind == FuncKind {
		c.errorf(te.Lparen, "a function cannot return an array or a function")
		res = TInt
	}
	sig := &Signature{Result: res, Variadic: te.Variadic, NoProto: te.NoProto}
	for _, p := range te.Params {
		pt := c.resolveType(p.Type)
		switch pt.Kind {
		case Array:
			pt = PointerTo(pt.Elem)
		case FuncKind:
			pt = PointerTo(pt)
		case Void:
			c.errorf(p.NamePos, "parameter has type void")
			pt = TInt
		}
		sig.Params = append(sig.Params, pt)
		sig.Names = append(sig.Names, p.Name)
	}
	return &Type{Kind: FuncKind, Sig: sig}
}

func (c *checker) baseType(te *syntax.BaseType) *Type {
	var signed, unsigned, char, short, int_, long, void, boolean, other int
	for _, w := range te.Words {
		switch w {
		case "signed", "__signed__":
			signed++
		case "unsigned":
			unsigned++
		case "char":
			char++
		case "short":
			short++
		case "int":
			int_++
		case "long":
			long++
		case "void":
			void++
		case "_Bool":
			boolean++
		default:
			other++
		}
	}
	bad := func() *Type {
		c.errorf(te.TypePos, "invalid combination of type specifiers '%s'", joinWords(te.Words))
		return TInt
	}
	if other > 0 || signed+unsigned > 1 || int_ > 1 || char > 1 || short > 1 || long > 2 ||
		void+boolean+char+short+int_+long+signed+unsigned == 0 {
		if other > 0 {
			c.errorf(te.TypePos, "type '%s' is not supported in mmplay", joinWords(te.Words))
			return TInt
		}
		return bad()
	}
	if void > 0 || boolean > 0 {
		if len(te.Words) != 1 {
			return bad()
		}
		if void > 0 {
			return TVoid
		}
		return TBool
	}
	switch {
	case char > 0:
		if short+long+int_ > 0 {
			return bad()
		}
		switch {
		case unsigned > 0:
			return TUChar
		case signed > 0:
			return TSChar
		}
		return TChar
	case short > 0:
		if long > 0 {
			return bad()
		}
		if unsigned > 0 {
			return TUShort
		}
		return TShort
	case long == 1:
		if unsigned > 0 {
			return TULong
		}
		return TLong
	case long == 2:
		if unsigned > 0 {
			return TULongLong
		}
		return TLongLong
	}
	if unsigned > 0 {
		return TUInt
	}
	return TInt
}

func joinWords(w []string) string {
	s := ""
	for i, x := range w {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s
}

func (c *checker) structType(te *syntax.StructType) *Type {
	if t := c.records[te]; t != nil {
		return t
	}
	kw := "struct"
	if te.Union {
		kw = "union"
	}
	var t *Type
	if te.Tag != "" {
		if te.HasBody {
			if old := c.sc.tags[te.Tag]; old != nil {
				if old.Kind != Struct || old.Rec.Union != te.Union {
					c.errorf(te.KwPos, "'%s' defined as the wrong kind of tag", te.Tag)
				} else if old.Rec.Complete {
					c.errorf(te.KwPos, "redefinition of '%s %s'", kw, te.Tag)
				} else {
					t = old
				}
			}
		} else if old := c.sc.lookupTag(te.Tag); old != nil {
			if old.Kind != Struct || old.Rec.Union != te.Union {
				c.errorf(te.KwPos, "'%s' defined as the wrong kind of tag", te.Tag)
				return old
			}
			c.records[te] = old
			return old
		}
	}
	if t == nil {
		t = &Type{Kind: Struct, Rec: &Record{Tag: te.Tag, Union: te.Union}}
		if te.Tag != "" {
			c.sc.tags[te.Tag] = t
		}
	}
	c.records[te] = t
	if !te.HasBody {
		return t
	}
	rec := t.Rec
	var off, align int64 = 0, 1
	seen := map[string]bool{}
	for _, f := range te.Fields {
		ft := c.resolveType(f.Type)
		if f.Bits != nil {
			c.errorf(f.NamePos, "bit-fields are not supported in mmplay")
		}
		if ft.Kind == FuncKind {
			c.errorf(f.NamePos, "field '%s' declared as a function", f.Name)
			ft = PointerTo(ft)
		}
		if !ft.IsComplete() {
			// a flexible array member at the end is allowed
			if ft.Kind == Array && ft.Len < 0 && f == te.Fields[len(te.Fields)-1] && !te.Union {
				ft = &Type{Kind: Array, Elem: ft.Elem, Len: 0}
			} else {
				c.errorf(f.NamePos, "field '%s' has incomplete type '%s'", f.Name, ft)
				ft = TInt
			}
		}
		if f.Name != "" {
			if seen[f.Name] {
				c.errorf(f.NamePos, "duplicate member '%s'", f.Name)
			}
			seen[f.Name] = true
		}
		a := ft.Align()
		if a > align {
			align = a
		}
		fo := int64(0)
		if !te.Union {
			fo = alignUp(off, a)
			off = fo + ft.Size()
		} else if ft.Size() > off {
			off = ft.Size()
		}
		rec.Fields = append(rec.Fields, Field{Name: f.Name, Type: ft, Offset: fo})
		if off > MaxObjectSize {
			c.errorf(f.NamePos, "%s is too large", kw)
			off = 0
		}
	}
	rec.Size = alignUp(off, align)
	rec.Align = align
	rec.Complete = true
	return t
}

func (c *checker) enumType(te *syntax.EnumType) *Type {
	if t := c.enums[te]; t != nil {
		return t
	}
	t := &Type{Kind: Int, Enum: te.Tag}
	if te.Tag == "" {
		t.Enum = "<anonymous>"
	}
	if !te.HasBody {
		if old := c.sc.lookupTag(te.Tag); old != nil {
			c.enums[te] = old
			return old
		}
	}
	if te.Tag != "" {
		if old := c.sc.tags[te.Tag]; old != nil && te.HasBody && old.Enum != "" && old.Kind == Int {
			c.errorf(te.KwPos, "redefinition of 'enum %s'", te.Tag)
		}
		c.sc.tags[te.Tag] = t
	}
	c.enums[te] = t
	var next int64
	for _, e := range te.Values {
		if e.Value != nil {
			x := c.rvalue(e.Value)
			k, ok := x.(*Const)
			if !ok || !x.Type().IsInteger() {
				c.errorf(e.Value.Pos(), "enumerator value for '%s' is not an integer constant", e.Name)
			} else {
				next = int64(k.V)
				if !x.Type().IsSigned() && x.Type().Size() == 4 {
					next = int64(uint32(k.V))
				}
			}
		}
		if next != int64(int32(next)) {
			c.errorf(e.NamePos, "enumerator value for '%s' does not fit in int", e.Name)
		}
		c.declare(e.Name, &entity{kind: entEnum, c: next, pos: e.NamePos})
		next++
	}
	return t
}

// declare adds a name to the current scope; redeclaring in the same
// scope is an error unless the caller merged it first.
func (c *checker) declare(name string, e *entity) {
	if name == "" {
		return
	}
	if old := c.sc.names[name]; old != nil {
		c.errorf(e.pos, "redefinition of '%s' (previous declaration at %s)", name, old.pos)
		return
	}
	c.sc.names[name] = e
}

// ---- declarations ----

func (c *checker) topDecl(d *syntax.Decl) {
	if d.Name == "" {
		switch d.Type.(type) {
		case *syntax.StructType, *syntax.EnumType:
			c.resolveType(d.Type)
		default:
			c.warnf(d.Pos(), "declaration does not declare anything")
		}
		return
	}
	t := c.resolveType(d.Type)
	if d.Storage == syntax.Typedef {
		c.typedef(d, t)
		return
	}
	if t.Kind == FuncKind {
		f := c.declareFunc(d, t)
		if d.Body != nil {
			c.defineFunc(f, d)
		}
		return
	}
	c.globalVar(d, t)
}

func (c *checker) typedef(d *syntax.Decl, t *Type) {
	if old := c.sc.names[d.Name]; old != nil && old.kind == entTypedef {
		if !Same(old.t, t) {
			c.errorf(d.NamePos, "conflicting types for typedef '%s' ('%s' vs '%s')", d.Name, t, old.t)
		}
		return
	}
	c.declare(d.Name, &entity{kind: entTypedef, t: t, pos: d.NamePos})
}

func (c *checker) declareFunc(d *syntax.Decl, t *Type) *Func {
	if d.Body != nil && t.Sig.Variadic {
		c.errorf(d.NamePos, "variadic function definitions are not supported in mmplay")
	}
	if old := c.global.names[d.Name]; old != nil {
		if old.kind != entFunc {
			c.errorf(d.NamePos, "'%s' redeclared as a different kind of symbol (previous declaration at %s)", d.Name, old.pos)
			return &Func{Name: d.Name, Type: t}
		}
		f := old.f
		if !Same(f.Type, t) {
			c.errorf(d.NamePos, "conflicting types for '%s': '%s' here, '%s' at %s", d.Name, t, f.Type, old.pos)
		} else if f.Type.Sig.NoProto && !t.Sig.NoProto {
			f.Type = t // the prototype completes an old-style declaration
		}
		return f
	}
	f := &Func{Name: d.Name, Type: t, Pos: d.NamePos, File: d.File}
	c.global.names[d.Name] = &entity{kind: entFunc, f: f, pos: d.NamePos}
	c.prog.Decls[d.Name] = f
	c.funcOrder = append(c.funcOrder, f)
	return f
}

func (c *checker) defineFunc(f *Func, d *syntax.Decl) {
	if f.Defined {
		c.errorf(d.NamePos, "redefinition of '%s'", f.Name)
		return
	}
	f.Defined = true
	f.Type = c.resolveType(d.Type) // parameter names from the definition
	f.Pos, f.File = d.NamePos, d.File
	sig := f.Type.Sig
	if f.Name == "main" {
		c.checkMain(f, d)
	}
	c.fn = f
	c.fnLocals, c.frameSum = nil, 0
	c.temps = c.temps[:0]
	c.sc = newScope(c.global)
	c.fnScope = c.sc
	defer func() {
		c.sc = c.global
		c.fn = nil
	}()
	if res := sig.Result; res.Kind == Struct {
		if !res.IsComplete() {
			c.errorf(d.NamePos, "return type of '%s' is the incomplete type '%s'", f.Name, res)
		} else if res.Size() > 16 {
			// MEMORY class (psABI 3.2.3): the hidden pointer arrives in
			// rdi and -O0 spills it like a first parameter
			f.SretOffset = 8 // placed by layoutFrame
		}
	}
	ft := d.Type.(*syntax.FuncType)
	for i, pt := range sig.Params {
		name := sig.Names[i]
		pos := ft.Params[i].NamePos
		if name == "" {
			c.errorf(pos, "parameter %d of '%s' has no name", i+1, f.Name)
			continue
		}
		if !pt.IsComplete() {
			c.errorf(pos, "parameter '%s' has incomplete type '%s'", name, pt)
		}
		f.Params = append(f.Params, c.param(name, pt, pos))
	}
	f.Body = c.blockIn(d.Body, false)
	c.layoutFrame(f, c.fnScope.frame)
	c.prog.Funcs = append(c.prog.Funcs, f)
}

func (c *checker) checkMain(f *Func, d *syntax.Decl) {
	sig := f.Type.Sig
	if sig.Result.Kind != Int {
		c.errorf(d.NamePos, "'main' must return 'int'")
	}
	switch len(sig.Params) {
	case 0:
	case 2:
		if !sig.Params[0].IsInteger() || sig.Params[1].Kind != Pointer {
			c.errorf(d.NamePos, "'main' takes (void) or (int argc, char **argv)")
		}
	default:
		c.errorf(d.NamePos, "'main' takes (void) or (int argc, char **argv)")
	}
}

func (c *checker) globalVar(d *syntax.Decl, t *Type) {
	if t.Kind == Void {
		c.errorf(d.NamePos, "variable '%s' declared void", d.Name)
		return
	}
	if old := c.sc.names[d.Name]; old != nil {
		if old.kind != entVar {
			c.errorf(d.NamePos, "'%s' redeclared as a different kind of symbol (previous declaration at %s)", d.Name, old.pos)
			return
		}
		v := old.v
		if !Same(v.Type, t) {
			c.errorf(d.NamePos, "conflicting types for '%s': '%s' here, '%s' at %s", d.Name, t, v.Type, old.pos)
			return
		}
		if v.Type.Kind == Array && v.Type.Len < 0 && t.Len >= 0 {
			v.Type = t
		}
		if d.Init != nil {
			if v.Init != nil {
				c.errorf(d.NamePos, "redefinition of '%s'", d.Name)
				return
			}
			v.Init = c.initGlobal(v, d.Init)
		}
		if d.Storage != syntax.Extern {
			v.Defined = true
		}
		return
	}
	v := &Var{Name: d.Name, Type: t, Pos: d.NamePos, File: d.File, Global: true, Defined: d.Storage != syntax.Extern}
	c.declare(d.Name, &entity{kind: entVar, v: v, pos: d.NamePos})
	c.prog.Globals = append(c.prog.Globals, v)
	if d.Init != nil {
		if d.Storage == syntax.Extern {
			c.warnf(d.NamePos, "'%s' initialized and declared 'extern'", d.Name)
			v.Defined = true
		}
		v.Init = c.initGlobal(v, d.Init)
	}
}

// initGlobal checks a static-storage initializer (constants and
// addresses only; checked at layout time).
func (c *checker) initGlobal(v *Var, init syntax.Expr) *Init {
	in := &Init{Zero: true}
	c.initObject(v.Type, init, 0, &in.Items, func(n int64) {
		if v.Type.Kind == Array && v.Type.Len < 0 {
			v.Type = &Type{Kind: Array, Elem: v.Type.Elem, Len: n, Const: v.Type.Const}
		}
	})
	return in
}

// finish places globals and strings, builds images and checks that
// every used function exists.
func (c *checker) finish() {
	p := c.prog
	// undefined functions
	var builtins []*Func
	for _, f := range c.funcOrder {
		if f.Defined || !f.Used {
			continue
		}
		c.file = f.File
		if c.conf.IsBuiltin != nil && c.conf.IsBuiltin(f.Name) {
			if f.Type.Sig.Result.Kind == Struct {
				c.errorf(f.usedPos, "'%s' returns a struct by value, which mmplay's builtins do not do", f.Name)
				continue
			}
			f.Builtin = true
			builtins = append(builtins, f)
			continue
		}
		hint := ""
		if c.conf.Hint != nil {
			hint = c.conf.Hint(f.Name)
		}
		c.errorHint(f.usedPos, hint, "undefined reference to `%s'", f.Name)
	}
	sort.Slice(builtins, func(i, j int) bool { return builtins[i].Name < builtins[j].Name })
	p.Builtins = builtins
	c.layoutGlobals()
	if p.RodataSize+p.DataSize > MaxImageSize {
		c.errorf(syntax.Pos{Line: 1, Col: 1}, "initialized data too large: %d bytes (mmplay's limit is %d; uninitialized arrays may be larger)", p.RodataSize+p.DataSize, MaxImageSize)
		return
	}
	c.buildImages()
}

// isConstObject reports whether an object is read-only as a whole: a
// const scalar, or an array/struct of const elements.
func isConstObject(t *Type) bool {
	switch t.Kind {
	case Array:
		return isConstObject(t.Elem)
	case Struct:
		if t.Const {
			return true
		}
		for _, f := range t.Rec.Fields {
			if !isConstObject(f.Type) {
				return false
			}
		}
		return len(t.Rec.Fields) > 0
	}
	return t.Const
}
