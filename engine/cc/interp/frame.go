package interp

import (
	"unsafe"

	"mmplay/engine/arch"
	"mmplay/engine/cc/syntax"
)

// The frame cache: the running function's locals read and written
// without a call.
//
// Every local lives in simulated memory, so a naive "s += i" is three
// calls through Memory (two loads, a store), each through libc's ASan
// check and mm's TLB. Under Go's wasm port a call costs several times
// what it costs natively (an indirect one, such as a closure's, about
// 20 ns against 3), and the interpreter spent most of its time there.
// When Memory also implements DirectMemory, the thread keeps the content
// slot of the page that holds the running frame's top locals (the page of
// fp-1), exactly as the TLB holds it, and a local access there becomes a
// few arithmetic operations and a move. (A frame that reaches into the
// page below has its lower locals served by Memory, as before: about one
// frame in fifty for frames of 100 bytes.)
//
// Faithfulness. A slot is taken only from DirectMemory.DirectPage for a
// write access: the page is present, writable, accessed and dirty in the
// page tables, and (through libc's view) outside every object the ASan
// shadow watches. An access through Memory would then do nothing but move
// the bytes: no fault, no counter, no report. The slot is valid while
// the memory's generation counter keeps its value; every TLB flush
// (munmap, mprotect, madvise, COW, mremap) and every growth of the shadow
// changes it, and the next local access re-asks (refreshFrame). Minor
// faults and RSS therefore stay exact: the first touch of a stack page
// still goes through Memory and faults there (a call's pushes, or a
// local's first access, take the slow path until the page is present).
//
// The window. The fused closures (fuse.go) read a local of any size as
// the 8 bytes starting at its address and shift them into the local's
// widened value, and write it by merging its bytes into those 8: one
// code path for every integer type, with no branch on the type (in wasm
// a taken branch goes through the function's dispatch table, so fewer
// branches is faster there). Bytes beyond the local are read and written
// back unchanged, within the same page, by the same thread: nothing can
// observe it. The fast paths use the upper page only, for locals at
// fp-off with off ≤ fc.hi: every such window lies in it, because the
// upper page reaches up to fp at least and fp-off+8 ≤ fp once off ≥ 8, or
// (off < 8) the page goes on past fp. When rbp is page-aligned (1 frame in
// 256) the latter fails and fc.hi is 0: that frame's locals take the slow
// paths, which are exact too.
//
// A call pushes the return address and rbp, spills its parameters and
// takes its own frame cache through the caller's page when they lie in
// it (push; most calls): the callee then needs no DirectPage call.
//
// Cost: four words in the thread, saved and restored around each call,
// and one DirectPage call the first time a frame's locals are used after
// a flush or a call into another page.

// DirectMemory is implemented by a Memory that can hand out a page's bytes
// for direct access (mm.AddressSpace; libc's checked view of it).
// DirectPage returns the content slot of addr's page when an access of
// that kind (write: a store) would have no effect but moving bytes, or
// nil; gen points to a counter that changes whenever a returned slot may
// stop being such a page. A nil *slot is a page without storage: it
// reads as zeros, and a store must go through Memory.
type DirectMemory interface {
	DirectPage(addr uint64, write bool) (slot **[arch.PageSize]byte, gen *uint64)
}

type page = [arch.PageSize]byte

// noPage is the slot of a frame page the cache cannot serve: it holds nil.
var noPage *page

// frameCache is the frame cache of one frame, valid while the memory's
// generation is gen: upper is the slot of the page of fp-1 (&noPage when
// the cache cannot serve), and the fast paths use it for the locals at
// fp-x with x ≤ hi (hi is 0 when none qualifies). retry is set when the
// page was refused because it was not yet writable in the TLB: the next
// store through Memory may make it so.
type frameCache struct {
	upper *(*page)
	hi    uint64
	gen   uint64
	retry bool
}

// noFrame is the frame cache of no frame.
var noFrame = frameCache{upper: &noPage}

