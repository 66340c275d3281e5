package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"path"
	"regexp"
	"strings"
)

// The single-file build (SPEC §8): dist/mmplay.html, index.html with every
// file it loads inlined, for a reader who keeps it on disk and opens it
// from file:// with no server. It is made from the source index.html:
//
//  1. <link rel="stylesheet" href="x.css"> becomes <style>…</style>;
//  2. <script src="x.js"></script> becomes <script>…</script>, with the
//     final (rewritten) script;
//  3. <link rel="icon"> gets a data: URL; the manifest and the
//     apple-touch-icon links are dropped (an installed app needs a server),
//     and so is the wasm's preload (the wasm is in the page);
//  4. the wasm goes in, gzip-compressed and base64-encoded, as a data block
//     <script type="application/octet-stream" id="mmplay-wasm"
//     data-encoding="gzip"> just before boot.js, which finds it there and
//     inflates it with DecompressionStream instead of fetching app.wasm
//     (and registers no service worker).
//
// Finally no src= or href= may point at a file: the page has to stand
// alone.
//
// RATIONALE: the 8.0 MB wasm as plain base64 would make a 10.7 MB page;
// gzipped first it is 2.9 MB, at the cost of needing DecompressionStream
// (Chrome 80, Firefox 113, Safari 16.4). Brotli would be smaller still,
// but browsers do not decode it from script.

var (
	scriptTagRe = regexp.MustCompile(`<script\s+src="([^"]+)"\s*>\s*</script>`)
	linkTagRe   = regexp.MustCompile(`<link\s+([^>]*?)\s*/?>`)
	attrRe      = regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	urlAttrRe   = regexp.MustCompile(`\s(?:src|href)="([^"]*)"`)
)

// singleFile builds mmplay.html. Preconditions: the assets are named and
// rewritten (buildSite step 3).
func singleFile(files map[string]*file, gzip func([]byte) []byte) ([]byte, error) {
	index := files["index.html"]
	src, err := sourceOf(index)
	if err != nil {
		return nil, err
	}
	var errs []string
	get := func(name string) *file {
		f := files[name]
		if f == nil {
			errs = append(errs, "index.html loads "+name+", which is not part of the site")
		}
		return f
	}
	html := linkTagRe.ReplaceAllStringFunc(src, func(tag string) string {
		attrs := map[string]string{}
		for _, m := range attrRe.FindAllStringSubmatch(tag, -1) {
			attrs[m[1]] = m[2]
		}
		switch attrs["rel"] {
		case "stylesheet":
			if f := get(attrs["href"]); f != nil {
				return "<style>\n" + string(inlineCSS(f, files)) + "</style>"
			}
		case "icon":
			if f := get(attrs["href"]); f != nil {
				return strings.Replace(tag, `href="`+attrs["href"]+`"`, `href="`+dataURI(mimeOf(f.name), f.data)+`"`, 1)
			}
		case "manifest", "apple-touch-icon":
			return ""
		case "preload":
			if attrs["href"] == appWasm {
				return "" // the wasm is in the page
			}
			errs = append(errs, "index.html has a <link rel=\"preload\"> of "+attrs["href"]+", which the single-file build does not know how to inline")
		default:
			errs = append(errs, "index.html has a <link rel=\""+attrs["rel"]+"\"> the single-file build does not know how to inline")
		}
		return tag
	})
	html = scriptTagRe.ReplaceAllStringFunc(html, func(tag string) string {
		name := scriptTagRe.FindStringSubmatch(tag)[1]
		f := get(name)
		if f == nil {
			return tag
		}
		body := string(f.data)
		if lower := strings.ToLower(body); strings.Contains(lower, "</script") || strings.Contains(lower, "<!--") {
			errs = append(errs, name+" contains \"</script\" or \"<!--\", which cannot be inlined in a <script> element")
		}
		s := "<script>\n" + body + "\n</script>"
		if name == "boot.js" {
			w := files[appWasm]
			s = `<script type="application/octet-stream" id="mmplay-wasm" data-encoding="gzip">` +
				base64.StdEncoding.EncodeToString(gzip(w.data)) + "</script>\n" + s
		}
		return s
	})
	if !strings.Contains(html, `id="mmplay-wasm"`) {
		errs = append(errs, "index.html does not load boot.js, so the single-file build has nowhere to put the wasm")
	}
	for _, m := range urlAttrRe.FindAllStringSubmatch(html, -1) {
		u := m[1]
		if !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "https:") && !strings.HasPrefix(u, "#") {
			errs = append(errs, fmt.Sprintf("%q is still a link to a file: index.html loads something the single-file build does not inline", u))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return []byte(html), nil
}

// sourceOf returns index.html as written, before its references were
// rewritten: the single file is made from source names. Preconditions:
// f.src holds the original bytes.
func sourceOf(f *file) (string, error) {
	if f.src == nil {
		return "", fmt.Errorf("index.html: no source text kept")
	}
	return string(f.src), nil
}

// inlineCSS returns a stylesheet whose url(…) references are data: URLs.
func inlineCSS(css *file, files map[string]*file) []byte {
	if len(css.refs) == 0 {
		return css.data
	}
	// The final CSS names assets by hashed path relative to assets/; map
	// those back to the files.
	byRel := map[string]*file{}
	for _, r := range css.refs {
		t := files[r]
		byRel[relPath(path.Dir(css.out), t.out)] = t
	}
	out := css.data
	for rel, t := range byRel {
		out = bytes.ReplaceAll(out, []byte("("+rel+")"), []byte("("+dataURI(mimeOf(t.name), t.data)+")"))
		out = bytes.ReplaceAll(out, []byte(`"`+rel+`"`), []byte(`"`+dataURI(mimeOf(t.name), t.data)+`"`))
	}
	return out
}

func mimeOf(name string) string {
	switch path.Ext(name) {
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
