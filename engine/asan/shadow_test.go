package asan

import (
	"strings"
	"testing"
)

// A 100-byte malloc in a 0x70 chunk at 0x1000: header [0x1000,0x1010),
// object [0x1010,0x1074), slack [0x1074,0x1070+8).
func setup() *Shadow {
	s := New("heap")
	s.Alloc(0x1000, 0x1078, Object{Addr: 0x1010, Size: 100, Allocator: "malloc(100)", AllocLine: 3})
	return s
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		addr  uint64
		size  int
		write bool
		free  bool
		kind  string // "" = clean
		where string
	}{
		{"first byte is fine", 0x1010, 1, true, false, "", ""},
		{"last byte is fine", 0x1073, 1, false, false, "", ""},
		{"one past the end overflows", 0x1074, 1, true, false, "heap-buffer-overflow", "0 bytes after the 100-byte region"},
		{"8-byte load straddling the end overflows", 0x1070, 8, false, false, "heap-buffer-overflow", "after"},
		{"header read underflows", 0x1008, 8, false, false, "heap-buffer-overflow", "8 bytes before"},
		{"far away is not tracked", 0x9000, 8, true, false, "", ""},
		{"below everything is not tracked", 0x10, 1, true, false, "", ""},
		{"use after free", 0x1020, 4, false, true, "heap-use-after-free", "16 bytes inside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := setup()
			if tc.free {
				if _, ok := s.Free(0x1010, "free", 5); !ok {
					t.Fatal("Free failed")
				}
			}
			if err := s.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			clean := s.Check(tc.addr, tc.size, tc.write, 7)
			if tc.kind == "" {
				if !clean || len(s.Reports) != 0 {
					t.Fatalf("want clean, got %v", s.Reports)
				}
				return
			}
			if clean || len(s.Reports) != 1 {
				t.Fatalf("want one %s report, got %d", tc.kind, len(s.Reports))
			}
			r := s.Reports[0]
			if r.Kind != tc.kind || !strings.Contains(r.Text, tc.where) || r.Line != 7 {
				t.Errorf("report %q kind %s line %d; want kind %s mentioning %q on line 7", r.Text, r.Kind, r.Line, tc.kind, tc.where)
			}
		})
	}
}

func TestReuseReplacesFreed(t *testing.T) {
	s := setup()
	s.Free(0x1010, "free", 5)
	// the same chunk handed out again for a 24-byte request
	s.Alloc(0x1000, 0x1020, Object{Addr: 0x1010, Size: 24, Allocator: "malloc(24)", AllocLine: 6})
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if !s.Check(0x1010, 8, true, 8) {
		t.Fatalf("access to the new object reported: %v", s.Reports)
	}
	// the tail of the old freed object beyond the new chunk is still freed
	if s.Check(0x1040, 1, false, 9) {
		t.Fatal("tail of the old freed object not reported")
	}
	if got := len(s.Live()); got != 1 {
		t.Fatalf("Live() = %d objects, want 1", got)
	}
}

func TestReportsOncePerLineAndCapped(t *testing.T) {
	s := setup()
	for i := 0; i < 1000; i++ {
		s.Check(0x1074, 1, true, 10)
	}
	if len(s.Reports) != 1 {
		t.Fatalf("%d reports for one line, want 1", len(s.Reports))
	}
	for line := 0; line < 2*MaxReports; line++ {
		s.Check(0x1074, 1, true, 100+line)
	}
	if len(s.Reports) != MaxReports {
		t.Fatalf("%d reports, want the cap %d", len(s.Reports), MaxReports)
	}
}

func TestFreeOfUntracked(t *testing.T) {
	s := setup()
	if _, ok := s.Free(0x1018, "free", 4); ok {
		t.Fatal("Free of an interior pointer succeeded")
	}
	if _, ok := s.Free(0x5000, "free", 4); ok {
		t.Fatal("Free of an unknown pointer succeeded")
	}
}

func TestForget(t *testing.T) {
	s := setup()
	s.Forget(0x1000, 0x1040)
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if !s.Check(0x1008, 8, false, 1) {
		t.Fatal("forgotten header still reported")
	}
	if s.Check(0x1074, 1, false, 2) {
		t.Fatal("remaining redzone not reported")
	}
}

func BenchmarkCheckOutside(b *testing.B) {
	s := setup()
	for i := 0; i < b.N; i++ {
		s.Check(0x7fff0000, 8, true, 1)
	}
}

func BenchmarkCheckInside(b *testing.B) {
	s := setup()
	for i := 0; i < 200; i++ {
		base := uint64(0x2000 + i*0x40)
		s.Alloc(base, base+0x40, Object{Addr: base + 16, Size: 40, Allocator: "malloc(40)"})
	}
	for i := 0; i < b.N; i++ {
		s.Check(0x2000+uint64(i%200)*0x40+16, 8, true, 1)
	}
}

func TestViaNamesTheCall(t *testing.T) {
	for _, tc := range []struct {
		v    Via
		want string
	}{
		{Via{Fn: "malloc", Args: [2]uint64{100}, N: 1}, "malloc(100)"},
		{Via{Fn: "calloc", Args: [2]uint64{5, 16}, N: 2}, "calloc(5, 16)"},
		{Via{Fn: "realloc", Args: [2]uint64{0, 7}, N: 2, Ptr: true}, "realloc(NULL, 7)"},
		{Via{Fn: "realloc", Args: [2]uint64{0x5555555592a0, 64}, N: 2, Ptr: true}, "realloc(0x5555555592a0, 64)"},
	} {
		if got := tc.v.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.v, got, tc.want)
		}
		o := Object{Via: tc.v}
		if got := o.AllocatedBy(); got != tc.want {
			t.Errorf("AllocatedBy %q, want %q", got, tc.want)
		}
	}
	if o := (Object{Allocator: "strdup", Via: Via{Fn: "x"}}); o.AllocatedBy() != "strdup" {
		t.Error("Allocator does not win over Via")
	}
}

// TestFreeAndReuseInPlace: freeing an object and allocating its chunk
// again costs the same whatever lies after it in the shadow: the regions
// change in place (the one allocation is the new Object).
func TestFreeAndReuseInPlace(t *testing.T) {
	s := New("heap")
	for i := uint64(0); i < 1000; i++ {
		base := 0x1000 + 0x40*i
		s.Alloc(base, base+0x40, Object{Addr: base + 0x10, Size: 0x20})
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := s.Free(0x1010, "free", 1); !ok {
			t.Fatal("the first object is not live")
		}
		s.Alloc(0x1000, 0x1040, Object{Addr: 0x1010, Size: 0x20})
	})
	if allocs > 1 {
		t.Errorf("a free and reuse with 999 objects after it: %.0f allocations, want at most 1", allocs)
	}
	if n := len(s.Live()); n != 1000 {
		t.Errorf("%d live objects, want 1000", n)
	}
}
