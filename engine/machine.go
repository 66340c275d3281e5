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
	"mmplay/engine/mm"
	"mmplay/engine/slab"
	"mmplay/engine/vmalloc"
)

// A machine is one booted simulated computer running one snippet: physical
// memory with its page allocator, one user process (address space, glibc,
// stdio) and the interpreter thread that runs the snippet's code in it.
// Sessions boot a fresh machine to run, and again to step back
// (deterministic re-execution).
type machine struct {
	cfg Config
	hw  *buddy.Machine
	k   *kernel.Kernel
	// slab and vmalloc are the kernel's allocators, kept for snapshots.
	slab    slab.Kmalloc
	vmalloc *vmalloc.Allocator
	commit  *mm.Commit
	as      *mm.AddressSpace
	proc    *libc.Process
	prog    *interp.Program
	thread  *interp.Thread
	// exe is the program's file name; main is called with %rsp mainTop-8
	// and the arguments mainArgs (argc, argv, envp: startstack.go).
	exe      string
	mainTop  uint64
	mainArgs []uint64

	// events is the trace: everything the allocators and the MMU did,
	// with the statement and step that caused it.
	events eventLog
	// quiet is set while the kernel boots: the boot's own allocations
	// (thousands of them, before the snippet's first statement) are not
	// part of the trace.
	quiet bool
	// started counts the statements begun; the current one is number
	// started (its position is thread.Pos()).
	started uint64
	// co is set when the machine runs under a session's stepping control.
	co *coroutine

	// fmap is the Physical view's map of the frames (Session.FrameMap),
	// kept up to date from dirty: the frames the buddy allocator's events
	// touched since it was last read.
	fmap  FrameMap
	dirty dirtyFrames

	result *Result // set when the program has ended

	// mem is the memory the snippet's code sees: the user process's (a
	// user program) or kernel space plus user space (a module).
	mem interp.Memory
	// module is the loaded module, if the snippet is one.
	module *kernel.Module
	// captureAt names /proc files to read before rmmod; captured holds them.
	captureAt []string
	captured  map[string]string
	// running is set while snippet code runs (so builtins that call back
	// into it use CallAddr rather than starting a run).
	running bool
}

// Event is an arch.Event with the step it happened in.
type Event struct {
	arch.Event
	Step uint64 `json:"step"`
}

// Record implements arch.Recorder: it stamps the event with the current
// statement's position and step.
func (m *machine) Record(e arch.Event) {
	if m.quiet {
		return
	}
	if m.thread != nil {
		p := m.thread.Pos()
		e.Line, e.Col = p.Line, p.Col
	}
	if e.Source == "buddy" {
		m.dirty.note(&e)
	}
	m.events.add(e, m.stepNo())
}

// RecordScalar implements arch.ScalarRecorder (the hot path of malloc
// and free): the same as Record without the struct.
func (m *machine) RecordScalar(kind arch.EventKind, source string, addr, size uint64, detail string) {
	if m.quiet {
		return
	}
	var line, col int
	if m.thread != nil {
		p := m.thread.Pos()
		line, col = p.Line, p.Col
	}
	m.events.addScalar(kind, source, addr, size, detail, line, col, m.stepNo())
}

// stepNo is the number of the statement running: the thread's count,
// which a run without stepping (the CLI, --json, the worker) advances
// too, and which equals started while a session steps.
func (m *machine) stepNo() uint64 {
	if m.thread != nil {
		return m.thread.Steps()
	}
	return m.started
}

// The process's identity. The PID is arbitrary but fixed (determinism).
const (
	pid = 4242
)

