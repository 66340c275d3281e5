package view

import (
	"strconv"
	"strings"

	"mmplay/engine"
)

// A snippet's own settings, its first line `// mmplay: arch=i386 ram=64M`,
// are read by engine.SnippetSettings; this package does not repeat it. GetKey
// and SetKey read that space-separated form as well as the form's commas.

// Setting is one row of the settings form: a key of engine.Config.Set with
// what the reader sees of it.
type Setting struct {
	Key     string   // the key in "k=v" config text, as engine.Config.Set spells it
	Label   string   // the form's label, a few words
	Help    string   // one line under the control
	Options []string // the values offered; each one engine.Config.Set accepts
	Default string   // the value of a session that does not set Key; one of Options
}

// Settings returns the form's rows in the order the form shows them: the
// machine (arch, kernel, ram), then its behaviour (debug, overcommit, aslr),
// then the run (stdout, sanitize, max-steps). It covers every key
// engine.Config.Set accepts (the test checks this against the engine). The
// slice is new on every call; callers may keep or change it.
//
// Defaults come from engine.DefaultConfig, except stdout: the engine's
// default is the CLI's "pipe", and the UI runs with "tty" (SPEC §4).
func Settings() []Setting {
	def := configFields(engine.DefaultConfig().String())
	return []Setting{
		{
			Key:     "arch",
			Label:   "Architecture",
			Help:    "x86_64: 4 KiB pages, 4-level paging; i386: 32-bit, 896 MiB of lowmem, the rest HIGHMEM",
			Options: []string{"x86_64", "i386"},
			Default: def["arch"],
		},
		{
			Key:     "kernel",
			Label:   "Kernel",
			Help:    "6.1: SLUB and today's buddy allocator; 2.0: the Linux Device Drivers era (power-of-two kmalloc up to 128 KiB)",
			Options: []string{"6.1", "2.0"},
			Default: def["kernel"],
		},
		{
			Key:     "ram",
			Label:   "RAM",
			Help:    "physical memory of the machine, 16M to 4G in whole MiB",
			Options: []string{"16M", "32M", "64M", "128M", "256M", "512M", "1G", "2G", "4G"},
			Default: def["ram"],
		},
		{
			Key:     "debug",
			Label:   "Debug kernel",
			Help:    "on: sleep-in-atomic reports, KASAN-style checks, kmalloc returns old bytes; off: stock Debian 6.1, allocations zeroed",
			Options: []string{"on", "off"},
			Default: def["debug"],
		},
		{
			Key:     "overcommit",
			Label:   "Overcommit",
			Help:    "vm.overcommit_memory: 0 heuristic, 1 always, 2 never",
			Options: []string{"0", "1", "2"},
			Default: def["overcommit"],
		},
		{
			Key:     "aslr",
			Label:   "ASLR",
			Help:    "off: the same addresses every run; a number: addresses randomized from that seed",
			Options: []string{"off", "1", "2", "3"},
			Default: def["aslr"],
		},
		{
			Key:     "stdout",
			Label:   "stdout",
			Help:    "tty: line buffered (1024-byte buffer); pipe: fully buffered (4096 bytes), as the CLI runs",
			Options: []string{"tty", "pipe"},
			Default: "tty",
		},
		{
			Key:     "sanitize",
			Label:   "On a memory error",
			Help:    "report: note each bad access and go on; abort: stop at the first, as ASan does",
			Options: []string{"report", "abort"},
			Default: def["sanitize"],
		},
		{
			Key:     "max-steps",
			Label:   "Step budget",
			Help:    "steps a run may take before it is stopped, so an endless loop ends",
			Options: []string{"1000000", "10000000", strconv.FormatUint(engine.DefaultMaxSteps, 10), "200000000", "1000000000"},
			Default: def["max-steps"],
		},
	}
}

// configFields returns the key=value fields of config text as a map, by the
// rules of GetKey.
func configFields(config string) map[string]string {
	m := map[string]string{}
	for _, f := range splitConfig(config) {
		if k, v, ok := strings.Cut(f, "="); ok {
			m[canonicalKey(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// GetKey returns the value key has in config text ("k=v,k=v"; spaces and
// tabs separate fields too, as in a `// mmplay:` line), or "" when config
// does not set it. Keys match as engine.Config.Set matches them: case and
// surrounding blanks ignored, max_steps and maxsteps meaning max-steps. When
// a key appears twice the last one wins, as it does when the engine applies
// the text.
func GetKey(config, key string) string {
	key = canonicalKey(key)
	val := ""
	for _, f := range splitConfig(config) {
		if k, v, ok := strings.Cut(f, "="); ok && canonicalKey(k) == key {
			val = strings.TrimSpace(v)
		}
	}
	return val
}

// SetKey returns config with key set to value, written back as "k=v,k=v":
// the first field of key is replaced in place, later ones are dropped, and
// a key config lacks is appended. An empty value removes key, so the
// session's default applies. Other fields are kept as they are, in order,
// even ones the engine will reject: this edits text, it does not validate
// it (engine.Config.Apply does).
func SetKey(config, key, value string) string {
	ck := canonicalKey(key)
	value = strings.TrimSpace(value)
	fields := splitConfig(config)
	out := fields[:0]
	done := value == ""
	for _, f := range fields {
		if k, _, ok := strings.Cut(f, "="); ok && canonicalKey(k) == ck {
			if !done {
				out = append(out, ck+"="+value)
				done = true
			}
			continue
		}
		out = append(out, f)
	}
	if !done {
		out = append(out, ck+"="+value)
	}
	return strings.Join(out, ",")
}

// splitConfig splits config text into fields as engine.Config.Apply does:
// at commas, spaces and tabs, dropping empty fields.
func splitConfig(config string) []string {
	return strings.FieldsFunc(config, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// canonicalKey spells a key as Settings does, folding the forms
// engine.Config.Set accepts for the same key (compare its switch).
func canonicalKey(k string) string {
	k = strings.ToLower(strings.TrimSpace(k))
	switch k {
	case "max_steps", "maxsteps":
		return "max-steps"
	}
	return k
}
