package kernel

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

// zoneinfoZones are the zones of x86-64 6.1 with Debian's config
// (MAX_NR_ZONES 5: CONFIG_ZONE_DMA, CONFIG_ZONE_DMA32, Normal, Movable,
// CONFIG_ZONE_DEVICE). Movable and Device never hold memory here.
var zoneinfoZones = []string{"DMA", "DMA32", "Normal", "Movable", "Device"}

// nodeStatNames are the node counters /proc/zoneinfo prints first
// (mm/vmstat.c:vmstat_text, enum node_stat_item, 6.1 with Debian's
// CONFIG_SWAP and CONFIG_NUMA_BALANCING).
var nodeStatNames = []string{"nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
	"nr_unevictable", "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon", "nr_isolated_file",
	"workingset_nodes", "workingset_refault_anon", "workingset_refault_file", "workingset_activate_anon",
	"workingset_activate_file", "workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim",
	"nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_dirty", "nr_writeback", "nr_writeback_temp", "nr_shmem",
	"nr_shmem_hugepages", "nr_shmem_pmdmapped", "nr_file_hugepages", "nr_file_pmdmapped",
	"nr_anon_transparent_hugepages", "nr_vmscan_write", "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written",
	"nr_throttled_written", "nr_kernel_misc_reclaimable", "nr_foll_pin_acquired", "nr_foll_pin_released",
	"nr_kernel_stack", "nr_page_table_pages", "nr_sec_page_table_pages", "nr_swapcached", "pgpromote_success"}

// Zoneinfo is /proc/zoneinfo (mm/vmstat.c:zoneinfo_show_print): every
// zone, populated or not; the node's counters before the first populated
// one; per populated zone its free pages, watermarks, sizes,
// lowmem_reserve ("protection"), zone counters, NUMA events (every
// allocation counts as numa_hit and numa_local on the one node) and the
// per-CPU pageset's count, high and batch. Counters of what mmplay does
// not model (dirty pages, writeback, reclaim) are 0.
func (k *Kernel) Zoneinfo() string {
	c := k.counters()
	var b strings.Builder
	node := map[string]uint64{
		"nr_inactive_anon": c.anon + c.shmem, "nr_inactive_file": c.file,
		"nr_slab_reclaimable": c.slabReclaimable >> arch.PageShift, "nr_slab_unreclaimable": c.slabUnreclaimable >> arch.PageShift,
		"nr_anon_pages": c.anon, "nr_mapped": c.file, "nr_file_pages": c.file + c.shmem, "nr_shmem": c.shmem,
		"nr_kernel_stack": c.kernelStackKB, "nr_page_table_pages": c.pageTables,
	}
	// per-zone LRU pages: the owners' frames, zone by zone
	var lru [phys.NumZones][3]uint64 // inactive anon, inactive file, page tables (unused)
	for pfn := uint64(0); pfn < k.Mem.MaxPFN(); pfn++ {
		f := k.Mem.Frame(pfn)
		switch f.Owner {
		case phys.OwnerUserAnon:
			lru[f.Zone][0]++
		case phys.OwnerUserFile:
			lru[f.Zone][1]++
		}
	}
	first := true
	for i, name := range zoneinfoZones {
		fmt.Fprintf(&b, "Node 0, zone %8s", name)
		var zn = k.zoneFor(i)
		populated := zn != nil && zn.Populated()
		if populated && first {
			first = false
			b.WriteString("\n  per-node stats")
			for _, s := range nodeStatNames {
				fmt.Fprintf(&b, "\n      %-12s %d", s, node[s])
			}
		}
		var free, wmin, wlow, whigh, spanned, present, managed uint64
		var reserve [phys.NumZones]uint64
		if zn != nil {
			free, wmin, wlow, whigh = zn.FreePages, zn.WmarkMin, zn.WmarkLow, zn.WmarkHigh
			spanned, present, managed = zn.EndPFN-zn.StartPFN, zn.Present, zn.Managed
			reserve = zn.LowmemReserve
		}
		fmt.Fprintf(&b, "\n  pages free     %d\n        boost    0\n        min      %d\n        low      %d\n        high     %d\n        spanned  %d\n        present  %d\n        managed  %d\n        cma      0",
			free, wmin, wlow, whigh, spanned, present, managed)
		// lowmem_reserve[MAX_NR_ZONES]: the model's last entry stands for
		// Movable and Device, which hold no memory
		prot := []uint64{reserve[0], reserve[1], reserve[2], reserve[3], reserve[3]}
		if i >= len(reserve)-1 {
			prot = []uint64{0, 0, 0, 0, 0}
		}
		fmt.Fprintf(&b, "\n        protection: (%d, %d, %d, %d, %d)", prot[0], prot[1], prot[2], prot[3], prot[4])
		if !populated {
			b.WriteByte('\n')
			continue
		}
		z := zn.ID
		zstats := []struct {
			name string
			v    uint64
		}{{"nr_free_pages", zn.FreePages}, {"nr_zone_inactive_anon", lru[z][0]}, {"nr_zone_active_anon", 0},
			{"nr_zone_inactive_file", lru[z][1]}, {"nr_zone_active_file", 0}, {"nr_zone_unevictable", 0},
			{"nr_zone_write_pending", 0}, {"nr_mlock", 0}, {"nr_bounce", 0}, {"nr_zspages", 0}, {"nr_free_cma", 0},
			{"numa_hit", zn.Allocs}, {"numa_miss", 0}, {"numa_foreign", 0}, {"numa_interleave", 0},
			{"numa_local", zn.Allocs}, {"numa_other", 0}}
		for _, s := range zstats {
			fmt.Fprintf(&b, "\n      %-12s %d", s.name, s.v)
		}
		fmt.Fprintf(&b, "\n  pagesets\n    cpu: 0\n              count: %d\n              high:  %d\n              batch: %d",
			zn.PCP.Count, zn.PCP.High, zn.PCP.Batch)
		// calculate_normal_threshold for one CPU: 2·fls(1)·(1 + fls(MiB of the zone / 128)), at most 125
		fmt.Fprintf(&b, "\n  vm stats threshold: %d", statThreshold(managed))
		start := zn.StartPFN
		if start == 0 {
			start = 1 // pfn 0 is not RAM: the DMA zone starts at pfn 1
		}
		fmt.Fprintf(&b, "\n  node_unreclaimable:  0\n  start_pfn:           %d\n", start)
	}
	return b.String()
}

// zoneFor returns the model's zone for /proc/zoneinfo's i-th zone, or
// nil for Movable and Device.
func (k *Kernel) zoneFor(i int) *buddy.Zone {
	if i > int(phys.ZoneNormal) {
		return nil
	}
	return k.Pages.Zone(phys.ZoneID(i))
}

// statThreshold is mm/vmstat.c:calculate_normal_threshold for one online
// CPU: threshold = 2·fls(cpus)·(1 + fls(mem)), mem = managed MiB / 128,
// at most 125.
func statThreshold(managed uint64) int {
	mem := int(managed >> (27 - arch.PageShift)) // zone_managed_pages >> (27 - PAGE_SHIFT)
	threshold := 2 * fls(1) * (1 + fls(mem))
	return min(threshold, 125)
}

func fls(x int) int {
	n := 0
	for x > 0 {
		x >>= 1
		n++
	}
	return n
}
