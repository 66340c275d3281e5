package view

import "sort"

// deflate compresses src as raw DEFLATE (RFC 1951): LZ77 over a 32 KiB
// window with lazy matching, then the whole input as one block with
// dynamic Huffman codes. Any inflater reads it (DecodeFragment uses
// compress/flate's).
//
// RATIONALE: compress/flate's compressor, with its seven levels and its
// block splitting, was 65 kB of the app's wasm for one job: share links of
// at most 64 KiB of snippet. This encoder does the work of its best level
// in a few kilobytes; its output, for the gallery's snippets, is within a
// few bytes of compress/flate.BestCompression's (TestDeflateSize).
func deflate(src []byte) []byte {
	toks := lz77(src)
	var litFreq [286]int
	var distFreq [30]int
	for _, t := range toks {
		if t&tokMatch == 0 {
			litFreq[t]++
			continue
		}
		l, d := tokLen(t), tokDist(t)
		litFreq[257+lengthCode(l)]++
		distFreq[distCode(d)]++
	}
	litFreq[endOfBlock] = 1
	// Every code is a complete prefix code of at least two symbols, which
	// every inflater accepts (a single used symbol gets a partner).
	atLeastTwo(litFreq[:])
	atLeastTwo(distFreq[:])
	litLen := codeLengths(litFreq[:], 15)
	distLen := codeLengths(distFreq[:], 15)
	nLit, nDist := trimZeros(litLen, 257), trimZeros(distLen, 1)

	// the code lengths of both alphabets, run-length coded (§3.2.7)
	all := append(append([]uint8(nil), litLen[:nLit]...), distLen[:nDist]...)
	rle := runLengths(all)
	var clFreq [19]int
	for _, r := range rle {
		clFreq[r&0xff]++
	}
	atLeastTwo(clFreq[:])
	clLen := codeLengths(clFreq[:], 7)
	nCL := 19
	for nCL > 4 && clLen[clOrder[nCL-1]] == 0 {
		nCL--
	}

	w := bitWriter{out: make([]byte, 0, len(src)/2+64)}
	w.bits(1, 1) // BFINAL
	w.bits(2, 2) // BTYPE 10: dynamic Huffman codes
	w.bits(uint32(nLit-257), 5)
	w.bits(uint32(nDist-1), 5)
	w.bits(uint32(nCL-4), 4)
	for _, s := range clOrder[:nCL] {
		w.bits(uint32(clLen[s]), 3)
	}
	clCode := canonical(clLen)
	for _, r := range rle {
		s := r & 0xff
		w.code(clCode[s], clLen[s])
		switch s {
		case 16:
			w.bits(r>>8, 2)
		case 17:
			w.bits(r>>8, 3)
		case 18:
			w.bits(r>>8, 7)
		}
	}
	litCode, distCodes := canonical(litLen), canonical(distLen)
	for _, t := range toks {
		if t&tokMatch == 0 {
			w.code(litCode[t], litLen[t])
			continue
		}
		l, d := tokLen(t), tokDist(t)
		lc := lengthCode(l)
		w.code(litCode[257+lc], litLen[257+lc])
		w.bits(uint32(l-lengthBase[lc]), lengthExtra[lc])
		dc := distCode(d)
		w.code(distCodes[dc], distLen[dc])
		w.bits(uint32(d-distBase[dc]), distExtra[dc])
	}
	w.code(litCode[endOfBlock], litLen[endOfBlock])
	return w.flush()
}

const (
	endOfBlock = 256
	windowSize = 1 << 15 // the largest distance (§3.2.5)
	minMatch   = 3
	maxMatch   = 258
	hashBits   = 15
	// zlib's level 9 (deflate.c, configuration_table): candidates tried
	// per position, a quarter of them once a match is this good, and
	// the length that ends the search
	maxChain  = 4096
	goodMatch = 32
	niceMatch = 258
	// tooFar: a 3-byte match farther than this costs more than its three
	// literals (zlib's TOO_FAR)
	tooFar = 4096
	// maxWork bounds the candidates tried for a whole input, so that a
	// pathological one (64 KiB of two letters) compresses in tens of
	// milliseconds; past it each position tries 16
	maxWork  = 8 << 20
	tokMatch = 1 << 31
)

