package sim

import (
	"fmt"
	"sessionlab/sim/spdu"
)

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
// and a close with linger 0 so the kernel resets the connection.
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
	return e.close(e.after(0), true, NoteAbort)
}

// serverAbort reads the data packet and the AB; its next read fails with
// "connection reset by peer", and it closes its socket.
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
	if _, err := e.recv(NoteAbort, nil); err == nil || err == errEOF {
		return &ProtocolError{Side: e.side, Want: "a reset connection", Got: "more data or end of stream"}
	}
	return e.close(e.after(e.pacing().Beat), false, NoteAbort)
}

// abortFrame is AB asking to release the transport connection, with why.
func abortFrame(why spdu.Disconnect) spdu.Frame {
	return spdu.NewFrame(spdu.SPDU{Kind: spdu.AB, Disconnect: spdu.ReleaseTransport | why}.With(spdu.PDisconnect))
}

// userAbort ends the session with AB after the peer broke the protocol.
func userAbort(e *endpoint, cause error) error {
	_ = e.send(abortFrame(spdu.UserAbort), e.after(0), NoteAbort, nil)
	_ = e.close(e.after(0), true, NoteAbort)
	return e.abort(lostReason(cause))
}
