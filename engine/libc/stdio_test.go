package libc

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"mmplay/engine/arch"
)

// proc is a tiny process around a Stdio for the tests: a fake memory
// with a bump-allocated heap, and the bytes each fd received.
type proc struct {
	t      *testing.T
	mem    *fakeMem
	io     *Stdio
	out    [3]bytes.Buffer
	writes [3]int // write(2) calls per fd
	heap   uint64
	allocs []uint64 // sizes passed to malloc
	frees  []uint64
	next   uint64 // where the next string argument goes
}

const testHeap = 0x555555559000

func newProc(t *testing.T, stdout File) *proc {
	p := &proc{t: t, mem: newFakeMem(), heap: testHeap, next: 0x10000}
	p.mem.mapRange(testHeap, 1<<20)
	env := Env{
		Mem: p.mem,
		Alloc: func(n uint64) uint64 {
			p.allocs = append(p.allocs, n)
			a := p.heap + 16
			p.heap += (n + 16 + 15) &^ 15
			return a
		},
		Free:  func(a uint64) { p.frees = append(p.frees, a) },
		Write: func(fd int, b []byte) { p.out[fd].Write(b); p.writes[fd]++ },
	}
	p.io = NewStdio(env, stdout, TTY)
	return p
}

// badPtr is an argument that is a wild pointer.
type badPtr uint64

func (p *proc) args(a []any) []uint64 {
	var out []uint64
	for _, x := range a {
		switch v := x.(type) {
		case string:
			out = append(out, p.mem.putString(p.next, v))
			p.next += arch.PageAlignUp(uint64(len(v)) + 1)
		case int:
			out = append(out, uint64(int64(int32(v))))
		case badPtr:
			out = append(out, uint64(v))
		default:
			p.t.Fatalf("bad arg %T", x)
		}
	}
	return out
}

func (p *proc) fprintf(st *Stream, format string, a ...any) int {
	f := p.mem.putString(p.next, format)
	p.next += arch.PageAlignUp(uint64(len(format)) + 1)
	n, err := p.io.Printf(st, f, p.args(a))
	if err != nil {
		if fe, ok := err.(*FormatError); !ok || fe.Kind != Invalid {
			p.t.Fatalf("printf: %v", err)
		}
	}
	return n
}

func (p *proc) printf(format string, a ...any) int { return p.fprintf(p.io.Stdout, format, a...) }
func (p *proc) eprintf(format string, a ...any) int {
	return p.fprintf(p.io.Stderr, format, a...)
}
func (p *proc) puts(s string) { p.io.Puts(p.args([]any{s})[0]) }
func (p *proc) write(fd int, s string) {
	p.io.WriteFD(fd, p.args([]any{s})[0], uint64(len(s)))
}
func (p *proc) abort() { panic(&arch.Signal{Signo: arch.SIGABRT}) }
func (p *proc) exit() {
	p.io.Exit()
	panic(&arch.Exit{})
}

// userBuf is a static char array of the program, for setvbuf.
const userBuf = 0x600000

func (p *proc) setvbuf(st *Stream, mode int, size int) {
	buf := uint64(0)
	if size > 0 {
		p.mem.mapRange(userBuf, uint64(size))
		buf = userBuf
	}
	if r := st.Setvbuf(buf, mode, uint64(size)); r != 0 {
		p.t.Fatalf("setvbuf = %d", r)
	}
}

// run runs body as the process's main and reports how it ended.
func (p *proc) run(body func(p *proc)) (end string) {
	defer func() {
		if r := recover(); r != nil {
			switch v := r.(type) {
			case *arch.Signal:
				end = "signal " + arch.SignalName(v.Signo)
			case *arch.Exit:
				end = "exit"
			default:
				panic(r)
			}
		}
		if err := p.io.CheckInvariants(); err != nil {
			p.t.Errorf("invariants: %v", err)
		}
	}()
	body(p)
	p.io.Exit() // return from main
	return "exit"
}

func pattern(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}

// stdioCase is a C program body and the same program on the model. The
// C side has: big (filled by fill(n) with the pattern), ubuf[4096].
type stdioCase struct {
	name  string
	c     string
	model func(p *proc)
}

