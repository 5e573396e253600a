package sim

import (
	"errors"
	"fmt"
	"time"

	"sessionlab/sim/internal/kernel"
	"sessionlab/sim/spdu"
)

// tim is X.225's timer TIM at speed 1, in pacing time: how long the
// sender of an AB, or of an RF that asks for the transport connection to
// be released, waits for the peer to release it before releasing it
// itself (X.225 7.5, 7.9 and Annex A). X.225 leaves its value to the
// implementation; ISODE's RF sender waits 30 s.
const tim = 5 * time.Second

// awaitRelease is what the sender of an AB or of an RF with "release the
// transport connection" does next: not close first, but wait for the
// peer to release the transport connection. It reads the peer's FIN, then
// closes its own side. With a peer that is not SessionLab's own, the wait
// is bounded by TIM: when TIM runs out first, it closes anyway
// (NoteTimer). An abortive release would risk what it just sent: a
// receiver may throw away queued data on an RST.
func (e *endpoint) awaitRelease(note Note) error {
	// In a lesson the peer is SessionLab's own side, which always releases
	// the connection or loses it to a fault, and either ends the read: the
	// timer is armed only when the peer may be another program. (Armed in
	// a lesson on a manual clock, a fault's quiet moment could let the
	// clock run past TIM while the peer was still reading the RF.)
	if !e.r.sim.cfg.anyPeer {
		if err := e.expectEOF(note); err != nil {
			return err
		}
		return e.close(e.after(e.pacing().Beat), false, note)
	}
	// What the read itself met decides: within says errTimeout whenever
	// its watchdog fired, even if the read then ended otherwise (a reset
	// that came as the clock moved on).
	var read error
	err := e.within(tim, e.expireConn, func() error {
		read = e.expectEOF(note)
		return read
	})
	if errors.Is(read, errTimeout) {
		// On a manual clock the timer can run out while the peer's FIN or
		// RST is already in this side's kernel: then the peer did release
		// the connection in time, and the read says so.
		if c := e.socket(); c == nil || !kernel.Readable(c) {
			return e.close(e.after(0), false, NoteTimer)
		}
		read = e.expectEOF(note)
	}
	switch {
	case read != nil:
		return read
	case err != nil && !errors.Is(err, errTimeout):
		return err
	}
	return e.close(e.after(e.pacing().Beat), false, note)
}

// serverRelease answers the client's FN with DN, reads the client's FIN and
// closes: the orderly end of a session. With ss.refuse it first refuses
// the release with NF, sends the result it still has, and accepts the
// next FN.
func (ss *serverSession) release() error {
	e := ss.e
	beat := e.pacing().Beat
	if !ss.released {
		if ss.refuse {
			if err := ss.refuseRelease(); err != nil {
				return err
			}
		} else if _, err := e.expect(NoteNone, nil, spdu.FN); err != nil {
			return err
		}
		// Released when DN is issued, whether or not the write gets through.
		if err := e.send(spdu.NewFrame(spdu.SPDU{Kind: spdu.DN}), e.after(beat), NoteNone, func(*state) { ss.released = true }); err != nil {
			return err
		}
	}
	if err := e.expectEOF(NoteNone); err != nil {
		return err
	}
	return e.close(e.after(beat), false, NoteNone)
}

// refuseRelease reads the first FN and refuses it with NF, because the
// server still has a result to send; sends the result; and reads the
// client's second FN.
func (ss *serverSession) refuseRelease() error {
	e := ss.e
	beat := e.pacing().Beat
	if _, err := e.expect(NoteRefused, nil, spdu.FN); err != nil {
		return err
	}
	ss.refuse = false
	nf := spdu.NewFrame(spdu.SPDU{Kind: spdu.NF, UserData: []byte("I still have a result to send")}.With(spdu.PUserData))
	if err := e.send(nf, e.after(beat), NoteRefused, nil); err != nil {
		return err
	}
	result := cat2(spdu.SPDU{Kind: spdu.DT, Info: []byte(resultOf(e.st.log.Confirmed))})
	if err := e.send(result, e.after(beat), NoteResult, nil); err != nil {
		return err
	}
	_, err := e.expect(NoteNone, nil, spdu.FN)
	return err
}

// resultOf is what the server still has to send when it refuses a
// release with NF: an account of this session's work, true of this run
// (the part that refuses a release sends no data).
func resultOf(committed []uint32) string {
	if len(committed) == 0 {
		return "result: no data came in this session, so nothing to commit"
	}
	return fmt.Sprintf("result: %d data packets committed in this session", len(committed))
}

