package view

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"mmplay/engine"
	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/glibc"
	"mmplay/engine/mm"
	"mmplay/engine/phys"
	"mmplay/engine/slab"
	"mmplay/engine/vmalloc"
)

var updateSVG = flag.Bool("update-svg", false, "rewrite testdata/svg/*.svg from the current renderer")

// fixture is a hand-made machine of 32 MiB at step 3 of a snippet: a
// little of every owner, both zones' free lists, a process with a heap,
// two caches, a large kmalloc, a vmalloc and an ioremap area, glibc's heap
// with a tcache and an unsorted chunk, console text and events of several
// steps. The golden pictures are drawn from it rather than from a run, so
// they change when the renderer or the view models change, not when the
// engine's model of Linux does (TestSVGShowsTheSnapshot and the worker's
// tests draw live runs).
func fixture() Picture {
	free := func(pfn, n uint64, zone string, order int) phys.FrameRun {
		return phys.FrameRun{PFN: pfn, Count: n, Owner: "free", Zone: zone, Order: order}
	}
	own := func(pfn, n uint64, owner string, order int) phys.FrameRun {
		zone := "DMA"
		if pfn >= 4096 {
			zone = "DMA32"
		}
		return phys.FrameRun{PFN: pfn, Count: n, Owner: owner, Zone: zone, Order: order}
	}
	frames := []phys.FrameRun{
		own(0, 256, "reserved", -1), own(256, 255, "kernel", -1), own(511, 1, "zero page", -1),
		free(512, 512, "DMA", 9), free(1024, 1024, "DMA", 10), free(2048, 1024, "DMA", 10), free(3072, 1024, "DMA", 10),
		own(4096, 64, "memblock", -1), own(4160, 16, "page table", 0), own(4176, 16, "slab", 0), own(4192, 8, "vmalloc", 0),
		own(4200, 32, "user anon", 0), own(4232, 8, "user file", 0), own(4240, 8, "pages", 3),
		free(4248, 8, "DMA32", 3), free(4256, 32, "DMA32", 5), free(4288, 64, "DMA32", 6), free(4352, 256, "DMA32", 8),
		free(4608, 512, "DMA32", 9), free(5120, 1024, "DMA32", 10), free(6144, 1024, "DMA32", 10), free(7168, 1024, "DMA32", 10),
	}
	lists := func(m map[int][]uint64) [][]uint64 {
		out := make([][]uint64, 11)
		for o, l := range m {
			out[o] = l
		}
		return out
	}
	zones := []buddy.ZoneSnapshot{
		{Name: "DMA", StartPFN: 0, EndPFN: 4096, Managed: 3584, FreePages: 3584, Min: 84, Low: 105, High: 126,
			FreeLists: lists(map[int][]uint64{9: {512}, 10: {1024, 2048, 3072}})},
		{Name: "DMA32", StartPFN: 4096, EndPFN: 8192, Managed: 4032, FreePages: 3944, Min: 94, Low: 117, High: 141,
			FreeLists: lists(map[int][]uint64{3: {4248}, 5: {4256}, 6: {4288}, 8: {4352}, 9: {4608}, 10: {5120, 6144, 7168}})},
	}
	const heap = 0x555555559000
	process := mm.Snapshot{VMAs: []mm.VMASnapshot{
		{Start: 0x555555554000, End: 0x555555555000, Perms: "r--p", Name: "/tmp/snippet",
			Pages: []mm.PageRun{{Start: 0x555555554000, Count: 1, State: "present", PFN: 4232}}},
		{Start: heap, End: heap + 0x21000, Perms: "rw-p", Name: "[heap]", Pages: []mm.PageRun{
			{Start: heap, Count: 2, State: "present", PFN: 4200}, {Start: heap + 0x2000, Count: 3, State: "zero"},
			{Start: heap + 0x5000, Count: 28, State: "none"}}},
		{Start: 0x7ffff7fb0000, End: 0x7ffff7fb4000, Perms: "rw-p", Name: "", Pages: []mm.PageRun{
			{Start: 0x7ffff7fb0000, Count: 1, State: "present", PFN: 4203}, {Start: 0x7ffff7fb1000, Count: 1, State: "none"},
			{Start: 0x7ffff7fb2000, Count: 1, State: "present", PFN: 4210}, {Start: 0x7ffff7fb3000, Count: 1, State: "zero"}}},
		{Start: 0x7ffffffde000, End: 0x7ffffffff000, Perms: "rw-p", Name: "[stack]", Pages: []mm.PageRun{
			{Start: 0x7ffffffde000, Count: 32, State: "none"}, {Start: 0x7fffffffe000, Count: 1, State: "present", PFN: 4220}}},
	}}
	objs := func(base uint64, n, size, used int) []slab.ObjectSnapshot {
		out := make([]slab.ObjectSnapshot, n)
		for i := range out {
			out[i] = slab.ObjectSnapshot{Addr: base + uint64(i*size)}
			if i < used {
				out[i].State, out[i].Req = slab.ObjAllocated, uint64(size-8)
			}
		}
		return out
	}
	const dm = 0xffff888000000000
	slabs := slab.Snapshot{
		Caches: []slab.CacheSnapshot{
			{Name: "kmalloc-64", ObjectSize: 64, Size: 64, Align: 8, ObjPerSlab: 64, ActiveObjs: 128, InUse: 74, Slabs: []slab.SlabSnapshot{
				{PFN: 4176, Addr: dm + 4176<<12, Role: "full", InUse: 64, Objects: objs(dm+4176<<12, 64, 64, 64)},
				{PFN: 4177, Addr: dm + 4177<<12, Role: "cpu", InUse: 10, Objects: objs(dm+4177<<12, 64, 64, 10), FreeList: []uint64{dm + 4177<<12 + 640}}}},
			{Name: "kmalloc-4k", ObjectSize: 4096, Size: 4096, Align: 8, ObjPerSlab: 8, Order: 3, ActiveObjs: 8, InUse: 3, Slabs: []slab.SlabSnapshot{
				{PFN: 4184, Addr: dm + 4184<<12, Order: 3, Role: "cpu", InUse: 3, Objects: objs(dm+4184<<12, 8, 4096, 3), FreeList: []uint64{dm + 4184<<12 + 3*4096}}}},
			{Name: "kmalloc-8k", ObjectSize: 8192, Size: 8192, ObjPerSlab: 4, Order: 3},
		},
		Large: []slab.LargeSnapshot{{Addr: dm + 4240<<12, PFN: 4240, Order: 3, Req: 20000}},
	}
	const vm = 0xffffc90000000000
	vmallocs := []vmalloc.AreaSnapshot{
		{Addr: vm, End: vm + 0x9000, Size: 0x9000, Req: 0x8000, Kind: "vmalloc", Caller: "snippet_init+0x1c/0x60 [snippet]", Pages: []uint64{4192, 4193, 4194, 4195, 4196, 4197, 4198, 4199}},
		{Addr: vm + 0x9000, End: vm + 0xb000, Size: 0x2000, Req: 0x1000, Kind: "ioremap", Caller: "snippet_init+0x40/0x60 [snippet]", Phys: 0xfebd0000},
	}
	h := &glibc.Snapshot{Initialized: true, Top: heap + 0x16e0, TopSize: 0x1f920,
		Chunks: []glibc.Chunk{
			{Addr: heap, Size: 0x290, Flags: 1, State: glibc.InUse},
			{Addr: heap + 0x290, Size: 0x30, Flags: 1, State: glibc.InTcache, Bin: 1},
			{Addr: heap + 0x2c0, Size: 0x410, Flags: 1, State: glibc.InUse},
			{Addr: heap + 0x6d0, Size: 0x1010, Flags: 1, State: glibc.InUnsorted, Bin: 1},
			{Addr: heap + 0x16e0, Size: 0x1f920, Flags: 0, State: glibc.Top},
		},
		Tcache: []glibc.List{{Index: 1, ChunkSize: 0x30, Count: 1, Chunks: []uint64{heap + 0x290}}},
		Bins:   []glibc.List{{Index: 1, Count: 1, Chunks: []uint64{heap + 0x6d0}}},
		Params: glibc.Params{TrimThreshold: 128 << 10, TopPad: 128 << 10, MmapThreshold: 128 << 10, NMmapsMax: 65536, SystemMem: 0x21000},
	}
	ev := func(step uint64, line int, e arch.Event) engine.Event {
		e.Line = line
		return engine.Event{Event: e, Step: step}
	}
	events := []engine.Event{
		ev(0, 0, arch.Event{Kind: arch.EvAlloc, Source: "slab", Addr: dm + 4176<<12, Size: 64, PFN: 4176, Order: -1, Detail: "kmalloc-64"}),
		ev(0, 0, arch.Event{Kind: arch.EvAlloc, Source: "slab", Addr: dm + 4176<<12 + 64, Size: 64, PFN: 4176, Order: -1, Detail: "kmalloc-64"}),
		ev(1, 9, arch.Event{Kind: arch.EvAlloc, Source: "malloc", Addr: heap + 0x2d0, Size: 0x410, Detail: "malloc(1000): from top"}),
		ev(2, 10, arch.Event{Kind: arch.EvFault, Source: "mm", Addr: heap + 0x1000, Detail: "new frame"}),
		ev(3, 12, arch.Event{Kind: arch.EvSplit, Source: "buddy", PFN: 4252, Order: 2}),
		ev(3, 12, arch.Event{Kind: arch.EvSplit, Source: "buddy", PFN: 4250, Order: 1}),
		ev(3, 12, arch.Event{Kind: arch.EvAlloc, Source: "buddy", PFN: 4248, Order: 1, Size: 8192}),
		ev(3, 12, arch.Event{Kind: arch.EvPrintk, Source: "kernel", Detail: "snippet: loaded <ok> & ready"}),
		ev(3, 12, arch.Event{Kind: arch.EvWarning, Source: "kernel", Detail: "WARNING: CPU: 0 PID: 4242 at mm/page_alloc.c:5527"}),
	}
	snap := &engine.Snapshot{Step: 3, Line: 12, Config: "arch=x86_64 aslr=off debug=on kernel=6.1 max-steps=5000000 overcommit=0 ram=32M sanitize=report stdout=tty",
		Frames: frames, Zones: zones, Process: process, Slab: slabs, Vmalloc: vmallocs, Heap: h,
		Stdout:    "start\nmalloc(1000) = 0x5555555592d0\n\ttabbed <b>bold?</b> & done\n" + strings.Repeat("a long line ", 12) + "\n",
		Stderr:    "warning: something\n",
		KernelLog: []string{"snippet: loaded <ok> & ready", "WARNING: CPU: 0 PID: 4242 at mm/page_alloc.c:5527"},
		Reports:   []string{"mmplay: the program leaked 1000 bytes in 1 allocation\n    malloc(1000) at line 9"}}
	return Picture{Snap: snap, Events: events, Step: 3}
}

