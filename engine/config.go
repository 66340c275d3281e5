package engine

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Config is the machine a session boots (SPEC §4). The zero value is not
// valid; start from DefaultConfig.
type Config struct {
	Arch       string // "x86_64" or "i386" (i386: the physical zones DMA, Normal ≤ 896 MiB, HighMem; addresses stay x86-64's: package kernel, "arch=i386")
	RAM        uint64 // bytes, 16 MiB … 4 GiB
	Kernel     string // "6.1" or "2.0"
	ASLR       string // "off" or a decimal seed
	Overcommit int    // vm.overcommit_memory: 0, 1, 2
	Debug      bool   // a debug kernel (DEBUG_ATOMIC_SLEEP, init_on_alloc=0, KASAN-style checks)
	Stdout     string // "pipe" (fully buffered, 4096-byte buffer) or "tty" (line buffered, 1024)
	Sanitize   string // "report" (default: checks observe) or "abort" (stop at the first report, like ASan)
	MaxSteps   uint64 // step budget of one run
	// MaxMemory bounds the bytes of simulated memory the snippet may fill
	// with data (frames that are not all zero), DefaultMaxMemory when 0.
	// It is the host's limit, not a machine setting: no key sets it and
	// links do not carry it (the edge worker lowers it).
	MaxMemory uint64
}

// DefaultMaxMemory is the memory budget of the browser and the CLI: each
// simulated byte written costs a real one, and a browser tab running the
// engine as 32-bit wasm runs out of memory not far above a gigabyte.
// A snippet that writes more (on a 4 GiB machine) stops with a message.
const DefaultMaxMemory = 512 << 20

// DefaultMaxSteps bounds a run: enough for a million-iteration loop with a
// few statements per iteration, small enough that an endless loop stops in
// well under a second natively.
const DefaultMaxSteps = 50_000_000

// DefaultConfig is the configuration of SPEC §4's table, with the CLI's
// stdout (a pipe, as the oracle runs). The UI sets Stdout to "tty".
func DefaultConfig() Config {
	return Config{
		Arch:       "x86_64",
		RAM:        128 << 20,
		Kernel:     "6.1",
		ASLR:       "off",
		Overcommit: 0,
		Debug:      true,
		Stdout:     "pipe",
		Sanitize:   "report",
		MaxSteps:   DefaultMaxSteps,
	}
}

// configKeys lists the keys Set accepts, for error messages.
var configKeys = []string{"arch", "aslr", "debug", "kernel", "max-steps", "overcommit", "ram", "sanitize", "stdout"}

// Set applies one key=value setting.
func (c *Config) Set(key, value string) error {
	key = strings.TrimSpace(strings.ToLower(key))
	value = strings.TrimSpace(value)
	switch key {
	case "arch":
		if value != "x86_64" && value != "i386" {
			return fmt.Errorf("arch=%s: want x86_64 or i386", value)
		}
		c.Arch = value
	case "ram":
		n, err := parseSize(value)
		if err != nil {
			return fmt.Errorf("ram=%s: %v", value, err)
		}
		if n < 16<<20 || n > 4<<30 {
			return fmt.Errorf("ram=%s: want 16M … 4G", value)
		}
		if n%(1<<20) != 0 {
			return fmt.Errorf("ram=%s: want a whole number of MiB", value)
		}
		c.RAM = n
	case "kernel":
		if value != "6.1" && value != "2.0" {
			return fmt.Errorf("kernel=%s: want 6.1 or 2.0", value)
		}
		c.Kernel = value
	case "aslr":
		if value != "off" {
			if _, err := strconv.ParseUint(value, 10, 64); err != nil {
				return fmt.Errorf("aslr=%s: want off or a seed (a decimal number)", value)
			}
		}
		c.ASLR = value
	case "overcommit":
		switch value {
		case "0", "1", "2":
			c.Overcommit = int(value[0] - '0')
		default:
			return fmt.Errorf("overcommit=%s: want 0, 1 or 2", value)
		}
	case "debug":
		switch value {
		case "on":
			c.Debug = true
		case "off":
			c.Debug = false
		default:
			return fmt.Errorf("debug=%s: want on or off", value)
		}
	case "stdout":
		if value != "pipe" && value != "tty" {
			return fmt.Errorf("stdout=%s: want pipe or tty", value)
		}
		c.Stdout = value
	case "sanitize":
		if value != "report" && value != "abort" {
			return fmt.Errorf("sanitize=%s: want report or abort", value)
		}
		c.Sanitize = value
	case "max-steps", "max_steps", "maxsteps":
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil || n == 0 {
			return fmt.Errorf("max-steps=%s: want a positive number", value)
		}
		c.MaxSteps = n
	default:
		return fmt.Errorf("unknown setting %q (known: %s)", key, strings.Join(configKeys, ", "))
	}
	return nil
}

// Apply applies settings written as "k=v,k=v" or "k=v k=v".
func (c *Config) Apply(settings string) error {
	fields := strings.FieldsFunc(settings, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return fmt.Errorf("setting %q: want key=value", f)
		}
		if err := c.Set(k, v); err != nil {
			return err
		}
	}
	return nil
}

// SnippetSettings returns the settings of a snippet's first-line comment
// `// mmplay: arch=x86_64 ram=128M ...`, or "" when there is none.
func SnippetSettings(src []byte) string {
	line := string(src)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	rest, ok := strings.CutPrefix(line, "//")
	if !ok {
		return ""
	}
	rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "mmplay:")
	if !ok {
		return ""
	}
	return strings.TrimSpace(rest)
}

// String renders the config in the `// mmplay:` syntax, keys sorted.
func (c Config) String() string {
	m := map[string]string{
		"arch":       c.Arch,
		"ram":        formatSize(c.RAM),
		"kernel":     c.Kernel,
		"aslr":       c.ASLR,
		"overcommit": strconv.Itoa(c.Overcommit),
		"debug":      map[bool]string{true: "on", false: "off"}[c.Debug],
		"stdout":     c.Stdout,
		"sanitize":   c.Sanitize,
		"max-steps":  strconv.FormatUint(c.MaxSteps, 10),
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k + "=" + m[k])
	}
	return b.String()
}

func parseSize(s string) (uint64, error) {
	mult := uint64(1)
	switch {
	case strings.HasSuffix(s, "K"), strings.HasSuffix(s, "k"):
		mult, s = 1<<10, s[:len(s)-1]
	case strings.HasSuffix(s, "M"), strings.HasSuffix(s, "m"):
		mult, s = 1<<20, s[:len(s)-1]
	case strings.HasSuffix(s, "G"), strings.HasSuffix(s, "g"):
		mult, s = 1<<30, s[:len(s)-1]
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a size (e.g. 128M, 1G)")
	}
	if n > (1<<63)/mult {
		return 0, fmt.Errorf("too large")
	}
	return n * mult, nil
}

func formatSize(n uint64) string {
	switch {
	case n%(1<<30) == 0:
		return strconv.FormatUint(n>>30, 10) + "G"
	case n%(1<<20) == 0:
		return strconv.FormatUint(n>>20, 10) + "M"
	case n%(1<<10) == 0:
		return strconv.FormatUint(n>>10, 10) + "K"
	}
	return strconv.FormatUint(n, 10)
}
