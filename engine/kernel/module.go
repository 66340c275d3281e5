package kernel

import (
	"fmt"
	"sort"
	"strings"

	"mmplay/engine/arch"
)

// Module is one loaded module: its name, the module_init/module_exit
// functions the integrator found (the __mmplay_module_init/exit variables
// the headers' macros declare), and what it allocated.
type Module struct {
	Name       string
	Init, Exit uint64 // snippet function addresses; 0: none
	License    string

	initRunning, unloaded bool
	areas                 []uint64 // ModuleAlloc areas (module code and data)
	memblock              uint64   // frames it took with memblock_alloc (never freed)
}

// Leak is one allocation a module left behind at unload.
type Leak struct {
	Kind  string // "pages", "kmalloc", "kmem_cache", "vmalloc", "chrdev", "irq", "proc"
	Addr  uint64 // address (pages: direct-map address; chrdev: major; irq: line)
	Size  uint64 // bytes, if any
	Order int    // pages: the order
	What  string // plain words
}

// LoadModule registers a module about to be loaded (load_module): on the
// first out-of-tree, unsigned module it prints the two taint messages a
// Debian kernel prints (kernel/module/main.c: "loading out-of-tree module
// taints kernel." and kernel/module/signing.c: "module verification failed:
// signature and/or required key missing - tainting kernel") and taints O and E.
//
// Linux 2.0 prints nothing: it had neither taint flags (2.4.10 brought
// them, with MODULE_LICENSE) nor module signing; its sys_create_module
// and sys_init_module are silent on success (kernel/module.c, 2.0).
func (k *Kernel) LoadModule(name string) *Module {
	if k.cfg.Kernel != "2.0" && k.taint&(1<<TaintOOTModule) == 0 {
		k.pr(LogWarning, "%s: loading out-of-tree module taints kernel.", name)
		k.AddTaint(TaintOOTModule)
	}
	if k.cfg.Kernel != "2.0" && k.taint&(1<<TaintUnsigned) == 0 {
		k.pr(LogWarning, "%s: module verification failed: signature and/or required key missing - tainting kernel", name)
		k.AddTaint(TaintUnsigned)
	}
	m := &Module{Name: name}
	k.modules = append(k.modules, m)
	return m
}

// AllocModuleMemory is module_alloc for m's code and data (see ModuleAlloc);
// the area is freed at UnloadModule.
func (k *Kernel) AllocModuleMemory(m *Module, size uint64) (uint64, error) {
	addr, err := k.ModuleAlloc(size)
	if err == nil && m != nil {
		m.areas = append(m.areas, addr)
	}
	return addr, err
}

// RunInit runs m's init as do_init_module does, as task insmod (the
// caller sets the pid with SetCurrent beforehand if it wants another):
// it returns init's int result (on 2.0, -EBUSY for a positive one, which
// failed the load there). A positive result gets 6.1's warning
// ("'%s'->init suspiciously returned %d, it should follow 0/-E
// convention" and "loading module anyway..."); a negative one fails the
// load (the module is unloaded without running exit).
func (k *Kernel) RunInit(m *Module) int {
	if m.Init == 0 {
		return 0
	}
	saved := k.current
	if k.current.Comm != "insmod" {
		k.SetCurrent(Task{PID: 614, Comm: "insmod"}) // the measured insmod's pid (summary.txt WARNING line)
	}
	defer func() { k.current = saved }()
	m.initRunning = true
	ret := int(int32(k.call(m, m.Init)))
	m.initRunning = false
	if k.cfg.Kernel == "2.0" && ret > 0 {
		// 2.0's sys_init_module: "if ((*rt.init)() != 0) return -EBUSY;"
		// — any nonzero result fails the load, silently
		ret = -EBUSY
	}
	if ret > 0 {
		k.pr(LogWarning, "%s: '%s'->init suspiciously returned %d, it should follow 0/-E convention", "do_init_module", m.Name, ret)
		k.pr(LogWarning, "%s: loading module anyway...", "do_init_module")
	}
	if ret < 0 {
		k.release(m)
	}
	k.ReturnToUser() // finit_module returns: an OOM kill of insmod lands here
	return ret
}

// UnloadModule runs m's exit (delete_module) and frees its memory, then
// lists what it left allocated (kmemleak-style, in mmplay's report list).
func (k *Kernel) UnloadModule(m *Module) []Leak {
	if m.unloaded {
		return nil
	}
	if m.Exit != 0 {
		k.call(m, m.Exit)
	}
	leaks := k.Leaks(m)
	for _, l := range leaks {
		k.report("leak", fmt.Sprintf("%s: %s", m.Name, l.What),
			"The module was unloaded but this allocation was never freed. Kernel memory is not released when a module goes away: "+
				"it stays allocated until reboot, and nothing points to it any more.")
	}
	k.release(m)
	k.ReturnToUser() // delete_module returns
	return leaks
}

