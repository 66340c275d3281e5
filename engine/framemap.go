package engine

import (
	"mmplay/engine/arch"
	"mmplay/engine/phys"
)

// FrameMap is physical memory as the Physical view draws it: one byte per
// page frame (its owner, zone and whether it heads a buddy block), and the
// order of each block head. It is the compact alternative to the
// snapshot's Frames runs for a UI that redraws on every step: a 4 GiB
// machine is 1 Mi frames, whose runs cost tens of milliseconds to build
// in wasm when memory is busy, where this map is 2 MiB kept up to date in
// place.
//
// Keeping it up to date: every change of a frame's owner, flags or order
// after boot happens in the buddy allocator (allocation, free, split,
// merge) or next to it in the same step, and the allocator records an
// event for each; the machine notes the 1024-frame chunk each such event
// touched (dirtyFrames), and the next FrameMap call re-reads only those. A machine whose allocators changed frames without
// an event would leave the map stale: TestFrameMapFollowsTheMachine
// compares it with a full rebuild after every step of every gallery
// example.
type FrameMap struct {
	// State[pfn] is the frame's FrameState.
	State []FrameState
	// Order[pfn] is the order of the block frame pfn heads; meaningful
	// where State has FrameHead.
	Order []uint8
}

// FrameState packs what the Physical view needs of one frame: the owner
// in bits 0–3, the zone in bits 4–6, FrameHead in bit 7.
type FrameState uint8

// FrameHead marks the first frame of a buddy block, free (PageBuddy) or
// allocated (the head of an allocated block).
const FrameHead FrameState = 0x80

// Owner is the frame's owner.
func (s FrameState) Owner() phys.Owner { return phys.Owner(s & 0x0f) }

// Zone is the frame's zone.
func (s FrameState) Zone() phys.ZoneID { return phys.ZoneID(s>>4) & 7 }

// Head reports whether the frame heads a block.
func (s FrameState) Head() bool { return s&FrameHead != 0 }

// MakeFrameState packs an owner, a zone and the head flag.
func MakeFrameState(o phys.Owner, z phys.ZoneID, head bool) FrameState {
	s := FrameState(o&0x0f) | FrameState(z&7)<<4
	if head {
		s |= FrameHead
	}
	return s
}

// Len is the number of frames.
func (fm *FrameMap) Len() uint64 { return uint64(len(fm.State)) }

// Block returns the buddy block holding frame pfn: its first frame and
// order (ok false for a frame in no block: reserved memory, a hole).
func (fm *FrameMap) Block(pfn uint64) (head uint64, order int, ok bool) {
	if pfn >= fm.Len() {
		return 0, 0, false
	}
	// A block of order o is 2^o-aligned and o < 11, so its head is at most
	// 1023 frames back.
	for back := uint64(0); back < 1<<11 && back <= pfn; back++ {
		h := pfn - back
		if fm.State[h].Head() {
			o := int(fm.Order[h])
			if pfn-h < 1<<o {
				return h, o, true
			}
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// frameState reads one frame of the machine. A free block on a per-CPU
// list (FlagPCP) is a block head like one on a buddy list: moving between
// the two records no event and changes nothing the view draws.
func frameState(f *phys.Frame) (FrameState, uint8) {
	head := f.Flags&(phys.FlagBuddy|phys.FlagHead|phys.FlagPCP) != 0
	return MakeFrameState(f.Owner, f.Zone, head), f.Order
}

// chunkShift: the machine notes changed frames by chunks of 1024 frames,
// aligned (a buddy block of any order up to 10, the largest of MAX_ORDER
// 11, lies inside one chunk, being aligned to its size).
const chunkShift = 10

// dirtyFrames is the set of chunks whose frames may have changed since
// the last FrameMap call.
type dirtyFrames struct {
	bits   []uint64 // one bit per chunk
	chunks []uint64 // the chunks set in bits, in the order noted
}

// note records that the buddy event e may have changed frames: the chunk
// of the block it names. Whole chunks are re-read, not the block alone,
// because code around the allocator may change other frames of a block
// it handled in the same step (the kernel keeps the tail of a block freed
// with too small an order as leaked blocks, setting their heads without
// an event of their own).
func (d *dirtyFrames) note(e *arch.Event) {
	first := e.PFN >> chunkShift
	last := first
	if e.Order > chunkShift && e.Order < 64 {
		last = (e.PFN + 1<<e.Order - 1) >> chunkShift
	}
	for c := first; c <= last; c++ {
		w, b := c/64, c%64
		for uint64(len(d.bits)) <= w {
			d.bits = append(d.bits, 0)
		}
		if d.bits[w]&(1<<b) == 0 {
			d.bits[w] |= 1 << b
			d.chunks = append(d.chunks, c)
		}
	}
}

func (d *dirtyFrames) reset() {
	for _, c := range d.chunks {
		d.bits[c/64] = 0
	}
	d.chunks = d.chunks[:0]
}

// FrameMap returns the map of the machine as it is now (nil before it has
// booted). The map is the session's: it is updated in place by the next
// call after the session moves (a caller that keeps a picture copies
// what it needs), and replaced when a step back boots another machine.
// Its cost is the frames changed since the last call (every frame the
// first time on each machine).
func (s *Session) FrameMap() *FrameMap {
	if s.m == nil {
		return nil
	}
	return s.m.frameMap()
}

func (m *machine) frameMap() *FrameMap {
	frames := m.hw.Mem.Frames
	fm := &m.fmap
	n := uint64(len(frames))
	if uint64(len(fm.State)) != n {
		fm.State = make([]FrameState, n)
		fm.Order = make([]uint8, n)
		for pfn := range frames {
			fm.State[pfn], fm.Order[pfn] = frameState(&frames[pfn])
		}
	} else {
		for _, c := range m.dirty.chunks {
			for pfn := c << chunkShift; pfn < (c+1)<<chunkShift && pfn < n; pfn++ {
				fm.State[pfn], fm.Order[pfn] = frameState(&frames[pfn])
			}
		}
	}
	m.dirty.reset()
	return fm
}
