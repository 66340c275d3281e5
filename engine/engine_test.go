package engine

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func compile(t *testing.T, name, src string, settings string) *Program {
	t.Helper()
	cfg := DefaultConfig()
	if err := cfg.Apply(settings); err != nil {
		t.Fatal(err)
	}
	p, diags := Compile(name, []byte(src), cfg)
	if p == nil {
		t.Fatalf("compile: %v", diags)
	}
	return p
}

const userSnippet = `#include <stdio.h>
#include <stdlib.h>
int main(void)
{
    char *p = malloc(100);
    char *q = malloc(200);
    free(p);
    p = malloc(100);
    printf("%d\n", p != 0);
    free(p);
    free(q);
    return 0;
}
`

func TestRunUserProgram(t *testing.T) {
	s := NewSession(compile(t, "u.c", userSnippet, ""))
	defer s.Close()
	r := s.Run()
	if string(r.Stdout) != "1\n" || r.ExitStatus != 0 || r.Internal != nil {
		t.Fatalf("result %+v", r)
	}
	if len(s.Events()) == 0 {
		t.Fatal("no events recorded")
	}
}

// Stepping forward and back lands on the same state as a straight run to
// that step: the engine is deterministic.
func TestStepBackIsDeterministic(t *testing.T) {
	p := compile(t, "u.c", userSnippet, "")
	a := NewSession(p)
	defer a.Close()
	for i := 0; i < 4; i++ {
		if a.Step() {
			t.Fatal("ended early")
		}
	}
	line4 := a.Line()
	snap4, _ := json.Marshal(a.Snapshot())
	a.Step()
	a.Step()
	if a.StepBack() || a.StepBack() {
		t.Fatal("step back ended the program")
	}
	if a.Steps() != 4 || a.Line() != line4 {
		t.Fatalf("after two steps back: step %d line %d, want 4 and %d", a.Steps(), a.Line(), line4)
	}
	back4, _ := json.Marshal(a.Snapshot())
	if string(back4) != string(snap4) {
		t.Fatal("the snapshot after stepping back differs from the one at that step")
	}
	b := NewSession(p)
	defer b.Close()
	b.StepTo(4)
	direct4, _ := json.Marshal(b.Snapshot())
	if string(direct4) != string(snap4) {
		t.Fatal("stepping to 4 directly differs from stepping 4 times")
	}
	r := a.Run()
	if string(r.Stdout) != "1\n" {
		t.Fatalf("run after stepping: %q", r.Stdout)
	}
}

func TestRunToLine(t *testing.T) {
	s := NewSession(compile(t, "u.c", userSnippet, ""))
	defer s.Close()
	if s.RunToLine(9) {
		t.Fatal("ended before line 9")
	}
	if s.Line() != 9 {
		t.Fatalf("paused at line %d, want 9", s.Line())
	}
	if got := s.Snapshot().Stdout; got != "" {
		t.Fatalf("printf ran before its line: %q", got)
	}
}

func TestTraceJSONIsDeterministic(t *testing.T) {
	p := compile(t, "u.c", userSnippet, "")
	var out [2]string
	for i := range out {
		s := NewSession(p)
		s.Run()
		b, err := json.Marshal(s.Trace())
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
		s.Close()
	}
	if out[0] != out[1] {
		t.Fatal("two runs of the same snippet gave different traces")
	}
}

func TestEndlessLoopStopsAtStepLimit(t *testing.T) {
	s := NewSession(compile(t, "loop.c", "int main(void) { for (;;) ; return 0; }\n", "max-steps=10000"))
	defer s.Close()
	r := s.Run()
	if !r.StepLimit || r.ExitStatus != StatusStepLimit {
		t.Fatalf("result %+v", r)
	}
	if len(r.Reports) == 0 || !strings.Contains(r.Reports[0], "step limit") {
		t.Fatalf("reports %q", r.Reports)
	}
}

func TestNullWriteIsSIGSEGV(t *testing.T) {
	s := NewSession(compile(t, "null.c", "int main(void) { int *p = 0;\n *p = 1;\n return 0; }\n", ""))
	defer s.Close()
	r := s.Run()
	if r.Signal == nil || r.ExitStatus != 139 || r.Line != 2 {
		t.Fatalf("result %+v", r)
	}
	if !strings.Contains(r.Reports[0], "NULL pointer dereference") {
		t.Fatalf("explanation %q", r.Reports[0])
	}
}

func TestHeapOverflowIsReportedAndGlibcAborts(t *testing.T) {
	src := `#include <stdlib.h>
#include <string.h>
int main(void)
{
    char *a = malloc(24);
    char *b = malloc(24);
    memset(a, 'x', 40);
    free(b);
    free(a);
    return 0;
}
`
	s := NewSession(compile(t, "ovf.c", src, ""))
	defer s.Close()
	r := s.Run()
	if len(r.Reports) == 0 || !strings.Contains(r.Reports[0], "heap-buffer-overflow") || !strings.Contains(r.Reports[0], "line 7") {
		t.Fatalf("want a heap-buffer-overflow report on line 7, got %q", r.Reports)
	}
}

