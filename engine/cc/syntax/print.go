package syntax

import (
	"fmt"
	"strconv"
	"strings"
)

// String forms used by tests: a compact, fully parenthesized notation.
//
//	expression  a + b * c          → (+ a (* b c))
//	call        f(x, 1)            → (call f x 1)
//	cast        (char *)p          → (cast (ptr char) p)
//	declaration int *a[3];         → (decl a (array 3 (ptr int)))
//	function    int main(void){}   → (func main (fn int) (block))

// ExprString returns the compact form of an expression.
func ExprString(x Expr) string {
	var sb strings.Builder
	writeExpr(&sb, x)
	return sb.String()
}

// TypeString returns the compact form of a type expression.
func TypeString(t TypeExpr) string {
	var sb strings.Builder
	writeType(&sb, t)
	return sb.String()
}

// StmtString returns the compact form of a statement.
func StmtString(s Stmt) string {
	var sb strings.Builder
	writeStmt(&sb, s)
	return sb.String()
}

// DeclString returns the compact form of a declaration.
func DeclString(d *Decl) string {
	var sb strings.Builder
	writeDecl(&sb, d)
	return sb.String()
}

func writeExpr(sb *strings.Builder, x Expr) {
	switch x := x.(type) {
	case nil:
		sb.WriteString("nil")
	case *Ident:
		sb.WriteString(x.Name)
	case *IntLit:
		sb.WriteString(x.Raw)
	case *CharLit:
		sb.WriteString(x.Raw)
	case *StringLit:
		sb.WriteString(strconv.Quote(string(x.Value)))
	case *Paren:
		writeExpr(sb, x.X)
	case *Unary:
		op := x.Op.String()
		switch x.Op {
		case MUL:
			op = "deref"
		case AND:
			op = "addr"
		case SUB:
			op = "neg"
		case ADD:
			op = "pos"
		case INC:
			op = "pre++"
		case DEC:
			op = "pre--"
		}
		fmt.Fprintf(sb, "(%s ", op)
		writeExpr(sb, x.X)
		sb.WriteByte(')')
	case *Postfix:
		fmt.Fprintf(sb, "(post%s ", x.Op)
		writeExpr(sb, x.X)
		sb.WriteByte(')')
	case *Binary:
		fmt.Fprintf(sb, "(%s ", x.Op)
		writeExpr(sb, x.X)
		sb.WriteByte(' ')
		writeExpr(sb, x.Y)
		sb.WriteByte(')')
	case *Assign:
		fmt.Fprintf(sb, "(%s ", x.Op)
		writeExpr(sb, x.LHS)
		sb.WriteByte(' ')
		writeExpr(sb, x.RHS)
		sb.WriteByte(')')
	case *Cond:
		sb.WriteString("(? ")
		writeExpr(sb, x.C)
		sb.WriteByte(' ')
		writeExpr(sb, x.X)
		sb.WriteByte(' ')
		writeExpr(sb, x.Y)
		sb.WriteByte(')')
	case *Call:
		sb.WriteString("(call ")
		writeExpr(sb, x.Fn)
		for _, a := range x.Args {
			sb.WriteByte(' ')
			writeExpr(sb, a)
		}
		sb.WriteByte(')')
	case *Index:
		sb.WriteString("(index ")
		writeExpr(sb, x.X)
		sb.WriteByte(' ')
		writeExpr(sb, x.Index)
		sb.WriteByte(')')
	case *Selector:
		if x.Arrow {
			sb.WriteString("(-> ")
		} else {
			sb.WriteString("(. ")
		}
		writeExpr(sb, x.X)
		sb.WriteString(" " + x.Name + ")")
	case *Cast:
		sb.WriteString("(cast ")
		writeType(sb, x.Type.Type)
		sb.WriteByte(' ')
		writeExpr(sb, x.X)
		sb.WriteByte(')')
	case *SizeofExpr:
		sb.WriteString("(sizeof ")
		writeExpr(sb, x.X)
		sb.WriteByte(')')
	case *SizeofType:
		sb.WriteString("(sizeof-type ")
		writeType(sb, x.Type.Type)
		sb.WriteByte(')')
	case *InitList:
		sb.WriteString("{")
		for i, e := range x.Elems {
			if i > 0 {
				sb.WriteByte(' ')
			}
			for _, d := range e.Designators {
				if d.Field != "" {
					sb.WriteString("." + d.Field + "=")
				} else {
					sb.WriteByte('[')
					writeExpr(sb, d.Index)
					sb.WriteString("]=")
				}
			}
			writeExpr(sb, e.Value)
		}
		sb.WriteString("}")
	default:
		fmt.Fprintf(sb, "?%T", x)
	}
}

func qualPrefix(q Qual) string {
	s := ""
	if q&Const != 0 {
		s += "const "
	}
	if q&Volatile != 0 {
		s += "volatile "
	}
	return s
}

