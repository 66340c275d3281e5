package ui

import (
	"testing"

	"github.com/vugu/vugu"
)

// memHost is a Host in memory (no browser): what the tests of the whole
// page need.
type memHost struct {
	frag   string
	prefs  map[string]string
	paints int
	dark   bool
}

func (h *memHost) Yield()               {}
func (h *memHost) InsertText(string)    {}
func (h *memHost) Copy(string) bool     { return true }
func (h *memHost) Fragment() string     { return h.frag }
func (h *memHost) SetFragment(f string) { h.frag = f }
func (h *memHost) Pref(k string) string { return h.prefs[k] }
func (h *memHost) SetPref(k, v string) {
	if h.prefs == nil {
		h.prefs = map[string]string{}
	}
	h.prefs[k] = v
}
func (h *memHost) Paint(string, []byte, int, int, [][2]int) { h.paints++ }
func (h *memHost) PrefersDark() bool                        { return h.dark }
func (h *memHost) Location() string                         { return "http://localhost/" }
func (h *memHost) ShortLink(string, string) (string, bool)  { return "", false }
func (h *memHost) SetHTML(string, uint64, string)           {}

// BenchmarkBuildAfterStep: vugu's build of the whole page (every
// component's Build, with the view models they ask for) after one Step of
// the first example, per view: the Go part of a step's render that the
// browser benchmark reports as ms-build.
func BenchmarkBuildAfterStep(b *testing.B) {
	for _, v := range Views {
		b.Run(v.ID, func(b *testing.B) {
			a := &App{P: &Playground{}, H: &memHost{}}
			a.Start()
			a.View = v.ID
			root := &Root{App: a}
			env, _ := vugu.NewBuildEnv()
			a.P.Reset()
			a.P.Step()
			env.RunBuild(root)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				a.P.StepTo(uint64(1 + i%2))
				b.StartTimer()
				env.RunBuild(root)
			}
		})
	}
}