func TestSVGGolden(t *testing.T) {
	for _, v := range SVGViews {
		t.Run(v, func(t *testing.T) {
			p := fixture()
			p.View = v
			got, err := SVG(p)
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, got)
			again, _ := SVG(p)
			if !bytes.Equal(got, again) {
				t.Fatal("two renders of one snapshot differ")
			}
			file := filepath.Join("testdata", "svg", v+".svg")
			if *updateSVG {
				os.MkdirAll(filepath.Dir(file), 0o755)
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (go test ./ui/view -run SVGGolden -update-svg writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the renderer's output (%d vs %d bytes); if the change is intended, rerun with -update-svg and look at the pictures", file, len(want), len(got))
			}
		})
	}
}

// picture runs a gallery example the way the worker's render does: step
// 0 runs to the end by stepping (so events carry their steps, as in the
// playground).
func picture(t *testing.T, example, settings string, step uint64, viewName string) Picture {
	t.Helper()
	s := session(t, example, galleryExample(t, example), settings)
	target := step
	if target == 0 {
		target = s.Program().Config.MaxSteps
	}
	s.StepTo(target)
	return Picture{View: viewName, Snap: s.Snapshot(), Events: s.Events(), Step: s.Steps()}
}

// TestSVGLive draws every view of gallery examples, run and stepped.
func TestSVGLive(t *testing.T) {
	for _, c := range []struct {
		example, settings string
		step              uint64
	}{
		{"02-demand-paging.c", "stdout=tty", 0},
		{"07b-scullp.c", "ram=64M,stdout=tty", 20000},
		{"06-vmalloc.c", "ram=4G,stdout=tty", 0},
		{"11-oom.c", "stdout=tty", 0},
	} {
		for _, v := range SVGViews {
			doc, err := SVG(picture(t, c.example, c.settings, c.step, v))
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, doc)
		}
	}
}

