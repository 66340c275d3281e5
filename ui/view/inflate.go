package view

import "errors"

// inflate decompresses raw DEFLATE data (RFC 1951): stored, fixed and
// dynamic Huffman blocks. It returns errTooLong as soon as the output
// would pass limit bytes, so a deflate bomb costs at most limit bytes of
// work; errCut when the data ends early; errCorrupt for anything an
// encoder cannot have written. Its work is linear in its output, and it
// never panics, whatever the input (FuzzInflate).
//
// RATIONALE: compress/flate's reader, with its bufio and its streaming
// state machine, was 41 kB of the app's wasm; a share link is a few
// kilobytes held whole in memory, which a decoder of the RFC's own shape
// (a code read a bit at a time, as zlib's puff.c does) reads in well
// under a millisecond.
func inflate(z []byte, limit int) ([]byte, error) {
	r := bitReader{in: z}
	out := make([]byte, 0, min(limit, 4*len(z)+64))
	for {
		final, err := r.bits(1)
		if err != nil {
			return nil, err
		}
		typ, err := r.bits(2)
		if err != nil {
			return nil, err
		}
		switch typ {
		case 0:
			out, err = r.stored(out, limit)
		case 1:
			out, err = r.codes(out, limit, &fixedLit, &fixedDist)
		case 2:
			var lit, dist huffDecoder
			if err = r.dynamicCodes(&lit, &dist); err == nil {
				out, err = r.codes(out, limit, &lit, &dist)
			}
		default:
			err = errCorrupt
		}
		if err != nil {
			return nil, err
		}
		if final == 1 {
			return out, nil
		}
	}
}

var (
	errCut     = errors.New("deflate: data cut short")
	errCorrupt = errors.New("deflate: corrupt data")
	errTooLong = errors.New("deflate: output over the limit")
)

// bitReader reads bits from the least significant end of each byte.
type bitReader struct {
	in   []byte
	pos  int // next byte
	acc  uint32
	nacc uint
}

func (r *bitReader) bits(n uint) (uint32, error) {
	for r.nacc < n {
		if r.pos == len(r.in) {
			return 0, errCut
		}
		r.acc |= uint32(r.in[r.pos]) << r.nacc
		r.pos++
		r.nacc += 8
	}
	v := r.acc & (1<<n - 1)
	r.acc >>= n
	r.nacc -= n
	return v, nil
}

// stored copies a stored block (§3.2.4).
func (r *bitReader) stored(out []byte, limit int) ([]byte, error) {
	r.acc, r.nacc = 0, 0 // to the byte boundary
	if len(r.in)-r.pos < 4 {
		return nil, errCut
	}
	n := int(r.in[r.pos]) | int(r.in[r.pos+1])<<8
	if nn := int(r.in[r.pos+2]) | int(r.in[r.pos+3])<<8; n != ^nn&0xffff {
		return nil, errCorrupt
	}
	r.pos += 4
	if len(r.in)-r.pos < n {
		return nil, errCut
	}
	if len(out)+n > limit {
		return nil, errTooLong
	}
	out = append(out, r.in[r.pos:r.pos+n]...)
	r.pos += n
	return out, nil
}

// huffDecoder is a canonical code: how many codes each length has, and
// the symbols in code order.
type huffDecoder struct {
	count  [16]uint16
	symbol [288]uint16
}

