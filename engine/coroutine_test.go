package engine

import "testing"

func TestCoroutinePauseResumeFinish(t *testing.T) {
	var trace []int
	var c *coroutine
	step := uint64(0)
	c = newCoroutine(func() {
		for i := 1; i <= 5; i++ {
			step++
			if c.target.step != 0 && step > c.target.step {
				c.pause()
			}
			trace = append(trace, i)
		}
	})
	if c.run(stepTarget{step: 2}) {
		t.Fatal("finished early")
	}
	if len(trace) != 2 {
		t.Fatalf("after target 2: trace %v", trace)
	}
	if c.run(stepTarget{step: 4}) {
		t.Fatal("finished early")
	}
	if len(trace) != 4 {
		t.Fatalf("after target 4: trace %v", trace)
	}
	if !c.run(stepTarget{}) {
		t.Fatal("did not finish")
	}
	if len(trace) != 5 {
		t.Fatalf("at the end: trace %v", trace)
	}
	c.close() // closing a finished coroutine is harmless
}

func TestCoroutineCloseWhilePaused(t *testing.T) {
	var c *coroutine
	reachedEnd := false
	c = newCoroutine(func() {
		c.pause()
		reachedEnd = true
	})
	if c.run(stepTarget{step: 1}) {
		t.Fatal("finished early")
	}
	c.close()
	if reachedEnd {
		t.Fatal("a cancelled program ran on")
	}
}

func TestCoroutineCloseBeforeStart(t *testing.T) {
	ran := false
	c := newCoroutine(func() { ran = true })
	c.close()
	if ran {
		t.Fatal("a cancelled program ran")
	}
}
