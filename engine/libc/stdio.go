package libc

import (
	"errors"
	"fmt"
	"slices"

	"mmplay/engine/arch"
)

// Buffering modes, the mode argument of setvbuf (stdio.h: _IOFBF 0,
// _IOLBF 1, _IONBF 2).
const (
	IOFBF = 0
	IOLBF = 1
	IONBF = 2
)

// EOF is stdio's end-of-file / error result (stdio.h).
const EOF = -1

// BUFSIZ is the largest stdio buffer glibc allocates (stdio.h: BUFSIZ
// 8192); _IO_file_doallocate uses st_blksize when it is smaller.
const BUFSIZ = 8192

// Block sizes of the files stdout can be (reference/facts.md §1.17):
// a pipe's st_blksize is PAGE_SIZE (fs/libfs.c pseudo_fs_fill_super),
// a pty's is 1024 (fs/devpts/inode.c devpts_fill_super).
const (
	PipeBlksize = arch.PageSize // 4096 → malloc(4096), a 0x1010 chunk
	TTYBlksize  = 1024          // → malloc(1024), a 0x410 chunk
)

// File is what fstat tells stdio about a stream's file descriptor.
type File struct {
	Blksize int  // st_blksize (0: unknown → BUFSIZ)
	TTY     bool // a terminal: the stream becomes line buffered
}

// Pipe and TTY are the two kinds of stdout of SPEC §4's config key
// "stdout".
var (
	Pipe = File{Blksize: PipeBlksize}
	TTY  = File{Blksize: TTYBlksize, TTY: true}
)

// Env is what the streams need from the process around them.
type Env struct {
	// Mem holds the stdio buffers (malloc'd or the program's own).
	Mem Memory
	// Alloc is malloc; 0 means failure.
	Alloc func(n uint64) uint64
	// Free is free.
	Free func(addr uint64)
	// Write is write(2) to fd; it takes all of b (b is reused after
	// the call returns: copy it).
	Write func(fd int, b []byte)
}

// FILE flags used here, with glibc's names (libio/libio.h).
const (
	flagUserBuf          = 0x0001 // _IO_USER_BUF: don't free the buffer
	flagUnbuffered       = 0x0002 // _IO_UNBUFFERED
	flagLineBuf          = 0x0200 // _IO_LINE_BUF
	flagCurrentlyPutting = 0x0800 // _IO_CURRENTLY_PUTTING
)

// Stream is a FILE open for writing: stdout or stderr. It follows glibc
// 2.36's libio (fileops.c, genops.c) pointer for pointer, with the
// pointers kept as offsets from the buffer's base. The buffered bytes
// live in simulated memory at BufAddr (the malloc'd buffer), so the heap
// shows them and an overflow of a neighbouring chunk really corrupts
// pending output; only the 1-byte _shortbuf of an unbuffered stream
// lives outside, inside the FILE in libc's data.
//
// Invariants (CheckInvariants): 0 <= writeBase <= writePtr <= bufSize,
// writeEnd is writeBase's buffer start or its end; no buffer means all
// pointers are 0 (NULL); short means bufSize == 1 and the user-buffer
// flag.
type Stream struct {
	fd    int
	env   *Env
	file  File
	flags uint32

	// The buffer [_IO_buf_base, _IO_buf_end): hasBuf false is NULL.
	hasBuf  bool
	short   bool   // the buffer is _shortbuf (not simulated memory)
	bufAddr uint64 // simulated address of the buffer (0 when short)
	bufSize int
	shortb  byte // _shortbuf's one byte

	// _IO_write_base, _IO_write_ptr, _IO_write_end as offsets.
	writeBase, writePtr, writeEnd int

	scratch []byte  // flush staging: the pending bytes read back from memory
	one     [1]byte // staging for one character
}

// NewStream returns a stream on fd over a file of the given kind, with
// no buffer yet (glibc allocates it on the first output). unbuffered
// gives stderr's initial state (_IO_UNBUFFERED in its static FILE).
func NewStream(fd int, f File, unbuffered bool, env *Env) *Stream {
	s := &Stream{fd: fd, env: env, file: f}
	if unbuffered {
		s.flags |= flagUnbuffered
	}
	return s
}

// FD is the stream's file descriptor.
func (s *Stream) FD() int { return s.fd }

