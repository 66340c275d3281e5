package kernel

import (
	"strings"
	"testing"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
)

func TestOops(t *testing.T) {
	for _, tc := range []struct {
		name  string
		addr  uint64
		write bool
		lines []string
	}{
		{"NULL read", 0, false, []string{
			"BUG: kernel NULL pointer dereference, address: 0000000000000000",
			"#PF: supervisor read access in kernel mode",
			"#PF: error_code(0x0000) - not-present page",
			"PGD 0 P4D 0 ",
			"Oops: 0000 [#1] PREEMPT SMP NOPTI",
		}},
		{"write into a vmalloc hole", VmallocStart + 0x1000, true, []string{
			"BUG: unable to handle page fault for address: ffffc90000001000",
			"#PF: supervisor write access in kernel mode",
			"#PF: error_code(0x0002) - not-present page",
			"Oops: 0002 [#1] PREEMPT SMP NOPTI",
		}},
		{"read past the end of RAM in the direct map", PageOffset + 64<<20, false, []string{
			"BUG: unable to handle page fault for address: ffff888004000000",
			"#PF: supervisor read access in kernel mode",
			"#PF: error_code(0x0000) - not-present page",
			"Oops: 0000 [#1] PREEMPT SMP NOPTI",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := boot(t, 64<<20, "6.1", false)
			insmod(k)
			k.SpinLock(7) // the dying task's lock dies with it
			n := len(k.Dmesg())
			sig := signalOf(func() {
				if tc.write {
					k.Store(tc.addr, 4, 1)
				} else {
					k.Load(tc.addr, 8)
				}
			})
			if sig == nil || sig.Signo != arch.SIGKILL || sig.Addr != tc.addr {
				t.Fatalf("signal %+v, want SIGKILL at %#x", sig, tc.addr)
			}
			got := logSince(k, n)
			if strings.Join(got[:len(tc.lines)], "\n") != strings.Join(tc.lines, "\n") {
				t.Fatalf("got\n%s", strings.Join(got, "\n"))
			}
			if got[len(got)-1] != "---[ end trace 0000000000000000 ]---" || !hasLine(got, "CR2: "+hex16(tc.addr)) {
				t.Errorf("tail %q", got[len(got)-3:])
			}
			if !strings.Contains(k.Tainted(), "D") {
				t.Errorf("taint %q lacks D", k.Tainted())
			}
			check(t, k)
		})
	}
}

func TestKernelMemoryRoundTrip(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	p := k.GetFreePages(buddy.GFP_KERNEL, 1, "__get_free_pages")
	k.Store(p+4094, 4, 0xdeadbeef) // crosses a page boundary
	if got := k.Load(p+4094, 4); got != 0xdeadbeef {
		t.Fatalf("load %#x", got)
	}
	m, err := k.AllocModuleMemory(nil, 5000)
	if err != nil {
		t.Fatal(err)
	}
	k.Store(m+4096, 8, 42)
	if k.Load(m+4096, 8) != 42 {
		t.Fatal("module memory")
	}
	if sig := signalOf(func() { k.Load(m+8192, 1) }); sig == nil {
		t.Fatal("the module area's guard page must fault")
	}
	check(t, k)
}

