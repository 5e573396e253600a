package sim

import (
	"net"
	"net/netip"
	"syscall"
	"time"
)

// listen reports that the server waits for a connection, on the
// listening socket the run opened for this scenario or on the one it
// already had (Listening.Opened).
func (e *endpoint) listen(note Note, opened bool) error {
	if err := e.pace(e.after(0)); err != nil {
		return err
	}
	h := e.header(note)
	h.Local = e.r.sim.ln.local()
	_, err := e.emit(Listening{Header: h, Opened: opened})
	return err
}

// accept waits until a connection has finished its handshake, leaves it in
// the accept queue for delay, then accepts it.
func (e *endpoint) accept(delay time.Duration, note Note) error {
	ln, w := e.r.sim.ln.get()
	ready := func() error {
		if w == nil {
			return nil // cannot wait without accepting here: accept blocks instead
		}
		return waitReadable(w)
	}
	readyErr, err := e.r.sim.pacer.awaitData(e.r.ctx, listenerFlow, ready, delay)
	if readyErr != nil {
		return e.r.ctxErr(readyErr)
	}
	if err != nil {
		return err
	}
	queue := acceptQueue(ln)
	c, err := ln.AcceptTCP()
	if err != nil {
		if e.isStopped() {
			return errFaulted // the stop fault said so
		}
		return e.connError("accept", err)
	}
	accepted := e.r.sim.clock.Now()
	if err := e.attach(c); err != nil {
		return err
	}
	ev := Accepted{Header: e.header(note), Queue: queue}
	// Unpaced, accept can return before the client has noted its connect's
	// return; then the wait was too short to measure.
	if dialed := e.r.dialedAt(); !dialed.IsZero() && accepted.After(dialed) {
		ev.AfterHandshake = accepted.Sub(dialed)
	}
	_, err = e.emit(ev)
	return err
}

// dial connects to the server.
func (e *endpoint) dial(due time.Duration, note Note) error {
	if err := e.pace(due); err != nil {
		return err
	}
	target := e.r.sim.ln.target()
	to, _ := netip.ParseAddrPort(target)
	e.connNo = 0
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		// Numbered before the handshake, so that the server's accept finds
		// the number: see wire.dialing.
		if local, err := bindFirst(c, to); err == nil {
			e.connNo = e.r.wire.dialing(local, to)
		}
		return nil
	}}
	e.r.sim.pacer.writing(listenerFlow)
	start := time.Now()
	c, err := d.DialContext(e.r.ctx, "tcp", target)
	if err != nil {
		e.r.wire.undial(e.connNo)
		e.connNo = 0
		h := e.header(note)
		_, _ = e.emit(ConnError{Header: h, Op: "dial", Err: err})
		return e.r.ctxErr(err)
	}
	if e.connNo == 0 { // bindFirst is not available here
		tc := c.(*net.TCPConn)
		e.connNo = e.r.wire.dialing(tc.LocalAddr().(*net.TCPAddr).AddrPort(), tc.RemoteAddr().(*net.TCPAddr).AddrPort())
	}
	took := time.Since(start)
	e.r.noteDialed(e.r.sim.clock.Now())
	if err := e.attach(c.(*net.TCPConn)); err != nil {
		return err
	}
	_, err = e.emit(Dialed{Header: e.header(note), Took: took})
	return err
}
