package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// The edge worker (SPEC §9) is built in three steps, by
// `go run ./build worker`:
//
//  1. the site, as `go run ./build dist` builds it: wrangler.toml serves
//     dist/ as the worker's static assets;
//  2. the JS glue: workers-assets-gen of github.com/syumai/workers, run
//     with `go run` at the version go.mod pins, writes worker.mjs (the
//     module Workers calls), runtime.mjs and its wasm_exec.js into
//     .build/worker/ (it empties the folder first);
//  3. the Go code: GOOS=js GOARCH=wasm go build ./wasm/worker →
//     .build/worker/app.wasm, trimmed like the app (-trimpath, -s -w).
//
// It then reports the wasm's size, raw and gzipped, against the Workers
// limits on a worker's compressed size (free plan 3 MiB, paid 10 MiB).
//
// `go run ./build worker --dev` then runs the worker locally with
// wrangler dev (the npm package pinned in package.json, installed by
// `go run ./build npm`), its KV kept in .wrangler/state.
//
// RATIONALE: wrangler is an npm package, so its version lives in
// package.json and package-lock.json like any npm dependency, and
// `npm ci` installs exactly that; the build tool runs it itself when
// node_modules is missing or older than the lock file, so a fresh clone
// needs no step by hand.

const (
	workerPkg    = "./wasm/worker"
	workerDir    = ".build/worker" // wrangler.toml's main is workerDir/worker.mjs
	workerWasm   = "app.wasm"      // the name runtime.mjs imports
	assetsGenPkg = "github.com/syumai/workers/cmd/workers-assets-gen"
	wranglerBin  = "node_modules/.bin/wrangler"
	// The Workers limits on a worker's size after compression
	// (developers.cloudflare.com/workers/platform/limits/#worker-size).
	freePlanLimit = 3 << 20
	paidPlanLimit = 10 << 20
)

// runWorker builds the worker (and the site it serves); with --dev it
// then runs it under wrangler dev.
func runWorker(args []string) error {
	fs := flag.NewFlagSet("worker", flag.ExitOnError)
	dev := fs.Bool("dev", false, "then run it locally with wrangler dev")
	port := fs.Int("port", 8787, "wrangler dev's port (127.0.0.1), with --dev")
	fs.Parse(args)
	if err := withLock(buildWorker); err != nil {
		return err
	}
	if !*dev {
		return nil
	}
	if err := ensureNPM(); err != nil {
		return err
	}
	return run(nil, wranglerBin, wranglerDevArgs(*port, filepath.Join(".wrangler", "state"))...)
}

// wranglerDevArgs are the arguments of wrangler dev on 127.0.0.1:port with
// local KV persisted in persist (the tests use the same).
func wranglerDevArgs(port int, persist string) []string {
	return []string{"dev", "--local", "--ip", "127.0.0.1", "--port", strconv.Itoa(port),
		"--persist-to", persist, "--show-interactive-dev-session=false"}
}

func buildWorker() error {
	if err := runDist(nil); err != nil {
		return err
	}
	if err := run(nil, "go", "run", assetsGenPkg, "-mode=go", "-o", workerDir); err != nil {
		return fmt.Errorf("workers-assets-gen: %w", err)
	}
	out := filepath.Join(workerDir, workerWasm)
	if err := run([]string{"GOOS=js", "GOARCH=wasm"}, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, workerPkg); err != nil {
		return err
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	gz := gzipSize(raw)
	plan := "fits the free plan (3 MiB compressed)"
	switch {
	case gz > paidPlanLimit:
		plan = "TOO BIG for any plan (10 MiB compressed)"
	case gz > freePlanLimit:
		plan = "needs the paid plan (over the free plan's 3 MiB compressed)"
	}
	fmt.Fprintf(os.Stderr, "worker: %s %s bytes (gzip -9 %s bytes = %.2f MiB): %s\n",
		out, commas(len(raw)), commas(gz), float64(gz)/(1<<20), plan)
	return nil
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// errNoNPM says that npm is missing; the worker's tests skip on it.
var errNoNPM = errors.New("npm is not installed (install Node.js 20 with npm: apt-get install nodejs npm)")

// runNPM installs the pinned npm tools when they are missing or stale.
func runNPM(args []string) error { return ensureNPM() }

// ensureNPM runs `npm ci` when node_modules is missing or older than
// package.json or package-lock.json (npm writes
// node_modules/.package-lock.json on every install).
func ensureNPM() error {
	if _, err := exec.LookPath("npm"); err != nil {
		return errNoNPM
	}
	_, err := os.Stat(wranglerBin)
	if err == nil && !stale([]string{filepath.Join("node_modules", ".package-lock.json")}, []string{"package.json", "package-lock.json"}) {
		return nil
	}
	return run(nil, "npm", "ci", "--no-audit", "--no-fund")
}
