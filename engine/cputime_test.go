//go:build !js

package engine

import (
	"syscall"
	"time"
)

// cpuTime is the process's CPU time (user + system), for benchmarks that
// report it beside the wall time: on a machine shared with other work the
// wall time counts the time the process waited for a core too.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
