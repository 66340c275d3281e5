package main

// golden: record, verify and check mmplay's own golden C programs against the
// real gcc and glibc of this machine.
//
//	go run ./build golden [NAME...]             compile + run, (re)write expected/ files
//	go run ./build golden --verify [NAME...]    run once, compare with expected/ files
//	go run ./build golden --check N [NAME...]   run N times, report output that varies
//
// The programs are testdata/golden/cases/NAME.c; the results go to
// testdata/golden/expected/NAME.out (stdout bytes, always written) and
// NAME.err (stderr bytes, then a status line; only when stderr is non-empty
// or the exit status is not 0).  A NAME argument may be a full case name,
// its number ("007") or a path to the .c file.
//
// Each program is compiled and run exactly as /work/shared/oracle/run.sh
// does, so the files have the same meaning as the oracle's:
//
//  1. gcc -O0 -w -o BIN NAME.c, in testdata/golden/cases (so __FILE__ is
//     "NAME.c"; BIN's last name is NAME, glibc's __progname)
//  2. sh -c 'ulimit -s 8192; ulimit -c 0; exec env -i BIN': an empty
//     environment (no GLIBC_TUNABLES or MALLOC_* leak in), an 8 MiB stack
//     limit (an unlimited one makes the kernel use the legacy bottom-up mmap
//     layout) and no core dumps;
//  3. stdout is a pipe (so glibc's stdout is fully buffered and its buffer is
//     a malloc(4096)), stderr is captured separately;
//  4. the .err file is stderr, a newline added if it did not end in one, and
//     then "== killed by signal N (SIGNAME)" or "== exit status N".
//
// The expected files are the real machine's answer: they are never edited
// by hand, and a program whose output varies between runs (--check) does
// not belong in the set.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// goldenDir is the golden set, relative to the module root.
const goldenDir = "testdata/golden"

// goldenTimeout bounds one run of one program; the programs take
// milliseconds, so a run that reaches it is a bug in the program.
const goldenTimeout = 20 * time.Second

// goldenResult is what one run of a program produced, in the form of the
// expected files: out is stdout; err is the .err content, nil when there is
// no .err file (empty stderr and exit status 0).
type goldenResult struct {
	out []byte
	err []byte
}

func (r goldenResult) equal(s goldenResult) bool {
	return bytes.Equal(r.out, s.out) && (r.err == nil) == (s.err == nil) && bytes.Equal(r.err, s.err)
}