func writeType(sb *strings.Builder, t TypeExpr) {
	switch t := t.(type) {
	case nil:
		sb.WriteString("nil")
	case *BaseType:
		sb.WriteString(qualPrefix(t.Qual) + strings.Join(t.Words, " "))
	case *NamedType:
		sb.WriteString(qualPrefix(t.Qual) + t.Name)
	case *StructType:
		kw := "struct"
		if t.Union {
			kw = "union"
		}
		sb.WriteString(qualPrefix(t.Qual) + kw)
		if t.Tag != "" {
			sb.WriteString(" " + t.Tag)
		}
		if t.HasBody {
			sb.WriteString(" {")
			for i, f := range t.Fields {
				if i > 0 {
					sb.WriteString("; ")
				}
				sb.WriteString(f.Name + " ")
				writeType(sb, f.Type)
			}
			sb.WriteString("}")
		}
	case *EnumType:
		sb.WriteString(qualPrefix(t.Qual) + "enum")
		if t.Tag != "" {
			sb.WriteString(" " + t.Tag)
		}
		if t.HasBody {
			sb.WriteString(" {")
			for i, e := range t.Values {
				if i > 0 {
					sb.WriteString(" ")
				}
				sb.WriteString(e.Name)
				if e.Value != nil {
					sb.WriteByte('=')
					writeExpr(sb, e.Value)
				}
			}
			sb.WriteString("}")
		}
	case *PointerType:
		sb.WriteString("(" + qualPrefix(t.Qual) + "ptr ")
		writeType(sb, t.Elem)
		sb.WriteByte(')')
	case *ArrayType:
		sb.WriteString("(array ")
		if t.Len != nil {
			writeExpr(sb, t.Len)
		} else {
			sb.WriteString("?")
		}
		sb.WriteByte(' ')
		writeType(sb, t.Elem)
		sb.WriteByte(')')
	case *FuncType:
		sb.WriteString("(fn ")
		writeType(sb, t.Result)
		for _, p := range t.Params {
			sb.WriteByte(' ')
			if p.Name != "" {
				sb.WriteString(p.Name + ":")
			}
			writeType(sb, p.Type)
		}
		if t.Variadic {
			sb.WriteString(" ...")
		}
		if t.NoProto {
			sb.WriteString(" ?")
		}
		sb.WriteByte(')')
	default:
		fmt.Fprintf(sb, "?%T", t)
	}
}

func writeDecl(sb *strings.Builder, d *Decl) {
	kind := "decl"
	switch {
	case d.Body != nil:
		kind = "func"
	case d.Storage == Typedef:
		kind = "typedef"
	case d.Storage == Static:
		kind = "static"
	case d.Storage == Extern:
		kind = "extern"
	}
	if d.Name == "" {
		sb.WriteString("(tag ")
		writeType(sb, d.Type)
		sb.WriteByte(')')
		return
	}
	fmt.Fprintf(sb, "(%s %s ", kind, d.Name)
	writeType(sb, d.Type)
	if d.Init != nil {
		sb.WriteString(" = ")
		writeExpr(sb, d.Init)
	}
	if d.Body != nil {
		sb.WriteByte(' ')
		writeStmt(sb, d.Body)
	}
	sb.WriteByte(')')
}

func writeStmt(sb *strings.Builder, s Stmt) {
	switch s := s.(type) {
	case nil:
		sb.WriteString("nil")
	case *Block:
		sb.WriteString("(block")
		for _, st := range s.Stmts {
			sb.WriteByte(' ')
			writeStmt(sb, st)
		}
		sb.WriteByte(')')
	case *ExprStmt:
		writeExpr(sb, s.X)
	case *DeclStmt:
		for i, d := range s.Decls {
			if i > 0 {
				sb.WriteByte(' ')
			}
			writeDecl(sb, d)
		}
	case *EmptyStmt:
		sb.WriteString("(empty)")
	case *IfStmt:
		sb.WriteString("(if ")
		writeExpr(sb, s.Cond)
		sb.WriteByte(' ')
		writeStmt(sb, s.Then)
		if s.Else != nil {
			sb.WriteByte(' ')
			writeStmt(sb, s.Else)
		}
		sb.WriteByte(')')
	case *WhileStmt:
		sb.WriteString("(while ")
		writeExpr(sb, s.Cond)
		sb.WriteByte(' ')
		writeStmt(sb, s.Body)
		sb.WriteByte(')')
	case *DoStmt:
		sb.WriteString("(do ")
		writeStmt(sb, s.Body)
		sb.WriteByte(' ')
		writeExpr(sb, s.Cond)
		sb.WriteByte(')')
	case *ForStmt:
		sb.WriteString("(for ")
		writeStmt(sb, s.Init)
		sb.WriteByte(' ')
		writeExpr(sb, s.Cond)
		sb.WriteByte(' ')
		writeExpr(sb, s.Post)
		sb.WriteByte(' ')
		writeStmt(sb, s.Body)
		sb.WriteByte(')')
	case *ReturnStmt:
		sb.WriteString("(return")
		if s.X != nil {
			sb.WriteByte(' ')
			writeExpr(sb, s.X)
		}
		sb.WriteByte(')')
	case *BreakStmt:
		sb.WriteString("(break)")
	case *ContinueStmt:
		sb.WriteString("(continue)")
	case *SwitchStmt:
		sb.WriteString("(switch ")
		writeExpr(sb, s.Tag)
		sb.WriteByte(' ')
		writeStmt(sb, s.Body)
		sb.WriteByte(')')
	case *CaseStmt:
		if s.Value == nil {
			sb.WriteString("(default ")
		} else {
			sb.WriteString("(case ")
			writeExpr(sb, s.Value)
			sb.WriteByte(' ')
		}
		writeStmt(sb, s.Stmt)
		sb.WriteByte(')')
	default:
		fmt.Fprintf(sb, "?%T", s)
	}
}
