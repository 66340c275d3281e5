package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mmplay/engine/phys"
)

// compileExample compiles a gallery example as the playground does (its
// first-line settings applied, stdout a terminal).
func compileExample(t testing.TB, file string) *Program {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Stdout = "tty"
	if s := SnippetSettings(src); s != "" {
		if err := cfg.Apply(s); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	p, diags := Compile(filepath.Base(file), src, cfg)
	if p == nil {
		t.Fatalf("%s: %v", file, diags)
	}
	return p
}

// checkFrameMap compares the session's map with one read afresh from
// every frame.
func checkFrameMap(t *testing.T, name string, s *Session) bool {
	t.Helper()
	fm := s.FrameMap()
	frames := s.m.hw.Mem.Frames
	if fm.Len() != uint64(len(frames)) {
		t.Errorf("%s at step %d: the map has %d frames, the machine %d", name, s.Steps(), fm.Len(), len(frames))
		return false
	}
	for pfn := range frames {
		st, order := frameState(&frames[pfn])
		if fm.State[pfn] != st || st.Head() && fm.Order[pfn] != order {
			t.Errorf("%s at step %d: pfn %#x is %#x order %d in the map, %#x order %d in the machine (a frame changed without a buddy event?)",
				name, s.Steps(), pfn, fm.State[pfn], fm.Order[pfn], st, order)
			return false
		}
	}
	return true
}

// TestFrameMapFollowsTheMachine: the incrementally kept map equals a
// fresh read of every frame after every one of the first 300 steps of
// every gallery example, then every 997 steps to the end, and after step
// backs (another machine).
func TestFrameMapFollowsTheMachine(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "ui", "examples", "*.c"))
	if len(files) == 0 {
		t.Fatal("no gallery examples")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".c")
		s := NewSession(compileExample(t, f))
		for n := uint64(1); ; n++ {
			if n > 300 {
				n += 996
			}
			done := s.StepTo(n)
			if !checkFrameMap(t, name, s) || done {
				break
			}
		}
		if end := s.Steps(); end > 2 {
			s.StepTo(end / 2)
			checkFrameMap(t, name+" (stepped back)", s)
		}
		s.Close()
	}
}

func TestFrameMapBlock(t *testing.T) {
	st := func(o phys.Owner, head bool) FrameState { return MakeFrameState(o, phys.ZoneDMA32, head) }
	fm := &FrameMap{
		// pfn 0: reserved; 1–3: nothing (a hole); 4–7: an order-2 free
		// block; 8: an order-0 slab page; 9–15: a free order-3 block's
		// tail whose head (pfn 8) is... not a block: 9 is orphaned.
		State: []FrameState{st(phys.OwnerReserved, false), st(phys.OwnerHole, false), st(phys.OwnerHole, false), st(phys.OwnerHole, false),
			st(phys.OwnerFree, true), st(phys.OwnerFree, false), st(phys.OwnerFree, false), st(phys.OwnerFree, false),
			st(phys.OwnerSlab, true), st(phys.OwnerFree, false)},
		Order: []uint8{0, 0, 0, 0, 2, 0, 0, 0, 0, 0},
	}
	for _, tc := range []struct {
		pfn   uint64
		head  uint64
		order int
		ok    bool
	}{
		{0, 0, 0, false},  // reserved: no block
		{4, 4, 2, true},   // a head
		{7, 4, 2, true},   // the last frame of its block
		{8, 8, 0, true},   // an order-0 head
		{9, 0, 0, false},  // past the order-0 block before it
		{10, 0, 0, false}, // beyond the map
	} {
		h, o, ok := fm.Block(tc.pfn)
		if h != tc.head || o != tc.order || ok != tc.ok {
			t.Errorf("Block(%d) = %d, %d, %v; want %d, %d, %v", tc.pfn, h, o, ok, tc.head, tc.order, tc.ok)
		}
	}
	if s := MakeFrameState(phys.OwnerVmalloc, phys.ZoneNormal, true); s.Owner() != phys.OwnerVmalloc || s.Zone() != phys.ZoneNormal || !s.Head() {
		t.Errorf("MakeFrameState round trip: %v %v %v", s.Owner(), s.Zone(), s.Head())
	}
}
