package interp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"mmplay/engine/arch"
	"mmplay/engine/cc/check"
	"mmplay/engine/cc/syntax"
)

// Options configure Compile.
type Options struct {
	// Headers resolves #include names to header text.
	Headers func(name string) (text string, ok bool)
	// Builtins are the functions mmplay provides: a snippet may declare
	// (through a header) and use exactly these without defining them.
	Builtins map[string]Builtin
	// Hint gives advice for an undeclared name, or "".
	Hint func(name string) string
	// MaxSourceBytes limits the snippet's size (0: DefaultMaxSourceBytes).
	MaxSourceBytes int
	// Externs are the variables the host provides (libc's stdin, stdout,
	// stderr): name → absolute address of the object in simulated
	// memory. A snippet that declares one extern and uses it without
	// defining it reads and writes at that address, as a program linked
	// against libc.so does through its GOT; the object is not part of the
	// snippet's sections. An extern the snippet uses that is neither
	// defined nor listed here is an "undefined reference".
	Externs map[string]uint64

	// noFuse compiles without the fused closures of fuse.go (tests
	// compare both ways).
	noFuse bool
}

// DefaultMaxSourceBytes is the source size limit when Options leaves it 0.
const DefaultMaxSourceBytes = 256 << 10

// TextSlot is the size of a function's slot in .text: function i (the
// snippet's functions in source order, then the builtins it uses, by
// name) has the address TextBase + i*TextSlot.
const TextSlot = 16

// Layout gives the base address of each section; the loader chooses it.
type Layout struct {
	TextBase, RodataBase, DataBase, BssBase uint64
}

// Program is a compiled snippet.
type Program struct {
	// Sizes of the sections in bytes, for the loader to map.
	TextSize, RodataSize, DataSize, BssSize uint64
	// The alignment each section's start needs, and the functions called
	// through the PLT (check.Program: the loader lays out the image).
	RodataAlign, DataAlign, BssAlign uint64
	PLTCalls                         []string

	chk    *check.Program
	funcs  []*function // by text slot
	byName map[string]*function
	opts   Options

	// the closures are bound to one layout (addresses are constants in them)
	layout   Layout
	compiled bool
}

// function is a callable: a snippet function compiled to closures, or a
// builtin.
type function struct {
	name    string
	slot    int
	f       *check.Func
	builtin Builtin
	// compiled form
	body      *list
	frameSize uint64
	// sretOff is where the hidden result pointer is spilled below rbp
	// (a struct result larger than 16 bytes), or 0.
	sretOff  uint64
	params   []param
	result   *check.Type
	nparams  int
	variadic bool
}

type param struct {
	off     uint64 // below rbp
	size    int
	struct_ bool
}

// Compile parses, checks and prepares a snippet. The returned list holds
// warnings even on success; the Program is nil when there are errors.
// A Go panic inside the compiler is turned into an "internal error"
// rather than escaping (bad input must never crash the caller).
func Compile(filename string, src []byte, opts Options) (prog *Program, diags []syntax.Error) {
	max := opts.MaxSourceBytes
	if max <= 0 {
		max = DefaultMaxSourceBytes
	}
	if len(src) > max {
		return nil, []syntax.Error{{File: filename, Pos: syntax.Pos{Line: 1, Col: 1},
			Msg: fmt.Sprintf("source too large: %d bytes (mmplay's limit is %d)", len(src), max)}}
	}
	defer func() {
		if r := recover(); r != nil {
			prog = nil
			diags = append(diags, syntax.Error{File: filename, Msg: fmt.Sprintf("internal error in the compiler: %v", r)})
		}
	}()
	f, errs := syntax.Parse(filename, src, opts.Headers)
	if errs.HasErrors() {
		return nil, errs
	}
	conf := check.Config{
		IsBuiltin: func(name string) bool { return opts.Builtins[name] != nil },
		Hint:      opts.Hint,
		IsExtern: func(name string) bool {
			_, ok := opts.Externs[name]
			return ok
		},
	}
	cp, cerrs := check.Check(f, conf)
	errs = append(errs, cerrs...)
	if errs.HasErrors() {
		return nil, errs
	}
	p := &Program{chk: cp, byName: map[string]*function{}, opts: opts}
	for _, fn := range cp.Funcs {
		p.addFunc(&function{name: fn.Name, f: fn})
	}
	for _, fn := range cp.Builtins {
		p.addFunc(&function{name: fn.Name, f: fn, builtin: opts.Builtins[fn.Name]})
	}
	n := uint64(len(p.funcs))
	if n == 0 {
		n = 1
	}
	p.TextSize = n * TextSlot
	p.RodataSize = uint64(cp.RodataSize)
	p.DataSize = uint64(cp.DataSize)
	p.BssSize = uint64(cp.BssSize)
	p.RodataAlign, p.DataAlign, p.BssAlign = uint64(cp.RodataAlign), uint64(cp.DataAlign), uint64(cp.BssAlign)
	p.PLTCalls = cp.PLTCalls
	return p, errs
}

func (p *Program) addFunc(f *function) {
	f.slot = len(p.funcs)
	p.funcs = append(p.funcs, f)
	p.byName[f.name] = f
}

// Functions lists the snippet's own functions in source order.
func (p *Program) Functions() []string {
	var names []string
	for _, f := range p.funcs {
		if f.builtin == nil {
			names = append(names, f.name)
		}
	}
	return names
}