func (k *Kernel) release(m *Module) {
	for _, a := range m.areas {
		k.ModuleFree(a)
	}
	m.areas = nil
	m.unloaded = true
}

// Leaks lists what m still holds: page blocks, kmalloc objects and vmalloc
// areas it allocated through the kernel API and did not free, character
// devices, IRQ handlers and /proc files it did not remove. In address
// order within each kind.
func (k *Kernel) Leaks(m *Module) []Leak {
	var out []Leak
	for _, pfn := range sortedKeys(k.pages) {
		if a := k.pages[pfn]; a.module == m {
			out = append(out, Leak{Kind: "pages", Addr: PfnToVirt(pfn), Size: arch.PageSize << a.order, Order: a.order,
				What: fmt.Sprintf("%s (order %d) at %#x from %s", arch.Count(1<<a.order, "page"), a.order, PfnToVirt(pfn), a.caller)})
		}
	}
	for _, addr := range sortedKeys(k.kmallocs) {
		if a := k.kmallocs[addr]; a.module == m {
			out = append(out, Leak{Kind: "kmalloc", Addr: addr, Size: a.size, What: fmt.Sprintf("%s object of %s at %#x", a.fn, arch.Count(a.size, "byte"), addr)})
		}
	}
	out = append(out, k.cacheLeaks(m)...)
	for _, addr := range sortedKeys(k.vmallocs) {
		if a := k.vmallocs[addr]; a.module == m {
			out = append(out, Leak{Kind: "vmalloc", Addr: addr, Size: a.size, What: fmt.Sprintf("%s area of %s at %#x", a.fn, arch.Count(a.size, "byte"), addr)})
		}
	}
	for _, major := range sortedKeys(k.chrdevs) {
		if d := k.chrdevs[major]; d.module == m {
			out = append(out, Leak{Kind: "chrdev", Addr: uint64(major), What: fmt.Sprintf("character device %q (major %d) still registered: opening it now would call into freed module code", d.name, major)})
		}
	}
	for _, irq := range sortedKeys(k.irqs) {
		for _, a := range k.irqs[irq] {
			if a.module == m {
				out = append(out, Leak{Kind: "irq", Addr: uint64(irq), What: fmt.Sprintf("IRQ %d handler %q not freed: the next interrupt would jump into freed module code", irq, a.name)})
			}
		}
	}
	names := make([]string, 0, len(k.procFiles))
	for n, f := range k.procFiles {
		if f.module == m {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, Leak{Kind: "proc", What: fmt.Sprintf("/proc/%s not removed (remove_proc_entry)", n)})
	}
	return out
}

type cmpKey interface{ ~int | ~uint64 }