// Addresses of libc's pieces, as on Debian 12 (glibc 2.36) with ASLR off,
// measured on this project's machine with `setarch -R` and
// /proc/self/maps of a gcc -O0 program: libc.so.6 is mapped at
// 0x7ffff7dd5000, its .data at 0x7ffff7fa8000, main_arena at
// 0x7ffff7fa8c60 (glibc.DefaultArenaAddr), a TLS block below it.
const (
	libcBase  = 0x7ffff7dd5000
	libcTLS   = 0x7ffff7dd2000 // 3 pages of rw-p anonymous memory: TLS and the TCB
	errnoAddr = 0x7ffff7dd26c0 // errno in the TLS block (its exact offset is not observable)
	ldsoBase  = 0x7ffff7fca000
	// [vvar] (4 pages) and [vdso] (2 pages) as on 6.1, directly below
	// ld.so (the measuring machine's newer kernel adds [vvar_vclock]).
	vvarBase     = 0x7ffff7fc4000
	vdsoBase     = 0x7ffff7fc8000
	stackStart   = 0x7ffffffde000 // the initial [stack] VMA: 33 pages below STACK_TOP
	libcDataBase = 0x7ffff7fa8000
	// FILE objects inside libc's .data: _IO_2_1_stdin_, _stdout_, _stderr_.
	fileStdin  = 0x7ffff7fa8aa0
	fileStdout = 0x7ffff7fa9780
	fileStderr = 0x7ffff7fa96a0
	// glibc's FILE * variables (libio/stdio.c) right after _IO_2_1_stdout_,
	// in libc.so.6's order stderr, stdout, stdin (file offsets 0x1d4840..,
	// shifted by 0x20 as the FILE objects above); boot points them there.
	varStderr = 0x7ffff7fa9860
	varStdout = 0x7ffff7fa9868
	varStdin  = 0x7ffff7fa9870
)

// libcMappings is the part of the address space the dynamic loader sets up
// before main: libc.so.6, ld-linux, [vvar] and [vdso], as measured (file
// offsets included). Its pages are populated (oracle.h pre-faults every
// start-up mapping, so only heap and mmap pages fault in main).
var libcMappings = []mm.Mapping{
	{Start: libcTLS, End: libcTLS + 0x3000, Prot: mm.PROT_READ | mm.PROT_WRITE, Populate: true},
	{Start: libcBase, End: 0x7ffff7dfb000, Prot: mm.PROT_READ, Name: libcPath, File: true, Offset: 0, Major: 0xfe, Inode: 326269, Populate: true},
	{Start: 0x7ffff7dfb000, End: 0x7ffff7f51000, Prot: mm.PROT_READ | mm.PROT_EXEC, Name: libcPath, File: true, Offset: 0x26000, Major: 0xfe, Inode: 326269},
	{Start: 0x7ffff7f51000, End: 0x7ffff7fa4000, Prot: mm.PROT_READ, Name: libcPath, File: true, Offset: 0x17c000, Major: 0xfe, Inode: 326269},
	{Start: 0x7ffff7fa4000, End: 0x7ffff7fa8000, Prot: mm.PROT_READ, Name: libcPath, File: true, Offset: 0x1cf000, Major: 0xfe, Inode: 326269, Populate: true},
	{Start: libcDataBase, End: 0x7ffff7faa000, Prot: mm.PROT_READ | mm.PROT_WRITE, Name: libcPath, File: true, Offset: 0x1d3000, Major: 0xfe, Inode: 326269, Populate: true},
	{Start: 0x7ffff7faa000, End: 0x7ffff7fb7000, Prot: mm.PROT_READ | mm.PROT_WRITE, Populate: true},
	{Start: vvarBase - 0x2000, End: vvarBase, Prot: mm.PROT_READ | mm.PROT_WRITE, Populate: true},
	{Start: vvarBase, End: vvarBase + 0x4000, Prot: mm.PROT_READ, Name: "[vvar]", Special: true},
	{Start: vdsoBase, End: vdsoBase + 0x2000, Prot: mm.PROT_READ | mm.PROT_EXEC, Name: "[vdso]", Special: true},
	{Start: ldsoBase, End: 0x7ffff7fcb000, Prot: mm.PROT_READ, Name: ldsoPath, File: true, Offset: 0, Major: 0xfe, Inode: 325835, Populate: true},
	{Start: 0x7ffff7fcb000, End: 0x7ffff7ff1000, Prot: mm.PROT_READ | mm.PROT_EXEC, Name: ldsoPath, File: true, Offset: 0x1000, Major: 0xfe, Inode: 325835},
	{Start: 0x7ffff7ff1000, End: 0x7ffff7ffb000, Prot: mm.PROT_READ, Name: ldsoPath, File: true, Offset: 0x27000, Major: 0xfe, Inode: 325835},
	{Start: 0x7ffff7ffb000, End: 0x7ffff7ffd000, Prot: mm.PROT_READ, Name: ldsoPath, File: true, Offset: 0x31000, Major: 0xfe, Inode: 325835, Populate: true},
	{Start: 0x7ffff7ffd000, End: 0x7ffff7fff000, Prot: mm.PROT_READ | mm.PROT_WRITE, Name: ldsoPath, File: true, Offset: 0x33000, Major: 0xfe, Inode: 325835, Populate: true},
}

