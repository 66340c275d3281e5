package view

import "strings"

// Highlight colours C for the editor overlay: a <pre> laid exactly over the
// textarea, so the text the reader sees is the overlay's and the caret is
// the textarea's. That only works if the overlay holds the same characters
// in the same places, hence the one invariant of this file:
//
//	strip the tags of Highlight(src) and unescape it, and you get src back,
//	byte for byte — newlines, tabs, NULs and invalid UTF-8 included.
//
// The output escapes & < > " ' in every byte of the source and wraps tokens
// in <span class="tok-KIND">, KIND one of
//
//	kw     C keywords (struct, sizeof, static, return, unsigned, …)
//	type   builtin and common typedef names (int, size_t, u32, gfp_t, …)
//	fn     the allocator and printing API the playground models (kmalloc, free, …)
//	const  ALL_CAPS identifiers of two or more characters (GFP_KERNEL, NULL)
//	num    numbers: 42, 0x1000UL, 0755, 1e3, .5f (C's pp-number, suffixes included)
//	str    "string literals" with their escapes and L/u/U/u8 prefixes
//	chr    'c' character literals
//	com    // and /* */ comments
//	pp     a preprocessor directive: from the '#' that starts a line (after
//	       optional blanks) to the end of the line, continued by a trailing
//	       backslash; comments inside it are com
//
// Other identifiers, punctuation and white space are emitted escaped, with
// no span. A string or character literal without its closing quote ends at
// the end of its line; an unterminated /* comment runs to the end of the
// source, as the compiler would read it.
//
// The scanner is one pass from left to right: every loop advances i, and the
// only searches (strings.Index for "*/", IndexByte for '\n') start where the
// token starts and are consumed with it, so the work is linear in len(src).
// It is a highlighter, not the compiler's scanner (engine/cc/syntax): it
// never fails, and it guesses where C is ambiguous (a '#' after a block
// comment on the same line is not taken as a directive).
func Highlight(src string) string {
	h := highlighter{src: src}
	h.out.Grow(len(src) + len(src)/2)
	h.run()
	return h.out.String()
}

type highlighter struct {
	src string
	out strings.Builder
}

func (h *highlighter) run() {
	src := h.src
	lineStart := true // only blanks since the last newline: a '#' here starts a directive
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			h.out.WriteByte('\n')
			lineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			h.out.WriteByte(c)
			i++
			continue
		case c == '#' && lineStart:
			i = h.directive(i)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			i = h.lineComment(i)
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			i = h.blockComment(i)
		case c == '"':
			i = h.quoted(i, i, '"', "str")
		case c == '\'':
			i = h.quoted(i, i, '\'', "chr")
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			i = h.number(i)
		case isIdentStart(c):
			i = h.word(i)
		default:
			h.escape(src[i : i+1])
			i++
		}
		lineStart = false
	}
}

// word highlights the identifier, keyword or prefixed literal (L"…",
// u8"…") at src[i] and returns where it ends. (A function of its own to
// keep run, the per-byte loop, small: in a browser, hot wasm functions are
// compiled a second time at a cost that grows with their size.)
func (h *highlighter) word(i int) int {
	src := h.src
	j := i + 1
	for j < len(src) && isIdentByte(src[j]) {
		j++
	}
	word := src[i:j]
	if j < len(src) && (src[j] == '"' || src[j] == '\'') && isLiteralPrefix(word) {
		kind := "str"
		if src[j] == '\'' {
			kind = "chr"
		}
		return h.quoted(i, j, src[j], kind)
	}
	if kind := identKind(word); kind != "" {
		h.span(kind, word)
	} else {
		h.out.WriteString(word) // identifier bytes need no escaping
	}
	return j
}

// span writes text, escaped, inside <span class="tok-kind">.
func (h *highlighter) span(kind, text string) {
	if text == "" {
		return
	}
	h.out.WriteString(`<span class="tok-`)
	h.out.WriteString(kind)
	h.out.WriteString(`">`)
	h.escape(text)
	h.out.WriteString("</span>")
}

// escape writes s with & < > " ' replaced by their entities (the same ones
// html.EscapeString uses) and every other byte unchanged.
func (h *highlighter) escape(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var ent string
		switch s[i] {
		case '&':
			ent = "&amp;"
		case '<':
			ent = "&lt;"
		case '>':
			ent = "&gt;"
		case '"':
			ent = "&#34;"
		case '\'':
			ent = "&#39;"
		default:
			continue
		}
		h.out.WriteString(s[last:i])
		h.out.WriteString(ent)
		last = i + 1
	}
	h.out.WriteString(s[last:])
}

// lineEnd returns the index of the newline ending the line that holds i, or
// len(src).
func (h *highlighter) lineEnd(i int) int {
	if n := strings.IndexByte(h.src[i:], '\n'); n >= 0 {
		return i + n
	}
	return len(h.src)
}

// lineComment writes the // comment at i, up to (not including) its newline.
func (h *highlighter) lineComment(i int) int {
	end := h.lineEnd(i)
	h.span("com", h.src[i:end])
	return end
}

// blockComment writes the /* comment at i through its */, or to the end of
// the source when it has none.
func (h *highlighter) blockComment(i int) int {
	end := len(h.src)
	if n := strings.Index(h.src[i+2:], "*/"); n >= 0 {
		end = i + 2 + n + 2
	}
	h.span("com", h.src[i:end])
	return end
}

