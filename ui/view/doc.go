// Package view is the plain-Go half of the playground UI: formatting,
// geometry, encoding and diffing, with table tests; the vugu components call
// it and stay thin.
//
// Everything here is ordinary Go over strings and engine values. It imports
// the standard library and mmplay/engine only — never syscall/js, vugu or a
// third-party module — so it compiles natively (where its tests run) and
// under GOOS=js GOARCH=wasm (where the components call it). A component that
// needs a decision, a number or a piece of text asks this package for it; the
// browser is touched only in wasm/.
//
// The files, one concept each:
//
//   - share.go: the share link (SPEC §7 "share"). The state — snippet,
//     config, step, open views — travels in the URL fragment as
//     "s=" + base64url(raw DEFLATE(compact JSON)), versioned ("v":1).
//     Decoding treats the fragment as hostile input: every stage has a size
//     limit (64 KiB of text, 256 KiB inflated, 64 KiB of code, 200 bytes of
//     config, 16 views) and every failure is a sentence for the reader of
//     the page, never a panic.
//   - highlight.go: C highlighting for the editor overlay. One left-to-right
//     pass emits HTML in which every byte of the source is present, escaped,
//     and tokens are wrapped in <span class="tok-KIND">; removing the tags
//     and unescaping gives the source back byte for byte, so the overlay
//     lines up with the textarea beneath it.
//   - settings.go: the settings form — every key engine.Config.Set accepts,
//     with labels, one-line help and the values offered — and the small
//     edits of "k=v,k=v" config text the form makes.
package view
