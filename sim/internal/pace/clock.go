package pace

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock is where a Sim gets the time and its timers. RealClock is the wall
// clock; a ManualClock lets tests run paced scenarios without waiting.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer fires once on C after its duration, unless stopped.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// RealClock returns the wall clock.
func RealClock() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

// ManualClock is a Clock that moves only when told to. Its timers fire, in
// deadline order, when Advance or AdvanceNext passes their deadline.
//
// A Sim running on a ManualClock tells it when all of its goroutines are
// waiting (on a timer, or on a peer that is itself waiting), so that
// AdvanceNext moves time only when nothing else can happen first: the run
// is then the same on every machine.
//
// A timer that has fired must be stopped by its owner, with Stop, once the
// owner has woken and counts as at work again (the pacer does this). Until
// then the clock counts the timer as fired but not yet dealt with, and
// AdvanceNext does not move: otherwise it could jump past the owner's next
// deadline in the moment between the timer firing and the owner running.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*manualTimer
	fired   int  // timers fired whose owner has not yet stopped them
	busy    bool // a Sim using this clock has goroutines at work
	changed chan struct{}
}

// NewManualClock returns a ManualClock that reads t until advanced.
func NewManualClock(t time.Time) *ManualClock {
	return &ManualClock{now: t, changed: make(chan struct{})}
}

func (c *ManualClock) broadcastLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// setBusy is how a Sim reports whether any of its goroutines is at work.
func (c *ManualClock) setBusy(busy bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.busy != busy {
		c.busy = busy
		c.broadcastLocked()
	}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock reaches now+d.
func (c *ManualClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		c.fireOneLocked(t)
		return t
	}
	c.timers = append(c.timers, t)
	c.broadcastLocked()
	return t
}

// Pending returns how many timers are waiting to fire.
func (c *ManualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock forward by d and fires every timer now due.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.fireLocked()
}

// AdvanceNext waits until at least one timer is pending and every
// goroutine of the Sim using the clock is waiting, then moves the clock to
// the earliest deadline and fires what is due. It returns how far the clock
// moved, or ctx's error.
func (c *ManualClock) AdvanceNext(ctx context.Context) (time.Duration, error) {
	for {
		c.mu.Lock()
		if len(c.timers) > 0 && c.fired == 0 && !c.busy {
			sort.Slice(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
			d := max(c.timers[0].at.Sub(c.now), 0)
			c.now = c.now.Add(d)
			c.fireLocked()
			c.mu.Unlock()
			return d, nil
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// Drive advances the clock to each next timer, as AdvanceNext does, until
// ctx is done: a paced run on a ManualClock then plays out at full speed,
// in the same order as in real time.
func (c *ManualClock) Drive(ctx context.Context) {
	for ctx.Err() == nil {
		if _, err := c.AdvanceNext(ctx); err != nil {
			return
		}
	}
}

func (c *ManualClock) fireLocked() {
	sort.Slice(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	kept := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			c.fireOneLocked(t)
		} else {
			kept = append(kept, t)
		}
	}
	c.timers = kept
}

func (c *ManualClock) fireOneLocked(t *manualTimer) {
	t.ch <- c.now
	t.fired = true
	c.fired++
}

type manualTimer struct {
	c       *ManualClock
	at      time.Time
	ch      chan time.Time
	fired   bool
	stopped bool
}

func (t *manualTimer) C() <-chan time.Time { return t.ch }

func (t *manualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	// Stopping a fired timer tells the clock its owner has woken up.
	if t.fired && !t.stopped {
		t.stopped = true
		t.c.fired--
		t.c.broadcastLocked()
		return false
	}
	for i, o := range t.c.timers {
		if o == t {
			t.c.timers = append(t.c.timers[:i], t.c.timers[i+1:]...)
			return true
		}
	}
	return false
}
