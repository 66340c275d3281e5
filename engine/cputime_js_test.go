//go:build js

package engine

import "time"

// cpuTime: Go's js/wasm port has no CPU clock.
func cpuTime() (time.Duration, bool) { return 0, false }