// build makes the decoder of the code lengths lens; an over-subscribed
// set of lengths is corrupt (an incomplete one is found when a code
// that does not exist is read).
func (h *huffDecoder) build(lens []uint8) error {
	h.count = [16]uint16{}
	for _, l := range lens {
		h.count[l]++
	}
	left := 1
	for l := 1; l < 16; l++ {
		left = left<<1 - int(h.count[l])
		if left < 0 {
			return errCorrupt
		}
	}
	var offs [16]uint16
	for l := 1; l < 15; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	for s, l := range lens {
		if l != 0 {
			h.symbol[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	return nil
}

// decode reads one symbol of h.
func (r *bitReader) decode(h *huffDecoder) (int, error) {
	code, first, index := 0, 0, 0
	for l := 1; l < 16; l++ {
		b, err := r.bits(1)
		if err != nil {
			return 0, err
		}
		code |= int(b)
		count := int(h.count[l])
		if code-first < count {
			return int(h.symbol[index+code-first]), nil
		}
		index += count
		first = (first + count) << 1
		code <<= 1
	}
	return 0, errCorrupt // a code the lengths do not define
}

// the fixed codes (§3.2.6)
var fixedLit, fixedDist = func() (lit, dist huffDecoder) {
	var l [288]uint8
	for s := range l {
		switch {
		case s < 144:
			l[s] = 8
		case s < 256:
			l[s] = 9
		case s < 280:
			l[s] = 7
		default:
			l[s] = 8
		}
	}
	lit.build(l[:])
	var d [30]uint8
	for s := range d {
		d[s] = 5
	}
	dist.build(d[:])
	return
}()

// dynamicCodes reads a dynamic block's two codes (§3.2.7).
func (r *bitReader) dynamicCodes(lit, dist *huffDecoder) error {
	var hdr [3]uint32
	for i, n := range []uint{5, 5, 4} {
		v, err := r.bits(n)
		if err != nil {
			return err
		}
		hdr[i] = v
	}
	nLit, nDist, nCL := int(hdr[0])+257, int(hdr[1])+1, int(hdr[2])+4
	if nLit > 286 || nDist > 30 {
		return errCorrupt
	}
	var clLens [19]uint8
	for _, s := range clOrder[:nCL] {
		v, err := r.bits(3)
		if err != nil {
			return err
		}
		clLens[s] = uint8(v)
	}
	var cl huffDecoder
	if err := cl.build(clLens[:]); err != nil {
		return err
	}
	lens := make([]uint8, nLit+nDist)
	for i := 0; i < len(lens); {
		s, err := r.decode(&cl)
		if err != nil {
			return err
		}
		if s < 16 {
			lens[i] = uint8(s)
			i++
			continue
		}
		var rep uint32
		var v uint8
		switch s {
		case 16:
			if i == 0 {
				return errCorrupt // nothing to repeat
			}
			v = lens[i-1]
			rep, err = r.bits(2)
			rep += 3
		case 17:
			rep, err = r.bits(3)
			rep += 3
		default:
			rep, err = r.bits(7)
			rep += 11
		}
		if err != nil {
			return err
		}
		if i+int(rep) > len(lens) {
			return errCorrupt
		}
		for ; rep > 0; rep-- {
			lens[i] = v
			i++
		}
	}
	if lens[endOfBlock] == 0 {
		return errCorrupt // no end of block
	}
	if err := lit.build(lens[:nLit]); err != nil {
		return err
	}
	return dist.build(lens[nLit:])
}

// codes decodes a block's literals and matches up to its end (§3.2.5).
func (r *bitReader) codes(out []byte, limit int, lit, dist *huffDecoder) ([]byte, error) {
	for {
		s, err := r.decode(lit)
		if err != nil {
			return nil, err
		}
		switch {
		case s < 256:
			if len(out) == limit {
				return nil, errTooLong
			}
			out = append(out, byte(s))
			continue
		case s == endOfBlock:
			return out, nil
		case s > 285:
			return nil, errCorrupt
		}
		lc := s - 257
		extra, err := r.bits(uint(lengthExtra[lc]))
		if err != nil {
			return nil, err
		}
		length := lengthBase[lc] + int(extra)
		ds, err := r.decode(dist)
		if err != nil {
			return nil, err
		}
		if ds > 29 {
			return nil, errCorrupt
		}
		extra, err = r.bits(uint(distExtra[ds]))
		if err != nil {
			return nil, err
		}
		d := distBase[ds] + int(extra)
		if d > len(out) {
			return nil, errCorrupt // before the start of the data
		}
		if len(out)+length > limit {
			return nil, errTooLong
		}
		for k := 0; k < length; k++ {
			out = append(out, out[len(out)-d])
		}
	}
}