func sortedKeys[K cmpKey, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for key := range m {
		ks = append(ks, key)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// objAllocRec is one kmalloc or vmalloc made through the kernel API.
type objAllocRec struct {
	size   uint64
	fn     string
	module *Module
}

// Modules returns the loaded modules (oldest first).
func (k *Kernel) Modules() []*Module { return append([]*Module(nil), k.modules...) }

// seqFile is a struct seq_file in kernel memory during a show call.
type seqFile struct{ buf strings.Builder }

// Offsets in struct seq_file (include/linux/seq_file.h, 6.1, x86-64):
// buf 0, size 8, from 16, count 24, pad_until 32, index 40, read_pos 48,
// lock 56 (struct mutex, 32 bytes), op 88, poll_event 96, file 104,
// private 112; sizeof 120.
const seqPrivate = 112

// Offsets in struct proc_ops (include/linux/proc_fs.h, 6.1): proc_flags 0,
// proc_open 8, proc_read 16, proc_read_iter 24, proc_write 32,
// proc_lseek 40, proc_release 48, …
const (
	procOpsOpen    = 8
	procOpsRelease = 48
)

// ProcCreateSingle is proc_create_single_data(name, mode, parent, show,
// data): a read-only /proc file whose contents are what show(m, v) prints
// with seq_printf. Returns a non-zero proc_dir_entry handle, or 0 when the
// name exists (the real one also warns "proc_dir_entry '%s' already
// registered", printed here).
func (k *Kernel) ProcCreateSingle(name string, show, data uint64) uint64 {
	if !k.procNameOK(name) {
		return 0
	}
	if _, ok := k.procFiles[name]; ok {
		k.pr(LogWarning, "proc_dir_entry '/proc/%s' already registered", name)
		return 0
	}
	k.procOrder = append(k.procOrder, name)
	k.procFiles[name] = ProcFile{module: k.module, show: show, data: data}
	return k.procHandle(name)
}

// ProcCreate is proc_create(name, mode, parent, proc_ops). mmplay reads
// such a file the seq_file way: proc_open(inode, file) is called and must
// call single_open(file, show, data) (the usual pattern with
// .proc_read = seq_read); then show runs and proc_release is called.
// A custom proc_read that copies to a user buffer is not supported.
func (k *Kernel) ProcCreate(name string, ops uint64) uint64 {
	if !k.procNameOK(name) {
		return 0
	}
	if _, ok := k.procFiles[name]; ok {
		k.pr(LogWarning, "proc_dir_entry '/proc/%s' already registered", name)
		return 0
	}
	k.procOrder = append(k.procOrder, name)
	k.procFiles[name] = ProcFile{module: k.module, opsAddr: ops}
	return k.procHandle(name)
}

// procNameOK is __proc_create's name check: an empty name or one of 256
// bytes or more warns "name len %u" and fails. Names with a '/' (entries
// in subdirectories) are refused by mmplay, which has no proc_mkdir.
func (k *Kernel) procNameOK(name string) bool {
	if len(name) == 0 || len(name) >= 256 {
		k.pr(LogWarning, "name len %d", len(name))
		return false
	}
	return !strings.Contains(name, "/")
}

// procHandle is a stable non-zero stand-in for the proc_dir_entry pointer.
func (k *Kernel) procHandle(name string) uint64 {
	for i, n := range k.procOrder {
		if n == name {
			return PageOffset - uint64(i+1)*0x100 // never dereferenced by mmplay; a module must treat it as opaque
		}
	}
	return 0
}

// RemoveProcEntry is remove_proc_entry(name, parent).
func (k *Kernel) RemoveProcEntry(name string) {
	if _, ok := k.procFiles[name]; !ok {
		k.pr(LogWarning, "remove_proc_entry: removing non-existing entry '%s'", name)
		return
	}
	delete(k.procFiles, name)
	for i, n := range k.procOrder {
		if n == name {
			k.procOrder = append(k.procOrder[:i], k.procOrder[i+1:]...)
			break
		}
	}
}

// readModuleProc runs a module's seq_file show for one read of the file.
func (k *Kernel) readModuleProc(name string, f ProcFile) (string, bool) {
	if k.CallFunc == nil {
		return "", false
	}
	file, ok1 := k.objAlloc()
	inode, ok2 := k.objAlloc()
	sf, ok3 := k.objAlloc()
	defer func() { k.objFree(file); k.objFree(inode); k.objFree(sf) }()
	if !ok1 || !ok2 || !ok3 {
		return "", false
	}
	k.Store(file+fileInode, 8, inode)
	k.Store(file+fileMode, 4, fmodeRead)
	k.Store(inode+inodeMode, 2, 0o100444)
	show, data := f.show, f.data
	if f.opsAddr != 0 {
		k.pendingSingle = nil
		if open := k.dataMem().Load(f.opsAddr+procOpsOpen, 8); open != 0 {
			if ret := int32(k.call(f.module, open, inode, file)); ret != 0 {
				return "", false
			}
		}
		if k.pendingSingle == nil || k.pendingSingle.file != file {
			return "", false
		}
		show, data = k.pendingSingle.show, k.pendingSingle.data
		defer func() {
			if rel := k.dataMem().Load(f.opsAddr+procOpsRelease, 8); rel != 0 {
				k.call(f.module, rel, inode, file)
			}
		}()
	}
	k.Store(sf+seqPrivate, 8, data)
	k.Store(file+filePrivate, 8, sf)
	s := &seqFile{}
	if k.seqFiles == nil {
		k.seqFiles = map[uint64]*seqFile{}
	}
	k.seqFiles[sf] = s
	defer delete(k.seqFiles, sf)
	k.call(f.module, show, sf, 0)
	return s.buf.String(), true
}

// singleOpen records single_open(file, show, data) during a proc_open.
type singleOpen struct{ file, show, data uint64 }

// SingleOpen is single_open(file, show, data): 0.
func (k *Kernel) SingleOpen(file, show, data uint64) int {
	k.pendingSingle = &singleOpen{file, show, data}
	return 0
}

// SeqWrite appends to the seq_file at m (seq_printf, seq_puts, seq_putc);
// false when m is not a seq_file being shown.
func (k *Kernel) SeqWrite(m uint64, s string) bool {
	sf := k.seqFiles[m]
	if sf == nil {
		return false
	}
	if sf.buf.Len()+len(s) > 1<<20 {
		return false // seq_file overflow: the real one retries with a bigger buffer; mmplay caps at 1 MiB
	}
	sf.buf.WriteString(s)
	return true
}
