package check

import (
	"fmt"
	"strings"
)

// Kind is a type's kind. The integer kinds are ordered by rank within
// each signedness pair (C11 6.3.1.1).
type Kind uint8

const (
	Void Kind = iota
	Bool
	Char // plain char: signed on x86-64 (the psABI)
	SChar
	UChar
	Short
	UShort
	Int
	UInt
	Long
	ULong
	LongLong
	ULongLong
	Pointer
	Array
	Struct // also unions: Rec.Union
	FuncKind
)

// Type is a C type. Types are compared with Same; the predeclared
// scalar types are shared values.
type Type struct {
	Kind  Kind
	Const bool // the const qualifier (volatile is accepted and dropped)
	// Elem is the pointee (Pointer) or element (Array) type.
	Elem *Type
	// Len is the element count of an Array, or -1 while incomplete ("[]").
	Len int64
	// Rec is the record of a Struct (shared by every use of the tag).
	Rec *Record
	// Sig is the signature of a FuncKind.
	Sig *Signature
	// Enum names the enum tag when an int came from "enum tag" (for messages).
	Enum string
}

// Record is a struct or union layout (x86-64 psABI: each field at the
// next multiple of its alignment; the size rounded up to the largest
// alignment; a union's fields all at offset 0).
type Record struct {
	Tag      string
	Union    bool
	Fields   []Field
	Size     int64
	Align    int64
	Complete bool
}

// Field is a member with its byte offset.
type Field struct {
	Name   string
	Type   *Type
	Offset int64
}

// Signature is a function type.
type Signature struct {
	Result   *Type
	Params   []*Type
	Names    []string
	Variadic bool
	NoProto  bool // declared with "()": parameters unspecified
}

// The predeclared scalar types.
var (
	TVoid      = &Type{Kind: Void}
	TBool      = &Type{Kind: Bool}
	TChar      = &Type{Kind: Char}
	TSChar     = &Type{Kind: SChar}
	TUChar     = &Type{Kind: UChar}
	TShort     = &Type{Kind: Short}
	TUShort    = &Type{Kind: UShort}
	TInt       = &Type{Kind: Int}
	TUInt      = &Type{Kind: UInt}
	TLong      = &Type{Kind: Long}
	TULong     = &Type{Kind: ULong}
	TLongLong  = &Type{Kind: LongLong}
	TULongLong = &Type{Kind: ULongLong}
	TVoidPtr   = &Type{Kind: Pointer, Elem: TVoid}
	TCharPtr   = &Type{Kind: Pointer, Elem: TChar}
)

var scalarByKind = [...]*Type{
	Void: TVoid, Bool: TBool, Char: TChar, SChar: TSChar, UChar: TUChar,
	Short: TShort, UShort: TUShort, Int: TInt, UInt: TUInt, Long: TLong,
	ULong: TULong, LongLong: TLongLong, ULongLong: TULongLong,
}

// PointerTo returns the type "pointer to t".
func PointerTo(t *Type) *Type { return &Type{Kind: Pointer, Elem: t} }

// IsInteger reports whether t is an integer type (incl. _Bool, char, enum).
func (t *Type) IsInteger() bool { return t.Kind >= Bool && t.Kind <= ULongLong }

// IsScalar reports whether t is an integer or a pointer.
func (t *Type) IsScalar() bool { return t.IsInteger() || t.Kind == Pointer }

// IsSigned reports whether t is a signed integer type.
func (t *Type) IsSigned() bool {
	switch t.Kind {
	case Char, SChar, Short, Int, Long, LongLong:
		return true
	}
	return false
}

// IsFuncPtr reports whether t is a pointer to a function.
func (t *Type) IsFuncPtr() bool { return t.Kind == Pointer && t.Elem.Kind == FuncKind }

// IsComplete reports whether t has a known size (void, incomplete
// structs and arrays of unknown length do not).
func (t *Type) IsComplete() bool {
	switch t.Kind {
	case Void, FuncKind:
		return false
	case Array:
		return t.Len >= 0 && t.Elem.IsComplete()
	case Struct:
		return t.Rec.Complete
	}
	return true
}

// Size is sizeof(t) on x86-64 LP64: char 1, short 2, int 4, long 8,
// long long 8, pointers 8 (System V psABI, Table 3.1). void and functions
// have size 1, as gcc's extension does for pointer arithmetic.
func (t *Type) Size() int64 {
	switch t.Kind {
	case Void, Bool, Char, SChar, UChar, FuncKind:
		return 1
	case Short, UShort:
		return 2
	case Int, UInt:
		return 4
	case Long, ULong, LongLong, ULongLong, Pointer:
		return 8
	case Array:
		if t.Len < 0 {
			return 0
		}
		return t.Len * t.Elem.Size()
	case Struct:
		return t.Rec.Size
	}
	panic("check: size of unknown kind")
}

// Align is the alignment of t on x86-64 (psABI Table 3.1).
func (t *Type) Align() int64 {
	switch t.Kind {
	case Array:
		return t.Elem.Align()
	case Struct:
		if t.Rec.Align == 0 {
			return 1
		}
		return t.Rec.Align
	}
	return t.Size()
}

