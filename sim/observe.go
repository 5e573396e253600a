package sim

import "time"

// ackWaitLimit bounds how long, in real time, a look at the kernel waits
// for the peer's ACK. Linux delays ACKs: on loopback the data before the
// first sync point was acknowledged 5-7 ms after the MIP, a FIN 40-46 ms
// after it (measured). Pacing gives that time on the real clock; a run
// on a manual clock, or a guided step taken at once, looks with none in
// between. A loaded machine can be much later, as the kernel's own
// softirq work waits for a core: with the test suite and two busy loops
// on two cores, 250 ms ran out in 1 of 8 runs and 1 s in 1 of 30. The
// wait ends as soon as the ACK is there (or the connection is no longer
// established, when none will come), so a generous limit costs nothing
// on a machine that keeps up; when it passes, the look reports what the
// kernel says then.
const ackWaitLimit = 3 * time.Second

// ackPoll is how often a waiting look asks the kernel again.
const ackPoll = 200 * time.Microsecond

// observe reads the connection's TCP state from the OS at due.
func (e *endpoint) observe(due time.Duration, note Note) error {
	if err := e.pace(due); err != nil {
		return err
	}
	h := e.header(note)
	if !acknowledged(h) && !e.r.sim.cfg.LookAtOnce {
		deadline := time.NewTimer(ackWaitLimit)
		defer deadline.Stop()
		tick := time.NewTicker(ackPoll)
		defer tick.Stop()
	wait:
		for !acknowledged(h) {
			select {
			case <-e.r.ctx.Done():
				return e.r.ctx.Err()
			case <-deadline.C:
				// One last look: a starved process may have slept through
				// the polls, and the ACK came meanwhile.
				h = e.header(note)
				break wait
			case <-tick.C:
				h = e.header(note)
			}
		}
	}
	_, err := e.emit(Observed{h})
	return err
}

// acknowledged reports whether a look found what the kernel says once the
// peer's acknowledgement has arrived: nothing unacknowledged after the
// first sync point, the FIN acknowledged (FIN_WAIT2) after a half-close.
// What the kernel does not say is not waited for.
func acknowledged(h Header) bool {
	switch t := h.TCP; {
	case !t.Known:
		return true
	case h.Note == NoteAckCheck:
		return t.Unacked == 0 || t.State != StateEstablished
	case h.Note == NoteHalfClosed:
		return t.State != StateFinWait1
	}
	return true
}
