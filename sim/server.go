package sim

// The server's side of the transfer: it receives data, commits it, and
// confirms sync points; its side of release and resume is in release.go
// and activity.go.

import (
	"errors"
	"fmt"
	"sessionlab/sim/spdu"
	"slices"
	"time"
)

// serverSession is what the server's session layer keeps. Its
// activity, with what was committed in it, outlives a lost connection so
// that a new session connection can resume it.
type serverSession struct {
	e          *endpoint  // the server's socket layer
	refs       refs       // this session connection's references
	units      spdu.Units // the functional units it accepted
	activities bool       // Activity management was selected
	activity   []byte     // the activity in progress; nil: none
	actRefs    refs       // the session connection the activity is (or was last) on
	committed  uint32     // the highest sync point committed and confirmed; 0: none
	failAt     uint32     // Recover: the sync point whose commit fails once; 0: none
	purge      bool       // between RS and RA, data in transit is thrown away
	resyncAt   uint32     // the serial number of the RS awaiting its RA
	done       bool       // MAA or AEA sent: everything committed
	released   bool       // DN sent: the session is over
	refuse     bool       // Terminate: refuse the first FN with NF, send a result, then accept
}

// serverSession runs the server after it accepted the session: it
// receives and commits data, releases, and, when the connection breaks
// during an activity, waits for a new session connection to resume it.
func (ss *serverSession) run() error {
	e := ss.e
	ss.activities = ss.units&spdu.Activities != 0
	for {
		var err error
		if !ss.done {
			err = ss.receive()
			if err == nil {
				ss.done = true
				continue
			}
		} else {
			err = ss.release()
		}
		switch {
		case err == nil:
			return nil
		case e.r.ctx.Err() != nil || e.isStopped():
			e.forget()
			return e.r.ctxErr(nil)
		case errors.Is(err, errAborted), !lost(err):
			return err
		}
		e.forget()
		var lost []uint32
		e.update(func(s *state) {
			lost, s.log.Pending = s.log.Pending, nil // what was not committed is gone with the session connection
		})
		e.providerAbort(lostReason(err), lost, !errors.Is(err, errTimeout))
		if !ss.activities || ss.activity == nil || ss.released {
			return errAborted
		}
		if err := ss.awaitResume(); err != nil {
			return err
		}
	}
}

// serverReceive receives data until the MAA or AEA is sent: it holds data
// packets, recognises by serial number what it had already committed,
// commits at each sync point and confirms.
func (ss *serverSession) receive() error {
	e := ss.e
	for {
		var purged bool
		var refused error
		f, err := e.recvWith(NoteNone, func(s *state, f *spdu.Frame) Note {
			purged = ss.purge && mainOf(*f).Kind != spdu.RA
			note, err := ss.apply(s, *f, purged)
			refused = err
			return note
		})
		if err != nil {
			return err
		}
		if refused != nil {
			return protocolAbort(e, refused)
		}
		m := mainOf(f)
		switch {
		case purged, m.Kind == spdu.DT, m.Kind == spdu.RA, m.Kind == spdu.AS, m.Kind == spdu.AR:
			continue
		case m.Kind != spdu.MIP && m.Kind != spdu.MAP && m.Kind != spdu.AE:
			return protocolAbort(e, &ProtocolError{Side: e.side, Want: "DT, MIP, MAP, AE, AS, AR or RA", Got: f.Kinds()})
		case ss.failAt != 0 && m.Serial == ss.failAt:
			ss.failAt = 0
			if err := ss.resync(); err != nil {
				return err
			}
			continue
		}
		if err := ss.confirm(m); err != nil || m.Kind != spdu.MIP {
			return err
		}
	}
}

// serverApply applies a frame read during the transfer to the server's
// state and returns its note, or why the frame cannot be taken.
func (ss *serverSession) apply(s *state, fr spdu.Frame, purged bool) (Note, error) {
	f := mainOf(fr)
	switch {
	case purged:
		return NotePurged, nil
	case f.Kind == spdu.DT && s.sync.VM <= ss.committed:
		// Data before a sync point already committed: it came again after
		// a resume, because its confirmation was lost.
		return NoteDuplicate, nil
	case f.Kind == spdu.DT:
		if n, ok := packetOf(f.Info); ok {
			s.log.Pending = append(s.log.Pending, n)
		}
	case f.Kind == spdu.MIP, f.Kind == spdu.MAP, f.Kind == spdu.AE:
		// X.225 Table A-4: a sync point is valid only with the serial
		// number V(M); ISODE too drops a MAP with another.
		if f.Serial != s.sync.VM {
			return NoteNone, &ProtocolError{Side: Server, Want: fmt.Sprintf("%v with serial number %d (V(M), X.225 Table A-4)", f.Kind, s.sync.VM),
				Got: fmt.Sprintf("%v %d", f.Kind, f.Serial)}
		}
		s.sync.VM = f.Serial + 1
		if f.Serial <= ss.committed {
			return NoteDuplicate, nil
		}
	case f.Kind == spdu.RA:
		// The RS sender's variables change when the RA arrives.
		ss.purge = false
		s.sync.VA, s.sync.VM = ss.resyncAt, ss.resyncAt
		return NoteResync, nil
	case f.Kind == spdu.AS:
		ss.activity, ss.actRefs, ss.committed = f.Activity, ss.refs, 0
		s.sync = SyncVars{Known: true, VA: 1, VM: 1, VR: 1} // X.225 Table A-4: AS
	case f.Kind == spdu.AR:
		return ss.resumeActivity(s, f)
	}
	return NoteNone, nil
}

// confirm answers the sync point f with MIA, MAA or AEA: after
// committing what the server holds, or at once when the point was
// committed before (its confirmation was lost on the old connection).
func (ss *serverSession) confirm(f spdu.SPDU) error {
	e := ss.e
	again := f.Serial <= ss.committed
	if !again {
		if err := ss.commit(e.after(e.pacing().Commit)); err != nil {
			return err
		}
	}
	kind := map[spdu.Kind]spdu.Kind{spdu.MIP: spdu.MIA, spdu.MAP: spdu.MAA, spdu.AE: spdu.AEA}[f.Kind]
	note := NoteCommitted
	if again {
		note = NoteDuplicate
	}
	// Like every SPDU, the MAA changes the state when it is issued: if the
	// write then fails, the session is still complete, and a resumed
	// connection goes straight to the release.
	return e.send(withSerial(kind, f.Serial), e.after(0), note, func(s *state) {
		s.sync.VA = f.Serial + 1
		ss.committed = max(ss.committed, f.Serial)
		if kind != spdu.MIA {
			s.sync.VA, s.sync.VR = s.sync.VM, s.sync.VM
			ss.done = true
		}
	})
}

// commit moves what the receiver holds into its log.
func (ss *serverSession) commit(due time.Duration) error {
	e := ss.e
	if err := e.pace(due); err != nil {
		return err
	}
	var seqs []uint32
	e.update(func(s *state) {
		seqs = s.log.Pending
		s.log.Confirmed = append(s.log.Confirmed, seqs...)
		s.log.Pending = nil
	})
	_, err := e.emit(Committed{Header: e.header(NoteNone), Seqs: slices.Clone(seqs)})
	return err
}
