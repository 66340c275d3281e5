package site

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Rules is a parsed _headers file, the format Cloudflare Pages and Netlify
// read:
//
//	# a comment
//	/assets/*
//	  Cache-Control: public, max-age=31536000, immutable
//	/:page/raw
//	  ! Content-Security-Policy
//
// A line at the left margin is a URL path pattern; the indented lines
// under it are "Name: value" headers for the paths it matches, or
// "! Name" to remove a header an earlier rule set (Cloudflare). In a
// pattern, * matches any run of characters, '/' included (a "splat"), and
// :name matches one path segment. Every matching rule applies, in file
// order; a header set by two rules gets both values, joined by ", ", as
// both hosts do.
type Rules []rule

type rule struct {
	pattern string
	re      *regexp.Regexp
	headers []header
}

type header struct {
	name, value string
	detach      bool // "! Name"
}

// ParseHeaders parses a _headers file. Errors name the line.
func ParseHeaders(b []byte) (Rules, error) {
	var rs Rules
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if trimmed == line { // at the margin: a pattern
			if !strings.HasPrefix(line, "/") {
				return nil, fmt.Errorf("_headers:%d: a path pattern must start with '/': %q", n, line)
			}
			rs = append(rs, rule{pattern: line, re: patternRegexp(line)})
			continue
		}
		if len(rs) == 0 {
			return nil, fmt.Errorf("_headers:%d: a header before any path pattern", n)
		}
		r := &rs[len(rs)-1]
		if name, ok := strings.CutPrefix(trimmed, "!"); ok {
			r.headers = append(r.headers, header{name: http.CanonicalHeaderKey(strings.TrimSpace(name)), detach: true})
			continue
		}
		name, value, ok := strings.Cut(trimmed, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("_headers:%d: want \"Name: value\", have %q", n, trimmed)
		}
		r.headers = append(r.headers, header{name: http.CanonicalHeaderKey(name), value: value})
	}
	return rs, sc.Err()
}

// patternRegexp compiles a path pattern: * is any run of characters,
// :name one path segment, the rest literal.
func patternRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); {
		switch {
		case p[i] == '*':
			b.WriteString(".*")
			i++
		case p[i] == ':' && i+1 < len(p) && isNameByte(p[i+1]):
			j := i + 1
			for j < len(p) && isNameByte(p[j]) {
				j++
			}
			b.WriteString("[^/]+")
			i = j
		default:
			j := i
			for j < len(p) && p[j] != '*' && p[j] != ':' {
				j++
			}
			if j == i { // a ':' not starting a name
				j++
			}
			b.WriteString(regexp.QuoteMeta(p[i:j]))
			i = j
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func isNameByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// For returns the headers for a URL path.
func (rs Rules) For(urlPath string) http.Header {
	h := http.Header{}
	for _, r := range rs {
		if !r.re.MatchString(urlPath) {
			continue
		}
		for _, hd := range r.headers {
			switch {
			case hd.detach:
				h.Del(hd.name)
			case h.Get(hd.name) != "":
				h.Set(hd.name, h.Get(hd.name)+", "+hd.value)
			default:
				h.Set(hd.name, hd.value)
			}
		}
	}
	return h
}
