package sim

import (
	"errors"
	"net"
	"os"
	"sessionlab/sim/internal/kernel"
	"slices"
	"syscall"
	"time"

	"sessionlab/sim/spdu"
)

// send writes one frame at virtual time due. apply runs just before the
// write: a protocol machine's variables change when it issues an SPDU, and
// the peer's answer may be read before this goroutine runs again. Data
// packets keep their cadence exactly.
func (e *endpoint) send(f spdu.Frame, due time.Duration, note Note, apply func(*state)) error {
	return e.sendThen(f, nameOf(f), due, note, apply, nil)
}

// sendThen is send with the frame's name given (a data packet's number is
// its sender's to give) and a second change of state: after applies once
// the write has succeeded, so that a data packet is pending only once it
// really went out.
func (e *endpoint) sendThen(f spdu.Frame, name FrameName, due time.Duration, note Note, apply, after func(*state)) error {
	if e.socket() == nil {
		return errFaulted // nothing to write on: no turn taken, no event
	}
	pace := e.r.sim.pacer.Wait
	if mainOf(f).Kind == spdu.DT {
		pace = e.r.sim.pacer.WaitExact
	}
	if err := pace(e.r.ctx, due); err != nil {
		return err
	}
	// A stall holds back the next frame actually written, however long
	// this one waited for its turn.
	if d := e.r.takeStall(); d > 0 {
		note = NoteStalled
		if err := pace(e.r.ctx, e.r.sim.pacer.Now()+d); err != nil {
			return err
		}
	}
	raw, err := spdu.AppendFrame(e.wbuf[:0], &f)
	if err != nil {
		return err
	}
	c := e.socket()
	if c == nil {
		return e.connError("write", errFaulted)
	}
	e.update(func(s *state) {
		s.session = s.session.after(f)
		if apply != nil {
			apply(s)
		}
	})
	out := e.out()
	e.r.sim.pacer.Writing(out)
	onWire := e.r.wire.put(out, CarryFrame, name)
	if _, err := c.Write(raw); err != nil {
		e.r.wire.withdraw(out, onWire)
		return e.connError("write", err)
	}
	e.update(after)
	h := e.header(note)
	h.Wire.Put = CarryFrame
	return e.emitWire(Sent{Header: h, Frame: f, Name: name, Raw: slices.Clone(raw)}, onWire)
}

// connError reports a socket operation that failed after it had its turn
// at the pacer, and returns the error. Every action that passes the pacer
// makes exactly one event, so that a step is never used up unseen: a
// write on a socket a fault closed says so too. An RST that arrived is
// taken off the wire; whatever else was on its way here is lost.
func (e *endpoint) connError(op string, err error) error {
	if e.r.ctx.Err() != nil {
		return e.r.ctx.Err()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errTimeout
	}
	if e.isFaulted() || errors.Is(err, net.ErrClosed) {
		err = errFaulted
	}
	reset := errors.Is(err, syscall.ECONNRESET)
	e.afterFault()
	h := e.header(NoteNone)
	if reset {
		rst, lost := e.r.wire.takeOff(e.in(), CarryRST)
		h.Wire.From = idOf(e.r.ctx, rst)
		h.Wire.Lost = idsOf(e.r.ctx, lost)
	}
	if e.local.IsValid() {
		h.Wire.Lost = append(h.Wire.Lost, idsOf(e.r.ctx, e.r.wire.lostOn(e.in()))...)
	}
	_, _ = e.emit(ConnError{Header: h, Op: op, Err: err, Reset: reset})
	return err
}

// waitError is connError for a wait that failed before the operation had
// its turn: it makes no event when the fault that closed the socket has
// already made one, or when a watchdog expired the wait.
func (e *endpoint) waitError(op string, err error) error {
	if e.r.ctx.Err() != nil {
		return e.r.ctx.Err()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errTimeout
	}
	if e.isFaulted() || errors.Is(err, net.ErrClosed) {
		return errFaulted
	}
	return e.connError(op, err)
}

