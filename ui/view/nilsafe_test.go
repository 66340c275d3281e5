package view

import (
	"testing"

	"mmplay/engine"
	"mmplay/engine/mm"
	"mmplay/engine/slab"
)

// drawAll calls every view function on a snapshot, as the components do
// on each step; it must not panic whatever the machine.
func drawAll(snap *engine.Snapshot, events []engine.Event) {
	var s engine.Snapshot
	if snap != nil {
		s = *snap
	}
	l := Layout(FramesOf(s.Frames), 1024, 1)
	if s.FrameMap != nil {
		l = Layout(s.FrameMap.Len(), 1024, 1)
	}
	var pc PhysCanvas
	pc.Show(s.FrameMap, l, &LightPalette, true)
	pc.SetFocus([]PFNRange{{PFN: 0, Count: 10}})
	pc.Show(s.FrameMap, l, &DarkPalette, false)
	for pfn := uint64(0); pfn < l.Frames; pfn += 97 {
		FrameInfo(snap, pfn)
	}
	FrameInfo(snap, 1<<40)
	BuddyRows(s.Zones, events, s.Step)
	SlabCaches(s.Slab, "", true)
	LargeKmallocs(s.Slab)
	UserRegions(s.Process)
	KernelRegions(snap, events)
	PageFrame(s.Process, 0x555555559000)
	ZeroPagePFN(snap)
	HeapRows(snap)
	Timeline(events, 0)
	Diff(snap, snap)
	Diff(nil, snap)
	ProcFiles(GetKey(s.Config, "kernel"))
}

func TestNilSnapshots(t *testing.T) {
	drawAll(nil, nil)
	drawAll(&engine.Snapshot{}, nil)
	if got := FrameInfo(nil, 0); got != "" {
		t.Errorf("FrameInfo(nil) = %q", got)
	}
	if got := KernelRegions(nil, nil); got != nil {
		t.Errorf("KernelRegions(nil) = %v", got)
	}
	if got := UserRegions(mm.Snapshot{}); len(got) != 0 {
		t.Errorf("UserRegions of nothing: %v", got)
	}
	if got := SlabCaches(slab.Snapshot{}, "x", true); len(got) != 0 {
		t.Errorf("SlabCaches of nothing: %v", got)
	}
	if v := HeapRows(nil); v.Message == "" {
		t.Error("HeapRows(nil) says nothing")
	}
	if c := Diff(nil, nil); !c.Empty() {
		t.Error("Diff(nil, nil) is not empty")
	}
}

// TestOddMachines runs small programs on the machines the settings allow
// — the 2.0 kernel with no SLUB, i386, the smallest and the largest RAM,
// and a program that corrupts its heap — and draws every view, stepping
// and after the end.
func TestOddMachines(t *testing.T) {
	const plain = "#include <stdlib.h>\n#include <stdio.h>\nint main(void)\n{\n    char *p = malloc(100);\n    printf(\"%p\\n\", p);\n    free(p);\n    return 0;\n}\n"
	const corrupt = "#include <stdlib.h>\n#include <string.h>\nint main(void)\n{\n    char *p = malloc(16);\n    char *q = malloc(16);\n    memset(p, 0xff, 64);\n    free(q);\n    free(p);\n    return 0;\n}\n"
	for _, c := range []struct{ name, src, settings string }{
		{"kernel 2.0: kmalloc buckets, no SLUB caches", plain, "kernel=2.0"},
		{"arch=i386", plain, "arch=i386"},
		{"i386 with 2.0 on 16 MiB: one zone", plain, "arch=i386,kernel=2.0,ram=16M"},
		{"4 GiB with the PCI hole", plain, "ram=4G"},
		{"a program that overwrites malloc's metadata", corrupt, ""},
	} {
		s := session(t, "odd.c", c.src, c.settings)
		var prev *engine.Snapshot
		for !s.Step() {
			cur := s.Snapshot()
			drawAll(cur, s.Events())
			Diff(prev, cur)
			prev = cur
		}
		snap := s.Snapshot()
		drawAll(snap, s.Events())
		if v := HeapRows(snap); v.Message == "" && len(v.Chunks) == 0 {
			t.Errorf("%s: the heap view has neither chunks nor a message", c.name)
		}
	}
}
