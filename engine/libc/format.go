package libc

import (
	"fmt"
	"math"
)

// FormatErrorKind says whose limit a format hit.
type FormatErrorKind uint8

const (
	// Invalid: the real printf fails here too. glibc 2.36 returns -1
	// with errno set (Errno) after writing the output produced so far:
	// a format ending inside a conversion ("abc%", "%5l") is EINVAL; a
	// width or precision that does not fit an int is EOVERFLOW.
	Invalid FormatErrorKind = iota + 1
	// Unsupported: mmplay refuses a conversion the real printf would
	// perform: floating point (%f %e %g %a ...: the language has no
	// floating point), %n (writes through a pointer; refused for
	// safety), wide characters (%lc %ls %C %S), %m, positional
	// arguments (%1$d), a conversion with no argument left (the real
	// printf would print whatever is in the next register or stack
	// slot), or a field wider than MaxField.
	Unsupported
)

// FormatError reports where a format stopped. The output up to the
// conversion at Offset has been produced; nothing after it.
type FormatError struct {
	Kind   FormatErrorKind
	Offset int    // byte offset of the conversion's '%' in the format
	Spec   string // the conversion text, e.g. "%f" or "%5"
	Errno  int    // Invalid only: EINVAL or EOVERFLOW
	Reason string // plain words
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("printf: %s at offset %d: %s", e.Spec, e.Offset, e.Reason)
}

// MaxField bounds a field width or precision (in bytes). glibc accepts
// anything below INT_MAX-32 and really prints a billion spaces; mmplay
// refuses such a field (Unsupported) so one printf cannot exhaust the
// browser's memory. 1 MiB is far above anything a snippet needs.
const MaxField = 1 << 20

// glibc's own limit on a width or precision: vfprintf-internal.c fails
// with EOVERFLOW when width >= INT_MAX - EXTSIZ (EXTSIZ = 32), and
// read_int returns -1 (EOVERFLOW) for a number above INT_MAX.
const glibcFieldLimit = math.MaxInt32 - 32

// Errno values printf can fail with (asm-generic/errno-base.h,
// asm-generic/errno.h).
const (
	errEINVAL    = 22
	errEOVERFLOW = 75
)

// sink receives printf's output in the pieces glibc's vfprintf hands to
// its stream: outstring → _IO_sputn (put), outchar → _IO_putc_unlocked
// (putc), PAD → _IO_padn (pad). Streams care about the pieces: a piece
// that straddles a full stdio buffer is written differently from single
// characters (see Stream).
type sink interface {
	put(b []byte)
	putc(c byte)
}

// padn is glibc's _IO_padn (libio/iopadn.c) for c ' ' or '0': count
// copies of c, handed to the stream in pieces of PADSIZE = 16 bytes.
func padn(s sink, c byte, count int) {
	buf := blanks[:]
	if c == '0' {
		buf = zeroes[:]
	}
	for ; count >= len(buf); count -= len(buf) {
		s.put(buf)
	}
	if count > 0 {
		s.put(buf[:count])
	}
}

