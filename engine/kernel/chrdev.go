package kernel

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"mmplay/engine/arch"
	"mmplay/engine/cc/interp"
)

// Offsets of the function pointers the kernel calls in struct
// file_operations (include/linux/fs.h, 6.1, x86-64: eight-byte pointers
// in declaration order owner, llseek, read, write, read_iter, write_iter,
// iopoll, iterate, iterate_shared, poll, unlocked_ioctl, compat_ioctl,
// mmap, mmap_supported_flags, open, flush, release, …).
const (
	fopsLlseek  = 8
	fopsRead    = 16
	fopsWrite   = 24
	fopsOpen    = 112
	fopsRelease = 128
)

// Offsets in struct file (include/linux/fs.h, 6.1, x86-64, Debian config):
// f_u 0, f_path 16, f_inode 32, f_op 40, f_lock 48, f_count 56, f_flags 64,
// f_mode 68, f_pos_lock 72, f_pos 104, f_owner 112, f_cred 144, f_ra 152,
// f_version 184, f_security 192, private_data 200, f_ep 208, f_mapping 216,
// f_wb_err 224, f_sb_err 228; sizeof 232.
const (
	fileInode   = 32
	fileOp      = 40
	fileCount   = 56
	fileFlags   = 64
	fileMode    = 68
	filePos     = 104
	filePrivate = 200
	// mmplay's struct inode (not the real layout; see headers.go):
	// i_mode 0, i_rdev 4, i_size 8, i_private 16, i_cdev 24.
	inodeMode    = 0
	inodeRdev    = 4
	inodeSize    = 8
	inodePrivate = 16
	// the loff_t vfs_read passes lives after the file object's slot data
	// (mmplay: in the same slot at offset 240; the real one is a local on
	// the kernel stack of ksys_read).
	filePposSlot = 240
)

// File mode bits (include/linux/fs.h) and open flags (asm-generic/fcntl.h).
const (
	fmodeRead  = 0x1
	fmodeWrite = 0x2
	fmodeLseek = 0x4
	fmodePread = 0x8
	oAccmode   = 3
	sIFCHR     = 0020000
	// chrdevMajorMax is CHRDEV_MAJOR_MAX; dynamic majors are searched from
	// CHRDEV_MAJOR_DYN_END… in fs/char_dev.c:find_dynamic_major: 254 down
	// to 234.
	chrdevMajorMax = 512
	chrdevDynFirst = 254
	chrdevDynLast  = 234
	maxRWCount     = 0x7ffff000 // MAX_RW_COUNT = INT_MAX & PAGE_MASK
)

// builtinChrdevs are the character majors a small 6.1 VM registers at
// boot (a subset of a QEMU guest's /proc/devices).
var builtinChrdevs = []struct {
	major int
	name  string
}{{1, "mem"}, {4, "tty"}, {5, "/dev/tty"}, {7, "vcs"}, {10, "misc"}, {13, "input"}, {128, "ptm"}, {136, "pts"}}

// chrdev is one register_chrdev registration (all 256 minors).
type chrdev struct {
	major  int
	name   string
	fops   uint64 // address of the module's struct file_operations
	module *Module
}

// openFile is one open device file.
type openFile struct {
	dev          *chrdev
	major, minor int
	file, inode  uint64 // kernel objects
}

// RegisterChrdev is register_chrdev(major, name, fops): major 0 asks for
// a dynamic major (returned); a fixed major returns 0; -EBUSY when taken,
// -EINVAL when out of range (fs/char_dev.c:__register_chrdev_region).
func (k *Kernel) RegisterChrdev(major int, name string, fops uint64) int {
	taken := func(m int) bool {
		if k.chrdevs[m] != nil {
			return true
		}
		for _, b := range builtinChrdevs {
			if b.major == m {
				return true
			}
		}
		return false
	}
	if major < 0 || major >= chrdevMajorMax {
		return -EINVAL
	}
	ret := 0
	if major == 0 {
		for m := chrdevDynFirst; m >= chrdevDynLast; m-- {
			if !taken(m) {
				major = m
				break
			}
		}
		if major == 0 {
			return -EBUSY
		}
		ret = major
	} else if taken(major) {
		return -EBUSY
	}
	k.chrdevs[major] = &chrdev{major: major, name: name, fops: fops, module: k.module}
	return ret
}

