package kernel

import (
	"strconv"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

// The kernel's printf (lib/vsprintf.c:vsnprintf), cut down to what module
// code prints: flags "-+ #0", width and precision (with '*'), the length
// modifiers hh h l ll z t j, the conversions d i u x X o c s %, and the
// pointer forms below. Differences from glibc's printf that this keeps:
//
//   - "%#x" of 0 prints "0x0" (number(): the prefix does not depend on the
//     value, unlike C's "#" rule);
//   - "%s" of NULL prints "(null)", of another address below PAGE_SIZE or
//     of an unreadable one "(efault)" (check_pointer);
//   - "%p" never prints the address: it prints a 32-bit hash of it, zero
//     padded to 16 digits (ptr_to_id: siphash with a random boot key, then
//     "hashval & 0xffffffff"). mmplay's key is fixed so that runs repeat;
//     the digits therefore differ from any real boot, as they do between two
//     real boots. "%pK" hashes the same way (kptr_restrict=0, the default).
//   - "%px" prints the raw address as 16 hex digits, "%pa" the phys_addr_t
//     the argument points to as "0x" and 16 digits (special_hex_number),
//     "%pS"/"%ps" a symbol when the integrator's Symbolize knows the address,
//     else the raw "0x…" form kallsyms prints for an unknown address, and
//     "%pGg" the gfp_t flags it points to as "%#x(NAMES)".
//   - an unknown conversion stops the formatting, as vsnprintf does after
//     its "Please remove unsupported %…" warning.

// ptrHashKey is mmplay's fixed stand-in for the random ptr_key.
const ptrHashKey = 0x6d6d706c61793631 // "mmplay61"

// hashPointer is ptr_to_id's value: a 32-bit hash of the pointer.
func hashPointer(p uint64) uint64 {
	z := p ^ ptrHashKey
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return z & 0xffffffff
}

// Symbol is what Symbolize returns for %pS: the function containing an
// address, the offset into it and its size, and the module ("" = built-in).
type Symbol struct {
	Name         string
	Offset, Size uint64
	Module       string
}

// MemReader reads simulated memory without faulting; ok is false when the
// range is not readable.
type MemReader func(addr uint64, buf []byte) bool

type fmtSpec struct {
	minus, plus, space, hash, zero bool
	width, prec                    int // -1: none
}

// Vsnprintf formats like the kernel's vsnprintf with the already widened
// arguments of an interpreter call; read fetches strings and pointed-to
// values. It never panics on bad input.
func (k *Kernel) Vsnprintf(format string, args []uint64, read MemReader) string {
	var b strings.Builder
	ai := 0
	next := func() uint64 {
		if ai < len(args) {
			ai++
			return args[ai-1]
		}
		return 0 // a missing argument reads as 0 (the real one reads garbage)
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(format) {
			break
		}
		sp := fmtSpec{width: -1, prec: -1}
	flags:
		for ; i < len(format); i++ {
			switch format[i] {
			case '-':
				sp.minus = true
			case '+':
				sp.plus = true
			case ' ':
				sp.space = true
			case '#':
				sp.hash = true
			case '0':
				sp.zero = true
			default:
				break flags
			}
		}
		if i < len(format) && format[i] == '*' {
			w := int(int32(next()))
			if w < 0 {
				sp.minus, w = true, -w
			}
			sp.width = w
			i++
		} else {
			for ; i < len(format) && format[i] >= '0' && format[i] <= '9'; i++ {
				sp.width = max(sp.width, 0)*10 + int(format[i]-'0')
				if sp.width > 4096 {
					sp.width = 4096
				}
			}
		}
		if i < len(format) && format[i] == '.' {
			i++
			sp.prec = 0
			if i < len(format) && format[i] == '*' {
				sp.prec = max(int(int32(next())), 0)
				i++
			} else {
				for ; i < len(format) && format[i] >= '0' && format[i] <= '9'; i++ {
					sp.prec = min(sp.prec*10+int(format[i]-'0'), 4096)
				}
			}
		}
		bits := 32
		for i < len(format) {
			switch format[i] {
			case 'h':
				if bits == 16 {
					bits = 8
				} else {
					bits = 16
				}
			case 'l', 'z', 't', 'j', 'L', 'q':
				bits = 64
			default:
				goto conv
			}
			i++
		}
	conv:
		if i >= len(format) {
			break
		}
		switch conv := format[i]; conv {
		case '%':
			b.WriteByte('%')
		case 'c':
			pad(&b, string([]byte{byte(next())}), sp, false)
		case 'd', 'i':
			v := int64(next())
			switch bits {
			case 8:
				v = int64(int8(v))
			case 16:
				v = int64(int16(v))
			case 32:
				v = int64(int32(v))
			}
			neg := v < 0
			u := uint64(v)
			if neg {
				u = -u
			}
			sign := ""
			switch {
			case neg:
				sign = "-"
			case sp.plus:
				sign = "+"
			case sp.space:
				sign = " "
			}
			number(&b, sign, "", strconv.FormatUint(u, 10), sp)
		case 'u', 'x', 'X', 'o':
			u := next()
			switch bits {
			case 8:
				u = uint64(uint8(u))
			case 16:
				u = uint64(uint16(u))
			case 32:
				u = uint64(uint32(u))
			}
			base, prefix := 10, ""
			switch conv {
			case 'x', 'X':
				base = 16
				if sp.hash {
					prefix = "0" + string(conv)
				}
			case 'o':
				base = 8
				if sp.hash && u != 0 {
					prefix = "0"
				}
			}
			digits := strconv.FormatUint(u, base)
			if conv == 'X' {
				digits = strings.ToUpper(digits)
			}
			number(&b, "", prefix, digits, sp)
		case 's':
			p := next()
			s := k.readCString(p, read)
			if sp.prec >= 0 && len(s) > sp.prec {
				s = s[:sp.prec]
			}
			pad(&b, s, sp, false)
		case 'p':
			p := next()
			ext := ""
			for i+1 < len(format) && isAlnum(format[i+1]) {
				i++
				ext += string(format[i])
			}
			pad(&b, k.pointer(p, ext, read), sp, false)
		case 'n':
			next() // %n is refused by the kernel; it writes nothing
		default:
			return b.String() // FORMAT_TYPE_INVALID: stop here
		}
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// number writes sign+prefix+digits with precision (minimum digits), width,
// zero padding and left adjustment, as lib/vsprintf.c:number.
func number(b *strings.Builder, sign, prefix, digits string, sp fmtSpec) {
	if sp.prec == 0 && digits == "0" {
		digits = ""
	}
	if sp.prec > len(digits) {
		digits = strings.Repeat("0", sp.prec-len(digits)) + digits
	}
	body := len(sign) + len(prefix) + len(digits)
	fill := max(sp.width-body, 0)
	switch {
	case sp.minus:
		b.WriteString(sign + prefix + digits + strings.Repeat(" ", fill))
	case sp.zero && sp.prec < 0:
		b.WriteString(sign + prefix + strings.Repeat("0", fill) + digits)
	default:
		b.WriteString(strings.Repeat(" ", fill) + sign + prefix + digits)
	}
}

func pad(b *strings.Builder, s string, sp fmtSpec, _ bool) {
	fill := max(sp.width-len(s), 0)
	if sp.minus {
		b.WriteString(s + strings.Repeat(" ", fill))
	} else {
		b.WriteString(strings.Repeat(" ", fill) + s)
	}
}

// readCString reads a NUL-terminated string for %s (at most 64 KiB).
func (k *Kernel) readCString(p uint64, read MemReader) string {
	if p == 0 {
		return "(null)"
	}
	if p < arch.PageSize || read == nil {
		return "(efault)"
	}
	var out []byte
	var chunk [64]byte
	for len(out) < 64<<10 {
		n := int(min(uint64(len(chunk)), arch.PageSize-(p&arch.PageMask)))
		if !read(p, chunk[:n]) {
			if len(out) == 0 {
				return "(efault)"
			}
			return string(out)
		}
		for i := 0; i < n; i++ {
			if chunk[i] == 0 {
				return string(append(out, chunk[:i]...))
			}
		}
		out = append(out, chunk[:n]...)
		p += uint64(n)
	}
	return string(out)
}

func hex16(v uint64) string {
	s := strconv.FormatUint(v, 16)
	return strings.Repeat("0", max(16-len(s), 0)) + s
}

// pointer is lib/vsprintf.c:pointer for the extensions mmplay supports.
func (k *Kernel) pointer(p uint64, ext string, read MemReader) string {
	switch {
	case strings.HasPrefix(ext, "x"):
		return hex16(p)
	case strings.HasPrefix(ext, "a"):
		var buf [8]byte
		if p < arch.PageSize || read == nil || !read(p, buf[:]) {
			return "(efault)"
		}
		return "0x" + hex16(leUint64(buf[:]))
	case strings.HasPrefix(ext, "S"), strings.HasPrefix(ext, "s"), strings.HasPrefix(ext, "F"), strings.HasPrefix(ext, "f"):
		if k.Symbolize != nil {
			if s, ok := k.Symbolize(p); ok {
				if ext[0] == 's' || ext[0] == 'f' {
					return s.Name
				}
				out := s.Name + "+0x" + strconv.FormatUint(s.Offset, 16) + "/0x" + strconv.FormatUint(s.Size, 16)
				if s.Module != "" {
					out += " [" + s.Module + "]"
				}
				return out
			}
		}
		return "0x" + strconv.FormatUint(p, 16)
	case strings.HasPrefix(ext, "Gg"):
		var buf [4]byte
		if p < arch.PageSize || read == nil || !read(p, buf[:]) {
			return "(efault)"
		}
		g := buddy.GFP(leUint64(append(buf[:], 0, 0, 0, 0)))
		return "0x" + strconv.FormatUint(uint64(g), 16) + "(" + GFPNames(g) + ")"
	}
	if p == 0 {
		// ptr_to_id hashes every value; mmplay prints NULL as the zero
		// digits so that a NULL stays recognisable (a documented
		// simplification).
		return hex16(0)
	}
	return hex16(hashPointer(p))
}

func leUint64(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// gfpComposite is the head of include/trace/events/mmflags.h
// (__def_gfpflag_names, 6.1): composite names are tried first, in this
// order, each taken when all its bits are present; buddy.GFP.String names
// the bits left over.
var gfpComposite = []struct {
	mask buddy.GFP
	name string
}{
	{(buddy.GFP_HIGHUSER_MOVABLE|buddy.GFP__COMP|buddy.GFP__NOMEMALLOC|buddy.GFP__NOWARN)&^(buddy.GFP__DIRECT_RECLAIM|buddy.GFP__KSWAPD_RECLAIM) | buddy.GFP__DIRECT_RECLAIM, "GFP_TRANSHUGE"},
	{(buddy.GFP_HIGHUSER_MOVABLE | buddy.GFP__COMP | buddy.GFP__NOMEMALLOC | buddy.GFP__NOWARN) &^ (buddy.GFP__DIRECT_RECLAIM | buddy.GFP__KSWAPD_RECLAIM), "GFP_TRANSHUGE_LIGHT"},
	{buddy.GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE"},
	{buddy.GFP_HIGHUSER, "GFP_HIGHUSER"},
	{buddy.GFP_USER, "GFP_USER"},
	{buddy.GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT"},
	{buddy.GFP_KERNEL, "GFP_KERNEL"},
	{buddy.GFP_NOFS, "GFP_NOFS"},
	{buddy.GFP_ATOMIC, "GFP_ATOMIC"},
	{buddy.GFP_NOIO, "GFP_NOIO"},
	{buddy.GFP_NOWAIT, "GFP_NOWAIT"},
	{buddy.GFP_DMA, "GFP_DMA"},
	{buddy.GFP__HIGHMEM, "__GFP_HIGHMEM"},
	{buddy.GFP_DMA32, "GFP_DMA32"},
}

// GFPNames names gfp flags as the kernel's %pGg does (format_flags over
// gfpflag_names), e.g. 0x40cc0 → "GFP_KERNEL|__GFP_COMP" (facts §5.1).
func GFPNames(g buddy.GFP) string {
	var parts []string
	for _, c := range gfpComposite {
		if c.mask != 0 && g&c.mask == c.mask {
			parts = append(parts, c.name)
			g &^= c.mask
		}
	}
	if g != 0 || len(parts) == 0 {
		rest := g.String()
		if g == 0 {
			rest = "0"
		}
		if g != 0 || len(parts) == 0 {
			parts = append(parts, rest)
		}
	}
	return strings.Join(parts, "|")
}
