package engine

import (
	"strings"
	"testing"

	"mmplay/engine/arch"
)

// A program that touches more anonymous memory than the machine has
// (overcommit=1 lets the malloc through): the page fault's allocation
// (GFP_HIGHUSER_MOVABLE|__GFP_ZERO) fails at the min watermark, the OOM
// killer picks the program with its real counters, and the fault returns
// into SIGKILL (exit status 137).
func TestUserFaultOOMKill(t *testing.T) {
	src := `#include <stdio.h>
#include <stdlib.h>
int main(void)
{
    long i;
    char *p = malloc(64L << 20);
    for (i = 0; i < (64L << 20); i += 4096)
        p[i] = 1;
    puts("survived");
    return 0;
}
`
	s := NewSession(compile(t, "hogu.c", src, "ram=32M,overcommit=1"))
	defer s.Close()
	r := s.Run()
	if r.ExitStatus != 137 || r.Signal == nil || r.Signal.Signo != arch.SIGKILL || r.Internal != nil {
		t.Fatalf("result: status %d signal %+v internal %v", r.ExitStatus, r.Signal, r.Internal)
	}
	if r.Line != 8 {
		t.Errorf("killed at line %d, want 8 (the touching loop)", r.Line)
	}
	log := strings.Join(r.KernelLog, "\n")
	for _, want := range []string{
		"hogu invoked oom-killer: gfp_mask=0x100dca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0",
		" handle_mm_fault+0xdb/0x2d0\n do_user_addr_fault+0x1a2/0x5f0\n exc_page_fault+0x70/0x170\n asm_exc_page_fault+0x22/0x30\n </TASK>\nMem-Info:",
		"task=hogu,pid=4242,uid=0",
		"Out of memory: Killed process 4242 (hogu) total-vm:",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("kernel log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(string(r.Stdout), "survived") || strings.Count(log, "invoked oom-killer") != 1 {
		t.Errorf("stdout %q, %d OOM reports", r.Stdout, strings.Count(log, "invoked oom-killer"))
	}
}