func runGolden(args []string) error {
	mode := "write"
	runs := 1
	var names []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--verify" || a == "-verify":
			mode = "verify"
		case a == "--check" || a == "-check":
			if i+1 >= len(args) {
				return fmt.Errorf("--check needs a count")
			}
			i++
			n, err := strconv.Atoi(args[i])
			if err != nil || n < 1 {
				return fmt.Errorf("--check needs a positive count, not %q", args[i])
			}
			mode, runs = "check", n
		case strings.HasPrefix(a, "--check=") || strings.HasPrefix(a, "-check="):
			n, err := strconv.Atoi(a[strings.IndexByte(a, '=')+1:])
			if err != nil || n < 1 {
				return fmt.Errorf("--check needs a positive count, not %q", a)
			}
			mode, runs = "check", n
		case a == "-h" || a == "-help" || a == "--help":
			fmt.Fprint(os.Stderr, goldenUsage)
			return nil
		case strings.HasPrefix(a, "-"):
			fmt.Fprint(os.Stderr, goldenUsage)
			return fmt.Errorf("unknown option %s", a)
		default:
			names = append(names, a)
		}
	}

	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return fmt.Errorf("gcc is not installed (not found on PATH): the golden files are " +
			"recorded from the real gcc and glibc (Debian 12: apt-get install gcc)")
	}
	root, err := goldenModuleRoot()
	if err != nil {
		return err
	}
	casesDir := filepath.Join(root, goldenDir, "cases")
	expDir := filepath.Join(root, goldenDir, "expected")
	cases, err := goldenCases(casesDir, names)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "mmplay-golden-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if mode == "write" {
		if err := os.MkdirAll(expDir, 0o755); err != nil {
			return err
		}
	}

	bad := 0
	for _, name := range cases {
		bin := filepath.Join(work, name)
		// compiled from its directory by its bare name, so that __FILE__
		// is "NAME.c" wherever the repository is
		cc := exec.Command(gcc, "-O0", "-w", "-o", bin, name+".c")
		cc.Dir = casesDir
		cc.Stdout, cc.Stderr = os.Stderr, os.Stderr
		if err := cc.Run(); err != nil {
			fmt.Printf("FAIL  %s: does not compile (%v)\n", name, err)
			bad++
			continue
		}
		exp := filepath.Join(expDir, name)
		switch mode {
		case "write":
			r, err := goldenRun(bin)
			if err != nil {
				fmt.Printf("FAIL  %s: %v\n", name, err)
				bad++
				continue
			}
			if err := os.WriteFile(exp+".out", r.out, 0o644); err != nil {
				return err
			}
			note := ""
			if r.err != nil {
				if err := os.WriteFile(exp+".err", r.err, 0o644); err != nil {
					return err
				}
				note = " + .err"
			} else if err := os.Remove(exp + ".err"); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			fmt.Printf("wrote %s/expected/%s.out%s\n", goldenDir, name, note)
		case "verify":
			want, err := goldenReadExpected(exp)
			if err != nil {
				fmt.Printf("FAIL  %s: %v\n", name, err)
				bad++
				continue
			}
			got, err := goldenRun(bin)
			if err != nil {
				fmt.Printf("FAIL  %s: %v\n", name, err)
				bad++
				continue
			}
			if got.equal(want) {
				fmt.Printf("ok    %s\n", name)
			} else {
				fmt.Printf("DIFF  %s (expected vs this run)\n", name)
				goldenDiff(want, got)
				bad++
			}
		case "check":
			first, err := goldenRun(bin)
			if err != nil {
				fmt.Printf("FAIL  %s: %v\n", name, err)
				bad++
				continue
			}
			same := true
			for i := 1; i < runs && same; i++ {
				r, err := goldenRun(bin)
				if err != nil {
					fmt.Printf("FAIL  %s: %v\n", name, err)
					same = false
				} else if !r.equal(first) {
					fmt.Printf("NONDETERMINISTIC %s (run 0 vs run %d)\n", name, i)
					goldenDiff(first, r)
					same = false
				}
			}
			if same {
				fmt.Printf("ok    %s (%d identical runs)\n", name, runs)
			} else {
				bad++
			}
		}
	}
	if mode != "write" {
		fmt.Printf("%d of %d cases ok\n", len(cases)-bad, len(cases))
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d cases failed", bad, len(cases))
	}
	return nil
}

const goldenUsage = `usage: go run ./build golden [--verify | --check N] [NAME...]

Compiles each testdata/golden/cases/NAME.c with gcc -O0 -w, runs it like
/work/shared/oracle/run.sh (env -i, 8 MiB stack, no core, stdout a pipe) and
  (default)   writes testdata/golden/expected/NAME.out and, when stderr is
              non-empty or the status is not 0, NAME.err
  --verify    runs each once and compares with the expected files
  --check N   runs each N times and reports output that varies
NAME may be a full name (007-pointers), a number (007) or a path to the .c.
`

// goldenModuleRoot finds the directory holding go.mod, from the current
// directory upward (go run ./build runs in the module root, but a user may
// be deeper).
func goldenModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the current directory: run from inside the mmplay module")
		}
		dir = parent
	}
}

