package interp

import (
	"fmt"

	"mmplay/engine/cc/check"
)

// CheckInvariants verifies the program's own bookkeeping: every function
// sits at its slot and is found by name, builtins follow the snippet's
// functions, the section sizes match the images, and every relocation
// lies inside its section.
func (p *Program) CheckInvariants() error {
	seenBuiltin := false
	for i, f := range p.funcs {
		if f.slot != i {
			return fmt.Errorf("function %s at slot %d, listed at %d", f.name, f.slot, i)
		}
		if p.byName[f.name] != f {
			return fmt.Errorf("function %s not found by name", f.name)
		}
		if f.builtin != nil {
			seenBuiltin = true
		} else if seenBuiltin {
			return fmt.Errorf("snippet function %s after a builtin", f.name)
		}
		if f.builtin == nil && p.compiled && f.body == nil {
			return fmt.Errorf("function %s not compiled", f.name)
		}
	}
	if len(p.byName) != len(p.funcs) {
		return fmt.Errorf("%d names for %d functions", len(p.byName), len(p.funcs))
	}
	if min := uint64(len(p.funcs)) * TextSlot; p.TextSize < min {
		return fmt.Errorf("text size %d < %d", p.TextSize, min)
	}
	ro, data, relocs := p.chk.Image()
	if uint64(len(ro)) != p.RodataSize || uint64(len(data)) != p.DataSize {
		return fmt.Errorf("images %d/%d bytes, sections %d/%d", len(ro), len(data), p.RodataSize, p.DataSize)
	}
	for _, r := range relocs {
		size := p.DataSize
		if r.Section == check.Rodata {
			size = p.RodataSize
		}
		if r.Offset < 0 || uint64(r.Offset)+8 > size {
			return fmt.Errorf("relocation at %s+%d outside the section", r.Section, r.Offset)
		}
	}
	return nil
}

// CheckInvariants verifies the thread's stack registers: outside a run
// the stack is empty (rsp at the top, no frame); inside, rbp lies
// between rsp and the top and the depth is positive.
func (t *Thread) CheckInvariants() error {
	if !t.running {
		if t.depth != 0 {
			return fmt.Errorf("depth %d outside a run", t.depth)
		}
		return nil
	}
	if t.sp > t.stackTop {
		return fmt.Errorf("rsp %#x above the stack top %#x", t.sp, t.stackTop)
	}
	if t.depth > 0 && (t.fp < t.sp || t.fp > t.stackTop) {
		return fmt.Errorf("rbp %#x outside [rsp %#x, top %#x]", t.fp, t.sp, t.stackTop)
	}
	if t.depth < 0 || t.depth > MaxCallDepth {
		return fmt.Errorf("depth %d", t.depth)
	}
	return nil
}
