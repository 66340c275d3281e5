package kernel

import (
	"fmt"
	"strings"

	"mmplay/engine/arch"
)

// Log levels (include/linux/kern_levels.h): KERN_SOH "\001" followed by the
// level digit; 'c' is KERN_CONT, 'd' KERN_DEFAULT.
const (
	LogEmerg   = 0
	LogAlert   = 1
	LogCrit    = 2
	LogErr     = 3
	LogWarning = 4
	LogNotice  = 5
	LogInfo    = 6
	LogDebug   = 7
	// DefaultLoglevel is CONFIG_MESSAGE_LOGLEVEL_DEFAULT (4 in Debian's
	// config and the upstream default): the level of a printk without one.
	DefaultLoglevel = LogWarning
	kernSOH         = '\001'
)

// tickPerLine is how far the fake monotonic clock moves for every stored
// line: 1 µs, so that stamps strictly increase. The integrator may move it
// further with AdvanceClock (e.g. per interpreter step).
const tickPerLine = 1000

// bootClock is the fake time of the first line after boot: a small VM
// reaches user space about 1.3 s after power-on (modelled).
const bootClock = 1_300_000_000

// LogLine is one record of the kernel log (struct printk_record, cut down).
type LogLine struct {
	Level int    // 0 … 7
	Text  string // the message, without the level prefix and newline
	Nsec  uint64 // fake monotonic timestamp (local_clock), nanoseconds
	// open is true while the line did not end with a newline, so a
	// KERN_CONT printk may still append to it.
	open bool
}

// Stamped returns the line as the console prints it with printk.time=1:
// "[%5lu.%06lu] " (kernel/printk/printk.c:print_time) then the text.
func (l LogLine) Stamped() string {
	return fmt.Sprintf("[%5d.%06d] %s", l.Nsec/1e9, l.Nsec%1e9/1e3, l.Text)
}

// Log is the kernel ring buffer (unbounded in the model: a snippet's log is
// small, and the engine's output budget caps it).
//
// Invariant: Nsec strictly increases along lines; only the last line may
// be open.
type Log struct {
	lines []LogLine
	clock uint64
}

func (l *Log) init() { l.clock = bootClock }

func (l *Log) check() error {
	for i := range l.lines {
		if i > 0 && l.lines[i].Nsec <= l.lines[i-1].Nsec {
			return fmt.Errorf("kernel: log line %d stamp %d not after %d", i, l.lines[i].Nsec, l.lines[i-1].Nsec)
		}
		if l.lines[i].open && i != len(l.lines)-1 {
			return fmt.Errorf("kernel: log line %d open but not last", i)
		}
	}
	return nil
}

// AdvanceClock moves the fake monotonic clock forward by ns nanoseconds.
func (k *Kernel) AdvanceClock(ns uint64) { k.log.clock += ns }

// Clock is the fake local_clock() in nanoseconds.
func (k *Kernel) Clock() uint64 { return k.log.clock }

// Dmesg returns the log as --dmesg prints it: one message per line, no
// timestamps (dmesg -t).
func (k *Kernel) Dmesg() []string {
	out := make([]string, len(k.log.lines))
	for i, l := range k.log.lines {
		out[i] = l.Text
	}
	return out
}

// LogLines returns the records with their levels and fake timestamps (for
// the UI's console).
func (k *Kernel) LogLines() []LogLine { return append([]LogLine(nil), k.log.lines...) }

// printkLevel splits a KERN_* prefix off s (printk_parse_prefix): the level
// (-1 for none), whether it was KERN_CONT, and the rest.
func printkLevel(s string) (level int, cont bool, rest string) {
	level = -1
	for len(s) >= 2 && s[0] == kernSOH {
		switch c := s[1]; {
		case c >= '0' && c <= '7':
			if level < 0 {
				level = int(c - '0')
			}
		case c == 'c':
			cont = true
		case c == 'd':
		default:
			return level, cont, s
		}
		s = s[2:]
	}
	return level, cont, s
}

// Printk stores an already formatted message (with an optional KERN_*
// prefix) in the log, as vprintk_store does: a KERN_CONT message appends to
// an open last line; a trailing newline closes the line; embedded newlines
// start new lines at the same level (dmesg shows them as separate lines).
// Every finished line is an EvPrintk event. It returns the number of bytes
// of text stored, as printk returns.
func (k *Kernel) Printk(msg string) int {
	level, cont, text := printkLevel(msg)
	n := len(text)
	if level < 0 {
		level = DefaultLoglevel
	}
	last := len(k.log.lines) - 1
	if cont && last >= 0 && k.log.lines[last].open {
		k.log.lines[last].Text += firstLine(text)
		text = text[len(firstLine(text)):]
		if strings.HasPrefix(text, "\n") {
			k.log.lines[last].open = false
			k.emitLine(last)
			text = text[1:]
		}
		if text == "" {
			return n
		}
		level = k.log.lines[last].Level
	} else if last >= 0 && k.log.lines[last].open {
		// A new message closes the previous open line (LOG_NEWLINE).
		k.log.lines[last].open = false
		k.emitLine(last)
	}
	for {
		line := firstLine(text)
		text = text[len(line):]
		k.log.clock += tickPerLine
		k.log.lines = append(k.log.lines, LogLine{Level: level, Text: line, Nsec: k.log.clock, open: true})
		if text == "" {
			break // no newline: the line stays open for KERN_CONT
		}
		k.log.lines[len(k.log.lines)-1].open = false
		k.emitLine(len(k.log.lines) - 1)
		text = text[1:]
		if text == "" {
			break
		}
	}
	return n
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (k *Kernel) emitLine(i int) {
	k.record(arch.Event{Kind: arch.EvPrintk, Detail: k.log.lines[i].Text})
}

// FlushLog closes an open last line (the console flushes it when the next
// message arrives or at the end of the run).
func (k *Kernel) FlushLog() {
	if last := len(k.log.lines) - 1; last >= 0 && k.log.lines[last].open {
		k.log.lines[last].open = false
		k.emitLine(last)
	}
}

// pr prints one line at a level with the kernel's own format (for the
// kernel's messages, which are Go strings, not snippet formats).
func (k *Kernel) pr(level int, format string, args ...any) {
	k.Printk(string([]byte{kernSOH, byte('0' + level)}) + fmt.Sprintf(format, args...) + "\n")
}
