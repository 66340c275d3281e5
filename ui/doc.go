// Package ui is the playground's components: one .vugu file per component
// (markup, with a small Go part), turned into Go by `go run ./build gen`
// (0_components_gen.go, checked in, never edited by hand). Components stay
// thin: they lay out what package ui/view computes and call the
// Playground controller (playground.go); only wasm/app touches the browser.
package ui
