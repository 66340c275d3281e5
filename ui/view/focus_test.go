package view

import (
	"fmt"
	"testing"
)

func TestRelated(t *testing.T) {
	snap := handSnapshot()
	const dm = 0xffff888000000000 // PAGE_OFFSET
	for _, c := range []struct {
		name   string
		frames []PFNRange
		addrs  []AddrRange
		want   string
	}{
		{"a heap chunk: the frame of its page", nil, []AddrRange{{0x555555559010, 32}},
			fmt.Sprintf("frames [{26 1}] addrs [{%d 32}]", uint64(0x555555559010))},
		{"a present page and a zero page: their frame and the zero page", nil, []AddrRange{{0x555555559000, 0x3000}},
			fmt.Sprintf("frames [{25 2}] addrs [{%d 12288}]", uint64(0x555555559000))},
		{"a user frame: the page mapping it and its direct-map address", []PFNRange{{26, 1}}, nil,
			fmt.Sprintf("frames [{26 1}] addrs [{%d 4096} {%d 4096}]", uint64(0x555555559000), uint64(dm+26<<12))},
		{"a vmalloc page: its direct-map and vmalloc addresses", []PFNRange{{27, 1}}, nil,
			fmt.Sprintf("frames [{27 1}] addrs [{%d 4096} {%d 4096}]", uint64(dm+27<<12), uint64(0xffffc90000000000))},
		{"a slab object in the direct map: its slab's frame", nil, []AddrRange{{0xffff888000018040, 64}},
			fmt.Sprintf("frames [{24 1}] addrs [{%d 64}]", uint64(0xffff888000018040))},
		{"a byte of a vmalloc area: the area's page", nil, []AddrRange{{0xffffc90000000100, 1}},
			fmt.Sprintf("frames [{27 1}] addrs [{%d 1}]", uint64(0xffffc90000000100))},
		{"overlapping and touching ranges merge", []PFNRange{{4, 4}, {8, 2}, {6, 1}}, nil, ""},
		{"nothing", nil, nil, "frames [] addrs []"},
	} {
		f := Related(snap, c.frames, c.addrs)
		got := fmt.Sprintf("frames %v addrs %v", f.Frames, f.Addrs)
		if c.want == "" { // the merge case: check the frames only
			if fmt.Sprint(f.Frames) != "[{4 6}]" {
				t.Errorf("%s: frames %v, want [{4 6}]", c.name, f.Frames)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	f := Related(nil, []PFNRange{{1, 1}}, nil)
	if !f.HasFrames(0, 2) || f.HasFrames(2, 5) || f.HasAddrs(0, 100) || f.Empty() {
		t.Errorf("a nil snapshot relates nothing but keeps the frames: %+v", f)
	}
	if (AddrRange{10, 5}).Overlaps(15, 1) || !(AddrRange{10, 5}).Overlaps(14, 0) || !(PFNRange{3, 2}).Overlaps(0, 4) {
		t.Error("Overlaps at the edges")
	}
}
