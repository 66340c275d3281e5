package kernel

import (
	"strings"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// oomUser is a user address space the OOM killer can read.
type oomUser struct{ fakeUser }

func (oomUser) OOMCounters() (totalVM, anon, file, shmem, pgtablesBytes uint64) {
	return 4000, 1500, 200, 10, 20 << 12
}

// drain takes order-0 pages with gfp through the page API until one
// fails; it returns how many it got.
func drain(k *Kernel, gfp buddy.GFP) int {
	n := 0
	for k.GetFreePages(gfp, 0, "__get_free_pages") != 0 {
		n++
	}
	return n
}

// A module whose init drains memory with GFP_KERNEL: at the min watermark
// the OOM killer kills insmod (dump_header, the task table, the summary,
// the kill line), the victim's next pages come from half the min
// watermark, then its requests fail with warn_alloc and no second kill,
// and the SIGKILL lands when init returns.
func TestOOMKillsInsmod(t *testing.T) {
	k, s, v := bootFull(t, 64<<20, false)
	insmod(k)
	m := k.LoadModule("hog")
	sn := newSnippet(k)
	var got, after int
	var min32 uint64
	m.Init = sn.fn(func(args ...uint64) uint64 {
		z := k.Pages.Zone(phys.ZoneDMA32)
		min32 = z.WmarkMin
		got = drain(k, buddy.GFP_KERNEL)
		if !k.FatalSignalPending() {
			t.Error("insmod is not the victim")
		}
		if want := z.WmarkMin - z.WmarkMin/2; z.FreePages != want {
			t.Errorf("DMA32 free %d after the victim's drain, want min - min/2 = %d", z.FreePages, want)
		}
		after = drain(k, buddy.GFP_KERNEL)
		return 0
	})
	n := len(k.Dmesg())
	sig := signalOf(func() { k.RunInit(m) })
	log := logSince(k, n)
	text := strings.Join(log, "\n")
	if sig == nil || sig.Signo != arch.SIGKILL || !strings.Contains(sig.Reason, "OOM killer killed insmod (pid 614)") {
		t.Fatalf("RunInit ended with %+v, want the OOM kill's SIGKILL", sig)
	}
	if got == 0 || after != 0 || min32 == 0 {
		t.Errorf("drained %d, then %d", got, after)
	}
	for _, want := range [][]string{
		{"insmod invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
			"CPU: 0 PID: 614 Comm: insmod Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2"},
		{"Call Trace:", " <TASK>", " dump_stack_lvl+0x44/0x5c", " dump_header+0x4a/0x211", " oom_kill_process.cold+0xb/0x10",
			" out_of_memory+0x1ed/0x4e0", " __alloc_pages_slowpath.constprop.0+0xc9b/0xd00", " __alloc_pages+0x2fd/0x330",
			" __get_free_pages+0x11/0x50", " ?+0x1d/0x60 [hog]", " do_one_initcall+0x41/0x210"},
		{"Tasks state (memory values in pages):",
			"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
			"[    614]     0   614      516      117    24576        0             0 insmod",
			"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=insmod,pid=614,uid=0",
			"Out of memory: Killed process 614 (insmod) total-vm:2064kB, anon-rss:104kB, file-rss:364kB, shmem-rss:0kB, UID:0 pgtables:24kB oom_score_adj:0"},
		{"insmod: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0"},
	} {
		if !hasRun(log, want) {
			t.Errorf("log lacks\n%s\nin\n%s", strings.Join(want, "\n"), text)
		}
	}
	if c := strings.Count(text, "invoked oom-killer"); c != 1 {
		t.Errorf("%d OOM reports, want 1", c)
	}
	if !hasPrefix(log, "Mem-Info:") {
		t.Error("no Mem-Info")
	}
	if k.FatalSignalPending() || k.oomKills != 1 {
		t.Errorf("after delivery: pending %v, kills %d", k.FatalSignalPending(), k.oomKills)
	}
	var oom *Report
	for i, r := range k.Reports() {
		if r.Kind == "oom" {
			oom = &k.Reports()[i]
		}
	}
	if oom == nil || !strings.Contains(oom.Explanation, "simplified show_mem") || !strings.Contains(oom.Explanation, "badness 123 pages") {
		t.Errorf("OOM report %+v", oom)
	}
	checkFull(t, k, s, v)
}

// The program's own system call: a module's write handler allocates until
// the killer picks the program (its mm's counters in the kill line), and
// the write returns into SIGKILL.
func TestOOMKillsTheProgramInItsSystemCall(t *testing.T) {
	k, s, v := bootFull(t, 64<<20, true)
	k.SetCurrent(Task{PID: 4242, Comm: "prog"})
	k.AttachUser(&oomUser{fakeUser{base: 0x10000, mem: make([]byte, 4096)}})
	m := k.LoadModule("hog")
	sn := newSnippet(k)
	fops, _ := k.AllocModuleMemory(m, 4096)
	k.Store(fops+fopsWrite, 8, sn.fn(func(args ...uint64) uint64 { drain(k, buddy.GFP_KERNEL|buddy.GFP__NOWARN); return args[2] }))
	k.module = m
	if r := k.RegisterChrdev(240, "hog", fops); r != 0 {
		t.Fatal(r)
	}
	k.module = nil
	fd := k.SysOpen("/dev/hog", 1)
	if fd < 0 {
		t.Fatal(fd)
	}
	n := len(k.Dmesg())
	sig := signalOf(func() { k.SysWrite(int(fd), 0x10000, 16) })
	log := logSince(k, n)
	if sig == nil || sig.Signo != arch.SIGKILL {
		t.Fatalf("write ended with %+v", sig)
	}
	for _, want := range []string{
		"prog invoked oom-killer: gfp_mask=0x2cc0(GFP_KERNEL|__GFP_NOWARN), order=0, oom_score_adj=0",
		"[   4242]     0  4242     4000     1710    81920        0             0 prog",
		"Out of memory: Killed process 4242 (prog) total-vm:16000kB, anon-rss:6000kB, file-rss:800kB, shmem-rss:40kB, UID:0 pgtables:80kB oom_score_adj:0",
	} {
		if !hasLine(log, want) {
			t.Errorf("log lacks %q:\n%s", want, strings.Join(log, "\n"))
		}
	}
	if hasPrefix(log, "prog: page allocation failure") {
		t.Error("__GFP_NOWARN printed a failure")
	}
	checkFull(t, k, s, v)
}

// Requests the kernel never kills for, and a kernel without a victim.
func TestOOMNotCalled(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ver   string
		gfp   buddy.GFP
		order int
	}{
		{"an order above PAGE_ALLOC_COSTLY_ORDER", "6.1", buddy.GFP_KERNEL, 4},
		{"GFP_ATOMIC may not sleep", "6.1", buddy.GFP_ATOMIC, 0},
		{"__GFP_NORETRY", "6.1", buddy.GFP_KERNEL | buddy.GFP__NORETRY, 0},
		{"__GFP_RETRY_MAYFAIL", "6.1", buddy.GFP_KERNEL | buddy.GFP__RETRY_MAYFAIL, 0},
		{"GFP_DMA32: lowmem is never worth a kill", "6.1", buddy.GFP_KERNEL | buddy.GFP__DMA32, 0},
		{"Linux 2.0 has no OOM killer for kernel allocations", "2.0", buddy.GFP_KERNEL, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := boot(t, 32<<20, tc.ver, false)
			insmod(k)
			n := len(k.Dmesg())
			for k.GetFreePages(tc.gfp, tc.order, "__get_free_pages") != 0 {
			}
			if strings.Contains(strings.Join(logSince(k, n), "\n"), "oom-killer") || k.FatalSignalPending() {
				t.Errorf("the OOM killer ran:\n%s", strings.Join(logSince(k, n), "\n"))
			}
			check(t, k)
		})
	}
}

// With no task to kill (the idle task or init runs the allocation),
// out_of_memory prints the header, "Out of memory and no killable
// processes..." and panics.
func TestOOMNoKillableProcess(t *testing.T) {
	k := boot(t, 32<<20, "6.1", false)
	k.SetCurrent(Task{PID: 1, Comm: "init"})
	n := len(k.Dmesg())
	sig := signalOf(func() {
		for k.GetFreePages(buddy.GFP_KERNEL, 0, "__get_free_pages") != 0 {
		}
	})
	log := logSince(k, n)
	if sig == nil || sig.Signo != arch.SIGKILL {
		t.Fatalf("signal %+v", sig)
	}
	if !hasRun(log, []string{"Tasks state (memory values in pages):",
		"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
		"Out of memory and no killable processes...",
		"Kernel panic - not syncing: System is deadlocked on memory",
		"---[ end Kernel panic - not syncing: System is deadlocked on memory ]---"}) {
		t.Errorf("log:\n%s", strings.Join(log, "\n"))
	}
	if hasPrefix(log, " oom_kill_process") || !hasLine(log, "init invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0") {
		t.Errorf("header:\n%s", strings.Join(log, "\n"))
	}
}
