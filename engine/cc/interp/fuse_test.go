package interp

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"mmplay/engine/arch"
)

// fuseConfig is one way of running a program: with or without the fused
// closures (fuse.go), with or without the frame cache (frame.go).
type fuseConfig struct {
	name           string
	noFuse, direct bool
}

var fuseConfigs = []fuseConfig{
	{"general", true, false},
	{"fused, no frame cache", false, false},
	{"fused, frame cache", false, true},
}

// fuseRun is what a run shows: its output, how it ended, and (with a
// trace) the position of every step.
type fuseRun struct {
	out    string
	status int
	exited bool
	signal string
	limit  bool
	steps  uint64
	pos    string
	trace  []string
}

func runFuse(t *testing.T, src string, cfg fuseConfig, maxSteps uint64, trace bool) fuseRun {
	t.Helper()
	m := &machine{}
	p, diags := Compile("t.c", []byte(src), Options{Headers: testHeaders, Builtins: m.builtins(), noFuse: cfg.noFuse})
	if p == nil {
		t.Fatalf("compile: %v", diags)
	}
	m.load(p)
	m.mem.noDirect = !cfg.direct
	var r fuseRun
	opts := RunOptions{MaxSteps: maxSteps}
	if trace {
		opts.OnStep = func(th *Thread) { r.trace = append(r.trace, th.Pos().String()) }
	}
	th := p.NewThread(m.mem, testStackTop, opts)
	res := th.Run("main")
	if err := th.CheckInvariants(); err != nil && res.Signal == nil && !res.Exited && !res.StepLimit {
		t.Errorf("%s: %v", cfg.name, err)
	}
	r.out, r.status, r.exited, r.limit, r.steps, r.pos = m.out.String(), res.Status, res.Exited, res.StepLimit, res.Steps, res.Pos.String()
	if res.Signal != nil {
		r.signal = fmt.Sprintf("%d/%d at %#x", res.Signal.Signo, res.Signal.Code, res.Signal.Addr)
	}
	return r
}

// fuseSnippets are programs beyond testdata/gcc whose ends matter: a
// fault, exit, a loop cut by the step limit.
var fuseSnippets = []string{
	`int main(void) { long i, s = 0; for (i = 0; i < 100000; i++) s += i; return (int)(s & 127); }`,
	`#include <stdlib.h>
int main(void) { int i = 0, s = 0; while (i < 50) { s += i; i++; if (s > 300) exit(s & 255); } return 1; }`,
	`int main(void) { int *p = 0; int i; for (i = 0; i < 10; i++) ; *p = i; return 0; }`,
	`int main(void) { unsigned char c = 0; int n = 0; do { c += 7; n++; } while (c != 3); return n; }`,
	`int f(int n) { int a = n; a -= 1; if (a <= 0) return 0; return f(a) + 1; }
int main(void) { return f(100000); }`,
	`int main(void) { long a[4]; long i; for (i = 0; i < 4; i++) a[i] = i * i; for (i = 3; i >= 0; i--) a[0] += a[i]; return (int)a[0]; }`,
	`int main(void) { char s[] = "abcdefgh"; int i, n = 0; for (i = 0; s[i] != 0; i++) n += s[i]; for (i = 7; s[i] != 'a'; i -= 2) n -= i; return n; }`,
}

func fusePrograms(t *testing.T) map[string]string {
	progs := map[string]string{}
	files, _ := filepath.Glob("testdata/gcc/*.c")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		progs[f] = string(b)
	}
	for i, s := range fuseSnippets {
		progs[fmt.Sprintf("snippet %d", i)] = s
	}
	return progs
}

// TestFusedMatchesGeneral runs programs with the fused closures and the
// frame cache and without them: output, status, signal, step count and
// the position of the last step must be the same, and so must the
// position of every step (with a trace) and where a run stops at a step
// limit set anywhere in it.
func TestFusedMatchesGeneral(t *testing.T) {
	for name, src := range fusePrograms(t) {
		want := runFuse(t, src, fuseConfigs[0], 20_000_000, false)
		for _, cfg := range fuseConfigs[1:] {
			if got := runFuse(t, src, cfg, 20_000_000, false); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s, %s:\n got %+v\nwant %+v", name, cfg.name, got, want)
			}
		}
		if want.steps > 200_000 {
			continue
		}
		wantTrace := runFuse(t, src, fuseConfigs[0], 0, true)
		if got := runFuse(t, src, fuseConfigs[2], 0, true); fmt.Sprint(got.trace) != fmt.Sprint(wantTrace.trace) {
			t.Errorf("%s: the step positions differ (%d and %d steps)", name, len(got.trace), len(wantTrace.trace))
		}
		for _, limit := range []uint64{1, 2, 3, 7, want.steps / 3, want.steps/2 + 1, want.steps - 1} {
			if limit == 0 {
				continue
			}
			w := runFuse(t, src, fuseConfigs[0], limit, false)
			if g := runFuse(t, src, fuseConfigs[2], limit, false); fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("%s, step limit %d:\n got %+v\nwant %+v", name, limit, g, w)
			}
		}
	}
}

// TestFrameCacheFollowsProtection: a local stored after its page became
// read-only faults, although the frame cache held the page (a protect
// changes the memory's generation).
func TestFrameCacheFollowsProtection(t *testing.T) {
	m := &machine{}
	b := m.builtins()
	b["protect_stack"] = func(c *Call) uint64 {
		m.mem.protect(testStackTop-arch.StackRlimit, false)
		return 0
	}
	src := `void protect_stack(void);
int main(void) { long i, s = 0; for (i = 0; i < 10; i++) s += i; protect_stack(); s += 1; return (int)s; }`
	p, diags := Compile("t.c", []byte(src), Options{Headers: testHeaders, Builtins: b})
	if p == nil {
		t.Fatalf("compile: %v", diags)
	}
	m.load(p)
	r := p.NewThread(m.mem, testStackTop, RunOptions{}).Run("main")
	if r.Signal == nil || r.Signal.Signo != arch.SIGSEGV || r.Signal.Code != arch.SEGV_ACCERR || r.Pos.Line != 2 {
		t.Fatalf("result %+v, signal %+v", r, r.Signal)
	}
}
