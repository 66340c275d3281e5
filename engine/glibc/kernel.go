package glibc

// Kernel is everything the allocator needs from below: the system calls
// glibc's malloc makes and the memory it reads and writes. It is declared
// here, by the consumer (STYLE.md habit 5); mm.AddressSpace provides the
// memory half, and the integrator adapts the rest of the process model.
//
// The memory methods panic with *arch.Signal on a bad access and the
// allocator lets that propagate: free() of a wild pointer whose header is
// unmapped dies of SIGSEGV inside free, as it does on a real machine.
type Kernel interface {
	// Brk is the raw brk system call: it returns the new break, or the
	// unchanged current break when the request is refused. Brk(0) queries.
	// (compare mm/mmap.c: SYSCALL_DEFINE1(brk))
	Brk(addr uint64) uint64
	// Mmap maps length bytes (a multiple of the page size) of anonymous
	// private read-write memory wherever the kernel chooses.
	Mmap(length uint64) (addr uint64, ok bool)
	// Munmap unmaps [addr, addr+length).
	Munmap(addr, length uint64) bool
	// Mremap resizes a mapping with MREMAP_MAYMOVE.
	Mremap(addr, oldLen, newLen uint64) (newAddr uint64, ok bool)
	// MadviseDontneed drops the pages of [addr, addr+length) (MADV_DONTNEED):
	// the next touch of each reads zeros from a fresh page.
	MadviseDontneed(addr, length uint64)

	// Load reads size (1, 2, 4 or 8) bytes, little-endian.
	Load(addr uint64, size int) uint64
	// Store writes size (1, 2, 4 or 8) bytes, little-endian.
	Store(addr uint64, size int, v uint64)
	// ReadBytes fills buf from memory at addr.
	ReadBytes(addr uint64, buf []byte)
	// WriteBytes copies buf to memory at addr.
	WriteBytes(addr uint64, buf []byte)

	// Abort is malloc_printerr's way out: the libc layer writes msg and a
	// newline to stderr and raises SIGABRT (facts §1.16). It never returns.
	Abort(msg string)
}

// Config holds the process-specific values the real glibc gets from its
// environment. The zero value means "the defaults below".
type Config struct {
	// ArenaAddr is the address of main_arena in libc's .data. The bin
	// headers live inside it, so the fd/bk words of the first and last
	// chunk of every bin point there. Default DefaultArenaAddr.
	ArenaAddr uint64
	// TcacheKey is the value tcache_put stores in an entry's key word. The
	// real one comes from getrandom at start-up (tcache_key_initialize);
	// the model uses a fixed value so that every run is the same.
	// Default DefaultTcacheKey.
	TcacheKey uint64
}

const (
	// DefaultArenaAddr is where main_arena is in Debian 12's libc.so.6
	// (glibc 2.36-9) with ASLR off: libc base 0x7ffff7dd5000 + 0x1d3c60,
	// measured on the reference machine (fd of a chunk alone in the
	// unsorted bin = main_arena+96).
	DefaultArenaAddr = 0x7ffff7fa8c60
	// DefaultTcacheKey stands for the random tcache_key. Any value works
	// that a program is unlikely to store in the second word of a block.
	DefaultTcacheKey = 0x6d6d706c61795f6b // "k_yalpmm"
)

// ENOMEM is the errno the allocator sets on failure (asm-generic/errno-base.h).
const ENOMEM = 12
