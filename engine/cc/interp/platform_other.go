//go:build !js

package interp

// cooperative: goroutines are preempted natively (see platform_js.go).
const cooperative = false

// MaxCallDepth natively: 131072 nested calls, about 64 MB of Go stack.
const MaxCallDepth = 1 << 17
