package glibc

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A trace is the body of an oracle random-trace program: one C statement
// per line on slots s[i] (see oracle/public/cases/045-random-small.c).
// The same text is the .trace golden file and, wrapped by traceCProgram,
// the C program that records the real glibc's answers.

type traceOp struct {
	kind byte // m malloc, c calloc, r realloc, f free, n s[i]=NULL, R rec, o mallopt, t malloc_trim
	slot int
	a, b int64
}

var (
	reMalloc  = regexp.MustCompile(`^s\[(\d+)\] = malloc\((\d+)\);$`)
	reCalloc  = regexp.MustCompile(`^s\[(\d+)\] = calloc\((\d+), (\d+)\);$`)
	reRealloc = regexp.MustCompile(`^s\[(\d+)\] = realloc\(s\[(\d+)\], (\d+)\);$`)
	reFree    = regexp.MustCompile(`^free\(s\[(\d+)\]\);$`)
	reNull    = regexp.MustCompile(`^s\[(\d+)\] = NULL;$`)
	reRec     = regexp.MustCompile(`^rec\(s\[(\d+)\]\);$`)
	reMallopt = regexp.MustCompile(`^mallopt\((M_[A-Z_]+), (-?\d+)\);$`)
	reTrim    = regexp.MustCompile(`^malloc_trim\((\d+)\);$`)
)

var malloptNames = map[string]int64{
	"M_MXFAST": M_MXFAST, "M_TRIM_THRESHOLD": M_TRIM_THRESHOLD, "M_TOP_PAD": M_TOP_PAD,
	"M_MMAP_THRESHOLD": M_MMAP_THRESHOLD, "M_MMAP_MAX": M_MMAP_MAX, "M_PERTURB": M_PERTURB,
	"M_CHECK_ACTION": M_CHECK_ACTION,
}

func atoi(s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return v
}

// parseTrace reads the statements between "base = sbrk(0);" and the
// printing loop of a trace program (or a whole .trace file).
func parseTrace(src string) ([]traceOp, int, error) {
	var ops []traceOp
	nrec := 0
	in := !strings.Contains(src, "base = sbrk(0);")
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "base = sbrk(0);" {
			in = true
			continue
		}
		if !in || line == "" {
			continue
		}
		if strings.HasPrefix(line, "for (i = 0; i < n; i++)") {
			break
		}
		var m []string
		switch {
		case reMalloc.MatchString(line):
			m = reMalloc.FindStringSubmatch(line)
			ops = append(ops, traceOp{kind: 'm', slot: int(atoi(m[1])), a: atoi(m[2])})
		case reCalloc.MatchString(line):
			m = reCalloc.FindStringSubmatch(line)
			ops = append(ops, traceOp{kind: 'c', slot: int(atoi(m[1])), a: atoi(m[2]), b: atoi(m[3])})
		case reRealloc.MatchString(line):
			m = reRealloc.FindStringSubmatch(line)
			if m[1] != m[2] {
				return nil, 0, fmt.Errorf("realloc across slots: %q", line)
			}
			ops = append(ops, traceOp{kind: 'r', slot: int(atoi(m[1])), a: atoi(m[3])})
		case reFree.MatchString(line):
			m = reFree.FindStringSubmatch(line)
			ops = append(ops, traceOp{kind: 'f', slot: int(atoi(m[1]))})
		case reNull.MatchString(line):
			m = reNull.FindStringSubmatch(line)
			ops = append(ops, traceOp{kind: 'n', slot: int(atoi(m[1]))})
		case reRec.MatchString(line):
			m = reRec.FindStringSubmatch(line)
			ops = append(ops, traceOp{kind: 'R', slot: int(atoi(m[1]))})
			nrec++
		case reMallopt.MatchString(line):
			m = reMallopt.FindStringSubmatch(line)
			code, ok := malloptNames[m[1]]
			if !ok {
				return nil, 0, fmt.Errorf("unknown mallopt %q", m[1])
			}
			ops = append(ops, traceOp{kind: 'o', a: code, b: atoi(m[2])})
		case reTrim.MatchString(line):
			m = reTrim.FindStringSubmatch(line)
			ops = append(ops, traceOp{kind: 't', a: atoi(m[1])})
		default:
			return nil, 0, fmt.Errorf("unknown trace statement %q", line)
		}
	}
	return ops, nrec, nil
}

// runTrace runs a trace on the model and prints what the C program prints.
func runTrace(ops []traceOp, check func(*Malloc)) (string, string) {
	p := newProc()
	p.check = check
	return p.run(func() { runOps(p, ops) })
}

// runOps makes a trace's calls on p.
func runOps(p *proc, ops []traceOp) {
	s := map[int]uint64{}
	type rec struct {
		kind     byte
		off, use int64
	}
	var recs []rec
	var mbase uint64
	for _, op := range ops {
		switch op.kind {
		case 'm':
			s[op.slot] = p.malloc(uint64(op.a))
		case 'c':
			s[op.slot] = p.calloc(uint64(op.a), uint64(op.b))
		case 'r':
			s[op.slot] = p.realloc(s[op.slot], uint64(op.a))
		case 'f':
			p.free(s[op.slot])
		case 'n':
			s[op.slot] = 0
		case 'o':
			p.mallopt(int32(op.a), int32(op.b))
		case 't':
			p.trim(uint64(op.a))
		case 'R':
			a := s[op.slot]
			switch {
			case a == 0:
				recs = append(recs, rec{'-', 0, 0})
			case p.isMmapped(a) == 1:
				if mbase == 0 {
					mbase = a
				}
				recs = append(recs, rec{'m', int64(a - mbase), int64(p.usable(a))})
			default:
				recs = append(recs, rec{'h', int64(a - p.base), int64(p.usable(a))})
			}
		}
	}
	for i, r := range recs {
		p.printf("%d %c %ld %ld\n", i, r.kind, r.off, r.use)
	}
	p.printf("brk grew by 0x%lx\n", p.brkOff())
}

// traceCProgram wraps a trace in the C program the oracle uses.
func traceCProgram(body string, nslots, nrec int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `#include "oracle.h"

char *base;
char *mbase;
char *s[%d];
char kind[%d];
long off[%d];
long use[%d];
int n;

void rec(char *p)
{
    if (p == NULL) {
        kind[n] = '-';
        off[n] = 0;
        use[n] = 0;
    } else if (is_mmapped(p)) {
        if (mbase == NULL)
            mbase = p;
        kind[n] = 'm';
        off[n] = p - mbase;
        use[n] = malloc_usable_size(p);
    } else {
        kind[n] = 'h';
        off[n] = p - base;
        use[n] = malloc_usable_size(p);
    }
    n++;
}

int main(void)
{
    int i;

    base = sbrk(0);
`, nslots, nrec+1, nrec+1, nrec+1)
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		b.WriteString("    " + strings.TrimSpace(line) + "\n")
	}
	b.WriteString(`
    for (i = 0; i < n; i++)
        printf("%d %c %ld %ld\n", i, kind[i], off[i], use[i]);
    printf("brk grew by 0x%lx\n", (char *)sbrk(0) - base);
    return 0;
}
`)
	return b.String()
}
