package syntax

import (
	"fmt"
	"sort"
)

// Error is one diagnostic: a compile error, or a warning when Warning is
// set. File is the snippet's file name, or a header's name when the
// problem is inside an included header.
type Error struct {
	File    string
	Pos     Pos
	Msg     string
	Hint    string // optional plain-words advice ("user programs call malloc")
	Warning bool
}

// Error formats the diagnostic as "file:line:col: message" (or
// "line:col: message" without a file), with "warning: " before warnings.
func (e Error) Error() string {
	s := e.Msg
	if e.Warning {
		s = "warning: " + s
	}
	if e.Pos.IsValid() {
		s = e.Pos.String() + ": " + s
	}
	if e.File != "" {
		s = e.File + ":" + s
	}
	if e.Hint != "" {
		s += " (hint: " + e.Hint + ")"
	}
	return s
}

// ErrorList collects diagnostics in the order they were found.
type ErrorList []Error

// Add appends an error.
func (l *ErrorList) Add(file string, pos Pos, format string, args ...any) {
	*l = append(*l, Error{File: file, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Warn appends a warning.
func (l *ErrorList) Warn(file string, pos Pos, format string, args ...any) {
	*l = append(*l, Error{File: file, Pos: pos, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// HasErrors reports whether the list holds anything but warnings.
func (l ErrorList) HasErrors() bool {
	for _, e := range l {
		if !e.Warning {
			return true
		}
	}
	return false
}

// Sort orders the diagnostics by file (the snippet's own errors keep
// their relative order with header errors) and position, stably.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].File != l[j].File {
			return false
		}
		a, b := l[i].Pos, l[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
