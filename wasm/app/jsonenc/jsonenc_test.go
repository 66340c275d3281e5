package jsonenc

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"mmplay/engine"
)

// reference is what encoding/json writes.
func reference(t *testing.T, v any, prefix, indent string) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent(prefix, indent)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type word int

func (w word) MarshalText() ([]byte, error) { return []byte([]string{"zero", "one"}[w]), nil }

type ptrWord int

func (w *ptrWord) MarshalText() ([]byte, error) { return []byte("p" + string(rune('0'+*w))), nil }

type inner struct {
	A    int    `json:"a"`
	B    string `json:"b,omitempty"`
	Hide int    `json:"-"`
	C    int    // no tag: its Go name
}

type edge struct {
	inner
	A        string            `json:"a"` // hides inner's a
	Bytes    []byte            `json:"bytes"`
	NilBytes []byte            `json:"nilBytes"`
	Empty    []int             `json:"empty"`
	Nil      []int             `json:"nil"`
	Omit     []int             `json:"omit,omitempty"`
	Ptr      *inner            `json:"ptr"`
	NilPtr   *inner            `json:"nilPtr,omitempty"`
	Any      any               `json:"any"`
	Map      map[string]int    `json:"map"`
	EmptyMap map[string]string `json:"emptyMap"`
	Word     word              `json:"word"`
	Words    []word            `json:"words"`
	PW       ptrWord           `json:"pw"`
	F        float64           `json:"f"`
	Tiny     float64           `json:"tiny"`
	Huge     float64           `json:"huge"`
	F32      float32           `json:"f32"`
	Text     string            `json:"text"`
	Arr      [2]uint8          `json:"arr"`
	Zero     struct{}          `json:"zero"`
	unexp    int
}

func TestEncodeEdgeCases(t *testing.T) {
	v := edge{
		inner: inner{A: 1, C: 3}, A: "outer", Bytes: []byte("hi\x00"), Empty: []int{}, Ptr: &inner{B: "x"},
		Any: []any{1.5, "s", nil, true}, Map: map[string]int{"b": 2, "a": 1}, EmptyMap: map[string]string{},
		Word: 1, Words: []word{0, 1}, PW: 7, F: 3.25, Tiny: 1e-9, Huge: 1.5e22, F32: 0.1,
		Text: "<a&b> \"q\" \\ \x01\b\f\n\r\t é 世 \u2028\u2029 \xff\xfe", Arr: [2]uint8{4, 5},
	}
	for _, ind := range [][2]string{{"", "  "}, {"> ", "\t"}, {"", ""}} {
		got, err := Encode(v, ind[0], ind[1])
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(t, v, ind[0], ind[1]); !bytes.Equal(got, want) {
			t.Errorf("indent %q:\n got %s\nwant %s", ind, got, want)
		}
	}
	if _, err := Encode(map[int]int{1: 1}, "", ""); err == nil {
		t.Error("a map keyed by int encoded")
	}
	if _, err := Encode(make(chan int), "", ""); err == nil {
		t.Error("a channel encoded")
	}
}

// TestEncodeTraces: the JSON trace of every gallery example, as the CLI's
// --json writes it with encoding/json.
func TestEncodeTraces(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "ui", "examples", "*.c"))
	if len(files) == 0 {
		t.Fatal("no gallery examples")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cfg := engine.DefaultConfig()
		if s := engine.SnippetSettings(src); s != "" {
			if err := cfg.Apply(s); err != nil {
				t.Fatal(err)
			}
		}
		prog, diags := engine.Compile("snippet.c", src, cfg)
		if prog == nil {
			t.Fatalf("%s: %v", f, diags)
		}
		s := engine.NewSession(prog)
		s.Run()
		tr := s.Trace()
		got, err := Encode(tr, "", "  ")
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if want := reference(t, tr, "", "  "); !bytes.Equal(got, want) {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s: differs at byte %d: got …%s… want …%s…", filepath.Base(f), i, got[max(i-80, 0):min(i+80, len(got))], want[max(i-80, 0):min(i+80, len(want))])
		}
		s.Close()
	}
}

// TestEncodeBytes: a []byte of every length modulo 3 is base64 with
// padding, as encoding/json writes it.
func TestEncodeBytes(t *testing.T) {
	for n := 0; n <= 9; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(251 - 17*i)
		}
		got, err := Encode(b, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(t, b, "", ""); !bytes.Equal(got, want) {
			t.Errorf("%d bytes: %s, want %s", n, got, want)
		}
	}
}