// UnregisterChrdev is unregister_chrdev(major, name).
func (k *Kernel) UnregisterChrdev(major int, name string) {
	if d := k.chrdevs[major]; d != nil {
		for fd, f := range k.files {
			if f.dev == d {
				// the real kernel keeps the open file's f_op; mmplay closes it
				k.dropFile(fd, f)
			}
		}
		delete(k.chrdevs, major)
	}
}

// dataMem is the memory through which the kernel reads structures the
// snippet defined (file_operations, proc_ops): the integrator's DataMem,
// or kernel space.
func (k *Kernel) dataMem() interp.Memory {
	if k.DataMem != nil {
		return k.DataMem
	}
	return kernelMemory{k}
}

// lookupDevice resolves "/dev/NAME" or "/dev/NAME<minor>" (as LDD's
// scull_load script names the nodes it makes with mknod).
func (k *Kernel) lookupDevice(path string) (*chrdev, int, bool) {
	name, ok := strings.CutPrefix(path, "/dev/")
	if !ok || name == "" {
		return nil, 0, false
	}
	majors := make([]int, 0, len(k.chrdevs))
	for m := range k.chrdevs {
		majors = append(majors, m)
	}
	sort.Ints(majors)
	for _, m := range majors {
		if d := k.chrdevs[m]; d.name == name {
			return d, 0, true
		}
	}
	for _, m := range majors {
		d := k.chrdevs[m]
		if rest, ok := strings.CutPrefix(name, d.name); ok {
			if n, err := strconv.Atoi(rest); err == nil && n >= 0 && n < 256 && rest[0] != '+' && rest[0] != '-' {
				return d, n, true
			}
		}
	}
	return nil, 0, false
}

// IsDevice reports whether path names a registered character device.
func (k *Kernel) IsDevice(path string) bool { _, _, ok := k.lookupDevice(path); return ok }

// IsDeviceFD reports whether fd is an open device file.
func (k *Kernel) IsDeviceFD(fd int) bool { return k.files[fd] != nil }

// call runs a snippet function with the module that owns it as the
// running module.
func (k *Kernel) call(m *Module, fn uint64, args ...uint64) uint64 {
	if k.CallFunc == nil {
		return uint64(^uint64(EINVAL - 1)) // -EINVAL
	}
	if m != nil && m.unloaded {
		// The module's code is gone (its pages were freed at unload): the
		// CPU fetches an instruction from an unmapped address.
		k.oopsFetch(fn)
	}
	saved := k.module
	k.module = m
	defer func() { k.module = saved }()
	return k.CallFunc(fn, args...)
}

func neg(e int) int64 { return -int64(e) }

// SysOpen is open(path, flags) on a device node: chrdev_open allocates the
// struct inode and struct file and calls the module's open(inode, filp).
// It returns the fd (3 upward) or a negative errno (-ENOENT: no such
// device; the handler's error otherwise).
func (k *Kernel) SysOpen(path string, flags int) int64 {
	r := k.sysOpen(path, flags)
	k.ReturnToUser()
	return r
}

func (k *Kernel) sysOpen(path string, flags int) int64 {
	d, minor, ok := k.lookupDevice(path)
	if !ok {
		return neg(ENOENT)
	}
	inode, ok1 := k.objAlloc()
	file, ok2 := k.objAlloc()
	if !ok1 || !ok2 {
		k.objFree(inode)
		k.objFree(file)
		return neg(ENOMEM)
	}
	mode := uint64(fmodeLseek | fmodePread)
	switch flags & oAccmode {
	case 0:
		mode |= fmodeRead
	case 1:
		mode |= fmodeWrite
	case 2:
		mode |= fmodeRead | fmodeWrite
	}
	k.Store(inode+inodeMode, 2, sIFCHR|0o644)
	k.Store(inode+inodeRdev, 4, uint64(d.major)<<20|uint64(minor)) // MKDEV: MINORBITS 20
	k.Store(file+fileInode, 8, inode)
	k.Store(file+fileOp, 8, d.fops)
	k.Store(file+fileCount, 8, 1)
	k.Store(file+fileFlags, 4, uint64(uint32(flags)))
	k.Store(file+fileMode, 4, mode)
	if open := k.dataMem().Load(d.fops+fopsOpen, 8); open != 0 {
		if ret := int64(int32(k.call(d.module, open, inode, file))); ret != 0 {
			k.objFree(inode)
			k.objFree(file)
			return ret
		}
	}
	fd := k.nextFD
	for k.files[fd] != nil || k.FDBusy != nil && k.FDBusy(fd) {
		fd++
	}
	k.files[fd] = &openFile{dev: d, major: d.major, minor: minor, file: file, inode: inode}
	return int64(fd)
}

