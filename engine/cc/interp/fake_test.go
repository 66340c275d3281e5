package interp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"mmplay/engine/arch"
)

// fakeMem is a flat test Memory: a sorted set of mapped regions with
// write permission, pages allocated on first touch, and a one-entry page
// cache on the hot path (the shape of the real MMU's software TLB).
type fakeMem struct {
	regions []region
	pages   map[uint64]**[4096]byte // page number → content slot
	lastPN  uint64
	last    *[4096]byte
	lastW   bool
	// budget, when positive, is the number of bytes the program may
	// still move through ReadBytes/WriteBytes (SPEC §6: the engine keeps
	// a budget of simulated bytes touched); exhausting it is SIGKILL.
	budget int64
	// gen changes whenever a region is mapped or protected: the
	// validity of the slots DirectPage hands out.
	gen uint64
	// noDirect hides DirectPage (tests of the interpreter without its
	// frame cache).
	noDirect bool
}

type region struct {
	lo, hi uint64
	write  bool
	name   string
}

func newFakeMem() *fakeMem { return &fakeMem{pages: map[uint64]**[4096]byte{}, lastPN: ^uint64(0)} }

func (m *fakeMem) mapRegion(lo, hi uint64, write bool, name string) {
	m.regions = append(m.regions, region{lo, hi, write, name})
	sort.Slice(m.regions, func(i, j int) bool { return m.regions[i].lo < m.regions[j].lo })
	m.lastPN = ^uint64(0)
	m.gen++
}

func (m *fakeMem) protect(lo uint64, write bool) {
	for i := range m.regions {
		if m.regions[i].lo == lo {
			m.regions[i].write = write
		}
	}
	m.lastPN = ^uint64(0)
	m.gen++
}

func (m *fakeMem) page(addr uint64, write bool) *[4096]byte {
	pn := addr >> 12
	if pn == m.lastPN && (!write || m.lastW) {
		return m.last
	}
	var r *region
	for i := range m.regions {
		if m.regions[i].lo <= addr && addr < m.regions[i].hi {
			r = &m.regions[i]
			break
		}
	}
	if r == nil {
		panic(&arch.Signal{Signo: arch.SIGSEGV, Code: arch.SEGV_MAPERR, Addr: addr, Reason: "address not mapped"})
	}
	if write && !r.write {
		panic(&arch.Signal{Signo: arch.SIGSEGV, Code: arch.SEGV_ACCERR, Addr: addr, Reason: "write to read-only " + r.name})
	}
	slot := m.pages[pn]
	if slot == nil {
		p := new([4096]byte)
		slot = &p
		m.pages[pn] = slot
	}
	p := *slot
	// cache only pages that lie wholly inside the region
	if r.lo <= pn<<12 && (pn+1)<<12 <= r.hi {
		m.lastPN, m.last, m.lastW = pn, p, r.write
	}
	return p
}

// DirectPage implements DirectMemory for a page that was accessed before
// (so it has its bytes) and lies wholly inside a region allowing the
// access.
func (m *fakeMem) DirectPage(addr uint64, write bool) (**[4096]byte, *uint64) {
	if m.noDirect {
		return nil, &m.gen
	}
	slot := m.pages[addr>>12]
	if slot == nil {
		return nil, &m.gen
	}
	lo := addr &^ 4095
	for _, r := range m.regions {
		if r.lo <= lo && lo+4096 <= r.hi && (r.write || !write) {
			return slot, &m.gen
		}
	}
	return nil, &m.gen
}

func (m *fakeMem) Load(addr uint64, size int) uint64 {
	off := addr & 4095
	if off+uint64(size) <= 4096 {
		p := m.page(addr, false)
		switch size {
		case 1:
			return uint64(p[off])
		case 2:
			return uint64(binary.LittleEndian.Uint16(p[off:]))
		case 4:
			return uint64(binary.LittleEndian.Uint32(p[off:]))
		default:
			return binary.LittleEndian.Uint64(p[off:])
		}
	}
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(m.page(addr+uint64(i), false)[(addr+uint64(i))&4095])
	}
	return v
}

func (m *fakeMem) Store(addr uint64, size int, v uint64) {
	off := addr & 4095
	if off+uint64(size) <= 4096 {
		p := m.page(addr, true)
		switch size {
		case 1:
			p[off] = byte(v)
		case 2:
			binary.LittleEndian.PutUint16(p[off:], uint16(v))
		case 4:
			binary.LittleEndian.PutUint32(p[off:], uint32(v))
		default:
			binary.LittleEndian.PutUint64(p[off:], v)
		}
		return
	}
	for i := 0; i < size; i++ {
		m.page(addr+uint64(i), true)[(addr+uint64(i))&4095] = byte(v >> (8 * i))
	}
}

func (m *fakeMem) charge(n int) {
	if m.budget == 0 {
		return
	}
	m.budget -= int64(n)
	if m.budget <= 0 {
		panic(&arch.Signal{Signo: arch.SIGKILL, Reason: "test memory budget exhausted"})
	}
}