// checkSVG parses a picture as XML and checks its accessible name and
// description, and that it holds nothing active.
func checkSVG(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var first *xml.StartElement
	var title, desc string
	var stack []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if first == nil {
				e := e.Copy()
				first = &e
			}
			switch e.Name.Local {
			case "script", "foreignObject", "image", "a", "use":
				t.Errorf("the picture holds a <%s>", e.Name.Local)
			}
			for _, a := range e.Attr {
				if strings.HasPrefix(a.Name.Local, "on") || a.Name.Local == "href" {
					t.Errorf("<%s> has the attribute %s", e.Name.Local, a.Name.Local)
				}
			}
			stack = append(stack, e.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 2 && stack[1] == "title" && title == "" {
				title = string(e)
			}
			if len(stack) == 2 && stack[1] == "desc" {
				desc = string(e)
			}
		}
	}
	if first == nil || first.Name.Local != "svg" || first.Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("the root is not an SVG element: %v", first)
	}
	attrs := map[string]string{}
	for _, a := range first.Attr {
		attrs[a.Name.Local] = a.Value
	}
	if attrs["role"] != "img" || attrs["aria-labelledby"] != "mmplay-title" || attrs["aria-describedby"] != "mmplay-desc" {
		t.Errorf("the root's accessibility attributes: %v", attrs)
	}
	if !strings.HasPrefix(title, "mmplay — ") {
		t.Errorf("title %q", title)
	}
	if len(desc) < 20 {
		t.Errorf("desc %q says too little", desc)
	}
}

