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
	"mmplay/engine/phys"
)

var updateSVG = flag.Bool("update-svg", false, "rewrite testdata/svg/*.svg from the current renderer")

// svgCases are the golden pictures: gallery examples at their end, or
// stopped at a step, on a small machine so the files stay readable.
var svgCases = []struct {
	name, example, settings string
	step                    uint64 // 0: run to the end, as a link with step 0 opens
	views                   []string
}{
	{"demand-paging", "02-demand-paging.c", "ram=32M,stdout=tty", 0, SVGViews},
	{"scullp", "07b-scullp.c", "ram=32M,stdout=tty", 20000, []string{"physical", "buddy", "slab", "virtual"}},
	{"malloc-step", "01-malloc-free-trim.c", "ram=16M,stdout=tty", 12, []string{"heap", "buddy", "timeline"}},
	{"vmalloc", "06-vmalloc.c", "ram=16M,stdout=tty", 0, []string{"virtual", "console"}},
}

// picture runs a case the way the worker's render does: step 0 runs to the
// end by stepping (so events carry their steps, as in the playground).
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

func TestSVGGolden(t *testing.T) {
	for _, c := range svgCases {
		for _, v := range c.views {
			t.Run(c.name+"/"+v, func(t *testing.T) {
				p := picture(t, c.example, c.settings, c.step, v)
				got, err := SVG(p)
				if err != nil {
					t.Fatal(err)
				}
				checkSVG(t, got)
				again, _ := SVG(p)
				if !bytes.Equal(got, again) {
					t.Fatal("two renders of one snapshot differ")
				}
				file := filepath.Join("testdata", "svg", c.name+"-"+v+".svg")
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
