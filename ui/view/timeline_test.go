package view

import (
	"strings"
	"testing"

	"mmplay/engine"
	"mmplay/engine/arch"
)

func TestEventText(t *testing.T) {
	for _, c := range []struct {
		name  string
		e     arch.Event
		text  string
		class string
	}{
		{"malloc", arch.Event{Kind: arch.EvAlloc, Source: "malloc", Addr: 0x5555555592a0, Size: 32, Detail: "malloc"},
			"malloc → 0x5555555592a0 (chunk 32 B)", "alloc"},
		{"malloc from tcache", arch.Event{Kind: arch.EvAlloc, Source: "malloc", Addr: 0x5555555592a0, Size: 32, Detail: "malloc: tcache"},
			"malloc → 0x5555555592a0 (chunk 32 B) from tcache", "alloc"},
		{"a failed malloc warns", arch.Event{Kind: arch.EvAlloc, Source: "malloc", Size: 1 << 40, Detail: "malloc failed"},
			"malloc failed (1 TiB)", "warn"},
		{"free", arch.Event{Kind: arch.EvFree, Source: "malloc", Addr: 0x5555555592a0, Size: 32, Detail: "free"},
			"free(0x5555555592a0) (chunk 32 B)", "free"},
		{"free of an mmapped chunk", arch.Event{Kind: arch.EvFree, Source: "malloc", Addr: 0x7ffff7d8c010, Size: 0x33000, Detail: "free: munmap"},
			"free(0x7ffff7d8c010): munmap the chunk (204 KiB)", "free"},
		{"malloc moves the break", arch.Event{Kind: arch.EvBrk, Source: "malloc", Addr: 0x55555557a000, Detail: "brk"},
			"malloc moves the break to 0x55555557a000", "alloc"},
		{"malloc mmaps", arch.Event{Kind: arch.EvMap, Source: "malloc", Addr: 0x7ffff7d8c000, Size: 0x33000, Detail: "mmap"},
			"malloc: mmap 204 KiB at 0x7ffff7d8c000", "alloc"},
		{"glibc aborts", arch.Event{Kind: arch.EvBug, Source: "malloc", Detail: "free(): double free detected in tcache 2"},
			"glibc: free(): double free detected in tcache 2", "bug"},
		{"buddy alloc", arch.Event{Kind: arch.EvAlloc, Source: "buddy", PFN: 0x1200, Order: 3, Size: 32 << 10},
			"buddy alloc order 3 (32 KiB) at pfn 0x1200", "alloc"},
		{"buddy free", arch.Event{Kind: arch.EvFree, Source: "buddy", PFN: 0x7f35, Order: 0, Size: 4096},
			"buddy free order 0 (4 KiB) at pfn 0x7f35", "free"},
		{"buddy split names both orders", arch.Event{Kind: arch.EvSplit, Source: "buddy", PFN: 0x1204, Order: 2},
			"buddy split order 3 → 2 at pfn 0x1204", "kernel"},
		{"buddy merge names both orders", arch.Event{Kind: arch.EvMerge, Source: "buddy", PFN: 0x7f38, Order: 1},
			"buddy merge order 0 → 1 at pfn 0x7f38", "kernel"},
		{"a slab object", arch.Event{Kind: arch.EvAlloc, Source: "slab", Addr: 0xffff888007e3d000, Size: 8, PFN: 0x7e3d, Order: -1, Detail: "kmalloc-8"},
			"kmalloc-8 object → 0xffff888007e3d000 (8 B)", "alloc"},
		{"kfree", arch.Event{Kind: arch.EvFree, Source: "slab", Addr: 0xffff888007ff6800, Size: 256, Order: -1, Detail: "kmalloc-256"},
			"kfree 0xffff888007ff6800 (kmalloc-256)", "free"},
		{"a new slab", arch.Event{Kind: arch.EvAlloc, Source: "slab", Addr: 0xffff888007e3d000, Size: 4096, PFN: 0x7e3d, Detail: "new slab of kmalloc-8"},
			"new slab of kmalloc-8 (4 KiB) at 0xffff888007e3d000 · pfn 0x7e3d", "alloc"},
		{"a large kmalloc", arch.Event{Kind: arch.EvAlloc, Source: "slab", Addr: 0xffff888001230000, Size: 32 << 10, PFN: 0x1230, Order: 3, Detail: "kmalloc large"},
			"large kmalloc → 0xffff888001230000: order 3 (32 KiB) at pfn 0x1230", "alloc"},
		{"a slab double free is a bug", arch.Event{Kind: arch.EvReport, Source: "slab", Addr: 0xffff888007e3d000, Order: -1, Detail: "double free in kmalloc-8"},
			"double free in kmalloc-8 at 0xffff888007e3d000", "bug"},
		{"a page fault", arch.Event{Kind: arch.EvFault, Source: "mm", Addr: 0x7ffff7ff0000, Size: 4096, Detail: "new frame"},
			"page fault at 0x7ffff7ff0000: new frame", "fault"},
		{"an mmap of a file", arch.Event{Kind: arch.EvMap, Source: "mm", Addr: 0x7ffff7dd5000, Size: 152 << 10, Detail: "/usr/lib/x86_64-linux-gnu/libc.so.6"},
			"map 152 KiB at 0x7ffff7dd5000 (/usr/lib/x86_64-linux-gnu/libc.so.6)", "alloc"},
		{"munmap", arch.Event{Kind: arch.EvUnmap, Source: "mm", Addr: 0x7ffff7d8c000, Size: 0x33000, Detail: "munmap"},
			"munmap 204 KiB at 0x7ffff7d8c000", "free"},
		{"brk grows", arch.Event{Kind: arch.EvBrk, Source: "mm", Addr: 0x55555557a000, Size: 132 << 10, Detail: "grow"},
			"brk grows by 132 KiB to 0x55555557a000", "alloc"},
		{"brk shrinks", arch.Event{Kind: arch.EvBrk, Source: "mm", Addr: 0x555555559000, Size: 200 << 10, Detail: "shrink"},
			"brk shrinks by 200 KiB to 0x555555559000", "free"},
		{"vmalloc", arch.Event{Kind: arch.EvMap, Source: "vmalloc", Addr: 0xffffc90000000000, Size: 16384, Detail: "vmalloc 4 pages (+1 guard)"},
			"vmalloc 4 pages (+1 guard) at 0xffffc90000000000 (16 KiB)", "alloc"},
		{"vfree", arch.Event{Kind: arch.EvUnmap, Source: "vmalloc", Addr: 0xffffc90000000000, Size: 4096, Detail: "vfree"},
			"vfree 0xffffc90000000000 (4 KiB)", "free"},
		{"printk", arch.Event{Kind: arch.EvPrintk, Source: "kernel", Detail: "hello"}, "printk: hello", "kernel"},
		{"module_alloc", arch.Event{Kind: arch.EvMap, Source: "kernel", Addr: 0xffffffffc0000000, Size: 16384, Detail: "module_alloc"},
			"module_alloc 16 KiB at 0xffffffffc0000000", "alloc"},
		{"a kernel warning", arch.Event{Kind: arch.EvWarning, Source: "kernel", Order: 4, Detail: "insmod: page allocation failure: order:4"},
			"insmod: page allocation failure: order:4", "warn"},
		{"a kernel BUG", arch.Event{Kind: arch.EvBug, Source: "kernel", Detail: "BUG: sleeping function called from invalid context"},
			"BUG: sleeping function called from invalid context", "bug"},
		{"an mmplay report", arch.Event{Kind: arch.EvReport, Source: "kernel", Detail: "free_pages: order 2 block freed as order 0"},
			"free_pages: order 2 block freed as order 0", "bug"},
		{"an ASan report", arch.Event{Kind: arch.EvReport, Source: "asan", Addr: 0x5555555592b0, Size: 1, Detail: "heap-buffer-overflow"},
			"ASan: heap-buffer-overflow at 0x5555555592b0 (1 byte)", "bug"},
		{"an unknown source falls back on the detail", arch.Event{Kind: arch.EvAlloc, Source: "future", Addr: 0x1000, Detail: "something"},
			"something at 0x1000", "alloc"},
		{"an empty event", arch.Event{}, "none", "kernel"},
	} {
		text, class := EventText(c.e)
		if text != c.text || class != c.class {
			t.Errorf("%s:\n got %q (%s)\nwant %q (%s)", c.name, text, class, c.text, c.class)
		}
	}
}

