package view

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unhighlight is Highlight's inverse: it checks that the output is a flat
// sequence of text and <span class="tok-KIND">text</span> with a known KIND
// and no raw & < > " ' in the text, and returns the text unescaped.
func unhighlight(t testing.TB, out string) string {
	t.Helper()
	kinds := map[string]bool{"kw": true, "type": true, "fn": true, "const": true, "num": true, "str": true, "chr": true, "com": true, "pp": true}
	var text strings.Builder
	rest := out
	inSpan := false
	for rest != "" {
		lt := strings.IndexByte(rest, '<')
		if lt < 0 {
			lt = len(rest)
		}
		chunk := rest[:lt]
		if strings.ContainsAny(chunk, `>"'`) {
			t.Fatalf("unescaped character in text %q of output %q", chunk, out)
		}
		if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(chunk,
			"&amp;", ""), "&lt;", ""), "&gt;", ""), "&#34;", ""), "&#39;", ""), "&") {
			t.Fatalf("stray & in text %q", chunk)
		}
		if inSpan && chunk == "" {
			t.Fatalf("empty span in %q", out)
		}
		text.WriteString(html.UnescapeString(chunk))
		rest = rest[lt:]
		if rest == "" {
			break
		}
		switch {
		case !inSpan && strings.HasPrefix(rest, `<span class="tok-`):
			rest = rest[len(`<span class="tok-`):]
			end := strings.Index(rest, `">`)
			if end < 0 || !kinds[rest[:end]] {
				t.Fatalf("bad span class in %q", out)
			}
			rest = rest[end+2:]
			inSpan = true
		case inSpan && strings.HasPrefix(rest, "</span>"):
			rest = rest[len("</span>"):]
			inSpan = false
		default:
			t.Fatalf("unexpected tag at %.30q in %q", rest, out)
		}
	}
	if inSpan {
		t.Fatalf("unclosed span in %q", out)
	}
	return text.String()
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", ""},
		{"plain identifiers and punctuation", "x = y + z;", "x = y + z;"},
		{"keyword, type, fn, const, num",
			"static int *p = kmalloc(4096, GFP_KERNEL);",
			`<span class="tok-kw">static</span> <span class="tok-type">int</span> *p = <span class="tok-fn">kmalloc</span>(<span class="tok-num">4096</span>, <span class="tok-const">GFP_KERNEL</span>);`},
		{"struct keyword; struct name stays plain", "struct page *pg;",
			`<span class="tok-kw">struct</span> page *pg;`},
		{"kernel typedefs", "gfp_t f; size_t n; u32 v; phys_addr_t pa;",
			`<span class="tok-type">gfp_t</span> f; <span class="tok-type">size_t</span> n; <span class="tok-type">u32</span> v; <span class="tok-type">phys_addr_t</span> pa;`},
		{"const needs two characters", "N A_ _ __ NULL X1 Xy",
			`N <span class="tok-const">A_</span> _ <span class="tok-const">__</span> <span class="tok-const">NULL</span> <span class="tok-const">X1</span> Xy`},
		{"a name that contains a keyword is plain", "iffy forward intx kmalloc2", "iffy forward intx kmalloc2"},
		{"numbers: hex, octal, suffixes, float, exponent",
			"0x1000UL 0755 42u 10l .5f 1e-3 0x1p+4",
			`<span class="tok-num">0x1000UL</span> <span class="tok-num">0755</span> <span class="tok-num">42u</span> <span class="tok-num">10l</span> <span class="tok-num">.5f</span> <span class="tok-num">1e-3</span> <span class="tok-num">0x1p+4</span>`},
		{"minus after a non-exponent ends the number", "n-1", `n-<span class="tok-num">1</span>`},
		{"member after an index is not a number", "a[0].x", `a[<span class="tok-num">0</span>].x`},
		{"string with escapes and HTML characters",
			`printf("<%d> \"&\" \\", n);`,
			`<span class="tok-fn">printf</span>(<span class="tok-str">&#34;&lt;%d&gt; \&#34;&amp;\&#34; \\&#34;</span>, n);`},
		{"unterminated string ends at the end of its line",
			"s = \"abc\nint x;",
			"s = <span class=\"tok-str\">&#34;abc</span>\n<span class=\"tok-type\">int</span> x;"},
		{"backslash before a newline does not carry a string on",
			"\"a\\\nb\"",
			"<span class=\"tok-str\">&#34;a\\</span>\nb<span class=\"tok-str\">&#34;</span>"},
		{"prefixed literals", `L"w" u8"x" U'y'`,
			`<span class="tok-str">L&#34;w&#34;</span> <span class="tok-str">u8&#34;x&#34;</span> <span class="tok-chr">U&#39;y&#39;</span>`},
		{"char literals", `'a' '\'' '\n'`,
			`<span class="tok-chr">&#39;a&#39;</span> <span class="tok-chr">&#39;\&#39;&#39;</span> <span class="tok-chr">&#39;\n&#39;</span>`},
		{"unterminated char", "c = 'x\n;", "c = <span class=\"tok-chr\">&#39;x</span>\n;"},
		{"line comment stops before the newline", "x; // a < b\ny;",
			"x; <span class=\"tok-com\">// a &lt; b</span>\ny;"},
		{"block comment across lines", "a /* 1\n2 */ b",
			"a <span class=\"tok-com\">/* 1\n2 */</span> b"},
		{"block comment closes at the first */", "/* a */ b */",
			`<span class="tok-com">/* a */</span> b */`},
		{"/*/ does not close itself", "/*/ x */y",
			`<span class="tok-com">/*/ x */</span>y`},
		{"unterminated block comment runs to the end", "a /* b\nc",
			"a <span class=\"tok-com\">/* b\nc</span>"},
		{"comment markers inside a string", `"/* // */" x`,
			`<span class="tok-str">&#34;/* // */&#34;</span> x`},
		{"include directive", "#include <linux/slab.h>\nint x;",
			"<span class=\"tok-pp\">#include &lt;linux/slab.h&gt;</span>\n<span class=\"tok-type\">int</span> x;"},
		{"indented directive keeps its blanks plain", "  \t# define X 1",
			"  \t<span class=\"tok-pp\"># define X 1</span>"},
		{"directive with a trailing line comment", "#define N 10 // ten",
			`<span class="tok-pp">#define N 10 </span><span class="tok-com">// ten</span>`},
		{"directive with a block comment in the middle", "#define N /* ten */ 10\nx",
			"<span class=\"tok-pp\">#define N </span><span class=\"tok-com\">/* ten */</span><span class=\"tok-pp\"> 10</span>\nx"},
		{"// inside a directive's string is not a comment", `#define URL "http://x" // y`,
			`<span class="tok-pp">#define URL &#34;http://x&#34; </span><span class="tok-com">// y</span>`},
		{"continued directive", "#define F(x) \\\n\tdo { } while (0)\nint y;",
			"<span class=\"tok-pp\">#define F(x) \\\n\tdo { } while (0)</span>\n<span class=\"tok-type\">int</span> y;"},
		{"continued directive with CRLF", "#define A \\\r\n1\r\nx",
			"<span class=\"tok-pp\">#define A \\\r\n1\r</span>\nx"},
		{"# not at the start of a line is punctuation", "x # y", "x # y"},
		{"# after a newline inside a block comment", "/* a\n#b */",
			"<span class=\"tok-com\">/* a\n#b */</span>"},
		{"lone # at the end", "\n#", "\n<span class=\"tok-pp\">#</span>"},
		{"ampersand, quotes and angle brackets outside tokens", `a&&b<c>d`,
			`a&amp;&amp;b&lt;c&gt;d`},
		{"CRLF and tabs kept", "int\r\n\tx;\r\n",
			"<span class=\"tok-type\">int</span>\r\n\tx;\r\n"},
		{"non-ASCII and invalid UTF-8 bytes pass through", "é\xff\x00x",
			"é\xff\x00x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Highlight(tc.src)
			if got != tc.want {
				t.Errorf("Highlight(%q)\n got %q\nwant %q", tc.src, got, tc.want)
			}
			if back := unhighlight(t, got); back != tc.src {
				t.Errorf("unhighlight gives %q, want %q", back, tc.src)
			}
		})
	}
}

