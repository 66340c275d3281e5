package interp

import (
	"encoding/binary"
	"strings"
	"sync"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/cc/syntax"
)

func loadTest(t *testing.T, src string, extra map[string]Builtin) (*machine, *Program, Layout) {
	t.Helper()
	m := &machine{}
	b := m.builtins()
	for k, v := range extra {
		b[k] = v
	}
	p, diags := Compile("t.c", []byte(src), Options{Headers: testHeaders, Builtins: b})
	if p == nil {
		t.Fatalf("compile: %v", diags)
	}
	l := m.load(p)
	return m, p, l
}

// A builtin calls back into the snippet, as read() calls a module's
// file_operations.read handler, reentrantly.
func TestCallAddrReentrant(t *testing.T) {
	src := `
struct file_operations { long (*read)(char *buf, long n); };
long dev_read(char *buf, long n) { buf[0] = 'x'; return n - 1; }
struct file_operations fops = { .read = dev_read };
int register_fops(struct file_operations *f);
long do_read(char *buf, long n);
int depth;
long nested(char *buf, long n) { depth++; if (n > 0) return do_read(buf, n - 1) + 10; return 0; }
int main(void) {
	char buf[4];
	long r;
	register_fops(&fops);
	r = do_read(buf, 5);
	return (int)r + (buf[0] == 'x') * 100;
}`
	var fopsAddr uint64
	m := &machine{}
	b := m.builtins()
	b["register_fops"] = func(c *Call) uint64 { fopsAddr = c.Args[0]; return 0 }
	b["do_read"] = func(c *Call) uint64 {
		read := c.Thread.Mem.Load(fopsAddr, 8)
		if name, ok := c.Thread.Program().FuncName(read); !ok || name != "dev_read" {
			t.Errorf("fops.read = %#x (%s)", read, name)
		}
		return c.Thread.CallAddr(read, c.Args[0], c.Args[1])
	}
	p, diags := Compile("t.c", []byte(src), Options{Headers: testHeaders, Builtins: b})
	if p == nil {
		t.Fatal(diags)
	}
	m.load(p)
	r := p.NewThread(m.mem, testStackTop, RunOptions{}).Run("main")
	if r.Status != 104 || r.Signal != nil {
		t.Fatalf("got %+v", r)
	}
	// the reentrant path: nested → do_read → dev_read
	addr, _ := p.FuncAddr("nested")
	b["do_read"] = func(c *Call) uint64 { return c.Thread.CallAddr(addr, c.Args[0], c.Args[1]) }
	p2, _ := Compile("t.c", []byte(src), Options{Headers: testHeaders, Builtins: b})
	m.load(p2)
	addr, _ = p2.FuncAddr("nested")
	th := p2.NewThread(m.mem, testStackTop, RunOptions{})
	r = th.Run("nested", 0, 3) // buf is never touched on this path
	if r.Value != 30 || th.SP() != testStackTop {
		t.Fatalf("nested: %+v sp %#x", r, th.SP())
	}
}

func TestStepsAndLimits(t *testing.T) {
	src := `int main(void) { int i, s = 0; for (i = 0; i < 10; i++) s += i; return s; }`
	_, p, _ := loadTest(t, src, nil)
	m := &machine{}
	m.load(p)
	th := p.NewThread(m.mem, testStackTop, RunOptions{})
	r := th.Run("main")
	// decl s (1) + for init (1) + 11 condition evaluations + 10 bodies + return (1)
	if r.Status != 45 || r.Steps != 24 || r.Pos != (syntax.Pos{Line: 1, Col: 65}) {
		t.Fatalf("got %+v", r)
	}
	th = p.NewThread(m.mem, testStackTop, RunOptions{MaxSteps: 5})
	r = th.Run("main")
	if !r.StepLimit || r.Steps != 5 {
		t.Fatalf("limit: %+v", r)
	}
	// OnStep sees every step with its position, and can stop the run
	var lines []int
	th = p.NewThread(m.mem, testStackTop, RunOptions{OnStep: func(t *Thread) {
		lines = append(lines, t.Pos().Col)
		if len(lines) == 4 {
			t.Stop()
		}
	}})
	r = th.Run("main")
	if !r.Stopped || r.Steps != 3 || len(lines) != 4 || r.Pos.Col != 57 {
		t.Fatalf("stop: %+v %v", r, lines)
	}
	// the declaration of s, the for's init, its condition, its body
	if lines[0] != 25 || lines[1] != 37 || lines[2] != 32 || lines[3] != 57 {
		t.Errorf("step columns %v", lines)
	}
}

