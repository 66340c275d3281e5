package glibc

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The differential test against the real glibc on this machine.
//
//	go test ./engine/glibc -run TestDifferential -record   (needs gcc; rewrites testdata/glibc)
//	go test ./engine/glibc -run TestDifferentialLive -live 300   (needs gcc; checks 300 fresh traces)
//
// A normal run compares the model with the recorded golden files only.
var (
	record = flag.Bool("record", false, "record testdata/glibc/*.out from the real glibc (needs gcc)")
	live   = flag.Int("live", 0, "run this many fresh random traces against the real glibc (needs gcc)")
)

const goldenDir = "../../testdata/glibc"

// profile shapes a random trace like the oracle's gen_random.py profiles.
type profile struct {
	name      string
	slots     int
	ops       int
	maxSmall  int64 // ordinary sizes are 1..maxSmall
	largeProb float64
	optProb   float64
}

var profiles = []profile{
	{"small", 12, 80, 512, 0, 0},
	{"mixed", 16, 150, 6000, 0.03, 0},
	{"large", 10, 120, 3000, 0.15, 0.02},
	{"opts", 12, 150, 1500, 0.05, 0.06},
}

// genTrace writes a random trace: malloc/calloc/realloc/free on slots,
// some large sizes around the mmap threshold, mallopt and malloc_trim now
// and then. The same seed gives the same trace.
func genTrace(pr profile, seed int64) string {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	full := make([]bool, pr.slots)
	size := func() int64 {
		if r.Float64() < pr.largeProb {
			// around the mmap threshold and the dynamic thresholds; never a
			// multiple of 2 MiB (the kernel aligns those, see the oracle README)
			return 100000 + r.Int63n(300000)
		}
		if r.Intn(4) == 0 {
			return r.Int63n(160)
		}
		return 1 + r.Int63n(pr.maxSmall)
	}
	for i := 0; i < pr.ops; i++ {
		if r.Float64() < pr.optProb {
			switch r.Intn(7) {
			case 0:
				fmt.Fprintf(&b, "mallopt(M_MXFAST, %d);\n", []int{0, 32, 64, 128, 160}[r.Intn(5)])
			case 1:
				fmt.Fprintf(&b, "mallopt(M_TRIM_THRESHOLD, %d);\n", []int{-1, 0, 4096, 65536, 262144}[r.Intn(5)])
			case 2:
				fmt.Fprintf(&b, "mallopt(M_TOP_PAD, %d);\n", []int{0, 4096, 100000, 1 << 20}[r.Intn(4)])
			case 3:
				fmt.Fprintf(&b, "mallopt(M_MMAP_THRESHOLD, %d);\n", []int{4096, 65536, 200000, 1 << 20}[r.Intn(4)])
			case 4:
				fmt.Fprintf(&b, "mallopt(M_MMAP_MAX, %d);\n", []int{0, 1, 65536}[r.Intn(3)])
			case 5:
				fmt.Fprintf(&b, "malloc_trim(%d);\n", []int{0, 4096, 131072}[r.Intn(3)])
			case 6:
				fmt.Fprintf(&b, "mallopt(M_PERTURB, %d);\n", []int{0, 0x5a}[r.Intn(2)])
			}
			continue
		}
		s := r.Intn(pr.slots)
		if !full[s] {
			switch r.Intn(6) {
			case 0:
				fmt.Fprintf(&b, "s[%d] = calloc(%d, %d);\n", s, 1+r.Intn(8), size()/4+1)
			case 1:
				fmt.Fprintf(&b, "s[%d] = realloc(s[%d], %d);\n", s, s, size())
			default:
				fmt.Fprintf(&b, "s[%d] = malloc(%d);\n", s, size())
			}
			fmt.Fprintf(&b, "rec(s[%d]);\n", s)
			full[s] = true
			continue
		}
		switch r.Intn(5) {
		case 0, 1:
			fmt.Fprintf(&b, "free(s[%d]);\ns[%d] = NULL;\n", s, s)
			full[s] = false
		case 2:
			fmt.Fprintf(&b, "s[%d] = realloc(s[%d], %d);\n", s, s, size())
			fmt.Fprintf(&b, "rec(s[%d]);\n", s)
		case 3:
			fmt.Fprintf(&b, "free(s[%d]);\ns[%d] = malloc(%d);\n", s, s, size())
			fmt.Fprintf(&b, "rec(s[%d]);\n", s)
		default:
			if r.Intn(10) == 0 {
				// realloc(p, 0) frees and returns NULL
				fmt.Fprintf(&b, "s[%d] = realloc(s[%d], 0);\nrec(s[%d]);\n", s, s, s)
				full[s] = false
			} else {
				fmt.Fprintf(&b, "free(s[%d]);\ns[%d] = calloc(%d, %d);\nrec(s[%d]);\n", s, s, 1+r.Intn(4), size()/2+1, s)
			}
		}
	}
	return b.String()
}

