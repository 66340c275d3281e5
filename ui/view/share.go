package view

import (
	"errors"
	"fmt"
	"strings"
)

// The share link (SPEC §7 "share") carries the playground's state in the URL
// fragment, which never reaches a server:
//
//	#s=<base64url, no padding, of raw DEFLATE of {"v":1,"c":…,"k":…,"s":…,"w":[…]}>
//
// Encoding steps:
//
//  1. The state becomes compact JSON with HTML escaping off, so '<' in
//     "#include <stdio.h>" stays one byte: {"v":1,"c":code,"k":config,
//     "s":step,"w":[views]}. "v" is the format version; a later format
//     bumps it rather than reinterpreting these fields.
//  2. raw DEFLATE (no zlib or gzip header: the fragment has no use for
//     their checksums, and each costs bytes), by deflate.go's encoder,
//     which compresses as well as compress/flate's BestCompression.
//  3. base64url without padding (base64.go): the alphabet A–Z a–z 0–9 - _ needs no
//     percent-escaping in a fragment, and padding carries no information.
//
// Example 06 (3,116 bytes of C) encodes to a 1,897-byte fragment.
//
// Decoding reverses the steps on input that anyone may have written, so each
// stage is bounded before it runs: the fragment text (MaxFragmentLen), the
// inflated JSON (maxInflatedLen: inflate.go stops a deflate bomb the
// moment its output would pass 256 KiB), then the decoded fields (Validate).
// Inflating is linear in its output and JSON decoding linear in its input,
// so nothing can hang.

// Limits of a share link. A state that passes Validate can still encode to
// a fragment longer than MaxFragmentLen when its code compresses badly; the
// "Copy link" button checks len(EncodeFragment(s)) as well.
const (
	MaxFragmentLen = 64 << 10  // bytes of fragment text, without the '#'
	MaxCodeLen     = 64 << 10  // bytes of snippet source
	MaxConfigLen   = 200       // bytes of config text
	MaxViews       = 16        // open views
	maxViewName    = 16        // bytes of one view id
	maxInflatedLen = 256 << 10 // bytes of JSON after inflating
	shareVersion   = 1         // the "v" written and the only one read
	fragmentPrefix = "s="      // the fragment's one parameter
)

// State is what a share link restores.
type State struct {
	Code   string   // the snippet's source (valid UTF-8 survives the trip byte for byte)
	Config string   // engine config text, "arch=x86_64,kernel=6.1,debug=off"; opaque here
	Step   uint64   // the engine step the views showed
	Views  []string // ids of the open views ("physical", "heap"); nil when none
}

// ErrNoState is DecodeFragment's answer to a fragment that holds no shared
// state at all (empty, or not starting with "s="), as opposed to a damaged
// one: the page then simply opens with its defaults.
var ErrNoState = errors.New("this link holds no shared playground state")

// wireState is State as JSON (sharejson.go): {"v":…,"c":…,"k":…,"s":…,
// "w":[…]}. Every field is always written, so the format is the one
// documented above and no field is ambiguous when absent.
type wireState struct {
	V int
	C string
	K string
	S uint64
	W []string
}

// EncodeFragment returns the fragment for s, without the leading '#'. It
// encodes whatever it is given; a state that fails Validate, or whose
// fragment is longer than MaxFragmentLen, gives a link DecodeFragment
// refuses, so callers check both before offering the link.
func EncodeFragment(s State) string {
	w := wireState{V: shareVersion, C: s.Code, K: s.Config, S: s.Step, W: s.Views}
	if w.W == nil {
		w.W = []string{} // "w":[] rather than "w":null
	}
	return fragmentPrefix + string(AppendBase64(nil, deflate(encodeWire(w)), true))
}

// DecodeFragment restores the state in a share link's fragment, given with
// or without its leading '#'. It returns ErrNoState when the fragment holds
// no state, and otherwise an error whose text can be shown to the user as it
// is. It never panics, and its work is bounded by the limits above whatever
// the input.
func DecodeFragment(frag string) (State, error) {
	frag = strings.TrimPrefix(frag, "#")
	if len(frag) > MaxFragmentLen {
		return State{}, fmt.Errorf("this link is too long (%d bytes; at most %d)", len(frag), MaxFragmentLen)
	}
	payload, ok := strings.CutPrefix(frag, fragmentPrefix)
	if !ok {
		return State{}, ErrNoState
	}
	if payload == "" {
		return State{}, damaged("it ends where the shared state should begin")
	}
	z, ok := b64urlDecode(payload)
	if !ok {
		return State{}, damaged("it contains characters a share link never has (was it cut or edited?)")
	}
	raw, err := inflate(z, maxInflatedLen)
	switch err {
	case nil:
	case errCut:
		return State{}, damaged("it is cut short (was it copied whole?)")
	case errTooLong:
		return State{}, damaged(fmt.Sprintf("it expands to more than %d bytes", maxInflatedLen))
	default:
		return State{}, damaged("its compressed data is corrupt")
	}

	// The version is judged before the fields, so a link from a later
	// format gets a message about versions rather than about its fields.
	w, werr := decodeWire(raw)
	switch werr {
	case wireSyntax:
		return State{}, damaged("its contents are not valid JSON")
	case wireVersionNaN:
		return State{}, damaged("its format version is not a number")
	case wireNoVersion:
		return State{}, damaged("it has no format version")
	}
	if w.V != shareVersion {
		return State{}, damaged(fmt.Sprintf("it uses format version %d, and this playground reads version %d only", w.V, shareVersion))
	}
	if werr == wireTypes {
		return State{}, damaged("its fields have the wrong types")
	}
	s := State{Code: w.C, Config: w.K, Step: w.S, Views: w.W}
	if len(s.Views) == 0 {
		s.Views = nil
	}
	if err := s.Validate(); err != nil {
		return State{}, err
	}
	return s, nil
}

// Validate reports whether s is within the limits DecodeFragment enforces:
// code of at most MaxCodeLen bytes, config text of at most MaxConfigLen
// bytes of [A-Za-z0-9=,._-], at most MaxViews views each matching
// [a-z]{1,16}. It does not parse the config: that is the engine's job, and
// its errors are the engine's.
func (s State) Validate() error {
	if len(s.Code) > MaxCodeLen {
		return damaged(fmt.Sprintf("its code is %d bytes long, more than the %d a link may carry", len(s.Code), MaxCodeLen))
	}
	if len(s.Config) > MaxConfigLen {
		return damaged(fmt.Sprintf("its settings are %d bytes long, more than %d", len(s.Config), MaxConfigLen))
	}
	for _, r := range s.Config {
		if r >= 0x80 || !configByte(byte(r)) {
			return damaged(fmt.Sprintf("its settings contain the character %q, which settings never use", r))
		}
	}
	if len(s.Views) > MaxViews {
		return damaged(fmt.Sprintf("it opens %d views, more than the %d a link may open", len(s.Views), MaxViews))
	}
	for _, v := range s.Views {
		if !viewName(v) {
			return damaged(fmt.Sprintf("it names a view %q, which is not a view's name", v))
		}
	}
	return nil
}

func damaged(why string) error { return errors.New("this link is damaged: " + why) }

// configByte reports whether c belongs to [A-Za-z0-9=,._-].
func configByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '=' || c == ',' || c == '.' || c == '_' || c == '-'
}

// viewName reports whether v matches [a-z]{1,16}.
func viewName(v string) bool {
	if len(v) == 0 || len(v) > maxViewName {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 'a' || v[i] > 'z' {
			return false
		}
	}
	return true
}