func (m *fakeMem) ReadBytes(addr uint64, buf []byte) {
	m.charge(len(buf))
	for len(buf) > 0 {
		p := m.page(addr, false)
		n := copy(buf, p[addr&4095:])
		buf, addr = buf[n:], addr+uint64(n)
	}
}

func (m *fakeMem) WriteBytes(addr uint64, buf []byte) {
	m.charge(len(buf))
	for len(buf) > 0 {
		p := m.page(addr, true)
		n := copy(p[addr&4095:], buf)
		buf, addr = buf[n:], addr+uint64(n)
	}
}

// A test machine: the program's sections, a heap, an mmap area and an
// 8 MiB stack, at the addresses of a PIE on x86-64 with ASLR off.
const (
	testText     = 0x555555555000
	testStackTop = 0x7ffffffff000
	testHeap     = 0x555555600000
	testMmap     = 0x7ffff7000000
)

type machine struct {
	mem    *fakeMem
	prog   *Program
	out    bytes.Buffer
	brk    uint64
	mmapAt uint64
	faults int64
}

func testHeaders(name string) (string, bool) {
	b, err := os.ReadFile(filepath.Join("..", "syntax", "testdata", "include", filepath.FromSlash(name)))
	if err != nil {
		return "", false
	}
	return string(b), true
}

// compileTest compiles src with the fake builtins.
func compileTest(src string, m *machine) (*Program, error) {
	opts := Options{Headers: testHeaders, Builtins: m.builtins()}
	p, diags := Compile("t.c", []byte(src), opts)
	if p == nil {
		var s []string
		for _, d := range diags {
			s = append(s, d.Error())
		}
		return nil, fmt.Errorf("%s", strings.Join(s, "\n"))
	}
	return p, nil
}

// load maps the sections and loads p.
func (m *machine) load(p *Program) Layout {
	m.prog = p
	m.mem = newFakeMem()
	up := func(n uint64) uint64 { return (n + 4095) &^ 4095 }
	l := Layout{TextBase: testText}
	l.RodataBase = l.TextBase + up(p.TextSize)
	l.DataBase = l.RodataBase + up(p.RodataSize) + 4096
	l.BssBase = l.DataBase + p.DataSize
	m.mem.mapRegion(l.TextBase, l.TextBase+up(p.TextSize), false, ".text")
	if p.RodataSize > 0 {
		m.mem.mapRegion(l.RodataBase, l.RodataBase+up(p.RodataSize), true, ".rodata")
	}
	if end := up(l.BssBase + p.BssSize); end > l.DataBase {
		m.mem.mapRegion(l.DataBase, end, true, ".data/.bss")
	}
	m.mem.mapRegion(testStackTop-arch.StackRlimit, testStackTop, true, "[stack]")
	m.mem.mapRegion(testHeap, testHeap+(64<<20), true, "[heap]")
	m.brk = testHeap
	m.mmapAt = testMmap
	if err := p.Load(m.mem, l); err != nil {
		panic(err)
	}
	m.mem.protect(l.RodataBase, false)
	return l
}

// run compiles, loads and runs main.
func runProgram(src string, maxSteps uint64) (string, Result, error) {
	m := &machine{}
	p, err := compileTest(src, m)
	if err != nil {
		return "", Result{}, err
	}
	m.load(p)
	t := p.NewThread(m.mem, testStackTop, RunOptions{MaxSteps: maxSteps})
	r := t.Run("main")
	return m.out.String(), r, r.Err
}

func (m *machine) str(addr uint64) string {
	var b []byte
	for len(b) < 1<<16 {
		c := byte(m.mem.Load(addr, 1))
		if c == 0 {
			break
		}
		b = append(b, c)
		addr++
	}
	return string(b)
}

// printf implements %d %i %u %ld %lu %lld %zu %zd %x %lx %c %s %p %% with
// flags '-', '0', width and precision for integers, as glibc prints them.
func (m *machine) printf(c *Call) uint64 {
	f := m.str(c.Args[0])
	args := c.Args[1:]
	next := func() uint64 {
		if len(args) == 0 {
			return 0
		}
		v := args[0]
		args = args[1:]
		return v
	}
	var out strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			out.WriteByte(f[i])
			continue
		}
		j := i + 1
		for j < len(f) && strings.IndexByte("-0+ #", f[j]) >= 0 {
			j++
		}
		for j < len(f) && (f[j] >= '0' && f[j] <= '9' || f[j] == '.') {
			j++
		}
		lenmod := ""
		for j < len(f) && strings.IndexByte("hlzjt", f[j]) >= 0 {
			lenmod += string(f[j])
			j++
		}
		if j >= len(f) {
			break
		}
		spec := f[i+1 : j-len(lenmod)]
		conv := f[j]
		i = j
		long := lenmod == "l" || lenmod == "ll" || lenmod == "z" || lenmod == "j" || lenmod == "t"
		switch conv {
		case 'd', 'i':
			v := next()
			if long {
				fmt.Fprintf(&out, "%"+spec+"d", int64(v))
			} else {
				fmt.Fprintf(&out, "%"+spec+"d", int32(v))
			}
		case 'u', 'x', 'X', 'o':
			v := next()
			if !long {
				v = uint64(uint32(v))
			}
			if conv == 'u' {
				conv = 'd'
			}
			fmt.Fprintf(&out, "%"+spec+string(conv), v)
		case 'c':
			out.WriteByte(byte(next()))
		case 's':
			fmt.Fprintf(&out, "%"+spec+"s", m.str(next()))
		case 'p':
			v := next()
			if v == 0 {
				out.WriteString("(nil)")
			} else {
				fmt.Fprintf(&out, "0x%x", v)
			}
		case '%':
			out.WriteByte('%')
		}
	}
	m.out.WriteString(out.String())
	return uint64(out.Len())
}

