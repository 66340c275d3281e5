package view

import "testing"

func TestHex(t *testing.T) {
	for _, c := range []struct {
		name string
		in   uint64
		want string
	}{
		{"zero is 0x0", 0, "0x0"},
		{"a user heap address without padding", 0x5555555592a0, "0x5555555592a0"},
		{"the largest value", ^uint64(0), "0xffffffffffffffff"},
	} {
		if got := Hex(c.in); got != c.want {
			t.Errorf("%s: Hex(%#x) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestAddr(t *testing.T) {
	for _, c := range []struct {
		name string
		in   uint64
		want string
	}{
		{"a user address prints as Hex", 0x7ffff7dd2000, "0x7ffff7dd2000"},
		{"PAGE_OFFSET has 16 digits", 0xffff888000000000, "0xffff888000000000"},
		{"the lowest kernel-half address is padded", KernelHalf, "0xffff800000000000"},
		{"one below the kernel half is a user address", KernelHalf - 1, "0xffff7fffffffffff"},
		{"NULL", 0, "0x0"},
	} {
		if got := Addr(c.in); got != c.want {
			t.Errorf("%s: Addr(%#x) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
	if got, want := Range(0x555555559000, 0x55555555a000), "0x555555559000–0x55555555a000"; got != want {
		t.Errorf("Range = %q, want %q", got, want)
	}
}

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		name string
		in   uint64
		want string
	}{
		{"zero bytes", 0, "0 B"},
		{"below 1 KiB exact bytes", 24, "24 B"},
		{"1023 bytes stays in bytes", 1023, "1023 B"},
		{"one page", 4096, "4 KiB"},
		{"the initial heap of 33 pages", 132 << 10, "132 KiB"},
		{"one and a half MiB drops the trailing zero", 3 << 19, "1.5 MiB"},
		{"an inexact size keeps two decimals", 102416, "100.02 KiB"},
		{"one byte above 1 MiB says .00: not exact", 1<<20 + 1, "1.00 MiB"},
		{"a size that rounds up to the next whole number", 2<<20 - 1, "2.00 MiB"},
		{"a quarter", 5 << 18, "1.25 MiB"},
		{"4 GiB", 4 << 30, "4 GiB"},
		{"the vmalloc range is 32 TiB", 32 << 40, "32 TiB"},
		{"EiB sizes do not overflow", ^uint64(0), "16.00 EiB"},
	} {
		if got := Bytes(c.in); got != c.want {
			t.Errorf("%s: Bytes(%d) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		word string
		want string
	}{
		{"one takes the singular", 1, "page", "1 page"},
		{"two take s", 2, "page", "2 pages"},
		{"zero takes the plural", 0, "frame", "0 frames"},
		{"consonant y takes ies", 3, "entry", "3 entries"},
		{"vowel y takes s", 2, "key", "2 keys"},
		{"s takes es", 2, "bus", "2 buses"},
		{"x takes es", 4, "box", "4 boxes"},
		{"negative counts", -2, "byte", "-2 bytes"},
		{"a phrase pluralises its last word", 2, "user page", "2 user pages"},
	} {
		if got := Plural(c.n, c.word); got != c.want {
			t.Errorf("%s: Plural(%d, %q) = %q, want %q", c.name, c.n, c.word, got, c.want)
		}
	}
	if got := Plural(uint64(1), "page"); got != "1 page" {
		t.Errorf("Plural(uint64) = %q", got)
	}
	if got, want := Pages(256), "256 pages (1 MiB)"; got != want {
		t.Errorf("Pages(256) = %q, want %q", got, want)
	}
	if got, want := Percent(12.5), "12.500%"; got != want {
		t.Errorf("Percent(12.5) = %q, want %q", got, want)
	}
}
