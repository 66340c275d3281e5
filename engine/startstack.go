package engine

import "mmplay/engine/arch"

// The process's initial stack, as Linux 6.1's exec builds it
// (fs/exec.c:copy_strings, fs/binfmt_elf.c:create_elf_tables) for a
// program started with an empty environment, the way the oracle runs its
// programs (env -i; ../shared/oracle/README.md), and where glibc's start-up
// code has moved the stack by the time main is called:
//
//  1. the 8 bytes below STACK_TOP stay zero; above nothing;
//  2. copy_strings puts the file name (AT_EXECFN) highest, then the
//     environment strings (none), then argv[0] (the same name);
//  3. with ASLR off arch_align_stack only rounds down to 16; below come
//     the platform string "x86_64" and AT_RANDOM's 16 bytes (random on a
//     real machine; zero here, deterministic);
//  4. the auxiliary vector (21 pairs on 6.1 x86-64, AT_NULL included),
//     envp's NULL, argv[0] and argv's NULL, argc, with %rsp rounded down
//     to 16 at argc (STACK_ROUND);
//  5. _start and __libc_start_main (glibc 2.36) call main 0x108 bytes
//     lower: measured here with env -i setarch -R (argc at
//     0x7fffffffee20, main entered with %rsp 0x7fffffffed18, for a
//     program named /tmp/snippet; that machine's newer kernel has 23
//     auxv pairs, two more than 6.1).
//
// So a snippet named snippet.c (the playground's) enters main with %rsp
// 0x7fffffffed38, argv[0] "/tmp/snippet" at 0x7fffffffefde.

// startupDepth is how far below argc glibc's start-up code enters main.
const startupDepth = 0x108

// Auxiliary vector types (include/uapi/linux/auxvec.h,
// arch/x86/include/uapi/asm/auxvec.h).
const (
	atNull, atPhdr, atPhent, atPhnum, atPagesz, atBase, atFlags, atEntry = 0, 3, 4, 5, 6, 7, 8, 9
	atUID, atEUID, atGID, atEGID, atPlatform, atHwcap, atClktck          = 11, 12, 13, 14, 15, 16, 17
	atSecure, atRandom, atHwcap2, atExecfn, atSysinfoEhdr, atMinsigstksz = 23, 25, 26, 31, 33, 51
)

// stackStrings are the addresses of the strings at the top of the
// initial stack and of argc below them (start_stack), for a program
// whose file is exe (steps 1–4).
type stackStrings struct {
	execfn, arg0, platform, random, argc uint64
}

func initialStack(exe string) stackStrings {
	var s stackStrings
	n := uint64(len(exe) + 1)
	p := uint64(arch.StackTop) - 8 - n
	s.execfn = p
	p -= n
	s.arg0 = p
	p &^= 15
	p -= uint64(len(platformString))
	s.platform = p
	p -= 16 // AT_RANDOM's bytes: left zero
	s.random = p
	s.argc = (p - 16*auxvLen - 8*4) &^ 15 // argc, argv[0], argv's NULL, envp's NULL
	return s
}

const platformString = "x86_64\x00"

// auxvLen is the number of auxv pairs 6.1 gives an x86-64 program,
// AT_NULL included (see startStack).
const auxvLen = 21

// startStack writes the initial stack for a program whose file is exe
// and returns main's stack top (%rsp before the call that enters main)
// and the arguments main receives: argc, argv, envp.
func (m *machine) startStack(exe string) (top uint64, args []uint64) {
	s := initialStack(exe)
	name := append([]byte(exe), 0)
	m.as.WriteBytes(s.execfn, name)
	m.as.WriteBytes(s.arg0, name)
	m.as.WriteBytes(s.platform, []byte(platformString))
	auxv := [auxvLen][2]uint64{
		{atSysinfoEhdr, vdsoBase}, {atMinsigstksz, 2048}, {atHwcap, 0x178bfbff}, {atPagesz, arch.PageSize},
		{atClktck, 100}, {atPhdr, arch.PIEBase + 64}, {atPhent, 56}, {atPhnum, 13}, {atBase, ldsoBase},
		{atFlags, 0}, {atEntry, arch.PIEBase + 0x1060}, {atUID, 0}, {atEUID, 0}, {atGID, 0}, {atEGID, 0},
		{atSecure, 0}, {atRandom, s.random}, {atHwcap2, 2}, {atExecfn, s.execfn}, {atPlatform, s.platform},
		{atNull, 0},
	}
	words := []uint64{1, s.arg0, 0, 0}
	for _, a := range auxv {
		words = append(words, a[0], a[1])
	}
	for i, w := range words {
		m.as.Store(s.argc+8*uint64(i), 8, w)
	}
	return s.argc - startupDepth + 8, []uint64{1, s.argc + 8, s.argc + 24}
}
