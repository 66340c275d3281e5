package interp

import "mmplay/engine/cc/syntax"

// Thread runs snippet code. (The language helper owns this file and
// replaces this minimal definition with the real one.)
type Thread struct {
	Mem Memory
	pos syntax.Pos
}

// Pos is the position of the statement being executed.
func (t *Thread) Pos() syntax.Pos { return t.pos }
