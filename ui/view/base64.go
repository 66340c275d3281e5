package view

// base64 (RFC 4648), written here rather than with encoding/base64, whose
// tables and options were 14 kB of the app's wasm for these two loops:
// the share link's text is base64url without padding (§5), and the app's
// trace writes a []byte in standard base64 with padding (§4), as
// encoding/json does.

const (
	b64std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

// AppendBase64 appends src in base64: with url, the URL alphabet and no
// padding; otherwise the standard alphabet padded with '='.
func AppendBase64(dst, src []byte, url bool) []byte {
	alphabet := b64std
	if url {
		alphabet = b64url
	}
	for i := 0; i < len(src); i += 3 {
		var v uint32
		n := min(3, len(src)-i)
		for k := 0; k < 3; k++ {
			v <<= 8
			if k < n {
				v |= uint32(src[i+k])
			}
		}
		for k := 0; k < 4; k++ {
			switch {
			case k <= n:
				dst = append(dst, alphabet[v>>(18-6*k)&63])
			case !url:
				dst = append(dst, '=')
			}
		}
	}
	return dst
}

// b64urlDecode decodes unpadded base64url; ok is false for any other
// character, or a length no encoding has (1 more than a multiple of 4).
func b64urlDecode(s string) (out []byte, ok bool) {
	if len(s)%4 == 1 {
		return nil, false
	}
	out = make([]byte, 0, len(s)*6/8)
	var acc uint32
	var nbits uint
	for i := 0; i < len(s); i++ {
		c := s[i]
		var v byte
		switch {
		case 'A' <= c && c <= 'Z':
			v = c - 'A'
		case 'a' <= c && c <= 'z':
			v = c - 'a' + 26
		case '0' <= c && c <= '9':
			v = c - '0' + 52
		case c == '-':
			v = 62
		case c == '_':
			v = 63
		default:
			return nil, false
		}
		acc = acc<<6 | uint32(v)
		nbits += 6
		if nbits >= 8 {
			nbits -= 8
			out = append(out, byte(acc>>nbits))
		}
	}
	return out, true
}
