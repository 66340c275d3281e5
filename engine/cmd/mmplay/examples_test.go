package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The gallery's examples (ui/examples, SPEC §10) run through the CLI and
// must show what they are there to show: each case lists the options it
// runs with and the facts its output must (and must not) contain.

type exampleRun struct {
	opts []string // CLI options before the file
	// edit, when set, replaces edit[0] by edit[1] in the source first
	// (the switches an example's comment invites the reader to flip)
	edit   [2]string
	status int
	want   []string // regexps that must match stdout+stderr
	absent []string // regexps that must not match
}

var exampleRuns = map[string][]exampleRun{
	"01-malloc-free-trim.c": {{status: 0, want: []string{
		`malloc a, b \(100 KiB each\) +heap = +332 KiB`,
		`free a \(below b\) +heap = +332 KiB`,
		`free b \(the top\): trimmed +heap = +132 KiB`,
		`big \(200 KiB\) is mmapped`, `big again +is on the heap`,
		`free big: kept \(threshold up\) +heap = +332 KiB`,
		`no trim, no mmap: 1 MiB +heap = 1156 KiB`, `free it: all kept +heap = 1156 KiB`,
	}}},
	"02-demand-paging.c": {{status: 0, want: []string{
		`malloc\(64 MiB\): faults \+1, rss \+1 pages`,
		`read 16 pages: sum 0, faults \+16, rss \+1 pages`,
		`write 16 pages: faults \+31, rss \+16 pages`,
		`write the last byte: faults \+32, rss \+17 pages of 16384`,
	}}},
	"03-kmalloc-contexts.c": {
		{opts: []string{"--dmesg", "--explain"}, want: []string{
			`process context: GFP_KERNEL kmalloc\(256\) = ffff888`,
			`irq 10: in_interrupt\(\)=0x10000, GFP_ATOMIC kmalloc\(256\) = ffff888`,
			`BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274`,
			`in_atomic\(\): 1, irqs_disabled\(\): 0`,
			`under a spinlock: GFP_KERNEL kmalloc\(64\) = ffff888`,
			`GFP_DMA kmalloc\(1000\) = ffff888000[0-f]{6}, physical 0x[0-f]{1,6} \(below 16 MiB\)`,
		}},
		{opts: []string{"--dmesg", "--config", "debug=off"}, want: []string{
			`under a spinlock: GFP_KERNEL kmalloc\(64\) = ffff888`,
		}, absent: []string{`BUG: sleeping function`}},
	},
	"04-kmalloc-sizes.c": {
		{opts: []string{"--dmesg"}, want: []string{
			`kmalloc\(    1\): ksize     8`, `kmalloc\(   24\): ksize    32`,
			`kmalloc\(  100\): ksize   128`, `kmalloc\(  200\): ksize   256`,
			`kmalloc\( 4000\): ksize  4096, wasted   96`, `kmalloc\( 4096\): ksize  4096, wasted    0`,
			`kmalloc\(10000\): ksize 16384`,
			`kmalloc\(64\) again: same object, q\[0\] = 0x78`, // debug=on: init_on_alloc=0
			`kzalloc\(64\): same object, q\[0\] = 0x0`,
		}},
		{opts: []string{"--dmesg", "--config", "debug=off"}, want: []string{
			`kmalloc\(64\) again: same object, q\[0\] = 0x0`, // init_on_alloc=1
		}},
		{opts: []string{"--dmesg", "--config", "kernel=2.0"}, want: []string{
			`kmalloc\( 4000\): ksize  4072`,              // one page
			`kmalloc\( 4096\): ksize  8168, wasted 4072`, // an 8 KiB area
			`kmalloc\(  100\): ksize   120`,
		}},
	},
	"05-get-free-pages.c": {{opts: []string{"--dmesg", "--explain", "--config", "kernel=2.0"}, want: []string{
		`order  5:   128 KiB at pfn`, `order  6: failed`, `mmplay: BUG: Bad page state`, `Linux 2.0 had no such check`,
	}, absent: []string{`(?m)^BUG: Bad page state`, `WARNING:`, `6\.1\.0-56`, `taints kernel`}}, {opts: []string{"--dmesg", "--explain"}, want: []string{
		`order  0:     4 KiB at pfn`, `order 10:  4096 KiB at pfn 0x[0-9a-f]*[048c]00\n`,
		`WARNING: CPU: 0 PID: \d+ at mm/page_alloc.c:5634 __alloc_pages`,
		`order 11: failed`,
		`get_zeroed_page: first long 0; __get_dma_pages\(1\) at phys 0x[0-f]{1,6}\n`,
		`mmplay: free_pages: order 2 block freed as order 0`,
		`BUG: Bad page state in process insmod  pfn:`, `page dumped because: nonzero _refcount`,
	}, absent: []string{`order 11: +\d+ KiB at`}}},
	"06-vmalloc.c": {
		{opts: []string{"--dmesg", "--explain"}, want: []string{
			`page 0 at ffffc90000[0-9a-f]{6}: pfn 0x[0-9a-f]+`,
			`256 pages in \d+ physically contiguous runs`,
			`two 3-page areas: b - a = 4 pages`,
			`the guard page after a: vmalloc_to_pfn = 0`,
			`0x[0-9a-f]+-0x[0-9a-f]+ 1052672 .*\[06_vmalloc\] pages=256 vmalloc`, // 1 MiB + the guard page
			`0x[0-9a-f]+-0x[0-9a-f]+   16384 .*\[06_vmalloc\] pages=3 vmalloc`,
			`irq 11: in_interrupt\(\)=0x10000, kmalloc\(GFP_ATOMIC\) = ffff888`,
		}, absent: []string{`kernel BUG`, `BUG: sleeping function`}},
		// VMALLOC_IN_IRQ 1: BUG_ON(in_interrupt()) in __get_vm_area_node,
		// an invalid-opcode Oops, and the panic of an Oops in interrupt
		// context; main never runs
		{opts: []string{"--dmesg", "--explain"}, edit: [2]string{"#define VMALLOC_IN_IRQ 0", "#define VMALLOC_IN_IRQ 1"}, status: 137, want: []string{
			`(?m)^------------\[ cut here \]------------\nkernel BUG at mm/vmalloc.c:\d+!\ninvalid opcode: 0000 \[#1\] PREEMPT SMP NOPTI\n`,
			`RIP: 0010:__get_vm_area_node\+0x`,
			`(?m)^ <IRQ>\n __vmalloc_node_range\+0x[0-9a-f]+/0x880\n vm_irq\+0x[0-9a-f]+/0x[0-9a-f]+ \[06_vmalloc\]\n`,
			`Modules linked in: 06_vmalloc\(OE\+\)`,
			`(?m)^Kernel panic - not syncing: Fatal exception in interrupt$`,
			`Killed \(SIGKILL, exit status 137\)`,
		}, absent: []string{`BUG: sleeping function`, `pages=256 vmalloc`}},
	},
	"07a-scull.c": {
		{opts: []string{"--dmesg"}, want: []string{
			`wrote 20000 bytes, read back 20000: same`,
			`scull: 20000 bytes, quantum 4000, qset 8`,
			`(?s)quantum 0 at ffff888[0-9a-f]+, ksize 4096.*quantum 4 at ffff888[0-9a-f]+, ksize 4096\n`,
		}, absent: []string{`quantum 5 at`}},
		{opts: []string{"--dmesg", "--config", "kernel=2.0"}, want: []string{
			`wrote 20000 bytes, read back 20000: same`, `quantum 4 at ffff888[0-9a-f]+, ksize 4072\n`,
		}, absent: []string{`taints kernel`, `module verification failed`}}, // 6.1's lines
	},
	"07b-scullp.c": {{opts: []string{"--dmesg"}, want: []string{
		`wrote 20000 bytes, read back 20000: same`,
		`scullp: 20000 bytes, order 1 \(quantum 8192\), qset 8`,
		`quantum 0 at ffff888[0-9a-f]+, order 1, pfn 0x[0-9a-f]*[02468ace]\n`,
		`quantum 2 at ffff888[0-9a-f]+, order 1, pfn 0x`,
	}, absent: []string{`quantum 3 at`}}},
	"07c-scullv.c": {{opts: []string{"--dmesg"}, want: []string{
		`wrote 20000 bytes, read back 20000: same`,
		`scullv: 20000 bytes, quantum 16384, qset 8`,
		`quantum 0 at ffffc90000[0-9a-f]{6}, pfns 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+\n`,
		`quantum 1 at ffffc90000[0-9a-f]{6}, pfns`,
	}}},
	"08-ioremap.c": {{opts: []string{"--dmesg", "--explain"}, want: []string{
		`ioremap\(0xfed00000, 4096\) = ffffc90000[0-9a-f]{3}000\n`,
		`first register reads 0xffffffff`,
		`ioremap\(0xfed00040, 16\) = ffffc90000[0-9a-f]{3}040 `,
		`ioremap on RAM at 0x`, `WARNING: CPU: 0 PID: \d+ at arch/x86/mm/ioremap.c:211 __ioremap_caller`,
		`ioremap of a RAM page \(phys 0x[0-9a-f]+\) = 0000000000000000`,
	}}},
	"09-memblock.c": {{opts: []string{"--dmesg", "--proc", "/proc/meminfo"}, want: []string{
		`memblock_alloc\(2 MiB\) = ffff888[0-9a-f]{9}: phys 0x[0-9a-f]+-0x[0-9a-f]+, pfns`,
		`zeroed: 0 nonzero bytes sampled`,
	}}},
	"10-copy-user.c": {{opts: []string{"--dmesg"}, want: []string{
		`write\(good\)   = 16`, `write\(NULL\)   = -1`, `write\(kernel\) = -1`, `write\(edge\)   = -1`,
		`read\(good\)    = 16`, `read\(edge\)    = -1`,
		`copy_from_user\(00007f[0-9a-f]+, 16\) left 0`,
		`copy_from_user\(0000000000000000, 16\) left 16`,  // a bad pointer: the whole count
		`copy_from_user\(00007f[0-9a-f]+ff6, 16\) left 6`, // 10 bytes before an unmapped page
		`copy_to_user\(00007f[0-9a-f]+ff6, 16\) left 6`,
	}, absent: []string{`copy_from_user\(ffff`, `Oops`}}},
	"11-oom.c": {{opts: []string{"--dmesg", "--explain"}, status: 137, want: []string{
		`hog: GFP_KERNEL gave \d+ blocks of 64 KiB \(\d+ MiB\), then order 4 failed`,
		`(?m)^insmod invoked oom-killer: gfp_mask=0x2cc0\(GFP_KERNEL\|__GFP_NOWARN\), order=0, oom_score_adj=0$`,
		`(?m)^ __alloc_pages\+0x[0-9a-f]+/0x330\n __get_free_pages\+0x[0-9a-f]+/0x50\n hog_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[11_oom\]$`,
		`Mem-Info:`,
		`(?m)^\[  pid  \]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n\[    614\]     0   614 +\d+ +\d+ +\d+ +0 +0 insmod$`,
		`(?m)^oom-kill:constraint=CONSTRAINT_NONE,nodemask=\(null\),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=insmod,pid=614,uid=0$`,
		`(?m)^Out of memory: Killed process 614 \(insmod\) total-vm:\d+kB, anon-rss:\d+kB, file-rss:\d+kB, shmem-rss:0kB, UID:0 pgtables:\d+kB oom_score_adj:0$`,
		`hog: GFP_KERNEL gave [1-9]\d* more pages`,
		`(?m)^insmod: page allocation failure: order:0, mode:0xa20\(GFP_ATOMIC\), nodemask=\(null\),cpuset=/,mems_allowed=0$`,
		`hog: GFP_ATOMIC took [1-9]\d* pages more before failing`,
		`Killed \(SIGKILL, exit status 137\): the OOM killer killed insmod`,
		`simplified show_mem`,
	}, absent: []string{
		`hog: all freed`, // insmod dies; the module stays loaded
		`(?m)^insmod: page allocation failure: order:[04], mode:0x2cc0`, // __GFP_NOWARN stays silent in the log
		`(?s)order=0, oom_score_adj=0\n.*order=0, oom_score_adj=0\n`,    // one kill: the victim is not chosen twice
	}}},
}