// refreshFrame re-reads the frame cache for the running frame. Locals
// below the page of fp-1 (a frame that straddles two pages) and the
// locals of a frame whose rbp is page-aligned are left to Memory.
func (t *Thread) refreshFrame() {
	t.fc = noFrame
	if t.dm == nil || t.depth == 0 {
		t.fc.gen = *t.fgenp
		return
	}
	top := t.fp - 1
	slot, gen := t.dm.DirectPage(top, true)
	t.fgenp, t.fc.gen = gen, *gen
	if off := top&arch.PageMask + 1; off <= arch.PageSize-8 {
		if slot != nil {
			t.fc.upper, t.fc.hi = slot, off
		} else {
			t.fc.retry = true
		}
	}
}

// staleFrame makes the next local access re-read the frame cache (a call
// or a return changed rbp).
func (t *Thread) staleFrame() { t.fc.gen = *t.fgenp - 1 }

// window returns the upper frame page, fp's offset in it, and bad, which
// is zero when the cache is current, the page has its bytes, and the
// windows of the locals at fp-hi and above lie in it. bad is computed
// without a branch, so that a closure's fast path has one branch in all:
// in wasm a taken branch goes through the function's dispatch table, and
// the compiler does not turn a test that guards a load's address into a
// conditional move. Every term is below 2^63 but for its sign bit: fo ≤
// PageSize, hi ≤ a frame size, a pointer is below 2^47.
func (t *Thread) window(hi uint64) (q *page, fo, bad uint64) {
	q, fo = *t.fc.upper, t.fc.hi
	p := uint64(uintptr(unsafe.Pointer(q)))
	bad = t.fc.gen ^ *t.fgenp | (fo-hi)>>63 | ((p|-p)>>63 ^ 1)
	return q, fo, bad
}

// stepWindow is step and window in one: bad is also non-zero when the
// step must take its slow path, which the caller then takes first of all
// (stepSlow), before its own slow path. (limit < 2^63: see slowStep.)
func (t *Thread) stepWindow(pos syntax.Pos, hi uint64) (q *page, fo, bad uint64) {
	t.pos = pos
	t.steps++
	q, fo = *t.fc.upper, t.fc.hi
	p := uint64(uintptr(unsafe.Pointer(q)))
	bad = t.fc.gen ^ *t.fgenp | (fo-hi)>>63 | ((p|-p)>>63 ^ 1) | (t.limit-t.steps)>>63
	return q, fo, bad
}

// stepSlow finishes a step counted by stepWindow.
func (t *Thread) stepSlow() {
	if t.steps > t.limit {
		t.slowStep()
	}
}

// framePage returns the running frame's page and its address when the
// frame cache serves it (for a call's pushes and the callee's frame), or
// nil.
func (t *Thread) framePage() (*page, uint64) {
	if t.fc.gen != *t.fgenp || t.fc.hi == 0 {
		return nil, 0
	}
	return *t.fc.upper, (t.fp - 1) &^ arch.PageMask
}

// push stores the n-byte value v at a, through the frame page q (at
// base) when a lies in it, else through Memory.
func (t *Thread) push(q *page, base, a uint64, n int, v uint64) {
	if o := a - base; q != nil && o <= arch.PageSize-8 {
		st8(q, o, ld8(q, o)&^(^uint64(0)>>(64-8*n))|v&(^uint64(0)>>(64-8*n)))
		return
	}
	t.Mem.Store(a, n, v)
}

// loadLocal and storeLocal are a local's access off the fast path
// (through Memory), which first re-reads a stale frame cache, so that the
// next access can take the fast path. After a store, which makes the page
// present and writable, the cache tries again if it had to refuse the
// page for not being so.
func (t *Thread) loadLocal(off uint64, n int) uint64 {
	if t.fc.gen != *t.fgenp {
		t.refreshFrame()
	}
	return t.Mem.Load(t.fp-off, n)
}

func (t *Thread) storeLocal(off uint64, n int, v uint64) {
	if t.fc.gen != *t.fgenp {
		t.refreshFrame()
	}
	t.Mem.Store(t.fp-off, n, v)
	if t.fc.retry {
		t.refreshFrame()
	}
}
