package libc

import (
	"errors"
	"testing"

	"mmplay/engine/arch"
)

// i32 widens a C int the way the interpreter passes it.
func i32(v int32) uint64 { return uint64(int64(v)) }

func TestFormat(t *testing.T) {
	m := newFakeMem()
	hello := m.putString(0x1000, "hello")
	empty := m.putString(0x2000, "")
	// A string that runs up to the end of its page, then an unmapped page.
	m.mapRange(0x5000, arch.PageSize)
	m.WriteBytes(0x5ffd, []byte("abc"))
	p := &Printer{Mem: m}
	// Expected outputs were printed by gcc 12 + glibc 2.36 (the golden
	// test checks thousands more).
	cases := []struct {
		name, format string
		args         []uint64
		want         string
	}{
		{"plain text", "hello, world\n", nil, "hello, world\n"},
		{"int -1 arrives widened to 64 bits", "%d", []uint64{i32(-1)}, "-1"},
		{"%d uses the low 32 bits", "%d", []uint64{0x1_0000_0005}, "5"},
		{"%u of -1", "%u", []uint64{i32(-1)}, "4294967295"},
		{"%lu of -1", "%lu", []uint64{^uint64(0)}, "18446744073709551615"},
		{"%hhd of 0x1ff", "%hhd", []uint64{0x1ff}, "-1"},
		{"%hhu of 0x1ff", "%hhu", []uint64{0x1ff}, "255"},
		{"%hd of 0x1ffff", "%hd", []uint64{0x1ffff}, "-1"},
		{"%zu", "%zu", []uint64{1 << 40}, "1099511627776"},
		{"%lx", "base+0x%lx", []uint64{0x2a0}, "base+0x2a0"},
		{"%#x", "%#x|%#X|%#o|%#x", []uint64{255, 255, 8, 0}, "0xff|0XFF|010|0"},
		{"%#.0o of 0", "%#.0o", []uint64{0}, "0"},
		{"%.0d of 0 is empty", "[%.0d|%5.0d]", []uint64{0, 0}, "[|     ]"},
		{"minus beats zero", "[%-05d]", []uint64{5}, "[5    ]"},
		{"plus beats space", "[%+ d|% +d|% d]", []uint64{5, 5, 5}, "[+5|+5| 5]"},
		{"zero pad after sign", "[%08d|%+08d]", []uint64{i32(-42), 42}, "[-0000042|+0000042]"},
		{"precision disables zero pad", "[%08.3d]", []uint64{7}, "[     007]"},
		{"INT_MIN", "%d", []uint64{i32(-2147483648)}, "-2147483648"},
		{"LONG_MIN", "%ld", []uint64{1 << 63}, "-9223372036854775808"},
		{"star width and precision", "[%*.*d|%-*d]", []uint64{6, 3, 5, i32(-4), 1}, "[   005|1   ]"},
		{"negative star precision is omitted", "[%.*d]", []uint64{i32(-1), 7}, "[7]"},
		{"%c", "[%c|%3c|%-3c]", []uint64{'A', 'b', 'c'}, "[A|  b|c  ]"},
		{"%s", "[%s|%7s|%-7s|%.2s]", []uint64{hello, hello, hello, hello}, "[hello|  hello|hello  |he]"},
		{"%s empty", "[%s]", []uint64{empty}, "[]"},
		{"%s NULL", "[%s|%.3s|%.6s|%8s]", []uint64{0, 0, 0, 0}, "[(null)||(null)|  (null)]"},
		{"%s up to a page end", "[%s]", []uint64{0x5ffd}, ""}, // faults: see below
		{"%.3s never reads past the precision", "[%.3s]", []uint64{0x5ffd}, "[abc]"},
		{"%p", "[%p|%p|%10p|%-8p|%+p]", []uint64{0x1234, 0, 0x1234, 0, 0x10}, "[0x1234|(nil)|    0x1234|(nil)   |+0x10]"},
		{"%p zero pad", "[%08p|%.3p]", []uint64{0x10, 0}, "[0x000010|(nil)]"},
		{"%%", "[%5%|%-5%|100%%]", nil, "[%|%|100%]"},
		{"unknown conversion printed back", "[%y|%5ly|%-3q]", nil, "[%y|%5y|%-3]"},
		{"%hhhd: h is the conversion", "[%hhhd]", []uint64{1}, "[%hd]"},
		{"%b binary", "[%b|%#b|%#B]", []uint64{5, 5, 5}, "[101|0b101|0B101]"},
		{"quote and I flags are no-ops in the C locale", "[%'d|%I d]", []uint64{1234567, 5}, "[1234567| 5]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "%s up to a page end" {
				sig := catchSignal(t, func() { p.Format(nil, []byte(c.format), c.args) })
				if sig == nil || sig.Signo != arch.SIGSEGV || sig.Addr != 0x6000 {
					t.Fatalf("signal = %v, want SIGSEGV at 0x6000", sig)
				}
				return
			}
			got, err := p.Format(nil, []byte(c.format), c.args)
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if string(got) != c.want {
				t.Errorf("Format(%q) = %q, want %q", c.format, got, c.want)
			}
		})
	}
}

func TestFormatErrors(t *testing.T) {
	p := &Printer{Mem: newFakeMem()}
	cases := []struct {
		name, format string
		args         []uint64
		out          string // output produced before the error
		kind         FormatErrorKind
		errno        int
	}{
		{"format ends after %", "[abc%", nil, "[abc", Invalid, errEINVAL},
		{"format ends after a modifier", "x%5l", nil, "x", Invalid, errEINVAL},
		{"width above INT_MAX", "%99999999999d", []uint64{1}, "", Invalid, errEOVERFLOW},
		{"width at glibc's limit", "%2147483616d", []uint64{1}, "", Invalid, errEOVERFLOW},
		{"width above mmplay's limit", "a%2000000d", []uint64{1}, "a", Unsupported, 0},
		{"%f", "n=%d %f", []uint64{1, 2}, "n=1 ", Unsupported, 0},
		{"%g", "%g", []uint64{1}, "", Unsupported, 0},
		{"%n", "ab%n", []uint64{0x1000}, "ab", Unsupported, 0},
		{"%ls", "%ls", []uint64{0x1000}, "", Unsupported, 0},
		{"%lc", "%lc", []uint64{65}, "", Unsupported, 0},
		{"%m", "%m", nil, "", Unsupported, 0},
		{"positional", "%1$d", []uint64{1}, "", Unsupported, 0},
		{"missing argument", "%d %d", []uint64{1}, "1 ", Unsupported, 0},
		{"missing star argument", "%*d", nil, "", Unsupported, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := p.Format(nil, []byte(c.format), c.args)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FormatError", err)
			}
			if fe.Kind != c.kind || fe.Errno != c.errno {
				t.Errorf("kind %d errno %d, want %d %d (%v)", fe.Kind, fe.Errno, c.kind, c.errno, fe)
			}
			if string(got) != c.out {
				t.Errorf("output %q, want %q", got, c.out)
			}
			if fe.Error() == "" {
				t.Error("empty message")
			}
		})
	}
}

func BenchmarkFormat(b *testing.B) {
	m := newFakeMem()
	s := m.putString(0x1000, "world")
	p := &Printer{Mem: m}
	format := []byte("%d %s\n")
	args := []uint64{i32(-12345), s}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = p.Format(buf[:0], format, args)
	}
}