func examplesDir(t *testing.T) string {
	return filepath.Join(repoRoot(t), "ui", "examples")
}

func runExample(t *testing.T, path string, opts ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	args := append(append([]string{"run"}, opts...), path)
	st := run(args, &out, &errb)
	return st, out.String(), errb.String()
}

func TestExamples(t *testing.T) {
	dir := examplesDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.c"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples in %s (%v)", dir, err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		seen[name] = true
		runs, ok := exampleRuns[name]
		if !ok {
			t.Errorf("%s: no expectations in exampleRuns", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			checkExplanation(t, f)
			for _, r := range runs {
				path := f
				if r.edit[0] != "" {
					path = editedExample(t, f, r.edit)
				}
				st, out, errs := runExample(t, path, r.opts...)
				all := out + errs
				if st != r.status {
					t.Errorf("%v: status %d, want %d\n%s", r.opts, st, r.status, all)
				}
				if strings.Contains(all, "internal error") || strings.Contains(all, "panic:") {
					t.Errorf("%v: internal error\n%s", r.opts, all)
				}
				for _, w := range r.want {
					if !regexp.MustCompile(w).MatchString(all) {
						t.Errorf("%v: missing %q in\n%s", r.opts, w, all)
					}
				}
				for _, a := range r.absent {
					if regexp.MustCompile(a).MatchString(all) {
						t.Errorf("%v: unexpected %q in\n%s", r.opts, a, all)
					}
				}
			}
		})
	}
	for name := range exampleRuns {
		if !seen[name] {
			t.Errorf("%s: expected example is missing", name)
		}
	}
}

