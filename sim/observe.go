package sim

import "time"

// settleLimit bounds how long, in real time, a look at the kernel waits
// for the answer an idle machine gives within microseconds. On a busy
// machine the peer's ACK can lag the look (loopback hands it over in a
// deferred softirq), and a run on a manual clock looks with no pacing in
// between; the lesson is about what TCP does, not how busy the machine
// is. When the limit passes, the look reports what the kernel says then.
const settleLimit = 250 * time.Millisecond

// settlePoll is how often a settling look asks the kernel again.
const settlePoll = 200 * time.Microsecond

// observe reads the connection's TCP state from the OS at due.
func (e *endpoint) observe(due time.Duration, note Note) error {
	if err := e.pace(due); err != nil {
		return err
	}
	h := e.header(note)
	if !settled(h) && !e.r.sim.cfg.LookAtOnce {
		deadline := time.NewTimer(settleLimit)
		defer deadline.Stop()
		tick := time.NewTicker(settlePoll)
		defer tick.Stop()
	wait:
		for !settled(h) {
			select {
			case <-e.r.ctx.Done():
				return e.r.ctx.Err()
			case <-deadline.C:
				break wait
			case <-tick.C:
				h = e.header(note)
			}
		}
	}
	_, err := e.emit(Observed{h})
	return err
}

// settled reports whether a look found what the kernel says once the
// peer's acknowledgement has arrived: nothing unacknowledged after the
// first sync point, the FIN acknowledged (FIN_WAIT2) after a half-close.
// What the kernel does not say is not waited for.
func settled(h Header) bool {
	switch t := h.TCP; {
	case !t.Known:
		return true
	case h.Note == NoteAckCheck:
		return t.Unacked == 0
	case h.Note == NoteHalfOpen:
		return t.State != StateFinWait1
	}
	return true
}