// A scull-like device, end to end: register, open, write, read, lseek,
// close; copy_from_user/copy_to_user with good and bad user pointers.
func TestChrdevScull(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	s := newSnippet(k)
	mod := k.LoadModule("scull")
	data, _ := k.AllocModuleMemory(mod, 4096) // module data: fops at +0, buffer at +1024
	const bufOff = 1024
	var events []string
	fops := data
	k.Store(fops+fopsOpen, 8, s.fn(func(a ...uint64) uint64 {
		inode, file := a[0], a[1]
		events = append(events, "open minor "+itoa(call(k, "iminor", inode)))
		k.Store(file+filePrivate, 8, data+bufOff)
		return 0
	}))
	k.Store(fops+fopsWrite, 8, s.fn(func(a ...uint64) uint64 {
		file, ubuf, n, ppos := a[0], a[1], a[2], a[3]
		pos := k.Load(ppos, 8)
		dev := k.Load(file+filePrivate, 8)
		if left := call(k, "copy_from_user", dev+pos, ubuf, n); left != 0 {
			return uint64(neg(EFAULT))
		}
		k.Store(ppos, 8, pos+n)
		return n
	}))
	k.Store(fops+fopsRead, 8, s.fn(func(a ...uint64) uint64 {
		file, ubuf, n, ppos := a[0], a[1], a[2], a[3]
		pos := k.Load(ppos, 8)
		dev := k.Load(file+filePrivate, 8)
		if left := call(k, "copy_to_user", ubuf, dev+pos, n); left != 0 {
			return uint64(neg(EFAULT))
		}
		k.Store(ppos, 8, pos+n)
		return n
	}))
	k.Store(fops+fopsRelease, 8, s.fn(func(a ...uint64) uint64 { events = append(events, "release"); return 0 }))
	k.module = mod
	major := k.RegisterChrdev(0, "scull", fops)
	k.module = nil
	if major != 254 {
		t.Fatalf("dynamic major %d, want 254", major)
	}
	if r := k.RegisterChrdev(254, "other", fops); r != -EBUSY {
		t.Errorf("taken major: %d", r)
	}
	if r := k.RegisterChrdev(10, "other", fops); r != -EBUSY {
		t.Errorf("misc major: %d", r)
	}
	devs, _ := k.ReadProc("/proc/devices")
	if !strings.Contains(devs, "254 scull\n") || !strings.HasPrefix(devs, "Character devices:\n  1 mem\n") {
		t.Errorf("/proc/devices:\n%s", devs)
	}
	u := &fakeUser{base: 0x10000, mem: make([]byte, 0x1000)}
	k.AttachUser(u)
	copy(u.mem, "hello, scull")
	fd := k.SysOpen("/dev/scull1", 2)
	if fd != 3 {
		t.Fatalf("open = %d", fd)
	}
	if n := k.SysWrite(int(fd), 0x10000, 12); n != 12 {
		t.Fatalf("write = %d", n)
	}
	if k.SysLseek(int(fd), 0, 0) != neg(ESPIPE) {
		t.Errorf("lseek without llseek must be -ESPIPE")
	}
	// reading continues at f_pos 12: the next 4 bytes are zero (init_on_alloc)
	if n := k.SysRead(int(fd), 0x10100, 4); n != 4 {
		t.Fatalf("read = %d", n)
	}
	if k.Load(k.files[3].file+filePos, 8) != 16 {
		t.Errorf("f_pos not updated")
	}
	// a user pointer that runs off the mapping: the handler sees a short copy
	if n := k.SysRead(int(fd), 0x10000+0x1000-2, 4); n != neg(EFAULT) {
		t.Errorf("read into a half-mapped buffer = %d, want -EFAULT", n)
	}
	if n := k.SysRead(int(fd), arch.TaskSize, 4); n != neg(EFAULT) {
		t.Errorf("read into a kernel address = %d, want -EFAULT (access_ok in vfs_read)", n)
	}
	if k.SysClose(int(fd)) != 0 || k.SysClose(int(fd)) != neg(EBADF) {
		t.Errorf("close")
	}
	if strings.Join(events, ",") != "open minor 1,release" {
		t.Errorf("events %q", events)
	}
	if string(k.readKernel(data+bufOff, 12)) != "hello, scull" {
		t.Errorf("device buffer %q", k.readKernel(data+bufOff, 12))
	}
	if k.SysOpen("/dev/nothing", 0) != neg(ENOENT) {
		t.Errorf("open of an unknown device")
	}
	leaks := k.UnloadModule(mod)
	if len(leaks) != 1 || leaks[0].Kind != "chrdev" {
		t.Errorf("leaks %+v: want the registered chrdev", leaks)
	}
	check(t, k)
}

func (k *Kernel) readKernel(addr uint64, n int) []byte {
	b := make([]byte, n)
	k.ReadBytes(addr, b)
	return b
}

func itoa(v uint64) string {
	return strings.TrimLeft(hex16(v), "0") + map[bool]string{true: "0"}[v == 0]
}

