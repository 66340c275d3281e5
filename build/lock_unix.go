//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// withLock runs f holding an exclusive lock on .build/lock, so that two
// builds started at once (the browser tests and the worker's tests both
// build dist/, and go test runs packages in parallel) take turns instead
// of writing the same files together. The kernel drops the lock when the
// process ends, however it ends.
func withLock(f func() error) error {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	name := filepath.Join(cacheDir, "lock")
	lf, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lf.Close()
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fmt.Fprintf(os.Stderr, "build: waiting for another build to finish (%s)\n", name)
		if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX); err != nil {
			return fmt.Errorf("lock %s: %w", name, err)
		}
	}
	return f()
}
