package engine

import (
	"strings"
	"testing"

	"mmplay/engine/cc/interp"
)

// The interpreter keeps the pages of the running frame for direct access
// (cc/interp/frame.go). These programs change the stack page under it:
// every access after the change must see what the MMU says.

// A local stored after its page became read-only faults.
func TestFrameCacheSeesMprotect(t *testing.T) {
	src := `#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
int main(void)
{
    long x = 5, i, s = 0;
    char *pg = (char *)((uintptr_t)&x & ~(uintptr_t)4095);
    for (i = 0; i < 10; i++)
        s += i;
    fprintf(stderr, "before %ld\n", s);
    mprotect(pg, 4096, PROT_READ);
    fprintf(stderr, "protected %ld\n", x);
    x += 2;
    fprintf(stderr, "after %ld\n", x);
    return 0;
}
`
	s := NewSession(compile(t, "ro.c", src, ""))
	defer s.Close()
	r := s.Run()
	if r.ExitStatus != 139 || r.Line != 13 || string(r.Stderr) != "before 45\nprotected 5\n" {
		t.Fatalf("status %d at line %d, stderr %q", r.ExitStatus, r.Line, r.Stderr)
	}
}

// After MADV_DONTNEED the stack page reads as zeros, and its next touch
// is a minor fault (a write: a new zeroed frame).
func TestFrameCacheSeesMadvise(t *testing.T) {
	src := `#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
#include "oracle.h"
static long f0;
int main(void)
{
    long x = 5, i, s = 0, f1;
    char *pg = (char *)((uintptr_t)&x & ~(uintptr_t)4095);
    for (i = 0; i < 10; i++)
        s += i;
    f0 = minor_faults();
    madvise(pg, 4096, MADV_DONTNEED);
    for (i = 0; i < 3; i++)
        s += i;
    f1 = minor_faults();
    printf("%ld %ld %ld\n", x, s, f1 - f0);
    return 0;
}
`
	s := NewSession(compile(t, "dontneed.c", src, ""))
	defer s.Close()
	r := s.Run()
	if r.ExitStatus != 0 || string(r.Stdout) != "0 3 1\n" {
		t.Fatalf("status %d, stdout %q, reports %q", r.ExitStatus, r.Stdout, strings.Join(r.Reports, "; "))
	}
}

// The user program's memory hands out no page that holds bytes the ASan
// shadow watches, and a new heap object that widens the watched range
// moves the generation, so that no page handed out before stays in use.
func TestUserMemoryDirectPageSkipsWatchedPages(t *testing.T) {
	m, err := bootMachine(DefaultConfig(), "t")
	if err != nil {
		t.Fatal(err)
	}
	m.as.SetBrkStart(0x555555559000)
	malloc := m.proc.Builtins()["malloc"]
	a := malloc(&interp.Call{Name: "malloc", Args: []uint64{100}})
	b := malloc(&interp.Call{Name: "malloc", Args: []uint64{100}})
	m.proc.User.Store(b+200, 8, 1) // a page outside the objects, made present
	m.proc.User.Store(a, 8, 1)
	if slot, _ := m.proc.User.DirectPage(a, true); slot != nil {
		t.Fatal("the page of a heap object is direct")
	}
	if slot, _ := m.as.DirectPage(a, true); slot == nil {
		t.Fatal("mm refuses the page too: the test does not test the shadow")
	}
	_, gen := m.proc.User.DirectPage(a, true)
	g0 := *gen
	malloc(&interp.Call{Name: "malloc", Args: []uint64{5000}}) // above the others: the range grows
	if *gen == g0 {
		t.Fatal("a wider watched range did not move the generation")
	}
}