func TestHighlightExamplesRoundTrip(t *testing.T) {
	files, err := filepath.Glob("../examples/*.c")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found (%v)", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out := Highlight(string(src))
		if back := unhighlight(t, out); back != string(src) {
			t.Errorf("%s: the highlighted text does not give the source back", f)
		}
		for _, kind := range []string{"kw", "type", "fn", "num", "com", "pp"} {
			if !strings.Contains(out, `class="tok-`+kind+`"`) {
				t.Errorf("%s: no %s token", filepath.Base(f), kind)
			}
		}
	}
}

// TestHighlightLarge highlights 64 KiB sources, ordinary and pathological
// (each a shape on which a careless scanner rescans: many openings of a
// comment, string or directive that never close). A quadratic scanner takes
// minutes here; a linear one, milliseconds.
func TestHighlightLarge(t *testing.T) {
	const size = 64 << 10
	examples, _ := filepath.Glob("../examples/*.c")
	var all strings.Builder
	for all.Len() < size {
		for _, f := range examples {
			b, _ := os.ReadFile(f)
			all.Write(b)
		}
	}
	fill := func(unit string) string { return strings.Repeat(unit, size/len(unit)) }
	for name, src := range map[string]string{
		"examples":                 all.String()[:size],
		"open block comments":      fill("/*"),
		"/*/ repeated":             fill("/*/"),
		"quotes":                   fill(`"`),
		"backslashes in a string":  `"` + fill(`\`),
		"hashes":                   fill("#"),
		"directive of quotes":      "#" + fill(`"'`),
		"continued directive":      "#define X " + fill("\\\n"),
		"a number that never ends": "0x" + fill("e+"),
		"one long identifier":      fill("a"),
		"one long const":           fill("A"),
		"escapes only":             fill(`<&>"'`),
		"newlines":                 fill("\n"),
	} {
		out := Highlight(src)
		if back := unhighlight(t, out); back != src {
			t.Errorf("%s: round trip fails", name)
		}
	}
}

func FuzzHighlight(f *testing.F) {
	examples, _ := filepath.Glob("../examples/*.c")
	for _, e := range examples {
		if b, err := os.ReadFile(e); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{"", "#", "/*", "\"", "'", "#define A \\\r\n1", `L"x`, "0x1p-", "a\xffb", "/*/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if back := unhighlight(t, Highlight(src)); back != src {
			t.Fatalf("round trip:\n got %q\nwant %q", back, src)
		}
	})
}

func BenchmarkHighlight(b *testing.B) {
	examples, _ := filepath.Glob("../examples/*.c")
	var all strings.Builder
	for _, f := range examples {
		src, _ := os.ReadFile(f)
		all.Write(src)
	}
	src := all.String()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Highlight(src)
	}
}

func TestEditorLine(t *testing.T) {
	for _, c := range []struct {
		y    float64
		line int
	}{{0, 0}, {11.9, 0}, {12, 1}, {31.4, 1}, {31.5, 2}, {12 + 19.5*9 + 1, 10}} {
		if got := EditorLine(c.y); got != c.line {
			t.Errorf("EditorLine(%v) = %d, want %d", c.y, got, c.line)
		}
	}
}