// The hole ld.so leaves between libc's anonymous pages and the next
// mapping, where it had mapped /etc/ld.so.cache (9 pages here, measured).
const (
	ldsoCacheHole    = 0x7ffff7fb7000
	ldsoCacheHoleEnd = vvarBase - 0x2000
)

const (
	libcPath = "/usr/lib/x86_64-linux-gnu/libc.so.6"
	ldsoPath = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
)

// boot builds a machine for prog: memory, the process with its image
// mapped as the ELF loader would, and the thread ready to run main.
// onStep, when non-nil, is the interpreter's step hook (stepping).
func boot(p *Program, stepping bool) (*machine, error) {
	pm := p.first.Swap(nil) // the machine Compile or Prepare booted
	if pm == nil || pm.cfg != p.Config {
		var errs []Diagnostic
		var err error
		if pm, errs, err = p.prepare(); err != nil {
			return nil, err
		}
		if pm.prog == nil {
			return nil, fmt.Errorf("the program compiled once and not the second time: %v", errs)
		}
	}
	m, prog, included := pm.m, pm.prog, pm.included
	m.prog = prog
	opts := interp.RunOptions{MaxSteps: p.Config.MaxSteps}
	if stepping {
		opts.OnStep = m.onStep
	}
	if isModule(prog) && prog.HasFunc("main") {
		// A module and a user program in one snippet share one image,
		// loaded as the user program's (so the program's strings and
		// buffers are user memory, as copy_from_user expects); the
		// module's own globals therefore live there too and its code
		// reaches them through the split view — a simplification of two
		// separate images, said in the report list (registerModule) and
		// in package kernel's essay. Module code called from the
		// program's system calls runs on the same stack.
		if err := m.load(p, included["oracle.h"]); err != nil {
			return nil, err
		}
		m.mem = splitMem{user: m.proc.User, k: m.k}
		m.k.DataMem = m.mem
		m.registerModule(p, m.mem)
		m.thread = prog.NewThread(m.mem, m.mainTop, opts)
	} else if isModule(prog) {
		if err := m.loadModule(p); err != nil {
			return nil, err
		}
		// module code runs on the current task's kernel stack
		stacks := m.k.KernelStacks()
		if len(stacks) == 0 {
			return nil, fmt.Errorf("the kernel has no task stack")
		}
		m.thread = prog.NewThread(m.mem, stacks[len(stacks)-1]+kernel.ThreadSize-16, opts)
	} else {
		if err := m.load(p, included["oracle.h"]); err != nil {
			return nil, err
		}
		m.mem = m.proc.User
		m.thread = prog.NewThread(m.proc.User, m.mainTop, opts)
	}
	m.k.CallFunc = m.callFunc
	m.k.Caller = m.callerSymbol
	m.k.Symbolize = m.symbolize
	// the host's memory budget: what the snippet may write, on top of
	// what boot and the loader wrote
	maxMem := p.Config.MaxMemory
	if maxMem == 0 {
		maxMem = DefaultMaxMemory
	}
	m.hw.Mem.SetContentLimit(int(maxMem >> arch.PageShift))
	return m, nil
}

func bootMachine(cfg Config, name string) (*machine, error) {
	m := &machine{cfg: cfg}
	hw, err := m.bootKernel(cfg)
	if err != nil {
		return nil, fmt.Errorf("boot: %w", err)
	}
	m.hw = hw
	m.commit = mm.NewCommit(hw.Pages, cfg.Overcommit)
	comm := strings.TrimSuffix(path.Base(name), ".c")
	if len(comm) > 15 { // TASK_COMM_LEN 16
		comm = comm[:15]
	}
	m.as, err = mm.New(hw.Pages, mm.Config{PID: pid, Comm: comm, Commit: m.commit, Recorder: m,
		FatalSignal: m.k.TakeFatalSignal})
	if err != nil {
		return nil, fmt.Errorf("boot: %w", err)
	}
	stdout := libc.Pipe
	if cfg.Stdout == "tty" {
		stdout = libc.TTY
	}
	m.proc = libc.NewProcess(m.as, libc.ProcessConfig{
		PID:       pid,
		Stdout:    stdout,
		ErrnoAddr: errnoAddr,
		FileAddrs: [3]uint64{fileStdin, fileStdout, fileStderr},
		Recorder:  m,
		Sanitize:  cfg.Sanitize == "abort",
	})
	m.proc.Line = func() int {
		if m.thread == nil {
			return 0
		}
		return m.thread.Pos().Line
	}
	m.proc.ProcFS = m.procFS
	// one descriptor table for the process: libc's /proc files and the
	// kernel's device files
	m.proc.FDBusy = m.k.IsDeviceFD
	m.k.FDBusy = m.proc.FDOpen
	m.k.SetCurrent(kernel.Task{PID: pid, Comm: comm})
	m.k.AttachUser(m.as)
	m.k.Committed = func() uint64 { return m.commit.Committed }
	return m, nil
}

