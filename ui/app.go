package ui

import (
	"github.com/vugu/vugu"

	"mmplay/engine"
	"mmplay/ui/view"
)

// App is the state every component shares: the controller, the host, the
// open view, and what the pointer is over (highlighted in every view).
type App struct {
	P   *Playground
	H   Host
	Env vugu.EventEnv // nil in tests

	// View is the open view's id (one of Views).
	View string
	// Focus is the object under the pointer (or the keyboard's focus) in
	// any view; Pinned the one a click (or Enter) fixed, which stays when
	// the pointer leaves so that another view can show it. Every view
	// highlights what overlaps Focused() (see Highlight).
	Focus, Pinned Focus
	// Quiet, set by an event handler, says the event changed nothing the
	// page draws, so no render follows it (reset as each event begins).
	Quiet bool
	// Cursor is the editor's cursor line (Run to cursor).
	Cursor int
	// Theme is "", "light" or "dark" ("" follows the system).
	Theme string
	// Example is the gallery entry loaded last ("" after edits).
	Example string
	// Embed is set in the compact embedded layout.
	Embed Embed
	// Notice is a short message for the user (copied, link restored…).
	Notice string
	// ShowGallery and ShowSettings open those panels.
	ShowGallery, ShowSettings bool

	lastFragKey string
	changes     *view.Changes
	changesKey  changesKey
	hl          view.Focus
	hlKey       highlightKey
}

// highlightKey is what Highlight depends on.
type highlightKey struct {
	f     Focus
	snap  *engine.Snapshot
	built engine.Part
}

// changesKey is what Changes depends on: the two snapshots and the parts
// built in each (a view that builds a part after Changes ran gets it
// compared on its next call).
type changesKey struct {
	prev, cur           *engine.Snapshot
	prevBuilt, curBuilt engine.Part
}

// Focus is a hovered object: a range of frames and/or of addresses.
type Focus struct {
	PFN, Pages uint64 // frames [PFN, PFN+Pages)
	Addr, Size uint64 // addresses [Addr, Addr+Size)
	Label      string
}

// Set reports whether the focus names an object.
func (f Focus) Set() bool { return f.Pages > 0 || f.Size > 0 }

// object is f without its label: the frames and addresses it names (two
// frames of one buddy block are one object, though labelled apart).
func (f Focus) object() Focus { f.Label = ""; return f }

// Focused is the object the views highlight: the one under the pointer,
// else the pinned one.
func (a *App) Focused() Focus {
	if a.Focus.Set() {
		return a.Focus
	}
	return a.Pinned
}

// Pin fixes f as the pinned object, or unpins it if it is the pinned one.
func (a *App) Pin(f Focus) {
	if !f.Set() || f.object() == a.Pinned.object() {
		a.Pinned = Focus{}
		return
	}
	a.Pinned = f
}

// Highlight is the focused object's frames and addresses, each found
// from the other (view.Related), computed again only when the focus or
// the snapshot changed.
func (a *App) Highlight() *view.Focus {
	f := a.Focused()
	var snap *engine.Snapshot
	if f.Set() {
		snap = a.P.SnapOf(engine.PartProcess | engine.PartVmalloc | engine.PartFrameMap)
	}
	k := highlightKey{f: f.object(), snap: snap}
	if snap != nil {
		k.built = snap.Built
	}
	if k != a.hlKey {
		a.hlKey = k
		a.hl = view.Focus{}
		if f.Set() {
			var frames []view.PFNRange
			var addrs []view.AddrRange
			if f.Pages > 0 {
				frames = []view.PFNRange{{PFN: f.PFN, Count: f.Pages}}
			}
			if f.Size > 0 {
				addrs = []view.AddrRange{{Addr: f.Addr, Size: f.Size}}
			}
			a.hl = view.Related(snap, frames, addrs)
		}
	}
	return &a.hl
}

// ViewTab is one of the views of SPEC §7.
type ViewTab struct{ ID, Label, Help string }

