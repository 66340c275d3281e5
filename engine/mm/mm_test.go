package mm

import (
	"errors"
	"strings"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

const (
	textStart = arch.PIEBase
	dataStart = arch.PIEBase + 0x3000
	bssEnd    = arch.PIEBase + 0x5000
)

// newProc boots a machine and lays out a process as the loader will: text
// r-x and data rw- of the program file, an anonymous bss page, the break
// right after it, and a populated 132 KiB stack below STACK_TOP.
func newProc(t testing.TB, ram uint64, overcommit int) (*buddy.Machine, *AddressSpace) {
	t.Helper()
	m, err := buddy.Boot(buddy.MachineConfig{RAM: ram, Kernel: "6.1"})
	if err != nil {
		t.Fatal(err)
	}
	as, err := New(m.Pages, Config{PID: 1000, Comm: "a.out", Commit: NewCommit(m.Pages, overcommit)})
	if err != nil {
		t.Fatal(err)
	}
	maps := []Mapping{
		{Start: textStart, End: textStart + 0x2000, Prot: PROT_READ | PROT_EXEC, Name: "/tmp/a.out", File: true,
			Major: 0xfe, Inode: 1234, Data: []byte("\x7fELF"), Populate: true, Code: true},
		{Start: dataStart, End: dataStart + 0x1000, Prot: PROT_READ | PROT_WRITE, Name: "/tmp/a.out", File: true,
			Offset: 0x2000, Major: 0xfe, Inode: 1234, Data: []byte{1, 2, 3}, Populate: true},
		{Start: dataStart + 0x1000, End: bssEnd, Prot: PROT_READ | PROT_WRITE, BrkAfter: true},
		{Start: arch.StackTop - 0x21000, End: arch.StackTop, Prot: PROT_READ | PROT_WRITE, Stack: true, Populate: true},
	}
	for _, mp := range maps {
		if err := as.MapFixed(mp); err != nil {
			t.Fatal(err)
		}
	}
	check(t, m, as)
	return m, as
}

func check(t testing.TB, m *buddy.Machine, as *AddressSpace) {
	t.Helper()
	if err := as.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if err := m.Pages.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if got, want := as.cfg.Commit.Committed, as.AccountedPages(); got != want {
		t.Fatalf("committed %d pages, accounted VMAs %d", got, want)
	}
}

// signal runs f and returns the *arch.Signal it panics with, or nil.
func signal(f func()) (sig *arch.Signal) {
	defer func() {
		if r := recover(); r != nil {
			sig = r.(*arch.Signal)
		}
	}()
	f()
	return nil
}

func TestLoaderLayout(t *testing.T) {
	_, as := newProc(t, 128<<20, 0)
	want := "" +
		"555555554000-555555556000 r-xp 00000000 fe:00 1234                       /tmp/a.out\n" +
		"555555557000-555555558000 rw-p 00002000 fe:00 1234                       /tmp/a.out\n" +
		"555555558000-555555559000 rw-p 00000000 00:00 0                          [heap]\n" +
		"7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n"
	if got := as.Maps(); got != want {
		t.Fatalf("maps:\n%s\nwant:\n%s", got, want)
	}
	if as.Load(textStart, 4) != 0x464c457f || as.Load(dataStart+2, 1) != 3 {
		t.Fatal("loader data")
	}
	// text 2 file pages; data 1 + stack 33 anonymous pages; the bss page is
	// not populated.
	if as.RSS() != 36 || as.rssFile != 2 || as.MinFlt() != 0 {
		t.Fatalf("rss %d file %d faults %d", as.RSS(), as.rssFile, as.MinFlt())
	}
	if got := as.Statm(); got != "37 36 2 2 0 35 0\n" {
		t.Fatalf("statm %q", got)
	}
}

// The oracle cases replayed on the API: the page touches of the program and
// of glibc's chunk headers, with the numbers of the .out files.

func TestOracle025TrimDisabledMemoryStays(t *testing.T) {
	m, as := newProc(t, 256<<20, 0)
	base := as.Brk(0)
	// free(malloc(16)): sysmalloc's first sbrk(0x21000) (facts §1.9); tcache
	// header, zeroed tcache struct, the 16-byte chunk, the top header.
	as.Brk(base + 0x21000)
	as.Store(base+8, 8, 0x291)
	for a := base + 0x10; a < base+0x290; a += 8 {
		as.Store(a, 8, 0)
	}
	as.Store(base+0x298, 8, 0x21)
	as.Store(base+0x2b8, 8, 0x20d51)
	check(t, m, as)
	brk0, rss0, f0 := as.Brk(0), as.RSS(), as.MinFlt()
	// p = malloc(64 MiB) from brk: sbrk grows by 0x4000000 (nb + top_pad +
	// MINSIZE - old top, page-rounded), headers at p-8 and at the new top.
	n := uint64(64 << 20)
	if got := as.Brk(brk0 + 0x4000000); got != brk0+0x4000000 {
		t.Fatalf("brk %#x", got)
	}
	p := base + 0x2c0
	as.Store(p-8, 8, 0x4000011)
	as.Store(p+0x4000000+8, 8, 0x20d41) // the new top chunk's size field
	brk1, rss1 := as.Brk(0), as.RSS()
	check(t, m, as)
	if brk1-brk0 != 0x4000000 || rss1-rss0 != 1 {
		t.Fatalf("malloc: brk grew by %#x, rss +%d (want 0x4000000, +1)", brk1-brk0, rss1-rss0)
	}
	for i := uint64(0); i < n; i += 4096 {
		as.Store(p+i, 1, 1)
	}
	rss2, f1 := as.RSS(), as.MinFlt()
	if rss2-rss1 != 16383 || f1-f0 != 16384 {
		t.Fatalf("write every page: rss +%d, faults so far %d (want 16383, 16384)", rss2-rss1, f1-f0)
	}
	// free(p) merges into top: only the header on page 0 is written.
	as.Store(base+0x2b8, 8, 0x4020d51)
	if as.Brk(0) != brk1 || as.RSS() != rss2 {
		t.Fatal("free moved brk or rss")
	}
	f2 := as.MinFlt()
	as.Store(p-8, 8, 0x4000011)
	as.Store(p+0x4000000+8, 8, 0x20d41)
	for i := uint64(0); i < n; i += 4096 {
		as.Store(p+i, 1, 2)
	}
	if f3 := as.MinFlt(); f3 != f2 || as.RSS() != rss2 {
		t.Fatalf("write every page of q: faults %d, rss change %d (want 0, 0)", f3-f2, as.RSS()-rss2)
	}
	check(t, m, as)
}

func TestOracle029DemandPagingMmap(t *testing.T) {
	m, as := newProc(t, 256<<20, 0)
	r0, f0 := as.RSS(), as.MinFlt()
	// malloc(64 MiB) → sysmalloc_mmap: ALIGN_UP(nb+8, 4096) = 0x4001000.
	mp, err := as.Mmap(0, 0x4001000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	if err != nil {
		t.Fatal(err)
	}
	as.Store(mp, 8, 0)           // prev_size
	as.Store(mp+8, 8, 0x4001002) // size | IS_MMAPPED
	p := mp + 16
	r1, f1 := as.RSS(), as.MinFlt()
	if r1-r0 != 1 || f1-f0 != 1 {
		t.Fatalf("after malloc: rss %d pages, faults %d (want 1, 1)", r1-r0, f1-f0)
	}
	if as.Load(p-8, 8)&2 == 0 || (as.Load(p-8, 8)&^7)-16 != 67112944 {
		t.Fatal("is_mmapped / usable size")
	}
	n := uint64(64 << 20)
	var sum uint64
	for i := uint64(0); i < n; i += 4096 {
		sum += as.Load(p+i, 1)
	}
	r2, f2 := as.RSS(), as.MinFlt()
	if sum != 0 || r2-r1 != 0 || f2-f1 != 16383 {
		t.Fatalf("read every page (sum %d): rss %d pages, faults %d (want 0, 0, 16383)", sum, r2-r1, f2-f1)
	}
	check(t, m, as)
	for i := uint64(0); i < n; i += 4096 {
		as.Store(p+i, 1, 1)
	}
	r3, f3 := as.RSS(), as.MinFlt()
	if r3-r2 != 16383 || f3-f2 != 16383 {
		t.Fatalf("write every page: rss %d pages, faults %d (want 16383, 16383)", r3-r2, f3-f2)
	}
	check(t, m, as)
	if err := as.Munmap(mp, 0x4001000); err != nil {
		t.Fatal(err)
	}
	if r4, f4 := as.RSS(), as.MinFlt(); int64(r4)-int64(r3) != -16384 || f4 != f3 {
		t.Fatalf("free: rss %d pages, faults %d (want -16384, 0)", int64(r4)-int64(r3), f4-f3)
	}
	check(t, m, as)
}

func TestOracle031MmapDirect(t *testing.T) {
	m, as := newProc(t, 128<<20, 0)
	mm := func(pages uint64) uint64 {
		a, err := as.Mmap(0, pages*4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
		if err != nil {
			t.Fatal(err)
		}
		check(t, m, as)
		return a
	}
	m1 := mm(4)
	m2 := mm(2)
	m3 := mm(8)
	if m1 != arch.MmapBase-4*4096 {
		t.Fatalf("m1 %#x: want the top of the mmap area", m1)
	}
	r0 := as.RSS()
	for i := uint64(0); i < 8*4096; i += 4096 {
		as.Store(m3+i, 1, 1)
	}
	r1 := as.RSS()
	if err := as.Munmap(m2, 2*4096); err != nil {
		t.Fatal(err)
	}
	m4 := mm(1)
	m5 := mm(3)
	if err := as.Munmap(m3, 8*4096); err != nil {
		t.Fatal(err)
	}
	r2 := as.RSS()
	got := []int64{int64(m2 - m1), int64(m3 - m1), int64(r1 - r0), int64(m4 - m1), int64(m5 - m1), int64(r2) - int64(r1)}
	want := []int64{-8192, -40960, 8, -4096, -53248, -8}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("031: got %v, want %v", got, want)
		}
	}
	check(t, m, as)
}

func TestDemandPaging(t *testing.T) {
	cases := []struct {
		name          string
		flags         int
		prot          Prot
		touch         string // r = read, w = write, one per step on the same page
		faults, rss   uint64
		zeroPageState string
	}{
		{"a read maps the zero page: 1 fault, no rss", 0, PROT_READ | PROT_WRITE, "r", 1, 0, "zero"},
		{"a write allocates a frame: 1 fault, rss 1", 0, PROT_READ | PROT_WRITE, "w", 1, 1, "present"},
		{"read then write: 2 faults (copy-on-write from the zero page)", 0, PROT_READ | PROT_WRITE, "rw", 2, 1, "present"},
		{"write then read: 1 fault", 0, PROT_READ | PROT_WRITE, "wr", 1, 1, "present"},
		{"repeated reads fault once", 0, PROT_READ | PROT_WRITE, "rrr", 1, 0, "zero"},
		{"MAP_POPULATE writable: faulted in advance, accesses are free", MAP_POPULATE, PROT_READ | PROT_WRITE, "rw", 4, 4, "present"},
		{"MAP_POPULATE read-only: zero pages in advance", MAP_POPULATE, PROT_READ, "r", 4, 0, "zero"},
		{"MAP_SHARED: a read allocates a shmem frame", MAP_SHARED &^ MAP_PRIVATE, PROT_READ | PROT_WRITE, "r", 1, 1, "present"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, as := newProc(t, 64<<20, 0)
			kind := MAP_PRIVATE
			if c.flags&MAP_SHARED != 0 {
				kind = MAP_SHARED
			}
			f0, r0 := as.MinFlt(), as.RSS()
			a, err := as.Mmap(0, 4*4096, c.prot, kind|MAP_ANONYMOUS|c.flags&^MAP_SHARED, -1, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := uint64(0)
			for _, op := range c.touch {
				if op == 'r' {
					if v := as.Load(a+100, 8); v != want {
						t.Fatalf("read %d, want %d", v, want)
					}
				} else {
					as.Store(a+100, 8, 42)
					want = 42
				}
				check(t, m, as)
			}
			if as.MinFlt()-f0 != c.faults || as.RSS()-r0 != c.rss {
				t.Fatalf("faults %d rss %d, want %d %d", as.MinFlt()-f0, as.RSS()-r0, c.faults, c.rss)
			}
			s := as.Snapshot()
			for _, v := range s.VMAs {
				if v.Start == a && v.Pages[0].State != c.zeroPageState {
					t.Fatalf("page state %q, want %q", v.Pages[0].State, c.zeroPageState)
				}
			}
		})
	}
}

func TestBrk(t *testing.T) {
	m, as := newProc(t, 64<<20, 0)
	start := as.StartBrk()
	steps := []struct {
		name       string
		arg, want  uint64
		heapPages  uint64 // size of the [heap] VMA beyond bss
		freedFrame bool
	}{
		{"brk(0) queries", 0, start, 0, false},
		{"an unaligned brk maps whole pages", start + 100, start + 100, 1, false},
		{"growing within the page maps nothing new", start + 4000, start + 4000, 1, false},
		{"growing across pages", start + 3*4096 + 1, start + 3*4096 + 1, 4, false},
		{"below start_brk is refused: the old break", start - 1, start + 3*4096 + 1, 4, false},
		{"shrinking unmaps whole pages above the new break", start + 4096, start + 4096, 1, true},
		{"a break beyond user space is refused", 1 << 50, start + 4096, 1, false},
	}
	for _, s := range steps {
		// Touch every heap page so that shrinking has frames to free.
		for a := start; a < arch.PageAlignUp(as.CurrentBrk()); a += 4096 {
			as.Store(a, 8, 7)
		}
		free0 := m.Pages.FreePagesTotal()
		if got := as.Brk(s.arg); got != s.want {
			t.Fatalf("%s: brk %#x, want %#x", s.name, got, s.want)
		}
		v := as.vmaAt(start - 1) // bss and heap merge into one anonymous VMA
		if v == nil || (v.End-start)/4096 != s.heapPages {
			t.Fatalf("%s: heap vma %+v, want %d pages above start_brk", s.name, v, s.heapPages)
		}
		if s.freedFrame != (m.Pages.FreePagesTotal() > free0) {
			t.Fatalf("%s: free pages %d → %d", s.name, free0, m.Pages.FreePagesTotal())
		}
		check(t, m, as)
	}
	// A mapping just above the heap: brk must keep one guard page below it.
	top := arch.PageAlignUp(as.CurrentBrk())
	if _, err := as.Mmap(top+2*4096, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0); err != nil {
		t.Fatal(err)
	}
	if got := as.Brk(top + 4096); got != top+4096 {
		t.Fatalf("brk up to the guard page: %#x", got)
	}
	if got := as.Brk(top + 4096 + 1); got != top+4096 {
		t.Fatalf("brk into the guard page: %#x, want the old break", got)
	}
	check(t, m, as)
}

func TestMmapErrors(t *testing.T) {
	_, as := newProc(t, 64<<20, 0)
	anon := MAP_PRIVATE | MAP_ANONYMOUS
	if _, err := as.Mmap(0x700000000000, 4096, PROT_READ, anon|MAP_FIXED, -1, 0); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name         string
		addr, length uint64
		prot         Prot
		flags, fd    int
		off          uint64
		want         error
	}{
		{"length 0", 0, 0, PROT_READ, anon, -1, 0, EINVAL},
		{"neither shared nor private", 0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0, EINVAL},
		{"unaligned offset", 0, 4096, PROT_READ, anon, -1, 100, EINVAL},
		{"a file descriptor without MAP_ANONYMOUS", 0, 4096, PROT_READ, MAP_PRIVATE, 3, 0, EBADF},
		{"MAP_FIXED at an unaligned address", 0x10000001, 4096, PROT_READ, anon | MAP_FIXED, -1, 0, EINVAL},
		{"MAP_FIXED below mmap_min_addr", 0x1000, 4096, PROT_READ, anon | MAP_FIXED, -1, 0, EPERM},
		{"MAP_FIXED beyond user space", arch.TaskSize - 4096, 8192, PROT_READ, anon | MAP_FIXED, -1, 0, ENOMEM},
		{"MAP_FIXED_NOREPLACE over a mapping", 0x700000000000, 4096, PROT_READ, anon | MAP_FIXED_NOREPLACE, -1, 0, EEXIST},
		{"a length that overflows when page-aligned", 0, ^uint64(0) - 10, PROT_READ, anon, -1, 0, ENOMEM},
	}
	for _, c := range cases {
		_, err := as.Mmap(c.addr, c.length, c.prot, c.flags, c.fd, c.off)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if err := as.Munmap(0x10000001, 4096); err != EINVAL {
		t.Errorf("munmap unaligned: %v", err)
	}
	if err := as.Mprotect(0x600000000000, 4096, PROT_READ); err != ENOMEM {
		t.Errorf("mprotect unmapped: %v", err)
	}
	// A hint that is free is used as is.
	if a, err := as.Mmap(0x600000000000, 4096, PROT_READ, anon, -1, 0); err != nil || a != 0x600000000000 {
		t.Errorf("hint: %#x %v", a, err)
	}
}

func TestSignals(t *testing.T) {
	cases := []struct {
		name   string
		do     func(as *AddressSpace)
		signo  int
		code   int
		reason string
	}{
		{"NULL pointer read", func(as *AddressSpace) { as.Load(0, 8) }, arch.SIGSEGV, arch.SEGV_MAPERR, "NULL pointer dereference"},
		{"NULL pointer write at an offset", func(as *AddressSpace) { as.Store(16, 8, 1) }, arch.SIGSEGV, arch.SEGV_MAPERR, "NULL pointer dereference"},
		{"an unmapped address", func(as *AddressSpace) { as.Load(0x400000000000, 1) }, arch.SIGSEGV, arch.SEGV_MAPERR, "unmapped"},
		{"a write to text", func(as *AddressSpace) { as.Store(textStart, 1, 0) }, arch.SIGSEGV, arch.SEGV_ACCERR, "read-only"},
		{"a kernel address", func(as *AddressSpace) { as.Load(0xffff888000000000, 8) }, arch.SIGSEGV, arch.SEGV_MAPERR, "kernel"},
		{"PROT_NONE", func(as *AddressSpace) {
			a, _ := as.Mmap(0, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
			as.Load(a, 1)
		}, arch.SIGSEGV, arch.SEGV_ACCERR, "PROT_NONE"},
		{"the stack grows down to 8 MiB, then overflows", func(as *AddressSpace) {
			for a := uint64(arch.StackTop - 8); ; a -= 4096 {
				as.Store(a, 8, 1)
			}
		}, arch.SIGSEGV, arch.SEGV_MAPERR, "RLIMIT_STACK"},
		{"the stack stops at the guard gap above a mapping", func(as *AddressSpace) {
			if _, err := as.Mmap(arch.StackTop-0x21000-0x100000-0x1000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0); err != nil {
				panic(err)
			}
			for a := uint64(arch.StackTop - 8); ; a -= 4096 {
				as.Store(a, 8, 1)
			}
		}, arch.SIGSEGV, arch.SEGV_MAPERR, "guard gap"},
		{"a cross-page access faults on the second page", func(as *AddressSpace) { as.Load(bssEnd-4, 8) }, arch.SIGSEGV, arch.SEGV_MAPERR, "unmapped"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, as := newProc(t, 64<<20, 0)
			sig := signal(func() { c.do(as) })
			if sig == nil || sig.Signo != c.signo || sig.Code != c.code || !strings.Contains(sig.Reason, c.reason) {
				t.Fatalf("got %+v", sig)
			}
			check(t, m, as)
		})
	}
	// The stack really grew to 8 MiB before it overflowed.
	m, as := newProc(t, 64<<20, 0)
	signal(func() {
		for a := uint64(arch.StackTop - 8); ; a -= 4096 {
			as.Store(a, 8, 1)
		}
	})
	if v := as.vmaAt(arch.StackTop - 8); v == nil || v.End-v.Start != arch.StackRlimit {
		t.Fatalf("stack vma %+v", v)
	}
	check(t, m, as)
}

func TestOOMKill(t *testing.T) {
	m, as := newProc(t, 16<<20, 1)
	a, err := as.Mmap(0, 64<<20, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	if err != nil {
		t.Fatal(err)
	}
	sig := signal(func() {
		for i := uint64(0); i < 64<<20; i += 4096 {
			as.Store(a+i, 1, 1)
		}
	})
	if sig == nil || sig.Signo != arch.SIGKILL {
		t.Fatalf("got %+v", sig)
	}
	check(t, m, as)
	as.Munmap(a, 64<<20)
	check(t, m, as)
}

func TestOvercommit(t *testing.T) {
	cases := []struct {
		name   string
		mode   int
		length uint64
		flags  int
		ok     bool
	}{
		{"mode 0 allows a single request up to RAM", 0, 50 << 20, 0, true},
		{"mode 0 refuses one larger than RAM (55 MiB managed)", 0, 60 << 20, 0, false},
		{"mode 1 allows anything", 1, 1 << 40, 0, true},
		{"mode 2 refuses beyond the commit limit", 2, 40 << 20, 0, false},
		{"mode 2 allows a small request", 2, 1 << 20, 0, true},
		{"MAP_NORESERVE skips the check in mode 0", 0, 1 << 40, MAP_NORESERVE, true},
		{"MAP_NORESERVE is ignored in mode 2", 2, 40 << 20, MAP_NORESERVE, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, as := newProc(t, 64<<20, c.mode)
			_, err := as.Mmap(0, c.length, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|c.flags, -1, 0)
			if (err == nil) != c.ok || err != nil && err != ENOMEM {
				t.Fatalf("err %v", err)
			}
			check(t, m, as)
			// A read-only mapping is never charged.
			if _, err := as.Mmap(0, 1<<40, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0); err != nil {
				t.Fatal(err)
			}
		})
	}
	_, as := newProc(t, 64<<20, 2)
	if got := as.Brk(as.StartBrk() + 40<<20); got != as.StartBrk() {
		t.Fatalf("mode 2 brk growth beyond the limit: %#x", got)
	}
}

func TestMprotectSplitsAndMerges(t *testing.T) {
	m, as := newProc(t, 64<<20, 0)
	a, _ := as.Mmap(0, 4*4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	as.Store(a+4096, 8, 5)
	n := len(as.vmas)
	if err := as.Mprotect(a+4096, 4096, PROT_READ); err != nil {
		t.Fatal(err)
	}
	check(t, m, as)
	if len(as.vmas) != n+2 {
		t.Fatalf("%d vmas after protecting the middle, want %d", len(as.vmas), n+2)
	}
	if sig := signal(func() { as.Store(a+4096, 8, 6) }); sig == nil || sig.Code != arch.SEGV_ACCERR {
		t.Fatalf("write after mprotect: %+v", sig)
	}
	if as.Load(a+4096, 8) != 5 {
		t.Fatal("contents after mprotect")
	}
	f := as.MinFlt()
	if err := as.Mprotect(a, 4*4096, PROT_READ|PROT_WRITE); err != nil {
		t.Fatal(err)
	}
	check(t, m, as)
	if len(as.vmas) != n {
		t.Fatalf("%d vmas after restoring, want %d (merged)", len(as.vmas), n)
	}
	as.Store(a+4096, 8, 6) // own frame made writable again by mprotect: no fault
	if as.MinFlt() != f || as.Load(a+4096, 8) != 6 {
		t.Fatalf("faults %d", as.MinFlt()-f)
	}
	check(t, m, as)
}

func TestMadviseDontneed(t *testing.T) {
	m, as := newProc(t, 64<<20, 0)
	a, _ := as.Mmap(0, 8*4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	for i := uint64(0); i < 8; i++ {
		as.Store(a+i*4096, 8, 0xdead)
	}
	r, free := as.RSS(), m.Pages.FreePagesTotal()
	if err := as.Madvise(a+2*4096, 4*4096, MADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	check(t, m, as)
	if r-as.RSS() != 4 || m.Pages.FreePagesTotal()-free != 4 {
		t.Fatalf("rss dropped by %d, free pages +%d", r-as.RSS(), m.Pages.FreePagesTotal()-free)
	}
	f := as.MinFlt()
	if as.Load(a+2*4096, 8) != 0 || as.Load(a+1*4096, 8) != 0xdead || as.MinFlt()-f != 1 {
		t.Fatal("after DONTNEED: zeros through the zero page, other pages intact")
	}
	if err := as.Madvise(a+4096, 3, 99); err != EINVAL {
		t.Fatalf("bad advice: %v", err)
	}
	if err := as.Madvise(a, 16*4096, MADV_DONTNEED); err != ENOMEM {
		t.Fatalf("range with a hole: %v", err)
	}
	check(t, m, as)
}

func TestMremap(t *testing.T) {
	m, as := newProc(t, 64<<20, 0)
	// A one-page blocker at the top of the mmap area, a below it: growing a
	// in place is impossible, so MREMAP_MAYMOVE moves it.
	if _, err := as.Mmap(0, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0); err != nil {
		t.Fatal(err)
	}
	a, _ := as.Mmap(0, 3*4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	as.Store(a, 8, 11)
	as.Store(a+2*4096, 8, 33)
	if c, err := as.Mremap(a, 3*4096, 5*4096, 0, 0); err != ENOMEM || c != 0 {
		t.Fatalf("grow without MAYMOVE: %#x %v", c, err)
	}
	b, err := as.Mremap(a, 3*4096, 5*4096, MREMAP_MAYMOVE, 0)
	if err != nil || b != a-5*4096 {
		t.Fatalf("move: %#x %v, want %#x", b, err, a-5*4096)
	}
	check(t, m, as)
	if as.Load(b, 8) != 11 || as.Load(b+2*4096, 8) != 33 || as.Load(b+4*4096, 8) != 0 {
		t.Fatal("contents did not move")
	}
	if sig := signal(func() { as.Load(a, 8) }); sig == nil {
		t.Fatal("old range still mapped")
	}
	// Shrink in place frees the tail frames.
	r := as.RSS()
	if c, err := as.Mremap(b, 5*4096, 1*4096, 0, 0); err != nil || c != b || r-as.RSS() != 1 {
		t.Fatalf("shrink: %#x %v rss -%d", c, err, r-as.RSS())
	}
	check(t, m, as)
	// Grow in place where the room above is free.
	if c, err := as.Mremap(b, 4096, 2*4096, 0, 0); err != nil || c != b {
		t.Fatalf("grow in place: %#x %v", c, err)
	}
	check(t, m, as)
	if _, err := as.Mremap(0x10000000, 4096, 8192, MREMAP_MAYMOVE, 0); err != EFAULT {
		t.Fatalf("unmapped: %v", err)
	}
	if _, err := as.Mremap(b, 4096, 8192, MREMAP_FIXED, 0); err != EINVAL {
		t.Fatalf("FIXED without MAYMOVE: %v", err)
	}
}

func TestCopyInOut(t *testing.T) {
	m, as := newProc(t, 64<<20, 0)
	a, _ := as.Mmap(0, 2*4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	msg := []byte("hello, user")
	if n := as.CopyOut(a+4090, msg); n != 0 {
		t.Fatalf("copy_to_user: %d not copied", n)
	}
	buf := make([]byte, len(msg))
	if n := as.CopyIn(a+4090, buf); n != 0 || string(buf) != "hello, user" {
		t.Fatalf("copy_from_user: %d %q", n, buf)
	}
	// Running off the end of the mapping: a short copy, the tail zeroed.
	buf = []byte("XXXXXXXXXX")
	if n := as.CopyIn(a+2*4096-4, buf); n != 6 || string(buf[:4]) != "\x00\x00\x00\x00" || buf[4] != 0 {
		t.Fatalf("short copy_from_user: %d %q", n, buf)
	}
	if n := as.CopyOut(textStart, msg); n != len(msg) {
		t.Fatalf("copy_to_user to text: %d", n)
	}
	if n := as.CopyIn(arch.TaskSize-2, buf); n != len(buf) {
		t.Fatalf("access_ok: %d", n)
	}
	check(t, m, as)
}

func TestProcFiles(t *testing.T) {
	m, as := newProc(t, 64<<20, 0)
	as.Brk(as.StartBrk() + 0x21000)
	a, _ := as.Mmap(0, 3*4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	as.Store(a, 1, 1)
	as.Load(a+4096, 1)
	check(t, m, as)
	wantMaps := "" +
		"555555554000-555555556000 r-xp 00000000 fe:00 1234                       /tmp/a.out\n" +
		"555555557000-555555558000 rw-p 00002000 fe:00 1234                       /tmp/a.out\n" +
		"555555558000-55555557a000 rw-p 00000000 00:00 0                          [heap]\n" +
		"7ffff7ffc000-7ffff7fff000 rw-p 00000000 00:00 0 \n" +
		"7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n"
	if got := as.Maps(); got != wantMaps {
		t.Fatalf("maps:\n%s\nwant:\n%s", got, wantMaps)
	}
	wantRollup := "555555554000-7ffffffff000 ---p 00000000 00:00 0                          [rollup]\n" +
		"Rss:                 148 kB\nPss:                 148 kB\nPss_Dirty:           140 kB\n" +
		"Pss_Anon:            140 kB\nPss_File:              8 kB\nPss_Shmem:             0 kB\n" +
		"Shared_Clean:          0 kB\nShared_Dirty:          0 kB\nPrivate_Clean:         8 kB\n" +
		"Private_Dirty:       140 kB\nReferenced:          148 kB\nAnonymous:           140 kB\n" +
		"LazyFree:              0 kB\nAnonHugePages:         0 kB\nShmemPmdMapped:        0 kB\n" +
		"FilePmdMapped:         0 kB\nShared_Hugetlb:        0 kB\nPrivate_Hugetlb:       0 kB\n" +
		"Swap:                  0 kB\nSwapPss:               0 kB\nLocked:                0 kB\n"
	if got := as.SmapsRollup(); got != wantRollup {
		t.Fatalf("smaps_rollup:\n%s\nwant:\n%s", got, wantRollup)
	}
	// size = 2+1+34+3+33 pages; resident 37; shared (file) 2; text 2; data 1+34+3+33.
	if got := as.Statm(); got != "73 37 2 2 0 71 0\n" {
		t.Fatalf("statm %q", got)
	}
	s := as.Snapshot()
	var runs []string
	for _, r := range s.VMAs[3].Pages {
		runs = append(runs, r.State)
	}
	if strings.Join(runs, ",") != "present,zero,none" {
		t.Fatalf("page runs %v", s.VMAs[3].Pages)
	}
}

// BenchmarkLoadStore is the interpreter's hot path: 8-byte loads and stores
// hitting the software TLB, over 16 pages.
func BenchmarkLoadStore(b *testing.B) {
	_, as := newProc(b, 64<<20, 0)
	a, _ := as.Mmap(0, 16*4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	for i := uint64(0); i < 16; i++ {
		as.Store(a+i*4096, 8, i+1)
	}
	b.ReportAllocs()
	i := uint64(0)
	for b.Loop() {
		addr := a + (i*1032)&0xfff8
		as.Store(addr, 8, as.Load(addr, 8)+1)
		i++
	}
}

func TestOracle026TrimOnFree(t *testing.T) {
	m, as := newProc(t, 256<<20, 0)
	base := as.Brk(0)
	// mallopt(M_MMAP_MAX, 0); p = malloc(64 MiB): the tcache chunk first,
	// then sysmalloc grows brk by 0x4021000 in all (case 026's brk line).
	as.Brk(base + 0x4021000)
	as.Store(base+8, 8, 0x291)
	p := base + 0x2a0
	as.Store(p-8, 8, 0x4000011)
	as.Store(p+0x4000000+8, 8, 0x20d51) // top's size field
	for i := uint64(0); i < 64<<20; i += 4096 {
		as.Store(p+i, 1, 1)
	}
	rss1 := as.RSS()
	// free(p): top ≥ trim_threshold → systrim keeps the 128 KiB pad: brk
	// goes back to base+0x21000; the header write lands on page 0.
	as.Store(base+0x298, 8, 0x20d61)
	if got := as.Brk(base + 0x21000); got != base+0x21000 {
		t.Fatalf("brk %#x", got)
	}
	if d := int64(as.RSS()) - int64(rss1); d != -16352 {
		t.Fatalf("after free: rss change %d pages, want -16352", d)
	}
	check(t, m, as)
}

// DirectPage hands out a page only while an access of that kind would hit
// the TLB, and every change that could make a handed-out page stale moves
// the generation.
func TestDirectPage(t *testing.T) {
	m, as := newProc(t, 64<<20, 0)
	a, err := as.Mmap(0, 2*arch.PageSize, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	if err != nil {
		t.Fatal(err)
	}
	direct := func(write bool) (bool, uint64) {
		slot, gen := as.DirectPage(a+8, write)
		return slot != nil, *gen
	}
	if ok, _ := direct(false); ok {
		t.Fatal("a page never touched is direct")
	}
	f0 := as.MinFlt()
	as.Load(a, 8) // read fault: the zero page, read-only
	if ok, _ := direct(false); !ok {
		t.Fatal("a page just read is not direct for reading")
	}
	if ok, _ := direct(true); ok {
		t.Fatal("the zero page is direct for writing")
	}
	_, g0 := direct(false)
	as.Store(a, 8, 7) // COW from the zero page: the PTE changes
	ok, g1 := direct(true)
	if !ok || g1 == g0 || as.MinFlt()-f0 != 2 {
		t.Fatalf("after the write fault: direct %v, generation %d → %d, faults %d", ok, g0, g1, as.MinFlt()-f0)
	}
	slot, _ := as.DirectPage(a, true)
	if (*slot)[0] != 7 {
		t.Fatal("the slot does not hold the page's bytes")
	}
	for _, change := range []struct {
		name string
		do   func() error
	}{
		{"mprotect", func() error { return as.Mprotect(a, arch.PageSize, PROT_READ) }},
		{"madvise", func() error { return as.Madvise(a, arch.PageSize, MADV_DONTNEED) }},
		{"munmap", func() error { return as.Munmap(a, arch.PageSize) }},
	} {
		as.Store(a+arch.PageSize, 8, 1)
		_, before := direct(false)
		if err := change.do(); err != nil {
			t.Fatal(err)
		}
		if _, after := direct(false); after == before {
			t.Errorf("%s did not move the generation", change.name)
		}
	}
	_, before := direct(false)
	as.ForgetDirect()
	if _, after := direct(false); after == before {
		t.Error("ForgetDirect did not move the generation")
	}
	check(t, m, as)
}