// ctxErr prefers the scenario's own end over the error it caused.
func (r *run) ctxErr(err error) error {
	if r.ctx.Err() != nil {
		return r.ctx.Err()
	}
	return err
}

// recv hands over the next frame. When none is left from the last read, it
// waits until the socket has data, lets the pacer give the data its travel
// time, and reads. apply runs before the event is made. End of stream and
// socket errors are reported as events and returned as errors (errEOF for
// a FIN).
func (e *endpoint) recv(note Note, apply func(*state, spdu.Frame)) (spdu.Frame, error) {
	return e.recvWith(note, func(s *state, f *spdu.Frame) Note {
		if apply != nil {
			apply(s, *f)
		}
		return note
	})
}

// recvWith is recv where the frame decides the note: decide applies the
// frame to the state and says what the frame was (a duplicate, say); it
// may also name the frame more precisely, as only the protocol state can
// (an AEA arrives as SI 42, like an MAA). note is for the end of stream.
func (e *endpoint) recvWith(note Note, decide func(*state, *spdu.Frame) Note) (spdu.Frame, error) {
	p := e.r.sim.pacer
	if len(e.queued) == 0 {
		if err := e.fill(note); err != nil {
			return spdu.Frame{}, err
		}
	} else if err := p.ReadTurn(e.r.ctx, p.Now(), e.in()); err != nil {
		return spdu.Frame{}, err
	}
	rx := e.queued[0]
	e.queued = e.queued[1:]
	e.update(func(s *state) {
		s.session = s.session.after(rx.Frame)
		note = decide(s, &rx.Frame)
	})
	from, lost := rx.Wire.From, rx.Wire.Lost // set by decodeInbox
	rx.Header = e.header(note)
	rx.Wire.From, rx.Wire.Lost = from, lost
	_, err := e.emit(rx)
	return rx.Frame, err
}

// fill performs one paced read and decodes every whole frame in it. A frame
// cut across reads is completed with further reads, which are not paced
// again. note goes on the event if the read finds the end of stream.
func (e *endpoint) fill(note Note) error {
	conn := e.socket()
	if conn == nil {
		return errFaulted // the side already let this connection go
	}
	p := e.r.sim.pacer
	in := e.in()
	readyErr, err := p.AwaitData(e.connCtx(), in, func() error { return kernel.WaitReadable(conn) }, e.pacing().Travel)
	if readyErr != nil {
		return e.waitError("read", readyErr)
	}
	if err != nil {
		return e.r.ctxErr(errFaulted) // the side let this connection go while the read waited its turn
	}
	read := 0
	for {
		n, rxAt, err := kernel.ReadStamped(conn, e.inbox[len(e.inbox):cap(e.inbox)])
		if err == errEOF && len(e.inbox) == 0 {
			return e.peerClosed(note)
		}
		if err != nil {
			if err == errEOF {
				err = &ProtocolError{Side: e.side, Want: "the rest of a frame", Got: "end of stream"}
			}
			return e.connError("read", err)
		}
		e.inbox = e.inbox[:len(e.inbox)+n]
		read += n
		frames, err := e.decodeInbox(rxAt)
		if errors.Is(err, errFaulted) {
			return err // a fault closed the socket under this read: said already
		}
		if err != nil {
			return e.refuse(err)
		}
		if len(frames) > 0 {
			for i := range frames {
				frames[i].ReadBytes, frames[i].FramesInRead, frames[i].Index = read, len(frames), i
			}
			e.queued = frames
			return nil
		}
		// Part of a frame: the rest is already on its way, unpaced.
		if err := p.Idle(func() error { return kernel.WaitReadable(conn) }); err != nil {
			return e.connError("read", err)
		}
	}
}

