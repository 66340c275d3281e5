package syntax

import "fmt"

// Pos is a source position: 1-based line and column (columns count bytes).
// The zero Pos means "no position".
type Pos struct {
	Line, Col int
}

func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }
