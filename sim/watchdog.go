package sim

// How a side gives up waiting for a peer that is gone: a watchdog that
// expires the socket a step waits on.

import (
	"context"
	"time"
)

// within runs op with a watchdog: if op has not returned after d of
// pacing, the watchdog expires the socket op waits on (expire sets a past
// deadline), and op returns errTimeout. expire marks the flow op waits on
// before it sets the deadline, so that op counts as arriving until it
// runs again. Unpaced runs have no watchdogs.
func (e *endpoint) within(d time.Duration, expire func(time.Time), op func() error) error {
	if e.r.sim.cfg.Unpaced {
		return op()
	}
	ctx, cancel := context.WithCancel(e.r.ctx)
	fired := make(chan struct{})
	e.r.goCounted(func() {
		// Only while op still runs: cancel comes as soon as it returns.
		if e.r.sim.pacer.Wait(ctx, e.r.sim.pacer.Now()+d) == nil && ctx.Err() == nil {
			close(fired)
			expire(time.Unix(1, 0))
		}
	})
	err := op()
	cancel()
	select {
	case <-fired:
		expire(time.Time{})
		if err != nil && e.r.ctx.Err() == nil {
			return errTimeout
		}
	default:
	}
	return err
}

// expireConn expires the side's socket (see within).
func (e *endpoint) expireConn(t time.Time) {
	if c := e.socket(); c != nil {
		if !t.IsZero() {
			e.r.sim.pacer.Writing(e.in()) // the reader will wake: see within
		}
		_ = c.SetReadDeadline(t)
	}
}

// expireListener expires the listener the server waits on (see within).
func (e *endpoint) expireListener(t time.Time) {
	if !t.IsZero() {
		e.r.sim.pacer.Writing(listenerFlow())
	}
	e.r.sim.ln.setDeadline(t)
}
