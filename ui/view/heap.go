package view

// The Heap view: glibc's brk heap chunk by chunk as one bar (each chunk a
// box as wide as its share of the heap, at least MinChunkPct), the free
// lists that hold the free chunks (tcache, fastbins, the unsorted bin,
// small and large bins), the top chunk, the mmapped chunks, and malloc's
// tunables. Bin labels follow glibc 2.36 on x86-64: tcache bin i holds
// chunks of 32+16·i bytes, fastbin i of 32+16·i, small bin i of 16·i, and
// large bin i a range of sizes starting at largebinMin(i).

import (
	"strings"
	"sync"

	"mmplay/engine"
	"mmplay/engine/glibc"
)

// HeapView is everything the Heap view draws.
type HeapView struct {
	// Message is set when there is no heap to draw: a nil snapshot,
	// malloc not called yet, or a heap the program corrupted (then Error
	// is true too). Mmapped chunks may still be listed.
	Message string
	Error   bool
	Start   string // first chunk's address
	End     string // end of the last chunk
	Span    string // Bytes of all chunks
	Chunks  []ChunkRow
	// Shown is the chunks drawn: all of them, or past MaxChunksShown the
	// first ones and the top chunk, with More saying how many are not.
	Shown   []ChunkRow
	More    string
	Top     *ChunkRow // the top chunk (also the last of Chunks), nil without a heap
	Bins    []BinRow  // non-empty lists: tcache, fastbins, unsorted, small, large
	Mmapped []ChunkRow
	Params  string // "mmap threshold 128 KiB · trim threshold 128 KiB · top pad 128 KiB · 132 KiB from the kernel"
}

// ChunkRow is one chunk.
type ChunkRow struct {
	AddrNum uint64
	Addr    string // the chunk header
	UserPtr string // Addr+16: what malloc returned
	SizeNum uint64
	Size    string
	// State: "in use", "tcache", "fastbin", "unsorted", "smallbin",
	// "largebin", "top", "mmapped".
	State string
	// Class is State for CSS: "inuse", "tcache", "fastbin", "unsorted",
	// "smallbin", "largebin", "top", "mmapped", "fence".
	Class string
	Bin   string // "tcache[0] 32 B", "fastbin[1] 48 B", "unsorted", "smallbin[40] 640 B", "largebin[64] ≥ 1 KiB", "fence post", ""
	Flags string // "P" PREV_INUSE, "M" IS_MMAPPED, "A" NON_MAIN_ARENA, concatenated
	// Pct is the chunk's width in the heap bar (they sum to 100); Width
	// is Pct for CSS.
	Pct   float64
	Width string
	Title string // "0x5555555592a0 · 32 B · tcache[0] 32 B · user pointer 0x5555555592b0 · P"
}

// BinRow is one non-empty free list.
type BinRow struct {
	Kind   string // "tcache", "fastbin", "unsorted", "smallbin", "largebin"
	Label  string // as ChunkRow.Bin
	Count  int    // tcache: its count word; others: the list's length
	Chunks []string
	Addrs  []uint64 // chunk addresses, list head first
}

// MaxChunksShown bounds the chunks drawn (a box in the bar and a row in
// the table each): a loop of thousands of mallocs would otherwise put
// tens of thousands of elements on the page at every step.
const MaxChunksShown = 300

// MinChunkPct is the narrowest chunk in the heap bar.
const MinChunkPct = 0.25

const chunkHdr = 16 // 2 * SIZE_SZ: the user pointer is chunk + 16

var chunkClass = map[glibc.ChunkState]string{
	glibc.InUse: "inuse", glibc.InTcache: "tcache", glibc.InFastbin: "fastbin", glibc.InUnsorted: "unsorted",
	glibc.InSmallbin: "smallbin", glibc.InLargebin: "largebin", glibc.Top: "top",
}

