package sim

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"sessionlab/sim/spdu"
)

// Activity management (X.225 7.29–7.36) is how OSI went on with work on
// a new session connection: the transfer is an activity, started with AS.
// When the transport connection is lost, the session connection ends in
// a provider abort; both applications keep the activity. The client then
// opens a new TCP connection, transport connection and session
// connection, and resumes the activity with AR: its Linking Information
// names the old session connection and activity and the serial number to
// go on from. RTSE (X.228) used exactly this for its transfers.

// How the session layer waits when a connection was lost, at speed 1.
const (
	// resumeWindow is how long the server keeps an interrupted activity,
	// waiting for the client to come back.
	resumeWindow = 8 * time.Second
	// answerWait is how long a side waits for the other's next step of a
	// resume before it gives up: longer than a stall (StallDelay) and the
	// pacing around it, so that only a peer that is really gone times out.
	answerWait = 5 * time.Second
)

// activityID names the n-th activity of a session.
func activityID(n int) []byte { return fmt.Appendf(nil, "ACT-%d", n) }

// startActivity starts the transfer as an activity with AS, which sets
// V(A) = V(M) = V(R) = 1 (X.225 Table A-4).
func (cs *clientSession) startActivity() error {
	e := cs.e
	cs.activityN++
	id := activityID(cs.activityN)
	as := cat2(spdu.SPDU{Kind: spdu.AS, Activity: id}.With(spdu.PActivity))
	err := e.send(as, e.after(e.pacing().Beat), NoteNone, func(s *state) {
		s.sync = SyncVars{Known: true, VA: 1, VM: 1, VR: 1}
	})
	if err != nil {
		return err
	}
	cs.activity, cs.actRefs, cs.next = id, cs.refs, 0
	return nil
}

// clientReconnect opens a new session connection and resumes the
// interrupted activity on it, or starts it there if it had not started.
func (cs *clientSession) reconnect() error {
	e := cs.e
	resumeAt := e.current().sync.VA - 1 // the last point confirmed; 0: none
	for attempt := 0; attempt < 2; attempt++ {
		ans, ref, err := cs.reopen()
		switch {
		case errors.Is(err, errAborted):
			return err
		case errors.Is(err, errTimeout):
			e.forget()
			return e.timedOut("the server did not answer on the new connection")
		case err != nil && lost(err):
			e.forget()
			continue
		case err != nil:
			return err
		case mainOf(ans).Kind != spdu.AC:
			e.forget()
			return e.abort("the server refused the new session connection (" + mainOf(ans).Reason.String() + ")")
		}
		cs.refs, cs.units = ref, mainOf(ans).Units
		if cs.units&spdu.Activities == 0 {
			return e.abort("the new session connection has no activity management")
		}
		if cs.activity == nil {
			return nil // clientSession starts it
		}
		return cs.resumeAt(resumeAt)
	}
	return e.abort("the connection broke again while resuming")
}

// reopen dials and sets up a new transport connection and session
// connection (CN, AC), giving up if the server does not answer in time.
func (cs *clientSession) reopen() (spdu.Frame, refs, error) {
	e := cs.e
	var ans spdu.Frame
	var ref refs
	var dialErr error
	err := e.within(answerWait, e.expireConn, func() (err error) {
		ans, ref, err = clientOpen(e, version, e.r.script.units, NoteResume, NoteResume)
		if e.socket() == nil && err != nil && !errors.Is(err, errTimeout) {
			dialErr = err // the dial itself failed
		}
		return err
	})
	if dialErr != nil {
		return ans, ref, e.abort("it cannot reconnect: " + lostReason(dialErr))
	}
	return ans, ref, err
}

// resumeActivityAt sends AR: the Linking Information names the session
// connection the activity was on, the activity, and the serial number of
// the last point confirmed; a new activity identifier follows. AR sets
// V(A) = V(M) = sn + 1 and V(R) = 1 (Table A-4); the data after point sn
// goes again.
func (cs *clientSession) resumeAt(sn uint32) error {
	e := cs.e
	old := cs.actRefs
	cs.activityN++
	id := activityID(cs.activityN)
	ar := spdu.SPDU{Kind: spdu.AR, CalledRef: old.called, CallingRef: old.calling, CommonRef: old.common,
		OldActivity: cs.activity, Serial: sn, Activity: id}.With(spdu.POldActivity, spdu.PSerial, spdu.PActivity)
	for _, r := range []struct {
		p spdu.Param
		v []byte
	}{{spdu.PCalledRef, old.called}, {spdu.PCallingRef, old.calling}, {spdu.PCommonRef, old.common}} {
		if len(r.v) > 0 {
			ar = ar.With(r.p)
		}
	}
	err := e.send(cat2(ar), e.after(e.pacing().Beat), NoteResume, func(s *state) {
		s.sync = SyncVars{Known: true, VA: sn + 1, VM: sn + 1, VR: 1}
	})
	if err != nil {
		return err
	}
	cs.activity, cs.actRefs, cs.next = id, cs.refs, afterPoint(sn)
	again := e.current().log.Pending
	return e.discard(again, NoteResend, nil) // what goes again: everything after point sn
}

// serverAwaitResume waits, after a lost connection, for the client to
// come back on a new connection: it accepts it, sets up the transport
// connection and answers the CN with AC. The AR that follows resumes the
// activity (resumeActivity). If the client does not come back, the
// activity is given up.
func (ss *serverSession) awaitResume() error {
	e := ss.e
	giveUp := func(reason string) error { // after a watchdog gave up
		if ss.done {
			return errAborted // everything was committed: nothing is lost
		}
		return e.timedOut(reason)
	}
	if err := e.listen(NoteResume, false); err != nil {
		return err
	}
	err := e.within(resumeWindow, e.expireListener, func() error {
		return e.accept(e.pacing().Travel, NoteResume)
	})
	if errors.Is(err, errTimeout) {
		return giveUp("the client did not come back to resume the activity")
	}
	if err != nil {
		return err
	}
	var cn spdu.Frame
	err = e.within(answerWait, e.expireConn, func() (err error) {
		if err := serverTransport(e, NoteResume); err != nil {
			return err
		}
		cn, err = e.expect(NoteResume, nil, spdu.CN)
		return err
	})
	if errors.Is(err, errTimeout) {
		return giveUp("the new connection sent no CN")
	}
	if err != nil {
		return err
	}
	ref, ok, err := serverAnswer(e, cn, NoteResume)
	if err != nil || !ok {
		return err
	}
	ss.refs = ref
	return nil
}

// resumeActivity checks an AR against the activity the server keeps: the
// same activity, last run on the session connection its Linking
// Information names. It then goes on from the serial number AR carries.
func (ss *serverSession) resumeActivity(s *state, ar spdu.SPDU) (Note, error) {
	e := ss.e
	old := ss.actRefs
	if ss.activity == nil || !bytes.Equal(ar.OldActivity, ss.activity) ||
		!bytes.Equal(ar.CallingRef, old.calling) || !bytes.Equal(ar.CalledRef, old.called) {
		return NoteResume, &ProtocolError{Side: e.side, Want: "an AR for the interrupted activity", Got: "an AR for an activity it does not know"}
	}
	ss.activity, ss.actRefs = ar.Activity, ss.refs
	s.sync = SyncVars{Known: true, VA: ar.Serial + 1, VM: ar.Serial + 1, VR: 1}
	return NoteResume, nil
}
