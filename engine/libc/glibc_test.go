package libc

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The printf golden test: goldenCases lists format/argument pairs; a C
// program made from them, compiled with gcc and run against this
// machine's glibc 2.36, printed testdata/printf.golden (one line per
// case: index, snprintf's result, the output in hex). TestPrintfGolden
// compares Format with that file and needs no gcc; TestPrintfGlibc
// compares with a fresh run when gcc is present; -record rewrites the
// file:
//
//	go test ./engine/libc -run TestPrintfGlibc -record
var record = flag.Bool("record", false, "re-record testdata/printf.golden with gcc and the real glibc")

const goldenFile = "testdata/printf.golden"

// carg is one C argument: its C type and value.
type carg struct {
	ctype string // "int", "unsigned", "long", "unsigned long", "long long", "char*", "void*"
	v     int64
	s     string // for char*
	null  bool   // a NULL char*
}

type gcase struct {
	format string
	args   []carg
}

func cInt(v int64) carg   { return carg{ctype: "int", v: v} }
func cLong(v int64) carg  { return carg{ctype: "long", v: v} }
func cStr(s string) carg  { return carg{ctype: "char*", s: s} }
func cPtr(v int64) carg   { return carg{ctype: "void*", v: v} }
func cNullStr() carg      { return carg{ctype: "char*", null: true} }
func cUint(v int64) carg  { return carg{ctype: "unsigned", v: v} }
func cULong(v int64) carg { return carg{ctype: "unsigned long", v: v} }

// goldenCases builds the cases deterministically.
func goldenCases() []gcase {
	var cs []gcase
	flagsets := []string{"", "-", "+", " ", "#", "0", "-0", "+0", "#0", "- ", "+ ", "#-", "' "}
	widths := []string{"", "1", "6", "23"}
	precs := []string{"", ".", ".3", ".12"}
	intVals := []int64{0, 1, -42, 2147483647, -2147483648, 0x10000}
	for _, conv := range []string{"d", "i", "u", "x", "X", "o", "b"} {
		for _, fl := range flagsets {
			for _, w := range widths {
				for _, pr := range precs {
					f := "[%" + fl + w + pr + conv + "]"
					for _, v := range intVals {
						cs = append(cs, gcase{f, []carg{cInt(v)}})
					}
				}
			}
		}
	}
	longVals := []int64{0, -1, 1 << 40, -1 << 63, 1<<63 - 1, 0x1ff, 0x1ffff, 0x1_8000_0000}
	for _, conv := range []string{"d", "u", "x", "o"} {
		for _, mod := range []string{"hh", "h", "", "l", "ll", "z", "j", "t", "L", "q", "Z"} {
			for _, fl := range []string{"", "#", "+08", "-12"} {
				f := "[%" + fl + mod + conv + "]"
				for _, v := range longVals {
					a := cLong(v)
					if mod == "" || mod == "h" || mod == "hh" {
						a = cInt(int64(int32(v)))
					}
					cs = append(cs, gcase{f, []carg{a}})
				}
			}
		}
	}
	for _, f := range []string{"[%c]", "[%5c]", "[%-5c]", "[%05c]", "[%.0c]", "[%hhc]", "[%hc]"} {
		for _, v := range []int64{'A', 0x41 + 0x100, 'z', ' '} {
			cs = append(cs, gcase{f, []carg{cInt(v)}})
		}
	}
	for _, f := range []string{"[%s]", "[%10s]", "[%-10s]", "[%.2s]", "[%.0s]", "[%010s]", "[%3.1s]", "[%-3.10s]", "[%hhs]", "[%+ #s]"} {
		for _, s := range []string{"", "hi", "hello, world", "tab\there"} {
			cs = append(cs, gcase{f, []carg{cStr(s)}})
		}
		cs = append(cs, gcase{f, []carg{cNullStr()}})
	}
	for _, f := range []string{"[%p]", "[%20p]", "[%-20p]", "[%020p]", "[%.20p]", "[%+p]", "[% p]", "[%#p]", "[%.3p]", "[%.6p]", "[%-8.3p]", "[%lp]"} {
		for _, v := range []int64{0, 1, 0x555555559000, -1} {
			cs = append(cs, gcase{f, []carg{cPtr(v)}})
		}
	}
	for _, f := range []string{"[%*d]", "[%-*d]", "[%.*d]", "[%0*d]"} {
		for _, w := range []int64{-7, -1, 0, 5, 12} {
			cs = append(cs, gcase{f, []carg{cInt(w), cInt(-42)}})
		}
	}
	cs = append(cs,
		gcase{"[%*.*x]", []carg{cInt(10), cInt(4), cUint(0xab)}},
		gcase{"[%-*.*s]", []carg{cInt(8), cInt(3), cStr("abcdef")}},
		gcase{"[%.*s]", []carg{cInt(-1), cStr("abcdef")}},
		gcase{"[%%|%5%|%-5%|%05%]", nil},
		gcase{"[%y|%5ly|%-3q|%#+-0'Iy|%.7w]", nil},
		gcase{"[%hhhd|%lhd|%hld]", []carg{cInt(1), cInt(2), cLong(3)}},
		gcase{"[%llld]", []carg{cLong(5)}},
		gcase{"[%zu %zd %zx]", []carg{cULong(-1), cLong(-1), cULong(4096)}},
		gcase{"[%lu %lx %lo]", []carg{cULong(-1), cULong(-1), cULong(-1)}},
		gcase{"a=%d b=%s c=%c d=%p e=%lx f=%%\n", []carg{cInt(1), cStr("two"), cInt('3'), cPtr(0x4000), cULong(0xdeadbeef)}},
		gcase{"stdout buffer chunk: 0x%lx bytes\n", []carg{cLong(0x1010)}},
		gcase{"base+0x%lx", []carg{cLong(0x12d0)}},
		gcase{"", nil},
		gcase{"no conversions at all", nil},
		gcase{"[%.0x|%#.0x|%#.0o|%.0o|%#o|%#5o|%#-5x|%#05x|%#5.3x]", []carg{cUint(0), cUint(0), cUint(0), cUint(0), cUint(0), cUint(8), cUint(8), cUint(8), cUint(8)}},
		gcase{"[%#o|%#.3o|%#.1o|%#.2o]", []carg{cUint(8), cUint(8), cUint(8), cUint(8)}},
		gcase{"[%0-8d|%-08d|%0+-8d]", []carg{cInt(3), cInt(3), cInt(3)}},
	)
	return cs
}

