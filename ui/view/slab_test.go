package view

import (
	"strings"
	"testing"

	"mmplay/engine/slab"
)

func handSlab() slab.Snapshot {
	return slab.Snapshot{
		Caches: []slab.CacheSnapshot{
			{Name: "my_cache", ObjectSize: 100, Size: 104, Align: 8, ObjPerSlab: 39, Order: 0},
			{Name: "kmalloc-64", ObjectSize: 64, Size: 64, ObjPerSlab: 64, Order: 0, ActiveObjs: 64, InUse: 2,
				Slabs: []slab.SlabSnapshot{{PFN: 0x7e3d, Addr: 0xffff888007e3d000, Role: "cpu", InUse: 2,
					Objects: []slab.ObjectSnapshot{
						{Addr: 0xffff888007e3d000, State: slab.ObjAllocated, Req: 24},
						{Addr: 0xffff888007e3d040, State: slab.ObjAllocated, Req: 64},
						{Addr: 0xffff888007e3d080},
						{Addr: 0xffff888007e3d0c0},
					},
					FreeList: []uint64{0xffff888007e3d0c0, 0xffff888007e3d080}}}},
			{Name: "dma-kmalloc-1k", ObjectSize: 1024, Size: 1024, ObjPerSlab: 8, Order: 1},
		},
		Large: []slab.LargeSnapshot{{Addr: 0xffff888001230000, PFN: 0x1230, Order: 3, Req: 20000}},
	}
}

func names(rows []SlabCacheRow) string {
	var s []string
	for _, r := range rows {
		s = append(s, r.Name)
	}
	return strings.Join(s, ",")
}

