package engine

import (
	"strings"
	"testing"
)

func TestConfigApply(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, err string
	}{
		{"defaults", "", "arch=x86_64 aslr=off debug=on kernel=6.1 max-steps=50000000 overcommit=0 ram=128M sanitize=report stdout=pipe", ""},
		{"commas", "ram=1G,kernel=2.0", "arch=x86_64 aslr=off debug=on kernel=2.0 max-steps=50000000 overcommit=0 ram=1G sanitize=report stdout=pipe", ""},
		{"spaces and case", "RAM=16M  debug=off stdout=tty", "arch=x86_64 aslr=off debug=off kernel=6.1 max-steps=50000000 overcommit=0 ram=16M sanitize=report stdout=tty", ""},
		{"ram too small", "ram=8M", "", "want 16M … 4G"},
		{"ram too large", "ram=8G", "", "want 16M … 4G"},
		{"ram not a size", "ram=lots", "", "not a size"},
		{"unknown key", "colour=red", "", `unknown setting "colour"`},
		{"no equals", "debug", "", "want key=value"},
		{"bad kernel", "kernel=5.10", "", "want 6.1 or 2.0"},
		{"aslr seed", "aslr=42", "arch=x86_64 aslr=42 debug=on kernel=6.1 max-steps=50000000 overcommit=0 ram=128M sanitize=report stdout=pipe", ""},
		{"bad aslr", "aslr=on", "", "want off or a seed"},
		{"bad overcommit", "overcommit=3", "", "want 0, 1 or 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			err := c.Apply(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Apply(%q) error = %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply(%q): %v", tc.in, err)
			}
			if got := c.String(); got != tc.want {
				t.Errorf("Apply(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestSnippetSettings(t *testing.T) {
	for in, want := range map[string]string{
		"// mmplay: arch=x86_64 ram=128M\nint main(void){}": "arch=x86_64 ram=128M",
		"//mmplay:debug=off":                   "debug=off",
		"int main(void) {}\n// mmplay: ram=1G": "",
		"/* mmplay: ram=1G */":                 "",
		"// a comment\n":                       "",
	} {
		if got := SnippetSettings([]byte(in)); got != want {
			t.Errorf("SnippetSettings(%q) = %q, want %q", in, got, want)
		}
	}
}