// decodeInbox decodes the whole frames read so far, takes each off the
// wire, and leaves a partial one in the inbox.
func (e *endpoint) decodeInbox(rxAt time.Time) ([]Received, error) {
	var out []Received
	b := e.inbox
	for len(b) > 0 {
		n, err := spdu.TPKTLen(b)
		if errors.Is(err, spdu.ErrTruncated) || (err == nil && n > len(b)) {
			break
		}
		if err != nil {
			return nil, err
		}
		rx := Received{Raw: slices.Clone(b[:n])}
		if _, err := rx.Frame.Decode(b[:n]); err != nil {
			return nil, err
		}
		c, lost := e.r.wire.takeOff(e.in(), CarryFrame)
		if c == nil && e.isFaulted() {
			// A fault closed this side's socket between the read and now,
			// and reported what was on its way here as lost: a crashing
			// process does not act on what it had just read.
			return nil, errFaulted
		}
		rx.Wire.From, rx.Wire.Lost = idOf(e.r.ctx, c), idsOf(e.r.ctx, lost)
		rx.Name = nameOf(rx.Frame) // another program's frame: named by its fields
		if c != nil {
			rx.Name = c.name
		}
		// The kernel stamps a read with its last segment's arrival, so only
		// the read's last frame gets a transit time.
		if len(b) == n && c != nil && !rxAt.IsZero() && rxAt.After(c.wroteAt) {
			rx.Transit = rxAt.Sub(c.wroteAt)
		}
		out = append(out, rx)
		b = b[n:]
	}
	e.inbox = append(e.inbox[:0], b...)
	return out, nil
}

// refuse answers bytes from the peer that do not decode, as the
// standards say: ER for a broken TPKT or TPDU (ISO 8073 class 0), AB with
// "protocol error" for a broken SPDU (X.225). It reports what arrived
// first, then sends the answer, and returns the protocol error.
func (e *endpoint) refuse(cause error) error {
	perr := &ProtocolError{Side: e.side, Want: "a well-formed frame", Got: cause.Error()}
	err := e.connError("read", perr)
	ans := spdu.NewFrame(spdu.SPDU{Kind: spdu.AB, Disconnect: spdu.ReleaseTransport | spdu.ProtocolErrorBit}.With(spdu.PDisconnect))
	if errors.Is(cause, spdu.ErrTPKT) || errors.Is(cause, spdu.ErrTPDU) {
		ans = spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeER, Dst: e.peerRef}}
	}
	_ = e.send(ans, e.after(0), NoteAbort, nil)
	return err
}

// peerClosed reports the end of the peer's byte stream: its FIN came off
// the wire.
func (e *endpoint) peerClosed(note Note) error {
	h := e.header(note)
	fin, lost := e.r.wire.takeOff(e.in(), CarryFIN)
	h.Wire.From, h.Wire.Lost = idOf(e.r.ctx, fin), idsOf(e.r.ctx, lost)
	if _, err := e.emit(PeerClosed{h}); err != nil {
		return err
	}
	return errEOF
}

// expect receives a frame and fails unless it is one of kinds.
func (e *endpoint) expect(note Note, apply func(*state, spdu.Frame), kinds ...spdu.Kind) (spdu.Frame, error) {
	f, err := e.recv(note, func(s *state, f spdu.Frame) {
		if apply != nil && slices.Contains(kinds, mainOf(f).Kind) {
			apply(s, f)
		}
	})
	if err == errEOF {
		return f, &ProtocolError{Side: e.side, Want: kindList(kinds), Got: "end of stream"}
	}
	if err != nil {
		return f, err
	}
	if !slices.Contains(kinds, mainOf(f).Kind) {
		return f, &ProtocolError{Side: e.side, Want: kindList(kinds), Got: f.Kinds()}
	}
	return f, nil
}

// expectEOF reads until the peer's FIN.
func (e *endpoint) expectEOF(note Note) error {
	f, err := e.recv(note, nil)
	if err == errEOF {
		return nil
	}
	if err != nil {
		return err
	}
	return &ProtocolError{Side: e.side, Want: "end of stream", Got: f.Kinds()}
}