// Views are the tabs, in order.
var Views = []ViewTab{
	{"physical", "Physical", "every page frame, coloured by owner and zone"},
	{"buddy", "Buddy", "the page allocator's free lists per zone and order"},
	{"slab", "Slab", "kmalloc and kmem caches, their slabs and objects"},
	{"virtual", "Virtual", "the process's VMAs and the kernel's regions, page by page"},
	{"heap", "Heap", "glibc's chunks, bins and top chunk"},
	{"proc", "/proc", "the /proc files, live"},
	{"timeline", "Timeline", "what every step did"},
}

// validView reports whether id names a view.
func validView(id string) bool {
	for _, v := range Views {
		if v.ID == id {
			return true
		}
	}
	return false
}

// Dark reports whether the page is dark: the user's theme, or the
// system's when they chose none.
func (a *App) Dark() bool {
	switch a.Theme {
	case "dark":
		return true
	case "light":
		return false
	}
	return a.H != nil && a.H.PrefersDark()
}

// Palette is the Physical view's palette for the page's theme.
func (a *App) Palette() *view.Palette { return view.PaletteFor(a.Dark()) }

// ShareState is the state a link carries.
func (a *App) ShareState() view.State {
	return view.State{Code: a.P.Code, Config: a.P.Config, Step: a.P.Steps(), Views: []string{a.View}}
}

// lockedHost is the host seen by a run that holds the render lock: a
// yield lets vugu render and the browser handle input.
type lockedHost struct{ a *App }

func (h lockedHost) Yield() {
	h.a.Env.UnlockRender()
	h.a.H.Yield()
	h.a.Env.Lock()
}
func (h lockedHost) InsertText(s string)  { h.a.H.InsertText(s) }
func (h lockedHost) Copy(s string) bool   { return h.a.H.Copy(s) }
func (h lockedHost) Fragment() string     { return h.a.H.Fragment() }
func (h lockedHost) SetFragment(s string) { h.a.H.SetFragment(s) }
func (h lockedHost) Pref(k string) string { return h.a.H.Pref(k) }
func (h lockedHost) SetPref(k, v string)  { h.a.H.SetPref(k, v) }
func (h lockedHost) Paint(id string, b []byte, w, x int, bands [][2]int) {
	h.a.H.Paint(id, b, w, x, bands)
}
func (h lockedHost) PrefersDark() bool                     { return h.a.H.PrefersDark() }
func (h lockedHost) Location() string                      { return h.a.H.Location() }
func (h lockedHost) ShortLink(c, k string) (string, bool)  { return h.a.H.ShortLink(c, k) }
func (h lockedHost) SetHTML(id string, v uint64, s string) { h.a.H.SetHTML(id, v, s) }

// Run runs the snippet. In the browser it runs on its own goroutine,
// taking the render lock chunk by chunk, so the page stays responsive and
// Stop works; without an event environment (tests) it runs in place.
func (a *App) Run() {
	if a.P.Running {
		return
	}
	a.Notice = ""
	if a.Env == nil {
		a.P.Run(nil)
		return
	}
	go func() {
		a.Env.Lock()
		a.P.Run(lockedHost{a})
		a.Env.UnlockRender()
	}()
}

// Stop pauses a run.
func (a *App) Stop() { a.P.Stop() }

// LoadExample replaces the snippet with a gallery example.
func (a *App) LoadExample(id string) {
	ex, ok := ExampleByID(id)
	if !ok {
		return
	}
	a.P.Code = ex.Code
	a.P.Reset()
	a.Example = id
	a.ShowGallery = false
}

// Changes is what the last action changed (for the views' highlight),
// computed again only when the snapshots or their parts changed.
func (a *App) Changes() *view.Changes {
	k := changesKey{prev: a.P.Prev, cur: a.P.Snap}
	if k.prev != nil {
		k.prevBuilt = k.prev.Built
	}
	if k.cur != nil {
		k.curBuilt = k.cur.Built
	}
	if a.changes == nil || k != a.changesKey {
		ch := view.Diff(a.P.Prev, a.P.Snap)
		a.changes, a.changesKey = &ch, k
	}
	return a.changes
}
