package phys

import (
	"testing"
	"unsafe"
)

func TestFrameBudget(t *testing.T) {
	// SPEC §11: ≤ 32 bytes of engine metadata per frame, content pointer included.
	if n := unsafe.Sizeof(Frame{}) + unsafe.Sizeof((*Page)(nil)); n > 32 {
		t.Fatalf("%d bytes per frame", n)
	}
}

func TestLayout(t *testing.T) {
	cases := []struct {
		name                string
		ram                 uint64
		kernel              string
		maxPFN              uint64
		dma32End, normalEnd uint64
		kernelStart         uint64
	}{
		{"128 MiB: DMA and DMA32 only, kernel at 16 MiB", 128 << 20, "6.1", 0x8000, 0x8000, 0x8000, 0x1000},
		{"16 MiB: only DMA, a small kernel at 1 MiB", 16 << 20, "6.1", 0x1000, 0x1000, 0x1000, 0x100},
		{"4 GiB: the PCI hole pushes 1 GiB above 4 GiB into Normal", 4 << 30, "6.1", 0x140000, 0x100000, 0x140000, 0x1000},
		{"kernel 2.0 loads at 1 MiB", 128 << 20, "2.0", 0x8000, 0x8000, 0x8000, 0x100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := New(Config{RAM: c.ram, Kernel: c.kernel})
			if err != nil {
				t.Fatal(err)
			}
			if err := m.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if m.MaxPFN() != c.maxPFN {
				t.Fatalf("max pfn %#x", m.MaxPFN())
			}
			if _, e := m.ZoneSpan(ZoneDMA32); e != c.dma32End {
				t.Fatalf("DMA32 end %#x", e)
			}
			if _, e := m.ZoneSpan(ZoneNormal); e != c.normalEnd {
				t.Fatalf("Normal end %#x", e)
			}
			if s, e := m.KernelImage(); s != c.kernelStart || m.ZeroPFN() != e-1 {
				t.Fatalf("kernel image %#x-%#x zero page %#x", s, e, m.ZeroPFN())
			}
			// the e820 map of a QEMU PC: pfn 0 reserved, 1-0x9e RAM that
			// Linux reserves, 0x9f-0xff no RAM, 128 KiB reserved below
			// the end of low RAM
			for pfn := uint64(0); pfn < 256; pfn++ {
				want := OwnerReserved
				if pfn >= 0x9f {
					want = OwnerHole
				}
				if m.Frame(pfn).Owner != want || m.Present(pfn) != (pfn >= 1 && pfn < 0x9f) {
					t.Fatalf("pfn %#x in the first MiB is %s (present %v)", pfn, m.Frame(pfn).Owner, m.Present(pfn))
				}
			}
			lowEnd := min(c.ram>>12, 0xc0000)
			for pfn := lowEnd - 33; pfn < lowEnd; pfn++ {
				if reserved := pfn >= lowEnd-32; (m.Frame(pfn).Owner == OwnerReserved) != reserved || m.Present(pfn) == reserved {
					t.Fatalf("pfn %#x below the end of low RAM is %s (present %v)", pfn, m.Frame(pfn).Owner, m.Present(pfn))
				}
			}
		})
	}
	if _, err := New(Config{RAM: 8 << 20}); err == nil {
		t.Fatal("8 MiB must be refused")
	}
}

func TestLazyContent(t *testing.T) {
	m, _ := New(Config{RAM: 16 << 20, Kernel: "6.1"})
	pa := uint64(0x300000)
	m.Store(pa, 8, 0)
	if m.ContentPages() != 0 {
		t.Fatal("a zero store allocated a page")
	}
	m.Store(pa+4094, 2, 0xbeef)
	if m.ContentPages() != 1 || m.Load(pa+4094, 2) != 0xbeef || m.Load(pa+4095, 1) != 0xbe {
		t.Fatal("store/load")
	}
	buf := []byte{1, 2, 3, 4}
	m.WriteBytes(pa+4094, buf) // crosses into the next frame
	got := make([]byte, 4)
	m.ReadBytes(pa+4094, got)
	if string(got) != string(buf) || m.ContentPages() != 2 {
		t.Fatalf("bytes %v pages %d", got, m.ContentPages())
	}
	m.CopyFrame(0x500, pa>>12)
	if m.Load(0x500000+4094, 1) != 1 {
		t.Fatal("copy")
	}
	m.ZeroFrame(pa >> 12)
	if m.Load(pa+4094, 2) != 0 || m.ContentPages() != 2 {
		t.Fatal("zero")
	}
	if err := m.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}
