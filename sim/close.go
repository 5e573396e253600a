package sim

import (
	"sessionlab/sim/internal/kernel"
	"time"
)

// closeWrite sends a FIN: no more bytes from this side.
func (e *endpoint) closeWrite(due time.Duration) error {
	if e.socket() == nil {
		return errFaulted
	}
	if err := e.pace(due); err != nil {
		return err
	}
	c := e.socket()
	if c == nil {
		return e.connError("shutdown", errFaulted)
	}
	out := e.out()
	e.r.sim.pacer.Writing(out)
	fin := e.r.wire.put(out, CarryFIN, FrameName{})
	if err := c.CloseWrite(); err != nil {
		e.r.wire.withdraw(out, fin)
		return e.connError("shutdown", err)
	}
	h := e.header(NoteNone)
	h.Wire.Put = CarryFIN
	return e.emitWire(HalfClosed{h}, fin)
}

// close closes the socket; abortive sets linger 0 first, so the kernel
// sends an RST and discards what is unsent. A plain close sends a FIN,
// unless one went out already (closeWrite) or the peer's RST ended the
// connection.
func (e *endpoint) close(due time.Duration, abortive bool, note Note) error {
	if e.socket() == nil {
		return nil // nothing to close: no turn taken, no event
	}
	if err := e.pace(due); err != nil {
		return err
	}
	c := e.socket()
	if c == nil {
		return nil // a fault closed it meanwhile, and said so
	}
	out := e.out()
	e.r.sim.pacer.Writing(out)
	put := CarryRST
	if !abortive {
		put = CarryFIN
		// Nothing goes out when a FIN went already, or when the peer reset
		// the connection: its kernel has forgotten it, and so has ours.
		if e.r.wire.finSent(out) || e.r.wire.rstSent(e.in()) {
			put = CarryNone
		}
	}
	lost := e.takeLost()
	var onWire *carried
	if put != CarryNone {
		onWire = e.r.wire.put(out, put, FrameName{})
	}
	if abortive {
		_ = c.SetLinger(0)
	}
	e.r.untrack(c)
	err := c.Close()
	h := e.header(note)
	h.TCP = TCPInfo{}
	e.detach()
	if err != nil {
		h.Note = NoteFault // a fault had closed it under this close
	}
	h.Wire.Put = put
	e.lost(&h, lost)
	return e.emitWire(Closed{Header: h, Abortive: abortive, After: kernel.Lookup(e.local, e.remote)}, onWire)
}

// reset closes the side's connection at once with linger 0, so that its
// kernel sends an RST, as a crash or the lesson's own reset does; mark
// records why (under the side's lock, so that its own goroutines see it
// with the error they get). It returns the header of the event to report
// it, with the RST on the wire, and that RST; ok is false when there was
// no connection.
func (e *endpoint) reset(note Note, mark func()) (h Header, rst *carried, ok bool) {
	c := e.socket()
	var lost []*carried
	if c != nil {
		// Before the RST can wake the peer's reader, and before the close
		// wakes this side's own: a step waits for both.
		e.r.sim.pacer.Writing(e.out())
		e.r.sim.pacer.Writing(e.in())
		lost = e.takeLost()
		rst = e.r.wire.put(e.out(), CarryRST, FrameName{})
	}
	e.mu.Lock()
	mark()
	if c != nil {
		_ = c.SetLinger(0)
		_ = c.Close()
	}
	e.mu.Unlock()
	e.letGo()
	h = e.header(note)
	if c == nil {
		return h, nil, false
	}
	e.r.untrack(c)
	h.Wire.Put = CarryRST
	e.lost(&h, lost)
	return h, rst, true
}

// forget closes a socket the side no longer uses without an event: one a
// fault already closed, or one whose loss was already reported.
func (e *endpoint) forget() {
	e.mu.Lock()
	c := e.conn
	e.conn = nil
	e.mu.Unlock()
	if c != nil {
		e.r.sim.pacer.Writing(e.out())
		e.r.sim.pacer.Writing(e.in()) // this side's own reader wakes too
		e.r.untrack(c)
		_ = c.SetLinger(0)
		_ = c.Close()
		e.r.wire.lostOn(e.in())
	}
	e.letGo()
}

// drop is the lesson's own reset of the client's connection at due:
// linger 0 and close, so that the kernel sends an RST and throws away
// what it has not read.
func (e *endpoint) drop(due time.Duration) error {
	if e.socket() == nil {
		return errFaulted
	}
	if err := e.pace(due); err != nil {
		return err
	}
	// The reader's error will be this reset, already told.
	h, rst, ok := e.reset(NoteDrop, func() { e.faulted = true })
	if !ok {
		return e.connError("close", errFaulted)
	}
	h.TCP = TCPInfo{}
	e.detach()
	return e.emitWire(Closed{Header: h, Abortive: true, After: kernel.Lookup(e.local, e.remote)}, rst)
}