func (m *machine) alloc(n uint64) uint64 {
	n = (n + 15) &^ 15
	if n >= 128<<10 {
		// large requests get their own mapping, as glibc's mmap threshold does
		size := (n + 16 + 4095) &^ 4095
		m.mmapAt -= size
		m.mem.mapRegion(m.mmapAt, m.mmapAt+size, true, "mmap")
		m.mem.Store(m.mmapAt+8, 8, (size-16)|2)
		return m.mmapAt + 16
	}
	p := m.brk + 16
	m.mem.Store(p-8, 8, n|1)
	m.brk = p + n
	if m.brk > testHeap+(64<<20) {
		return 0
	}
	return p
}

func (m *machine) builtins() map[string]Builtin {
	return map[string]Builtin{
		"printf":  m.printf,
		"puts":    func(c *Call) uint64 { m.out.WriteString(m.str(c.Args[0]) + "\n"); return 1 },
		"putchar": func(c *Call) uint64 { m.out.WriteByte(byte(c.Args[0])); return c.Args[0] & 0xff },
		"malloc":  func(c *Call) uint64 { return m.alloc(c.Args[0]) },
		"calloc":  func(c *Call) uint64 { return m.alloc(c.Args[0] * c.Args[1]) },
		"realloc": func(c *Call) uint64 {
			p := m.alloc(c.Args[1])
			if old := c.Args[0]; old != 0 && p != 0 {
				n := m.mem.Load(old-8, 8) &^ 7
				if n > c.Args[1] {
					n = c.Args[1]
				}
				buf := make([]byte, n)
				m.mem.ReadBytes(old, buf)
				m.mem.WriteBytes(p, buf)
			}
			return p
		},
		"free":               func(c *Call) uint64 { return 0 },
		"malloc_usable_size": func(c *Call) uint64 { return m.mem.Load(c.Args[0]-8, 8) &^ 7 },
		"mallopt":            func(c *Call) uint64 { return 1 },
		"malloc_trim":        func(c *Call) uint64 { return 0 },
		"sbrk": func(c *Call) uint64 {
			old := m.brk
			m.brk += c.Args[0]
			return old
		},
		"mmap": func(c *Call) uint64 {
			n := (c.Args[1] + 4095) &^ 4095
			m.mmapAt -= n
			m.mem.mapRegion(m.mmapAt, m.mmapAt+n, true, "mmap")
			return m.mmapAt
		},
		"munmap":       func(c *Call) uint64 { return 0 },
		"minor_faults": func(c *Call) uint64 { m.faults++; return uint64(m.faults) },
		"rss_pages":    func(c *Call) uint64 { return uint64(len(m.mem.pages)) },
		"is_mmapped":   func(c *Call) uint64 { return (m.mem.Load(c.Args[0]-8, 8) >> 1) & 1 },
		"exit":         func(c *Call) uint64 { panic(&arch.Exit{Status: int(int32(c.Args[0]))}) },
		"abort": func(c *Call) uint64 {
			panic(&arch.Signal{Signo: arch.SIGABRT, Reason: "abort()"})
		},
		"memset": func(c *Call) uint64 {
			for i := uint64(0); i < c.Args[2]; i++ {
				m.mem.Store(c.Args[0]+i, 1, c.Args[1])
			}
			return c.Args[0]
		},
		"memcpy": func(c *Call) uint64 {
			buf := make([]byte, c.Args[2])
			m.mem.ReadBytes(c.Args[1], buf)
			m.mem.WriteBytes(c.Args[0], buf)
			return c.Args[0]
		},
		"strlen": func(c *Call) uint64 { return uint64(len(m.str(c.Args[0]))) },
		"strcmp": func(c *Call) uint64 {
			return uint64(int64(strings.Compare(m.str(c.Args[0]), m.str(c.Args[1]))))
		},
		"strcpy": func(c *Call) uint64 {
			s := m.str(c.Args[1])
			m.mem.WriteBytes(c.Args[0], append([]byte(s), 0))
			return c.Args[0]
		},
		"open":  func(c *Call) uint64 { return ^uint64(0) },
		"read":  func(c *Call) uint64 { return ^uint64(0) },
		"write": func(c *Call) uint64 { return ^uint64(0) },
		"close": func(c *Call) uint64 { return 0 },
	}
}
