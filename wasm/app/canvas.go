//go:build js && wasm

package main

import (
	"syscall/js"
)

// canvasBuf is the JS-side pixel buffer, kept between paints so a redraw
// of a 4 GiB machine (1 M frames, 4 MiB of RGBA) allocates nothing.
var canvasBuf js.Value

// Paint copies an RGBA image to the canvas with the given data-testid:
// one CopyBytesToJS and one putImageData, whatever the number of frames.
func (h *host) Paint(testid string, rgba []byte, w, hgt int) {
	if w <= 0 || hgt <= 0 || len(rgba) < w*hgt*4 {
		return
	}
	cv := h.doc.Call("querySelector", `canvas[data-testid="`+testid+`"]`)
	if !cv.Truthy() {
		return
	}
	if cv.Get("width").Int() != w {
		cv.Set("width", w)
	}
	if cv.Get("height").Int() != hgt {
		cv.Set("height", hgt)
	}
	n := w * hgt * 4
	if !canvasBuf.Truthy() || canvasBuf.Get("length").Int() != n {
		canvasBuf = js.Global().Get("Uint8ClampedArray").New(n)
	}
	js.CopyBytesToJS(canvasBuf, rgba[:n])
	img := js.Global().Get("ImageData").New(canvasBuf, w, hgt)
	cv.Call("getContext", "2d").Call("putImageData", img, 0, 0)
}
