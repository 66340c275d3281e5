// Command mmplay runs a snippet on the simulated machine (SPEC §6):
//
//	mmplay run [flags] FILE.c
//
// stdout and stderr carry the simulated process's own output, byte for
// byte as the real program would print them, and the exit status is the
// program's (128+signal when it dies of a signal, as a shell reports it),
// so the oracle's expected files compare directly. Compile errors go to
// stderr as FILE:line:col: message, with exit status 2.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"mmplay/engine"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usageText = `usage: mmplay run [flags] FILE.c

Runs FILE.c (a C snippet: a user program, a kernel module, or both) on the
simulated machine. stdout, stderr and the exit status are the simulated
program's own.

flags:
  --config k=v,...   machine settings (arch, ram, kernel, aslr, overcommit,
                     debug, stdout, sanitize, max-steps); they override the
                     snippet's "// mmplay:" first line
  --proc PATH        print a /proc file at the end, after a line "==> PATH <=="
                     (repeatable), e.g. /proc/self/maps, /proc/meminfo
  --dmesg            write the kernel log to stderr after the program's stderr
  --explain          add mmplay's own reports (plain-words explanations,
                     ASan/KASAN-style reports, leaks) to stderr, after everything
  --json             print the trace and final snapshot as JSON instead
  --max-steps N      the step budget (default %d)
`

type procList []string

func (p *procList) String() string     { return strings.Join(*p, ",") }
func (p *procList) Set(s string) error { *p = append(*p, s); return nil }

// run is the whole CLI; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) (status int) {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(stderr, usageText, engine.DefaultMaxSteps)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "run" {
		fmt.Fprintf(stderr, "mmplay: unknown command %q\n", args[0])
		fmt.Fprintf(stderr, usageText, engine.DefaultMaxSteps)
		return 2
	}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintf(stderr, usageText, engine.DefaultMaxSteps) }
	var procs procList
	config := fs.String("config", "", "")
	fs.Var(&procs, "proc", "")
	dmesg := fs.Bool("dmesg", false, "")
	explain := fs.Bool("explain", false, "")
	asJSON := fs.Bool("json", false, "")
	maxSteps := fs.Uint64("max-steps", 0, "")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "mmplay run: want exactly one FILE.c\n")
		return 2
	}
	file := fs.Arg(0)
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "mmplay: %v\n", err)
		return 2
	}

	cfg := engine.DefaultConfig()
	if s := engine.SnippetSettings(src); s != "" {
		if err := cfg.Apply(s); err != nil {
			fmt.Fprintf(stderr, "%s:1:1: bad // mmplay: setting: %v\n", file, err)
			return 2
		}
	}
	if err := cfg.Apply(*config); err != nil {
		fmt.Fprintf(stderr, "mmplay: --config: %v\n", err)
		return 2
	}
	if *maxSteps > 0 {
		cfg.MaxSteps = *maxSteps
	}

	prog, diags := engine.Compile(file, src, cfg)
	for _, d := range diags {
		fmt.Fprintln(stderr, d.Error())
	}
	if prog == nil {
		return 2
	}

	sess := engine.NewSession(prog)
	defer sess.Close()
	sess.CaptureProc(procs) // a module's own /proc files exist until rmmod
	res := sess.Run()

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sess.Trace()); err != nil {
			fmt.Fprintf(stderr, "mmplay: %v\n", err)
			return 1
		}
		return res.ExitStatus
	}

	stdout.Write(res.Stdout)
	for _, path := range procs {
		text, err := sess.ProcFile(path)
		if err != nil {
			var buf bytes.Buffer
			fmt.Fprintf(&buf, "mmplay: --proc %s: %v\n", path, err)
			stderr.Write(buf.Bytes())
			continue
		}
		fmt.Fprintf(stdout, "==> %s <==\n%s", path, text)
	}
	stderr.Write(res.Stderr)
	if *dmesg {
		for _, line := range res.KernelLog {
			fmt.Fprintln(stderr, line)
		}
	}
	if *explain {
		for _, r := range res.Reports {
			fmt.Fprintln(stderr, r)
		}
	}
	if res.Internal != nil {
		var ie *engine.InternalError
		if errors.As(res.Internal, &ie) {
			fmt.Fprintln(stderr, ie.Report())
		} else {
			fmt.Fprintf(stderr, "mmplay: internal error: %v\n", res.Internal)
		}
	}
	return res.ExitStatus
}
