package libc

import "mmplay/engine/cc/interp"

// ctype.h in the C locale. glibc's class tests are macros that index
// the table behind __ctype_b_loc() and mask one bit, so a test returns
// that bit, not 1: isalpha('a') is 1024 (_ISalpha), isdigit('5') 2048.
// The bits are glibc 2.36's (ctype/ctype.h, little-endian x86-64), and
// the table is 0 outside ASCII in the C locale (EOF, -1, included).
const (
	ctUpper  = 0x100
	ctLower  = 0x200
	ctAlpha  = 0x400
	ctDigit  = 0x800
	ctXdigit = 0x1000
	ctSpace  = 0x2000
	ctPrint  = 0x4000
	ctGraph  = 0x8000
	ctBlank  = 0x1
	ctCntrl  = 0x2
	ctPunct  = 0x4
	ctAlnum  = 0x8
)

// ctypeBits is the C locale's class word of c (0 for c outside 0..127).
func ctypeBits(c int32) uint64 {
	if c < 0 || c > 127 {
		return 0
	}
	var b uint64
	switch {
	case c >= 'A' && c <= 'Z':
		b |= ctUpper | ctAlpha | ctAlnum
	case c >= 'a' && c <= 'z':
		b |= ctLower | ctAlpha | ctAlnum
	case c >= '0' && c <= '9':
		b |= ctDigit | ctAlnum
	}
	if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' {
		b |= ctXdigit
	}
	if c == ' ' || c >= '\t' && c <= '\r' {
		b |= ctSpace
	}
	if c == ' ' || c == '\t' {
		b |= ctBlank
	}
	if c < 32 || c == 127 {
		b |= ctCntrl
	}
	if c >= 32 && c < 127 {
		b |= ctPrint
		if c != ' ' {
			b |= ctGraph
			if b&ctAlnum == 0 {
				b |= ctPunct
			}
		}
	}
	return b
}

// ctypeBuiltins are the ctype.h functions.
func ctypeBuiltins(b map[string]interp.Builtin) {
	class := func(mask uint64) interp.Builtin {
		return func(c *interp.Call) uint64 { return ctypeBits(int32(c.Args[0])) & mask }
	}
	b["isalnum"] = class(ctAlnum)
	b["isalpha"] = class(ctAlpha)
	b["isblank"] = class(ctBlank)
	b["iscntrl"] = class(ctCntrl)
	b["isdigit"] = class(ctDigit)
	b["isgraph"] = class(ctGraph)
	b["islower"] = class(ctLower)
	b["isprint"] = class(ctPrint)
	b["ispunct"] = class(ctPunct)
	b["isspace"] = class(ctSpace)
	b["isupper"] = class(ctUpper)
	b["isxdigit"] = class(ctXdigit)
	b["toupper"] = func(c *interp.Call) uint64 {
		if v := int32(c.Args[0]); v >= 'a' && v <= 'z' {
			return sext32(int(v - 32))
		}
		return c.Args[0]
	}
	b["tolower"] = func(c *interp.Call) uint64 {
		if v := int32(c.Args[0]); v >= 'A' && v <= 'Z' {
			return sext32(int(v + 32))
		}
		return c.Args[0]
	}
}
