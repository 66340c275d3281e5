package view

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// rawFragment builds a fragment around arbitrary inflated bytes, so tests can
// reach the stages after base64 and inflate with hostile contents.
func rawFragment(t testing.TB, inflated []byte) string {
	t.Helper()
	var z bytes.Buffer
	fw, err := flate.NewWriter(&z, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(inflated)
	fw.Close()
	return "s=" + base64.RawURLEncoding.EncodeToString(z.Bytes())
}

func example(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func shareCases(t testing.TB) []struct {
	name string
	s    State
} {
	return []struct {
		name string
		s    State
	}{
		{"empty state", State{}},
		{"example 01 with config, step and views", State{
			Code:   example(t, "01-malloc-free-trim.c"),
			Config: "arch=x86_64,kernel=6.1,debug=off",
			Step:   1234,
			Views:  []string{"physical", "heap", "console"},
		}},
		{"unicode code: accents, CJK, emoji, RTL", State{
			Code: "// héllo 世界 🙂 שלום\nint main(void) { printf(\"ü\\n\"); }\n",
		}},
		{"HTML-special characters stay themselves", State{
			Code: "#include <stdio.h>\nint a = 1 < 2 && 3 > 2; char *q = \"'\\\"\";\n",
		}},
		{"control characters and a NUL", State{Code: "a\x00b\x01\t\r\n\x7f"}},
		{"largest step", State{Step: ^uint64(0)}},
		{"code of exactly MaxCodeLen bytes", State{Code: strings.Repeat("int x;\n", MaxCodeLen/7) + strings.Repeat(" ", MaxCodeLen%7)}},
		{"config of exactly MaxConfigLen bytes", State{Config: "ram=" + strings.Repeat("1", MaxConfigLen-4)}},
		{"every config character", State{Config: "ABCXYZabcxyz0189=,._-"}},
		{"MaxViews views of the longest name", State{Views: strings.Split(strings.Repeat("abcdefghijklmnop,", MaxViews-1)+"z", ",")}},
	}
}

func TestFragmentRoundTrip(t *testing.T) {
	for _, tc := range shareCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			frag := EncodeFragment(tc.s)
			if len(frag) > MaxFragmentLen {
				t.Fatalf("fragment is %d bytes, more than MaxFragmentLen", len(frag))
			}
			for _, in := range []string{frag, "#" + frag} {
				got, err := DecodeFragment(in)
				if err != nil {
					t.Fatalf("DecodeFragment(%.40q…): %v", in, err)
				}
				if !reflect.DeepEqual(got, tc.s) {
					t.Fatalf("round trip:\n got %#v\nwant %#v", got, tc.s)
				}
			}
		})
	}
}

func TestFragmentIsURLSafe(t *testing.T) {
	for _, tc := range shareCases(t) {
		frag := EncodeFragment(tc.s)
		payload, ok := strings.CutPrefix(frag, "s=")
		if !ok {
			t.Errorf("%s: fragment %.20q… does not start with s=", tc.name, frag)
			continue
		}
		for i := 0; i < len(payload); i++ {
			c := payload[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				t.Errorf("%s: byte %d of the payload is %q, not base64url", tc.name, i, c)
				break
			}
		}
	}
}

// TestFragmentFormat pins the documented wire format, so a change to it is
// a decision (and a version bump), not an accident.
func TestFragmentFormat(t *testing.T) {
	frag := EncodeFragment(State{Code: "<&>", Config: "debug=off", Step: 7, Views: []string{"heap"}})
	z, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(frag, "s="))
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	js.ReadFrom(flate.NewReader(bytes.NewReader(z)))
	want := `{"v":1,"c":"<&>","k":"debug=off","s":7,"w":["heap"]}`
	if js.String() != want {
		t.Errorf("inflated fragment\n got %s\nwant %s", js.String(), want)
	}
}

func TestExampleFragmentSize(t *testing.T) {
	// The size claimed in share.go's comment.
	code := example(t, "06-vmalloc.c")
	frag := EncodeFragment(State{Code: code})
	t.Logf("%d bytes of code → %d bytes of fragment", len(code), len(frag))
	if len(frag) > len(code) {
		t.Errorf("fragment (%d bytes) longer than the code (%d bytes)", len(frag), len(code))
	}
}