func TestStopFromAnotherGoroutine(t *testing.T) {
	_, p, _ := loadTest(t, `int main(void) { for (;;) ; }`, nil)
	m := &machine{}
	m.load(p)
	th := p.NewThread(m.mem, testStackTop, RunOptions{})
	var wg sync.WaitGroup
	wg.Add(1)
	started := make(chan struct{})
	go func() {
		defer wg.Done()
		<-started
		th.Stop()
	}()
	var r Result
	done := make(chan struct{})
	go func() {
		close(started)
		r = th.Run("main")
		close(done)
	}()
	<-done
	wg.Wait()
	if !r.Stopped {
		t.Fatalf("got %+v", r)
	}
}

func TestLoadRelocations(t *testing.T) {
	src := `
int f(void) { return 1; }
char *s = "hi";
int x = 5;
int *px = &x;
int arr[4];
int *pa = &arr[2];
int (*fp)(void) = f;
const int k = 7;
int zero;
int main(void) { return 0; }`
	m, p, l := loadTest(t, src, nil)
	rd := func(name string) uint64 {
		a, ok := p.GlobalAddr(name)
		if !ok {
			t.Fatalf("no global %s", name)
		}
		return m.mem.Load(a, 8)
	}
	xa, _ := p.GlobalAddr("x")
	arra, _ := p.GlobalAddr("arr")
	fa, _ := p.FuncAddr("f")
	ka, _ := p.GlobalAddr("k")
	za, _ := p.GlobalAddr("zero")
	if got := m.str(rd("s")); got != "hi" {
		t.Errorf("s -> %q", got)
	}
	if rd("px") != xa || rd("pa") != arra+8 || rd("fp") != fa {
		t.Errorf("px %#x pa %#x fp %#x", rd("px"), rd("pa"), rd("fp"))
	}
	if fa != l.TextBase || ka < l.RodataBase || ka >= l.DataBase || za < l.BssBase || xa < l.DataBase || xa >= l.BssBase {
		t.Errorf("f %#x k %#x zero %#x x %#x in %+v", fa, ka, za, xa, l)
	}
	if name, ok := p.FuncName(fa + TextSlot); !ok || name != "main" {
		t.Errorf("FuncName = %q", name)
	}
	if _, ok := p.FuncName(fa + 1); ok {
		t.Error("FuncName inside a slot")
	}
	ro, data := p.Sections(l)
	if uint64(len(ro)) != p.RodataSize || uint64(len(data)) != p.DataSize {
		t.Errorf("sections %d %d", len(ro), len(data))
	}
	if binary.LittleEndian.Uint64(data[8:]) == 0 {
		t.Errorf("data image without relocation: % x", data)
	}
}

// The frame is laid out like gcc -O0's: return address and saved rbp
// below the caller's rsp, locals below rbp.
func TestFrameLayout(t *testing.T) {
	src := `
long probe(void) { long local = 0; return (long)&local; }
int main(void) { return 0; }`
	m, p, _ := loadTest(t, src, nil)
	th := p.NewThread(m.mem, testStackTop, RunOptions{})
	r := th.Run("probe")
	// rsp0 - 8: return address; rsp0 - 16: saved rbp = rbp; local at rbp - 8
	if r.Value != testStackTop-16-8 {
		t.Fatalf("&local = %#x, want %#x", r.Value, testStackTop-24)
	}
	if ret := m.mem.Load(testStackTop-8, 8); ret != 0 {
		t.Errorf("outermost return address %#x", ret)
	}
}