var stdioCases = []stdioCase{
	{"pipe: abort loses a buffered line (oracle case 040)",
		`printf("first line\n"); abort();`,
		func(p *proc) { p.printf("first line\n"); p.abort() }},
	{"pipe: exit flushes",
		`printf("first line\n"); exit(0);`,
		func(p *proc) { p.printf("first line\n"); p.exit() }},
	{"pipe: a 5000-byte piece writes one 4096 block directly, keeps 904",
		`fill(5000); printf("%s", big); abort();`,
		func(p *proc) { p.printf("%s", pattern(5000)); p.abort() }},
	{"pipe: 4000 then 100 bytes flush the full buffer once",
		`fill(4000); printf("%s", big); fill(100); printf("%s", big); abort();`,
		func(p *proc) { p.printf("%s", pattern(4000)); p.printf("%s", pattern(100)); p.abort() }},
	{"pipe: a first piece of exactly 4096 bytes is written directly",
		`fill(4096); printf("%s", big); abort();`,
		func(p *proc) { p.printf("%s", pattern(4096)); p.abort() }},
	{"pipe: a buffer filled to the brim is not flushed",
		`putchar('<'); fill(4095); printf("%s", big); abort();`,
		func(p *proc) { p.io.Stdout.Putc('<'); p.printf("%s", pattern(4095)); p.abort() }},
	{"pipe: one more char after a full buffer flushes it",
		`fill(4096); printf("%s", big); putchar('!'); abort();`,
		func(p *proc) { p.printf("%s", pattern(4096)); p.io.Stdout.Putc('!'); p.abort() }},
	{"pipe: 1 + 8191 bytes leave the buffer empty",
		`putchar('<'); fill(8191); printf("%s", big); abort();`,
		func(p *proc) { p.io.Stdout.Putc('<'); p.printf("%s", pattern(8191)); p.abort() }},
	{"pipe: a wide field is padded in 16-byte pieces",
		`putchar('<'); printf("%8191d|%-5000s|", 7, "x"); abort();`,
		func(p *proc) { p.io.Stdout.Putc('<'); p.printf("%8191d|%-5000s|", 7, "x"); p.abort() }},
	{"pipe: many small printfs",
		`for (int i = 0; i < 1000; i++) printf("line %d\n", i); abort();`,
		func(p *proc) {
			for i := 0; i < 1000; i++ {
				p.printf("line %d\n", i)
			}
			p.abort()
		}},
	{"pipe: puts and putchar",
		`puts("hello"); putchar('x'); puts(""); exit(0);`,
		func(p *proc) { p.puts("hello"); p.io.Stdout.Putc('x'); p.puts(""); p.exit() }},
	{"pipe: fflush writes what is pending",
		`printf("a"); fflush(stdout); printf("b"); abort();`,
		func(p *proc) { p.printf("a"); p.io.Fflush(p.io.Stdout); p.printf("b"); p.abort() }},
	{"line buffered: flushed up to the last newline",
		`setvbuf(stdout, NULL, _IOLBF, 0); printf("abc\ndef"); abort();`,
		func(p *proc) { p.setvbuf(p.io.Stdout, IOLBF, 0); p.printf("abc\ndef"); p.abort() }},
	{"line buffered: newline in a piece that does not fit",
		`setvbuf(stdout, NULL, _IOLBF, 0); fill(4000); printf("%s", big); printf("12\n34%s\n56", big); abort();`,
		func(p *proc) {
			p.setvbuf(p.io.Stdout, IOLBF, 0)
			p.printf("%s", pattern(4000))
			p.printf("12\n34%s\n56", pattern(4000))
			p.abort()
		}},
	{"line buffered: puts flushes at its newline",
		`setvbuf(stdout, NULL, _IOLBF, 0); puts("one"); printf("two"); abort();`,
		func(p *proc) { p.setvbuf(p.io.Stdout, IOLBF, 0); p.puts("one"); p.printf("two"); p.abort() }},
	{"line buffered: a 5000-byte first piece",
		`setvbuf(stdout, NULL, _IOLBF, 0); fill(5000); big[4500] = '\n'; printf("%s", big); abort();`,
		func(p *proc) {
			p.setvbuf(p.io.Stdout, IOLBF, 0)
			s := []byte(pattern(5000))
			s[4500] = '\n'
			p.printf("%s", string(s))
			p.abort()
		}},
	{"unbuffered stdout: every piece is a write",
		`setvbuf(stdout, NULL, _IONBF, 0); printf("a%sb", "xyz"); putchar('c'); abort();`,
		func(p *proc) {
			p.setvbuf(p.io.Stdout, IONBF, 0)
			p.printf("a%sb", "xyz")
			p.io.Stdout.Putc('c')
			p.abort()
		}},
	{"unbuffered after output: pending bytes are flushed",
		`printf("pending"); setvbuf(stdout, NULL, _IONBF, 0); printf("!"); abort();`,
		func(p *proc) { p.printf("pending"); p.setvbuf(p.io.Stdout, IONBF, 0); p.printf("!"); p.abort() }},
	{"user buffer of 200 bytes",
		`setvbuf(stdout, ubuf, _IOFBF, 200); fill(450); printf("%s", big); abort();`,
		func(p *proc) { p.setvbuf(p.io.Stdout, IOFBF, 200); p.printf("%s", pattern(450)); p.abort() }},
	{"user buffer under 128 bytes writes everything past it",
		`setvbuf(stdout, ubuf, _IOFBF, 100); fill(450); printf("%s", big); printf("tail"); abort();`,
		func(p *proc) {
			p.setvbuf(p.io.Stdout, IOFBF, 100)
			p.printf("%s", pattern(450))
			p.printf("tail")
			p.abort()
		}},
	{"write(1) bypasses the buffer",
		`printf("buffered "); write(1, "raw ", 4); exit(0);`,
		func(p *proc) { p.printf("buffered "); p.write(1, "raw "); p.exit() }},
	{"stderr is unbuffered: each fprintf is one write",
		`fprintf(stderr, "e1 %d\n", 1); printf("o1\n"); fprintf(stderr, "e2\n"); abort();`,
		func(p *proc) { p.eprintf("e1 %d\n", 1); p.printf("o1\n"); p.eprintf("e2\n"); p.abort() }},
	{"stderr: a 10000-byte fprintf goes out in 8192-byte helper pieces",
		`fill(10000); fprintf(stderr, "<%s>", big); abort();`,
		func(p *proc) { p.eprintf("<%s>", pattern(10000)); p.abort() }},
	{"SIGSEGV in %s after a literal that overflowed the buffer",
		`fill(4090); printf("%s", big); printf("0123456789%s", (char *)8);`,
		func(p *proc) { p.printf("%s", pattern(4090)); p.printf("0123456789%s", badPtr(8)) }},
	{"SIGSEGV in %s on stderr loses that fprintf's text",
		`fprintf(stderr, "before\n"); fprintf(stderr, "abc%s", (char *)8);`,
		func(p *proc) { p.eprintf("before\n"); p.eprintf("abc%s", badPtr(8)) }},
	{"printf fails on a trailing %, keeping the text before it",
		`printf("[%d]", printf("abc%")); exit(0);`,
		func(p *proc) { n := p.printf("abc%"); p.printf("[%d]", n) }},
}

