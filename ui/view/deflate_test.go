package view

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func refInflate(t testing.TB, z []byte) []byte {
	t.Helper()
	r := flate.NewReader(bytes.NewReader(z))
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("inflate: %v", err)
	}
	return b
}

func bestCompression(b []byte) int {
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	w.Write(b)
	w.Close()
	return z.Len()
}

// deflateInputs are the edge cases of the encoder: empty, one byte, one
// symbol repeated (one literal code), runs longer than a match, matches
// at the window's far end, incompressible bytes, long inputs.
func deflateInputs() map[string][]byte {
	rnd := rand.New(rand.NewSource(1))
	random := make([]byte, 70000)
	rnd.Read(random)
	far := append(append([]byte("the beginning, repeated at the window's far end;"), make([]byte, 32768-48)...), "the beginning, repeated at the window's far end;"...)
	for i := 48; i < 32768; i++ {
		far[i] = byte(rnd.Intn(256))
	}
	small := make([]byte, 5000)
	for i := range small {
		small[i] = "ab"[rnd.Intn(2)]
	}
	return map[string][]byte{
		"empty":       {},
		"one byte":    {'x'},
		"two bytes":   []byte("xy"),
		"one symbol":  bytes.Repeat([]byte{'a'}, 1000),
		"long run":    bytes.Repeat([]byte("abc"), 30000),
		"far match":   far,
		"random":      random,
		"two symbols": small,
		"json":        []byte(`{"v":1,"c":"int main(void) { return 0; }\n","k":"","s":0,"w":[]}`),
	}
}

func TestDeflateRoundTrip(t *testing.T) {
	for name, in := range deflateInputs() {
		if got := refInflate(t, deflate(in)); !bytes.Equal(got, in) {
			t.Errorf("%s: inflate(deflate(x)) differs (%d bytes, want %d)", name, len(got), len(in))
		}
	}
}

// TestDeflateSize: the share links of the gallery's snippets are about as
// short as compress/flate's best level makes them.
func TestDeflateSize(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.c")
	if len(files) == 0 {
		t.Fatal("no examples in ../examples")
	}
	for _, f := range files {
		code, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raw := encodeWire(wireState{V: 1, C: string(code), W: []string{"physical"}})
		ours, best := len(deflate(raw)), bestCompression(raw)
		t.Logf("%s: %d bytes of JSON → %d (compress/flate best: %d)", filepath.Base(f), len(raw), ours, best)
		if ours > best+best/50+8 {
			t.Errorf("%s: %d bytes compressed, more than 2%% over compress/flate's best (%d)", filepath.Base(f), ours, best)
		}
		if got := refInflate(t, deflate(raw)); !bytes.Equal(got, raw) {
			t.Errorf("%s: round trip differs", filepath.Base(f))
		}
	}
}

func FuzzDeflate(f *testing.F) {
	for _, in := range deflateInputs() {
		if len(in) < 4096 {
			f.Add(in)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if got := refInflate(t, deflate(in)); !bytes.Equal(got, in) {
			t.Fatalf("round trip differs")
		}
	})
}

func TestBase64URL(t *testing.T) {
	for n := 0; n < 40; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		want := base64.RawURLEncoding.EncodeToString(b)
		if got := string(AppendBase64(nil, b, true)); got != want {
			t.Errorf("encode %d bytes: %q, want %q", n, got, want)
		}
		if got, want := string(AppendBase64(nil, b, false)), base64.StdEncoding.EncodeToString(b); got != want {
			t.Errorf("encode %d bytes, standard: %q, want %q", n, got, want)
		}
		if got, ok := b64urlDecode(want); !ok || !bytes.Equal(got, b) {
			t.Errorf("decode %q: %v %v", want, got, ok)
		}
	}
	for _, bad := range []string{"a", "abcde", "ab=c", "ab+c", "ab/c", "a b", "é"} {
		if _, ok := b64urlDecode(bad); ok {
			t.Errorf("b64urlDecode(%q) accepted", bad)
		}
	}
	if strings.ContainsAny(b64url, "+/=") {
		t.Error("not the URL alphabet")
	}
}

// TestInflate: inflate reads what compress/flate writes at every level
// (stored, fixed and dynamic blocks, several blocks) and what deflate
// writes, and reports cut, corrupt and too long data.
func TestInflate(t *testing.T) {
	for name, in := range deflateInputs() {
		for level := flate.HuffmanOnly; level <= flate.BestCompression; level++ {
			var z bytes.Buffer
			w, _ := flate.NewWriter(&z, level)
			w.Write(in)
			w.Close()
			got, err := inflate(z.Bytes(), len(in))
			if err != nil || !bytes.Equal(got, in) {
				t.Errorf("%s, level %d: %v (%d bytes, want %d)", name, level, err, len(got), len(in))
			}
			if len(in) > 0 {
				if _, err := inflate(z.Bytes(), len(in)-1); err != errTooLong {
					t.Errorf("%s, level %d, limit one byte short: %v, want errTooLong", name, level, err)
				}
			}
		}
		z := deflate(in)
		if got, err := inflate(z, len(in)); err != nil || !bytes.Equal(got, in) {
			t.Errorf("%s, deflate: %v", name, err)
		}
		if _, err := inflate(z[:len(z)-1], 1<<20); err != errCut && err != errCorrupt {
			t.Errorf("%s, cut by a byte: %v", name, err)
		}
	}
	for _, bad := range [][]byte{{0xff}, {0x07}, {0x01, 0x05, 0x00, 0x00, 0x00}, {0x05, 0xe0, 0xff, 0xff, 0xff, 0xff}} {
		if _, err := inflate(bad, 1<<20); err == nil {
			t.Errorf("inflate(%x) accepted", bad)
		}
	}
}

// FuzzInflate: whatever the input, inflate returns (no panic, no hang),
// and where compress/flate reads the data, inflate reads the same bytes.
func FuzzInflate(f *testing.F) {
	for _, in := range deflateInputs() {
		if len(in) < 4096 {
			f.Add(deflate(in))
		}
	}
	f.Fuzz(func(t *testing.T, z []byte) {
		const limit = 1 << 16
		got, err := inflate(z, limit)
		r := flate.NewReader(bytes.NewReader(z))
		want, werr := io.ReadAll(io.LimitReader(r, limit+1))
		if werr == nil && len(want) <= limit && (err != nil || !bytes.Equal(got, want)) {
			t.Fatalf("compress/flate reads %d bytes, inflate: %v (%d bytes)", len(want), err, len(got))
		}
	})
}