// copy_from_user zero-fills the uncopied tail of the kernel buffer (facts
// §7); copy_to_user leaves the rest alone. Return values are the bytes
// not copied.
func TestCopyUser(t *testing.T) {
	k := boot(t, 64<<20, "6.1", true)
	u := &fakeUser{base: 0x20000, mem: make([]byte, 0x1000)}
	for i := range u.mem {
		u.mem[i] = 'u'
	}
	k.AttachUser(u)
	dst := k.GetFreePages(buddy.GFP_KERNEL, 0, "t")
	fill := func() {
		for i := uint64(0); i < 16; i++ {
			k.Store(dst+i, 1, 'k')
		}
	}
	for _, tc := range []struct {
		name   string
		from   uint64
		n      uint64
		ret    uint64
		kernel string
	}{
		{"whole copy", 0x20000, 8, 0, "uuuuuuuukkkkkkkk"},
		{"half mapped: 3 copied, 5 zeroed", 0x21000 - 3, 8, 5, "uuu\x00\x00\x00\x00\x00kkkkkkkk"},
		{"access_ok fails: all zeroed", arch.TaskSize - 4, 8, 8, "\x00\x00\x00\x00\x00\x00\x00\x00kkkkkkkk"},
		{"n = 0", 0, 0, 0, "kkkkkkkkkkkkkkkk"},
	} {
		fill()
		if got := k.CopyFromUser(dst, tc.from, tc.n); got != tc.ret {
			t.Errorf("%s: copy_from_user = %d, want %d", tc.name, got, tc.ret)
		}
		if got := string(k.readKernel(dst, 16)); got != tc.kernel {
			t.Errorf("%s: kernel buffer %q, want %q", tc.name, got, tc.kernel)
		}
	}
	fill()
	if got := k.CopyToUser(0x21000-2, dst, 8); got != 6 {
		t.Errorf("copy_to_user across the end = %d, want 6", got)
	}
	if string(u.mem[0xffe:]) != "kk" {
		t.Errorf("user tail %q", u.mem[0xffe:])
	}
	if got := k.CopyToUser(PageOffset, dst, 8); got != 8 {
		t.Errorf("copy_to_user to a kernel address = %d, want 8", got)
	}
	if v, e := k.GetUser(0x20000, 4); v != 0x75757575 || e != 0 {
		t.Errorf("get_user = %#x, %d", v, e)
	}
	if _, e := k.GetUser(0x10, 4); e != neg(EFAULT) {
		t.Errorf("get_user of an unmapped address = %d", e)
	}
	if k.PutUser(0x41, 0x20000, 1) != 0 || u.mem[0] != 'A' || k.PutUser(1, PageOffset, 8) != neg(EFAULT) {
		t.Errorf("put_user")
	}
	if call(k, "access_ok", arch.TaskSize-8, 8) != 1 || call(k, "access_ok", arch.TaskSize-8, 9) != 0 || call(k, "access_ok", 8, ^uint64(0)) != 0 {
		t.Errorf("access_ok")
	}
	// a huge copy_from_user with a failing access_ok zeroes kernel memory
	// until it runs off the direct map: an Oops
	if sig := signalOf(func() { k.CopyFromUser(PageOffset+k.Mem.MaxPFN()<<12-4096, 0, 1<<62) }); sig == nil {
		t.Errorf("zeroing past the end of RAM must Oops")
	}
}