// goArgs converts a case's C arguments to the interpreter's 64-bit
// values, placing strings in m.
func goArgs(m *fakeMem, c gcase, next *uint64) []uint64 {
	var out []uint64
	for _, a := range c.args {
		switch a.ctype {
		case "int":
			out = append(out, uint64(int64(int32(a.v))))
		case "unsigned":
			out = append(out, uint64(uint32(a.v)))
		case "char*":
			if a.null {
				out = append(out, 0)
				continue
			}
			out = append(out, m.putString(*next, a.s))
			*next += 0x1000
		default:
			out = append(out, uint64(a.v))
		}
	}
	return out
}

func cQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// cProgram prints every case with snprintf (the same vfprintf as printf)
// as "index result hex".
func cProgram(cs []gcase) string {
	var b strings.Builder
	b.WriteString("#include <stdio.h>\n#include <string.h>\nstatic char buf[1<<16];\nstatic void out(int i, int n) {\n\tint k = n < 0 ? 0 : n;\n\tprintf(\"%d %d \", i, n);\n\tfor (int j = 0; j < k; j++) printf(\"%02x\", (unsigned char)buf[j]);\n\tprintf(\"\\n\");\n}\nint main(void) {\n")
	for i, c := range cs {
		fmt.Fprintf(&b, "\tout(%d, snprintf(buf, sizeof buf, %s", i, cQuote(c.format))
		for _, a := range c.args {
			switch a.ctype {
			case "char*":
				if a.null {
					b.WriteString(", (char *)0")
				} else {
					b.WriteString(", " + cQuote(a.s))
				}
			case "void*":
				fmt.Fprintf(&b, ", (void *)%dL", a.v)
			default:
				fmt.Fprintf(&b, ", (%s)%dLL", a.ctype, a.v)
			}
		}
		b.WriteString("));\n")
	}
	b.WriteString("\treturn 0;\n}\n")
	return b.String()
}

// runGlibc compiles and runs the case program.
func runGlibc(t *testing.T, cs []gcase) []byte {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found: the golden file is checked by TestPrintfGolden")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "printf.c")
	if err := os.WriteFile(src, []byte(cProgram(cs)), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "printf")
	if out, err := exec.Command(gcc, "-O0", "-w", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return out
}

// checkGolden compares Format with the recorded lines.
func checkGolden(t *testing.T, cs []gcase, golden []byte) {
	t.Helper()
	m := newFakeMem()
	p := &Printer{Mem: m}
	next := uint64(0x10000)
	sc := bufio.NewScanner(bytes.NewReader(golden))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), " ", 3)
		if len(fields) != 3 {
			t.Fatalf("bad golden line %q", sc.Text())
		}
		i, _ := strconv.Atoi(fields[0])
		ret, _ := strconv.Atoi(fields[1])
		want, err := hex.DecodeString(fields[2])
		if err != nil || i != n || i >= len(cs) {
			t.Fatalf("bad golden line %d: %q", n, sc.Text())
		}
		c := cs[i]
		got, ferr := p.Format(nil, []byte(c.format), goArgs(m, c, &next))
		if ferr != nil {
			t.Errorf("case %d %q: error %v", i, c.format, ferr)
		} else if !bytes.Equal(got, want) || len(got) != ret {
			t.Errorf("case %d %q %v: got %q, glibc printed %q (returned %d)", i, c.format, c.args, got, want, ret)
		}
		n++
	}
	if n != len(cs) {
		t.Fatalf("golden file has %d cases, the table %d: re-record with -record", n, len(cs))
	}
}

func TestPrintfGolden(t *testing.T) {
	golden, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, goldenCases(), golden)
}

func TestPrintfGlibc(t *testing.T) {
	cs := goldenCases()
	out := runGlibc(t, cs)
	if *record {
		if err := os.WriteFile(goldenFile, out, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %d cases in %s", len(cs), goldenFile)
	}
	checkGolden(t, cs, out)
}
