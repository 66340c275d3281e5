package arch

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Count(0, "page"), "0 pages"}, {Count(1, "page"), "1 page"}, {Count(uint64(2), "page"), "2 pages"},
		{Count(int32(1), "byte"), "1 byte"}, {Count(-1, "frame"), "-1 frames"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}