// load maps the program image and the rest of the start-up address space,
// as the kernel's ELF loader and ld.so leave it before main (the layout of
// a gcc -O0 PIE on Debian 12 with ASLR off, measured with setarch -R and
// nm; a program of up to a page of text and of read-only data):
//
//	0x555555554000 r--p  ELF headers                        (file, offset 0)
//	0x555555555000 r-xp  .text                              (file)
//	0x555555556000 r--p  .rodata: _IO_stdin_used, then the snippet's
//	0x555555557000 r--p  RELRO: .init_array .dynamic .got and the first
//	                     3 .got.plt slots, read-only once ld.so relocated
//	                     them (the page before the RW segment's, again)
//	0x555555558000 rw-p  .got.plt's PLT slots (8 bytes a function the
//	                     snippet calls), .data: crt1's data_start and
//	                     crtbegin's __dso_handle, the snippet's .data and
//	                     .data.rel.local; .bss: crtbegin's completed.0,
//	                     then the snippet's (file, then anonymous pages)
//	               ...   brk heap from the page-aligned end of .bss
//	0x7ffff7dd2000 ...   libc, ld.so, [vvar], [vdso]
//	0x7ffffffde000 rw-p  [stack] up to 0x7ffffffff000
//
// So "int a = 1;" in a program that calls printf and malloc is at
// 0x555555558020 and the first malloc returns 0x5555555592a0, as on the
// real machine. Text is not laid out like gcc's (functions are 16-byte
// slots, package interp), so function addresses differ.
//
// A program that includes oracle.h gets what the oracle's constructor
// oracle_init does before main (../shared/oracle/oracle.h): the small hole
// ld.so leaves where it unmapped ld.so.cache is plugged with a PROT_NONE
// mapping, so every mmap goes directly below the lowest mapping. (Its
// other steps — no THP, pre-faulted start-up mappings — are how this model
// always behaves.)
func (m *machine) load(p *Program, oracle bool) error {
	prog := m.prog
	exe := "/tmp/" + strings.TrimSuffix(path.Base(p.Name), ".c")
	m.exe = exe
	m.proc.ProgName = path.Base(exe)
	file := func(start, size uint64, prot mm.Prot, off uint64) mm.Mapping {
		return mm.Mapping{Start: start, End: start + size, Prot: prot, Name: exe, File: true,
			Offset: off, Major: 0xfe, Inode: 9978179, Populate: true}
	}
	pages := func(n uint64) uint64 {
		if n == 0 {
			return arch.PageSize
		}
		return arch.PageAlignUp(n)
	}
	l := imageLayout(prog, oracle)
	text := uint64(arch.PIEBase + arch.PageSize)
	textSize := pages(prog.TextSize)
	roPage := text + textSize
	rodata := roPage + l.rodataOff
	roSize := pages(l.rodataOff + prog.RodataSize)
	relro := roPage + roSize
	dataPage := relro + arch.PageSize
	data, bss := dataPage+l.dataOff, dataPage+l.bssOff
	bssEnd := bss + prog.BssSize
	dataSize := pages(l.bssOff) // the file's part: up to the start of .bss
	roOff := arch.PageSize + textSize
	maps := []mm.Mapping{
		file(arch.PIEBase, arch.PageSize, mm.PROT_READ, 0),
		file(text, textSize, mm.PROT_READ|mm.PROT_EXEC, arch.PageSize),
		file(roPage, roSize, mm.PROT_READ|mm.PROT_WRITE, roOff), // read-only after Load
		file(relro, arch.PageSize, mm.PROT_READ, roOff+roSize-arch.PageSize),
		file(dataPage, dataSize, mm.PROT_READ|mm.PROT_WRITE, roOff+roSize),
	}
	maps[0].Code = false
	maps[1].Code = true
	if end := arch.PageAlignUp(bssEnd); end > dataPage+dataSize {
		maps = append(maps, mm.Mapping{Start: dataPage + dataSize, End: end, Prot: mm.PROT_READ | mm.PROT_WRITE, Populate: true})
	}
	maps[len(maps)-1].BrkAfter = true
	if arch.PageAlignUp(bssEnd) > arch.MmapBase-(1<<30) {
		return fmt.Errorf("the program's globals need %d bytes, more than the address space has room for", bssEnd-dataPage)
	}
	if err := m.mapStartup(maps, oracle); err != nil {
		return err
	}
	if err := prog.Load(m.as, interp.Layout{TextBase: text, RodataBase: rodata, DataBase: data, BssBase: bss}); err != nil {
		return err
	}
	m.mainTop, m.mainArgs = m.startStack(exe)
	return m.as.Mprotect(roPage, roSize, mm.PROT_READ)
}

