package ui

import (
	"errors"
	"fmt"
	"html"

	"mmplay/ui/view"
)

// Start opens the page: the state of a share link in the URL fragment,
// or else the first example (a short one that shows malloc and demand
// paging). Preferences (the theme) come from the host's storage and stay
// out of links.
func (a *App) Start() {
	a.Theme = a.H.Pref("theme")
	if a.Embed.Theme != "" {
		a.Theme = a.Embed.Theme
	}
	if tabs := a.Tabs(); a.View == "" || !a.hasTab(a.View) {
		a.View = tabs[0].ID
	}
	frag := a.H.Fragment()
	st, err := view.DecodeFragment(frag)
	switch {
	case err == nil:
		a.Restore(st)
		a.Notice = "Opened the shared snippet."
		return
	case !errors.Is(err, view.ErrNoState):
		a.Notice = err.Error() + " — opening an example instead."
	}
	a.LoadExample(FirstExample)
	a.P.Run(nil)
}

// Restore applies a shared state: the snippet, its settings, the open
// view and the step (re-executed deterministically).
func (a *App) Restore(st view.State) {
	a.P.Code, a.P.Config = st.Code, st.Config
	a.P.Reset()
	a.Example = ""
	if len(st.Views) > 0 && validView(st.Views[0]) && a.hasTab(st.Views[0]) {
		a.View = st.Views[0]
	}
	if st.Step > 0 {
		a.P.StepTo(st.Step)
	} else {
		a.P.Run(nil)
	}
}

// Idle does the page's deferred work when the browser is idle: it keeps
// the URL fragment equal to the state, then lets the playground prepare
// the next step back. It reports whether there is more to do.
func (a *App) Idle() bool {
	a.syncFragment()
	return a.P.Idle()
}

// syncFragment keeps the URL fragment equal to the state (no history
// entry per change). It re-encodes only when something a link carries
// changed. It runs when the page is idle (Idle), not on each render: a
// best-compression DEFLATE of the snippet costs milliseconds a step
// should not pay.
func (a *App) syncFragment() {
	if a.H == nil || a.P.Running {
		return
	}
	key := fmt.Sprintf("%d\x00%s\x00%s\x00%s", a.P.Steps(), a.View, a.P.Config, a.P.Code)
	if key == a.lastFragKey {
		return
	}
	a.lastFragKey = key
	frag := view.EncodeFragment(a.ShareState())
	if len(frag) <= view.MaxFragmentLen {
		a.H.SetFragment(frag)
	}
}

// Link is the share link for the state now.
func (a *App) Link() (string, error) {
	frag := view.EncodeFragment(a.ShareState())
	if len(frag) > view.MaxFragmentLen {
		return "", fmt.Errorf("the snippet is too long for a link (%d bytes of link; at most %d)", len(frag), view.MaxFragmentLen)
	}
	return a.H.Location() + "#" + frag, nil
}

// CopyLink copies the share link: a short one when the site has the
// edge worker (asked on a goroutine, so the page does not wait), else the
// fragment link, which works on any static host.
func (a *App) CopyLink() {
	link, err := a.Link()
	if err != nil {
		a.Notice = err.Error()
		return
	}
	if a.Env == nil {
		a.copied(link, "Link copied.")
		return
	}
	code, config, step := a.P.Code, a.P.Config, a.P.Steps()
	a.Notice = "Making a link…"
	go func() {
		short, ok := a.H.ShortLink(code, config)
		a.Env.Lock()
		defer a.Env.UnlockRender()
		if ok && step == 0 {
			a.copied(short, "Short link copied.")
		} else if ok {
			a.copied(short, fmt.Sprintf("Short link copied (it opens the snippet at its start; this link keeps step %d: %s).", step, link))
		} else {
			a.copied(link, "Link copied.")
		}
	}()
}

func (a *App) copied(link, msg string) {
	if a.H.Copy(link) {
		a.Notice = msg
	} else {
		a.Notice = "Copy this link: " + link
	}
}

// EmbedCode is the HTML a tutorial author pastes: an iframe of the
// embed layout with this state.
func (a *App) EmbedCode() (string, error) {
	frag := view.EncodeFragment(a.ShareState())
	if len(frag) > view.MaxFragmentLen {
		return "", fmt.Errorf("the snippet is too long to embed (%d bytes of link; at most %d)", len(frag), view.MaxFragmentLen)
	}
	src := a.H.Location() + "?embed#" + frag
	return fmt.Sprintf(`<iframe src="%s" title="mmplay: Linux memory allocation playground" width="100%%" height="480" style="border:1px solid #ccc;border-radius:6px" loading="lazy"></iframe>`,
		html.EscapeString(src)), nil
}

// CopyEmbed copies the embed code.
func (a *App) CopyEmbed() {
	code, err := a.EmbedCode()
	if err != nil {
		a.Notice = err.Error()
		return
	}
	if a.H.Copy(code) {
		a.Notice = "Embed code copied."
	} else {
		a.Notice = "Copy this embed code: " + code
	}
}

// ToggleTheme cycles system → light → dark → system and remembers it.
func (a *App) ToggleTheme() {
	switch a.Theme {
	case "":
		a.Theme = "light"
	case "light":
		a.Theme = "dark"
	default:
		a.Theme = ""
	}
	a.H.SetPref("theme", a.Theme)
}

func (a *App) hasTab(id string) bool {
	for _, t := range a.Tabs() {
		if t.ID == id {
			return true
		}
	}
	return false
}