// Buffer describes the stream's buffer for the views: its simulated
// address (0 when there is none in simulated memory), its size and how
// many bytes wait in it.
func (s *Stream) Buffer() (addr uint64, size, pending int) {
	if !s.hasBuf || s.short {
		return 0, 0, s.writePtr - s.writeBase
	}
	return s.bufAddr, s.bufSize, s.writePtr - s.writeBase
}

// Mode is the current buffering: IOFBF, IOLBF or IONBF.
func (s *Stream) Mode() int {
	switch {
	case s.flags&flagUnbuffered != 0:
		return IONBF
	case s.flags&flagLineBuf != 0:
		return IOLBF
	}
	return IOFBF
}

// storeBuf writes b at offset off of the buffer.
func (s *Stream) storeBuf(off int, b []byte) {
	if s.short {
		s.shortb = b[0]
		return
	}
	s.env.Mem.WriteBytes(s.bufAddr+uint64(off), b)
}

// setb is _IO_setb: switch to buffer [addr, addr+size), freeing the old
// one unless it was the user's; own says the new one is malloc'd.
func (s *Stream) setb(addr uint64, size int, short, own bool) {
	if s.hasBuf && s.flags&flagUserBuf == 0 && !s.short {
		s.env.Free(s.bufAddr)
	}
	s.hasBuf, s.short, s.bufAddr, s.bufSize = true, short, addr, size
	if own {
		s.flags &^= flagUserBuf
	} else {
		s.flags |= flagUserBuf
	}
}

// doallocate is _IO_file_doallocate (libio/filedoalloc.c): a tty turns
// line buffered; malloc(st_blksize if 0 < st_blksize < BUFSIZ, else
// BUFSIZ). It reports false when malloc fails.
func (s *Stream) doallocate() bool {
	size := BUFSIZ
	if s.file.TTY {
		s.flags |= flagLineBuf
	}
	if s.file.Blksize > 0 && s.file.Blksize < BUFSIZ {
		size = s.file.Blksize
	}
	p := s.env.Alloc(uint64(size))
	if p == 0 {
		return false
	}
	s.setb(p, size, false, true)
	return true
}

// doallocbuf is _IO_doallocbuf: a real buffer unless unbuffered, else
// (or when malloc fails) the 1-byte _shortbuf.
func (s *Stream) doallocbuf() {
	if s.hasBuf {
		return
	}
	if s.flags&flagUnbuffered == 0 && s.doallocate() {
		return
	}
	s.setb(0, 1, true, false)
}

// resetWrite is the tail of new_do_write: the buffer is empty again.
func (s *Stream) resetWrite() {
	s.writeBase, s.writePtr = 0, 0
	if s.flags&(flagLineBuf|flagUnbuffered) != 0 {
		s.writeEnd = 0
	} else {
		s.writeEnd = s.bufSize
	}
}

// doWrite is _IO_do_write of the pending bytes [writeBase, writePtr).
func (s *Stream) doWrite() {
	n := s.writePtr - s.writeBase
	if n == 0 {
		return
	}
	if s.short {
		s.scratch = append(s.scratch[:0], s.shortb)
	} else {
		if cap(s.scratch) < n {
			s.scratch = make([]byte, n, s.bufSize)
		}
		s.scratch = s.scratch[:n]
		s.env.Mem.ReadBytes(s.bufAddr+uint64(s.writeBase), s.scratch)
	}
	s.env.Write(s.fd, s.scratch)
	s.resetWrite()
}

// newDoWrite is new_do_write of data outside the buffer: one write(2),
// then the buffer counts as empty.
func (s *Stream) newDoWrite(b []byte) {
	s.env.Write(s.fd, b)
	s.resetWrite()
}

// overflow is _IO_new_file_overflow with ch == EOF (c < 0): set up the
// buffer if needed, then flush what is pending; with a character, store
// it (flushing a really full buffer first) and flush after it when
// unbuffered, or line buffered and c is '\n'.
func (s *Stream) overflow(c int) {
	if s.flags&flagCurrentlyPutting == 0 || !s.hasBuf {
		s.doallocbuf()
		s.writeBase, s.writePtr = 0, 0
		s.writeEnd = s.bufSize
		s.flags |= flagCurrentlyPutting
		if s.flags&(flagLineBuf|flagUnbuffered) != 0 {
			s.writeEnd = s.writePtr
		}
	}
	if c < 0 {
		s.doWrite()
		return
	}
	if s.writePtr == s.bufSize {
		s.doWrite()
	}
	s.one[0] = byte(c)
	s.storeBuf(s.writePtr, s.one[:])
	s.writePtr++
	if s.flags&flagUnbuffered != 0 || (s.flags&flagLineBuf != 0 && c == '\n') {
		s.doWrite()
	}
}