// oracleCalls are the libc functions oracle.h's own code calls
// (../shared/oracle/oracle.h: its helpers and oracle_init), which are in
// the PLT of every oracle program.
var oracleCalls = []string{"close", "getrusage", "madvise", "mlockall", "mmap", "munlockall", "open", "prctl", "read", "sbrk"}

// image is where the snippet's sections start, as offsets: .rodata's
// from the first .rodata page, .data's and .bss's from the RW page.
type image struct {
	rodataOff, dataOff, bssOff uint64
}

// imageLayout places the snippet's sections after what crt1.o,
// crtbegin.o and the linker put before them (see load).
func imageLayout(prog *interp.Program, oracle bool) image {
	up := func(n, a uint64) uint64 { return (n + a - 1) &^ (a - 1) }
	plt := map[string]bool{}
	for _, n := range prog.PLTCalls {
		plt[n] = true
	}
	if oracle {
		for _, n := range oracleCalls {
			plt[n] = true
		}
	}
	var l image
	l.rodataOff = up(4, prog.RodataAlign) // _IO_stdin_used
	dataStart := up(8*uint64(len(plt)), max(8, prog.DataAlign))
	l.dataOff = up(dataStart+16, prog.DataAlign) // data_start, __dso_handle
	bssStart := up(l.dataOff+prog.DataSize, prog.BssAlign)
	l.bssOff = up(bssStart+1, prog.BssAlign) // completed.0
	return l
}

// mapStartup maps the image mappings given, then what ld.so and exec leave
// beside them: libc, ld.so, [vvar], [vdso] (and the oracle's plugged
// hole) and the stack.
func (m *machine) mapStartup(maps []mm.Mapping, oracle bool) error {
	maps = append(maps, libcMappings...)
	if oracle {
		maps = append(maps, mm.Mapping{Start: ldsoCacheHole, End: ldsoCacheHoleEnd, Prot: mm.PROT_NONE})
	}
	maps = append(maps, mm.Mapping{Start: stackStart, End: arch.StackTop, Prot: mm.PROT_READ | mm.PROT_WRITE,
		Stack: true, StackPointer: initialStack(m.exe).argc, Populate: true})
	for _, mp := range maps {
		if err := m.as.MapFixed(mp); err != nil {
			return fmt.Errorf("loading the program: mapping 0x%x-0x%x: %w", mp.Start, mp.End, err)
		}
	}
	m.as.Store(varStdin, 8, fileStdin) // rw-p and populated: cannot fault
	m.as.Store(varStdout, 8, fileStdout)
	m.as.Store(varStderr, 8, fileStderr)
	return nil
}

// procFS serves the machine-wide /proc files the user process can open:
// the kernel's (meminfo, buddyinfo, slabinfo, vmallocinfo, modules' own).
func (m *machine) procFS(path string) (string, bool) {
	text, ok := m.k.ReadProc(path)
	m.k.ReturnToUser() // a module's show function may have been OOM-killed
	return text, ok
}

// onStep is the interpreter's step hook while a session steps: it counts
// the statement about to run and pauses before it when the session's
// target is reached.
func (m *machine) onStep(t *interp.Thread) {
	m.started++
	tg := m.co.target
	if m.started > tg.step {
		m.co.pause()
		return
	}
	if tg.line != 0 && t.Pos().Line == tg.line && m.started > tg.from {
		m.co.pause()
	}
}