func TestSlabCachesFilter(t *testing.T) {
	for _, c := range []struct {
		name       string
		filter     string
		onlyActive bool
		want       string
	}{
		{"no filter keeps every cache in slabinfo order", "", false, "my_cache,kmalloc-64,dma-kmalloc-1k"},
		{"onlyActive drops caches without slabs", "", true, "kmalloc-64"},
		{"a substring, case-insensitive", "KMALLOC", false, "kmalloc-64,dma-kmalloc-1k"},
		{"blanks around the filter are ignored", "  dma ", false, "dma-kmalloc-1k"},
		{"filter and onlyActive together", "dma", true, ""},
		{"a filter matching nothing", "zzz", false, ""},
	} {
		if got := names(SlabCaches(handSlab(), c.filter, c.onlyActive)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := SlabCaches(slab.Snapshot{}, "", false); len(got) != 0 {
		t.Errorf("empty snapshot: %v", got)
	}
}

func TestSlabCachesCells(t *testing.T) {
	rows := SlabCaches(handSlab(), "kmalloc-64", false)
	if len(rows) != 1 || len(rows[0].Slabs) != 1 {
		t.Fatalf("rows %+v", rows)
	}
	r, sl := rows[0], rows[0].Slabs[0]
	for _, c := range []struct{ name, got, want string }{
		{"object size", r.ObjectSize, "64 B"},
		{"slab size", r.SlabSize, "4 KiB"},
		{"active/total as slabinfo", r.Active, "64/64"},
		{"cache title", r.Title, "kmalloc-64 · 64 B objects in 64 B slots · 64 per 4 KiB slab · 1 slab · 2 in use"},
		{"slab title", sl.Title, "slab at 0xffff888007e3d000 · pfn 0x7e3d · cpu slab · 2/4 in use"},
		{"an allocated object says how much of it is used", sl.Objects[0].Title, "0xffff888007e3d000 · kmalloc-64 · 24 of 64 bytes used"},
		{"the free list's head is the next allocation", sl.Objects[3].Title, "0xffff888007e3d0c0 · kmalloc-64 · free: the next allocation from this slab"},
		{"another free object", sl.Objects[2].Title, "0xffff888007e3d080 · kmalloc-64 · free"},
		{"states", sl.Objects[0].State + "," + sl.Objects[2].State, "allocated,free"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if !sl.Objects[3].Next || sl.Objects[2].Next || sl.Objects[0].Next {
		t.Errorf("Next marks %v %v %v", sl.Objects[0].Next, sl.Objects[2].Next, sl.Objects[3].Next)
	}
	if r.TotalObjs != 64 || r.InUse != 2 {
		t.Errorf("totals %d, in use %d", r.TotalObjs, r.InUse)
	}
	dma := SlabCaches(handSlab(), "dma", false)[0]
	if dma.SlabSize != "8 KiB" || dma.Active != "0/0" {
		t.Errorf("an order-1 cache without slabs: %+v", dma)
	}
	large := LargeKmallocs(handSlab())
	if len(large) != 1 || large[0].Title != "kmalloc(20000) → 0xffff888001230000 · order 3 block (32 KiB) at pfn 0x1230" {
		t.Errorf("large %+v", large)
	}
	if got := LargeKmallocs(slab.Snapshot{}); len(got) != 0 {
		t.Errorf("no large kmallocs: %v", got)
	}
}

// TestSlabOnRealKernels draws the slab view of a module on 6.1 (SLUB) and
// on 2.0 (power-of-two buckets with a header), holding one kmalloc each.
func TestSlabOnRealKernels(t *testing.T) {
	const mod = `#include <linux/module.h>
#include <linux/slab.h>
static char *p, *big;
static int __init m_init(void)
{
    p = kmalloc(100, GFP_KERNEL);
    big = kmalloc(20000, GFP_KERNEL);
    return 0;
}
static void __exit m_exit(void)
{
    kfree(p);
    kfree(big);
}
module_init(m_init);
module_exit(m_exit);
`
	for _, c := range []struct {
		name, settings, cache string
		large                 bool
	}{
		{"6.1: kmalloc(100) lands in kmalloc-128, 20000 bytes are a large kmalloc", "kernel=6.1", "kmalloc-128", true},
		{"2.0: kmalloc(100) lands in size-128 (120 usable bytes)", "kernel=2.0", "size-128", false},
	} {
		s := session(t, "m.c", mod, c.settings)
		if s.RunToLine(12) {
			t.Fatalf("%s: the module was unloaded before its exit ran", c.name)
		}
		snap := s.Snapshot()
		rows := SlabCaches(snap.Slab, "", true)
		found := false
		for _, r := range rows {
			if len(r.Slabs) == 0 {
				t.Errorf("%s: onlyActive kept %s without slabs", c.name, r.Name)
			}
			if r.Name != c.cache {
				continue
			}
			for _, sl := range r.Slabs {
				for _, o := range sl.Objects {
					if o.State == "allocated" && o.Req == 100 {
						found = true
						if !strings.Contains(o.Title, "100 of ") {
							t.Errorf("%s: title %q", c.name, o.Title)
						}
					}
				}
			}
		}
		if !found {
			t.Errorf("%s: no 100-byte object in %s", c.name, c.cache)
		}
		if got := len(LargeKmallocs(snap.Slab)) > 0; got != c.large {
			t.Errorf("%s: large kmallocs %v, want %v", c.name, got, c.large)
		}
	}
}

// TestSlabCachesBounded: past MaxSlabsShown a cache's slabs are counted,
// not drawn.
func TestSlabCachesBounded(t *testing.T) {
	var slabs []slab.SlabSnapshot
	for i := 0; i < MaxSlabsShown+3; i++ {
		slabs = append(slabs, slab.SlabSnapshot{PFN: uint64(100 + i), Role: "full", Objects: make([]slab.ObjectSnapshot, 4)})
	}
	rows := SlabCaches(slab.Snapshot{Caches: []slab.CacheSnapshot{{Name: "kmalloc-1k", ObjectSize: 1024, Size: 1024, ObjPerSlab: 4, Slabs: slabs}}}, "", true)
	if len(rows) != 1 || len(rows[0].Slabs) != MaxSlabsShown || rows[0].More != "and 3 more slabs (not drawn: /proc/slabinfo counts them)" {
		t.Errorf("rows %d, slabs drawn %d, more %q", len(rows), len(rows[0].Slabs), rows[0].More)
	}
}
