package kernel

import (
	"strings"
	"testing"

	"mmplay/engine/phys"
)

// The measured 256 MiB guest's /proc/buddyinfo at start
// (reference/kernel/README.md): DMA 0 0 0 0 0 1 1 1 0 1 3, and DMA32
// mostly order-10 blocks. The DMA line must match exactly; for DMA32 the
// test pins the model's own line (whole-state) and checks the shape.
func TestBootBuddyInfo256M(t *testing.T) {
	k := boot(t, 256<<20, "6.1", false)
	lines := strings.Split(strings.TrimSuffix(k.Pages.BuddyInfo(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("buddyinfo:\n%s", k.Pages.BuddyInfo())
	}
	wantDMA := "Node 0, zone      DMA      0      0      0      0      0      1      1      1      0      1      3 "
	if lines[0] != wantDMA {
		t.Errorf("DMA line\n got %q\nwant %q", lines[0], wantDMA)
	}
	f := strings.Fields(lines[1])
	if f[3] != "DMA32" || len(f) != 15 {
		t.Fatalf("DMA32 line %q", lines[1])
	}
	if f[14] < "40" || len(f[14]) != 2 {
		t.Errorf("DMA32 order-10 blocks %s: want mostly order-10 memory", f[14])
	}
	if got, want := lines[1], "Node 0, zone    DMA32      1      2      1      1      1      1      2      2      0      1     56 "; got != want {
		t.Errorf("DMA32 line (model pin)\n got %q\nwant %q", got, want)
	}
}

func TestBootMemblockRegions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ram      uint64
		ver      string
		regions  []string
		reserved uint64
	}{
		{"256 MiB 6.1: low reserve, page tables, two vmemmap sections, one percpu chunk", 256 << 20, "6.1",
			[]string{"low reserve (fitted)", "boot page tables", "vmemmap", "vmemmap", "percpu"}, 32 + 2 + 1024 + 61},
		{"16 MiB 6.1: image at 1 MiB leaves no low reserve", 16 << 20, "6.1",
			[]string{"boot page tables", "vmemmap", "percpu"}, 2 + 512 + 61},
		{"2.0 has no memblock", 16 << 20, "2.0", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := boot(t, tc.ram, tc.ver, false)
			var got []string
			for _, r := range k.memblock.regions {
				got = append(got, r.what)
			}
			if strings.Join(got, ",") != strings.Join(tc.regions, ",") {
				t.Errorf("regions %q, want %q", got, tc.regions)
			}
			if n := k.MemblockReservedPages(); n != tc.reserved {
				t.Errorf("reserved %d pages, want %d", n, tc.reserved)
			}
			// top-down: the boot regions after the low one sit at the top of RAM
			for _, r := range k.memblock.regions {
				if r.what == "vmemmap" && r.start%512 != 0 && tc.ram >= 64<<20 {
					t.Errorf("vmemmap at pfn %#x not 2 MiB aligned", r.start)
				}
			}
		})
	}
}

func TestMemblockAlloc(t *testing.T) {
	k := boot(t, 64<<20, "6.1", true)
	free := k.Pages.FreePagesTotal()
	p := k.MemblockAlloc(3*4096+1, 64)
	if p < PageOffset || p&0x3fff != 0 {
		t.Fatalf("memblock_alloc = %#x: want a 16 KiB-aligned direct-map address", p)
	}
	pfn := Pa(p) >> 12
	for i := uint64(0); i < 4; i++ {
		if f := k.Mem.Frame(pfn + i); f.Owner != phys.OwnerMemblock || f.Flags&phys.FlagReserved == 0 {
			t.Fatalf("pfn %#x: %s", pfn+i, f.Owner)
		}
	}
	if got := k.Pages.FreePagesTotal(); got != free-4 {
		t.Errorf("free %d, want %d", got, free-4)
	}
	var buf [16]byte
	k.ReadBytes(p, buf[:])
	if buf != [16]byte{} {
		t.Errorf("memblock memory not zeroed")
	}
	if k.MemblockAlloc(0, 8) != 0 || k.MemblockAlloc(8<<20, 4096) != 0 {
		t.Errorf("memblock_alloc of 0 or above the largest block must return 0")
	}
	check(t, k)
}