// SysRead is read(fd, buf, count) on a device file (fs/read_write.c:
// vfs_read): -EBADF without FMODE_READ, -EINVAL without a read method,
// -EFAULT when the buffer fails access_ok; otherwise the module's
// read(filp, buf, count, &pos), and f_pos takes the new pos.
func (k *Kernel) SysRead(fd int, buf, count uint64) int64 { return k.rw(fd, buf, count, false) }

// SysWrite is write(fd, buf, count) (vfs_write).
func (k *Kernel) SysWrite(fd int, buf, count uint64) int64 { return k.rw(fd, buf, count, true) }

// rw is vfs_read or vfs_write, then the return to user mode.
func (k *Kernel) rw(fd int, buf, count uint64, write bool) int64 {
	r := k.vfsRW(fd, buf, count, write)
	k.ReturnToUser()
	return r
}

func (k *Kernel) vfsRW(fd int, buf, count uint64, write bool) int64 {
	f := k.files[fd]
	if f == nil {
		return neg(EBADF)
	}
	mode := k.Load(f.file+fileMode, 4)
	need, off := uint64(fmodeRead), uint64(fopsRead)
	if write {
		need, off = fmodeWrite, fopsWrite
	}
	if mode&need == 0 {
		return neg(EBADF)
	}
	fn := k.dataMem().Load(k.Load(f.file+fileOp, 8)+off, 8)
	if fn == 0 {
		return neg(EINVAL)
	}
	if !AccessOK(buf, count) {
		return neg(EFAULT)
	}
	count = min(count, maxRWCount)
	ppos := f.file + filePposSlot
	k.Store(ppos, 8, k.Load(f.file+filePos, 8))
	ret := int64(k.call(f.dev.module, fn, f.file, buf, count, ppos))
	if ret >= 0 {
		k.Store(f.file+filePos, 8, k.Load(ppos, 8))
	}
	return ret
}

// SysLseek is lseek(fd, off, whence) (vfs_llseek): the module's llseek, or
// -ESPIPE without one (no_llseek).
func (k *Kernel) SysLseek(fd int, off int64, whence int) int64 {
	f := k.files[fd]
	if f == nil {
		return neg(EBADF)
	}
	fn := k.dataMem().Load(k.Load(f.file+fileOp, 8)+fopsLlseek, 8)
	if fn == 0 {
		return neg(ESPIPE)
	}
	r := int64(k.call(f.dev.module, fn, f.file, uint64(off), uint64(int64(whence))))
	k.ReturnToUser()
	return r
}

// SysClose is close(fd): the last reference runs the module's
// release(inode, filp) (__fput); close returns 0 whatever it returns.
func (k *Kernel) SysClose(fd int) int64 {
	f := k.files[fd]
	if f == nil {
		return neg(EBADF)
	}
	if rel := k.dataMem().Load(k.Load(f.file+fileOp, 8)+fopsRelease, 8); rel != 0 {
		k.call(f.dev.module, rel, f.inode, f.file)
	}
	k.dropFile(fd, f)
	k.ReturnToUser()
	return 0
}

func (k *Kernel) dropFile(fd int, f *openFile) {
	delete(k.files, fd)
	k.objFree(f.file)
	k.objFree(f.inode)
}

// AccessOK is access_ok(addr, size): the range lies below TASK_SIZE_MAX
// (arch/x86/include/asm/uaccess.h: __access_ok / valid_user_address); it
// says nothing about what is mapped.
func AccessOK(addr, size uint64) bool {
	return size <= arch.TaskSize && addr <= arch.TaskSize-size
}