// TestSVGShowsTheSnapshot checks, in the parsed pictures, numbers that the
// snapshot holds.
func TestSVGShowsTheSnapshot(t *testing.T) {
	p := picture(t, "02-demand-paging.c", "ram=32M,stdout=tty", 0, "physical")
	doc, _ := SVG(p)
	text := svgText(t, doc)
	frames := FramesOf(p.Snap.Frames)
	if !strings.Contains(text, fmtUint(frames)+" page frames of 4 KiB") {
		t.Errorf("the Physical picture does not count the %d frames", frames)
	}
	var anon uint64
	for _, r := range p.Snap.Frames {
		if r.Owner == phys.OwnerUserAnon.String() {
			anon += r.Count
		}
	}
	if anon == 0 || !strings.Contains(text, "user anon "+fmtUint(anon)) {
		t.Errorf("the legend does not count the %d user anon frames", anon)
	}

	p.View = "console"
	doc, _ = SVG(p)
	text = svgText(t, doc)
	for _, l := range strings.Split(strings.TrimSpace(p.Snap.Stdout), "\n") {
		if !strings.Contains(text, cut(strings.ReplaceAll(l, "\t", "        "), svgMaxChars)) {
			t.Errorf("the Console picture lacks the output line %q", l)
		}
	}

	p.View = "buddy"
	doc, _ = SVG(p)
	text = svgText(t, doc)
	for _, z := range p.Snap.Zones {
		if !strings.Contains(text, "Zone "+z.Name) || !strings.Contains(text, "free "+Pages(z.FreePages)) {
			t.Errorf("the Buddy picture lacks zone %s with %d free pages", z.Name, z.FreePages)
		}
	}
}