func TestCompileDiagnostics(t *testing.T) {
	m := &machine{}
	opts := Options{Headers: testHeaders, Builtins: m.builtins(), MaxSourceBytes: 100,
		Hint: func(n string) string {
			if n == "kmalloc" {
				return "kmalloc is a kernel function; user programs call malloc"
			}
			return ""
		}}
	_, d := Compile("big.c", []byte(strings.Repeat("int x;\n", 100)), opts)
	if len(d) != 1 || !strings.Contains(d[0].Msg, "source too large") {
		t.Errorf("big: %v", d)
	}
	opts.MaxSourceBytes = 0
	_, d = Compile("k.c", []byte("#include <stdlib.h>\nint main(void) { void *p = kmalloc(8); return 0; }"), opts)
	if len(d) == 0 || d[0].Error() != "k.c:2:28: implicit declaration of function 'kmalloc' (hint: kmalloc is a kernel function; user programs call malloc)" {
		t.Errorf("hint: %v", d)
	}
	// a header the caller does not know is a warning; the program still compiles
	p, d := Compile("w.c", []byte("#include <linux/slab.h>\nint main(void) { return 0; }"), opts)
	if p == nil || len(d) != 1 || !d[0].Warning {
		t.Errorf("unknown header: %v", d)
	}
	// an error inside a header names the header
	opts.Headers = func(name string) (string, bool) { return "int broken(;\n", name == "bad.h" }
	_, d = Compile("h.c", []byte("#include \"bad.h\"\nint main(void) { return 0; }"), opts)
	if len(d) == 0 || d[0].File != "bad.h" || d[0].Pos != (syntax.Pos{Line: 1, Col: 12}) {
		t.Errorf("header error: %v", d)
	}
	// deep nesting is an error, not a Go stack overflow
	deep := "int main(void) { return " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + "; }"
	_, d = Compile("deep.c", []byte(deep), opts)
	if len(d) == 0 || !strings.Contains(d[0].Msg, "nesting too deep") {
		t.Errorf("deep: %v", d)
	}
}

// Signals raised by builtins end the run with the signal, and the next
// Run starts on a clean stack.
func TestSignalFromBuiltin(t *testing.T) {
	src := `void boom(void);
int main(void) { boom(); return 1; }`
	m, p, _ := loadTest(t, src, map[string]Builtin{"boom": func(c *Call) uint64 {
		panic(&arch.Signal{Signo: arch.SIGBUS, Reason: "test"})
	}})
	th := p.NewThread(m.mem, testStackTop, RunOptions{})
	r := th.Run("main")
	if r.Signal == nil || r.Signal.Signo != arch.SIGBUS || r.Pos.Line != 2 {
		t.Fatalf("got %+v", r)
	}
	if r = th.Run("nosuch"); r.Err == nil {
		t.Error("Run of an unknown function")
	}
}

// FuncName names the innermost snippet function (the caller while a
// builtin runs, the handler while a builtin calls back into the snippet)
// and "" outside runs; FuncLines gives a definition's first line and the
// line of its last statement.
func TestFuncName(t *testing.T) {
	src := `int where(void);
int back(void);
int handler(void)
{
	return where();
}
int helper(int x)
{
	int y = x + 1;
	where();
	return back() + y;
}
int main(void) { return helper(1) + where(); }
`
	var seen []string
	var th *Thread
	m, p, _ := loadTest(t, src, map[string]Builtin{
		"where": func(c *Call) uint64 { seen = append(seen, c.Thread.FuncName()); return 0 },
		"back": func(c *Call) uint64 {
			a, _ := c.Thread.Program().FuncAddr("handler")
			return c.Thread.CallAddr(a)
		},
	})
	th = p.NewThread(m.mem, testStackTop, RunOptions{})
	if n := th.FuncName(); n != "" {
		t.Errorf("before the run: %q", n)
	}
	if r := th.Run("main"); r.Signal != nil || r.Err != nil {
		t.Fatalf("run: %+v", r)
	}
	if got := strings.Join(seen, " "); got != "helper handler main" {
		t.Errorf("FuncName inside builtins: %q, want \"helper handler main\"", got)
	}
	if n := th.FuncName(); n != "" {
		t.Errorf("after the run: %q", n)
	}
	for _, c := range []struct {
		name        string
		first, last int
		ok          bool
	}{{"handler", 3, 5, true}, {"helper", 7, 11, true}, {"main", 13, 13, true}, {"where", 0, 0, false}, {"nosuch", 0, 0, false}} {
		first, last, ok := p.FuncLines(c.name)
		if first != c.first || last != c.last || ok != c.ok {
			t.Errorf("FuncLines(%s) = %d, %d, %v; want %d, %d, %v", c.name, first, last, ok, c.first, c.last, c.ok)
		}
	}
}