func e(step uint64, line int, kind arch.EventKind, source, detail string, addr uint64) engine.Event {
	return engine.Event{Event: arch.Event{Kind: kind, Source: source, Detail: detail, Addr: addr, Line: line}, Step: step}
}

// render shows a timeline as "label[class]: text; text | label…".
func render(v TimelineView) string {
	var gs []string
	for _, g := range v.Groups {
		var items []string
		for _, it := range g.Items {
			items = append(items, it.Text)
		}
		gs = append(gs, g.Label+"["+g.Class+"]: "+strings.Join(items, "; "))
	}
	return strings.Join(gs, " | ")
}

func TestTimeline(t *testing.T) {
	boot := []engine.Event{
		e(0, 0, arch.EvPrintk, "kernel", "Linux version 6.1", 0),
		e(0, 0, arch.EvPrintk, "kernel", "Linux version 6.1", 0),
	}
	steps := []engine.Event{
		e(3, 7, arch.EvFault, "mm", "new frame", 0x1000),
		e(3, 7, arch.EvWarning, "kernel", "WARNING: x", 0),
		e(4, 8, arch.EvPrintk, "kernel", "a", 0),
		e(4, 8, arch.EvPrintk, "kernel", "b", 0),
	}
	unstepped := []engine.Event{
		e(0, 0, arch.EvPrintk, "kernel", "boot", 0),
		e(0, 5, arch.EvPrintk, "kernel", "x", 0),
		e(0, 6, arch.EvPrintk, "kernel", "y", 0),
		e(0, 5, arch.EvPrintk, "kernel", "z", 0),
	}
	for _, c := range []struct {
		name    string
		events  []engine.Event
		max     int
		want    string
		omitted int
	}{
		{"no events", nil, 0, "", 0},
		{"alike events in a row collapse into one counted item", boot, 0, "boot[kernel]: printk: Linux version 6.1 ×2", 0},
		{"a group per step, coloured by its most serious item", steps, 0,
			"step 3 · line 7[warn]: page fault at 0x1000: new frame; WARNING: x | step 4 · line 8[kernel]: printk: a; printk: b", 0},
		{"the cap keeps the newest events and counts the rest", steps, 2, "step 4 · line 8[kernel]: printk: a; printk: b", 2},
		{"an unstepped run groups by line", unstepped, 0,
			"boot[kernel]: printk: boot | line 5[kernel]: printk: x | line 6[kernel]: printk: y | line 5[kernel]: printk: z", 0},
	} {
		v := Timeline(c.events, c.max)
		if got := render(v); got != c.want || v.Omitted != c.omitted {
			t.Errorf("%s:\n got %q (omitted %d)\nwant %q (omitted %d)", c.name, got, v.Omitted, c.want, c.omitted)
		}
		if c.omitted > 0 && v.Note != Plural(c.omitted, "earlier event")+" not shown" {
			t.Errorf("%s: note %q", c.name, v.Note)
		}
	}
	v := Timeline(boot, 0)
	if it := v.Groups[0].Items[0]; it.Count != 2 || it.Kind != "printk" || it.Source != "kernel" {
		t.Errorf("collapsed item %+v", it)
	}
}

