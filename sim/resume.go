package sim

import (
	"errors"
	"io"
	"syscall"
	"time"

	"sessionlab/sim/spdu"
)

// How the session layer waits when a connection was lost, at speed 1.
const (
	// ResumeWindow is how long the server keeps a session whose
	// connection broke, waiting for the client to come back.
	ResumeWindow = 8 * time.Second
	// AnswerWait is how long a side waits for the other's next step of a
	// resume before it gives up: longer than a stall (StallDelay) and the
	// pacing around it, so that only a peer that is really gone times out.
	AnswerWait = 5 * time.Second
)

// lost reports whether err means the connection is gone.
func lost(err error) bool {
	var pe *ProtocolError
	return errors.Is(err, errFaulted) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, errTimeout) || errors.Is(err, syscall.ECONNREFUSED) ||
		(errors.As(err, &pe) && pe.Got == "end of stream")
}

// lostReason says in words why a connection is gone.
func lostReason(err error) string {
	var pe *ProtocolError
	switch {
	case errors.Is(err, errFaulted):
		return "its connection was reset"
	case errors.Is(err, syscall.ECONNRESET):
		return "the connection was reset by the peer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the server refused the connection: nothing listens any more"
	case errors.Is(err, syscall.EPIPE):
		return "the peer had closed the connection"
	case errors.Is(err, errTimeout):
		return "no answer in time"
	case errors.Is(err, io.EOF), errors.As(err, &pe) && pe.Got == "end of stream":
		return "the peer closed the connection"
	case errors.As(err, &pe):
		return pe.Error()
	}
	return err.Error()
}

// drop is the lesson's own reset of the client's connection at due:
// linger 0 and close, so that the kernel sends an RST.
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
	return e.emitWire(Closed{Header: h, Abortive: true, After: kernelState(e.local, e.remote)}, rst)
}

// clientResume dials again and asks the server, with CN carrying the same
// session ID and the resume flag, to go on from its last confirmed point.
func (e *endpoint) clientResume(cs *clientSession, cause error) error {
	e.forget()
	for attempt := 0; attempt < 2; attempt++ {
		ans, err := e.askResume(cs)
		switch {
		case errors.Is(err, errTimeout):
			e.forget()
			return e.abort("the server did not answer the request to resume")
		case err != nil && lost(err):
			e.forget()
			continue
		case err != nil:
			return err
		case ans.Kind == spdu.RF:
			e.forget()
			return e.abort("the server cannot resume the session (" + ans.Reason.String() + ")")
		case ans.Kind == spdu.DN:
			return e.finishReleased()
		}
		return nil
	}
	return e.abort("the connection broke again while resuming")
}

// askResume dials and sends the resuming CN, and reads the answer: AC
// with the serial number to go on from, RF, or DN for a session already
// released.
func (e *endpoint) askResume(cs *clientSession) (spdu.Frame, error) {
	p := e.pacing()
	if err := e.dial(e.after(p.Beat), NoteResume); err != nil {
		return spdu.Frame{}, e.abort("it cannot reconnect: " + lostReason(err))
	}
	cn := spdu.Frame{Kind: spdu.CN, SessionID: cs.id, Version: Version, Units: cs.units, Data: []byte("Resume session, please")}.
		With(spdu.PSessionID, spdu.PVersion, spdu.PRequirements, spdu.PResume, spdu.PUserData)
	if err := e.send(cn, e.after(p.Beat), NoteResume, nil); err != nil {
		return spdu.Frame{}, errFaulted
	}
	var ans spdu.Frame
	err := e.within(AnswerWait, e.expireConn, func() (err error) {
		ans, err = e.expect(NoteResume, func(s *state, f spdu.Frame) { e.resumeFrom(cs, s, f) }, spdu.AC, spdu.RF, spdu.DN)
		return err
	})
	return ans, err
}

