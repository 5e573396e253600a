package pace

// How an action waits for its turn at the pacer.

import (
	"context"
	"runtime"
	"time"
)

// waiter is one action waiting in wait.
type waiter struct {
	due     time.Duration
	ctx     context.Context // a cancelled waiter is never given a step
	wake    chan struct{}   // poked when the waiter should look again
	granted bool            // a step released it
	woken   bool            // wakeLocked counted it at work before poking it
}

// Wait blocks until the action due at virtual time due may happen: when
// running, until the timeline reaches due; when paused, until a step
// releases it. The caller is at work (counted in active) before and after.
func (p *Pacer) Wait(ctx context.Context, due time.Duration) error {
	p.mu.Lock()
	return p.waitLocked(ctx, due, false)
}

// WaitExact is Wait for an action whose timing is itself a lesson (the data
// packets' one-second cadence): on the real clock it ends by spinning, to
// within microseconds, at a cost of up to spinWindow of CPU.
func (p *Pacer) WaitExact(ctx context.Context, due time.Duration) error {
	p.mu.Lock()
	return p.waitLocked(ctx, due, p.spin)
}

func (p *Pacer) waitLocked(ctx context.Context, due time.Duration, exact bool) error {
	defer p.mu.Unlock()
	w := &waiter{due: due, ctx: ctx, wake: make(chan struct{}, 1)}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var tc <-chan time.Time
		var timer Timer
		if p.paused {
			// While a step is held back for an arriving reader, the waiter
			// due first keeps time for the hold.
			if !p.holdSince.IsZero() {
				timer = p.clock.NewTimer(max(maxHold-p.clock.Now().Sub(p.holdSince), 0))
				tc = timer.C()
			}
		} else if p.outside == 0 {
			left := due - p.vnowLocked()
			if p.unpaced || left <= 0 {
				return nil
			}
			wait := time.Duration(float64(left) / p.speed)
			if exact && wait <= spinWindow {
				p.spinLocked(wait)
				continue
			}
			if exact {
				wait -= spinWindow
			}
			timer = p.clock.NewTimer(wait)
			tc = timer.C()
		}
		p.waiting = append(p.waiting, w)
		p.active--
		p.dispatchLocked() // may grant w itself
		p.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-tc:
		}
		p.mu.Lock()
		if w.granted && ctx.Err() != nil {
			// Cancelled as the step came: the step goes back, unused.
			// (dispatchLocked already counted this goroutine at work.)
			p.steps++
			p.used--
			p.dispatchLocked()
			if timer != nil {
				timer.Stop()
			}
			return ctx.Err()
		}
		if w.granted {
			// dispatchLocked counted it at work when it granted the step.
			if timer != nil {
				timer.Stop()
			}
			return nil
		}
		if w.woken {
			w.woken = false // wakeLocked took it out and counted it in
		} else {
			p.removeLocked(w)
			p.active++
		}
		p.dispatchLocked()
		// Only now, counted as at work, tell a manual clock the timer is
		// dealt with; the other order would let it advance in between.
		if timer != nil {
			timer.Stop()
		}
	}
}

// spinWindow is how early an exact wait on the real clock wakes before its
// due time. An idle Go process sleeps in epoll with a millisecond timeout,
// so a timer can fire up to a millisecond late; the last stretch is spun
// instead, which keeps the data packets' one-second cadence to within
// microseconds.
const spinWindow = 1500 * time.Microsecond

// spinLocked yields the processor until wait has passed, without holding
// the lock, so that pause, speed and cancel still get through.
func (p *Pacer) spinLocked(wait time.Duration) {
	until := p.clock.Now().Add(wait)
	p.mu.Unlock()
	for p.clock.Now().Before(until) {
		runtime.Gosched()
	}
	p.mu.Lock()
}
