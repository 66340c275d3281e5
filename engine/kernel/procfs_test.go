package kernel

import (
	"regexp"
	"strings"
	"testing"

	"mmplay/engine/buddy"
)

// /proc/meminfo: 6.1's labels in order (facts §9.1, with Debian's
// options), show_val_kb's "%-16s%8lu kB" form, and values that follow the
// allocator at every step.
func TestMeminfoFormatAndConsistency(t *testing.T) {
	k := boot(t, 128<<20, "6.1", false)
	labels := []string{"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active", "Inactive",
		"Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked", "SwapTotal", "SwapFree",
		"Zswap", "Zswapped", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab", "SReclaimable",
		"SUnreclaim", "KernelStack", "PageTables", "SecPageTables", "NFS_Unstable", "Bounce", "WritebackTmp", "CommitLimit",
		"Committed_AS", "VmallocTotal", "VmallocUsed", "VmallocChunk", "Percpu", "HardwareCorrupted", "AnonHugePages",
		"ShmemHugePages", "ShmemPmdMapped", "FileHugePages", "FilePmdMapped", "CmaTotal", "CmaFree", "HugePages_Total",
		"HugePages_Free", "HugePages_Rsvd", "HugePages_Surp", "Hugepagesize", "Hugetlb", "DirectMap4k", "DirectMap2M", "DirectMap1G"}
	text := k.Meminfo()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != len(labels) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(labels), text)
	}
	kbLine := regexp.MustCompile(`^[A-Za-z0-9_()]+: +[0-9]+ kB$`)
	for i, l := range lines {
		if !strings.HasPrefix(l, labels[i]+":") {
			t.Errorf("line %d %q, want label %s", i, l, labels[i])
		}
		switch {
		case strings.HasPrefix(l, "HugePages_"):
			if len(l) != 24 { // "HugePages_Total:   %5lu"
				t.Errorf("%q: HugePages_* lines are 24 wide", l)
			}
		case strings.HasPrefix(l, "HardwareCorrupted"):
			if l != "HardwareCorrupted:     0 kB" {
				t.Errorf("%q", l)
			}
		case strings.HasPrefix(l, "VmallocTotal"):
			if l != "VmallocTotal:   34359738367 kB" {
				t.Errorf("%q", l)
			}
		default:
			if !kbLine.MatchString(l) || len(l) < 27 || l[16+8:] != " kB" && len(l) == 27 {
				t.Errorf("%q: not show_val_kb's form", l)
			}
		}
	}
	free := meminfoKB(t, k, "MemFree")
	p := k.GetFreePages(buddy.GFP_KERNEL, 3, "__get_free_pages")
	if got := meminfoKB(t, k, "MemFree"); got != free-32 {
		t.Errorf("MemFree after an order-3 allocation %d, want %d", got, free-32)
	}
	total := meminfoKB(t, k, "MemTotal")
	k.MemblockAlloc(4096, 4096)
	if got := meminfoKB(t, k, "MemTotal"); got != total-4 {
		t.Errorf("memblock memory leaves MemTotal: %d, want %d", got, total-4)
	}
	k.FreePagesAddr(p, 3, "free_pages")
	if got := meminfoKB(t, k, "MemFree"); got != free-4 {
		t.Errorf("MemFree %d, want %d", got, free-4)
	}
	if got := meminfoKB(t, k, "Percpu"); got != 244 {
		t.Errorf("Percpu %d kB, want 61 pages", got)
	}
}

func TestRegisterProc(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	n := 0
	k.RegisterProc("self/maps", func() (string, bool) { n++; return "maps\n", true })
	if s, ok := k.ReadProc("/proc/self/maps"); !ok || s != "maps\n" || n != 1 {
		t.Errorf("registered file: %q %v", s, ok)
	}
	if _, ok := k.ReadProc("/proc/none"); ok {
		t.Errorf("unknown file read")
	}
	bi, _ := k.ReadProc("/proc/buddyinfo")
	if bi != k.Pages.BuddyInfo() {
		t.Errorf("buddyinfo differs from buddy's")
	}
}
