// Package engine is the facade the UI, the CLI and the worker call:
// compile a snippet with a config, then run it, step it forward and back,
// and take snapshots from which every view is drawn (SPEC §6).
package engine
