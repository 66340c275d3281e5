// Command build is mmplay's build tool: `go run ./build <command>`.
//
//	test    run every test: go vet, go test ./... natively, the engine's
//	        tests compiled to wasm and run under Node, and (once the UI
//	        lands) the browser tests
//	serve   build the site and serve it on localhost (the UI issue)
//
// It is a Go program, not shell (STYLE.md habit 10), and imports none of
// the project's packages: it shells out to the Go toolchain.
package main

import (
	"flag"
	"fmt"
	"os"
)

func usage() {
	fmt.Fprintf(os.Stderr, `usage: go run ./build <command> [flags]

commands:
  test    run all tests (native, wasm under Node, browser)
  serve   build the playground and serve it on http://localhost:8080
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

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	port := fs.Int("port", 8080, "port to listen on (127.0.0.1)")
	fs.Parse(args)
	_ = port
	return fmt.Errorf("the playground UI is not built yet (it comes with the UI issue); " +
		"meanwhile run snippets with: go run ./engine/cmd/mmplay run FILE.c")
}