// A token is a literal byte, or tokMatch | length<<16 | distance.
func tokLen(t uint32) int  { return int(t>>16) & 0x1ff }
func tokDist(t uint32) int { return int(t & 0xffff) }

// lz77 turns src into literals and back-references: a hash chain of the
// positions of every 3-byte string, the longest match among the last
// maxChain candidates, and lazy evaluation (a match is kept only when the
// next position does not start a longer one), as zlib's deflate_slow does.
func lz77(src []byte) []uint32 {
	n := len(src)
	toks := make([]uint32, 0, n/3+1)
	head := make([]int32, 1<<hashBits)
	for i := range head {
		head[i] = -1
	}
	prev := make([]int32, n)
	hash := func(i int) int {
		return int((uint32(src[i])<<16|uint32(src[i+1])<<8|uint32(src[i+2]))*2654435761) >> (32 - hashBits)
	}
	insert := func(i int) {
		if i+minMatch <= n {
			h := hash(i)
			prev[i] = head[h]
			head[h] = int32(i)
		}
	}
	work := 0
	// longest returns the longest match for position i (length 0 if none
	// reaches minMatch) when the match already found is have bytes long.
	longest := func(i, have int) (length, dist int) {
		if i+minMatch > n {
			return 0, 0
		}
		limit := min(maxMatch, n-i)
		chain := maxChain
		if have >= goodMatch {
			chain >>= 2
		}
		if work > maxWork {
			chain = 16
		}
		for j := int(head[hash(i)]); j >= 0 && i-j <= windowSize && chain > 0; j = int(prev[j]) {
			chain--
			work++
			if j >= i || src[j+length] != src[i+length] {
				continue
			}
			k := 0
			for k < limit && src[j+k] == src[i+k] {
				k++
			}
			if k > length {
				length, dist = k, i-j
				if k >= niceMatch || k == limit {
					break
				}
			}
		}
		if length < minMatch || length == minMatch && dist > tooFar {
			return 0, 0
		}
		return length, dist
	}
	i := 0
	for i < n {
		l, d := longest(i, 0)
		insert(i)
		if l == 0 {
			toks = append(toks, uint32(src[i]))
			i++
			continue
		}
		// lazy: a longer match one byte on makes this byte a literal
		if l < niceMatch && i+1 < n {
			if l2, _ := longest(i+1, l); l2 > l {
				toks = append(toks, uint32(src[i]))
				i++
				continue
			}
		}
		toks = append(toks, tokMatch|uint32(l)<<16|uint32(d))
		for k := 1; k < l; k++ {
			insert(i + k)
		}
		i += l
	}
	return toks
}

