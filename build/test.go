package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// runTest runs the whole test suite, the same way on a laptop and in CI:
//
//  1. go vet ./...
//  2. go test ./... natively;
//  3. the engine's tests, and ui/view's (the share link's codec, the
//     view models: the app runs them as wasm), as GOOS=js GOARCH=wasm
//     binaries under Node, through Go's own go_js_wasm_exec (SPEC §12).
//
// Each stage's output streams through unchanged, so go test's own summary
// lines are what a reader (or CI) sees.
func runTest(args []string) error {
	fs := flag.NewFlagSet("test", flag.ExitOnError)
	short := fs.Bool("short", false, "pass -short to go test")
	noWasm := fs.Bool("nowasm", false, "skip the wasm-under-Node stage")
	fs.Parse(args)

	goroot, err := goEnv("GOROOT")
	if err != nil {
		return err
	}
	testFlags := []string{"test", "-count=1"}
	if *short {
		testFlags = append(testFlags, "-short")
	}

	if err := run(nil, "go", "vet", "./..."); err != nil {
		return fmt.Errorf("go vet: %w", err)
	}
	if err := run(nil, "go", append(testFlags, "./...")...); err != nil {
		return fmt.Errorf("native tests: %w", err)
	}
	if !*noWasm {
		if _, err := exec.LookPath("node"); err != nil {
			return fmt.Errorf("the wasm tests need Node.js on PATH (install nodejs)")
		}
		execWasm := filepath.Join(goroot, "lib", "wasm", "go_js_wasm_exec")
		env := []string{"GOOS=js", "GOARCH=wasm"}
		wasmFlags := append(append([]string{}, testFlags...), "-exec="+execWasm, "./engine/...", "./ui/view/")
		if err := run(env, "go", wasmFlags...); err != nil {
			return fmt.Errorf("wasm tests under Node: %w", err)
		}
	}
	return nil
}

func goEnv(key string) (string, error) {
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", key, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// run runs a command with extra environment variables, streaming its output.
func run(env []string, name string, args ...string) error {
	fmt.Fprintf(os.Stderr, "==> %s%s %s\n", envPrefix(env), name, strings.Join(args, " "))
	cmd := exec.Command(name, args...)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = append(os.Environ(), env...)
	return cmd.Run()
}

func envPrefix(env []string) string {
	if len(env) == 0 {
		return ""
	}
	return strings.Join(env, " ") + " "
}
