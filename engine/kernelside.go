package engine

import (
	"fmt"
	"path"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/buddy"
	"mmplay/engine/cc/interp"
	"mmplay/engine/kernel"
	"mmplay/engine/libc"
	"mmplay/engine/slab"
	"mmplay/engine/vmalloc"
)

// bootKernel boots the kernel side of the machine: physical memory with
// memblock's boot reservations, the buddy allocator, SLUB (or Linux 2.0's
// kmalloc) and vmalloc, with the boot-time allocations that make the
// starting picture look like a real machine (package kernel, "Boot").
func (m *machine) bootKernel(cfg Config) (*buddy.Machine, error) {
	m.quiet = true
	defer func() { m.quiet = false }()
	k, err := kernel.Boot(kernel.Config{RAM: cfg.RAM, Kernel: cfg.Kernel, Arch: cfg.Arch, Debug: cfg.Debug, Recorder: m})
	if err != nil {
		return nil, err
	}
	var s slab.Kmalloc
	if cfg.Kernel == "2.0" {
		s, err = slab.New20(slab.Config20{Pages: k.Pages, PageOffset: slab.PageOffset, Recorder: m})
	} else {
		s, err = slab.New(slab.Config{Pages: k.Pages, InitOnAlloc: k.InitOnAlloc(),
			TooLargeWarned: k.TooLargeWarned(), Tainted: k.Tainted, Recorder: m})
	}
	if err != nil {
		return nil, err
	}
	k.UseSlab(s)
	vcfg := vmalloc.Config{Pages: k.Pages, Slab: s, InitOnAlloc: k.InitOnAlloc(), Recorder: m, FatalSignalPending: k.FatalSignalPending}
	if cfg.Kernel != "2.0" {
		// 6.1's BUG_ON(in_interrupt()) in __get_vm_area_node; 2.0's
		// vmalloc had no such check
		vcfg.InInterrupt = func() bool { return k.InInterrupt() != 0 }
	}
	v, err := vmalloc.New(vcfg)
	if err != nil {
		return nil, err
	}
	if err := k.UseVmalloc(v); err != nil {
		return nil, err
	}
	m.k, m.slab, m.vmalloc = k, s, v
	return &buddy.Machine{Mem: k.Mem, Pages: k.Pages}, nil
}

// builtins is every function a snippet can call: libc's and the
// kernel's, with open/read/write/close routed to the kernel's character
// devices for /dev paths and their descriptors.
func (m *machine) builtins() map[string]interp.Builtin {
	b := m.proc.Builtins()
	for name, f := range m.k.Builtins() {
		if _, ok := b[name]; !ok {
			b[name] = f
		}
	}
	open, read, write, closef := b["open"], b["read"], b["write"], b["close"]
	b["open"] = func(c *interp.Call) uint64 {
		path := string(libc.ReadCString(m.proc.View, c.Args[0], 4096, nil))
		if !m.k.IsDevice(path) {
			return open(c)
		}
		return m.sysResult(m.k.SysOpen(path, int(int32(c.Args[1]))))
	}
	b["read"] = func(c *interp.Call) uint64 {
		if fd := int(int32(c.Args[0])); m.k.IsDeviceFD(fd) {
			return m.sysResult(m.k.SysRead(fd, c.Args[1], c.Args[2]))
		}
		return read(c)
	}
	b["write"] = func(c *interp.Call) uint64 {
		if fd := int(int32(c.Args[0])); m.k.IsDeviceFD(fd) {
			return m.sysResult(m.k.SysWrite(fd, c.Args[1], c.Args[2]))
		}
		return write(c)
	}
	b["close"] = func(c *interp.Call) uint64 {
		if fd := int(int32(c.Args[0])); m.k.IsDeviceFD(fd) {
			return m.sysResult(m.k.SysClose(fd))
		}
		return closef(c)
	}
	return b
}

// sysResult turns a system call's -errno into libc's -1 with errno set.
func (m *machine) sysResult(r int64) uint64 {
	if r < 0 {
		m.proc.SetErrno(int(-r))
		return ^uint64(0)
	}
	return uint64(r)
}

// The variables the kernel headers' module_init(fn) and module_exit(fn)
// macros declare (package kernel, headers).
const (
	moduleInitVar = "__mmplay_module_init"
	moduleExitVar = "__mmplay_module_exit"
)