// Length and distance codes (RFC 1951 §3.2.5).
var (
	lengthBase  = [29]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]int{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// the order the code-length code's lengths are sent in (§3.2.7)
	clOrder = [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// lengthCode is the code (0–28, sent as 257+code) of a match length.
func lengthCode(l int) int {
	if l == maxMatch {
		return 28
	}
	return sort.Search(28, func(c int) bool { return lengthBase[c+1] > l })
}

// distCode is the code (0–29) of a distance.
func distCode(d int) int {
	return sort.Search(29, func(c int) bool { return distBase[c+1] > d })
}

// atLeastTwo gives frequency 1 to the first unused symbols until two are
// used.
func atLeastTwo(freq []int) {
	used := 0
	for _, f := range freq {
		if f > 0 {
			used++
		}
	}
	for i := 0; used < 2 && i < len(freq); i++ {
		if freq[i] == 0 {
			freq[i] = 1
			used++
		}
	}
}

// trimZeros is how many of lens must be sent: without trailing zeros, and
// at least least.
func trimZeros(lens []uint8, least int) int {
	n := len(lens)
	for n > least && lens[n-1] == 0 {
		n--
	}
	return n
}

// codeLengths returns Huffman code lengths for freq, none longer than
// limit: Huffman's construction, and while the longest code is too long,
// the frequencies halved (each used symbol keeping at least 1), which
// flattens the tree until it fits.
func codeLengths(freq []int, limit int) []uint8 {
	f := append([]int(nil), freq...)
	for {
		lens, longest := huffman(f)
		if longest <= limit {
			return lens
		}
		for i, v := range f {
			if v > 0 {
				f[i] = (v + 1) / 2
			}
		}
	}
}

// huffman returns the code lengths of an optimal prefix code for the used
// symbols of freq (at least two), and the longest.
func huffman(freq []int) ([]uint8, int) {
	type node struct {
		w           int
		left, right int // children, -1 for a leaf
		sym         int
	}
	var nodes []node
	var queue []int
	for s, f := range freq {
		if f > 0 {
			nodes = append(nodes, node{f, -1, -1, s})
			queue = append(queue, len(nodes)-1)
		}
	}
	// the two-queue method: leaves sorted by weight, and the merged nodes,
	// which come out in increasing weight
	sort.SliceStable(queue, func(a, b int) bool { return nodes[queue[a]].w < nodes[queue[b]].w })
	var merged []int
	pop := func() int {
		if len(merged) == 0 || len(queue) > 0 && nodes[queue[0]].w <= nodes[merged[0]].w {
			x := queue[0]
			queue = queue[1:]
			return x
		}
		x := merged[0]
		merged = merged[1:]
		return x
	}
	for len(queue)+len(merged) > 1 {
		a, b := pop(), pop()
		nodes = append(nodes, node{nodes[a].w + nodes[b].w, a, b, -1})
		merged = append(merged, len(nodes)-1)
	}
	lens := make([]uint8, len(freq))
	longest := 0
	var walk func(i, depth int)
	walk = func(i, depth int) {
		if nodes[i].left < 0 {
			lens[nodes[i].sym] = uint8(depth)
			longest = max(longest, depth)
			return
		}
		walk(nodes[i].left, depth+1)
		walk(nodes[i].right, depth+1)
	}
	walk(len(nodes)-1, 0)
	return lens, longest
}

// canonical returns the canonical codes of the lengths (§3.2.2), bit
// reversed, as the bit writer sends them from their first bit.
func canonical(lens []uint8) []uint16 {
	var count [16]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]int
	code := 0
	for b := 1; b < 16; b++ {
		code = (code + count[b-1]) << 1
		next[b] = code
	}
	codes := make([]uint16, len(lens))
	for s, l := range lens {
		if l == 0 {
			continue
		}
		c := next[l]
		next[l]++
		r := 0
		for k := uint8(0); k < l; k++ {
			r = r<<1 | c>>k&1
		}
		codes[s] = uint16(r)
	}
	return codes
}

// runLengths codes a list of code lengths with the repeat symbols of
// §3.2.7: each entry is a symbol (0–18) | its extra bits' value << 8.
func runLengths(lens []uint8) []uint32 {
	var out []uint32
	for i := 0; i < len(lens); {
		l := lens[i]
		run := 1
		for i+run < len(lens) && lens[i+run] == l {
			run++
		}
		i += run
		if l == 0 {
			for run >= 11 {
				k := min(run, 138)
				out = append(out, 18|uint32(k-11)<<8)
				run -= k
			}
			if run >= 3 {
				out = append(out, 17|uint32(run-3)<<8)
				run = 0
			}
		} else {
			out = append(out, uint32(l))
			run--
			for run >= 3 {
				k := min(run, 6)
				out = append(out, 16|uint32(k-3)<<8)
				run -= k
			}
		}
		for ; run > 0; run-- {
			out = append(out, uint32(l))
		}
	}
	return out
}

// bitWriter packs bits from the least significant end, as DEFLATE does.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (w *bitWriter) bits(v uint32, n uint8) {
	w.acc |= uint64(v) << w.nacc
	w.nacc += uint(n)
	for w.nacc >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

func (w *bitWriter) code(c uint16, n uint8) { w.bits(uint32(c), n) }

func (w *bitWriter) flush() []byte {
	if w.nacc > 0 {
		w.out = append(w.out, byte(w.acc))
	}
	return w.out
}
