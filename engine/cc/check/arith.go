package check

// promote applies the integer promotions (C11 6.3.1.1): types of rank
// below int become int (every such value fits in int on x86-64).
func promote(t *Type) *Type {
	if t.IsInteger() && t.rank() < TInt.rank() {
		return TInt
	}
	return t.Unqual()
}

// usual applies the usual arithmetic conversions (C11 6.3.1.8) to two
// integer types.
func usual(a, b *Type) *Type {
	a, b = promote(a), promote(b)
	if a.Kind == b.Kind {
		return scalarByKind[a.Kind]
	}
	if a.IsSigned() == b.IsSigned() {
		if a.rank() >= b.rank() {
			return scalarByKind[a.Kind]
		}
		return scalarByKind[b.Kind]
	}
	u, s := a, b
	if a.IsSigned() {
		u, s = b, a
	}
	if u.rank() >= s.rank() {
		return scalarByKind[u.Kind]
	}
	if s.Size() > u.Size() {
		return scalarByKind[s.Kind]
	}
	return scalarByKind[s.Kind+1] // the unsigned type of s's rank
}

// Arith computes x op y for operands of type t (normalized values) as
// x86-64 does, giving a normalized result (int for comparisons). ok is
// false when the operation traps: division or remainder by zero, or of
// the most negative value by -1 (idiv raises #DE, delivered as SIGFPE).
// Shift counts are masked to the operand width, as the sal/sar/shr
// instructions do (shift by a variable count at -O0).
func Arith(op Op, t *Type, x, y uint64) (v uint64, ok bool) {
	signed := t.IsSigned()
	size := t.Size()
	switch op {
	case OpAdd:
		v = x + y
	case OpSub:
		v = x - y
	case OpMul:
		v = x * y
	case OpDiv, OpRem:
		if Normalize(t, y) == 0 {
			return 0, false
		}
		if signed {
			a, b := int64(x), int64(y)
			min := int64(-1) << (size*8 - 1)
			if b == -1 && a == min {
				return 0, false
			}
			if op == OpDiv {
				v = uint64(a / b)
			} else {
				v = uint64(a % b)
			}
		} else {
			if size < 8 {
				x, y = x&(1<<(size*8)-1), y&(1<<(size*8)-1)
			}
			if op == OpDiv {
				v = x / y
			} else {
				v = x % y
			}
		}
	case OpAnd:
		v = x & y
	case OpOr:
		v = x | y
	case OpXor:
		v = x ^ y
	case OpShl:
		v = x << (y & uint64(size*8-1))
	case OpShr:
		n := y & uint64(size*8-1)
		if signed {
			v = uint64(int64(x) >> n)
		} else {
			if size < 8 {
				x &= 1<<(size*8) - 1
			}
			v = x >> n
		}
	case OpEq, OpNe, OpLt, OpGt, OpLe, OpGe:
		return compare(op, signed, x, y), true
	default:
		panic("check: Arith of a unary operator")
	}
	return Normalize(t, v), true
}

func compare(op Op, signed bool, x, y uint64) uint64 {
	var r bool
	if signed {
		a, b := int64(x), int64(y)
		switch op {
		case OpEq:
			r = a == b
		case OpNe:
			r = a != b
		case OpLt:
			r = a < b
		case OpGt:
			r = a > b
		case OpLe:
			r = a <= b
		case OpGe:
			r = a >= b
		}
	} else {
		switch op {
		case OpEq:
			r = x == y
		case OpNe:
			r = x != y
		case OpLt:
			r = x < y
		case OpGt:
			r = x > y
		case OpLe:
			r = x <= y
		case OpGe:
			r = x >= y
		}
	}
	if r {
		return 1
	}
	return 0
}

// UnaryArith computes -x, ~x or !x for an operand of type t.
func UnaryArith(op Op, t *Type, x uint64) uint64 {
	switch op {
	case OpNeg:
		return Normalize(t, -x)
	case OpBitNot:
		return Normalize(t, ^x)
	case OpNot:
		if x == 0 {
			return 1
		}
		return 0
	}
	panic("check: UnaryArith of a binary operator")
}
