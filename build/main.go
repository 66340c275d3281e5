// Command build is mmplay's build tool: `go run ./build <command>`.
//
//	test    run every test: go vet, go test ./... natively, the engine's
//	        tests compiled to wasm and run under Node, and (once the UI
//	        lands) the browser tests
//	serve   build what is stale and serve the site on localhost
//	gen     generate the vugu components' Go code
//	wasm    compile the browser app
//	dist    build the whole site into dist/
//	worker  build the edge worker (and the site it serves); --dev runs it
//	        under wrangler dev
//	npm     install the pinned npm tools (wrangler) when missing or stale
//
// It is a Go program, not shell (STYLE.md habit 10), and imports none of
// the project's packages: it shells out to the Go toolchain.
package main

import (
	"fmt"
	"os"
)

func usage() {
	fmt.Fprintf(os.Stderr, `usage: go run ./build <command> [flags]

commands:
  test    run all tests (native, wasm under Node, browser)
  serve   build what is stale and serve the playground on http://localhost:8080 [--port N]
  gen     generate ui/*_gen.go from the vugu components
  wasm    compile the browser app to .build/app.wasm
  dist    build the whole site into dist/
  worker  build the edge worker into .build/worker/ (and the site into dist/)
          [--dev [--port N]: then run it locally with wrangler dev]
  npm     install the pinned npm tools (wrangler) when missing or stale
  golden  record testdata/golden/expected from real gcc + glibc
          ([--verify | --check N] [NAME...])
`)
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "test":
		err = runTest(args)
	case "serve":
		err = runServe(args)
	case "gen":
		err = withLock(func() error { return runGen(args) })
	case "wasm":
		err = withLock(func() error { return runWasm(args) })
	case "dist":
		err = withLock(func() error { return runDist(args) })
	case "worker":
		err = runWorker(args)
	case "npm":
		err = runNPM(args)
	case "golden":
		err = runGolden(args)
	case "-h", "-help", "--help", "help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "build: unknown command %q\n", cmd)
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "build %s: %v\n", cmd, err)
		os.Exit(1)
	}
}
