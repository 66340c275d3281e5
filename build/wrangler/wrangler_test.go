//go:build unix

// Package wrangler holds the edge worker's tests (SPEC §12 "worker
// tests"): the worker as `go run ./build worker` builds it, run by
// wrangler dev (the npm package pinned in package.json) with its local KV
// in a temporary folder, on a free loopback port, and driven over HTTP:
// the share round trip, runs, pictures, the limits and their answers. The
// determinism test also drives the playground, served by the same worker,
// in headless Chromium, and runs the CLI.
//
// Without Node.js and npm the tests say plainly that they were skipped;
// with MMPLAY_REQUIRE_WORKER set (as .ci/run sets it) that is a failure.
package wrangler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	root    string // the repository root
	baseURL string // the worker: http://127.0.0.1:PORT
	cliPath string // the CLI, built for the determinism test
	skipWhy string
	logFile string // wrangler's output
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	wd, _ := os.Getwd()
	root = filepath.Clean(filepath.Join(wd, "..", ".."))
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("MMPLAY_REQUIRE_WORKER") != "" {
				fmt.Fprintf(os.Stderr, "worker tests: %s is required here but not installed (apt-get install nodejs npm)\n", tool)
				return 1
			}
			skipWhy = "worker tests skipped: " + tool + " is not installed (apt-get install nodejs npm; .ci/run installs them)"
			fmt.Fprintln(os.Stderr, skipWhy)
			return m.Run()
		}
	}
	tmp, err := os.MkdirTemp("", "mmplay-wrangler-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker tests:", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	// Build the worker and the site the way a user does, the npm tools,
	// and the CLI.
	for _, args := range [][]string{{"run", "./build", "worker"}, {"run", "./build", "npm"},
		{"build", "-o", filepath.Join(tmp, "mmplay"), "./engine/cmd/mmplay"}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "worker tests: go %s: %v\n", strings.Join(args, " "), err)
			return 1
		}
	}
	cliPath = filepath.Join(tmp, "mmplay")

	// The ports are free when chosen, but wrangler binds them seconds
	// later, and the tests running beside these (browsers, servers) may
	// take one in between: then it tries again with others.
	stop, err := startWrangler(tmp)
	for try := 2; errors.Is(err, errPortTaken) && try <= 3; try++ {
		fmt.Fprintf(os.Stderr, "worker tests: %v; trying again with other ports (%d of 3)\n", err, try)
		stop, err = startWrangler(tmp)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker tests:", err)
		printLog()
		return 1
	}
	defer stop()
	startBrowser()
	defer stopBrowser()
	code := m.Run()
	if code != 0 {
		printLog()
	}
	return code
}

// errPortTaken: wrangler dev could not bind a port chosen for it.
var errPortTaken = errors.New("a port chosen for wrangler dev was taken before it bound it")

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startWrangler runs wrangler dev on a free port with its KV persisted
// under dir, and waits until the site answers.
func startWrangler(dir string) (stop func(), err error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	inspector, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile = filepath.Join(dir, "wrangler.log")
	lf, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	args := []string{"dev", "--local", "--ip", "127.0.0.1", "--port", strconv.Itoa(port),
		"--inspector-port", strconv.Itoa(inspector), "--persist-to", filepath.Join(dir, "state"),
		"--show-interactive-dev-session=false", "--log-level", "info"}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "wrangler"), args...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "NO_UPDATE_NOTIFIER=1", "NO_COLOR=1")
	// Its own process group: wrangler starts workerd, and stop ends both.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("wrangler dev: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); lf.Close() }()
	stop = func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}
	baseURL = "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(120 * time.Second)
	for {
		select {
		case err := <-exited:
			if b, _ := os.ReadFile(logFile); bytes.Contains(b, []byte("Address already in use")) {
				return nil, fmt.Errorf("%w (wrangler dev: %v)", errPortTaken, err)
			}
			return nil, fmt.Errorf("wrangler dev exited before it served: %v", err)
		default:
		}
		resp, err := http.Get(baseURL + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return nil, errors.New("wrangler dev did not serve the site within 120 s")
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// printLog prints the end of wrangler's output.
func printLog() {
	b, err := os.ReadFile(logFile)
	if err != nil {
		return
	}
	if len(b) > 8000 {
		b = b[len(b)-8000:]
	}
	fmt.Fprintf(os.Stderr, "--- wrangler dev's output (end) ---\n%s\n---\n", b)
}

// needWorker skips a test when the worker could not be started.
func needWorker(t testing.TB) {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
}

// client does not follow redirects: /s/{id}'s answer is what is tested.
var client = &http.Client{
	Timeout: 60 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// call sends a request to the worker and returns the status, headers and
// body.
func call(t testing.TB, method, path string, body io.Reader, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, baseURL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, b
}

func readExample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "ui", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimPrefix(b, []byte("\ufeff")))
}
