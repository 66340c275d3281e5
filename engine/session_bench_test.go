package engine

import (
	"path/filepath"
	"testing"
)

// The playground's Step and Step back (SPEC §11: ≤ 16 ms from the click
// to the page, of which this is the engine's part), on the example a
// first visit opens (ui/examples/02-demand-paging.c, default machine).

func demandPagingProgram(b *testing.B) *Program {
	return compileExample(b, filepath.Join("..", "ui", "examples", "02-demand-paging.c"))
}

// BenchmarkSessionStep: one statement forward (from step 40), without and
// with the snapshot the views draw.
func BenchmarkSessionStep(b *testing.B) {
	p := demandPagingProgram(b)
	s := NewSession(p)
	defer s.Close()
	b.Run("step", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s.StepTo(40)
			b.StartTimer()
			s.StepTo(41)
			b.StopTimer()
		}
	})
	b.Run("snapshot", func(b *testing.B) {
		s.StepTo(41)
		for i := 0; i < b.N; i++ {
			s.Snapshot()
		}
	})
	// What the playground takes after a step with the Physical view open:
	// the zones and output, and the frame map (kept up to date).
	b.Run("snapshot-physical", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s.StepTo(40)
			s.FrameMap()
			s.StepTo(41)
			b.StartTimer()
			s.SnapshotOf(PartZones | PartOutput | PartFrameMap)
			b.StopTimer()
		}
	})
	b.Run("events", func(b *testing.B) {
		s.StepTo(41)
		for i := 0; i < b.N; i++ {
			s.Events()
		}
	})
}

// BenchmarkSessionStepBack: from step 41 back to 40, by re-execution
// (boot and 40 statements) and with the machine behind prepared (as the
// playground does when idle: a swap).
func BenchmarkSessionStepBack(b *testing.B) {
	p := demandPagingProgram(b)
	s := NewSession(p)
	defer s.Close()
	b.Run("reboot", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s.StepTo(41)
			b.StartTimer()
			s.StepTo(40)
		}
	})
	b.Run("prepared", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s.StepTo(41)
			s.PrepareBack()
			b.StartTimer()
			s.StepTo(40)
		}
	})
	b.Run("prepare", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s.StepTo(40)
			s.StepTo(41)
			b.StartTimer()
			s.PrepareBack()
		}
	})
}