// TestTimelineOfARealSession steps a program and checks that each step's
// group carries its line and that the default cap holds.
func TestTimelineOfARealSession(t *testing.T) {
	s := session(t, "t.c", "#include <stdlib.h>\nint main(void)\n{\n    char *p = malloc(100);\n    free(p);\n    return 0;\n}\n", "")
	for !s.Step() {
	}
	v := Timeline(s.Events(), 0)
	// the boot's own allocations are not traced: only a long run fills the cap
	if want := max(len(s.Events())-DefaultTimelineEvents, 0); v.Omitted != want {
		t.Errorf("omitted %d of %d", v.Omitted, len(s.Events()))
	}
	var lines []string
	for _, g := range v.Groups {
		if g.Step > 0 {
			lines = append(lines, g.Label)
		}
	}
	if got := strings.Join(lines, ", "); got != "step 1 · line 4, step 2 · line 5" {
		t.Errorf("step groups: %s", got)
	}
	last := v.Groups[len(v.Groups)-1]
	if last.Items[0].Text[:5] != "free(" {
		t.Errorf("the free step: %+v", last.Items)
	}
}

func TestTail(t *testing.T) {
	gs := []StepGroup{{Step: 1}, {Step: 2}, {Step: 3}}
	for _, c := range []struct {
		n, first, hidden int
	}{{2, 2, 1}, {3, 1, 0}, {5, 1, 0}, {0, 0, 3}, {-1, 0, 3}} {
		shown, hidden := Tail(gs, c.n)
		first := 0
		if len(shown) > 0 {
			first = int(shown[0].Step)
		}
		if first != c.first || hidden != c.hidden || len(shown)+hidden != 3 {
			t.Errorf("Tail(3 groups, %d) = first %d, %d hidden; want first %d, %d hidden", c.n, first, hidden, c.first, c.hidden)
		}
	}
}

func TestGroupParts(t *testing.T) {
	for _, c := range []struct {
		step      uint64
		line      int
		head, sub string
	}{
		{0, 0, "boot", ""},
		{0, 28, "line 28", ""},
		{12, 0, "step 12", ""},
		{40012, 47, "step 40012", "line 47"},
	} {
		if h, s := groupParts(c.step, c.line); h != c.head || s != c.sub {
			t.Errorf("groupParts(%d, %d) = %q, %q; want %q, %q", c.step, c.line, h, s, c.head, c.sub)
		}
	}
}