func TestProcSeqFile(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	s := newSnippet(k)
	mod := k.LoadModule("scullp")
	data, _ := k.AllocModuleMemory(mod, 4096)
	k.WriteBytes(data, []byte("Device %i: qset %i, order %i\n\x00"))
	show := s.fn(func(a ...uint64) uint64 {
		for i := uint64(0); i < 2; i++ {
			call(k, "seq_printf", a[0], data, i, 1000, 2)
		}
		return 0
	})
	k.module = mod
	if h := call(k, "proc_create_single", data+512, 0, 0, show); h != 0 {
		t.Fatal("an empty name must fail")
	}
	k.WriteBytes(data+512, []byte("scullpmem\x00"))
	if h := call(k, "proc_create_single", data+512, 0, 0, show); h == 0 {
		t.Fatal("proc_create_single failed")
	}
	k.module = nil
	got, ok := k.ReadProc("/proc/scullpmem")
	want := "Device 0: qset 1000, order 2\nDevice 1: qset 1000, order 2\n"
	if !ok || got != want {
		t.Fatalf("read %q, want %q", got, want)
	}
	// proc_create with a proc_ops whose proc_open calls single_open
	ops := data + 1024
	k.Store(ops+procOpsOpen, 8, s.fn(func(a ...uint64) uint64 { return call(k, "single_open", a[1], show, 0) }))
	k.WriteBytes(data+600, []byte("scullp2\x00"))
	k.module = mod
	call(k, "proc_create", data+600, 0, 0, ops)
	k.module = nil
	if got, ok := k.ReadProc("scullp2"); !ok || got != want {
		t.Errorf("proc_ops read %q", got)
	}
	if names := k.ProcFiles(); strings.Join(names, ",") != "buddyinfo,devices,meminfo,pagetypeinfo,scullp2,scullpmem,slabinfo,vmallocinfo,zoneinfo" {
		t.Errorf("proc files %q", names)
	}
	leaks := k.UnloadModule(mod)
	if len(leaks) != 2 || leaks[0].Kind != "proc" {
		t.Errorf("leaks %+v", leaks)
	}
	if _, ok := k.ReadProc("slabinfo"); ok {
		t.Errorf("slabinfo without a slab allocator")
	}
	check(t, k)
}

// A module unloaded without unregister_chrdev leaves its file_operations
// behind: the next open jumps into freed code, an instruction-fetch Oops.
func TestOpenAfterUnloadOopses(t *testing.T) {
	k := boot(t, 64<<20, "6.1", false)
	s := newSnippet(k)
	mod := k.LoadModule("leaky")
	fops, _ := k.AllocModuleMemory(mod, 4096)
	open := s.fn(func(...uint64) uint64 { return 0 })
	k.Store(fops+fopsOpen, 8, open)
	k.module = mod
	major := k.RegisterChrdev(0, "leaky", fops)
	k.module = nil
	k.UnloadModule(mod)
	// the fops page is gone with the module: keep a copy where the kernel
	// still finds it, as the real dangling pointer would (its page reused)
	k.DataMem = constMem{open}
	k.SetCurrent(Task{PID: 700, Comm: "cat"})
	n := len(k.Dmesg())
	sig := signalOf(func() { k.SysOpen("/dev/leaky", 0) })
	if sig == nil || sig.Signo != arch.SIGKILL {
		t.Fatalf("signal %+v", sig)
	}
	got := logSince(k, n)
	want := []string{
		"BUG: unable to handle page fault for address: " + hex16(open),
		"#PF: supervisor instruction fetch in kernel mode",
		"#PF: error_code(0x0010) - not-present page",
		"Oops: 0010 [#1] PREEMPT SMP NOPTI",
		"CPU: 0 PID: 700 Comm: cat Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2",
	}
	if strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s", strings.Join(got, "\n"))
	}
	_ = major
	check(t, k)
}

// constMem reads every 8-byte load as v (a stand-in for a dangling fops).
type constMem struct{ v uint64 }

func (m constMem) Load(uint64, int) uint64   { return m.v }
func (m constMem) Store(uint64, int, uint64) {}
func (m constMem) ReadBytes(uint64, []byte)  {}
func (m constMem) WriteBytes(uint64, []byte) {}

func TestKernel20HasNoSleepCheck(t *testing.T) {
	k := boot(t, 16<<20, "2.0", true)
	k.SpinLock(1)
	n := len(k.Dmesg())
	if k.GetFreePages(buddy.GFP_KERNEL, 0, "__get_free_pages") == 0 || len(logSince(k, n)) != 0 || len(k.Reports()) != 0 {
		t.Errorf("kernel 2.0 has no might_sleep checks")
	}
	k.SpinUnlock(1)
}
