package libc

import (
	"errors"
	"strconv"

	"mmplay/engine/arch"
	"mmplay/engine/asan"
	"mmplay/engine/cc/interp"
	"mmplay/engine/mm"
)

// NotModelled stops a program that used something the mmplay language or
// its libc does not model (a floating-point printf conversion, %n, ...).
type NotModelled struct{ Reason string }

func (e *NotModelled) Error() string { return e.Reason }

// Builtins returns the user-space builtins bound to this process, by name.
// Every one has the prototype of its header (headers.go); args arrive
// converted and widened to 64 bits (interp.Call).
func (p *Process) Builtins() map[string]interp.Builtin {
	b := map[string]interp.Builtin{
		// malloc.h / stdlib.h: glibc's allocator (package glibc)
		"malloc":             p.bMalloc,
		"free":               p.bFree,
		"calloc":             p.bCalloc,
		"realloc":            p.bRealloc,
		"malloc_usable_size": func(c *interp.Call) uint64 { return p.Malloc.UsableSize(c.Args[0]) },
		"mallopt":            func(c *interp.Call) uint64 { return sext32(p.Malloc.Mallopt(int32(c.Args[0]), int32(c.Args[1]))) },
		"malloc_trim":        func(c *interp.Call) uint64 { return uint64(p.Malloc.Trim(c.Args[0])) },
		"exit":               func(c *interp.Call) uint64 { p.Exit(int(c.Args[0])); return 0 },
		"_exit": func(c *interp.Call) uint64 {
			p.exited = true
			panic(&arch.Exit{Status: int(c.Args[0]) & 0xff})
		},
		"abort":   func(c *interp.Call) uint64 { p.Abort("the program called abort()"); return 0 },
		"atoi":    func(c *interp.Call) uint64 { return sext32(int(p.strtol(c.Args[0], 0, 10))) },
		"atol":    func(c *interp.Call) uint64 { return uint64(p.strtol(c.Args[0], 0, 10)) },
		"strtol":  func(c *interp.Call) uint64 { return uint64(p.strtol(c.Args[0], c.Args[1], int(int32(c.Args[2])))) },
		"strtoul": func(c *interp.Call) uint64 { return uint64(p.strtol(c.Args[0], c.Args[1], int(int32(c.Args[2])))) },
		"abs":     func(c *interp.Call) uint64 { return sext32(absInt(int(int32(c.Args[0])))) },
		"labs": func(c *interp.Call) uint64 {
			v := int64(c.Args[0])
			if v < 0 {
				v = -v
			}
			return uint64(v)
		},
		"qsort":         p.bQsort,
		"bsearch":       p.bBsearch,
		"__assert_fail": p.bAssertFail,
		"rand":          p.bRand,
		"srand":         func(c *interp.Call) uint64 { p.srandom(uint32(c.Args[0])); return 0 },

		// unistd.h / sys/mman.h: system calls (package mm)
		"sbrk":        func(c *interp.Call) uint64 { return p.Malloc.Sbrk(int64(c.Args[0])) },
		"brk":         func(c *interp.Call) uint64 { return sext32(p.Malloc.Brk(c.Args[0])) },
		"mmap":        p.bMmap,
		"munmap":      p.bMunmap,
		"mprotect":    p.bMprotect,
		"mremap":      p.bMremap,
		"madvise":     p.bMadvise,
		"getpid":      func(c *interp.Call) uint64 { return uint64(p.PID) },
		"getpagesize": func(c *interp.Call) uint64 { return arch.PageSize },
		"write": func(c *interp.Call) uint64 {
			return uint64(p.Stdio.WriteFD(int(int32(c.Args[0])), c.Args[1], c.Args[2]))
		},
		"read":  p.bRead,
		"open":  p.bOpen,
		"close": p.bClose,

		// string.h over the calling code's memory (see str)
		"memset":  func(c *interp.Call) uint64 { return p.str(c).Memset(c.Args[0], int(int32(c.Args[1])), c.Args[2]) },
		"memcpy":  func(c *interp.Call) uint64 { return p.str(c).Memcpy(c.Args[0], c.Args[1], c.Args[2]) },
		"memmove": func(c *interp.Call) uint64 { return p.str(c).Memmove(c.Args[0], c.Args[1], c.Args[2]) },
		"memcmp":  func(c *interp.Call) uint64 { return sext32(p.str(c).Memcmp(c.Args[0], c.Args[1], c.Args[2])) },
		"strlen":  func(c *interp.Call) uint64 { return p.str(c).Strlen(c.Args[0]) },
		"strnlen": func(c *interp.Call) uint64 { return p.str(c).Strnlen(c.Args[0], c.Args[1]) },
		"strcpy":  func(c *interp.Call) uint64 { return p.str(c).Strcpy(c.Args[0], c.Args[1]) },
		"strncpy": func(c *interp.Call) uint64 { return p.str(c).Strncpy(c.Args[0], c.Args[1], c.Args[2]) },
		"strcat":  func(c *interp.Call) uint64 { return p.str(c).Strcat(c.Args[0], c.Args[1]) },
		"strncat": func(c *interp.Call) uint64 { return p.str(c).Strncat(c.Args[0], c.Args[1], c.Args[2]) },
		"strcmp":  func(c *interp.Call) uint64 { return sext32(p.str(c).Strcmp(c.Args[0], c.Args[1])) },
		"strncmp": func(c *interp.Call) uint64 { return sext32(p.str(c).Strncmp(c.Args[0], c.Args[1], c.Args[2])) },
		"strchr":  func(c *interp.Call) uint64 { return p.str(c).Strchr(c.Args[0], int(int32(c.Args[1]))) },
		"strrchr": func(c *interp.Call) uint64 { return p.str(c).Strrchr(c.Args[0], int(int32(c.Args[1]))) },
		"strstr":  func(c *interp.Call) uint64 { return p.str(c).Strstr(c.Args[0], c.Args[1]) },
		"strdup": func(c *interp.Call) uint64 {
			return p.Str.Strdup(c.Args[0], func(n uint64) uint64 { return p.malloc(c, n, asan.Object{Allocator: "strdup"}) })
		},
		"strndup": func(c *interp.Call) uint64 {
			return p.Str.Strndup(c.Args[0], c.Args[1], func(n uint64) uint64 { return p.malloc(c, n, asan.Object{Allocator: "strndup"}) })
		},

		// stdio.h
		"printf":  func(c *interp.Call) uint64 { return p.printf(p.Stdio.Stdout, c.Args[0], c.Args[1:]) },
		"fprintf": func(c *interp.Call) uint64 { return p.printf(p.stream(c.Args[0]), c.Args[1], c.Args[2:]) },
		"sprintf": func(c *interp.Call) uint64 { return p.sprintf(c.Args[0], ^uint64(0), c.Args[1], c.Args[2:]) },
		"snprintf": func(c *interp.Call) uint64 {
			return p.sprintf(c.Args[0], c.Args[1], c.Args[2], c.Args[3:])
		},
		"puts":    func(c *interp.Call) uint64 { return sext32(p.Stdio.Puts(c.Args[0])) },
		"fputs":   func(c *interp.Call) uint64 { return sext32(p.Stdio.Fputs(c.Args[0], p.stream(c.Args[1]))) },
		"putchar": func(c *interp.Call) uint64 { return sext32(p.Stdio.Stdout.Putc(int(int32(c.Args[0])))) },
		"putc":    func(c *interp.Call) uint64 { return sext32(p.stream(c.Args[1]).Putc(int(int32(c.Args[0])))) },
		"fputc":   func(c *interp.Call) uint64 { return sext32(p.stream(c.Args[1]).Putc(int(int32(c.Args[0])))) },
		"fwrite":  p.bFwrite,
		"fflush": func(c *interp.Call) uint64 {
			if c.Args[0] == 0 {
				return sext32(p.Stdio.Fflush(nil))
			}
			return sext32(p.Stdio.Fflush(p.stream(c.Args[0])))
		},
		"setvbuf": func(c *interp.Call) uint64 {
			return sext32(p.stream(c.Args[0]).Setvbuf(c.Args[1], int(int32(c.Args[2])), c.Args[3]))
		},
		"setbuf": func(c *interp.Call) uint64 {
			mode := _IOFBF
			if c.Args[1] == 0 {
				mode = _IONBF
			}
			p.stream(c.Args[0]).Setvbuf(c.Args[1], mode, BUFSIZ)
			return 0
		},
		"perror": p.bPerror,

		// errno.h: glibc's errno is *__errno_location()
		"__errno_location": func(c *interp.Call) uint64 { return p.ErrnoAddr },

		// oracle.h: the three helpers of ../shared/oracle/oracle.h
		"minor_faults": func(c *interp.Call) uint64 { return p.AS.MinFlt() },
		"rss_pages":    func(c *interp.Call) uint64 { return p.AS.RSS() },
		"is_mmapped": func(c *interp.Call) uint64 {
			// reads the size word before p, as the real helper does
			return (p.AS.Load(c.Args[0]-8, 8) >> 1) & 1
		},
	}
	ctypeBuiltins(b)
	return b
}

const (
	_IOFBF = 0
	_IOLBF = 1
	_IONBF = 2
)

func sext32(v int) uint64 { return uint64(int64(int32(v))) }

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// SetErrno stores errno (an int in libc's TLS block).
func (p *Process) SetErrno(e int) { p.setErrno(e) }

// setErrno stores errno (an int in libc's TLS block).
func (p *Process) setErrno(e int) {
	if p.ErrnoAddr != 0 {
		p.AS.Store(p.ErrnoAddr, 4, uint64(uint32(e)))
	}
}

func (p *Process) line(c *interp.Call) int { return c.Pos.Line }

// malloc is malloc(n) with the shadow told about the new object.
func (p *Process) malloc(c *interp.Call, n uint64, what asan.Object) uint64 {
	a := p.Malloc.Malloc(n)
	if a == 0 {
		p.setErrno(ENOMEM)
		return 0
	}
	p.track(c, a, n, what)
	return a
}

// track tells the shadow about a new heap object at a (n bytes requested):
// its chunk header and the slack after the request are redzones. what
// names the allocating call (its Allocator or Via).
func (p *Process) track(c *interp.Call, a, n uint64, what asan.Object) {
	size := p.AS.Load(a-8, 8)
	chunk := a - 16
	end := chunk + (size &^ 7)
	if size&2 == 0 { // a heap chunk may use the next chunk's prev_size
		end += 8
	}
	lo, hi := p.Shadow.Bounds()
	what.Addr, what.Size, what.AllocLine = a, n, p.line(c)
	p.Shadow.Alloc(chunk, end, what)
	if nlo, nhi := p.Shadow.Bounds(); nlo < lo || nhi > hi || lo == hi {
		// the watched range grew: pages the interpreter accesses directly
		// may now hold watched bytes (UserMemory.DirectPage)
		p.AS.ForgetDirect()
	}
}

