package ui

import (
	"strconv"
	"strings"

	"github.com/vugu/vugu"
)

// The views share one focus (App.Focus, App.Pinned). A view marks each
// object that can take it with a data-focus attribute (Focus.Data); the
// view pane (root.vugu) listens once for the events that move it
// (FocusEvent): one set of listeners for all the views instead of five
// per object, which for the Buddy view's blocks and the Heap view's
// chunks would be hundreds.

// Data encodes the focus for a data-focus attribute: "p PFN PAGES",
// "a ADDR SIZE", or both joined, numbers in decimal.
func (f Focus) Data() string {
	var parts []string
	if f.Pages > 0 {
		parts = append(parts, "p", strconv.FormatUint(f.PFN, 10), strconv.FormatUint(f.Pages, 10))
	}
	if f.Size > 0 {
		parts = append(parts, "a", strconv.FormatUint(f.Addr, 10), strconv.FormatUint(f.Size, 10))
	}
	return strings.Join(parts, " ")
}

// parseFocus reads Data's form (the label comes apart); ok false for
// anything else.
func parseFocus(data, label string) (Focus, bool) {
	f := Focus{Label: label}
	w := strings.Fields(data)
	for len(w) >= 3 {
		a, err1 := strconv.ParseUint(w[1], 10, 64)
		b, err2 := strconv.ParseUint(w[2], 10, 64)
		if err1 != nil || err2 != nil {
			return Focus{}, false
		}
		switch w[0] {
		case "p":
			f.PFN, f.Pages = a, b
		case "a":
			f.Addr, f.Size = a, b
		default:
			return Focus{}, false
		}
		w = w[3:]
	}
	return f, len(w) == 0 && f.Set()
}

// focusOf finds the focus of the element an event happened on: its
// data-focus, or its parent's or grandparent's (a table cell's row, a
// pill's row), labelled by that element's title.
func focusOf(e vugu.DOMEvent) (Focus, bool) {
	path := []string{"target"}
	for i := 0; i < 3; i++ {
		if data := e.PropString(append(path, "dataset", "focus")...); data != "" {
			return parseFocus(data, e.PropString(append(path, "title")...))
		}
		path = append(path, "parentElement")
	}
	return Focus{}, false
}

// FocusEvent moves the focus for an event on a view's root element:
// mouseover and focusin focus the object under the pointer or the
// keyboard's focus (or nothing); mouseleave and focusout unfocus; click,
// and Enter or Space on a focused object, pin it (or unpin it).
func (a *App) FocusEvent(e vugu.DOMEvent) {
	f, ok := focusOf(e)
	switch e.PropString("type") {
	case "mouseover", "focusin":
		a.Focus = f // Focus{} when not over an object
	case "mouseleave", "focusout":
		a.Focus = Focus{}
	case "click":
		if ok {
			a.Pin(f)
		}
	case "keydown":
		if k := e.PropString("key"); ok && (k == "Enter" || k == " ") {
			e.PreventDefault()
			a.Pin(f)
		}
	}
}
