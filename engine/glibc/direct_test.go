package glibc

import (
	"fmt"
	"testing"
)

// TestDirectMatchesKernel runs the oracle's programs and random traces
// with the allocator's translation cache (direct.go, and the tcache's
// fast paths on it) and without: the same output, the same end, the same
// page faults and resident pages, the same heap at the end.
func TestDirectMatchesKernel(t *testing.T) {
	type result struct {
		out, err   string
		faults     int64
		rss        int64
		snap, brk  string
		directUsed bool
	}
	run := func(noDirect bool, body func(p *proc)) result {
		p := newProc()
		p.k.noDirect = noDirect
		out, errText := p.run(func() { body(p) })
		s, err := p.m.Snapshot()
		return result{out: out, err: errText, faults: p.k.faults, rss: p.k.rss,
			snap: fmt.Sprintf("%+v %v", s, err), brk: fmt.Sprint(p.brkOff()), directUsed: p.m.rd != emptyDirect}
	}
	cases := map[string]func(p *proc){}
	for name, f := range oracleCases {
		cases[name] = f
	}
	for _, name := range []string{"045-random-small", "046-random-mixed"} {
		src, _, _ := readOracle(t, name)
		ops, _, err := parseTrace(src)
		if err != nil {
			t.Fatal(err)
		}
		cases[name] = func(p *proc) { runOps(p, ops) }
	}
	for _, name := range sortedNames(cases) {
		with, without := run(false, cases[name]), run(true, cases[name])
		if !with.directUsed || without.directUsed {
			t.Errorf("%s: the cache was used %v with it, %v without", name, with.directUsed, without.directUsed)
		}
		with.directUsed, without.directUsed = false, false
		if with != without {
			t.Errorf("%s:\nwith the cache    %+v\nwithout the cache %+v", name, with, without)
		}
	}
}
