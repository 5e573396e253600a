package pace

import (
	"testing"
	"time"
)

func TestManualClockAdvance(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewManualClock(t0)
	late, early, stopped := c.NewTimer(2*time.Second), c.NewTimer(time.Second), c.NewTimer(3*time.Second)
	if c.Pending() != 3 {
		t.Fatalf("%d pending", c.Pending())
	}
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	c.Advance(1500 * time.Millisecond)
	select {
	case at := <-early.C():
		if at != t0.Add(1500*time.Millisecond) {
			t.Fatalf("fired at %v", at)
		}
	default:
		t.Fatal("a due timer did not fire")
	}
	select {
	case <-late.C():
		t.Fatal("a timer fired early")
	default:
	}
	c.Advance(time.Second)
	select {
	case <-late.C():
	default:
		t.Fatal("the second timer did not fire")
	}
	if c.Pending() != 0 || c.Now() != t0.Add(2500*time.Millisecond) {
		t.Fatalf("pending %d, now %v", c.Pending(), c.Now())
	}
}
