// Package libc is the user-space C library of the simulated process, in
// the parts that do not depend on the allocators: printf formatting, the
// <string.h> functions, stdio's stdout and stderr streams, and the text
// of the user-space headers. The file that binds all of it (and malloc,
// mmap, ...) to the interpreter's builtins is added by the integrator.
// It follows glibc 2.36 as Debian 12 ships it, and was checked against
// that glibc and gcc 12 on the same machine (see the tests).
//
// # printf (format.go)
//
// Printer.run is vfprintf for the C locale: the literal text up to each
// '%' goes to a sink in one piece; a conversion is parsed as glibc's
// jump tables do (flags " +-#0'I", width or '*', precision or '.*',
// one length modifier of hh h l ll L q z Z j t, the conversion) and
// printed in the pieces of vfprintf-process-arg.c: a sign or 0x marker
// as single characters (outchar → putc), padding through _IO_padn
// (16-byte pieces), digits and strings as one piece (outstring → sputn).
// Arguments arrive as 64-bit values already promoted by the interpreter;
// the modifier picks 8, 16, 32 or 64 bits and the sign extension. %s
// reads the string (strlen, or strnlen with a precision) before printing
// anything of it, so a bad pointer raises SIGSEGV after the earlier
// pieces have reached the stream, as in reality; NULL prints "(null)"
// (or nothing when the precision is below 6); %p prints %#lx or "(nil)".
// An unknown conversion is printed back (printf_unknown: "%5ly" → "%5y").
// A format ending inside a conversion fails with EINVAL and returns -1
// as glibc does (FormatError Kind Invalid); conversions mmplay refuses
// (floating point, %n, wide characters, %m, positional arguments, a
// missing argument, a field above MaxField) stop with Kind Unsupported.
//
// # stdio (stdio.go)
//
// A Stream is a FILE with glibc's own state: the buffer [base, end), the
// write pointers base/ptr/end and the flags _IO_UNBUFFERED, _IO_LINE_BUF,
// _IO_CURRENTLY_PUTTING and _IO_USER_BUF. The paths, each the glibc
// function of the same role (libio/fileops.c, genops.c):
//
//  1. First output (overflow): _IO_doallocbuf → _IO_file_doallocate:
//     malloc(st_blksize) — 4096 for a pipe, 1024 for a tty, which also
//     turns on line buffering (facts §1.17; oracle case 033: the 0x1010
//     chunk). stderr is unbuffered and gets the 1-byte _shortbuf inside
//     the FILE, no malloc. A failed malloc also falls back to _shortbuf.
//  2. A piece (xsputn): copy what fits before write_end (line buffered:
//     up to the last '\n' when the piece fits); if bytes remain or a
//     newline was copied, write the pending buffer, write as many whole
//     buffer-sized blocks of the rest directly (buffers of 128 bytes or
//     more), and put the remainder through _IO_default_xsputn, which
//     copies and hands each byte beyond the buffer to overflow.
//  3. A character (putc): store it if ptr < write_end, else overflow,
//     which flushes a really full buffer first and, after storing,
//     flushes when unbuffered or line buffered at '\n'.
//  4. printf on an unbuffered stream goes through buffered_vfprintf: an
//     8192-byte helper buffer handed to the stream in full pieces and at
//     the end — so one fprintf(stderr) is one write(2), and a SIGSEGV in
//     its %s loses that fprintf's text.
//  5. exit and return from main flush (_IO_flush_all_lockp); abort and
//     fatal signals do not (facts §1.16, oracle case 040). Stdio.Exit is
//     the only flush at the end; there is deliberately no Abort.
//
// Consequences the tests pin against the real glibc: a full buffer stays
// unflushed until one more byte comes; a first printf of exactly 4096
// bytes is written at once (step 2 on an empty buffer); 1+8191 bytes
// leave the buffer empty. The pending bytes are stored in simulated
// memory at the malloc'd buffer (Mem.WriteBytes), and read back from
// there when flushed, so the heap view shows the stdout buffer's
// contents and a heap overflow into it changes the output, as it would.
//
// # Strings (mem.go)
//
// Str implements memset, memcpy, memmove, memcmp, strlen, strnlen,
// strcpy, strncpy, strcat, strncat, strcmp, strncmp, strchr, strrchr,
// strstr, strdup and strndup over Memory with C semantics and glibc's
// x86-64 results (memcmp/strcmp return the byte difference; memcpy is
// memmove). Every access is cut at page boundaries and goes through one
// scratch page, so a fault is raised at the first byte of the first bad
// page and nothing allocates.
//
// # Headers (headers.go)
//
// Header returns the C text of stdio.h, stdlib.h, string.h, unistd.h,
// malloc.h, sys/mman.h, fcntl.h, errno.h, stddef.h, stdint.h, stdbool.h,
// sys/types.h, limits.h and the builtin oracle.h; Functions lists the
// builtins each declares; Hint explains a kernel function used in user
// code or a missing #include. The values come from /usr/include and a
// test compares all of them with gcc.
package libc
