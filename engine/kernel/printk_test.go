package kernel

import (
	"strings"
	"testing"

	"mmplay/engine/buddy"
)

func TestPrintkRecords(t *testing.T) {
	for _, tc := range []struct {
		name   string
		msgs   []string
		lines  []string
		levels []int
	}{
		{"a level prefix is stripped and kept as the level", []string{"\0016hello\n"}, []string{"hello"}, []int{6}},
		{"no prefix gets the default loglevel 4", []string{"plain\n"}, []string{"plain"}, []int{4}},
		{"KERN_CONT appends to an open line", []string{"\0013a", "\001cb\n"}, []string{"ab"}, []int{3}},
		{"a new message without KERN_CONT closes the open line", []string{"\0016a", "\0016b\n"}, []string{"a", "b"}, []int{6, 6}},
		{"embedded newlines become lines of the same level", []string{"\0012x\ny\n"}, []string{"x", "y"}, []int{2, 2}},
		{"KERN_CONT after a closed line starts a new one", []string{"a\n", "\001cb\n"}, []string{"a", "b"}, []int{4, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := boot(t, 64<<20, "6.1", false)
			n := len(k.Dmesg())
			for _, m := range tc.msgs {
				k.Printk(m)
			}
			k.FlushLog()
			got := logSince(k, n)
			if strings.Join(got, "|") != strings.Join(tc.lines, "|") {
				t.Fatalf("lines %q, want %q", got, tc.lines)
			}
			ls := k.LogLines()[n:]
			for i, l := range ls {
				if l.Level != tc.levels[i] {
					t.Errorf("line %d level %d, want %d", i, l.Level, tc.levels[i])
				}
			}
			check(t, k)
		})
	}
}

func TestLogStamped(t *testing.T) {
	l := LogLine{Text: "hi", Nsec: 1_300_001_000}
	if got, want := l.Stamped(), "[    1.300001] hi"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestVsnprintf(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	// a string and a phys_addr_t in kernel memory
	p := k.GetFreePages(buddy.GFP_KERNEL, 0, "test")
	k.WriteBytes(p, []byte("scull\x00"))
	k.Store(p+64, 8, 0x12345000)
	k.Store(p+72, 4, 0x40cc0)
	read := func(addr uint64, buf []byte) bool { return k.peek(addr, buf) }
	m1 := ^uint64(0)
	for _, tc := range []struct {
		name, format string
		args         []uint64
		want         string
	}{
		{"%d of -1", "%d", []uint64{m1}, "-1"},
		{"%u of int -1 is 32-bit", "%u", []uint64{m1}, "4294967295"},
		{"%lu of -1 is 64-bit", "%lu", []uint64{m1}, "18446744073709551615"},
		{"%hhd truncates", "%hhd", []uint64{0x1ff}, "-1"},
		{"%x and %X", "%x %X", []uint64{0xbeef, 0xbeef}, "beef BEEF"},
		{"%#x of 0 is 0x0 in the kernel", "%#x", []uint64{0}, "0x0"},
		{"%#lx", "%#lx", []uint64{0xffff888000000000}, "0xffff888000000000"},
		{"width, zero pad, left", "[%5d|%-5d|%05d]", []uint64{42, 42, 42}, "[   42|42   |00042]"},
		{"star width", "[%*d]", []uint64{6, 7}, "[     7]"},
		{"precision on ints", "%.3d", []uint64{5}, "005"},
		{"%s", "name=%s", []uint64{p}, "name=scull"},
		{"%.3s", "%.3s", []uint64{p}, "scu"},
		{"%s of NULL", "%s", []uint64{0}, "(null)"},
		{"%s of a small bad pointer", "%s", []uint64{8}, "(efault)"},
		{"%s of an unmapped address", "%s", []uint64{VmallocStart}, "(efault)"},
		{"%c and %%", "%c%%", []uint64{'A'}, "A%"},
		{"%px prints the raw pointer", "%px", []uint64{0xffff888001234000}, "ffff888001234000"},
		{"%p hashes to 32 bits in 16 digits", "%p", []uint64{0xffff888001234000}, "00000000" + hex16(hashPointer(0xffff888001234000))[8:]},
		{"%pa prints the pointed-to phys_addr_t", "%pa", []uint64{p + 64}, "0x0000000012345000"},
		{"%pGg names gfp flags", "%pGg", []uint64{p + 72}, "0x40cc0(GFP_KERNEL|__GFP_COMP)"},
		{"%pS without a symbol table", "%pS", []uint64{0xffffffffc0001000}, "0xffffffffc0001000"},
		{"unknown conversion stops", "a%wb", []uint64{1}, "a"},
		{"missing arguments read as 0", "%d %d", []uint64{1}, "1 0"},
		{"%zu", "%zu", []uint64{4096}, "4096"},
		{"%lld", "%lld", []uint64{uint64(1) << 40}, "1099511627776"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := k.Vsnprintf(tc.format, tc.args, read); got != tc.want {
				t.Errorf("Vsnprintf(%q) = %q, want %q", tc.format, got, tc.want)
			}
		})
	}
	if h := hashPointer(0xffff888001234000); h>>32 != 0 || h == hashPointer(0xffff888001235000) {
		t.Errorf("hash %#x: want 32 bits, different for different pointers", h)
	}
}

func TestGFPNames(t *testing.T) {
	for _, tc := range []struct {
		gfp  buddy.GFP
		want string
	}{
		{0xcc0, "GFP_KERNEL"},
		{0x40cc0, "GFP_KERNEL|__GFP_COMP"}, // facts §5.1
		{0xa20, "GFP_ATOMIC"},
		{0x2cc0, "GFP_KERNEL|__GFP_NOWARN"},
		{0xcc1, "GFP_KERNEL|GFP_DMA"},
		{0x800, "GFP_NOWAIT"},
		{0x100cc0, "GFP_USER"},
		{0x400cc0, "GFP_KERNEL_ACCOUNT"},
		{0xdc0, "GFP_KERNEL|__GFP_ZERO"},
		{0, "0"},
	} {
		if got := GFPNames(tc.gfp); got != tc.want {
			t.Errorf("GFPNames(%#x) = %q, want %q", uint32(tc.gfp), got, tc.want)
		}
	}
}

func BenchmarkVsnprintf(b *testing.B) {
	k := boot(b, 64<<20, "6.1", false)
	args := []uint64{42, 0xffff888000001000, 7}
	for i := 0; i < b.N; i++ {
		k.Vsnprintf("scull: %d bytes at %px (order %d)\n", args, nil)
	}
}
