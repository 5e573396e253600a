package pace

// The pacer's bookkeeping of readers: which flows have data written to
// them, which readers wait for data, and how a reader takes its turn.

import (
	"context"
	"net/netip"
	"time"
)

// maxHold bounds how long a step is held back for a reader about to wake
// for data already written to it (see holdingLocked). On a correct run the
// reader arrives within microseconds and the hold ends then; the bound
// only matters if the bookkeeping is ever off, and keeps a step from
// hanging forever. It is measured on the Sim's clock, so a ManualClock
// does not move it (the clock is busy while a reader is held).
const maxHold = 250 * time.Millisecond

// Flow is one direction of one connection: the run's number for the
// connection, its two addresses in a fixed order, and the side it goes
// to (as its user numbers sides); the zero Flow but for the side names a
// listener, where dials go. The number matters: after a reset the kernel
// may give a new connection the same addresses, and a mark left on the
// old one must never match the new one's reader. Marks on a connection
// that died never match a reader again, so they cannot hold anything up.
type Flow struct {
	conn   int
	lo, hi netip.AddrPort
	to     uint8
}

// FlowTo names the direction of connection conn, between a and b, that
// goes to side to.
func FlowTo(conn int, a, b netip.AddrPort, to uint8) Flow {
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return Flow{conn, a, b, to}
}

// ListenerFlow is where dials to side to's listener go.
func ListenerFlow(to uint8) Flow { return Flow{to: to} }

// AwaitData blocks until the socket behind flow f has something to read
// (ready returns), not counted at work meanwhile, then waits for the
// reader's turn: delay after the data is there. readyErr is ready's error
// (the turn was not taken); err is the pacer's (cancelled).
func (p *Pacer) AwaitData(ctx context.Context, f Flow, ready func() error, delay time.Duration) (readyErr, err error) {
	p.readerBlocked(f)
	if err := ready(); err != nil {
		p.readerUnblocked(f)
		return err, nil
	}
	return nil, p.readTurn(ctx, p.Now()+delay, f, true)
}

// StartScenario forgets the reader bookkeeping of the scenario before.
func (p *Pacer) StartScenario() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.readers)
	clear(p.inbound)
	p.dispatchLocked()
}

// Writing records that something is about to be written or closed on f,
// so that f's reader will come to the pacer soon. Call it before the
// socket operation: after it, the reader may already have woken.
func (p *Pacer) Writing(f Flow) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inbound[f] = true
	p.dispatchLocked()
}

// readerBlocked and readerUnblocked bracket a reader's wait for data on f
// when the wait fails; when it succeeds, readTurn ends it. Use AwaitData.
func (p *Pacer) readerBlocked(f Flow) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readers[f]++
	p.active--
	p.dispatchLocked()
}

func (p *Pacer) readerUnblocked(f Flow) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readers[f]--
	delete(p.inbound, f)
	p.active++
	p.dispatchLocked()
}

// holdingLocked reports whether a reader is about to wake for data that
// has been written to it.
func (p *Pacer) holdingLocked() bool {
	for f, in := range p.inbound {
		if in && p.readers[f] > 0 {
			return true
		}
	}
	return false
}

// ReadTurn is Wait for a reader of f that already has data to hand over
// (a frame left from its last read): it takes its turn at due.
func (p *Pacer) ReadTurn(ctx context.Context, due time.Duration, f Flow) error {
	return p.readTurn(ctx, due, f, false)
}

// readTurn is Wait for a reader of f. woke says it comes straight from
// waiting for data (readerBlocked).
func (p *Pacer) readTurn(ctx context.Context, due time.Duration, f Flow, woke bool) error {
	p.mu.Lock()
	if woke {
		p.readers[f]--
		p.active++
	}
	delete(p.inbound, f)
	return p.waitLocked(ctx, due, false)
}
