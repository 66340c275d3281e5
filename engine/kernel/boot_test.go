package kernel

import (
	"strings"
	"testing"

	"mmplay/engine/phys"
)

// The measured 256 MiB guest's /proc/buddyinfo at start
// (reference/kernel/README.md): DMA 0 0 0 0 0 1 1 1 0 1 3, and DMA32
// mostly order-10 blocks. The DMA line follows from the boot: the first
// pageblock of DMA stays MIGRATE_UNMOVABLE (pfn 0 is not RAM, so
// memmap_init never marks it), and dma_atomic_pool_init's GFP_DMA pool
// (order 5) is the first unmovable DMA allocation: it splits the order-8
// block at pfn 0x100 there.
func TestBootBuddyInfo256M(t *testing.T) {
	k, _, _ := bootFull(t, 256<<20, false)
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
	if f[14] < "30" || len(f[14]) != 2 {
		t.Errorf("DMA32 order-10 blocks %s: want mostly order-10 memory", f[14])
	}
	pti, _ := k.ReadProc("pagetypeinfo")
	if !strings.Contains(pti, "Node 0, zone      DMA            1            7            0            0            0            0 \n") {
		t.Errorf("DMA pageblocks: want 1 unmovable, 7 movable:\n%s", pti)
	}
	if got := meminfoKB(t, k, "MemTotal"); got != guestMemTotalKB {
		t.Errorf("MemTotal %d kB, want the measured %d", got, guestMemTotalKB)
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
		{"256 MiB 6.1: the guest's initrd, log buffer, page tables, node data, two vmemmap sections, percpu, hash tables", 256 << 20, "6.1",
			[]string{"initrd (RAMDISK)", "log_buf (log_buf_len=4M)", "printk descs", "printk infos", "boot page tables", "NODE_DATA(0)",
				"vmemmap", "vmemmap", "percpu", "Dentry cache hash table", "Inode-cache hash table"},
			256 + 1024 + 768 + 2816 + 2 + 43 + 1024 + 61 + 64 + 32},
		{"16 MiB 6.1: the small kernel's static log buffer and smaller hash tables", 16 << 20, "6.1",
			[]string{"initrd (RAMDISK)", "boot page tables", "NODE_DATA(0)", "vmemmap", "percpu", "Dentry cache hash table", "Inode-cache hash table"},
			256 + 2 + 43 + 512 + 61 + 4 + 2},
		{"4 GiB 6.1: RAM above 4 GiB makes x86-64 set up swiotlb below 4 GiB", 4 << 30, "6.1",
			[]string{"initrd (RAMDISK)", "log_buf (log_buf_len=4M)", "printk descs", "printk infos", "boot page tables", "NODE_DATA(0)",
				"vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap",
				"vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap",
				"vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap",
				"vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap", "vmemmap",
				"percpu", "Dentry cache hash table", "Inode-cache hash table", "swiotlb"},
			256 + 1024 + 768 + 2816 + 2 + 43 + 32*512 + 61 + 1024 + 512 + 16384},
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
			// top-down: the 2 MiB-aligned regions sit at 2 MiB boundaries
			for _, r := range k.memblock.regions {
				if (r.what == "vmemmap" || r.what == "percpu") && r.start%512 != 0 {
					t.Errorf("%s at pfn %#x not 2 MiB aligned", r.what, r.start)
				}
				if r.what == "swiotlb" && r.end > phys.MaxDMA32PFN {
					t.Errorf("swiotlb above 4 GiB: pfn %#x", r.end)
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
