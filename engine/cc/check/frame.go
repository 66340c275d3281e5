package check

import "mmplay/engine/cc/syntax"

// Frame layout: where gcc -O0 puts a function's locals and parameters.
//
// A snippet's locals live in simulated memory, so their addresses are
// visible (printf("%p", &x), or the distance between two locals). mmplay
// places them where gcc 12 -O0 on x86-64 does for ordinary functions,
// measured with __builtin_frame_address(0) on Debian 12's gcc 12.2
// (the offsets below are distances below rbp):
//
//  1. Locals that are never referenced get no slot ("int unused;").
//     A declaration with an initializer is a reference.
//  2. Scalars whose address is never taken come first, in declaration
//     order, whatever block they are in (they are SSA names at -O0, and
//     their partitions get the first stack slots):
//     "int a = 1; { int b = 2; } int c = 3;" gives a -4, b -8, c -12.
//  3. Then the variables that live in memory (their address is taken, or
//     they are arrays, structs or unions): a block's own variables in
//     declaration order, then its inner blocks', depth first
//     (cfgexpand.c:expand_used_vars_for_block):
//     "int a; { int b; } int c;" with all three addressed gives a -4,
//     c -8, b -12.
//  4. Each slot is aligned for its type; an array, struct or union of 16
//     bytes or more is aligned to 16 (x86-64 psABI 3.1.2: "a local or
//     global array variable of length at least 16 bytes ... always has
//     alignment of at least 16 bytes"; gcc's i386.c:ix86_local_alignment
//     extends it to every aggregate): "char c; int a[4];" gives c -1,
//     a -32, and "struct { long a, b, c; } r;" alone is at -32, not -24.
//  5. Below the locals, rounded to 16 bytes when there are any, come the
//     spilled parameters in order, the hidden struct-return pointer (rdi)
//     first; a parameter's slot is at least 4 bytes and 4-aligned (char
//     and short arrive promoted): "void f(char p) { char z; }" gives z -1,
//     p -20.
//  6. Below them, the hidden result slots of struct-returning calls.
//
// Simplifications, said here because gcc does otherwise: a struct of more
// than 16 bytes passed by value, and the 7th and later integer arguments,
// arrive on the caller's stack above the return address (rbp+16…) in
// gcc; mmplay spills them below rbp like the others. Scalars whose
// partitions gcc orders by its own rules (a loop counter with a PHI node
// goes first) keep declaration order, and registers gcc saves in the
// frame (rbx around nested calls) take no room.

// frameBlock is one block scope's variables, for the depth-first order
// of rule 3.
type frameBlock struct {
	vars []*Var
	kids []*frameBlock
}

// frameOf is the frameBlock of scope s, created on first use (with its
// ancestors, up to the function's outermost scope, fnScope).
func (c *checker) frameOf(s *scope) *frameBlock {
	if s.frame != nil {
		return s.frame
	}
	s.frame = &frameBlock{}
	if s != c.fnScope && s.parent != nil {
		p := c.frameOf(s.parent)
		p.kids = append(p.kids, s.frame)
	}
	return s.frame
}

// local declares a block-scope variable of the current function; its
// slot is given by layoutFrame once the body is checked.
func (c *checker) local(name string, t *Type, pos syntax.Pos) *Var {
	v := &Var{Name: name, Type: t, Pos: pos, File: c.file, Defined: true}
	if c.frameSum += slotSize(t); c.frameSum > MaxObjectSize {
		c.errorf(pos, "the locals of '%s' are too large", c.fn.Name)
		c.frameSum = 0
	}
	c.fnLocals = append(c.fnLocals, v)
	fb := c.frameOf(c.sc)
	fb.vars = append(fb.vars, v)
	c.declare(name, &entity{kind: entVar, v: v, pos: pos})
	return v
}

// param declares a parameter of the current function.
func (c *checker) param(name string, t *Type, pos syntax.Pos) *Var {
	v := &Var{Name: name, Type: t, Pos: pos, File: c.file, Defined: true, Used: true}
	c.declare(name, &entity{kind: entVar, v: v, pos: pos})
	return v
}

func slotSize(t *Type) int64 {
	if s := t.Size(); s > 0 {
		return s
	}
	return 1
}

// inMemory reports whether a local needs a memory home of its own at
// -O0 beyond an SSA partition (rule 3).
func inMemory(v *Var) bool {
	switch v.Type.Kind {
	case Array, Struct: // unions too
		return true
	}
	return v.addressed
}

// layoutFrame gives every local, parameter and hidden slot of f its
// offset below rbp (rules 1–6) and sets f.FrameSize.
func (c *checker) layoutFrame(f *Func, root *frameBlock) {
	var cur int64
	place := func(v *Var, size, align int64) {
		cur = alignUp(cur+size, align)
		v.Offset = cur
	}
	local := func(v *Var) {
		align := v.Type.Align()
		if (v.Type.Kind == Array || v.Type.Kind == Struct) && v.Type.Size() >= 16 && align < 16 {
			align = 16
		}
		place(v, slotSize(v.Type), align)
	}
	for _, v := range c.fnLocals {
		if v.Used && !inMemory(v) {
			local(v)
		}
	}
	var walk func(b *frameBlock)
	walk = func(b *frameBlock) {
		for _, v := range b.vars {
			if v.Used && inMemory(v) {
				local(v)
			}
		}
		for _, k := range b.kids {
			walk(k)
		}
	}
	if root != nil {
		walk(root)
	}
	if cur > 0 {
		cur = alignUp(cur, 16)
	}
	if f.SretOffset != 0 {
		cur = alignUp(cur+8, 8)
		f.SretOffset = cur
	}
	for _, p := range f.Params {
		size, align := slotSize(p.Type), p.Type.Align()
		switch {
		case p.Type.Kind == Struct: // or a union
			size = alignUp(size, 8) // one or two eightbytes (psABI 3.2.3), type-aligned
		case size < 4:
			size, align = 4, 4
		}
		place(p, size, align)
	}
	for _, v := range c.temps {
		place(v, slotSize(v.Type), v.Type.Align())
	}
	// Unreferenced locals are never read or written; they get distinct
	// slots anyway, below everything, so no address is ever shared.
	for _, v := range c.fnLocals {
		if !v.Used {
			local(v)
		}
	}
	if cur > MaxObjectSize {
		c.errorf(f.Pos, "the locals of '%s' are too large", f.Name)
	}
	f.FrameSize = alignUp(cur, 16)
}