// isModule reports whether a compiled snippet is (or contains) a kernel
// module: it used module_init.
func isModule(p *interp.Program) bool {
	for _, g := range []string{moduleInitVar} {
		if _, ok := p.GlobalAddr(g); ok {
			return true
		}
	}
	return false
}

// kernelHalf is where the x86-64 kernel half of the address space begins.
const kernelHalf = 0xffff800000000000

// splitMem is the memory a module's code sees: kernel addresses through
// the kernel's accessor (direct map, vmalloc, modules; a bad one Oopses),
// user addresses through the current process (copy_*_user style access
// is the kernel's business; plain dereferences of user pointers work, as
// they do on x86 without SMAP — a documented simplification).
type splitMem struct {
	user interp.Memory
	k    *kernel.Kernel
}

func (s splitMem) Load(addr uint64, size int) uint64 {
	if addr >= kernelHalf {
		return s.k.Load(addr, size)
	}
	return s.user.Load(addr, size)
}

func (s splitMem) Store(addr uint64, size int, v uint64) {
	if addr >= kernelHalf {
		s.k.Store(addr, size, v)
		return
	}
	s.user.Store(addr, size, v)
}

func (s splitMem) ReadBytes(addr uint64, buf []byte) {
	if addr >= kernelHalf {
		s.k.ReadBytes(addr, buf)
		return
	}
	s.user.ReadBytes(addr, buf)
}

func (s splitMem) WriteBytes(addr uint64, buf []byte) {
	if addr >= kernelHalf {
		s.k.WriteBytes(addr, buf)
		return
	}
	s.user.WriteBytes(addr, buf)
}

// loadModule places a module snippet's image (text, rodata, data, bss,
// each page aligned) in the module area, as load_module does with
// module_alloc, and writes its initial bytes.
func (m *machine) loadModule(p *Program) error {
	prog := m.prog
	m.module = m.k.LoadModule(moduleName(p.Name))
	pages := func(n uint64) uint64 {
		if n == 0 {
			return arch.PageSize
		}
		return arch.PageAlignUp(n)
	}
	textSize, rodataSize, dataSize := pages(prog.TextSize), pages(prog.RodataSize), pages(prog.DataSize)
	total := textSize + rodataSize + dataSize + arch.PageAlignUp(prog.BssSize)
	base, err := m.k.AllocModuleMemory(m.module, total)
	if err != nil {
		return fmt.Errorf("loading module %s: %v", m.module.Name, err)
	}
	m.mem = splitMem{user: m.proc.User, k: m.k}
	m.k.DataMem = m.mem
	l := interp.Layout{TextBase: base, RodataBase: base + textSize, DataBase: base + textSize + rodataSize,
		BssBase: base + textSize + rodataSize + dataSize}
	if err := prog.Load(m.mem, l); err != nil {
		return err
	}
	m.readModuleFuncs(m.mem)
	return nil
}

// registerModule registers a module whose image the user program's
// loader placed (a module and main in one snippet).
//
// A simplification, told to the user in the report list: the two are one
// image in the program's memory, so the module's globals sit at user
// addresses instead of the module area (engine/machine.go:boot).
func (m *machine) registerModule(p *Program, mem interp.Memory) {
	m.module = m.k.LoadModule(moduleName(p.Name))
	m.k.Note("note: this snippet is a module and a program in one file",
		"mmplay loads both as one image in the program's memory, so the module's global variables are at user addresses "+
			"(0x5555…), not in the module area (0xffffffffc0…) where insmod would put them; the module's code reaches them "+
			"there. A real module and a real program are two separate binaries, each with its own globals.")
	m.readModuleFuncs(mem)
}

// readModuleFuncs reads the module_init/module_exit function pointers.
func (m *machine) readModuleFuncs(mem interp.Memory) {
	if a, ok := m.prog.GlobalAddr(moduleInitVar); ok {
		m.module.Init = mem.Load(a, 8)
	}
	if a, ok := m.prog.GlobalAddr(moduleExitVar); ok {
		m.module.Exit = mem.Load(a, 8)
	}
}

// moduleName is the module's name from the snippet's file name, as insmod
// derives it from foo.ko (dashes become underscores).
func moduleName(file string) string {
	n := strings.TrimSuffix(path.Base(file), ".c")
	n = strings.ReplaceAll(n, "-", "_")
	if n == "" {
		n = "snippet"
	}
	return n
}