// rank orders the integer kinds for the usual arithmetic conversions.
func (t *Type) rank() int {
	switch t.Kind {
	case Bool:
		return 0
	case Char, SChar, UChar:
		return 1
	case Short, UShort:
		return 2
	case Int, UInt:
		return 3
	case Long, ULong:
		return 4
	case LongLong, ULongLong:
		return 5
	}
	return -1
}

// Unqual returns t without the const qualifier.
func (t *Type) Unqual() *Type {
	if !t.Const {
		return t
	}
	u := *t
	u.Const = false
	if t.Kind <= ULongLong && t.Enum == "" {
		return scalarByKind[t.Kind]
	}
	return &u
}

func withConst(t *Type) *Type {
	if t.Const {
		return t
	}
	u := *t
	u.Const = true
	return &u
}

// Same reports whether a and b are the same type, ignoring top-level
// qualifiers (and qualifiers of pointees when loose is set).
func Same(a, b *Type) bool { return same(a, b, false) }

func same(a, b *Type, quals bool) bool {
	if a == b {
		return true
	}
	if a.Kind != b.Kind {
		return false
	}
	if quals && a.Const != b.Const {
		return false
	}
	switch a.Kind {
	case Pointer:
		return same(a.Elem, b.Elem, true)
	case Array:
		return (a.Len == b.Len || a.Len < 0 || b.Len < 0) && same(a.Elem, b.Elem, quals)
	case Struct:
		return a.Rec == b.Rec
	case FuncKind:
		sa, sb := a.Sig, b.Sig
		if !Same(sa.Result, sb.Result) {
			return false
		}
		if sa.NoProto || sb.NoProto {
			return true
		}
		if len(sa.Params) != len(sb.Params) || sa.Variadic != sb.Variadic {
			return false
		}
		for i := range sa.Params {
			if !Same(sa.Params[i], sb.Params[i]) {
				return false
			}
		}
	}
	return true
}

// compatiblePointee reports whether pointees a and b match for an
// assignment without a cast: the same type, with b's qualifiers a subset
// of a's (C11 6.5.16.1).
func compatiblePointee(a, b *Type) bool {
	if b.Const && !a.Const {
		return false
	}
	return same(a.Unqual(), b.Unqual(), false)
}

// String spells t the way C does ("unsigned long", "char *",
// "struct file_operations", "int (*)(int)").
func (t *Type) String() string { return t.spell("") }

func (t *Type) spell(inner string) string {
	q := ""
	if t.Const {
		q = "const "
	}
	switch t.Kind {
	case Pointer:
		s := "*"
		if t.Const {
			s = "* const"
			if inner != "" {
				s += " "
			}
		}
		if t.Elem.Kind == Array || t.Elem.Kind == FuncKind {
			return t.Elem.spell("(" + s + inner + ")")
		}
		return t.Elem.spell(s + inner)
	case Array:
		n := ""
		if t.Len >= 0 {
			n = fmt.Sprint(t.Len)
		}
		return t.Elem.spell(inner + "[" + n + "]")
	case FuncKind:
		var ps []string
		for _, p := range t.Sig.Params {
			ps = append(ps, p.String())
		}
		if t.Sig.Variadic {
			ps = append(ps, "...")
		}
		if len(ps) == 0 && !t.Sig.NoProto {
			ps = []string{"void"}
		}
		return t.Sig.Result.spell(inner + "(" + strings.Join(ps, ", ") + ")")
	case Struct:
		kw := "struct "
		if t.Rec.Union {
			kw = "union "
		}
		tag := t.Rec.Tag
		if tag == "" {
			tag = "<anonymous>"
		}
		return join(q+kw+tag, inner)
	}
	if t.Enum != "" {
		return join(q+"enum "+t.Enum, inner)
	}
	return join(q+kindNames[t.Kind], inner)
}

func join(a, b string) string {
	if b == "" {
		return a
	}
	if strings.HasPrefix(b, "[") || strings.HasPrefix(b, "(") && !strings.HasPrefix(b, "(*") {
		return a + b
	}
	return a + " " + b
}

var kindNames = [...]string{
	Void: "void", Bool: "_Bool", Char: "char", SChar: "signed char", UChar: "unsigned char",
	Short: "short", UShort: "unsigned short", Int: "int", UInt: "unsigned int",
	Long: "long", ULong: "unsigned long", LongLong: "long long", ULongLong: "unsigned long long",
}

// Normalize reduces v to a value of integer or pointer type t, widened
// to 64 bits: sign-extended for signed types, zero-extended otherwise,
// 0 or 1 for _Bool. This is the representation the interpreter uses for
// every scalar.
func Normalize(t *Type, v uint64) uint64 {
	switch t.Kind {
	case Bool:
		if v != 0 {
			return 1
		}
		return 0
	case Char, SChar:
		return uint64(int64(int8(v)))
	case UChar:
		return uint64(uint8(v))
	case Short:
		return uint64(int64(int16(v)))
	case UShort:
		return uint64(uint16(v))
	case Int:
		return uint64(int64(int32(v)))
	case UInt:
		return uint64(uint32(v))
	}
	return v
}
