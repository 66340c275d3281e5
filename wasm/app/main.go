//go:build js && wasm

// Command app is the browser playground: it mounts the ui components with
// vugu's DOM renderer and runs the render loop. It is the only place (with
// the canvas drawing in this package) that touches syscall/js (STYLE.md
// habit 9).
package main

import (
	"syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"

	"mmplay/ui"
)

func main() {
	renderer, err := domrender.New("#vugu_mount_point")
	if err != nil {
		panic(err)
	}
	defer renderer.Release()
	buildEnv, err := vugu.NewBuildEnv(renderer.EventEnv())
	if err != nil {
		panic(err)
	}
	h := newHost()
	app := &ui.App{P: &ui.Playground{}, H: h}
	app.Start()
	root := &ui.Root{App: app}
	ready := false
	for ok := true; ok; ok = renderer.EventWait() {
		if err := renderer.Render(buildEnv.RunBuild(root)); err != nil {
			panic(err)
		}
		if !ready {
			// The test contract: the first render is on the page.
			js.Global().Get("document").Get("documentElement").Call("setAttribute", "data-mmplay-ready", "true")
			ready = true
		}
	}
}