// resumeFrom applies the server's answer to a resume: AC gives the serial
// number to go on from, DN says the release had got through.
func (e *endpoint) resumeFrom(cs *clientSession, s *state, f spdu.Frame) {
	switch f.Kind {
	case spdu.DN:
		cs.done, cs.released = true, true
	case spdu.AC:
		sn := f.InitialSerial
		s.sync = SyncVars{Known: true, VM: sn, VA: sn, VR: sn}
		if cs.noData {
			return // nothing to go on with but the release
		}
		// The server's last confirmed point may be later than the last
		// MIA that got through.
		if last, ok := lastBefore(sn - 1); ok {
			confirmUpTo(s, last)
		}
		cs.next = afterPoint(sn - 1)
		cs.done = cs.next >= len(transferPlan) // past the major point: nothing left
	}
}

// finishReleased closes a resumed connection whose session had already
// been released.
func (e *endpoint) finishReleased() error {
	beat := e.pacing().Beat
	if err := e.closeWrite(e.after(beat)); err != nil {
		return err
	}
	if err := e.expectEOF(NoteNone); err != nil {
		return err
	}
	return e.close(e.after(beat), false, NoteNone)
}

// serverAwaitResume waits for the client to come back with CN carrying
// the session's ID and the resume flag, and answers AC with the serial
// number to go on from: V(A), just after the last confirmed point. A
// session already released (its DN may not have got through) is answered
// with DN again; if the client does not come back, that is no loss.
func (e *endpoint) serverAwaitResume(ss *serverSession) error {
	giveUp := func(reason string) error {
		if ss.released {
			return nil
		}
		return e.abort(reason)
	}
	if err := e.listen(NoteResume, false); err != nil {
		return err
	}
	err := e.within(ResumeWindow, e.expireListener, func() error {
		return e.accept(e.pacing().Travel, NoteResume)
	})
	if errors.Is(err, errTimeout) {
		return giveUp("the client did not come back to resume")
	}
	if err != nil {
		return err
	}
	var cn spdu.Frame
	err = e.within(AnswerWait, e.expireConn, func() (err error) {
		cn, err = e.expect(NoteResume, nil, spdu.CN)
		return err
	})
	if errors.Is(err, errTimeout) {
		return giveUp("the new connection sent no CN")
	}
	if err != nil {
		return err
	}
	return e.answerResume(ss, cn, giveUp)
}

// answerResume answers a resuming CN: RF for another session, DN for one
// already released, else AC with V(A), the serial number to go on from.
func (e *endpoint) answerResume(ss *serverSession, cn spdu.Frame, giveUp func(string) error) error {
	beat := e.pacing().Beat
	if !cn.Has.Has(spdu.PResume) || cn.SessionID != ss.id {
		rf := spdu.Frame{Kind: spdu.RF, SessionID: cn.SessionID, Reason: spdu.ReasonNone}.With(spdu.PSessionID, spdu.PReason)
		_ = e.send(rf, e.after(beat), NoteResume, nil)
		return giveUp("a connection asked for another session")
	}
	if ss.released {
		if err := e.send(spdu.Frame{Kind: spdu.DN}, e.after(beat), NoteResume, nil); err != nil {
			return err
		}
		if err := e.expectEOF(NoteNone); err != nil {
			return err
		}
		return e.close(e.after(beat), false, NoteNone)
	}
	e.mu.Lock()
	sn := e.st.sync.VA
	e.mu.Unlock()
	ac := spdu.Frame{Kind: spdu.AC, SessionID: ss.id, Version: Version, Units: ss.units, InitialSerial: sn, Data: []byte("Welcome back")}.
		With(spdu.PSessionID, spdu.PVersion, spdu.PRequirements, spdu.PInitialSerial, spdu.PUserData)
	return e.send(ac, e.after(beat), NoteResume, func(s *state) {
		s.sync.VM, s.sync.VR = sn, sn
		ss.purge = false
	})
}