// BuiltinsUsed lists the builtins the snippet uses, sorted.
func (p *Program) BuiltinsUsed() []string {
	var names []string
	for _, f := range p.funcs {
		if f.builtin != nil {
			names = append(names, f.name)
		}
	}
	sort.Strings(names)
	return names
}

// HasFunc reports whether the snippet defines a function called name
// (main, or a module's init function).
func (p *Program) HasFunc(name string) bool {
	f := p.byName[name]
	return f != nil && f.builtin == nil
}

// FuncAddr is the .text address of a function (snippet or builtin).
func (p *Program) FuncAddr(name string) (uint64, bool) {
	f := p.byName[name]
	if f == nil {
		return 0, false
	}
	return p.layout.TextBase + uint64(f.slot)*TextSlot, true
}

// FuncName names the function whose slot starts at addr.
func (p *Program) FuncName(addr uint64) (string, bool) {
	f := p.funcAt(addr)
	if f == nil {
		return "", false
	}
	return f.name, true
}

// FuncLines returns the line where the snippet function name is defined
// and the line of its body's last top-level statement (first, when the
// body is empty); ok is false for a builtin or an unknown name.
func (p *Program) FuncLines(name string) (first, last int, ok bool) {
	f := p.byName[name]
	if f == nil || f.builtin != nil || f.f == nil {
		return 0, 0, false
	}
	first, last = f.f.Pos.Line, f.f.Pos.Line
	if b := f.f.Body; b != nil && len(b.Stmts) > 0 {
		last = max(last, b.Stmts[len(b.Stmts)-1].Pos().Line)
	}
	return first, last, true
}

func (p *Program) funcAt(addr uint64) *function {
	off := addr - p.layout.TextBase
	if addr < p.layout.TextBase || off%TextSlot != 0 || off/TextSlot >= uint64(len(p.funcs)) {
		return nil
	}
	return p.funcs[off/TextSlot]
}

// GlobalAddr is the address of a global variable (after Load).
func (p *Program) GlobalAddr(name string) (uint64, bool) {
	for _, v := range p.chk.Globals {
		if v.Name == name && v.Defined {
			return p.varAddr(v), true
		}
	}
	return 0, false
}

func (p *Program) varAddr(v *check.Var) uint64 {
	if v.Extern {
		return p.opts.Externs[v.Name]
	}
	switch v.Section {
	case check.Data:
		return p.layout.DataBase + uint64(v.Offset)
	case check.Rodata:
		return p.layout.RodataBase + uint64(v.Offset)
	}
	return p.layout.BssBase + uint64(v.Offset)
}

func (p *Program) strAddr(s *check.String) uint64 {
	return p.layout.RodataBase + uint64(s.Offset)
}

// Sections returns the initial bytes of .rodata and .data for layout l,
// relocations applied. A loader that fills frames directly (before
// protecting .rodata) uses these; Load writes them through Memory.
func (p *Program) Sections(l Layout) (rodata, data []byte) {
	ro, da, relocs := p.chk.Image()
	rodata = append([]byte(nil), ro...)
	data = append([]byte(nil), da...)
	saved := p.layout
	p.layout = l
	defer func() { p.layout = saved }()
	for _, r := range relocs {
		var v uint64
		switch {
		case r.Var != nil:
			v = p.varAddr(r.Var)
		case r.Func != nil:
			v = l.TextBase + uint64(p.byName[r.Func.Name].slot)*TextSlot
		case r.Str != nil:
			v = p.strAddr(r.Str)
		}
		v += uint64(r.Addend)
		img := data
		if r.Section == check.Rodata {
			img = rodata
		}
		binary.LittleEndian.PutUint64(img[r.Offset:], v)
	}
	return rodata, data
}

// Load binds the program to layout l and writes the initial .rodata and
// .data through mem (.bss and .text are left as mapped: zero).
//
// Preconditions: the sections are mapped at l with the sizes above and
// are writable; the caller makes .rodata read-only afterwards (as the
// ELF loader maps it). An access fault while writing is returned as an
// error.
func (p *Program) Load(mem Memory, l Layout) (err error) {
	if l.TextBase%TextSlot != 0 {
		return errors.New("interp: TextBase must be 16-byte aligned")
	}
	p.bind(l)
	rodata, data := p.Sections(l)
	defer func() {
		if r := recover(); r != nil {
			if s, ok := r.(*arch.Signal); ok {
				err = fmt.Errorf("interp: loading the program: %v", s)
				return
			}
			panic(r)
		}
	}()
	if len(rodata) > 0 {
		mem.WriteBytes(l.RodataBase, rodata)
	}
	if len(data) > 0 {
		mem.WriteBytes(l.DataBase, data)
	}
	return nil
}

// bind compiles the functions to closures for layout l.
func (p *Program) bind(l Layout) {
	if p.compiled && p.layout == l {
		return
	}
	p.layout = l
	p.compiled = true
	for _, f := range p.funcs {
		f.result = f.f.Type.Sig.Result
		f.nparams = len(f.f.Type.Sig.Params)
		f.variadic = f.f.Type.Sig.Variadic
	}
	for _, f := range p.funcs {
		if f.builtin == nil {
			compileFunc(p, f)
		}
	}
}