// clientRelease asks for release with FN, waits for DN, half-closes, reads
// the server's FIN and closes. An NF (release refused) is answered by
// reading what the server still sends and asking again.
func (cs *clientSession) release() error {
	e := cs.e
	beat := e.pacing().Beat
	if !cs.released {
		if err := cs.askRelease(); err != nil {
			return err
		}
	}
	if err := e.closeWrite(e.after(beat)); err != nil {
		return err
	}
	// By now the peer's kernel has acknowledged the FIN, and the server
	// has not closed its side yet: the half-closed moment.
	if err := e.observe(e.after(beat/2), NoteHalfClosed); err != nil {
		return err
	}
	if err := e.expectEOF(NoteNone); err != nil {
		return err
	}
	return e.close(e.after(beat), false, NoteNone)
}

// askRelease sends FN and reads until DN, asking again after a refusal
// (NF) once the server's result has come.
func (cs *clientSession) askRelease() error {
	e := cs.e
	beat := e.pacing().Beat
	fn := spdu.NewFrame(spdu.SPDU{Kind: spdu.FN, Disconnect: spdu.ReleaseTransport}.With(spdu.PDisconnect))
	if err := e.send(fn, e.after(beat), NoteNone, nil); err != nil {
		return err
	}
	for !cs.released {
		f, err := e.recvWith(NoteNone, func(_ *state, f *spdu.Frame) Note {
			switch mainOf(*f).Kind {
			case spdu.NF:
				return NoteRefused
			case spdu.DT:
				return NoteResult
			}
			return NoteNone
		})
		if err != nil {
			return err
		}
		switch mainOf(f).Kind {
		case spdu.DN:
			cs.released = true
		case spdu.NF:
		case spdu.DT:
			// The result the server still had: now ask again.
			if err := e.send(fn, e.after(beat), NoteRefused, nil); err != nil {
				return err
			}
		default:
			return &ProtocolError{Side: e.side, Want: "DN, NF or DT", Got: f.Kinds()}
		}
	}
	return nil
}

// clientAbort sets up a session, sends one data packet, then aborts: AB,
// then it waits (TIM) for the server to release the transport
// connection, and closes.
func clientAbort(e *endpoint) error {
	ac, _, err := clientOpen(e, version, e.r.script.units, NoteNone, NoteNone)
	if err != nil {
		return err
	}
	if mainOf(ac).Kind != spdu.AC {
		return &ProtocolError{Side: e.side, Want: "AC", Got: ac.Kinds()}
	}
	beat := e.pacing().Beat
	if err := e.sendThen(dataFrame(0), dataName(0), e.after(beat), NoteNone, nil, func(s *state) { s.log.Pending = append(s.log.Pending, 0) }); err != nil {
		return err
	}
	ab := abortFrame(spdu.UserAbort)
	if err := e.send(ab, e.after(beat), NoteAbort, nil); err != nil {
		return err
	}
	return e.awaitRelease(NoteAbort)
}

// serverAbort reads the data packet and the AB, and releases the
// transport connection as the AB asks: it closes first.
func serverAbort(e *endpoint) error {
	cn, err := serverOpen(e, e.r.opened)
	if err != nil {
		return err
	}
	if _, ok, err := serverAnswer(e, cn, NoteNone); err != nil || !ok {
		return err
	}
	held := func(s *state, f spdu.Frame) {
		if n, ok := packetOf(mainOf(f).Info); ok {
			s.log.Pending = append(s.log.Pending, n)
		}
	}
	if _, err := e.expect(NoteNone, held, spdu.DT); err != nil {
		return err
	}
	if _, err := e.expect(NoteAbort, nil, spdu.AB); err != nil {
		return err
	}
	return e.close(e.after(e.pacing().Beat), false, NoteAbort)
}

// abortFrame is AB asking to release the transport connection, with why.
func abortFrame(why spdu.Disconnect) spdu.Frame {
	return spdu.NewFrame(spdu.SPDU{Kind: spdu.AB, Disconnect: spdu.ReleaseTransport | why}.With(spdu.PDisconnect))
}

// protocolAbort ends the session after the peer broke the protocol, as
// X.225 has the session protocol machine do on an SPDU its state does not
// allow (Annex A, invalid intersections): an S-P-ABORT for its own user,
// AB with "protocol error" to the peer, then a wait (TIM) for the peer to
// release the transport connection.
func protocolAbort(e *endpoint, cause error) error {
	err := e.abort(lostReason(cause))
	_ = e.send(abortFrame(spdu.ProtocolErrorBit), e.after(0), NoteAbort, nil)
	_ = e.awaitRelease(NoteAbort)
	return err
}
