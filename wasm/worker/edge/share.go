package edge

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"mmplay/engine"
	"mmplay/ui/view"
)

// shareRequest is POST /api/share's body. The playground's Copy link sends
// code and config; step and views are optional (a link that opens at a
// step, on a view).
type shareRequest struct {
	Code   *string  `json:"code"`
	Config string   `json:"config"`
	Step   uint64   `json:"step"`
	Views  []string `json:"views"`
}

// shareReply is its answer.
type shareReply struct {
	ID  string `json:"id"`
	URL string `json:"url"` // site-relative: "/s/<id>"
}

// idAlphabet is the characters of an id.
const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newID draws an id: idLen characters, each uniform over idAlphabet
// (bytes ≥ 248 are rejected, so that 248 = 4·62 divides evenly).
func newID(rand io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 2*idLen)
	for b.Len() < idLen {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			if c < 248 && b.Len() < idLen {
				b.WriteByte(idAlphabet[c%62])
			}
		}
	}
	return b.String(), nil
}

// validID reports whether s has the form of an id.
func validID(s string) bool {
	if len(s) != idLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(idAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// share stores a state and answers its short link.
func (h *Handler) share(w http.ResponseWriter, r *http.Request) {
	var req shareRequest
	if e := readJSON(w, r, &req); e != nil {
		failWith(w, e)
		return
	}
	st, e := req.state()
	if e != nil {
		failWith(w, e)
		return
	}
	frag := view.EncodeFragment(st)
	if len(frag) > view.MaxFragmentLen {
		fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the snippet compresses to a link of %d bytes; a link holds at most %d", len(frag), view.MaxFragmentLen))
		return
	}
	for try := 0; ; try++ {
		id, err := newID(h.rand)
		if err != nil {
			fail(w, http.StatusInternalServerError, "the worker could not draw a random id")
			return
		}
		_, taken, err := h.store.Get(shareKeyPrefix + id)
		if err != nil {
			fail(w, http.StatusServiceUnavailable, "the share store is unavailable; try again")
			return
		}
		if taken {
			if try < 3 {
				continue
			}
			fail(w, http.StatusInternalServerError, "the worker drew taken ids again and again (is its random source broken?)")
			return
		}
		if err := h.store.Put(shareKeyPrefix+id, frag); err != nil {
			fail(w, http.StatusServiceUnavailable, "the share store is unavailable; try again")
			return
		}
		w.Header().Set("Location", "/s/"+id)
		writeJSON(w, http.StatusCreated, shareReply{ID: id, URL: "/s/" + id}, false)
		return
	}
}

// state checks a share request with a share link's limits and the
// engine's settings syntax.
func (req *shareRequest) state() (view.State, *apiError) {
	if req.Code == nil {
		return view.State{}, errorf(http.StatusBadRequest, `the body has no "code" (the snippet to share)`)
	}
	st := view.State{Code: *req.Code, Config: req.Config, Step: req.Step, Views: req.Views}
	if len(st.Code) > view.MaxCodeLen {
		return st, errorf(http.StatusRequestEntityTooLarge, "the snippet is %d bytes; a shared snippet holds at most %d", len(st.Code), view.MaxCodeLen)
	}
	if st.Step > MaxSteps {
		return st, errorf(http.StatusBadRequest, "step %d is past the %d statements this worker runs", st.Step, MaxSteps)
	}
	if err := st.Validate(); err != nil {
		return st, errorf(http.StatusBadRequest, "this state cannot be shared: %s", strings.TrimPrefix(err.Error(), "this link is damaged: "))
	}
	cfg := engine.DefaultConfig()
	if err := cfg.Apply(st.Config); err != nil {
		return st, errorf(http.StatusBadRequest, "config: %v", err)
	}
	return st, nil
}

// open redirects a short link to the playground with its state.
func (h *Handler) open(w http.ResponseWriter, r *http.Request) {
	frag, e := h.lookup(r.PathValue("id"))
	if e != nil {
		failWith(w, e)
		return
	}
	w.Header().Set("Location", "/#"+frag)
	w.Header().Set("Cache-Control", cacheControl)
	w.WriteHeader(http.StatusFound)
}

// lookup returns a stored state's fragment.
func (h *Handler) lookup(id string) (string, *apiError) {
	if !validID(id) {
		return "", errorf(http.StatusNotFound, "no shared snippet has this id (an id is %d letters and digits)", idLen)
	}
	frag, ok, err := h.store.Get(shareKeyPrefix + id)
	if err != nil {
		return "", errorf(http.StatusServiceUnavailable, "the share store is unavailable; try again")
	}
	if !ok {
		return "", errorf(http.StatusNotFound, "no shared snippet has the id %s", id)
	}
	return frag, nil
}