func (p *Process) bMalloc(c *interp.Call) uint64 {
	return p.malloc(c, c.Args[0], asan.Object{Via: asan.Via{Fn: "malloc", Args: [2]uint64{c.Args[0]}, N: 1}})
}

func (p *Process) bCalloc(c *interp.Call) uint64 {
	a := p.Malloc.Calloc(c.Args[0], c.Args[1])
	if a == 0 {
		p.setErrno(ENOMEM)
		return 0
	}
	p.track(c, a, c.Args[0]*c.Args[1], asan.Object{Via: asan.Via{Fn: "calloc", Args: [2]uint64{c.Args[0], c.Args[1]}, N: 2}})
	return a
}

func (p *Process) bFree(c *interp.Call) uint64 {
	a := c.Args[0]
	if a != 0 {
		p.Shadow.Free(a, "free", p.line(c))
	}
	p.Malloc.Free(a)
	return 0
}

func (p *Process) bRealloc(c *interp.Call) uint64 {
	old, n := c.Args[0], c.Args[1]
	var oldObj asan.Object
	var hadOld bool
	if old != 0 {
		oldObj, hadOld = p.Shadow.Free(old, "realloc", p.line(c))
	}
	a := p.Malloc.Realloc(old, n)
	if a == 0 {
		if n != 0 || old == 0 {
			p.setErrno(ENOMEM)
		}
		if old != 0 && n != 0 && hadOld { // failure: the old block is untouched
			p.track(c, old, oldObj.Size, oldObj)
		}
		return 0
	}
	p.track(c, a, n, asan.Object{Via: asan.Via{Fn: "realloc", Args: [2]uint64{old, n}, N: 2, Ptr: true}})
	return a
}

