package ui

import (
	"fmt"
	"strings"

	"mmplay/engine"
	"mmplay/ui/view"
)

// Embed is the compact layout a tutorial page embeds (`index.html?embed`):
// the editor, the controls and the chosen views, no top bar. Its options
// come from the query string: views=physical,heap · readonly · theme=dark.
type Embed struct {
	On       bool
	Views    []string // the tabs offered (all when empty)
	ReadOnly bool
	Theme    string
}

// ParseEmbed reads the embed options from a location.search string.
// Unknown views and themes are ignored; nothing here can fail.
func ParseEmbed(search string) Embed {
	q := parseQuery(search)
	if _, ok := q["embed"]; !ok {
		return Embed{}
	}
	e := Embed{On: true}
	for _, v := range strings.Split(q["views"], ",") {
		if v = strings.TrimSpace(v); validView(v) && len(e.Views) < len(Views) {
			e.Views = append(e.Views, v)
		}
	}
	if _, ok := q["readonly"]; ok {
		e.ReadOnly = true
	}
	if t := q["theme"]; t == "light" || t == "dark" {
		e.Theme = t
	}
	return e
}

// parseQuery splits "?a=1&b&c=x%2Cy" into its keys and values, the first
// of each key winning. The options are plain words and commas, so this
// small decoder (%XX and '+') replaces net/url, which would add its
// dependencies (net/netip, unique) to the app's wasm.
func parseQuery(search string) map[string]string {
	q := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(search, "?"), "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, v = unescape(k), unescape(v)
		if _, dup := q[k]; !dup {
			q[k] = v
		}
	}
	return q
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// Tabs are the views this page offers.
func (a *App) Tabs() []ViewTab {
	if !a.Embed.On || len(a.Embed.Views) == 0 {
		return Views
	}
	var out []ViewTab
	for _, v := range Views {
		for _, id := range a.Embed.Views {
			if v.ID == id {
				out = append(out, v)
			}
		}
	}
	return out
}

// Message is a postMessage call from the embedding page (SPEC §8):
// {type: "mmplay:set-code", code, config} · "mmplay:set-config" ·
// "mmplay:run" · "mmplay:step" · "mmplay:step-back" · "mmplay:reset" ·
// "mmplay:get-state".
type Message struct {
	Type   string
	Code   string
	Config string
	HasCfg bool
}

// Reply is what the page posts back: {type: "mmplay:state", …} or
// {type: "mmplay:error", message}.
type Reply struct {
	Type    string `json:"type"`
	Message string `json:"message,omitempty"`
	Code    string `json:"code,omitempty"`
	Config  string `json:"config,omitempty"`
	Step    uint64 `json:"step"`
	Line    int    `json:"line"`
	Done    bool   `json:"done"`
	Status  string `json:"status,omitempty"`
	Stdout  string `json:"stdout,omitempty"`
	Exit    *int   `json:"exitStatus,omitempty"`
}

// Fields is the reply as the object posted to the embedding page: the
// JSON tags' names, the omitempty fields left out when empty (what
// json.Marshal made of it; TestReplyFields checks; the app builds the
// object without encoding/json, which would cost its wasm 49 kB).
func (r Reply) Fields() map[string]any {
	m := map[string]any{"type": r.Type, "step": r.Step, "line": r.Line, "done": r.Done}
	for k, v := range map[string]string{"message": r.Message, "code": r.Code, "config": r.Config, "status": r.Status, "stdout": r.Stdout} {
		if v != "" {
			m[k] = v
		}
	}
	if r.Exit != nil {
		m["exitStatus"] = *r.Exit
	}
	return m
}

// HandleMessage applies one embed API call. Input is checked with the
// share link's limits; a bad call gets an error reply and changes nothing.
func (a *App) HandleMessage(m Message) Reply {
	switch m.Type {
	case "mmplay:set-code":
		st := view.State{Code: m.Code, Config: a.P.Config}
		if m.HasCfg {
			st.Config = m.Config
		}
		if err := st.Validate(); err != nil {
			return Reply{Type: "mmplay:error", Message: err.Error()}
		}
		a.P.Code, a.P.Config = st.Code, st.Config
		a.P.Reset()
		a.Example = ""
	case "mmplay:set-config":
		if err := (view.State{Config: m.Config}).Validate(); err != nil {
			return Reply{Type: "mmplay:error", Message: err.Error()}
		}
		a.P.Config = m.Config
		a.P.Reset()
	case "mmplay:run":
		a.Run()
	case "mmplay:step":
		a.P.Step()
	case "mmplay:step-back":
		a.P.StepBack()
	case "mmplay:reset":
		a.P.Reset()
	case "mmplay:get-state":
	default:
		return Reply{Type: "mmplay:error", Message: fmt.Sprintf("unknown message type %q", m.Type)}
	}
	return a.State()
}

// State is the page's state as the embed API reports it.
func (a *App) State() Reply {
	r := Reply{Type: "mmplay:state", Code: a.P.Code, Config: a.P.Config, Step: a.P.Steps(), Line: a.P.Line(),
		Done: a.P.Done(), Status: a.P.Status()}
	if s := a.P.SnapOf(engine.PartOutput); s != nil {
		r.Stdout = s.Stdout
	}
	if a.P.Result != nil {
		st := a.P.Result.ExitStatus
		r.Exit = &st
	}
	return r
}
