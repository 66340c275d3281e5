package view

// The share link's JSON, written and read by hand.
//
// RATIONALE: the link's state is one small object of known shape
// ({"v":1,"c":…,"k":…,"s":…,"w":[…]}). encoding/json would do, but it was
// the last user of that package in the app's wasm (with the vugu
// templates' property bindings, now gone), and dropping it took 49 kB off
// the brotli-compressed app, whose budget is 1.5 MB (SPEC §11). The
// encoder writes exactly what encoding/json wrote with HTML escaping off,
// and the decoder accepts what encoding/json accepted, with the same
// outcome for each kind of bad input; sharejson_test.go checks both
// against encoding/json on random input.

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// encodeWire is w as compact JSON.
func encodeWire(w wireState) []byte {
	b := make([]byte, 0, len(w.C)+len(w.K)+64)
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, int64(w.V), 10)
	b = append(b, `,"c":`...)
	b = AppendJSONString(b, w.C, false)
	b = append(b, `,"k":`...)
	b = AppendJSONString(b, w.K, false)
	b = append(b, `,"s":`...)
	b = strconv.AppendUint(b, w.S, 10)
	b = append(b, `,"w":[`...)
	for i, v := range w.W {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, v, false)
	}
	return append(b, "]}"...)
}

// AppendJSONString appends s quoted as encoding/json quotes strings:
// '"', '\\' and control characters escaped (\b \f \n \r \t by name),
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped, and with escapeHTML
// (json.Marshal's default) '<', '>' and '&' as \u003c, \u003e, \u0026.
// The share link writes with it off, the app's trace (package jsonenc)
// with it on.
func AppendJSONString(b []byte, s string, escapeHTML bool) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\b':
				b = append(b, `\b`...)
			case c == '\f':
				b = append(b, `\f`...)
			case c == '\n':
				b = append(b, `\n`...)
			case c == '\r':
				b = append(b, `\r`...)
			case c == '\t':
				b = append(b, `\t`...)
			case c < 0x20 || escapeHTML && (c == '<' || c == '>' || c == '&'):
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&15])
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

// wireError is how a decode failed, in the terms DecodeFragment reports.
type wireError int

const (
	wireOK         wireError = iota
	wireSyntax               // not valid JSON (or not an object)
	wireNoVersion            // no "v", or "v" null
	wireVersionNaN           // "v" is not an integer
	wireTypes                // another field has the wrong type
)

// decodeWire reads the link's object from raw.
func decodeWire(raw []byte) (wireState, wireError) {
	var w wireState
	d := jsonDecoder{s: raw}
	// encoding/json checks the whole text before it stores anything.
	if !d.valid() {
		return w, wireSyntax
	}
	d.i = 0
	d.space()
	if d.literal("null") {
		return w, wireNoVersion
	}
	if d.peek() != '{' {
		return w, wireSyntax // an array, a string, a number: not the object
	}
	hasV, vBad, typeBad := false, false, false
	d.i++
	for {
		d.space()
		if d.peek() == '}' {
			break
		}
		key := d.str()
		d.space()
		d.i++ // ':'
		d.space()
		switch {
		case strings.EqualFold(key, "v"):
			switch text, kind := d.number(); {
			case kind == numNull:
				hasV = false
			case kind == numOther:
				vBad = true
			default:
				if n, err := strconv.ParseInt(text, 10, 64); err == nil {
					hasV, w.V = true, int(n)
				} else {
					vBad = true // a fraction, an exponent, or too big for an int
				}
			}
		case strings.EqualFold(key, "c"), strings.EqualFold(key, "k"):
			p := &w.C
			if !strings.EqualFold(key, "c") {
				p = &w.K
			}
			switch d.peek() {
			case '"':
				*p = d.str()
			case 'n':
				d.literal("null")
			default:
				typeBad = true
				d.skip()
			}
		case strings.EqualFold(key, "s"):
			switch text, kind := d.number(); kind {
			case numNull:
			case numOther:
				typeBad = true
			default:
				if n, err := strconv.ParseUint(text, 10, 64); err == nil {
					w.S = n
				} else {
					typeBad = true // negative, a fraction, an exponent, too big
				}
			}
		case strings.EqualFold(key, "w"):
			switch d.peek() {
			case '[':
				w.W = w.W[:0]
				if w.W == nil {
					w.W = []string{}
				}
				d.i++
				for {
					d.space()
					if d.peek() == ']' {
						d.i++
						break
					}
					switch d.peek() {
					case '"':
						w.W = append(w.W, d.str())
					case 'n':
						d.literal("null")
						w.W = append(w.W, "")
					default:
						typeBad = true
						d.skip()
						w.W = append(w.W, "")
					}
					d.space()
					if d.peek() == ',' {
						d.i++
					}
				}
			case 'n':
				d.literal("null")
				w.W = nil
			default:
				typeBad = true
				d.skip()
			}
		default:
			d.skip()
		}
		d.space()
		if d.peek() == ',' {
			d.i++
		}
	}
	switch {
	case vBad:
		return wireState{}, wireVersionNaN
	case !hasV:
		return wireState{}, wireNoVersion
	case typeBad:
		return wireState{V: w.V}, wireTypes
	}
	return w, wireOK
}