// errnoOf turns a system call's error into its errno value.
func errnoOf(err error) int {
	var e mm.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	return EINVAL
}

func (p *Process) bMmap(c *interp.Call) uint64 {
	a, err := p.AS.Mmap(c.Args[0], c.Args[1], mm.Prot(c.Args[2]), int(int32(c.Args[3])), int(int32(c.Args[4])), c.Args[5])
	if err != nil {
		p.setErrno(errnoOf(err))
		return ^uint64(0) // MAP_FAILED
	}
	return a
}

func (p *Process) bMunmap(c *interp.Call) uint64 {
	if err := p.AS.Munmap(c.Args[0], c.Args[1]); err != nil {
		p.setErrno(errnoOf(err))
		return ^uint64(0)
	}
	p.Shadow.Forget(c.Args[0], c.Args[0]+c.Args[1])
	return 0
}

func (p *Process) bMprotect(c *interp.Call) uint64 {
	if err := p.AS.Mprotect(c.Args[0], c.Args[1], mm.Prot(c.Args[2])); err != nil {
		p.setErrno(errnoOf(err))
		return ^uint64(0)
	}
	return 0
}

func (p *Process) bMremap(c *interp.Call) uint64 {
	var newAddr uint64
	if len(c.Args) > 4 {
		newAddr = c.Args[4]
	}
	a, err := p.AS.Mremap(c.Args[0], c.Args[1], c.Args[2], int(int32(c.Args[3])), newAddr)
	if err != nil {
		p.setErrno(errnoOf(err))
		return ^uint64(0)
	}
	return a
}

func (p *Process) bMadvise(c *interp.Call) uint64 {
	if err := p.AS.Madvise(c.Args[0], c.Args[1], int(int32(c.Args[2]))); err != nil {
		p.setErrno(errnoOf(err))
		return ^uint64(0)
	}
	return 0
}

// stream maps a FILE* to its stream; an unknown pointer is read as a FILE
// by real glibc and crashes, here it is a SIGSEGV at that address.
func (p *Process) stream(f uint64) *Stream {
	switch f {
	case p.FileAddrs[1]:
		return p.Stdio.Stdout
	case p.FileAddrs[2]:
		return p.Stdio.Stderr
	}
	panic(&arch.Signal{Signo: arch.SIGSEGV, Code: arch.SEGV_MAPERR, Addr: f,
		Reason: "a FILE * that is not stdout or stderr was passed to stdio (mmplay models only those two streams)"})
}

// printf formats through stdio. Formats real printf rejects return -1
// with errno set; what mmplay does not model stops the program.
func (p *Process) printf(st *Stream, fmtAddr uint64, args []uint64) uint64 {
	n, err := p.Stdio.Printf(st, fmtAddr, args)
	return p.formatResult(n, err)
}

func (p *Process) formatResult(n int, err error) uint64 {
	if err == nil {
		return sext32(n)
	}
	var fe *FormatError
	if errors.As(err, &fe) {
		if fe.Kind == Invalid {
			p.setErrno(fe.Errno)
			return sext32(-1)
		}
		panic(&NotModelled{Reason: "printf: " + fe.Reason})
	}
	panic(&NotModelled{Reason: "printf: " + err.Error()})
}