func TestDecodeFragmentErrors(t *testing.T) {
	valid := EncodeFragment(State{Code: example(t, "02-demand-paging.c"), Views: []string{"virtual"}})
	z, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(valid, "s="))
	cutDeflate := "s=" + base64.RawURLEncoding.EncodeToString(z[:len(z)/2])

	tests := []struct {
		name string
		frag string
		want string // a substring of the error; "" means ErrNoState
	}{
		{"empty fragment", "", ""},
		{"a lone #", "#", ""},
		{"an ordinary anchor", "#examples", ""},
		{"another parameter", "x=abc", ""},
		{"s= and nothing", "s=", "this link is damaged: it ends where"},
		{"one byte too long", "s=" + strings.Repeat("A", MaxFragmentLen-1), "this link is too long (65537 bytes; at most 65536)"},
		{"one byte too long after the #", "#s=" + strings.Repeat("A", MaxFragmentLen-1), "this link is too long (65537 bytes; at most 65536)"},
		{"a character outside base64url", "s=ab$cd", "contains characters a share link never has"},
		{"standard base64, not URL-safe", "s=ab+/cd", "contains characters"},
		{"padding", "s=QQ==", "contains characters"},
		{"a percent-escape", "s=ab%20cd", "contains characters"},
		{"impossible base64 length", "s=A", "contains characters"},
		{"reserved deflate block type", "s=" + base64.RawURLEncoding.EncodeToString([]byte{0xff, 0xff, 0xff}), "compressed data is corrupt"},
		{"deflate cut in half", cutDeflate, "it is cut short"},
		{"deflate bomb", rawFragment(t, make([]byte, maxInflatedLen+1)), "expands to more than 262144 bytes"},
		{"not JSON", rawFragment(t, []byte("hello")), "not valid JSON"},
		{"two JSON values", rawFragment(t, []byte(`{"v":1} {"v":1}`)), "not valid JSON"},
		{"JSON array", rawFragment(t, []byte(`[1]`)), "not valid JSON"},
		{"no version", rawFragment(t, []byte(`{"c":"int x;"}`)), "has no format version"},
		{"version null", rawFragment(t, []byte(`{"v":null}`)), "has no format version"},
		{"a later version", rawFragment(t, []byte(`{"v":2,"c":"x"}`)), "uses format version 2, and this playground reads version 1 only"},
		{"version zero", rawFragment(t, []byte(`{"v":0}`)), "uses format version 0"},
		{"version as a string", rawFragment(t, []byte(`{"v":"1"}`)), "format version is not a number"},
		{"code as a number", rawFragment(t, []byte(`{"v":1,"c":5}`)), "fields have the wrong types"},
		{"negative step", rawFragment(t, []byte(`{"v":1,"s":-1}`)), "fields have the wrong types"},
		{"views as a string", rawFragment(t, []byte(`{"v":1,"w":"heap"}`)), "fields have the wrong types"},
		{"code one byte too long", EncodeFragment(State{Code: strings.Repeat("x", MaxCodeLen+1)}), "its code is 65537 bytes long"},
		{"config one byte too long", EncodeFragment(State{Config: strings.Repeat("a", MaxConfigLen+1)}), "settings are 201 bytes long"},
		{"config with a space", EncodeFragment(State{Config: "arch=i386 ram=64M"}), `the character ' '`},
		{"config with a quote", EncodeFragment(State{Config: `arch="i386"`}), `the character '"'`},
		{"config with a non-ASCII letter", EncodeFragment(State{Config: "arch=ï386"}), `the character 'ï'`},
		{"too many views", EncodeFragment(State{Views: strings.Split(strings.Repeat("a,", MaxViews)+"a", ",")}), "opens 17 views"},
		{"empty view name", EncodeFragment(State{Views: []string{"heap", ""}}), `names a view ""`},
		{"capitalised view name", EncodeFragment(State{Views: []string{"Heap"}}), `names a view "Heap"`},
		{"view name of 17 letters", EncodeFragment(State{Views: []string{"abcdefghijklmnopq"}}), `names a view`},
		{"view name with markup", EncodeFragment(State{Views: []string{"<b>"}}), `names a view "<b>"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := DecodeFragment(tc.frag)
			if err == nil {
				t.Fatalf("DecodeFragment succeeded: %#v", s)
			}
			if tc.want == "" {
				if !errors.Is(err, ErrNoState) {
					t.Fatalf("error %q, want ErrNoState", err)
				}
				return
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q, want it to contain %q", err, tc.want)
			}
			if !reflect.DeepEqual(s, State{}) {
				t.Fatalf("a failed decode returned a state: %#v", s)
			}
		})
	}
}

func TestDecodeFragmentTruncated(t *testing.T) {
	frag := EncodeFragment(State{Code: example(t, "05-get-free-pages.c"), Config: "kernel=2.0", Step: 99, Views: []string{"buddy"}})
	for n := 0; n < len(frag); n++ {
		if _, err := DecodeFragment(frag[:n]); err == nil {
			t.Errorf("the fragment cut to %d of %d bytes decoded without error", n, len(frag))
		}
	}
}

func TestDecodeFragmentRandomBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := 0; i < 2000; i++ {
		n := r.IntN(300)
		raw := make([]byte, n)
		for j := range raw {
			raw[j] = byte(r.Uint32())
		}
		b64 := make([]byte, n)
		for j := range b64 {
			b64[j] = alphabet[r.IntN(len(alphabet))]
		}
		for _, frag := range []string{
			string(raw),
			"s=" + string(raw),
			"s=" + string(b64),
			"s=" + base64.RawURLEncoding.EncodeToString(raw),
			rawFragment(t, raw),
		} {
			s, err := DecodeFragment(frag)
			if err == nil {
				if verr := s.Validate(); verr != nil {
					t.Fatalf("decoded a state that does not validate: %v", verr)
				}
			}
		}
	}
}

func FuzzDecodeFragment(f *testing.F) {
	for _, tc := range shareCases(f) {
		if len(tc.s.Code) < 4096 {
			f.Add(EncodeFragment(tc.s))
		}
	}
	valid := EncodeFragment(State{Code: "int main(void) { return 0; }", Config: "ram=64M", Step: 3, Views: []string{"heap"}})
	f.Add(valid)
	f.Add("#" + valid)
	f.Add(valid[:len(valid)/2])
	f.Add("")
	f.Add("#")
	f.Add("s=")
	f.Add("s=QQ==")
	f.Add(rawFragment(f, []byte(`{"v":1,"c":"x","k":"a=b","s":1,"w":["heap"]}`)))
	f.Add(rawFragment(f, []byte(`{"v":2}`)))
	f.Add(rawFragment(f, []byte(`{"v":1,"w":[""]}`)))
	f.Fuzz(func(t *testing.T, frag string) {
		s, err := DecodeFragment(frag)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("decoded state does not validate: %v", err)
		}
		again, err := DecodeFragment(EncodeFragment(s))
		if err != nil {
			t.Fatalf("re-encoded state does not decode: %v", err)
		}
		if !reflect.DeepEqual(again, s) {
			t.Fatalf("re-encoding changed the state:\n got %#v\nwant %#v", again, s)
		}
	})
}

// FuzzFragmentRoundTrip: every valid state with valid UTF-8 code survives
// the trip unchanged.
func FuzzFragmentRoundTrip(f *testing.F) {
	f.Add("int main(void) {}", "arch=i386", uint64(0), "heap,physical")
	f.Add("héllo \x00 <>&", "", uint64(1<<63), "")
	f.Fuzz(func(t *testing.T, code, config string, step uint64, views string) {
		s := State{Code: code, Config: config, Step: step}
		if views != "" {
			s.Views = strings.Split(views, ",")
		}
		frag := EncodeFragment(s)
		got, err := DecodeFragment(frag)
		if s.Validate() != nil || len(frag) > MaxFragmentLen {
			if err == nil {
				t.Fatalf("an invalid state decoded: %#v", s)
			}
			return
		}
		if !utf8.ValidString(code) {
			// JSON carries text: invalid bytes become U+FFFD.
			return
		}
		if err != nil {
			t.Fatalf("valid state did not decode: %v", err)
		}
		if !reflect.DeepEqual(got, s) {
			t.Fatalf("round trip:\n got %#v\nwant %#v", got, s)
		}
	})
}
