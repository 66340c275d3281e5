//go:build js && wasm

// Command app is the browser playground: it builds the ui components with
// vugu's BuildEnv and draws them with vdom (a renderer by difference, see
// vdom's package comment for why not vugu's own), and runs the render
// loop. It is the only place (with the canvas drawing in this package)
// that touches syscall/js (STYLE.md habit 9).
package main

import (
	"fmt"
	"runtime/debug"
	"sync"
	"syscall/js"
	"time"

	"github.com/vugu/vugu"

	"mmplay/ui"
	"mmplay/wasm/app/vdom"
)

func main() {
	mark("mmplay-go-main")
	gcAfterStart := holdGC()
	mount := js.Global().Get("document").Call("querySelector", "#vugu_mount_point")
	if !mount.Truthy() {
		fatal("mmplay could not start: the page has no #vugu_mount_point")
		return
	}
	// The event lock: handlers (and a running snippet between its chunks)
	// hold it to change the state; a build and render hold it to read.
	var mu sync.RWMutex
	wake := make(chan bool, 64)
	env := vugu.NewEventEnvImpl(&mu, wake)
	buildEnv, err := vugu.NewBuildEnv(env)
	if err != nil {
		fatal(fmt.Sprintf("mmplay could not start: %v", err))
		return
	}
	dom, ok := newJSDOM(env)
	if !ok {
		fatal("mmplay could not start: this page's boot.js does not match the app (reload the page)")
		return
	}
	r := vdom.New(dom, dom.handle(mount), env)
	dom.r = r
	h := newHost()
	app := &ui.App{P: &ui.Playground{}, H: h, Env: env}
	dom.onPanic = func(v any) { internalError(app, "while handling an event", v) }
	dom.onEvent = func() { app.P.Took, app.Quiet = 0, false } // the engine's part of this event only
	dom.quiet = func() bool { return app.Quiet }
	app.Embed = ui.ParseEmbed(js.Global().Get("location").Get("search").String())
	h.watchTheme(env)
	testPanics(app, dom)
	app.Start()
	mark("mmplay-started")
	root := &ui.Root{App: app}
	if app.Embed.On {
		listenEmbed(app)
	}
	// the idle work, with the collector back on at its first slice
	idle := func() bool { gcAfterStart(); return app.Idle() }
	ready := false
	for {
		mu.RLock()
		dom.rendering = true
		build, render := renderOnce(r, buildEnv, root, app)
		dom.rendering = false
		publishTimings(app, build, render)
		mu.RUnlock()
		dom.runPending() // they ask for the next render
		if !ready {
			// The test contract: the first render is on the page.
			mark("mmplay-first-render")
			js.Global().Get("document").Get("documentElement").Call("setAttribute", "data-mmplay-ready", "true")
			ready = true
		}
		if app.Embed.On {
			announce(app)
		}
		h.scheduleIdle(env, idle)
		if !<-wake {
			return
		}
	}
}

// holdGC turns the garbage collector off until the first render is on
// the page and the page is idle, when the function it returns turns it
// back on (the first time it is called; later calls do nothing).
//
// RATIONALE: the first run and render allocate about 8 MB, so with Go's
// default goal (4 MB) one collection ran in the middle of them. A
// collection is cheap warm, but in a fresh page it is code the browser
// has not compiled yet (the collector's functions, compiled on their
// first call and then recompiled as hot loops): 140–160 ms of the cold
// load on the 2-core development machine (gctrace in the page), for a
// few megabytes nobody needs back yet. The garbage of the start is
// bounded by the work before the first render (one chunk of a run); the
// memory limit is the safety net should it not be.
func holdGC() (restore func()) {
	const startLimit = 256 << 20
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(startLimit)
	held := true
	return func() {
		if held {
			held = false
			debug.SetMemoryLimit(limit)
			debug.SetGCPercent(percent)
		}
	}
}

// mark records a point of the page's start-up with performance.mark, so
// the cold-load benchmark can report where the time went: boot.js marks
// "mmplay-compiled" (the wasm fetched and compiled), then main marks
// "mmplay-go-main" (the Go runtime started), "mmplay-started" (the first
// example run by the engine) and "mmplay-first-render" (on the page).
func mark(name string) {
	if p := js.Global().Get("performance"); p.Truthy() && p.Get("mark").Truthy() {
		p.Call("mark", name)
	}
}

// panicNextRender makes the next render panic (mmplayTestPanic).
var panicNextRender bool

// testPanics gives the page mmplayTestPanic(where): the next session move
// ("engine"), DOM event handler ("event") or render ("render") panics, so
// the browser tests can check that a Go panic reaches the user as the
// internal-error report, never as a dead page. There is no other way to
// cause one: they are bugs.
func testPanics(app *ui.App, dom *jsDOM) {
	js.Global().Set("mmplayTestPanic", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return "want mmplayTestPanic(\"engine\" | \"event\" | \"render\")"
		}
		switch args[0].String() {
		case "engine":
			app.P.PanicNext = true
		case "event":
			dom.panicNext = true
		case "render":
			panicNextRender = true
		default:
			return "unknown: want \"engine\", \"event\" or \"render\""
		}
		return nil
	}))
}

// renderOnce builds and renders, turning a panic in a component (there
// should be none) into the internal-error report on the page instead of a
// dead page; the next render then shows it.
func renderOnce(r *vdom.Renderer, env *vugu.BuildEnv, root *ui.Root, app *ui.App) (build, render time.Duration) {
	defer func() {
		if v := recover(); v != nil {
			internalError(app, "while drawing the page", v)
			app.View = "physical"
			defer func() { recover() }()
			r.Render(env.RunBuild(root))
		}
	}()
	if panicNextRender {
		panicNextRender = false
		panic("a deliberate panic in a render (mmplayTestPanic)")
	}
	t0 := time.Now()
	br := env.RunBuild(root)
	t1 := time.Now()
	if err := r.Render(br); err != nil {
		panic(err)
	}
	return t1.Sub(t0), time.Since(t1)
}

// internalError puts a Go panic on the page as mmplay's own failure, with
// the text a user can paste into a report.
func internalError(app *ui.App, where string, v any) {
	app.P.Running = false
	app.P.Internal = fmt.Sprintf("mmplay internal error %s: %v\n\nPlease report it with this snippet and config:\n%s\n---\n%s\n\n%s",
		where, v, app.P.Config, app.P.Code, debug.Stack())
}

// fatal shows a message where the app would have been.
func fatal(msg string) {
	el := js.Global().Get("document").Call("querySelector", "[data-testid=boot]")
	if el.Truthy() {
		el.Set("textContent", msg)
	}
}

// eventStart is when the last DOM event reached Go.
var eventStart time.Time

// publishTimings puts the breakdown of the last render on the page as
// window.mmplayTimings = {engine, build, render, go} in milliseconds: the
// engine's part of the last action, vugu's build of the components (with
// the view models), the DOM update with the canvas paint, and all the
// Go side took from the event to the end of the render (the rest of it is
// the handler's own work and the garbage collector). The benchmarks read
// it.
func publishTimings(app *ui.App, build, render time.Duration) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	total := time.Duration(0)
	if !eventStart.IsZero() {
		total = time.Since(eventStart)
		eventStart = time.Time{}
	}
	js.Global().Set("mmplayTimings", map[string]any{"engine": ms(app.P.Took), "build": ms(build), "render": ms(render), "go": ms(total)})
}