const moduleSnippet = `#include <linux/module.h>
#include <linux/slab.h>
static char *buf;
static int __init m_init(void)
{
    buf = kmalloc(100, GFP_KERNEL);
    pr_info("ksize %zu\n", ksize(buf));
    return 0;
}
static void __exit m_exit(void)
{
    kfree(buf);
    pr_info("bye\n");
}
module_init(m_init);
module_exit(m_exit);
MODULE_LICENSE("GPL");
`

func TestModuleInitAndExit(t *testing.T) {
	s := NewSession(compile(t, "mod.c", moduleSnippet, ""))
	defer s.Close()
	r := s.Run()
	if r.ExitStatus != 0 || r.Internal != nil {
		t.Fatalf("result %+v", r)
	}
	log := strings.Join(r.KernelLog, "\n")
	if !strings.Contains(log, "ksize 128") || !strings.Contains(log, "bye") {
		t.Fatalf("kernel log:\n%s", log)
	}
}

func TestModuleInitFailureIsStatus1(t *testing.T) {
	src := strings.Replace(moduleSnippet, "return 0;", "return -12;", 1)
	s := NewSession(compile(t, "mod.c", src, ""))
	defer s.Close()
	if r := s.Run(); r.ExitStatus != 1 {
		t.Fatalf("exit status %d, want 1", r.ExitStatus)
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"int main(void) { return x; }\n", "x"},
		{"int main(void) { char *p = kmalloc(10, 0); return 0; }\n", "kmalloc is a kernel function"},
		{"int f(void) { return 1; }\n", "neither a main function nor module_init"},
	} {
		p, diags := Compile("bad.c", []byte(tc.src), DefaultConfig())
		if p != nil || len(diags) == 0 {
			t.Errorf("%q compiled", tc.src)
			continue
		}
		var all []string
		for _, d := range diags {
			all = append(all, d.Error())
		}
		if !strings.Contains(strings.Join(all, "\n"), tc.want) {
			t.Errorf("%q: diagnostics %q, want %q", tc.src, all, tc.want)
		}
	}
}

// A module and a user program in one snippet: insmod, main talks to the
// module's character device through open/read/write, rmmod.
func TestModuleAndMainCharDevice(t *testing.T) {
	src, err := os.ReadFile("testdata/mini-scull.c")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(compile(t, "mini-scull.c", string(src), ""))
	defer s.Close()
	r := s.Run()
	if r.ExitStatus != 0 || r.Internal != nil {
		t.Fatalf("result %+v", r)
	}
	if got := string(r.Stdout); got != "read 12 bytes: hello, scull\nbad pointer: 0\n" {
		t.Fatalf("stdout %q", got)
	}
	if log := strings.Join(r.KernelLog, "\n"); !strings.Contains(log, "mini: major 254") {
		t.Fatalf("kernel log:\n%s", log)
	}
}

func TestBulkWorkLimit(t *testing.T) {
	src := `#include <stdlib.h>
#include <string.h>
int main(void)
{
    char *p = malloc(1 << 20);
    long i;
    for (i = 0; i < 100000; i++)
        memset(p, (int)i, 1 << 20);
    return 0;
}
`
	s := NewSession(compile(t, "bulk.c", src, ""))
	defer s.Close()
	r := s.Run()
	if !r.StepLimit || r.ExitStatus != StatusStepLimit || !strings.Contains(strings.Join(r.Reports, "\n"), "work limit") {
		t.Fatalf("result %+v", r)
	}
}

// TestMemoryLimit: a snippet that fills more simulated memory than the
// host's budget stops with the memory-limit report, and one that stays
// under it runs to its end.
func TestMemoryLimit(t *testing.T) {
	const src = `#include <stdlib.h>
#include <string.h>
int main(void) {
    int i;
    for (i = 0; i < 8; i++)
        memset(malloc(1 << 20), 1, 1 << 20);
    return 0;
}
`
	cfg := DefaultConfig()
	cfg.MaxMemory = 4 << 20
	p, diags := Compile("fill.c", []byte(src), cfg)
	if p == nil {
		t.Fatal(diags)
	}
	r := NewSession(p).Run()
	if !r.StepLimit || r.ExitStatus != StatusStepLimit || r.Line != 6 ||
		!strings.Contains(strings.Join(r.Reports, "\n"), "more than 4 MiB of data, this host's memory limit") {
		t.Fatalf("result %+v", r)
	}
	cfg.MaxMemory = 16 << 20
	p, _ = Compile("fill.c", []byte(src), cfg)
	if r := NewSession(p).Run(); r.ExitStatus != 0 || r.StepLimit {
		t.Fatalf("under the limit: %+v", r)
	}
}