// goldenCases lists the case names in dir, sorted, keeping only those that
// match one of names (all when names is empty).  A name matches a case equal
// to it or starting with it followed by '-'; each name must match something.
func goldenCases(dir string, names []string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.c"))
	if err != nil {
		return nil, err
	}
	var all []string
	for _, f := range files {
		all = append(all, strings.TrimSuffix(filepath.Base(f), ".c"))
	}
	sort.Strings(all)
	if len(all) == 0 {
		return nil, fmt.Errorf("no programs in %s", dir)
	}
	if len(names) == 0 {
		return all, nil
	}
	var picked []string
	seen := map[string]bool{}
	for _, n := range names {
		w := strings.TrimSuffix(filepath.Base(n), ".c")
		found := false
		for _, c := range all {
			if c == w || strings.HasPrefix(c, w+"-") {
				found = true
				if !seen[c] {
					seen[c] = true
					picked = append(picked, c)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("no program %q in %s", n, dir)
		}
	}
	sort.Strings(picked)
	return picked, nil
}

// goldenRun runs the compiled program bin once, the way run.sh does.
func goldenRun(bin string) (goldenResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), goldenTimeout)
	defer cancel()
	// The shell sets the limits and then execs env, which execs the
	// program: the process we wait for is the program itself, so its
	// status is the program's own (signal or exit code).
	cmd := exec.CommandContext(ctx, "sh", "-c", `ulimit -s 8192; ulimit -c 0; exec env -i "$0"`, bin)
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = []string{"PATH=/usr/bin:/bin"} // for sh to find env; env -i clears it
	// A bytes.Buffer is not an *os.File, so os/exec connects the program's
	// stdout and stderr to pipes and copies from them: stdout is a pipe, as
	// with run.sh's "| cat".
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return goldenResult{}, fmt.Errorf("still running after %v, killed", goldenTimeout)
	}
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return goldenResult{}, fmt.Errorf("cannot run: %v", runErr)
	}
	status := ""
	if exit != nil {
		ws, ok := exit.Sys().(interface {
			Signaled() bool
			Signal() syscall.Signal
		})
		switch {
		case ok && ws.Signaled():
			n := int(ws.Signal())
			status = fmt.Sprintf("== killed by signal %d (SIG%s)\n", n, goldenSigName(n))
		default:
			status = fmt.Sprintf("== exit status %d\n", exit.ExitCode())
		}
	}
	r := goldenResult{out: stdout.Bytes()}
	if stderr.Len() > 0 || status != "" {
		e := stderr.Bytes()
		if len(e) > 0 && e[len(e)-1] != '\n' {
			e = append(e, '\n')
		}
		if status == "" {
			status = "== exit status 0\n"
		}
		r.err = append(e, status...)
	}
	return r, nil
}

// goldenSigName is the name bash's `kill -l N` prints (without SIG) for
// the Linux x86-64 signal numbers.
func goldenSigName(n int) string {
	names := []string{1: "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
		"USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP",
		"TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO",
		"PWR", "SYS"}
	if n > 0 && n < len(names) {
		return names[n]
	}
	return strconv.Itoa(n)
}

// goldenReadExpected reads NAME.out and, if present, NAME.err.
func goldenReadExpected(exp string) (goldenResult, error) {
	out, err := os.ReadFile(exp + ".out")
	if err != nil {
		return goldenResult{}, fmt.Errorf("no expected output (record it first): %v", err)
	}
	r := goldenResult{out: out}
	e, err := os.ReadFile(exp + ".err")
	switch {
	case err == nil:
		r.err = e
	case !errors.Is(err, os.ErrNotExist):
		return goldenResult{}, err
	}
	return r, nil
}

// goldenDiff prints the first differing lines of stdout and of the .err
// content of two results, a and b.
func goldenDiff(a, b goldenResult) {
	goldenDiffText("stdout", a.out, b.out)
	switch {
	case a.err == nil && b.err == nil:
	case a.err == nil:
		fmt.Printf("      .err: none vs %q\n", b.err)
	case b.err == nil:
		fmt.Printf("      .err: %q vs none\n", a.err)
	default:
		goldenDiffText(".err", a.err, b.err)
	}
}

func goldenDiffText(what string, a, b []byte) {
	if bytes.Equal(a, b) {
		return
	}
	al := strings.SplitAfter(string(a), "\n")
	bl := strings.SplitAfter(string(b), "\n")
	shown := 0
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x == y {
			continue
		}
		fmt.Printf("      %s line %d:\n        - %q\n        + %q\n", what, i+1, x, y)
		if shown++; shown == 5 {
			fmt.Printf("      ...\n")
			return
		}
	}
}