// quoted writes the literal that starts at start (its prefix, if any) and
// opens with the quote at q, through the closing quote or up to the end of
// the line. A backslash escapes the next byte unless that byte is a newline.
func (h *highlighter) quoted(start, q int, quote byte, kind string) int {
	src := h.src
	j := q + 1
	for j < len(src) && src[j] != '\n' {
		switch src[j] {
		case '\\':
			if j+1 < len(src) && src[j+1] != '\n' {
				j += 2
				continue
			}
		case quote:
			j++
			h.span(kind, src[start:j])
			return j
		}
		j++
	}
	h.span(kind, src[start:j])
	return j
}

// number writes the pp-number at i: a digit, or '.' and a digit, followed by
// letters, digits, '_', '.', and a sign right after e, E, p or P. This takes
// 42, 0x1fUL, 0755, 1e-3, 0x1p+4 and .5f whole, and also a malformed number
// like 09 or 1abc, which the compiler rejects but the reader still sees as
// one number.
func (h *highlighter) number(i int) int {
	src := h.src
	j := i + 1
	for j < len(src) {
		c := src[j]
		switch {
		case isIdentByte(c) || c == '.':
			j++
		case (c == '+' || c == '-') && strings.IndexByte("eEpP", src[j-1]) >= 0:
			j++
		default:
			h.span("num", src[i:j])
			return j
		}
	}
	h.span("num", src[i:j])
	return j
}

// directive writes the preprocessor line whose '#' is at i. Comments in it
// are com; quotes are skipped so that "http://x" in a directive is not a
// comment; a backslash before the newline continues the directive on the
// next line.
func (h *highlighter) directive(i int) int {
	src := h.src
	start := i // of the pp text not yet written
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			if src[i-1] == '\\' || src[i-1] == '\r' && i >= 2 && src[i-2] == '\\' {
				i++ // a continued line
				continue
			}
			h.span("pp", src[start:i])
			return i
		case c == '"' || c == '\'':
			i = h.skipQuoted(i)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			h.span("pp", src[start:i])
			return h.lineComment(i)
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			h.span("pp", src[start:i])
			i = h.blockComment(i)
			start = i
		default:
			i++
		}
	}
	h.span("pp", src[start:i])
	return i
}

// skipQuoted returns the index after the quoted text opening at i, by the
// rules of quoted, without writing anything.
func (h *highlighter) skipQuoted(i int) int {
	src, quote := h.src, h.src[i]
	j := i + 1
	for j < len(src) && src[j] != '\n' {
		switch src[j] {
		case '\\':
			if j+1 < len(src) && src[j+1] != '\n' {
				j += 2
				continue
			}
		case quote:
			return j + 1
		}
		j++
	}
	return j
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }
func isIdentByte(c byte) bool  { return isIdentStart(c) || isDigit(c) }

func isLiteralPrefix(w string) bool { return w == "L" || w == "u" || w == "U" || w == "u8" }

// identKind classifies an identifier: kw, type, fn, const, or "" for a
// plain name.
func identKind(w string) string {
	if k, ok := identKinds[w]; ok {
		return k
	}
	if isConstName(w) {
		return "const"
	}
	return ""
}

// isConstName reports whether w matches ^[A-Z_][A-Z0-9_]*$ and has at least
// two characters: GFP_KERNEL, NULL, PAGE_SIZE, __GFP_ZERO, but not N or _.
func isConstName(w string) bool {
	if len(w) < 2 || isDigit(w[0]) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !('A' <= c && c <= 'Z' || isDigit(c) || c == '_') {
			return false
		}
	}
	return true
}

// identKinds maps the names with a fixed kind. The fn list is the API the
// playground models (engine/libc and the kernel headers), not every function
// a snippet may call: a snippet's own functions stay plain.
var identKinds = func() map[string]string {
	m := map[string]string{}
	add := func(kind, words string) {
		for _, w := range strings.Fields(words) {
			m[w] = kind
		}
	}
	add("kw", `auto break case const continue default do else enum extern for
		goto if inline register restrict return signed sizeof static struct
		switch typedef union unsigned volatile while
		_Alignas _Alignof _Atomic _Generic _Noreturn _Static_assert _Thread_local
		alignas alignof static_assert thread_local typeof true false nullptr
		asm __asm__ __attribute__ __inline __inline__ __restrict __volatile__ __typeof__`)
	add("type", `void char short int long float double bool _Bool _Complex
		size_t ssize_t ptrdiff_t intptr_t uintptr_t off_t pid_t time_t FILE
		int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t
		u8 u16 u32 u64 s8 s16 s32 s64
		gfp_t loff_t dev_t phys_addr_t dma_addr_t resource_size_t pgprot_t
		atomic_t spinlock_t irqreturn_t`)
	add("fn", `malloc calloc realloc free reallocarray aligned_alloc posix_memalign memalign valloc
		malloc_usable_size malloc_trim mallopt
		kmalloc kzalloc kcalloc krealloc kfree ksize kmalloc_array kvmalloc kvfree
		vmalloc vzalloc vfree vmalloc_to_page vmalloc_to_pfn
		__get_free_page __get_free_pages __get_dma_pages get_zeroed_page free_page free_pages
		alloc_page alloc_pages __free_page __free_pages page_address
		kmem_cache_create kmem_cache_alloc kmem_cache_zalloc kmem_cache_free kmem_cache_destroy
		ioremap iounmap virt_to_phys phys_to_virt __pa __va
		mmap munmap brk sbrk memblock_alloc memblock_free
		copy_to_user copy_from_user printk pr_info pr_warn pr_err printf`)
	return m
}()
