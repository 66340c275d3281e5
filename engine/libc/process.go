package libc

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/asan"
	"mmplay/engine/cc/interp"
	"mmplay/engine/glibc"
	"mmplay/engine/mm"
	"mmplay/engine/phys"
)

// Process is the user-space side of one simulated process: its address
// space, glibc's malloc, stdio, the ASan-style shadow of its heap objects,
// errno, the file table, and what it wrote to fds 1 and 2. The builtins of
// builtins.go are its methods; they are the one place where the
// interpreter meets the allocators (STYLE.md, layout).
type Process struct {
	// ProgName is glibc's __progname (argv[0]'s last part), for
	// assert's message.
	ProgName string
	AS       *mm.AddressSpace
	Malloc   *glibc.Malloc
	Stdio    *Stdio
	Str      *Str // string functions over the checked user memory
	kstr     *Str // string functions over another caller's memory (see str)
	Shadow   *asan.Shadow
	PID      int

	// User is the memory the snippet's own code accesses: the address
	// space seen through the shadow's checks. glibc and stdio use AS
	// directly, as the real ones are not instrumented.
	User *UserMemory

	// View is the memory through which libc reads strings the program
	// passes (formats, paths): the address space, or a wider view when
	// the snippet's image lives elsewhere (a module and main in one
	// snippet; see package engine).
	View Memory

	// Stdout and Stderr hold the bytes written to fds 1 and 2.
	Stdout, Stderr []byte
	// MaxOutput caps each of Stdout and Stderr; a program that writes
	// more is stopped with a clear message (SPEC §5, limits).
	MaxOutput int

	// Reports are mmplay's own plain-words findings (--explain).
	Reports []string

	// ErrnoAddr is where errno lives (libc's TLS block); __errno_location
	// returns it.
	ErrnoAddr uint64
	// FileAddrs are the addresses of the FILE objects stdin, stdout, stderr.
	FileAddrs [3]uint64

	// Line returns the line of the statement being executed (for reports).
	Line func() int
	// Abort says what to do on sanitize=abort reports (nil: observe only).
	SanitizeAbort bool

	// ProcFS serves the machine-wide /proc files (the kernel layer).
	ProcFS func(path string) (string, bool)
	// FDBusy, when set, reports descriptors another part of the machine
	// has open for this process (the kernel's character devices), so that
	// open(2) hands out the lowest descriptor free in both tables.
	FDBusy func(fd int) bool

	rand      randState
	files     map[int]*openFile
	nextFD    int
	rec       arch.Recorder
	stdoutBuf uint64 // the stdout buffer's chunk (not a leak)
	exited    bool
	touched   uint64 // bytes of bulk work so far (MaxBytesTouched)
	forwarded int    // shadow reports already in Reports
}

// openFile is a file opened with open(2): the simulator serves /proc files
// from a text generated when the file is opened (a simplification: the
// kernel's seq_file generates it at the first read).
type openFile struct {
	path string
	data []byte
	off  int
}

// ProcessConfig configures NewProcess.
type ProcessConfig struct {
	PID       int
	Stdout    File // Pipe or TTY
	ErrnoAddr uint64
	FileAddrs [3]uint64
	Arena     uint64 // glibc's main_arena address
	MaxOutput int
	Recorder  arch.Recorder
	Sanitize  bool // stop at the first ASan-style report
}

// NewProcess binds glibc, stdio and the shadow to an address space.
func NewProcess(as *mm.AddressSpace, cfg ProcessConfig) *Process {
	p := &Process{
		AS:            as,
		PID:           cfg.PID,
		Shadow:        asan.New("heap"),
		MaxOutput:     cfg.MaxOutput,
		ErrnoAddr:     cfg.ErrnoAddr,
		FileAddrs:     cfg.FileAddrs,
		SanitizeAbort: cfg.Sanitize,
		files:         map[int]*openFile{},
		nextFD:        3,
		rec:           cfg.Recorder,
		Line:          func() int { return 0 },
	}
	if p.MaxOutput == 0 {
		p.MaxOutput = DefaultMaxOutput
	}
	p.Malloc = glibc.New(glibcKernel{p}, glibc.Config{ArenaAddr: cfg.Arena})
	if cfg.Recorder != nil {
		p.Malloc.SetRecorder(cfg.Recorder)
	}
	p.User = &UserMemory{as: as, shadow: p.Shadow, proc: p}
	p.View = as
	p.Str = NewStr(p.User)
	p.Stdio = NewStdio(Env{
		Mem:   as,
		Alloc: p.stdioAlloc,
		Free:  p.Malloc.Free,
		Write: p.write,
	}, cfg.Stdout, Pipe)
	p.Stdio.Printer.Mem = as
	return p
}

// DefaultMaxOutput caps each output stream at 1 MiB.
const DefaultMaxOutput = 1 << 20

// stdioAlloc is stdio's malloc of its buffer (_IO_file_doallocate): an
// ordinary malloc, remembered so the leak list leaves it out (glibc never
// frees it either).
func (p *Process) stdioAlloc(n uint64) uint64 {
	a := p.Malloc.Malloc(n)
	if a != 0 {
		p.stdoutBuf = a
	}
	return a
}

