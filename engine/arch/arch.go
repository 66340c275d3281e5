package arch

import (
	"fmt"
	"strconv"
)

// Page geometry of x86-64 (and i386 without PAE): 4 KiB pages.
const (
	PageShift = 12
	PageSize  = 1 << PageShift // 4096
	PageMask  = PageSize - 1
)

// PageAlignUp rounds n up to a multiple of PageSize.
func PageAlignUp(n uint64) uint64 { return (n + PageMask) &^ PageMask }

// PageAlignDown rounds n down to a multiple of PageSize.
func PageAlignDown(n uint64) uint64 { return n &^ PageMask }

// x86-64 user address-space layout with ASLR off (reference/facts.md §2.1–§2.3).
const (
	// TaskSize is the end of user space with 4-level paging: one page below 2^47.
	TaskSize = 0x7ffffffff000
	// StackTop is STACK_TOP without randomisation.
	StackTop = 0x7ffffffff000
	// PIEBase is ELF_ET_DYN_BASE after page alignment (where gcc's default PIE loads).
	PIEBase = 0x555555554000
	// MmapBase is mmap_base for an 8 MiB stack rlimit without randomisation:
	// TASK_SIZE - 128 MiB (the minimum gap), page aligned.
	MmapBase = 0x7ffff7fff000
	// StackRlimit is the default RLIMIT_STACK (8 MiB), as run.sh sets it.
	StackRlimit = 8 << 20
	// StackGuardGap is stack_guard_gap: 256 pages.
	StackGuardGap = 256 << PageShift
)

// Signal numbers on x86-64 Linux (asm/signal.h).
const (
	SIGILL  = 4
	SIGTRAP = 5
	SIGABRT = 6
	SIGBUS  = 7
	SIGFPE  = 8
	SIGKILL = 9
	SIGSEGV = 11
)

// si_code values for SIGSEGV (asm-generic/siginfo.h).
const (
	SEGV_MAPERR = 1 // address not mapped to object
	SEGV_ACCERR = 2 // invalid permissions for mapped object
)

// SignalName returns the name a shell prints for signo, e.g. "SIGSEGV".
func SignalName(signo int) string {
	switch signo {
	case SIGILL:
		return "SIGILL"
	case SIGTRAP:
		return "SIGTRAP"
	case SIGABRT:
		return "SIGABRT"
	case SIGBUS:
		return "SIGBUS"
	case SIGFPE:
		return "SIGFPE"
	case SIGKILL:
		return "SIGKILL"
	case SIGSEGV:
		return "SIGSEGV"
	}
	return fmt.Sprintf("SIG%d", signo)
}

// Signal is a fatal signal delivered to the simulated process. It is
// raised with panic(&Signal{...}) at the faulting access and recovered by
// the interpreter's run loop (see the package comment).
type Signal struct {
	Signo int    // SIGSEGV, SIGABRT, ...
	Code  int    // si_code, e.g. SEGV_MAPERR
	Addr  uint64 // faulting address for SIGSEGV/SIGBUS
	// Reason is mmplay's plain-words explanation ("write to read-only
	// page", "stack overflow: hit the stack guard gap", ...). It is never
	// part of the program's own output.
	Reason string
}

func (s *Signal) Error() string {
	if s.Signo == SIGSEGV || s.Signo == SIGBUS {
		return fmt.Sprintf("%s at 0x%x: %s", SignalName(s.Signo), s.Addr, s.Reason)
	}
	return fmt.Sprintf("%s: %s", SignalName(s.Signo), s.Reason)
}

// Exit ends the simulated process normally with a status (exit(3), or a
// return from main). It unwinds like Signal.
type Exit struct {
	Status int
}

func (e *Exit) Error() string { return fmt.Sprintf("exit status %d", e.Status) }

// Count is n followed by noun, singular when n is 1 ("1 page", "2
// pages", "0 pages"), for mmplay's own messages; lines the kernel or glibc
// print keep their own words ("1 pages RAM" is show_mem's).
func Count[T ~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64](n T, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	// strconv, not fmt: this runs for every vmalloc, boot's included
	var s string
	if n < 0 {
		s = strconv.FormatInt(int64(n), 10)
	} else {
		s = strconv.FormatUint(uint64(n), 10)
	}
	return s + " " + noun + "s"
}
