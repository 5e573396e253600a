package sim

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

// flow is one direction of one connection: the run's number for the
// connection (see wire.dialing), its two addresses in a fixed order, and
// the side it goes to; the zero flow but for the side names the listener,
// where dials go to the server. The number matters: after a reset the
// kernel may give a new connection the same addresses, and a mark left
// on the old one must never match the new one's reader. Marks on a
// connection that died never match a reader again, so they cannot hold
// anything up.
type flow struct {
	conn   int
	lo, hi netip.AddrPort
	to     Side
}

// listenerFlow is where connections go to the server.
var listenerFlow = flow{to: Server}

// flowTo names the direction of connection conn, between a and b, that
// goes to side to.
func flowTo(conn int, a, b netip.AddrPort, to Side) flow {
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return flow{conn, a, b, to}
}

// awaitData blocks until the socket behind flow f has something to read
// (ready returns), not counted at work meanwhile, then waits for the
// reader's turn: delay after the data is there. readyErr is ready's error
// (the turn was not taken); err is the pacer's (cancelled).
func (p *pacer) awaitData(ctx context.Context, f flow, ready func() error, delay time.Duration) (readyErr, err error) {
	p.readerBlocked(f)
	if err := ready(); err != nil {
		p.readerUnblocked(f)
		return err, nil
	}
	return nil, p.readTurn(ctx, p.now()+delay, f, true)
}

// startScenario forgets the reader bookkeeping of the scenario before.
func (p *pacer) startScenario() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.readers)
	clear(p.inbound)
	p.dispatchLocked()
}

// writing records that something is about to be written or closed on f,
// so that f's reader will come to the pacer soon. Call it before the
// socket operation: after it, the reader may already have woken.
func (p *pacer) writing(f flow) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inbound[f] = true
	p.dispatchLocked()
}

// readerBlocked and readerUnblocked bracket a reader's wait for data on f
// when the wait fails; when it succeeds, readTurn ends it. Use awaitData.
func (p *pacer) readerBlocked(f flow) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readers[f]++
	p.active--
	p.dispatchLocked()
}

func (p *pacer) readerUnblocked(f flow) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readers[f]--
	delete(p.inbound, f)
	p.active++
	p.dispatchLocked()
}

// holdingLocked reports whether a reader is about to wake for data that
// has been written to it.
func (p *pacer) holdingLocked() bool {
	for f, in := range p.inbound {
		if in && p.readers[f] > 0 {
			return true
		}
	}
	return false
}

// readTurn is wait for a reader of f. woke says it comes straight from
// waiting for data (readerBlocked).
func (p *pacer) readTurn(ctx context.Context, due time.Duration, f flow, woke bool) error {
	p.mu.Lock()
	if woke {
		p.readers[f]--
		p.active++
	}
	delete(p.inbound, f)
	return p.waitLocked(ctx, due, false)
}
