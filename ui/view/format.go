package view

// Formatting shared by every view: addresses, sizes and counts as the
// views print them. Nothing here allocates more than the string it
// returns, so the views may call it per cell.

import (
	"strconv"
	"strings"

	"mmplay/engine/arch"
)

// KernelHalf is the lowest canonical kernel address of x86-64 with 4-level
// paging (0xffff800000000000): Addr pads addresses at or above it.
const KernelHalf = 0xffff800000000000

// Hex formats v as C's %#lx does, with lower-case digits and no padding:
// Hex(0x5555555592a0) == "0x5555555592a0", Hex(0) == "0x0".
func Hex(v uint64) string {
	var b [18]byte
	return string(strconv.AppendUint(append(b[:0], "0x"...), v, 16))
}

// Addr formats an address the way /proc prints it: kernel addresses (at or
// above KernelHalf) with all 16 hex digits, as /proc/vmallocinfo's
// "0xffffc90000000000", user addresses as Hex. On x86-64 the two agree
// for kernel addresses; the difference is a promise about width that a
// column of addresses can rely on.
func Addr(v uint64) string {
	if v < KernelHalf {
		return Hex(v)
	}
	const digits = "0123456789abcdef"
	var b [18]byte
	b[0], b[1] = '0', 'x'
	for i := 17; i >= 2; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b[:])
}

// Range formats a half-open address range [start, end) as maps-like text
// joined by an en dash: "0x555555559000–0x55555555a000".
func Range(start, end uint64) string {
	return Addr(start) + "–" + Addr(end)
}

// byteUnits are the binary units Bytes uses, smallest first.
var byteUnits = [...]string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}

// Bytes formats a size in the largest binary unit it reaches: exact bytes
// below 1 KiB ("24 B"), whole numbers when exact ("4 KiB", "132 KiB"), and
// otherwise two decimals, with trailing zeros dropped only when the value
// is exact: "1.5 MiB" (exactly 1.5), "100.02 KiB" (102416 bytes),
// "1.00 MiB" (one byte more than 1 MiB: the ".00" says "not exact").
func Bytes(n uint64) string {
	u := 0
	for u+1 < len(byteUnits) && n>>(10*(u+1)) != 0 {
		u++
	}
	if u == 0 {
		return strconv.FormatUint(n, 10) + " B"
	}
	shift := uint(10 * u)
	whole, rem := n>>shift, n&(1<<shift-1)
	if rem == 0 {
		return strconv.FormatUint(whole, 10) + " " + byteUnits[u]
	}
	// Two decimals from the remainder, rounded half up, in integers (a
	// float64 would lose the low bits of large sizes). rem < 2^shift, so
	// rem*100 fits in 64 bits up to PiB; EiB sizes (never a machine's)
	// fall back to a float.
	var hundredths uint64
	exact := false
	if shift <= 56 {
		hundredths = (rem*100 + 1<<(shift-1)) >> shift
		exact = (rem*100)&(1<<shift-1) == 0
	} else {
		hundredths = uint64(float64(rem)/float64(uint64(1)<<shift)*100 + 0.5)
	}
	if hundredths == 100 {
		whole, hundredths = whole+1, 0
	}
	frac := strconv.FormatUint(hundredths, 10)
	if hundredths < 10 {
		frac = "0" + frac
	}
	if exact {
		// Exact to two decimals: drop the trailing zeros ("1.5").
		frac = strings.TrimRight(frac, "0")
	}
	s := strconv.FormatUint(whole, 10)
	if frac != "" {
		s += "." + frac
	}
	return s + " " + byteUnits[u]
}

// Integer is the integer types Plural and Count accept.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Plural formats a count with its noun: Plural(1, "page") == "1 page",
// Plural(2, "page") == "2 pages", Plural(0, "entry") == "0 entries".
// English endings: a consonant and "y" take "ies"; "s", "x", "ch" and
// "sh" take "es"; everything else takes "s".
func Plural[T Integer](n T, word string) string {
	var s string
	if n < 0 {
		s = strconv.FormatInt(int64(n), 10)
	} else {
		s = strconv.FormatUint(uint64(n), 10)
	}
	if n == 1 {
		return s + " " + word
	}
	return s + " " + plural(word)
}

func plural(w string) string {
	switch {
	case w == "":
		return w
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	}
	return w + "s"
}

// Pages formats a number of pages with its size: "1 page (4 KiB)",
// "256 pages (1 MiB)".
func Pages(n uint64) string {
	return Plural(n, "page") + " (" + Bytes(n<<arch.PageShift) + ")"
}

// Percent formats a percentage for a CSS width: three decimals, so that
// widths computed to sum to 100 still sum to 100 when printed ("12.500%").
func Percent(p float64) string {
	return strconv.FormatFloat(p, 'f', 3, 64) + "%"
}

func fmtInt(n int) string     { return strconv.Itoa(n) }
func fmtUint(n uint64) string { return strconv.FormatUint(n, 10) }