// svgText is the character data of a picture, element by element.
func svgText(t *testing.T, doc []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if c, ok := tok.(xml.CharData); ok {
			b.Write(c)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func TestSVGEdgeCases(t *testing.T) {
	if _, err := SVG(Picture{View: "proc"}); !errors.Is(err, ErrNoSuchView) {
		t.Errorf("view proc: %v, want ErrNoSuchView", err)
	}
	for _, v := range SVGViews {
		doc, err := SVG(Picture{View: v})
		if err != nil {
			t.Fatal(err)
		}
		checkSVG(t, doc)
	}
	// Hostile program output: markup, NUL and invalid UTF-8 stay text.
	snap := &engine.Snapshot{Stdout: "<script>alert(1)</script>\x00\xff & \"q\"\n", Config: "a=<b>"}
	doc, err := SVG(Picture{View: "console", Snap: snap})
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, doc)
	if !strings.Contains(svgText(t, doc), "<script>alert(1)</script>\uFFFD\uFFFD & \"q\"") {
		t.Errorf("the output is not shown as text:\n%s", doc)
	}
}

// TestSVGPhysicalBounded: a machine whose frames alternate owners one by
// one is drawn in squares of several frames, under the rectangle bound.
func TestSVGPhysicalBounded(t *testing.T) {
	var runs []phys.FrameRun
	owners := []string{"slab", "user anon"}
	for pfn := uint64(0); pfn < 1<<18; pfn++ {
		runs = append(runs, phys.FrameRun{PFN: pfn, Count: 1, Owner: owners[pfn%2], Zone: "DMA32", Order: 0})
	}
	doc, err := SVG(Picture{View: "physical", Snap: &engine.Snapshot{Frames: runs}})
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, doc)
	if n := bytes.Count(doc, []byte("<rect")); n > svgMaxRects+40 {
		t.Errorf("%d rectangles", n)
	}
	if !regexp.MustCompile(`one square per \d+ frames`).Match(doc) {
		t.Error("the picture does not say that a square stands for several frames")
	}
}

// TestSVGPaletteMatchesCSS: the colours the pictures repeat from
// public/app.css are still the stylesheet's.
func TestSVGPaletteMatchesCSS(t *testing.T) {
	css, err := os.ReadFile("../../public/app.css")
	if err != nil {
		t.Skip("public/app.css not found:", err)
	}
	for k, v := range svgPalette {
		var re *regexp.Regexp
		if strings.HasPrefix(k, "--") {
			re = regexp.MustCompile(regexp.QuoteMeta(k) + `:\s*` + regexp.QuoteMeta(v) + `\b`)
		} else if k == "obj" {
			re = regexp.MustCompile(`\.obj\.allocated\s*\{[^}]*background:\s*` + regexp.QuoteMeta(v))
		} else {
			kind, class, _ := strings.Cut(k, ".")
			re = regexp.MustCompile(`\.` + regexp.QuoteMeta(kind) + `\.` + regexp.QuoteMeta(class) + `\b[^{]*\{[^}]*(background|border-left-color|border-color):\s*` + regexp.QuoteMeta(v))
		}
		if !re.Match(css) {
			t.Errorf("public/app.css no longer gives %s the colour %s", k, v)
		}
	}
}
