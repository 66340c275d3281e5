package check

import "mmplay/engine/cc/syntax"

// The checked program: a typed tree in which every implicit conversion,
// array decay, pointer scaling and lvalue is explicit, so that package
// interp only has to compile it to closures.

// Program is a checked translation unit.
type Program struct {
	// Funcs are the functions defined in the snippet, in source order.
	// Funcs[i] sits at text slot i (interp gives it an address).
	Funcs []*Func
	// Builtins are the functions declared but not defined that the
	// snippet uses (calls or takes the address of), sorted by name. They
	// take the text slots after Funcs.
	Builtins []*Func
	// Globals are all variables with static storage: file-scope ones and
	// static locals, in declaration order, each with its Section and Offset.
	Globals []*Var
	// Strings are the string literals, each placed in .rodata.
	Strings []*String
	// Section sizes in bytes.
	RodataSize, DataSize, BssSize int64
	// The largest alignment a variable of the section needs, which the
	// linker gives the section's start (at least 1).
	RodataAlign, DataAlign, BssAlign int64
	// PLTCalls are the builtins the snippet calls directly, by the name
	// gcc calls them under (printf("hi\n") is puts("hi"): see
	// printfFold), sorted: the loader sizes .got.plt from them.
	PLTCalls     []string
	rodata, data []byte
	relocs       []Reloc
	// Decls maps every file-scope function name to its Func (defined,
	// builtin or merely declared).
	Decls map[string]*Func
}

// Section says where a static-storage variable lives.
type Section uint8

const (
	Bss    Section = iota // zero-initialized
	Data                  // initialized
	Rodata                // const and initialized (writes fault) — gcc puts const globals there
)

func (s Section) String() string { return [...]string{".bss", ".data", ".rodata"}[s] }

// Var is a variable.
type Var struct {
	Name string
	Type *Type
	Pos  syntax.Pos
	File string
	// Global is set for static storage (file scope or "static" local).
	Global  bool
	Section Section
	// Offset is the byte offset in Section (globals), or the distance
	// below the frame pointer (locals: the address is rbp - Offset).
	Offset int64
	// Init is the initializer of a global (locals initialize through
	// DeclStmt statements). Nil means zero.
	Init *Init
	// Defined is false for an "extern" declaration never defined.
	Defined bool
	// Used is set when an evaluated expression names the variable
	// (sizeof's operand does not count), or a local's declaration
	// initializes it; parameters are always used.
	Used bool
	// addressed is set when '&' is applied to the variable (a local then
	// needs a memory home at -O0: frame.go).
	addressed bool
	// Extern is set for a variable that is used, never defined, and
	// provided by the host (Config.IsExtern): it has no Section or
	// Offset; the host gives its absolute address.
	Extern   bool
	usedPos  syntax.Pos
	usedFile string
}

// String is a string literal's bytes in .rodata, NUL included.
type String struct {
	Data   []byte
	Offset int64
}

// Func is a function: defined in the snippet, or a builtin.
type Func struct {
	Name string
	Type *Type // Kind == FuncKind
	Pos  syntax.Pos
	File string
	// Params are the parameters' local variables (defined functions).
	Params []*Var
	Body   *Block
	// FrameSize is the size of the locals area below the saved rbp,
	// a multiple of 16 (gcc -O0 keeps rsp 16-aligned at calls).
	FrameSize int64
	Defined   bool
	Builtin   bool
	// Used is set when the function is called or its address taken.
	Used    bool
	usedPos syntax.Pos
	// SretOffset, for a function returning a struct larger than 16
	// bytes (psABI class MEMORY), is the slot below rbp where the hidden
	// result pointer (rdi) is spilled; 0 otherwise.
	SretOffset int64
}

// Sig returns the function's signature.
func (f *Func) Sig() *Signature { return f.Type.Sig }

// Init is an initializer laid out as stores at byte offsets into the
// object. The object is zero-filled first when Zero is set (an
// initializer list or a string into a larger array), as C requires.
type Init struct {
	Zero  bool
	Items []InitItem
}

// InitItem stores one scalar or struct value, or raw bytes, at Offset.
type InitItem struct {
	Offset int64
	Expr   Expr   // converted to the member's type; nil when Bytes is used
	Bytes  []byte // a string literal copied into a char array
}

// ---- Expressions ----

// Expr is a typed expression. Lvalues (VarRef, Deref, Member, StrRef) in
// value position mean "load"; of array type they never appear there —
// the checker wraps them in AddrOf (decay).
type Expr interface {
	Type() *Type
	Pos() syntax.Pos
}

type node struct {
	T *Type
	P syntax.Pos
}

func (n *node) Type() *Type     { return n.T }
func (n *node) Pos() syntax.Pos { return n.P }

// Op is an arithmetic, bitwise or comparison operator.
type Op uint8

const (
	OpAdd Op = iota
	OpSub
	OpMul
	OpDiv
	OpRem
	OpAnd
	OpOr
	OpXor
	OpShl
	OpShr
	OpEq
	OpNe
	OpLt
	OpGt
	OpLe
	OpGe
	OpNeg
	OpBitNot
	OpNot
)

var opNames = [...]string{"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>",
	"==", "!=", "<", ">", "<=", ">=", "neg", "~", "!"}

