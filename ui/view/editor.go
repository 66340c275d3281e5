package view

// The editor's geometry, as public/app.css lays it out: 13 px monospace
// with line-height 1.5em (--lh), the text 0.75rem (12 px) below the
// textarea's top. The error markers and the current line are placed with
// the same numbers in CSS; TestEditorErrorHover (build/browser) checks
// that hovering over a line finds that line.
const (
	EditorLineHeight = 19.5 // px
	EditorPadTop     = 12   // px
)

// EditorLine is the 1-based line at y pixels below the textarea's top
// (0 above the first line, lines+1 and more below the last is not
// checked here).
func EditorLine(y float64) int {
	if y < EditorPadTop {
		return 0
	}
	return int((y-EditorPadTop)/EditorLineHeight) + 1
}