// putc is _IO_putc_unlocked.
func (s *Stream) putc(c byte) {
	if s.writePtr >= s.writeEnd {
		s.overflow(int(c))
		return
	}
	s.one[0] = c
	s.storeBuf(s.writePtr, s.one[:])
	s.writePtr++
}

// put is _IO_new_file_xsputn: fill the buffer (for a line-buffered
// stream: up to the last '\n' if the data fits); if anything is left,
// or a newline was copied, flush the buffer, write whole blocks of the
// rest directly (blocks of the buffer's size, if it is at least 128
// bytes), and hand the remainder to defaultXsputn.
func (s *Stream) put(b []byte) {
	n := len(b)
	if n == 0 {
		return
	}
	toDo := n
	mustFlush := false
	count := 0
	if s.flags&flagLineBuf != 0 && s.flags&flagCurrentlyPutting != 0 {
		count = s.bufSize - s.writePtr
		if count >= n {
			for p := n - 1; p >= 0; p-- {
				if b[p] == '\n' {
					count = p + 1
					mustFlush = true
					break
				}
			}
		}
	} else if s.writeEnd > s.writePtr {
		count = s.writeEnd - s.writePtr
	}
	if count > 0 {
		count = min(count, toDo)
		s.storeBuf(s.writePtr, b[:count])
		s.writePtr += count
		b = b[count:]
		toDo -= count
	}
	if toDo == 0 && !mustFlush {
		return
	}
	s.overflow(-1)
	blockSize := s.bufSize
	doWrite := toDo
	if blockSize >= 128 {
		doWrite = toDo - toDo%blockSize
	}
	if doWrite > 0 {
		s.newDoWrite(b[:doWrite])
		b = b[doWrite:]
		toDo -= doWrite
	}
	if toDo > 0 {
		s.defaultXsputn(b)
	}
}

// defaultXsputn is _IO_default_xsputn: copy into the space before
// writeEnd, and hand every byte beyond it to overflow one at a time.
func (s *Stream) defaultXsputn(b []byte) {
	for {
		if s.writePtr < s.writeEnd {
			count := min(s.writeEnd-s.writePtr, len(b))
			s.storeBuf(s.writePtr, b[:count])
			s.writePtr += count
			b = b[count:]
		}
		if len(b) == 0 {
			return
		}
		s.overflow(int(b[0]))
		b = b[1:]
	}
}

// Fwrite hands b to the stream as one piece, as fwrite and fputs do.
func (s *Stream) Fwrite(b []byte) { s.put(b) }

// Putc is putc/fputc/putchar: c converted to unsigned char. It returns
// that character.
func (s *Stream) Putc(c int) int {
	s.putc(byte(c))
	return int(byte(c))
}

// Flush is fflush(stream) (_IO_new_file_sync): write what is pending.
// It returns 0.
func (s *Stream) Flush() int {
	if s.writePtr > s.writeBase {
		s.doWrite()
	}
	return 0
}

// flushAll is the exit-time flush of _IO_flush_all_lockp: overflow(EOF)
// when output is pending.
func (s *Stream) flushAll() {
	if s.writePtr > s.writeBase {
		s.overflow(-1)
	}
}

