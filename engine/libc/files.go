package libc

import (
	"strconv"
	"strings"

	"mmplay/engine/cc/interp"
)

// errno values of asm-generic/errno-base.h (Linux 6.1 UAPI).
const (
	ENOENT = 2
	EBADF  = 9
	ENOMEM = 12
	EACCES = 13
	EFAULT = 14
	EINVAL = 22
	EMFILE = 24
)

// The file table: open(2), read(2) and close(2) on the files a snippet may
// open — /proc files (the process's own and, through ProcFS, the
// kernel's). Character devices come with the kernel layer.

// ProcFile returns the text of a /proc file, or ok=false when the machine
// has no such file. /proc/self and /proc/<pid> are this process.
func (p *Process) ProcFile(path string) (string, bool) {
	self := "/proc/" + strconv.Itoa(p.PID) + "/"
	if rest, ok := strings.CutPrefix(path, "/proc/self/"); ok {
		path = self + rest
	}
	switch strings.TrimPrefix(path, self) {
	case "maps":
		return p.AS.Maps(), true
	case "smaps_rollup":
		return p.AS.SmapsRollup(), true
	case "statm":
		return p.AS.Statm(), true
	}
	if p.ProcFS != nil {
		return p.ProcFS(path)
	}
	return "", false
}

func (p *Process) bOpen(c *interp.Call) uint64 {
	path := string(ReadCString(p.View, c.Args[0], 4096, nil))
	flags := int(int32(c.Args[1]))
	text, ok := p.ProcFile(path)
	if !ok {
		p.setErrno(ENOENT)
		return sext32(-1)
	}
	if flags&3 != 0 { // O_WRONLY, O_RDWR: /proc files here are read-only
		p.setErrno(EACCES)
		return sext32(-1)
	}
	if len(p.files) >= 1021 {
		p.setErrno(EMFILE)
		return sext32(-1)
	}
	fd := 3 // the lowest free descriptor, as open(2) returns
	for p.files[fd] != nil || p.FDBusy != nil && p.FDBusy(fd) {
		fd++
	}
	p.files[fd] = &openFile{path: path, data: []byte(text)}
	return uint64(fd)
}

func (p *Process) bRead(c *interp.Call) uint64 {
	fd := int(int32(c.Args[0]))
	f := p.files[fd]
	if f == nil {
		p.setErrno(EBADF)
		return sext32(-1)
	}
	n := c.Args[2]
	rest := uint64(len(f.data) - f.off)
	if n > rest {
		n = rest
	}
	if n == 0 {
		return 0
	}
	if p.AS.CopyOut(c.Args[1], f.data[f.off:f.off+int(n)]) != 0 {
		p.setErrno(EFAULT)
		return sext32(-1)
	}
	f.off += int(n)
	return n
}

func (p *Process) bClose(c *interp.Call) uint64 {
	fd := int(int32(c.Args[0]))
	if p.files[fd] == nil {
		p.setErrno(EBADF)
		return sext32(-1)
	}
	delete(p.files, fd)
	return 0
}