func (o Op) String() string { return opNames[o] }

// IsCompare reports whether o is a comparison (result int 0/1).
func (o Op) IsCompare() bool { return o >= OpEq && o <= OpGe }

type (
	// Const is an integer (or null pointer) constant, normalized to T.
	Const struct {
		node
		V uint64
	}
	// VarRef is a variable as an lvalue.
	VarRef struct {
		node
		Var *Var
	}
	// FuncRef is a function's address (a function designator decays to
	// it); T is a pointer to the function type.
	FuncRef struct {
		node
		Func *Func
	}
	// StrRef is a string literal as an lvalue of array type in .rodata.
	StrRef struct {
		node
		Str *String
	}
	// Deref is *Addr as an lvalue.
	Deref struct {
		node
		Addr Expr
	}
	// Member is X.field: an lvalue when X is one; X may also be a struct
	// rvalue (a call's result, a conditional), whose value is the
	// address of its bytes.
	Member struct {
		node
		X      Expr
		Offset int64
	}
	// AddrOf is &X, or an array lvalue decayed to a pointer to its first element.
	AddrOf struct {
		node
		X Expr
	}
	// Unary is -X, ~X (X of type T) or !X (X scalar, T int).
	Unary struct {
		node
		Op Op
		X  Expr
	}
	// Binary is X op Y: for arithmetic ops X, Y and the result have type
	// T; for comparisons X and Y share a type and T is int. Shifts: Y is
	// of its own promoted type.
	Binary struct {
		node
		Op   Op
		X, Y Expr
	}
	// PtrAdd is P + I*Scale (or P - I*Scale with Sub); I is a long.
	PtrAdd struct {
		node
		P, I  Expr
		Scale int64
		Sub   bool
	}
	// PtrDiff is (X - Y) / Scale, of type long.
	PtrDiff struct {
		node
		X, Y  Expr
		Scale int64
	}
	// Logical is X && Y (And) or X || Y; X and Y scalars, T int.
	Logical struct {
		node
		And  bool
		X, Y Expr
	}
	// CondExpr is C ? X : Y.
	CondExpr struct {
		node
		C, X, Y Expr
	}
	// Comma is X, Y.
	Comma struct {
		node
		X, Y Expr
	}
	// Convert converts scalar X to scalar type T, or evaluates X for
	// its side effects when T is void.
	Convert struct {
		node
		X Expr
	}
	// Assign is L = R, R already converted to L's type; a struct
	// assignment copies T's size in bytes.
	Assign struct {
		node
		L, R Expr
	}
	// OpAssign is L op= R: L is loaded, converted to OpType, combined with
	// R (already of OpType; for pointers R is a long scaled by Scale),
	// converted back and stored.
	OpAssign struct {
		node
		Op     Op
		L, R   Expr
		OpType *Type
		Scale  int64 // pointer += / -=: element size; else 0
	}
	// IncDec is ++L, --L, L++ or L--; Delta is +1/-1 or ±element size.
	IncDec struct {
		node
		L     Expr
		Delta int64
		Post  bool
	}
	// Call calls Fn (a function pointer value) with Args converted to
	// the parameters' types; variadic extras are promoted. Direct is the
	// callee when the call names a function. When T is a struct, Tmp is
	// the hidden slot in the caller's frame that receives the result
	// (gcc -O0: the address passed in rdi, or rax:rdx stored there for
	// 16 bytes or less); the call's value is Tmp's address. Tmp is nil
	// only outside function bodies, where calls are never run.
	Call struct {
		node
		Fn     Expr
		Direct *Func
		Args   []Expr
		NFixed int
		Tmp    *Var
	}
)

// ---- Statements ----

// Stmt is a checked statement.
type Stmt interface{ Pos() syntax.Pos }

type stmtPos struct{ P syntax.Pos }

func (s *stmtPos) Pos() syntax.Pos { return s.P }

type (
	Block struct {
		stmtPos
		Stmts []Stmt
	}
	ExprStmt struct {
		stmtPos
		X Expr
	}
	// DeclStmt initializes a local variable (declarations without an
	// initializer produce no statement).
	DeclStmt struct {
		stmtPos
		Var  *Var
		Init *Init
	}
	If struct {
		stmtPos
		Cond       Expr
		Then, Else Stmt // Else may be nil
	}
	While struct {
		stmtPos
		Cond Expr
		Body Stmt
	}
	DoWhile struct {
		stmtPos
		Body Stmt
		Cond Expr
	}
	For struct {
		stmtPos
		Init Stmt // may be nil
		Cond Expr // may be nil (forever)
		Post Expr // may be nil
		Body Stmt
	}
	Return struct {
		stmtPos
		X Expr // converted to the result type; nil for void
	}
	Break    struct{ stmtPos }
	Continue struct{ stmtPos }
	// Switch jumps to the statement of the matching case in Body (the
	// switch's block, flattened) and falls through from there.
	Switch struct {
		stmtPos
		Tag     Expr
		Body    []Stmt
		Cases   []Case
		Default int // index into Body, or -1
	}
	Empty struct{ stmtPos }
)

// Case is one "case V:" label: execution starts at Body[Index].
type Case struct {
	Value uint64
	Index int
}