// Setvbuf is setvbuf(stream, buf, mode, size) (libio/iosetvbuf.c). It
// returns 0, or EOF for a bad mode or when the buffer cannot be
// allocated. Setting a new buffer flushes pending output and frees a
// buffer stdio had malloc'd.
func (s *Stream) Setvbuf(buf uint64, mode int, size uint64) int {
	switch mode {
	case IOFBF:
		s.flags &^= flagLineBuf | flagUnbuffered
		if buf == 0 {
			if !s.hasBuf {
				if !s.doallocate() {
					return EOF
				}
				s.flags &^= flagLineBuf
			}
			return 0
		}
	case IOLBF:
		s.flags &^= flagUnbuffered
		s.flags |= flagLineBuf
		if buf == 0 {
			return 0
		}
	case IONBF:
		s.flags &^= flagLineBuf
		s.flags |= flagUnbuffered
		buf, size = 0, 0
	default:
		return EOF
	}
	// _IO_new_file_setbuf → _IO_default_setbuf.
	s.Flush()
	if buf == 0 || size == 0 {
		s.flags |= flagUnbuffered
		s.setb(0, 1, true, false)
	} else {
		s.flags &^= flagUnbuffered
		if size > MaxUserBuffer {
			size = MaxUserBuffer
		}
		s.setb(buf, int(size), false, false)
	}
	s.writeBase, s.writePtr, s.writeEnd = 0, 0, 0
	return 0
}

// MaxUserBuffer caps the size a program may give setvbuf: glibc uses
// any size; mmplay stages a flush through a Go slice of that size, so a
// size beyond the whole simulated user space is cut to it.
const MaxUserBuffer = 1 << 30

// CheckInvariants verifies the stream's pointers.
func (s *Stream) CheckInvariants() error {
	if !s.hasBuf {
		if s.writeBase != 0 || s.writePtr != 0 || s.writeEnd != 0 {
			return fmt.Errorf("stream %d: no buffer but write pointers %d/%d/%d", s.fd, s.writeBase, s.writePtr, s.writeEnd)
		}
		return nil
	}
	if s.short && (s.bufSize != 1 || s.flags&flagUserBuf == 0) {
		return errors.New("shortbuf must be 1 byte and never freed")
	}
	if !(0 <= s.writeBase && s.writeBase <= s.writePtr && s.writePtr <= s.bufSize) {
		return fmt.Errorf("stream %d: write pointers %d <= %d <= %d violated", s.fd, s.writeBase, s.writePtr, s.bufSize)
	}
	if s.writeEnd != 0 && s.writeEnd != s.bufSize {
		return fmt.Errorf("stream %d: write end %d is neither base nor end (%d)", s.fd, s.writeEnd, s.bufSize)
	}
	return nil
}

// Stdio is the process's stdout and stderr with the printf machinery.
type Stdio struct {
	Env    Env
	Stdout *Stream
	Stderr *Stream
	// Printer formats printf's conversions; its Mem reads %s.
	Printer Printer
	fmtBuf  []byte
	wbuf    []byte // WriteFD staging
	helper  helper
}

// NewStdio returns stdout on a file of kind out (Pipe or TTY) and an
// unbuffered stderr on a file of kind errf, neither with a buffer yet.
func NewStdio(env Env, out, errf File) *Stdio {
	s := &Stdio{Env: env}
	s.Stdout = NewStream(1, out, false, &s.Env)
	s.Stderr = NewStream(2, errf, true, &s.Env)
	s.Printer.Mem = env.Mem
	return s
}

// Stream returns the stream for fd 1 or 2, or nil.
func (s *Stdio) Stream(fd int) *Stream {
	switch fd {
	case 1:
		return s.Stdout
	case 2:
		return s.Stderr
	}
	return nil
}

// Printf is printf/fprintf(st, fmt, ...): the format is the string at
// fmtAddr in simulated memory. It returns printf's result: the number
// of bytes, or -1 with a *FormatError (see FormatErrorKind: Invalid is
// what the real printf does too; Unsupported is mmplay's refusal, which
// the caller should report). A bad format or %s pointer panics with
// *arch.Signal after the output before it has gone to the stream.
func (s *Stdio) Printf(st *Stream, fmtAddr uint64, args []uint64) (int, error) {
	s.fmtBuf = ReadCString(s.Env.Mem, fmtAddr, -1, s.fmtBuf[:0])
	return s.Vfprintf(st, s.fmtBuf, args)
}

// Vfprintf is Printf with the format already read.
func (s *Stdio) Vfprintf(st *Stream, format []byte, args []uint64) (int, error) {
	if st.flags&flagUnbuffered == 0 {
		n, err := s.Printer.run(st, format, args)
		if err != nil {
			return -1, err
		}
		return n, nil
	}
	// buffered_vfprintf: format into an 8192-byte helper buffer on the
	// stack, hand full helper buffers to the stream, and the rest at the
	// end, also after a format error.
	h := &s.helper
	h.target = st
	h.n = 0
	n, err := s.Printer.run(h, format, args)
	if h.n > 0 {
		st.put(h.buf[:h.n])
		h.n = 0
	}
	if err != nil {
		return -1, err
	}
	return n, nil
}