// realGlibc compiles and runs a trace program with gcc -O0 and the real
// glibc, stdout on a pipe, in an empty environment (as oracle/run.sh).
func realGlibc(t *testing.T, dir, prog string) string {
	t.Helper()
	c := filepath.Join(dir, "t.c")
	bin := filepath.Join(dir, "t")
	if err := os.WriteFile(c, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	inc, _ := filepath.Abs(filepath.Join(oracleDir, ".."))
	if out, err := exec.Command("gcc", "-O0", "-w", "-I"+inc, "-o", bin, c).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	cmd := exec.Command("bash", "-c", `ulimit -s 8192; exec env -i "$0"`, bin)
	out, err := cmd.Output() // stdout is a pipe
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return string(out)
}

func needGcc(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not found")
	}
	if _, err := os.Stat(filepath.Join(oracleDir, "../oracle.h")); err != nil {
		t.Skip("oracle.h not found")
	}
}

func countSlots(body string) (slots, nrec int) {
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "rec(") {
			nrec++
		}
		if i := strings.Index(line, "s["); i >= 0 {
			var n int
			fmt.Sscanf(line[i+2:], "%d", &n)
			if n+1 > slots {
				slots = n + 1
			}
		}
	}
	return
}

// TestDifferential compares the model with the recorded real-glibc output
// of every testdata/glibc/*.trace (with -record: records them first).
func TestDifferential(t *testing.T) {
	if *record {
		needGcc(t)
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for i, pr := range profiles {
			for j := 0; j < 10; j++ {
				seed := int64(1000*(i+1) + j)
				body := genTrace(pr, seed)
				slots, nrec := countSlots(body)
				out := realGlibc(t, dir, traceCProgram(body, slots, nrec))
				name := filepath.Join(goldenDir, fmt.Sprintf("%s-%d", pr.name, seed))
				if err := os.WriteFile(name+".trace", []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(name+".out", []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(goldenDir, "*.trace"))
	if len(files) == 0 {
		t.Skip("no recorded traces in " + goldenDir)
	}
	sort.Strings(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".trace")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".trace") + ".out")
			if err != nil {
				t.Fatal(err)
			}
			ops, _, err := parseTrace(string(body))
			if err != nil {
				t.Fatal(err)
			}
			got, gotErr := runTrace(ops, checkEvery(t))
			compareOutput(t, got, gotErr, string(want), "")
		})
	}
}

// TestDifferentialLive checks -live fresh traces against the real glibc.
func TestDifferentialLive(t *testing.T) {
	if *live == 0 {
		t.Skip("use -live N")
	}
	needGcc(t)
	dir := t.TempDir()
	bad := 0
	for n := 0; n < *live && bad < 5; n++ {
		pr := profiles[n%len(profiles)]
		seed := int64(1_000_000 + n)
		body := genTrace(pr, seed)
		liveDesc = fmt.Sprintf("%s seed %d: ", pr.name, seed)
		slots, nrec := countSlots(body)
		want := realGlibc(t, dir, traceCProgram(body, slots, nrec))
		ops, _, err := parseTrace(body)
		if err != nil {
			t.Fatal(err)
		}
		got, gotErr := runTrace(ops, checkEvery(t))
		if got != want || gotErr != "" {
			bad++
			os.WriteFile(filepath.Join(os.TempDir(), fmt.Sprintf("glibc-diff-%s-%d.trace", pr.name, seed)), []byte(body), 0o644)
			t.Errorf("%s seed %d differs (trace saved in %s)", pr.name, seed, os.TempDir())
			gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
			for i := 0; i < len(gl) && i < len(wl); i++ {
				if gl[i] != wl[i] {
					t.Errorf("  first difference at line %d: got %q want %q (stderr %q)", i+1, gl[i], wl[i], gotErr)
					break
				}
			}
		}
	}
}
