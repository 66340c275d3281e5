package pgtable

import (
	"testing"

	"mmplay/engine/buddy"
	"mmplay/engine/phys"
)

func boot(t *testing.T) (*buddy.Machine, *Tables) {
	t.Helper()
	m, err := buddy.Boot(buddy.MachineConfig{RAM: 64 << 20, Kernel: "6.1"})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := New(m.Pages, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, tb
}

func check(t *testing.T, m *buddy.Machine, tb *Tables) {
	t.Helper()
	if err := tb.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if err := m.Pages.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

func TestMapWalkUnmapFree(t *testing.T) {
	m, tb := boot(t)
	free0 := m.Pages.FreePagesTotal()
	const a = 0x7ffff7ff0000 // near mmap_base
	const b = a + 0x1000     // same PTE table
	const c = 0x555555554000 // another PGD entry
	steps := []struct {
		name   string
		do     func()
		tables uint64
	}{
		{"a fresh mm has only its PGD", func() {}, 1},
		{"the first map allocates PUD, PMD and PTE tables", func() { tb.Set(a, Make(0x1234, Present|RW|User)) }, 4},
		{"a neighbour in the same 2 MiB needs no table", func() { tb.Set(b, Make(0x1235, Present|User)) }, 4},
		{"another PGD slot needs three more", func() { tb.Set(c, Make(0x1236, Present|User|NX)) }, 7},
		{"clearing keeps the tables", func() { tb.Clear(a); tb.Clear(b) }, 7},
		{"free_pgtables bounded by a neighbour VMA frees nothing there", func() { tb.FreeRange(a, b+0x1000, a, b) }, 7},
		{"free_pgtables between the neighbours frees the three empty tables", func() { tb.FreeRange(a, b+0x1000, c+0x1000, 0) }, 4},
	}
	for _, s := range steps {
		s.do()
		if tb.NrTables() != s.tables {
			t.Fatalf("%s: %d tables, want %d", s.name, tb.NrTables(), s.tables)
		}
		check(t, m, tb)
	}
	if e := tb.Lookup(c); e.PFN() != 0x1236 || e.Flags() != Present|User|NX {
		t.Fatalf("lookup %v", e)
	}
	if e := tb.Lookup(a); e != 0 {
		t.Fatalf("cleared entry %v", e)
	}
	var seen []uint64
	tb.Range(0, 1<<47, func(va uint64, e PTE) bool { seen = append(seen, va); return true })
	if len(seen) != 1 || seen[0] != c {
		t.Fatalf("range %x", seen)
	}
	if m.Mem.Frame(tb.Root()).Owner != phys.OwnerPageTable {
		t.Fatal("PGD owner")
	}
	tb.Clear(c)
	tb.Destroy()
	if got := m.Pages.FreePagesTotal(); got != free0+1 {
		t.Fatalf("after destroy free pages %d, want %d", got, free0+1)
	}
	if err := m.Pages.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}