var (
	blanks = [16]byte{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
	zeroes = [16]byte{'0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'}
)

// appendSink collects output in a byte slice.
type appendSink struct{ b []byte }

func (a *appendSink) put(b []byte) { a.b = append(a.b, b...) }
func (a *appendSink) putc(c byte)  { a.b = append(a.b, c) }

// Printer formats like glibc 2.36's vfprintf for the C locale. It holds
// the reader for %s and scratch space, so formatting allocates nothing
// once the scratch has grown. A Printer is not safe for concurrent use.
type Printer struct {
	// Mem reads %s strings; a bad address panics with *arch.Signal
	// (SIGSEGV), exactly where the real strlen would fault.
	Mem Reader
	// str is the scratch for %s.
	str  []byte
	app  appendSink
	work [72]byte // digits of one number (64 binary digits and a marker)
}

// Format appends the output of printf(format, args...) to dst. Each arg
// is a 64-bit value as the interpreter passes it (already promoted and
// widened); the length modifier picks the bits. On a *FormatError the
// returned slice holds the output produced before the failing
// conversion.
func (p *Printer) Format(dst []byte, format []byte, args []uint64) ([]byte, error) {
	p.app.b = dst
	_, err := p.run(&p.app, format, args)
	dst = p.app.b
	p.app.b = nil
	return dst, err
}

// spec is one parsed conversion, in the fields of glibc's printf_info.
type spec struct {
	width, prec                   int // prec -1: none
	left, showsign, space, alt    bool
	group, i18n                   bool
	pad                           byte // ' ' or '0'
	isShort, isChar, isLong, isLL bool
	conv                          byte // the conversion character, 0 at the end of the format
}

// run is vfprintf: literal text and conversions go to s piece by piece.
// It returns the number of bytes produced (printf's result when err is
// nil).
func (p *Printer) run(s sink, f []byte, args []uint64) (done int, err error) {
	i := 0
	ai := 0
	for i < len(f) {
		// Literal text up to the next '%' (__find_specmb).
		j := i
		for j < len(f) && f[j] != '%' {
			j++
		}
		if j > i {
			s.put(f[i:j])
			done += j - i
		}
		if j >= len(f) {
			break
		}
		start := j
		i = j + 1
		var sp spec
		sp.prec = -1
		sp.pad = ' '
		// Step 0: flags.
	flags:
		for i < len(f) {
			switch f[i] {
			case ' ':
				sp.space = true
			case '+':
				sp.showsign = true
			case '-':
				sp.left = true
				sp.pad = ' '
			case '#':
				sp.alt = true
			case '0':
				if !sp.left {
					sp.pad = '0'
				}
			case '\'':
				sp.group = true // C locale: no thousands separator
			case 'I':
				sp.i18n = true // C locale: ASCII digits
			default:
				break flags
			}
			i++
		}
		// Width.
		if i < len(f) && f[i] == '*' {
			i++
			if i < len(f) && isDigit(f[i]) {
				k := i
				n, ok := readInt(f, &k)
				if !ok {
					return done, p.invalid(f, start, k, errEOVERFLOW, "field number too large")
				}
				if n != 0 && k < len(f) && f[k] == '$' {
					return done, p.unsupported(f, start, k+1, "positional arguments (%n$) are not supported")
				}
			}
			if ai >= len(args) {
				return done, p.unsupported(f, start, i, "no argument left for the '*' width")
			}
			w := int32(args[ai])
			ai++
			if w < 0 {
				if w == math.MinInt32 {
					return done, p.invalid(f, start, i, errEOVERFLOW, "width too large")
				}
				w = -w
				sp.pad = ' '
				sp.left = true
			}
			sp.width = int(w)
		} else if i < len(f) && isDigit(f[i]) {
			n, ok := readInt(f, &i)
			if !ok {
				return done, p.invalid(f, start, i, errEOVERFLOW, "width too large")
			}
			if i < len(f) && f[i] == '$' {
				return done, p.unsupported(f, start, i+1, "positional arguments (%n$) are not supported")
			}
			sp.width = n
		}
		// Precision.
		if i < len(f) && f[i] == '.' {
			i++
			if i < len(f) && f[i] == '*' {
				i++
				if i < len(f) && isDigit(f[i]) {
					k := i
					n, ok := readInt(f, &k)
					if !ok {
						return done, p.invalid(f, start, k, errEOVERFLOW, "field number too large")
					}
					if n != 0 && k < len(f) && f[k] == '$' {
						return done, p.unsupported(f, start, k+1, "positional arguments (%n$) are not supported")
					}
				}
				if ai >= len(args) {
					return done, p.unsupported(f, start, i, "no argument left for the '*' precision")
				}
				pr := int32(args[ai])
				ai++
				if pr < 0 {
					pr = -1 // a negative precision is taken as omitted
				}
				sp.prec = int(pr)
			} else if i < len(f) && isDigit(f[i]) {
				n, ok := readInt(f, &i)
				if !ok {
					return done, p.invalid(f, start, i, errEOVERFLOW, "precision too large")
				}
				sp.prec = n
			} else {
				sp.prec = 0
			}
		}
		if sp.width >= glibcFieldLimit || sp.prec >= glibcFieldLimit {
			return done, p.invalid(f, start, i, errEOVERFLOW, "field width or precision too large")
		}
		if sp.width > MaxField || sp.prec > MaxField {
			return done, p.unsupported(f, start, i, fmt.Sprintf("field width or precision above mmplay's limit of %d", MaxField))
		}
		// Length modifiers (x86-64 LP64: long, size_t, ptrdiff_t and
		// intmax_t are all 64 bits, like long long).
		if i < len(f) {
			switch f[i] {
			case 'h':
				i++
				if i < len(f) && f[i] == 'h' {
					sp.isChar = true
					i++
				} else {
					sp.isShort = true
				}
			case 'l':
				i++
				sp.isLong = true
				if i < len(f) && f[i] == 'l' {
					sp.isLL = true
					i++
				}
			case 'L', 'q':
				i++
				sp.isLong, sp.isLL = true, true
			case 'z', 'Z', 't', 'j':
				i++
				sp.isLong = true
			}
		}
		if i >= len(f) {
			// The format ended inside the conversion.
			return done, p.invalid(f, start, i, errEINVAL, "the format ends inside a conversion")
		}
		sp.conv = f[i]
		i++
		// Conversions that take no argument.
		switch sp.conv {
		case '%':
			s.putc('%')
			done++
			continue
		case 'd', 'i', 'u', 'o', 'x', 'X', 'b', 'B', 'c', 's', 'p':
		case 'f', 'F', 'e', 'E', 'g', 'G', 'a', 'A':
			return done, p.unsupported(f, start, i, "mmplay has no floating point")
		case 'n':
			return done, p.unsupported(f, start, i, "%n writes through a pointer; mmplay refuses it")
		case 'm':
			return done, p.unsupported(f, start, i, "%m (strerror(errno)) is not supported")
		case 'C', 'S':
			return done, p.unsupported(f, start, i, "wide characters are not supported")
		default:
			done += printfUnknown(s, &sp)
			continue
		}
		if (sp.conv == 'c' || sp.conv == 's') && sp.isLong {
			return done, p.unsupported(f, start, i, "wide characters are not supported")
		}
		if ai >= len(args) {
			return done, p.unsupported(f, start, i, "no argument left for this conversion")
		}
		arg := args[ai]
		ai++
		done += p.convert(s, &sp, arg)
	}
	return done, nil
}

func (p *Printer) invalid(f []byte, start, end, errno int, reason string) *FormatError {
	return &FormatError{Kind: Invalid, Offset: start, Spec: string(f[start:min(end, len(f))]), Errno: errno, Reason: reason}
}

func (p *Printer) unsupported(f []byte, start, end int, reason string) *FormatError {
	return &FormatError{Kind: Unsupported, Offset: start, Spec: string(f[start:min(end, len(f))]), Reason: reason}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// readInt is glibc's read_int: decimal digits at f[*i:], false when the
// value exceeds INT_MAX.
func readInt(f []byte, i *int) (int, bool) {
	n := 0
	ok := true
	for *i < len(f) && isDigit(f[*i]) {
		d := int(f[*i] - '0')
		if n > (math.MaxInt32-d)/10 {
			ok = false
		} else if ok {
			n = n*10 + d
		}
		*i++
	}
	return n, ok
}

// printfUnknown is glibc's printf_unknown: an unknown conversion is
// printed back as '%', its flags, width, precision and the character
// (but not its length modifiers): "%5ly" prints "%5y".
func printfUnknown(s sink, sp *spec) int {
	var b [40]byte
	n := 0
	b[n] = '%'
	n++
	if sp.alt {
		b[n] = '#'
		n++
	}
	if sp.group {
		b[n] = '\''
		n++
	}
	if sp.showsign {
		b[n] = '+'
		n++
	} else if sp.space {
		b[n] = ' '
		n++
	}
	if sp.left {
		b[n] = '-'
		n++
	}
	if sp.pad == '0' {
		b[n] = '0'
		n++
	}
	if sp.i18n {
		b[n] = 'I'
		n++
	}
	if sp.width != 0 {
		n += len(appendUint(b[n:n], uint64(sp.width), 10, false))
	}
	if sp.prec != -1 {
		b[n] = '.'
		n++
		n += len(appendUint(b[n:n], uint64(sp.prec), 10, false))
	}
	if sp.conv != 0 {
		b[n] = sp.conv
		n++
	}
	// outchar: one character at a time.
	for _, c := range b[:n] {
		s.putc(c)
	}
	return n
}

const digitsLower = "0123456789abcdef"
const digitsUpper = "0123456789ABCDEF"

// appendUint appends v in base to b.
func appendUint(b []byte, v uint64, base uint64, upper bool) []byte {
	digits := digitsLower
	if upper {
		digits = digitsUpper
	}
	var tmp [64]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = digits[v%base]
		v /= base
		if v == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// convert performs one conversion that takes an argument and returns
// the bytes produced. It follows vfprintf-process-arg.c, piece by piece.
func (p *Printer) convert(s sink, sp *spec, arg uint64) int {
	switch sp.conv {
	case 'c':
		// form_character: --width; PAD; outchar; PAD.
		width := sp.width - 1
		n := 1
		if !sp.left && width > 0 {
			padn(s, ' ', width)
		}
		s.putc(byte(arg))
		if sp.left && width > 0 {
			padn(s, ' ', width)
		}
		if width > 0 {
			n += width
		}
		return n
	case 's':
		if arg == 0 {
			// "(null)" if the precision leaves room for all of it.
			if sp.prec == -1 || sp.prec >= 6 {
				return p.printString(s, sp, []byte("(null)"))
			}
			return p.printString(s, sp, nil)
		}
		max := -1
		if sp.prec != -1 {
			max = sp.prec
		}
		p.str = ReadCString(p.Mem, arg, max, p.str[:0])
		return p.printString(s, sp, p.str)
	case 'p':
		if arg == 0 {
			sp2 := *sp
			if sp2.prec < 5 {
				sp2.prec = 5
			}
			return p.printString(s, &sp2, []byte("(nil)"))
		}
		// %p is %#lx, keeping the '+' and ' ' flags.
		sp2 := *sp
		sp2.alt = true
		sp2.conv = 'x'
		return p.number(s, &sp2, arg, false, 16)
	}
	var base uint64
	switch sp.conv {
	case 'd', 'i':
		var v int64
		switch {
		case sp.isLong:
			v = int64(arg)
		case sp.isChar:
			v = int64(int8(arg))
		case sp.isShort:
			v = int64(int16(arg))
		default:
			v = int64(int32(arg))
		}
		if v < 0 {
			return p.number(s, sp, uint64(-v), true, 10)
		}
		return p.number(s, sp, uint64(v), false, 10)
	case 'u':
		base = 10
	case 'o':
		base = 8
	case 'x', 'X':
		base = 16
	case 'b', 'B':
		base = 2
	}
	// Unsigned conversions ignore '+' and ' '.
	sp2 := *sp
	sp2.showsign, sp2.space = false, false
	switch {
	case sp.isLong:
	case sp.isChar:
		arg = uint64(uint8(arg))
	case sp.isShort:
		arg = uint64(uint16(arg))
	default:
		arg = uint64(uint32(arg))
	}
	return p.number(s, &sp2, arg, false, base)
}

// printString is print_string: the string (already cut to the
// precision), padded to the width with spaces.
func (p *Printer) printString(s sink, sp *spec, str []byte) int {
	if sp.prec >= 0 && len(str) > sp.prec {
		str = str[:sp.prec]
	}
	width := sp.width - len(str)
	if width < 0 {
		s.put(str)
		return len(str)
	}
	if !sp.left && width > 0 {
		padn(s, ' ', width)
	}
	s.put(str)
	if sp.left && width > 0 {
		padn(s, ' ', width)
	}
	return len(str) + width
}

// number prints an integer conversion (the labels number/longlong_number
// of vfprintf-process-arg.c): v is the magnitude, neg its sign.
func (p *Printer) number(s sink, sp *spec, v uint64, neg bool, base uint64) int {
	prec := sp.prec
	pad := sp.pad
	if prec < 0 {
		prec = 1
	} else {
		pad = ' ' // an explicit precision turns the '0' flag off
	}
	work := p.work[:]
	var str []byte
	if prec == 0 && v == 0 {
		str = work[:0]
		if base == 8 && sp.alt {
			str = append(str, '0')
		}
	} else {
		str = appendUint(work[:0], v, base, sp.conv == 'X' || sp.conv == 'B')
	}
	nonzero := v != 0
	if prec <= len(str) && nonzero && sp.alt && base == 8 {
		// Octal marker: one leading 0 unless the precision gives one.
		copy(work[1:], str)
		work[0] = '0'
		str = work[:len(str)+1]
	}
	prec = max(0, prec-len(str))
	marker := nonzero && sp.alt && (base == 16 || base == 2)
	done := 0
	width := sp.width
	if !sp.left {
		width -= len(str) + prec
		if marker {
			width -= 2
		}
		if neg || sp.showsign || sp.space {
			width--
		}
		if pad == ' ' {
			if width > 0 {
				padn(s, ' ', width)
				done += width
			}
			width = 0
		}
		switch {
		case neg:
			s.putc('-')
			done++
		case sp.showsign:
			s.putc('+')
			done++
		case sp.space:
			s.putc(' ')
			done++
		}
		if marker {
			s.putc('0')
			s.putc(sp.conv)
			done += 2
		}
		width += prec
		if width > 0 {
			padn(s, '0', width)
			done += width
		}
		s.put(str)
		return done + len(str)
	}
	switch {
	case neg:
		s.putc('-')
		done++
		width--
	case sp.showsign:
		s.putc('+')
		done++
		width--
	case sp.space:
		s.putc(' ')
		done++
		width--
	}
	if marker {
		s.putc('0')
		s.putc(sp.conv)
		done += 2
		width -= 2
	}
	width -= len(str) + prec
	if prec > 0 {
		padn(s, '0', prec)
		done += prec
	}
	s.put(str)
	done += len(str)
	if width > 0 {
		padn(s, ' ', width)
		done += width
	}
	return done
}
