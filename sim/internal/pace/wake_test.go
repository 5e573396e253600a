package pace

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func (p *Pacer) waitingNow() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.waiting)
}

// eventually waits, up to a few seconds, until cond holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		runtime.Gosched()
	}
}

// TestReleasedWaiterHoldsTheClock: a step that arrived while an outside
// action held the timeline (Quiet) waits without a timer; the release
// wakes it to arm one. Until it has, it counts as at work, so a
// ManualClock does not jump past it to a watchdog's deadline once the
// outside action is done. (Uncounted, it was seen idle in between: the
// clock went straight to the watchdog.)
func TestReleasedWaiterHoldsTheClock(t *testing.T) {
	for range 50 {
		c := NewManualClock(time.Unix(0, 0))
		p := New(c, 1, false, false)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		g := p.NewGroup(nil)
		g.Go(func() { _ = p.Wait(ctx, 8*time.Second) }) // a watchdog
		eventually(t, "the watchdog's timer is armed", func() bool { return c.Pending() == 1 })

		outside := p.Reserve() // this goroutine is the outside action
		release, err := p.Quiet(ctx)
		if err != nil {
			t.Fatal(err)
		}
		went := make(chan time.Duration, 1)
		g.Go(func() {
			if p.Wait(ctx, time.Second) == nil {
				went <- p.Now()
			}
		})
		eventually(t, "the step waits while the timeline is held", func() bool { return p.waitingNow() == 2 })
		if n := c.Pending(); n != 1 {
			t.Fatalf("%d timers pending while the timeline is held, want the watchdog's alone", n)
		}
		release()
		outside.Release()

		d, err := c.AdvanceNext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d != time.Second {
			t.Fatalf("the clock moved %v, past the step due after 1s that the release woke", d)
		}
		select {
		case at := <-went:
			if at != time.Second {
				t.Fatalf("the step went at %v", at)
			}
		case <-ctx.Done():
			t.Fatal("the step did not go")
		}
		cancel()
		g.Wait()
	}
}
