package syntax

import (
	"math/bits"
	"strings"
)

// IntLitInfo describes an integer literal's spelling: the checker picks
// its type from these by C11 6.4.4.1 (decimal: int, long, long long;
// octal/hex: also the unsigned forms).
type IntLitInfo struct {
	Decimal  bool
	Unsigned bool // U suffix
	Long     int  // number of L's in the suffix (0, 1, 2)
}

// ParseInt parses a C integer literal (decimal, 0x hex, 0 octal, 0b
// binary, suffixes u/U, l/L, ll/LL in any order). err is "" on success.
func ParseInt(text string) (v uint64, info IntLitInfo, overflow bool, err string) {
	s := text
	// suffix
	end := len(s)
	for end > 0 {
		c := s[end-1]
		if c == 'u' || c == 'U' || c == 'l' || c == 'L' {
			end--
			continue
		}
		break
	}
	suf := s[end:]
	s = s[:end]
	lower := strings.ToLower(suf)
	switch lower {
	case "", "u", "l", "ul", "lu", "ll", "ull", "llu":
	default:
		return 0, info, false, "invalid suffix \"" + suf + "\" on integer constant"
	}
	if strings.Contains(suf, "lL") || strings.Contains(suf, "Ll") {
		return 0, info, false, "invalid suffix \"" + suf + "\" on integer constant"
	}
	info.Unsigned = strings.Contains(lower, "u")
	info.Long = strings.Count(lower, "l")
	base := uint64(10)
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		base, s = 16, s[2:]
	case len(s) > 2 && (s[:2] == "0b" || s[:2] == "0B"):
		base, s = 2, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	info.Decimal = base == 10
	if s == "" {
		return 0, info, false, "invalid integer constant \"" + text + "\""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case '0' <= c && c <= '9':
			d = uint64(c - '0')
		case 'a' <= c && c <= 'f':
			d = uint64(c-'a') + 10
		case 'A' <= c && c <= 'F':
			d = uint64(c-'A') + 10
		case c == '.' || c == 'e' || c == 'E' || c == 'p' || c == 'P' || c == 'f' || c == 'F':
			return 0, info, false, "floating point is not supported in mmplay"
		default:
			return 0, info, false, "invalid digit '" + string(c) + "' in integer constant"
		}
		if d >= base {
			if base == 10 && (c == 'e' || c == 'E' || c == 'f' || c == 'F') {
				return 0, info, false, "floating point is not supported in mmplay"
			}
			return 0, info, false, "invalid digit '" + string(c) + "' in integer constant \"" + text + "\""
		}
		hi, lo := bits.Mul64(v, base)
		lo, carry := bits.Add64(lo, d, 0)
		if hi != 0 || carry != 0 {
			overflow = true
		}
		v = lo
	}
	return v, info, overflow, ""
}

// ParseChar parses a character literal such as 'a', '\n', '\0', '\x41'
// or '\101'. The value is that of a (signed) char converted to int.
func ParseChar(text string) (int64, string) {
	if len(text) < 3 || text[0] != '\'' || text[len(text)-1] != '\'' {
		if strings.HasPrefix(text, "'") && len(text) == 2 {
			return 0, "empty character constant"
		}
		return 0, "invalid character constant " + text
	}
	b, err := unescape(text[1 : len(text)-1])
	if err != "" {
		return 0, err
	}
	if len(b) == 0 {
		return 0, "empty character constant"
	}
	if len(b) > 1 {
		// multi-character constants: gcc's value, big-endian packing
		var v int64
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return int64(int32(v)), ""
	}
	return int64(int8(b[0])), ""
}

// ParseString returns the bytes of a string literal, without the NUL.
func ParseString(text string) ([]byte, string) {
	if len(text) < 2 || text[0] != '"' || text[len(text)-1] != '"' {
		return nil, "invalid string literal"
	}
	return unescape(text[1 : len(text)-1])
}

func unescape(s string) ([]byte, string) {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(s) {
			return nil, "invalid escape at end of literal"
		}
		c = s[i]
		switch c {
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'a':
			out = append(out, 7)
		case 'b':
			out = append(out, 8)
		case 'f':
			out = append(out, 12)
		case 'v':
			out = append(out, 11)
		case 'e':
			out = append(out, 27)
		case '\\', '\'', '"', '?':
			out = append(out, c)
		case 'x':
			v, n := 0, 0
			for i+1 < len(s) && isHex(s[i+1]) {
				i++
				v = v*16 + hexVal(s[i])
				n++
				if v > 255 {
					return nil, "hex escape sequence out of range"
				}
			}
			if n == 0 {
				return nil, "\\x used with no following hex digits"
			}
			out = append(out, byte(v))
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for k := 0; k < 2 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; k++ {
				i++
				v = v*8 + int(s[i]-'0')
			}
			if v > 255 {
				return nil, "octal escape sequence out of range"
			}
			out = append(out, byte(v))
		default:
			return nil, "unknown escape sequence '\\" + string(c) + "'"
		}
	}
	return out, ""
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}