func TestStopFromAnotherGoroutine(t *testing.T) {
	s := NewSession(compile(t, "spin.c", "int main(void) { long i = 0; for (;;) i++; return 0; }\n", "max-steps=4000000000"))
	defer s.Close()
	s.StepTo(1) // boot, so Stop has a thread to stop
	done := make(chan *Result)
	go func() { done <- s.Run() }()
	for s.Steps() < 1 {
	}
	s.Stop()
	r := <-done
	if !r.Stopped || r.ExitStatus != StatusStepLimit {
		t.Fatalf("result %+v", r)
	}
}

// --proc of a file that exists only while the module is loaded.
func TestCaptureProcBeforeUnload(t *testing.T) {
	src, err := os.ReadFile("testdata/mini-scull.c")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(compile(t, "mini-scull.c", string(src), ""))
	defer s.Close()
	s.CaptureProc([]string{"/proc/devices"})
	s.Run()
	text, err := s.ProcFile("/proc/devices")
	if err != nil || !strings.Contains(text, "254 mini") {
		t.Fatalf("/proc/devices before rmmod: %q, %v", text, err)
	}
}

// An overflow repeated in a loop is reported once, however often it runs.
func TestRepeatedOverflowReportedOnce(t *testing.T) {
	src := "#include <stdlib.h>\nint main(void) { char *a = malloc(8); int i;\n for (i = 0; i < 100; i++) a[8 + i % 8] = 1;\n free(a); return 0; }\n"
	s := NewSession(compile(t, "loop-ovf.c", src, ""))
	defer s.Close()
	r := s.Run()
	n := 0
	for _, rep := range r.Reports {
		n += strings.Count(rep, "heap-buffer-overflow")
	}
	if n != 1 {
		t.Fatalf("%d overflow reports, want 1: %q", n, r.Reports)
	}
}

// A device file and a /proc file open at the same time get different
// descriptors (one table, lowest free first), and closing one leaves the
// other working.
func TestDeviceAndProcDescriptorsShareOneTable(t *testing.T) {
	src := `#include <linux/module.h>
#include <linux/fs.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
static int writes;
static ssize_t dw(struct file *f, const char __user *buf, size_t n, loff_t *pos) { writes++; return n; }
static struct file_operations fops = { .owner = THIS_MODULE, .write = dw };
static int major;
static int __init d_init(void) { major = register_chrdev(0, "fdt", &fops); return 0; }
static void __exit d_exit(void) { unregister_chrdev(major, "fdt"); }
module_init(d_init);
module_exit(d_exit);
MODULE_LICENSE("GPL");
int main(void)
{
    char c = 'x', buf[64];
    int dev = open("/dev/fdt", O_WRONLY);
    int proc = open("/proc/meminfo", O_RDONLY);
    int proc2;
    long r = read(proc, buf, sizeof buf), w;
    close(proc);
    proc2 = open("/proc/buddyinfo", O_RDONLY);
    w = write(dev, &c, 1);
    printf("%d %d %d %ld %ld %d\n", dev, proc, proc2, r, w, writes);
    close(proc2);
    close(dev);
    return 0;
}
`
	s := NewSession(compile(t, "fdt.c", src, ""))
	defer s.Close()
	r := s.Run()
	if got := string(r.Stdout); got != "3 4 4 64 1 1\n" || r.ExitStatus != 0 {
		t.Fatalf("stdout %q (dev proc proc2 read write writes), status %d", got, r.ExitStatus)
	}
}

// TestPrepare: Prepare boots the next run's machine once; the run that
// takes it gives the same result and trace as one that boots its own;
// a machine past PrepareMaxRAM is left to its run.
func TestPrepare(t *testing.T) {
	p := compile(t, "u.c", userSnippet, "")
	if p.Prepare() {
		t.Error("Prepare did work while Compile's machine was still waiting")
	}
	run := func() (*Result, string) {
		s := NewSession(p)
		defer s.Close()
		r := s.Run()
		trace, _ := json.Marshal(s.Trace())
		return r, string(trace)
	}
	want, wantTrace := run()
	if p.first.Load() != nil {
		t.Fatal("the first run did not take Compile's machine")
	}
	if !p.Prepare() || p.Prepare() {
		t.Fatal("Prepare: want work once, then none while its machine waits")
	}
	got, gotTrace := run()
	if p.first.Load() != nil {
		t.Error("the run did not take the prepared machine")
	}
	if string(got.Stdout) != string(want.Stdout) || got.ExitStatus != want.ExitStatus || gotTrace != wantTrace {
		t.Errorf("a run on a prepared machine differs:\n%s\nwant\n%s", gotTrace, wantTrace)
	}
	big := compile(t, "u.c", userSnippet, "ram=1G")
	NewSession(big).Run()
	if big.Prepare() {
		t.Errorf("Prepare booted a %d MiB machine (PrepareMaxRAM %d MiB)", big.Config.RAM>>20, PrepareMaxRAM>>20)
	}
}