// callFunc is the kernel's way into snippet code (module_init, handlers):
// from inside a builtin it is a nested call; at the top level it is a
// run of that function.
func (m *machine) callFunc(addr uint64, args ...uint64) uint64 {
	if m.running {
		return m.thread.CallAddr(addr, args...)
	}
	name, ok := m.prog.FuncName(addr)
	if !ok {
		panic(&arch.Signal{Signo: arch.SIGSEGV, Code: arch.SEGV_MAPERR, Addr: addr,
			Reason: "the kernel called a function pointer that points to no function of the snippet"})
	}
	m.running = true
	r := m.thread.Run(name, args...)
	m.running = false
	switch {
	case r.Signal != nil:
		panic(r.Signal)
	case r.StepLimit || r.Stopped:
		panic(&stepEnd{r})
	case r.Exited:
		panic(&arch.Exit{Status: r.Status})
	}
	return r.Value
}

// stepEnd carries a step-limit or stop out of a nested run.
type stepEnd struct{ r interp.Result }

// runModule is a module snippet's run: insmod (init), then rmmod (exit),
// as the CLI does for a snippet with only a module (SPEC §6): exit status
// 0, or 1 when init fails.
func (m *machine) runModule(res *Result) *interp.Result {
	ret := m.k.RunInit(m.module)
	out := &interp.Result{Steps: m.thread.Steps(), Pos: m.thread.Pos()}
	if int32(ret) < 0 {
		out.Status = 1
		res.Reports = append(res.Reports, fmt.Sprintf("mmplay: insmod: the module's init returned %d, so it was not loaded (insmod exits with 1)", int32(ret)))
		return out
	}
	m.captureProc()
	m.k.UnloadModule(m.module)
	out.Steps, out.Pos = m.thread.Steps(), m.thread.Pos()
	return out
}

// captureProc reads the /proc files the session asked for (CaptureProc)
// just before the module is unloaded, while its own files and areas still
// exist — what `cat /proc/...` before rmmod shows.
func (m *machine) captureProc() {
	for _, path := range m.captureAt {
		if text, ok := m.proc.ProcFile(path); ok {
			if m.captured == nil {
				m.captured = map[string]string{}
			}
			m.captured[path] = text
		}
	}
}

// Snippet functions as the kernel names them in call traces, %pS and
// /proc/vmallocinfo ("scullv_init+0x3d/0xd0 [scullv]"). mmplay compiles
// no machine code, so a function's size and the offset of a call in it
// are made up, deterministically, from the source: 16 bytes per source
// line from the definition's line to its last statement, plus 32 (a
// prologue and an epilogue), and a call on line L sits at 16·(L − first
// line) + 0xd, the return address after a 5-byte call near the line's
// start. A 10-line function is 0xc0 bytes long, as gcc -O2 makes small
// module functions. The module name is the kernel's to add.
const (
	symBytesPerLine = 0x10
	symFrameBytes   = 0x20
	symCallOffset   = 0xd
)

// symbolSize is the modelled size of the snippet function name.
func (m *machine) symbolSize(name string) (first int, size uint64, ok bool) {
	first, last, ok := m.prog.FuncLines(name)
	if !ok {
		return 0, 0, false
	}
	return first, uint64(last-first+1)*symBytesPerLine + symFrameBytes, true
}

// callerSymbol is kernel.Kernel.Caller: the snippet function running now
// and the modelled offset of the statement it is executing.
func (m *machine) callerSymbol() (kernel.Symbol, bool) {
	if m.thread == nil {
		return kernel.Symbol{}, false
	}
	name := m.thread.FuncName()
	first, size, ok := m.symbolSize(name)
	if !ok {
		return kernel.Symbol{}, false
	}
	off := uint64(max(m.thread.Pos().Line-first, 0))*symBytesPerLine + symCallOffset
	return kernel.Symbol{Name: name, Offset: min(off, size-1), Size: size}, true
}

// symbolize is kernel.Kernel.Symbolize: a snippet function's address
// (what %pS of a function pointer prints).
func (m *machine) symbolize(addr uint64) (kernel.Symbol, bool) {
	name, ok := m.prog.FuncName(addr)
	if !ok {
		return kernel.Symbol{}, false
	}
	_, size, ok := m.symbolSize(name)
	if !ok {
		return kernel.Symbol{}, false
	}
	s := kernel.Symbol{Name: name, Size: size}
	if m.module != nil {
		s.Module = m.module.Name
	}
	return s, true
}
