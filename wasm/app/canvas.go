//go:build js && wasm

package main

import (
	"syscall/js"
)

// canvasBuf is the JS-side pixel buffer, kept between paints so a redraw
// of a 4 GiB machine (1 M frames, 4 MiB of RGBA) allocates nothing.
var canvasBuf js.Value

// canvasImg wraps canvasBuf as an ImageData (same lifetime).
var canvasImg js.Value

// Paint copies an RGBA image to the canvas with the given data-testid:
// for each band of changed rows, one CopyBytesToJS and one putImageData
// with that dirty rectangle (all rows when the size changed).
func (h *host) Paint(testid string, rgba []byte, w, hgt int, bands [][2]int) {
	if w <= 0 || hgt <= 0 || len(rgba) < w*hgt*4 {
		return
	}
	cv := h.doc.Call("querySelector", `canvas[data-testid="`+testid+`"]`)
	if !cv.Truthy() {
		return
	}
	full := false
	if cv.Get("width").Int() != w || cv.Get("height").Int() != hgt {
		cv.Set("width", w)
		cv.Set("height", hgt)
		full = true
	}
	n := w * hgt * 4
	if !canvasBuf.Truthy() || canvasBuf.Get("length").Int() != n {
		canvasBuf = js.Global().Get("Uint8ClampedArray").New(n)
		canvasImg = js.Global().Get("ImageData").New(canvasBuf, w, hgt)
		full = true
	}
	if full {
		bands = [][2]int{{0, hgt}}
	}
	ctx := cv.Call("getContext", "2d")
	for _, b := range bands {
		y0, y1 := max(b[0], 0), min(b[1], hgt)
		if y0 >= y1 {
			continue
		}
		a, e := y0*w*4, y1*w*4
		js.CopyBytesToJS(canvasBuf.Call("subarray", a, e), rgba[a:e])
		ctx.Call("putImageData", canvasImg, 0, 0, 0, y0, w, y1-y0)
	}
}
