package ui

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestParseEmbed(t *testing.T) {
	for _, tc := range []struct {
		name, search string
		want         Embed
	}{
		{"no embed flag", "?views=heap", Embed{}},
		{"empty", "", Embed{}},
		{"bare embed", "?embed", Embed{On: true}},
		{"views, readonly, theme", "?embed&views=heap,physical&readonly&theme=dark", Embed{On: true, Views: []string{"heap", "physical"}, ReadOnly: true, Theme: "dark"}},
		{"escaped comma and unknown view dropped", "?embed&views=heap%2Cbogus%2Cslab", Embed{On: true, Views: []string{"heap", "slab"}}},
		{"hostile theme ignored", "?embed&theme=<script>", Embed{On: true}},
		{"first value of a key wins", "?embed&theme=light&theme=dark", Embed{On: true, Theme: "light"}},
		{"bad escapes kept literally", "?embed&views=%zz", Embed{On: true}},
	} {
		if got := ParseEmbed(tc.search); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: ParseEmbed(%q) = %+v, want %+v", tc.name, tc.search, got, tc.want)
		}
	}
}

func TestHandleMessage(t *testing.T) {
	a := &App{P: &Playground{}}
	r := a.HandleMessage(Message{Type: "mmplay:set-code", Code: hello, Config: "kernel=6.1", HasCfg: true})
	if r.Type != "mmplay:state" || r.Code != hello || r.Config != "kernel=6.1" {
		t.Fatalf("set-code reply %+v", r)
	}
	r = a.HandleMessage(Message{Type: "mmplay:run"})
	if !r.Done || r.Exit == nil || *r.Exit != 3 || r.Stdout != "hello 1\n" {
		t.Errorf("run reply %+v", r)
	}
	r = a.HandleMessage(Message{Type: "mmplay:set-config", Config: "kernel=2.0;rm -rf"})
	if r.Type != "mmplay:error" || a.P.Config != "kernel=6.1" {
		t.Errorf("hostile config: reply %+v, config now %q", r, a.P.Config)
	}
	r = a.HandleMessage(Message{Type: "mmplay:set-code", Code: strings.Repeat("x", 70<<10)})
	if r.Type != "mmplay:error" || a.P.Code != hello {
		t.Errorf("oversized code: reply %+v", r.Type)
	}
	if r = a.HandleMessage(Message{Type: "mmplay:format-disk"}); r.Type != "mmplay:error" {
		t.Errorf("unknown type: %+v", r)
	}
	a.HandleMessage(Message{Type: "mmplay:reset"})
	a.HandleMessage(Message{Type: "mmplay:step"})
	if r = a.HandleMessage(Message{Type: "mmplay:get-state"}); r.Step != 1 || r.Done {
		t.Errorf("after reset+step: %+v", r)
	}
}

// TestReplyFields: the object posted is what json.Marshal makes of the
// reply (the documented API).
func TestReplyFields(t *testing.T) {
	three := 3
	for _, r := range []Reply{
		{Type: "mmplay:state", Code: "int x;", Config: "kernel=2.0", Step: 7, Line: 3, Status: "at line 3", Stdout: "hi\n", Exit: &three, Done: true},
		{Type: "mmplay:error", Message: "unknown message type \"x\""},
		{},
	} {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		json.Unmarshal(b, &want)
		got := map[string]any{}
		for k, v := range r.Fields() {
			// the types JSON gives numbers
			switch x := v.(type) {
			case int:
				v = float64(x)
			case uint64:
				v = float64(x)
			}
			got[k] = v
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Fields() = %v, json.Marshal = %v", got, want)
		}
	}
}