// jsonDecoder reads JSON text. valid checks a whole text (RFC 8259); the
// other methods read pieces of a text valid has passed.
type jsonDecoder struct {
	s []byte
	i int
}

func (d *jsonDecoder) peek() byte {
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

func (d *jsonDecoder) space() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
}

func (d *jsonDecoder) literal(word string) bool {
	if strings.HasPrefix(string(d.s[d.i:min(d.i+len(word), len(d.s))]), word) && len(d.s)-d.i >= len(word) {
		d.i += len(word)
		return true
	}
	return false
}

// valid reports whether s is exactly one JSON value, with space around.
func (d *jsonDecoder) valid() bool {
	d.space()
	if !d.value(0) {
		return false
	}
	d.space()
	return d.i == len(d.s)
}

// value checks one value; depth bounds nesting as encoding/json does
// (10000 levels).
func (d *jsonDecoder) value(depth int) bool {
	if depth > 10000 {
		return false
	}
	switch c := d.peek(); {
	case c == '{' || c == '[':
		close := byte('}')
		if c == '[' {
			close = ']'
		}
		d.i++
		d.space()
		if d.peek() == close {
			d.i++
			return true
		}
		for {
			d.space()
			if c == '{' {
				if d.peek() != '"' || !d.checkString() {
					return false
				}
				d.space()
				if d.peek() != ':' {
					return false
				}
				d.i++
				d.space()
			}
			if !d.value(depth + 1) {
				return false
			}
			d.space()
			switch d.peek() {
			case ',':
				d.i++
			case close:
				d.i++
				return true
			default:
				return false
			}
		}
	case c == '"':
		return d.checkString()
	case c == '-' || '0' <= c && c <= '9':
		return d.checkNumber()
	}
	return d.literal("true") || d.literal("false") || d.literal("null")
}

func (d *jsonDecoder) checkString() bool {
	d.i++ // '"'
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			d.i++
			switch d.peek() {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i++
			case 'u':
				if d.i+5 > len(d.s) {
					return false
				}
				for _, h := range d.s[d.i+1 : d.i+5] {
					if !isHex(h) {
						return false
					}
				}
				d.i += 5
			default:
				return false
			}
		default:
			d.i++
		}
	}
	return false
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func (d *jsonDecoder) checkNumber() bool {
	digits := func() int {
		n := 0
		for d.i < len(d.s) && '0' <= d.s[d.i] && d.s[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.peek() == '-' {
		d.i++
	}
	switch {
	case d.peek() == '0':
		d.i++
	case '1' <= d.peek() && d.peek() <= '9':
		digits()
	default:
		return false
	}
	if d.peek() == '.' {
		d.i++
		if digits() == 0 {
			return false
		}
	}
	if d.peek() == 'e' || d.peek() == 'E' {
		d.i++
		if d.peek() == '+' || d.peek() == '-' {
			d.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// skip passes over one (valid) value.
func (d *jsonDecoder) skip() {
	d.value(0)
}

// str reads a (valid) string: escapes decoded, surrogate pairs joined,
// lone surrogates and invalid UTF-8 as U+FFFD, as encoding/json does.
func (d *jsonDecoder) str() string {
	d.i++ // '"'
	start := d.i
	for d.i < len(d.s) && d.s[d.i] != '"' && d.s[d.i] != '\\' && d.s[d.i] < utf8.RuneSelf {
		d.i++
	}
	if d.peek() == '"' {
		d.i++
		return string(d.s[start : d.i-1])
	}
	b := append([]byte(nil), d.s[start:d.i]...)
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return string(b)
		case c == '\\':
			d.i++
			e := d.s[d.i]
			d.i++
			switch e {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := d.hex4()
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if d.i+6 <= len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
						save := d.i
						d.i += 2
						r2 = d.hex4()
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							b = utf8.AppendRune(b, dec)
							continue
						}
						d.i = save
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default: // '"', '\\', '/'
				b = append(b, e)
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			d.i++
		default:
			r, n := utf8.DecodeRune(d.s[d.i:])
			if r == utf8.RuneError && n == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, d.s[d.i:d.i+n]...)
			}
			d.i += n
		}
	}
	return string(b)
}

func (d *jsonDecoder) hex4() rune {
	r, _ := strconv.ParseUint(string(d.s[d.i:d.i+4]), 16, 32)
	d.i += 4
	return rune(r)
}

// Kinds of value number met.
const (
	numNumber = iota // a number
	numNull          // null
	numOther         // anything else
)

// number reads a (valid) value: a number's text, null, or something else.
func (d *jsonDecoder) number() (string, int) {
	if d.literal("null") {
		return "", numNull
	}
	start := d.i
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		d.skip()
		return "", numOther
	}
	d.checkNumber()
	return string(d.s[start:d.i]), numNumber
}