// HeapRows builds the Heap view of a snapshot; nil-safe.
func HeapRows(snap *engine.Snapshot) HeapView {
	if snap == nil {
		return HeapView{Message: "no program has run yet"}
	}
	if snap.HeapError != "" {
		return HeapView{Message: snap.HeapError, Error: true}
	}
	h := snap.Heap
	if h == nil {
		return HeapView{Message: "no heap"}
	}
	var v HeapView
	for _, m := range h.Mmapped {
		r := ChunkRow{AddrNum: m.Addr, Addr: Addr(m.Addr), UserPtr: Addr(m.Addr + chunkHdr), SizeNum: m.Size,
			Size: Bytes(m.Size), State: "mmapped", Class: "mmapped", Flags: "M", Pct: 100, Width: Percent(100)}
		r.Title = r.Addr + " · " + r.Size + " · mmapped chunk (its own mapping, munmap'ed by free) · user pointer " + r.UserPtr
		v.Mmapped = append(v.Mmapped, r)
	}
	p := h.Params
	v.Params = "mmap threshold " + Bytes(p.MmapThreshold) + " · trim threshold " + Bytes(p.TrimThreshold) +
		" · top pad " + Bytes(p.TopPad) + " · " + Bytes(p.SystemMem) + " from the kernel"
	if p.NMmaps > 0 {
		v.Params += " · " + Plural(p.NMmaps, "mmapped chunk") + " (" + Bytes(p.MmappedMem) + ")"
	}
	if !h.Initialized || len(h.Chunks) == 0 {
		v.Message = "malloc has not set up the heap yet"
		return v
	}
	sizes := make([]uint64, len(h.Chunks))
	var span uint64
	for i, c := range h.Chunks {
		sizes[i] = c.Size
		span += c.Size
	}
	pct := widths(sizes, MinChunkPct)
	v.Chunks = make([]ChunkRow, len(h.Chunks))
	for i, c := range h.Chunks {
		r := ChunkRow{AddrNum: c.Addr, Addr: Addr(c.Addr), UserPtr: Addr(c.Addr + chunkHdr), SizeNum: c.Size,
			Size: Bytes(c.Size), State: c.State.String(), Class: chunkClass[c.State], Bin: binLabel(c.State, c.Bin),
			Flags: chunkFlags(c.Flags), Pct: pct[i], Width: Percent(pct[i])}
		if c.State == glibc.InUse && c.Size == chunkHdr {
			r.Class, r.Bin = "fence", "fence post"
		}
		if r.Class == "" {
			r.Class = "inuse"
		}
		t := []string{r.Addr, r.Size, r.State}
		if r.Bin != "" && r.Bin != r.State {
			t = append(t, r.Bin)
		}
		if c.State != glibc.Top && r.Class != "fence" {
			t = append(t, "user pointer "+r.UserPtr)
		}
		if c.Addr == h.LastRemainder && c.State != glibc.InUse {
			t = append(t, "last remainder")
		}
		if r.Flags != "" {
			t = append(t, r.Flags)
		}
		r.Title = strings.Join(t, " · ")
		v.Chunks[i] = r
		if c.State == glibc.Top {
			v.Top = &v.Chunks[i]
		}
	}
	v.Shown = v.Chunks
	if n := len(v.Chunks); n > MaxChunksShown {
		v.Shown = append(append([]ChunkRow(nil), v.Chunks[:MaxChunksShown-1]...), v.Chunks[n-1])
		v.More = Plural(n-MaxChunksShown, "chunk") + " before the last not drawn (" + Plural(n, "chunk") + " in all)"
		// the bar's widths are shares of what it draws
		shown := make([]uint64, len(v.Shown))
		for i, r := range v.Shown {
			shown[i] = r.SizeNum
		}
		for i, p := range widths(shown, MinChunkPct) {
			v.Shown[i].Pct, v.Shown[i].Width = p, Percent(p)
		}
	}
	first, last := h.Chunks[0], h.Chunks[len(h.Chunks)-1]
	v.Start, v.End, v.Span = Addr(first.Addr), Addr(last.Addr+last.Size), Bytes(span)
	list := func(kind string, st glibc.ChunkState, ls []glibc.List) {
		for _, l := range ls {
			b := BinRow{Kind: kind, Label: binLabel(st, l.Index), Count: l.Count, Addrs: l.Chunks}
			for _, a := range l.Chunks {
				b.Chunks = append(b.Chunks, Addr(a))
			}
			v.Bins = append(v.Bins, b)
		}
	}
	list("tcache", glibc.InTcache, h.Tcache)
	list("fastbin", glibc.InFastbin, h.Fastbins)
	for _, l := range h.Bins {
		st, kind := glibc.InLargebin, "largebin"
		switch {
		case l.Index == 1:
			st, kind = glibc.InUnsorted, "unsorted"
		case l.Index < nSmallbins:
			st, kind = glibc.InSmallbin, "smallbin"
		}
		list(kind, st, []glibc.List{l})
	}
	return v
}

// nSmallbins is NSMALLBINS: bins 2…63 hold one size each.
const nSmallbins = 64

func chunkFlags(f uint8) string {
	s := ""
	if f&1 != 0 {
		s += "P"
	}
	if f&2 != 0 {
		s += "M"
	}
	if f&4 != 0 {
		s += "A"
	}
	return s
}

// binLabel names the list a chunk in state st and bin index i is on.
func binLabel(st glibc.ChunkState, i int) string {
	switch st {
	case glibc.InTcache:
		return "tcache[" + fmtInt(i) + "] " + Bytes(uint64(32+16*i))
	case glibc.InFastbin:
		return "fastbin[" + fmtInt(i) + "] " + Bytes(uint64(32+16*i))
	case glibc.InUnsorted:
		return "unsorted"
	case glibc.InSmallbin:
		return "smallbin[" + fmtInt(i) + "] " + Bytes(uint64(16*i))
	case glibc.InLargebin:
		return "largebin[" + fmtInt(i) + "] ≥ " + Bytes(largebinMin(i))
	case glibc.Top:
		return "top"
	}
	return ""
}

// largebinIndex is malloc.c's largebin_index_64.
func largebinIndex(sz uint64) int {
	switch {
	case sz>>6 <= 48:
		return 48 + int(sz>>6)
	case sz>>9 <= 20:
		return 91 + int(sz>>9)
	case sz>>12 <= 10:
		return 110 + int(sz>>12)
	case sz>>15 <= 4:
		return 119 + int(sz>>15)
	case sz>>18 <= 2:
		return 124 + int(sz>>18)
	}
	return 126
}

var (
	largeMinOnce sync.Once
	largeMin     [128]uint64
)

// largebinMin is the smallest chunk size large bin i holds (found once by
// walking sizes 1024 … 768 KiB in steps of 16 through largebinIndex).
func largebinMin(i int) uint64 {
	largeMinOnce.Do(func() {
		for sz := uint64(1024); sz <= 3<<18; sz += 16 {
			if k := largebinIndex(sz); largeMin[k] == 0 {
				largeMin[k] = sz
			}
		}
	})
	if i < 0 || i >= len(largeMin) {
		return 0
	}
	return largeMin[i]
}
