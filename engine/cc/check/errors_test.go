package check

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"mmplay/engine/cc/syntax"
)

// TestErrors runs testdata/errors.c: chunks separated by "---" lines; a
// '### "regexp"' on a line expects an error on that line matching the
// regexp (the marker itself is cut from the source first). Every
// expected error must appear and no unexpected error may.
func TestErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/errors.c")
	if err != nil {
		t.Fatal(err)
	}
	chunks := strings.Split(string(data), "\n---\n")
	marker := regexp.MustCompile(`###\s*"((?:[^"\\]|\\.)*)"`)
	firstLine := 1
	for ci, chunk := range chunks {
		lines := strings.Split(chunk, "\n")
		want := map[int]*regexp.Regexp{}
		for i, l := range lines {
			if m := marker.FindStringSubmatchIndex(l); m != nil {
				re := regexp.MustCompile(strings.ReplaceAll(l[m[2]:m[3]], `\"`, `"`))
				want[i+1] = re
				lines[i] = l[:m[0]]
			}
		}
		src := strings.Join(lines, "\n")
		f, errs := syntax.Parse("t.c", []byte(src), testHeaders)
		if !errs.HasErrors() {
			_, cerrs := Check(f, testConfig())
			errs = append(errs, cerrs...)
		}
		for _, e := range errs {
			if e.Warning {
				continue
			}
			re := want[e.Pos.Line]
			if re == nil || !re.MatchString(e.Msg) {
				t.Errorf("chunk %d (errors.c:%d): unexpected error %v", ci, firstLine+e.Pos.Line-1, e)
				continue
			}
			delete(want, e.Pos.Line)
		}
		for line, re := range want {
			t.Errorf("chunk %d (errors.c:%d): expected error matching %q, got none (%v)", ci, firstLine+line-1, re, errs)
		}
		firstLine += len(lines) + 1
	}
}