// cStdioProgram is one C program running case i (chosen by argv[1]).
func cStdioProgram() string {
	var b strings.Builder
	b.WriteString(`#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static char big[20000];
static char ubuf[4096];
static void fill(int n) { for (int i = 0; i < n; i++) big[i] = 'a' + i % 26; big[n] = 0; }
int main(int argc, char **argv) {
	(void)ubuf;
	switch (atoi(argv[1])) {
`)
	for i, c := range stdioCases {
		fmt.Fprintf(&b, "\tcase %d: { %s } break;\n", i, c.c)
	}
	b.WriteString("\t}\n\treturn 0;\n}\n")
	return b.String()
}

// stdioResult is what one case produced: stdout, stderr, the end.
type stdioResult struct {
	out, err []byte
	end      string
}

func (r stdioResult) line(i int) string {
	return fmt.Sprintf("%d %s %s %s", i, strings.ReplaceAll(r.end, " ", "_"), hex.EncodeToString(r.out), hex.EncodeToString(r.err))
}

func runStdioGlibc(t *testing.T) []string {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found: testdata/stdio.golden is checked by TestStdioGolden")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "stdio.c")
	if err := os.WriteFile(src, []byte(cStdioProgram()), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "stdio")
	if out, err := exec.Command(gcc, "-O0", "-w", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	var lines []string
	for i := range stdioCases {
		cmd := exec.Command(bin, fmt.Sprint(i))
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e // pipes, as run.sh arranges
		err := cmd.Run()
		end := "exit"
		if ee, ok := err.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				end = "signal " + arch.SignalName(int(ws.Signal()))
			} else {
				end = fmt.Sprintf("status %d", ee.ExitCode())
			}
		} else if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, stdioResult{o.Bytes(), e.Bytes(), end}.line(i))
	}
	return lines
}