// OutputLimit stops a program that wrote more than MaxOutput bytes.
type OutputLimit struct{ Max int }

func (e *OutputLimit) Error() string {
	return fmt.Sprintf("the program wrote more than %d bytes of output; mmplay stopped it (output limit)", e.Max)
}

// write is write(2) to fd 1 or 2.
func (p *Process) write(fd int, b []byte) {
	switch fd {
	case 1:
		if len(p.Stdout)+len(b) > p.MaxOutput {
			p.Stdout = append(p.Stdout, b[:p.MaxOutput-len(p.Stdout)]...)
			panic(&OutputLimit{p.MaxOutput})
		}
		p.Stdout = append(p.Stdout, b...)
	case 2:
		if len(p.Stderr)+len(b) > p.MaxOutput {
			p.Stderr = append(p.Stderr, b[:p.MaxOutput-len(p.Stderr)]...)
			panic(&OutputLimit{p.MaxOutput})
		}
		p.Stderr = append(p.Stderr, b...)
	}
}

// Exit is exit(3): flush stdio, then end the process.
func (p *Process) Exit(status int) {
	p.exited = true
	p.Stdio.Exit()
	panic(&arch.Exit{Status: status & 0xff})
}

// MarkExited records that the process has ended without exit(3) work
// to do (insmod for a module-only snippet).
func (p *Process) MarkExited() { p.exited = true }

// Exited reports whether the program called exit(3) or _exit(2) (so the
// return from main must not flush stdio again).
func (p *Process) Exited() bool { return p.exited }

// Abort is abort(3): SIGABRT without flushing stdio (glibc ≥ 2.27, facts §1.16).
func (p *Process) Abort(reason string) {
	panic(&arch.Signal{Signo: arch.SIGABRT, Reason: reason})
}

// Leaks lists the heap objects still allocated (for the exit report),
// leaving out stdio's own buffer.
func (p *Process) Leaks() []asan.Object {
	var out []asan.Object
	for _, o := range p.Shadow.Live() {
		if o.Addr == p.stdoutBuf {
			continue
		}
		out = append(out, o)
	}
	return out
}

// LeakReport renders the leak list, or "" when nothing leaked.
func (p *Process) LeakReport() string {
	leaks := p.Leaks()
	if len(leaks) == 0 {
		return ""
	}
	var b strings.Builder
	var total uint64
	for _, o := range leaks {
		total += o.Size
	}
	fmt.Fprintf(&b, "mmplay: %d bytes in %d heap objects were never freed:\n", total, len(leaks))
	for _, o := range leaks {
		fmt.Fprintf(&b, "    %d bytes at 0x%x from %s", o.Size, o.Addr, o.AllocatedBy())
		if o.AllocLine > 0 {
			fmt.Fprintf(&b, " on line %d", o.AllocLine)
		}
		b.WriteByte('\n')
	}
	b.WriteString("    (The kernel takes all of a process's memory back at exit, so this is harmless here; in a long-running program it grows.)")
	return b.String()
}

// glibcKernel adapts the process to glibc's Kernel interface.
type glibcKernel struct{ p *Process }

func (k glibcKernel) Brk(addr uint64) uint64 {
	old := k.p.AS.CurrentBrk()
	nb := k.p.AS.Brk(addr)
	if nb < old {
		k.p.Shadow.Forget(arch.PageAlignUp(nb), arch.PageAlignUp(old))
	}
	return nb
}

func (k glibcKernel) Mmap(length uint64) (uint64, bool) {
	a, err := k.p.AS.Mmap(0, length, mm.PROT_READ|mm.PROT_WRITE, mm.MAP_PRIVATE|mm.MAP_ANONYMOUS, -1, 0)
	return a, err == nil
}

func (k glibcKernel) Munmap(addr, length uint64) bool {
	k.p.Shadow.Forget(addr, addr+length)
	return k.p.AS.Munmap(addr, length) == nil
}

func (k glibcKernel) Mremap(addr, oldLen, newLen uint64) (uint64, bool) {
	a, err := k.p.AS.Mremap(addr, oldLen, newLen, mm.MREMAP_MAYMOVE, 0)
	if err == nil {
		k.p.Shadow.Forget(addr, addr+oldLen)
	}
	return a, err == nil
}

func (k glibcKernel) MadviseDontneed(addr, length uint64) {
	k.p.AS.Madvise(addr, length, mm.MADV_DONTNEED)
}

var _ glibc.DirectMemory = glibcKernel{}

// DirectPage is glibc.DirectMemory: mm's. glibc is not instrumented (its
// accesses bypass the ASan shadow, as they do in reality), so every page
// the TLB holds qualifies.
func (k glibcKernel) DirectPage(addr uint64, write bool) (**phys.Page, *uint64) {
	return k.p.AS.DirectPage(addr, write)
}

