package libc

import (
	"testing"

	"mmplay/engine/cc/interp"
)

// A module's code calls memset on kmalloc'ed (kernel) memory: the string
// builtins must use the calling thread's memory, and the checked user
// memory only for the program's own calls.
func TestStrUsesCallersMemory(t *testing.T) {
	user, kmem := newFakeMem(), newFakeMem()
	kmem.mapRange(0x10000, 4096)
	p := &Process{User: &UserMemory{}}
	p.Str = NewStr(user)

	if got := p.str(&interp.Call{Thread: &interp.Thread{Mem: p.User}}); got != p.Str {
		t.Error("the program's call must use the checked user memory")
	}
	if got := p.str(&interp.Call{}); got != p.Str {
		t.Error("a call without a thread must use the checked user memory")
	}
	s := p.str(&interp.Call{Thread: &interp.Thread{Mem: kmem}})
	s.Memset(0x10010, 'x', 8)
	if got := string(kmem.bytes(0x10010, 8)); got != "xxxxxxxx" {
		t.Errorf("memset through the thread's memory wrote %q", got)
	}
}