// editedExample writes a copy of the example at path, with edit[0]
// replaced by edit[1], under the same name in a temporary directory (the
// module's name comes from the file's).
func editedExample(t *testing.T, path string, edit [2]string) string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte(edit[0])) {
		t.Fatalf("%s has no %q to edit", filepath.Base(path), edit[0])
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, bytes.Replace(src, []byte(edit[0]), []byte(edit[1]), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkExplanation: an optional "// mmplay: ..." config line, then the
// two lines of plain-words explanation the gallery shows, then "//".
func checkExplanation(t *testing.T, path string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	if strings.HasPrefix(lines[0], "// mmplay:") {
		lines = lines[1:]
	}
	if len(lines) < 3 {
		t.Fatal("too short")
	}
	for i := 0; i < 2; i++ {
		l := strings.TrimPrefix(lines[i], "// ")
		if l == lines[i] || len(l) < 40 || !strings.HasSuffix(l, ".") {
			t.Errorf("explanation line %d is not a sentence of plain words: %q", i+1, lines[i])
		}
	}
	if lines[2] != "//" {
		t.Errorf("the explanation must be exactly two lines, then \"//\": line 3 is %q", lines[2])
	}
	n := 0
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	if n > 130 {
		t.Errorf("%d lines: an example should stay short", n)
	}
}

// A memblock allocation is never returned: MemTotal is 2 MiB below the
// same machine's without it.
func TestExampleMemblockMemTotal(t *testing.T) {
	dir := examplesDir(t)
	memTotal := func(file string) string {
		_, out, _ := runExample(t, filepath.Join(dir, file), "--proc", "/proc/meminfo")
		m := regexp.MustCompile(`MemTotal: +(\d+) kB`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("%s: no MemTotal in\n%s", file, out)
		}
		return m[1]
	}
	with, without := memTotal("09-memblock.c"), memTotal("04-kmalloc-sizes.c")
	var a, b int
	for _, c := range with {
		a = a*10 + int(c-'0')
	}
	for _, c := range without {
		b = b*10 + int(c-'0')
	}
	if b-a != 2048 {
		t.Errorf("MemTotal %d kB with the memblock buffer, %d kB without: want 2048 kB less", a, b)
	}
}

// The engine is deterministic: two runs of each example give the same
// JSON trace and snapshot.
func TestExamplesDeterministic(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(examplesDir(t), "*.c"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, a, _ := runExample(t, f, "--json")
			_, b, _ := runExample(t, f, "--json")
			if len(a) < 100 || !strings.HasPrefix(strings.TrimSpace(a), "{") {
				t.Fatalf("no JSON: %.200q", a)
			}
			if a != b {
				t.Errorf("two runs differ (%d and %d bytes)", len(a), len(b))
			}
		})
	}
}