// helper is buffered_vfprintf's helper FILE with _IO_helper_jumps.
type helper struct {
	target *Stream
	buf    [BUFSIZ]byte
	n      int
}

// put is _IO_default_xsputn on the helper.
func (h *helper) put(b []byte) {
	for {
		k := copy(h.buf[h.n:], b)
		h.n += k
		b = b[k:]
		if len(b) == 0 {
			return
		}
		h.overflow(b[0])
		b = b[1:]
	}
}

func (h *helper) putc(c byte) {
	if h.n < len(h.buf) {
		h.buf[h.n] = c
		h.n++
		return
	}
	h.overflow(c)
}

// overflow is _IO_helper_overflow: the whole helper buffer goes to the
// target in one piece, then c is stored.
func (h *helper) overflow(c byte) {
	if h.n > 0 {
		h.target.put(h.buf[:h.n])
		h.n = 0
	}
	h.buf[0] = c
	h.n = 1
}

// Puts is puts(str): the string at addr, then '\n', as _IO_puts does
// (one piece, then putc). It returns strlen+1.
func (s *Stdio) Puts(addr uint64) int {
	s.fmtBuf = ReadCString(s.Env.Mem, addr, -1, s.fmtBuf[:0])
	s.Stdout.put(s.fmtBuf)
	s.Stdout.putc('\n')
	return min(len(s.fmtBuf)+1, 1<<31-1)
}

// Fputs is fputs(str, st): one piece; it returns 1 (glibc's result).
func (s *Stdio) Fputs(addr uint64, st *Stream) int {
	s.fmtBuf = ReadCString(s.Env.Mem, addr, -1, s.fmtBuf[:0])
	st.put(s.fmtBuf)
	return 1
}

// Exit is the stdio part of exit(3) and of returning from main: every
// stream with pending output is flushed (_IO_cleanup →
// _IO_flush_all_lockp). abort(3) and fatal signals do not flush
// (reference/facts.md §1.16), so they have no counterpart here. The
// buffers stay allocated, as after the real exit (_IO_unbuffer_all
// marks them user buffers instead of freeing them).
func (s *Stdio) Exit() {
	s.Stdout.flushAll()
	s.Stderr.flushAll()
}

// Fflush is fflush(st), and fflush(NULL) for st == nil.
func (s *Stdio) Fflush(st *Stream) int {
	if st == nil {
		s.Stdout.Flush()
		s.Stderr.Flush()
		return 0
	}
	return st.Flush()
}

// CheckInvariants checks both streams.
func (s *Stdio) CheckInvariants() error {
	if err := s.Stdout.CheckInvariants(); err != nil {
		return err
	}
	return s.Stderr.CheckInvariants()
}

// WriteFD is write(fd, buf, n), bypassing stdio: the bytes at buf go
// to Env.Write in one call. A bad buffer does not kill the process: like
// the kernel's copy_from_user, reading stops at the first bad page, and
// write returns the bytes before it (written), or -EFAULT (-14) when
// there are none. The bytes are read page by page into a reused buffer.
func (s *Stdio) WriteFD(fd int, buf, n uint64) int64 {
	s.wbuf = s.wbuf[:0]
	s.readUser(buf, n)
	if len(s.wbuf) == 0 && n > 0 {
		return -14 // EFAULT
	}
	if len(s.wbuf) > 0 {
		s.Env.Write(fd, s.wbuf)
	}
	return int64(len(s.wbuf))
}

// readUser appends up to n bytes at buf to s.wbuf, stopping at the first
// page that faults.
func (s *Stdio) readUser(buf, n uint64) {
	good := len(s.wbuf)
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(*arch.Signal); !ok {
				panic(r)
			}
			s.wbuf = s.wbuf[:good]
		}
	}()
	for done := uint64(0); done < n; {
		k := int(chunk(buf+done, n-done))
		s.wbuf = slices.Grow(s.wbuf, k)[:good+k]
		s.Env.Mem.ReadBytes(buf+done, s.wbuf[good:])
		good += k
		done += uint64(k)
	}
}