func (k glibcKernel) Load(addr uint64, size int) uint64     { return k.p.AS.Load(addr, size) }
func (k glibcKernel) Store(addr uint64, size int, v uint64) { k.p.AS.Store(addr, size, v) }
func (k glibcKernel) ReadBytes(addr uint64, buf []byte)     { k.p.AS.ReadBytes(addr, buf) }
func (k glibcKernel) WriteBytes(addr uint64, buf []byte)    { k.p.AS.WriteBytes(addr, buf) }

// Abort is malloc_printerr: the message and a newline go to fd 2
// (__libc_message), then abort() — stdio is not flushed.
func (k glibcKernel) Abort(msg string) {
	k.p.write(2, []byte(msg+"\n"))
	k.p.Abort("glibc found its heap metadata corrupted and aborted: " + msg)
}

// UserMemory is the address space as the snippet's own code sees it:
// every access is first shown to the ASan-style shadow (which only
// observes), then performed.
type UserMemory struct {
	as     *mm.AddressSpace
	shadow *asan.Shadow
	proc   *Process
}

func (u *UserMemory) check(addr uint64, size int, write bool) {
	if u.shadow.Check(addr, size, write, u.proc.Line()) {
		return
	}
	u.proc.sanitizerReport()
}

func (u *UserMemory) Load(addr uint64, size int) uint64 {
	u.check(addr, size, false)
	return u.as.Load(addr, size)
}

func (u *UserMemory) Store(addr uint64, size int, v uint64) {
	u.check(addr, size, true)
	u.as.Store(addr, size, v)
}

var _ interp.DirectMemory = (*UserMemory)(nil)

// DirectPage is interp.DirectMemory: mm's, for a page that holds no byte
// the shadow watches (an access there would only move bytes). When the
// shadow's range grows, the process calls AS.ForgetDirect, which changes
// the generation gen.
func (u *UserMemory) DirectPage(addr uint64, write bool) (**phys.Page, *uint64) {
	slot, gen := u.as.DirectPage(addr, write)
	pg := addr &^ arch.PageMask
	if lo, hi := u.shadow.Bounds(); pg < hi && lo < pg+arch.PageSize {
		return nil, gen
	}
	return slot, gen
}

func (u *UserMemory) ReadBytes(addr uint64, buf []byte) {
	u.proc.touch(len(buf))
	if len(buf) > 0 {
		u.check(addr, len(buf), false)
	}
	u.as.ReadBytes(addr, buf)
}

func (u *UserMemory) WriteBytes(addr uint64, buf []byte) {
	u.proc.touch(len(buf))
	if len(buf) > 0 {
		u.check(addr, len(buf), true)
	}
	u.as.WriteBytes(addr, buf)
}

// MaxBytesTouched bounds the bytes the program's bulk operations (memset,
// memcpy, string functions, struct copies through them) may move in one
// run: a loop that copies megabytes per step would otherwise keep the page
// busy for minutes within the step limit (SPEC §6: the engine keeps a
// budget of simulated bytes touched).
const MaxBytesTouched = 4 << 30

// TouchLimit stops a program that moved more than MaxBytesTouched bytes.
type TouchLimit struct{ Max uint64 }

func (e *TouchLimit) Error() string {
	return fmt.Sprintf("the program copied or cleared more than %d GiB of memory; mmplay stopped it (work limit)", e.Max>>30)
}

// touch counts n bytes of bulk work.
func (p *Process) touch(n int) {
	p.touched += uint64(n)
	if p.touched > MaxBytesTouched {
		panic(&TouchLimit{MaxBytesTouched})
	}
}

// SanitizerStop ends a run at the first report when sanitize=abort.
type SanitizerStop struct{ Report string }

func (e *SanitizerStop) Error() string { return e.Report }

// sanitizerReport forwards the shadow's new reports (each kind of report
// on a line is made once) to the report list and the event log, and with
// sanitize=abort stops the program at the first one.
func (p *Process) sanitizerReport() {
	for _, r := range p.Shadow.Reports[p.forwarded:] {
		p.Reports = append(p.Reports, r.Text)
		if p.rec != nil {
			p.rec.Record(arch.Event{Kind: arch.EvReport, Source: "asan", Addr: r.Addr, Size: uint64(r.Size), Detail: r.Kind})
		}
	}
	p.forwarded = len(p.Shadow.Reports)
	if p.SanitizeAbort && p.forwarded > 0 {
		panic(&SanitizerStop{Report: p.Shadow.Reports[0].Text})
	}
}

// str returns the string functions over the memory of the code that
// calls them: the checked user memory for the program, the thread's own
// memory for a module's code (its kmalloc'ed buffers are kernel
// addresses, which the user view refuses). The string functions of
// linux/string.h are the same builtins as string.h's.
func (p *Process) str(c *interp.Call) *Str {
	if c == nil || c.Thread == nil || c.Thread.Mem == nil {
		return p.Str
	}
	if u, ok := c.Thread.Mem.(*UserMemory); ok && u == p.User {
		return p.Str
	}
	if p.kstr == nil {
		p.kstr = NewStr(c.Thread.Mem)
	}
	p.kstr.Mem = c.Thread.Mem
	return p.kstr
}

// FDOpen reports whether fd is one of the process's open /proc files.
func (p *Process) FDOpen(fd int) bool { return p.files[fd] != nil }
