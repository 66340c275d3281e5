package ui

import (
	"testing"

	"mmplay/engine"
	"mmplay/ui/view"
)

func TestFocusData(t *testing.T) {
	for _, c := range []struct {
		f    Focus
		data string
	}{
		{Focus{PFN: 0x7f3e, Pages: 2}, "p 32574 2"},
		{Focus{Addr: 0x555555559010, Size: 32}, "a 93824992251920 32"},
		{Focus{PFN: 26, Pages: 1, Addr: 4096, Size: 4096}, "p 26 1 a 4096 4096"},
	} {
		if got := c.f.Data(); got != c.data {
			t.Errorf("%+v.Data() = %q, want %q", c.f, got, c.data)
		}
		back, ok := parseFocus(c.data, "label")
		c.f.Label = "label"
		if !ok || back != c.f {
			t.Errorf("parseFocus(%q) = %+v, %v", c.data, back, ok)
		}
	}
	for _, bad := range []string{"", "p 1", "p x 2", "q 1 2", "p 1 2 a", "p 1 0"} {
		if f, ok := parseFocus(bad, ""); ok {
			t.Errorf("parseFocus(%q) = %+v, want nothing", bad, f)
		}
	}
}

// TestFocusAcrossViews: a heap chunk under the pointer is found in the
// frames (the Physical and Buddy views) and in the addresses (the Heap and
// Virtual views); pinned, it stays when the pointer leaves.
func TestFocusAcrossViews(t *testing.T) {
	a := &App{P: &Playground{}, H: &memHost{}}
	a.Start()
	hv := view.HeapRows(a.P.SnapOf(engine.PartHeap))
	if len(hv.Chunks) == 0 {
		t.Fatal("the first example has no heap chunks")
	}
	ch := hv.Chunks[0]
	a.Focus = Focus{Addr: ch.AddrNum, Size: ch.SizeNum, Label: ch.Title}
	h := a.Highlight()
	pfn, state, ok := view.PageFrame(a.P.SnapOf(engine.PartProcess).Process, ch.AddrNum)
	if !ok || state != "present" {
		t.Fatalf("the chunk's page: %v %q", ok, state)
	}
	if !h.HasFrames(pfn, 1) || !h.HasAddrs(ch.AddrNum, 1) {
		t.Errorf("the chunk's focus %+v lacks its frame %#x or its address", h, pfn)
	}
	a.Pin(a.Focus)
	a.Focus = Focus{}
	if !a.Highlight().HasFrames(pfn, 1) {
		t.Error("the pinned chunk is not highlighted once the pointer left")
	}
	other := a.Pinned
	other.Label = "another frame of the same block" // as the Physical view labels it
	// the same object again: unpinned
	a.Pin(other)
	if a.Pinned.Set() || !a.Highlight().Empty() {
		t.Errorf("pinning the pinned object again did not unpin it: %+v", a.Pinned)
	}
}
