package check

import (
	"sort"
	"strings"
)

// Global layout: where gcc 12 and ld put a snippet's static-storage
// variables, measured on Debian 12 (nm and %p under setarch -R).
//
//  1. A variable goes to .rodata when it is const and initialized, to
//     .bss when it has no initializer or one that is all zero bytes
//     ("int zero = 0;" is in .bss), to .data.rel.local when its
//     initializer holds an address ("char *msg = "hi";", "int *p = &a;":
//     a PIE relocates them at load time), and to .data otherwise.
//     .data.rel.local follows .data, each starting at its own largest
//     alignment: "int a = 1; char *m = "x";" gives a at .data+0, m after
//     the whole of .data.
//  2. Within a section, variables keep source order (gcc -O0 is
//     -fno-toplevel-reorder: file-scope and static locals alike).
//  3. Each is aligned for its type, and an array or struct of 32 bytes or
//     more to 32, of 16 bytes or more to 16 (x86-64 psABI 3.1.2 and
//     i386.c:ix86_data_alignment): "long c[5] = {1};" sits 32-aligned.
//  4. String literals come first in .rodata, then const objects (gcc
//     interleaves them in emission order; a simplification).
//
// The loader (package engine) adds what the C runtime and the linker put
// before them: _IO_stdin_used at the start of .rodata, .got.plt (one
// 8-byte slot per function in PLTCalls) before .data, crt1's data_start
// and crtbegin's __dso_handle at the start of .data, crtbegin's
// completed.0 at the start of .bss.

// layoutGlobals gives every defined global its Section and Offset, and
// the program its section sizes and alignments (rules 1–4).
func (c *checker) layoutGlobals() {
	p := c.prog
	var ro int64
	for _, s := range p.Strings {
		s.Offset = ro
		ro += int64(len(s.Data))
	}
	p.RodataAlign, p.DataAlign, p.BssAlign = 1, 1, 1
	var data, rel, bss []*Var
	for _, v := range p.Globals {
		if !v.Defined {
			// as a linker: only a referenced symbol must resolve
			switch {
			case !v.Used:
			case c.conf.IsExtern != nil && c.conf.IsExtern(v.Name):
				v.Extern = true
			default:
				c.file = v.usedFile
				c.errorf(v.usedPos, "undefined reference to `%s' (declared extern, never defined)", v.Name)
			}
			continue
		}
		if !v.Type.IsComplete() {
			if v.Type.Kind == Array && v.Type.Len < 0 {
				v.Type = &Type{Kind: Array, Elem: v.Type.Elem, Len: 1} // "int a[];" is a[1], as gcc warns
			} else {
				c.file = v.File
				c.errorf(v.Pos, "storage size of '%s' isn't known", v.Name)
				continue
			}
		}
		zero, addrs := c.initKind(v.Init)
		switch {
		case v.Init != nil && isConstObject(v.Type):
			v.Section = Rodata
			ro = place(v, ro, &p.RodataAlign)
		case zero:
			v.Section = Bss
			bss = append(bss, v)
		case addrs:
			v.Section = Data
			rel = append(rel, v)
		default:
			v.Section = Data
			data = append(data, v)
		}
	}
	var off int64
	for _, v := range data {
		off = place(v, off, &p.DataAlign)
	}
	if len(rel) > 0 {
		relAlign := int64(1)
		for _, v := range rel {
			relAlign = max(relAlign, globalAlign(v.Type))
		}
		off = alignUp(off, relAlign)
		for _, v := range rel {
			off = place(v, off, &p.DataAlign)
		}
	}
	p.DataSize = off
	off = 0
	for _, v := range bss {
		off = place(v, off, &p.BssAlign)
	}
	p.BssSize = off
	p.RodataSize = ro
	c.pltCalls()
}

// place puts v at the next offset aligned for it and returns the offset
// after it, raising the section's alignment *align as needed.
func place(v *Var, off int64, align *int64) int64 {
	a := globalAlign(v.Type)
	*align = max(*align, a)
	v.Offset = alignUp(off, a)
	return v.Offset + v.Type.Size()
}

// globalAlign is the alignment of a static-storage variable (rule 3).
func globalAlign(t *Type) int64 {
	a := t.Align()
	if t.Kind == Array || t.Kind == Struct {
		switch size := t.Size(); {
		case size >= 32:
			a = max(a, 32)
		case size >= 16:
			a = max(a, 16)
		}
	}
	return a
}

// initKind reports whether an initializer is absent or all zero bytes,
// and whether it stores an address (rule 1).
func (c *checker) initKind(in *Init) (zero, addrs bool) {
	if in == nil {
		return true, false
	}
	zero = true
	for _, it := range in.Items {
		if it.Bytes != nil {
			for _, b := range it.Bytes {
				if b != 0 {
					zero = false
				}
			}
			continue
		}
		a, ok := c.static(it.Expr)
		switch {
		case !ok:
			zero = false // not constant: buildImages reports it
		case a.isAddr():
			zero, addrs = false, true
		case a.v != 0:
			zero = false
		}
	}
	return zero, addrs
}

// notePLTCall records a direct call of f with the checked arguments
// args, for PLTCalls.
func (c *checker) notePLTCall(f *Func, args []Expr) {
	if c.unevaluated > 0 {
		return
	}
	if c.plt == nil {
		c.plt = map[*Func]map[string]bool{}
	}
	names := c.plt[f]
	if names == nil {
		names = map[string]bool{}
		c.plt[f] = names
	}
	name := f.Name
	if name == "printf" && len(args) > 0 {
		if s := strLit(args[0]); s != nil {
			name = printfFold(string(s.Data[:len(s.Data)-1]), len(args)-1)
		}
	}
	if name != "" {
		names[name] = true
	}
}

// strLit is the string literal x points to, through the decay and
// conversions an argument gets, or nil.
func strLit(x Expr) *String {
	for {
		switch y := x.(type) {
		case *Convert:
			x = y.X
		case *AddrOf:
			x = y.X
		case *StrRef:
			return y.Str
		default:
			return nil
		}
	}
}

// pltCalls sets PLTCalls from the calls noted, keeping those of
// functions that stayed builtins (not defined by the snippet).
func (c *checker) pltCalls() {
	set := map[string]bool{}
	for f, names := range c.plt {
		if f.Defined {
			continue
		}
		for n := range names {
			set[n] = true
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	c.prog.PLTCalls = out
}

// printfFold is the function gcc calls for printf(format, nargs more
// arguments) when the format is a literal and the result is unused
// (gimple-fold.cc:gimple_fold_builtin_printf, even at -O0): "" is no
// call, "x" is putchar, "text\n" is puts, "%s\n" is puts, "%c" is
// putchar. mmplay assumes the result is unused (it nearly always is).
func printfFold(format string, nargs int) string {
	if !strings.Contains(format, "%") {
		switch {
		case nargs > 0:
			return "printf"
		case len(format) == 0:
			return ""
		case len(format) == 1:
			return "putchar"
		case format[len(format)-1] == '\n':
			return "puts"
		}
		return "printf"
	}
	switch {
	case format == "%s\n" && nargs == 1:
		return "puts"
	case format == "%c" && nargs == 1:
		return "putchar"
	}
	return "printf"
}
