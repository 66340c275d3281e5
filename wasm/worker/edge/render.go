package edge

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"mmplay/ui/view"
)

// render draws one view of a shared state as SVG.
func (h *Handler) render(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st, e := h.renderState(q.Get("s"), q.Get("id"), q.Has("s"), q.Has("id"))
	if e != nil {
		failWith(w, e)
		return
	}
	viewName := q.Get("view")
	if !q.Has("view") {
		viewName = "physical"
		for _, v := range st.Views {
			if slices.Contains(view.SVGViews, v) {
				viewName = v
				break
			}
		}
	}
	if !slices.Contains(view.SVGViews, viewName) {
		fail(w, http.StatusBadRequest, "view "+strconv.Quote(cutString(viewName, 20))+" is not drawn as a picture; views: "+strings.Join(view.SVGViews, ", "))
		return
	}
	step := st.Step
	if q.Has("step") {
		n, err := strconv.ParseUint(q.Get("step"), 10, 64)
		if err != nil {
			fail(w, http.StatusBadRequest, "step: want a number of statements (0: the end of the run)")
			return
		}
		step = n
	}
	if step > MaxSteps {
		fail(w, http.StatusBadRequest, "too many steps: step "+strconv.FormatUint(step, 10)+" is past the "+itoa(MaxSteps)+" statements this worker runs per request")
		return
	}
	cfg, e := playgroundConfig(st)
	if e != nil {
		failWith(w, e)
		return
	}
	sess, e := compile([]byte(st.Code), cfg)
	if e != nil {
		failWith(w, e)
		return
	}
	defer sess.Close()
	// As the playground: a step re-executed by stepping, step 0 the run
	// to its end (stepping too, so events carry their steps).
	target := step
	if target == 0 {
		target = cfg.MaxSteps
	}
	sess.StepTo(target)
	if res := sess.Result(); res != nil && res.Internal != nil {
		failWith(w, internal(res))
		return
	}
	doc, err := view.SVG(view.Picture{View: viewName, Snap: sess.Snapshot(), Events: sess.Events(), Step: sess.Steps()})
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	tag := etag(doc)
	hd := w.Header()
	hd.Set("Cache-Control", cacheControl)
	hd.Set("ETag", tag)
	hd.Set("X-Content-Type-Options", "nosniff")
	// Opened as a document, the picture may not run or fetch anything.
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	if match := r.Header.Get("If-None-Match"); match != "" && (match == tag || match == "W/"+tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", "image/svg+xml; charset=utf-8")
	hd.Set("Content-Length", itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	if r.Method != "HEAD" {
		w.Write(doc)
	}
}

// renderState is the state a picture is drawn from: a share link's
// fragment payload (s) or a stored share (id), exactly one of them.
func (h *Handler) renderState(s, id string, hasS, hasID bool) (view.State, *apiError) {
	switch {
	case hasS == hasID:
		return view.State{}, errorf(http.StatusBadRequest, "give the snippet as s=<a share link's text after #s=> or as id=<a short link's id>, one of them")
	case hasS:
		st, err := view.DecodeFragment("s=" + s)
		if err != nil {
			return st, errorf(http.StatusBadRequest, "s: %v", err)
		}
		return st, nil
	}
	frag, e := h.lookup(id)
	if e != nil {
		return view.State{}, e
	}
	st, err := view.DecodeFragment(frag)
	if err != nil {
		return st, errorf(http.StatusInternalServerError, "the stored state of %s does not decode: %v", id, err)
	}
	return st, nil
}

func cutString(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }
