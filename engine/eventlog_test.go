package engine

import (
	"fmt"
	"testing"

	"mmplay/engine/arch"
)

// TestEventLogRing: past maxEvents the log is a ring that keeps the
// newest maxEvents, oldest first, with every field as recorded, whether
// an event came through add or addScalar; details built at run time
// (not constants) come back with their own text.
func TestEventLogRing(t *testing.T) {
	var l eventLog
	const extra = 5000
	total := maxEvents + extra
	detail := func(i int) string {
		if i%3 == 0 {
			return fmt.Sprintf("made %d", i%7) // a new string each time
		}
		return [2]string{"malloc: tcache", "free: tcache"}[i%2]
	}
	for i := 0; i < total; i++ {
		if i%2 == 0 {
			l.add(arch.Event{Kind: arch.EvAlloc, Source: "buddy", Addr: uint64(i), Size: 4096, PFN: uint64(i) + 7, Order: i % 11, Detail: detail(i), Line: i % 50, Col: 3}, uint64(i))
		} else {
			l.addScalar(arch.EvFree, "malloc", uint64(i), 32, detail(i), i%50, 5, uint64(i))
		}
		if i == 1000 {
			if got := l.events(); len(got) != 1001 || got[1000].Addr != 1000 {
				t.Fatalf("before the wrap: %d events, last at %#x", len(got), got[len(got)-1].Addr)
			}
		}
	}
	got := l.events()
	if len(got) != maxEvents {
		t.Fatalf("%d events kept, want %d", len(got), maxEvents)
	}
	for k, e := range got {
		i := extra + k
		want := Event{Event: arch.Event{Kind: arch.EvFree, Source: "malloc", Addr: uint64(i), Size: 32, Detail: detail(i), Line: i % 50, Col: 5}, Step: uint64(i)}
		if i%2 == 0 {
			want.Event = arch.Event{Kind: arch.EvAlloc, Source: "buddy", Addr: uint64(i), Size: 4096, PFN: uint64(i) + 7, Order: i % 11, Detail: detail(i), Line: i % 50, Col: 3}
		}
		if e != want {
			t.Fatalf("event %d of the ring: %+v, want %+v", k, e, want)
		}
	}
}
