package sim_test

import (
	"context"
	"fmt"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestCancelAtEveryStep cancels each scenario after each of its steps: paused,
// stepped exactly k times, then cancelled. The event channel must close, Wait
// must return, and no goroutine and no socket of the Sim may be left.
func TestCancelAtEveryStep(t *testing.T) {
	for _, sc := range Scenarios() {
		n := len(simtest.Run(t, Config{Scenarios: []Scenario{sc}, Unpaced: true}))
		for k := 0; k <= n; k++ {
			t.Run(fmt.Sprintf("%v/after-%d", sc, k), func(t *testing.T) {
				before := simtest.OpenSockets(t)
				s, err := New(Config{Scenarios: []Scenario{sc}})
				if err != nil {
					t.Fatal(err)
				}
				s.Pause()
				ctx, cancel := context.WithCancel(context.Background())
				ch, err := s.Start(ctx)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { // even when the test fails half-way
					cancel()
					for range ch {
					}
					s.Wait()
				})
				timeout := time.After(simtest.Within)
				for got := 0; got < k; {
					s.Step()
					select {
					case _, ok := <-ch:
						if !ok {
							got = k // the run ended before step k
						}
						got++
					case <-timeout:
						t.Fatalf("step %d never came; pacer: %s", got, s.PacerState())
					}
				}
				cancel()
				for open := true; open; {
					select {
					case _, open = <-ch:
					case <-timeout:
						t.Fatal("event channel not closed after cancel")
					}
				}
				s.Wait()
				goleak.VerifyNone(t)
				if after := simtest.OpenSockets(t); after != before {
					t.Fatalf("%d sockets open after cancel, %d before", after, before)
				}
			})
		}
	}
}

// TestCancelWhileRunning cancels paced runs in the middle of their pacing,
// on a real clock, at several points.
func TestCancelWhileRunning(t *testing.T) {
	for _, after := range []int{1, 3, 7, 12} {
		before := simtest.OpenSockets(t)
		s, err := New(Config{Scenarios: Scenarios(), Speed: MaxSpeed})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		ch, err := s.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < after; i++ {
			<-ch
		}
		cancel()
		for range ch {
		}
		s.Wait()
		goleak.VerifyNone(t)
		if got := simtest.OpenSockets(t); got != before {
			t.Fatalf("after %d events: %d sockets open, %d before", after, got, before)
		}
	}
}
