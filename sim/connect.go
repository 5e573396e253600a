package sim

import (
	"net"
	"net/netip"
	"sessionlab/sim/internal/kernel"
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
// the accept queue for delay, then accepts it. Only the run's own client
// gets in: a connection any other program made (a port scan, a stranger
// that says nothing, one that speaks first) is closed at once and
// reported, and the server goes on waiting for its client.
func (e *endpoint) accept(delay time.Duration, note Note) error {
	for {
		c, connNo, queue, err := e.acceptOne(delay)
		if err != nil {
			return err
		}
		if c == nil {
			continue // a stranger, turned away
		}
		accepted := e.r.sim.clock.Now()
		if err := e.attach(c, connNo); err != nil {
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
}

// acceptOne waits for its turn and accepts the next connection. It
// returns the connection with its number, and how many waited in the
// queue, or nil after turning away one the run's client did not make.
func (e *endpoint) acceptOne(delay time.Duration) (*net.TCPConn, int, int, error) {
	ln, w := e.r.sim.ln.get()
	ready := func() error {
		if w == nil {
			return nil // cannot wait without accepting here: accept blocks instead
		}
		return kernel.WaitReadable(w)
	}
	readyErr, err := e.r.sim.pacer.AwaitData(e.r.ctx, listenerFlow(), ready, delay)
	if readyErr != nil {
		return nil, 0, 0, e.r.ctxErr(readyErr)
	}
	if err != nil {
		return nil, 0, 0, err
	}
	queue := kernel.AcceptQueue(ln)
	c, err := ln.AcceptTCP()
	if err != nil {
		if e.isStopped() {
			return nil, 0, 0, errFaulted // the stop fault said so
		}
		return nil, 0, 0, e.connError("accept", err)
	}
	local, remote := c.LocalAddr().(*net.TCPAddr).AddrPort(), c.RemoteAddr().(*net.TCPAddr).AddrPort()
	connNo, ours := e.r.wire.acceptedConn(local, remote)
	switch {
	case ours:
		return c, connNo, queue, nil
	case !kernel.BindsFirst || e.r.sim.cfg.anyPeer:
		return c, e.r.wire.ownConn(local, remote), queue, nil
	}
	return nil, 0, 0, e.turnAway(c, local, remote)
}

// turnAway closes a connection the run's client did not make, at once
// (linger 0: whatever it sent is thrown away unread), and reports it.
func (e *endpoint) turnAway(c *net.TCPConn, local, remote netip.AddrPort) error {
	_ = c.SetLinger(0)
	_ = c.Close()
	h := e.header(NoteNone)
	h.Local, h.Remote = local, remote
	_, err := e.emit(Rejected{Header: h})
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
		if local, err := kernel.BindFirst(c, to); err == nil {
			e.connNo = e.r.wire.dialing(local, to)
		}
		return nil
	}}
	e.r.sim.pacer.Writing(listenerFlow())
	start := time.Now()
	c, err := d.DialContext(e.r.ctx, "tcp", target)
	if err != nil {
		e.r.wire.undial(e.connNo)
		e.connNo = 0
		h := e.header(note)
		_, _ = e.emit(ConnError{Header: h, Op: "dial", Err: err})
		return e.r.ctxErr(err)
	}
	if e.connNo == 0 { // kernel.BindFirst is not available here
		tc := c.(*net.TCPConn)
		e.connNo = e.r.wire.dialing(tc.LocalAddr().(*net.TCPAddr).AddrPort(), tc.RemoteAddr().(*net.TCPAddr).AddrPort())
	}
	took := time.Since(start)
	e.r.noteDialed(e.r.sim.clock.Now())
	if err := e.attach(c.(*net.TCPConn), 0); err != nil {
		return err
	}
	_, err = e.emit(Dialed{Header: e.header(note), Took: took})
	return err
}
