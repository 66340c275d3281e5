//go:build unix

package wrangler

import (
	"bytes"
	"encoding/json"
	"testing"

	"mmplay/ui/view"
)

// The worker's timings under wrangler dev (BENCHMARKS.md, "Edge worker"):
// one request at a time from loopback, so each is the wall time of the
// request in workerd: a fresh Go instance of the worker's wasm (the
// Workers runtime starts one per request), the engine's run, the JSON or
// SVG, and the HTTP round trip.
//
//	go test -run '^$' -bench . -benchtime 20x ./build/wrangler/

const benchExample = "02-demand-paging.c"

func BenchmarkRunExample(b *testing.B) {
	needWorker(b)
	body, _ := json.Marshal(map[string]string{"code": readExample(b, benchExample)})
	var size int
	for b.Loop() {
		status, _, out := call(b, "POST", "/api/run", bytes.NewReader(body))
		if status != 200 {
			b.Fatalf("status %d: %.200s", status, out)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "bytes/response")
}

func benchRender(b *testing.B, viewName string) {
	needWorker(b)
	q := "/api/render.svg?s=" + payload(view.State{Code: readExample(b, benchExample)}) + "&view=" + viewName
	var size int
	for b.Loop() {
		status, _, out := call(b, "GET", q, nil)
		if status != 200 {
			b.Fatalf("status %d: %.200s", status, out)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "bytes/response")
}

func BenchmarkRenderPhysical(b *testing.B) { benchRender(b, "physical") }
func BenchmarkRenderSlab(b *testing.B)     { benchRender(b, "slab") }

// BenchmarkShare stores a snippet in the local KV (a new id each time).
func BenchmarkShare(b *testing.B) {
	needWorker(b)
	body, _ := json.Marshal(map[string]string{"code": readExample(b, benchExample)})
	for b.Loop() {
		if status, _, out := call(b, "POST", "/api/share", bytes.NewReader(body)); status != 201 {
			b.Fatalf("status %d: %.200s", status, out)
		}
	}
}

// BenchmarkNothing is a request the worker answers at once (404): the cost
// of starting a Go instance for a request, which every other one pays too.
func BenchmarkNothing(b *testing.B) {
	needWorker(b)
	for b.Loop() {
		if status, _, out := call(b, "GET", "/api/nothing", nil); status != 404 {
			b.Fatalf("status %d: %.200s", status, out)
		}
	}
}