// uaccessChunk bounds the Go buffer of one copy step.
const uaccessChunk = 64 << 10

// CopyToUser is copy_to_user(to, from, n): it returns the bytes not
// copied. access_ok failing copies nothing (returns n); a fault on the
// user side stops the copy; the kernel source is read through the kernel
// mappings (a bad kernel source is an Oops, as in the real raw copy).
func (k *Kernel) CopyToUser(to, from, n uint64) uint64 {
	if n == 0 {
		return 0
	}
	if !AccessOK(to, n) || k.user == nil {
		return n
	}
	buf := make([]byte, min(n, uaccessChunk))
	for done := uint64(0); done < n; {
		c := min(n-done, uaccessChunk)
		k.dataMem().ReadBytes(from+done, buf[:c]) // the kernel buffer may be a module's local (see DataMem)
		if left := k.user.CopyOut(to+done, buf[:c]); left != 0 {
			return n - done - c + uint64(left)
		}
		done += c
	}
	return 0
}

// CopyFromUser is copy_from_user(to, from, n): it returns the bytes not
// copied, and the uncopied tail of the kernel buffer is zero-filled
// (lib/usercopy.c:_copy_from_user; facts §7) — all of it when access_ok
// fails.
func (k *Kernel) CopyFromUser(to, from, n uint64) uint64 {
	if n == 0 {
		return 0
	}
	if !AccessOK(from, n) || k.user == nil {
		k.zeroKernel(to, n)
		return n
	}
	buf := make([]byte, min(n, uaccessChunk))
	for done := uint64(0); done < n; {
		c := min(n-done, uaccessChunk)
		left := uint64(k.user.CopyIn(from+done, buf[:c])) // zero-fills its own tail
		k.dataMem().WriteBytes(to+done, buf[:c])
		if left != 0 {
			rest := n - done - c
			k.zeroKernel(to+done+c, rest)
			return rest + left
		}
		done += c
	}
	return 0
}

// zeroKernel is memset(to, 0, n) on kernel memory, page by page; it Oopses
// at the first unmapped page, as the real memset would.
func (k *Kernel) zeroKernel(to, n uint64) {
	for n > 0 {
		c := min(n, arch.PageSize-to&arch.PageMask)
		pa, ok := k.translate(to)
		if !ok {
			k.Oops(to, true)
		}
		if c == arch.PageSize {
			k.Mem.ZeroFrame(pa >> arch.PageShift)
		} else {
			k.Mem.WriteBytes(pa, make([]byte, c))
		}
		to, n = to+c, n-c
	}
}

// PutUser is put_user(x, ptr) for a size-byte value: 0 or -EFAULT.
func (k *Kernel) PutUser(x, ptr uint64, size int) int64 {
	size = accessSize(size)
	var b [8]byte
	for i := range b {
		b[i] = byte(x >> (8 * i))
	}
	if !AccessOK(ptr, uint64(size)) || k.user == nil || k.user.CopyOut(ptr, b[:size]) != 0 {
		return neg(EFAULT)
	}
	return 0
}

// GetUser is get_user(x, ptr): the value (zero on a fault) and 0 or -EFAULT.
func (k *Kernel) GetUser(ptr uint64, size int) (uint64, int64) {
	size = accessSize(size)
	var b [8]byte
	if !AccessOK(ptr, uint64(size)) || k.user == nil || k.user.CopyIn(ptr, b[:size]) != 0 {
		return 0, neg(EFAULT)
	}
	return leUint64(b[:size]), 0
}

// procDevices is /proc/devices (fs/proc/devices.c: "Character devices:",
// "%3d %s" per registration, then the block devices).
func (k *Kernel) procDevices() (string, bool) {
	type ent struct {
		major int
		name  string
	}
	var es []ent
	for _, b := range builtinChrdevs {
		es = append(es, ent{b.major, b.name})
	}
	for m, d := range k.chrdevs {
		es = append(es, ent{m, d.name})
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].major < es[j].major })
	var b strings.Builder
	b.WriteString("Character devices:\n")
	for _, e := range es {
		fmt.Fprintf(&b, "%3d %s\n", e.major, e.name)
	}
	b.WriteString("\nBlock devices:\n")
	return b.String(), true
}
