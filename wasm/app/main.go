//go:build js && wasm

// Command app is the browser playground: it mounts the ui components with
// vugu's DOM renderer and runs the render loop. It is the only place (with
// the canvas drawing in this package) that touches syscall/js (STYLE.md
// habit 9).
package main

import (
	"fmt"
	"runtime/debug"
	"syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"

	"mmplay/ui"
)

func main() {
	renderer, err := domrender.New("#vugu_mount_point")
	if err != nil {
		fatal(fmt.Sprintf("mmplay could not start: %v", err))
		return
	}
	defer renderer.Release()
	buildEnv, err := vugu.NewBuildEnv(renderer.EventEnv())
	if err != nil {
		fatal(fmt.Sprintf("mmplay could not start: %v", err))
		return
	}
	h := newHost()
	app := &ui.App{P: &ui.Playground{}, H: h, Env: renderer.EventEnv()}
	app.Embed = ui.ParseEmbed(js.Global().Get("location").Get("search").String())
	app.Start()
	root := &ui.Root{App: app}
	if app.Embed.On {
		listenEmbed(app)
	}
	ready := false
	for ok := true; ok; ok = renderer.EventWait() {
		renderOnce(renderer, buildEnv, root, app)
		if !ready {
			// The test contract: the first render is on the page.
			js.Global().Get("document").Get("documentElement").Call("setAttribute", "data-mmplay-ready", "true")
			ready = true
		}
		if app.Embed.On {
			announce(app)
		}
	}
}

// renderOnce builds and renders, turning a panic in a component (there
// should be none) into the internal-error report on the page instead of a
// dead page; the next render then shows it.
func renderOnce(r *domrender.JSRenderer, env *vugu.BuildEnv, root *ui.Root, app *ui.App) {
	defer func() {
		if v := recover(); v != nil {
			app.P.Running = false
			app.P.Internal = fmt.Sprintf("mmplay internal error while drawing the page: %v\n\nPlease report it with this snippet and config:\n%s\n---\n%s\n\n%s",
				v, app.P.Config, app.P.Code, debug.Stack())
			app.View = "physical"
			defer func() { recover() }()
			r.Render(env.RunBuild(root))
		}
	}()
	if err := r.Render(env.RunBuild(root)); err != nil {
		panic(err)
	}
}

// fatal shows a message where the app would have been.
func fatal(msg string) {
	el := js.Global().Get("document").Call("querySelector", "[data-testid=boot]")
	if el.Truthy() {
		el.Set("textContent", msg)
	}
}
