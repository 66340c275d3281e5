package view

import (
	"slices"
	"strings"
	"testing"

	"mmplay/engine"
)

// engineKeys returns the keys engine.Config.Set knows. The engine exports no
// list (its configKeys is unexported), so the test reads the keys two ways
// the engine does show them: the fields of Config.String, which renders
// every field, and the "(known: …)" list of Set's error for an unknown key.
// Both must agree with each other and with Settings. (Read from
// engine/config.go: arch, aslr, debug, kernel, max-steps, overcommit, ram,
// sanitize, stdout.)
func engineKeys(t *testing.T) []string {
	t.Helper()
	var fromString []string
	for f := range strings.FieldsSeq(engine.DefaultConfig().String()) {
		k, _, ok := strings.Cut(f, "=")
		if !ok {
			t.Fatalf("Config.String field %q is not key=value", f)
		}
		fromString = append(fromString, k)
	}
	cfg := engine.DefaultConfig()
	err := cfg.Set("no-such-key", "1")
	if err == nil {
		t.Fatal("Config.Set accepted an unknown key")
	}
	_, list, ok := strings.Cut(err.Error(), "(known: ")
	list, ok2 := strings.CutSuffix(list, ")")
	if !ok || !ok2 {
		t.Fatalf("Config.Set's error no longer lists the known keys: %v", err)
	}
	fromError := strings.Split(list, ", ")
	slices.Sort(fromString)
	slices.Sort(fromError)
	if !slices.Equal(fromString, fromError) {
		t.Fatalf("the engine's two lists of keys differ: String has %v, Set's error %v", fromString, fromError)
	}
	return fromString
}

func TestSettingsCoverEngineKeys(t *testing.T) {
	var keys []string
	for _, s := range Settings() {
		if slices.Contains(keys, s.Key) {
			t.Errorf("key %s appears twice", s.Key)
		}
		keys = append(keys, s.Key)
	}
	slices.Sort(keys)
	if want := engineKeys(t); !slices.Equal(keys, want) {
		t.Errorf("Settings() has keys %v, the engine %v", keys, want)
	}
}

func TestSettingOptionsParse(t *testing.T) {
	for _, s := range Settings() {
		if s.Label == "" || s.Help == "" || strings.Contains(s.Help, "\n") {
			t.Errorf("%s: want a label and a one-line help text", s.Key)
		}
		if len(s.Options) < 2 {
			t.Errorf("%s: want at least two options, got %v", s.Key, s.Options)
		}
		if !slices.Contains(s.Options, s.Default) {
			t.Errorf("%s: default %q is not among the options %v", s.Key, s.Default, s.Options)
		}
		for i, o := range s.Options {
			if slices.Contains(s.Options[:i], o) {
				t.Errorf("%s: option %q offered twice", s.Key, o)
			}
			cfg := engine.DefaultConfig()
			if err := cfg.Set(s.Key, o); err != nil {
				t.Errorf("%s: option %q: %v", s.Key, o, err)
			}
			// The text the form writes parses too, and fits a share link.
			text := SetKey("arch=x86_64", s.Key, o)
			cfg = engine.DefaultConfig()
			if err := cfg.Apply(text); err != nil {
				t.Errorf("%s: %q: %v", s.Key, text, err)
			}
			if err := (State{Config: text}).Validate(); err != nil {
				t.Errorf("%s: %q cannot be shared: %v", s.Key, text, err)
			}
		}
	}
}

func TestSettingDefaultsMatchEngine(t *testing.T) {
	text := ""
	for _, s := range Settings() {
		text = SetKey(text, s.Key, s.Default)
	}
	got := engine.DefaultConfig()
	if err := got.Apply(text); err != nil {
		t.Fatalf("defaults %q: %v", text, err)
	}
	want := engine.DefaultConfig()
	want.Stdout = "tty" // the UI's stdout (SPEC §4); the engine's default is the CLI's pipe
	if got != want {
		t.Errorf("the defaults give\n%+v\nwant\n%+v", got, want)
	}
}

func TestSettingsFreshSlice(t *testing.T) {
	a := Settings()
	a[0].Options[0] = "changed"
	a[0].Key = "changed"
	if b := Settings(); b[0].Key == "changed" || b[0].Options[0] == "changed" {
		t.Error("Settings shares its slices between calls")
	}
}

func TestGetKey(t *testing.T) {
	tests := []struct {
		name, config, key, want string
	}{
		{"empty config", "", "arch", ""},
		{"present", "arch=i386,ram=64M", "ram", "64M"},
		{"absent", "arch=i386,ram=64M", "kernel", ""},
		{"first of several", "arch=i386,ram=64M", "arch", "i386"},
		{"space-separated, as a // mmplay: line", "arch=i386 ram=64M\tkernel=2.0", "kernel", "2.0"},
		{"the last of a repeated key wins", "ram=64M,ram=1G", "ram", "1G"},
		{"key case and blanks ignored", "RAM=64M", " ram ", "64M"},
		{"max-steps aliases", "max_steps=100", "max-steps", "100"},
		{"alias asked for", "max-steps=100", "maxsteps", "100"},
		{"empty fields skipped", ",,arch=i386,,", "arch", "i386"},
		{"field without = ignored", "debug,debug=off", "debug", "off"},
		{"empty value", "aslr=", "aslr", ""},
		{"a key that is a prefix of another", "ramx=1,ram=2", "ram", "2"},
	}
	for _, tc := range tests {
		if got := GetKey(tc.config, tc.key); got != tc.want {
			t.Errorf("%s: GetKey(%q, %q) = %q, want %q", tc.name, tc.config, tc.key, got, tc.want)
		}
	}
}

func TestSetKey(t *testing.T) {
	tests := []struct {
		name, config, key, value, want string
	}{
		{"into empty config", "", "arch", "i386", "arch=i386"},
		{"appended", "arch=i386", "ram", "64M", "arch=i386,ram=64M"},
		{"replaced in place", "arch=i386,ram=64M,debug=off", "ram", "1G", "arch=i386,ram=1G,debug=off"},
		{"repeats collapse into the first", "ram=64M,arch=i386,ram=1G", "ram", "2G", "ram=2G,arch=i386"},
		{"spaces become commas", "arch=i386 ram=64M", "debug", "off", "arch=i386,ram=64M,debug=off"},
		{"alias replaced by the canonical key", "max_steps=5", "max-steps", "7", "max-steps=7"},
		{"key written lower case", "", "RAM", "64M", "ram=64M"},
		{"empty value removes", "arch=i386,ram=64M", "arch", "", "ram=64M"},
		{"empty value removes every repeat", "ram=1G,ram=2G", "ram", "", ""},
		{"removing an absent key changes only the separators", "arch=i386 debug=on", "ram", "", "arch=i386,debug=on"},
		{"unknown fields kept", "future=1,arch=i386", "arch", "x86_64", "future=1,arch=x86_64"},
		{"value trimmed", "", "ram", " 64M ", "ram=64M"},
	}
	for _, tc := range tests {
		got := SetKey(tc.config, tc.key, tc.value)
		if got != tc.want {
			t.Errorf("%s: SetKey(%q, %q, %q) = %q, want %q", tc.name, tc.config, tc.key, tc.value, got, tc.want)
		}
		if tc.value != "" {
			if v := GetKey(got, tc.key); v != strings.TrimSpace(tc.value) {
				t.Errorf("%s: GetKey after SetKey = %q", tc.name, v)
			}
		}
	}
}