func runStdioModel(t *testing.T, i int) stdioResult {
	p := newProc(t, Pipe)
	end := p.run(stdioCases[i].model)
	if len(p.allocs) > 0 && p.allocs[0] != 4096 {
		t.Errorf("case %d: stdout buffer malloc(%d), want malloc(4096)", i, p.allocs[0])
	}
	return stdioResult{p.out[1].Bytes(), p.out[2].Bytes(), end}
}

const stdioGolden = "testdata/stdio.golden"

func checkStdio(t *testing.T, want []string) {
	if len(want) != len(stdioCases) {
		t.Fatalf("%d recorded results for %d cases: re-record with -record", len(want), len(stdioCases))
	}
	for i, c := range stdioCases {
		got := runStdioModel(t, i).line(i)
		if got != want[i] {
			g, w := got, want[i]
			if len(g) > 300 {
				g = g[:300] + "..."
			}
			if len(w) > 300 {
				w = w[:300] + "..."
			}
			t.Errorf("%s:\n model %s\n glibc %s", c.name, g, w)
		}
	}
}

func TestStdioGolden(t *testing.T) {
	data, err := os.ReadFile(stdioGolden)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	checkStdio(t, want)
}

func TestStdioGlibc(t *testing.T) {
	want := runStdioGlibc(t)
	if *record {
		if err := os.WriteFile(stdioGolden, []byte(strings.Join(want, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkStdio(t, want)
}

func TestStdoutBuffer(t *testing.T) {
	cases := []struct {
		name      string
		file      File
		size      uint64
		mode      int
		afterLine int // bytes written after printf("ab\ncd")
	}{
		{"pipe: malloc(4096), fully buffered", Pipe, 4096, IOFBF, 0},
		{"tty: malloc(1024), line buffered", TTY, 1024, IOLBF, 3},
		{"unknown blksize: malloc(BUFSIZ)", File{}, 8192, IOFBF, 0},
		{"blksize above BUFSIZ: malloc(BUFSIZ)", File{Blksize: 65536}, 8192, IOFBF, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProc(t, c.file)
			if len(p.allocs) != 0 {
				t.Fatal("allocated before the first output")
			}
			p.printf("ab\ncd")
			if len(p.allocs) != 1 || p.allocs[0] != c.size {
				t.Fatalf("allocs %v, want [%d]", p.allocs, c.size)
			}
			if got := p.io.Stdout.Mode(); got != c.mode {
				t.Errorf("mode %d, want %d", got, c.mode)
			}
			if p.out[1].Len() != c.afterLine {
				t.Errorf("%d bytes written, want %d", p.out[1].Len(), c.afterLine)
			}
			// The pending bytes are in simulated memory at the buffer.
			addr, size, pending := p.io.Stdout.Buffer()
			if addr != testHeap+16 || uint64(size) != c.size {
				t.Errorf("buffer at %#x size %d", addr, size)
			}
			want := "ab\ncd"[c.afterLine:]
			if got := string(p.mem.bytes(addr, uint64(pending))); got != want {
				t.Errorf("buffer holds %q, want %q", got, want)
			}
			p.printf("more")
			if len(p.allocs) != 1 {
				t.Error("second printf allocated again")
			}
			if err := p.io.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestStdoutBufferCorruption(t *testing.T) {
	// A heap overflow into the stdout buffer changes what is flushed,
	// as on the real machine.
	p := newProc(t, Pipe)
	p.printf("hello\n")
	addr, _, _ := p.io.Stdout.Buffer()
	p.mem.WriteBytes(addr, []byte("J"))
	p.io.Exit()
	if got := p.out[1].String(); got != "Jello\n" {
		t.Errorf("flushed %q", got)
	}
}

func TestSetvbufFreesStdioBuffer(t *testing.T) {
	p := newProc(t, Pipe)
	p.printf("x")
	addr, _, _ := p.io.Stdout.Buffer()
	p.setvbuf(p.io.Stdout, IONBF, 0)
	if len(p.frees) != 1 || p.frees[0] != addr {
		t.Errorf("frees %v, want [%#x]", p.frees, addr)
	}
	if p.out[1].String() != "x" {
		t.Errorf("pending byte not flushed: %q", p.out[1].String())
	}
	// A user buffer is never freed.
	p.setvbuf(p.io.Stdout, IOFBF, 300)
	p.setvbuf(p.io.Stdout, IOFBF, 200)
	if len(p.frees) != 1 {
		t.Errorf("a user buffer was freed: %v", p.frees)
	}
	if r := p.io.Stdout.Setvbuf(0, 7, 0); r != EOF {
		t.Errorf("bad mode: %d", r)
	}
}

func TestSetvbufFullyBufferedAllocatesNow(t *testing.T) {
	p := newProc(t, TTY)
	p.setvbuf(p.io.Stdout, IOFBF, 0)
	if len(p.allocs) != 1 || p.allocs[0] != 1024 {
		t.Fatalf("allocs %v", p.allocs)
	}
	p.printf("a\n")
	if p.out[1].Len() != 0 || p.io.Stdout.Mode() != IOFBF {
		t.Errorf("tty set to _IOFBF must stay fully buffered")
	}
}

func TestMallocFailureFallsBackToShortbuf(t *testing.T) {
	p := newProc(t, Pipe)
	p.io.Env.Alloc = func(uint64) uint64 { return 0 }
	p.printf("abc")
	// With the 1-byte _shortbuf (block size < 128) every piece is written
	// directly, but the stream stays "fully buffered".
	if p.out[1].String() != "abc" {
		t.Errorf("wrote %q", p.out[1].String())
	}
	if addr, size, _ := p.io.Stdout.Buffer(); addr != 0 || size != 0 {
		t.Errorf("buffer %#x/%d in simulated memory", addr, size)
	}
	if err := p.io.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteFD(t *testing.T) {
	p := newProc(t, Pipe)
	p.mem.mapRange(0x40000, arch.PageSize)
	p.mem.WriteBytes(0x40ffe, []byte("ok"))
	cases := []struct {
		name    string
		buf, n  uint64
		ret     int64
		written string
	}{
		{"good buffer", 0x40ffe, 2, 2, "ok"},
		{"runs into an unmapped page: partial write", 0x40ffe, 10, 2, "ok"},
		{"unmapped: EFAULT, no signal", 0x90000, 4, -14, ""},
		{"zero bytes", 0x90000, 0, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p.out[1].Reset()
			if r := p.io.WriteFD(1, c.buf, c.n); r != c.ret {
				t.Errorf("ret %d, want %d", r, c.ret)
			}
			if p.out[1].String() != c.written {
				t.Errorf("wrote %q", p.out[1].String())
			}
		})
	}
}

func BenchmarkPrintfStdout(b *testing.B) {
	p := newProc(&testing.T{}, Pipe)
	f := p.mem.putString(0x8000, "%d %s\n")
	s := p.mem.putString(0x9000, "world")
	p.io.Env.Write = func(int, []byte) {}
	args := []uint64{12345, s}
	b.ReportAllocs()
	for b.Loop() {
		p.io.Printf(p.io.Stdout, f, args)
	}
}