// sprintf formats into the program's buffer at dst, at most size bytes
// including the terminating NUL (size ^0 = unbounded, sprintf).
func (p *Process) sprintf(dst, size, fmtAddr uint64, args []uint64) uint64 {
	format := ReadCString(p.View, fmtAddr, -1, nil)
	out, err := p.Stdio.Printer.Format(nil, format, args)
	if err != nil {
		return p.formatResult(0, err)
	}
	n := len(out)
	if size == 0 {
		return sext32(n)
	}
	w := out
	if uint64(len(w)) > size-1 {
		w = w[:size-1]
	}
	p.User.WriteBytes(dst, append(w, 0))
	return sext32(n)
}

func (p *Process) bFwrite(c *interp.Call) uint64 {
	ptr, size, nmemb := c.Args[0], c.Args[1], c.Args[2]
	total := size * nmemb
	if size == 0 || nmemb == 0 {
		return 0
	}
	buf := make([]byte, total)
	p.User.ReadBytes(ptr, buf)
	p.stream(c.Args[3]).Fwrite(buf)
	return nmemb
}

func (p *Process) bPerror(c *interp.Call) uint64 {
	e := int(int32(p.AS.Load(p.ErrnoAddr, 4)))
	var msg []byte
	if c.Args[0] != 0 {
		s := ReadCString(p.View, c.Args[0], -1, nil)
		if len(s) > 0 {
			msg = append(append(msg, s...), ": "...)
		}
	}
	msg = append(msg, StrError(e)...)
	msg = append(msg, '\n')
	p.Stdio.Stderr.Fwrite(msg)
	return 0
}

// StrError is glibc's strerror text for the errno values the model sets.
func StrError(e int) string {
	switch e {
	case 0:
		return "Success"
	case 1:
		return "Operation not permitted"
	case 2:
		return "No such file or directory"
	case 9:
		return "Bad file descriptor"
	case 12:
		return "Cannot allocate memory"
	case 13:
		return "Permission denied"
	case 14:
		return "Bad address"
	case 16:
		return "Device or resource busy"
	case 17:
		return "File exists"
	case 19:
		return "No such device"
	case 22:
		return "Invalid argument"
	case 24:
		return "Too many open files"
	case 28:
		return "No space left on device"
	case 75:
		return "Value too large for defined data type"
	}
	return "Unknown error " + strconv.Itoa(e)
}

// strtol parses like strtol(3) for base 0 and 2…36; endp receives the end.
func (p *Process) strtol(s, endp uint64, base int) int64 {
	str := ReadCString(p.View, s, 4096, nil)
	i := 0
	for i < len(str) && (str[i] == ' ' || (str[i] >= '\t' && str[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(str) && (str[i] == '+' || str[i] == '-') {
		neg = str[i] == '-'
		i++
	}
	if (base == 0 || base == 16) && i+1 < len(str) && str[i] == '0' && (str[i+1]|0x20) == 'x' {
		base, i = 16, i+2
	} else if base == 0 && i < len(str) && str[i] == '0' {
		base = 8
	} else if base == 0 {
		base = 10
	}
	start := i
	var v uint64
	for ; i < len(str); i++ {
		ch := str[i] | 0x20
		var d int
		switch {
		case str[i] >= '0' && str[i] <= '9':
			d = int(str[i] - '0')
		case ch >= 'a' && ch <= 'z':
			d = int(ch-'a') + 10
		default:
			d = 99
		}
		if d >= base {
			break
		}
		v = v*uint64(base) + uint64(d)
	}
	if i == start {
		i = 0
	}
	if endp != 0 {
		p.User.Store(endp, 8, s+uint64(i))
	}
	if neg {
		return -int64(v)
	}
	return int64(v)
}

// bRand is rand(3): glibc's additive feedback generator (rand.go).
func (p *Process) bRand(c *interp.Call) uint64 {
	return uint64(p.random())
}
