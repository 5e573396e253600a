package sim

import (
	"errors"
	"fmt"
	"sessionlab/sim/internal/pace"
	"slices"
	"time"

	"sessionlab/sim/spdu"
)

// clientSession is what the client's session layer keeps. The session
// connection ends with its transport connection; what outlives it is the
// activity, which a new session connection can resume (activities).
type clientSession struct {
	e          *endpoint         // the client's socket layer
	refs       refs              // this session connection's references
	units      spdu.Units        // the functional units AC accepted
	activities bool              // Activity management was selected
	activity   []byte            // the activity in progress: started (AS) or resumed (AR); nil: none yet
	activityN  int               // activity identifiers used so far
	actRefs    refs              // the session connection the activity is (or was last) on
	next       int               // plan position of the next item to send
	sentMax    int               // highest data packet ever sent; -1: none
	pointMax   uint32            // highest sync point ever sent
	covers     map[uint32]uint32 // serial -> last data packet before that point; read and written with the state (endpoint.update)
	awaitAEA   bool              // the last point sent was an AE: the SI 42 that answers it is an AEA; with the state
	mail       *pace.Mailbox[clientMail]
	probed     bool   // the TCP acknowledgement check was shown
	dropAt     uint32 // Recover: reset the connection once the server has confirmed this point; 0: never
	done       bool   // MAA or AEA received: every packet confirmed
	released   bool   // DN received: the session is over
	noData     bool   // the session only opens and releases: it has no data to send
	gone       bool   // the reader of this connection has said its last word
}

type mailKind int

const (
	mailDone   mailKind = iota // MAA: everything is confirmed
	mailResync                 // RS: restart at serial
	mailLost                   // the connection is gone
	mailAbort                  // the peer broke the protocol
	mailGone                   // the reader has stopped: its last message
)

// clientMail is what the client's reader tells its sender.
type clientMail struct {
	kind   mailKind
	serial uint32
	err    error
}

// clientSession runs the client after the session was accepted: an
// activity if the session has them, data and sync points, the release.
// When the transport connection is lost, the session connection ends in
// a provider abort (X.225 has no reconnect); an activity in progress is
// then resumed on a new session connection.
func (cs *clientSession) run() error {
	e := cs.e
	for {
		var err error
		switch {
		case cs.activities && cs.activity == nil && !cs.done:
			err = cs.startActivity()
		case !cs.done:
			err = cs.transfer()
		default:
			err = cs.release()
		}
		switch {
		case err == nil && cs.released:
			return nil
		case err == nil:
			continue
		case cs.released || e.r.ctx.Err() != nil:
			e.forget()
			return e.r.ctxErr(nil)
		case errors.Is(err, errAborted), !lost(err):
			return err
		}
		e.forget()
		if errors.Is(err, errTimeout) { // S-P-ABORT: the session connection is gone
			_ = e.timedOut(lostReason(err))
		} else {
			_ = e.abort(lostReason(err))
		}
		if !cs.activities || cs.done {
			return errAborted // nothing left that an activity could resume
		}
		if err := cs.reconnect(); err != nil {
			return err
		}
	}
}

// clientTransfer sends the plan from cs.next on one connection, while a
// second goroutine reads the confirmations and mails them to the sender.
// It returns nil once everything is confirmed, or the error that ended the
// connection; either way the reader has stopped.
func (cs *clientSession) transfer() error {
	e := cs.e
	cs.gone = false
	e.r.goCounted(func() {
		defer cs.mail.Post(clientMail{kind: mailGone})
		cs.reader()
	})
	err := cs.send()
	if err != nil {
		e.forget() // wakes the reader if it still waits
	}
	for !cs.gone {
		m, werr := cs.mail.Wait(e.r.ctx)
		if werr != nil {
			break // cancelled: the scenario waits for the reader itself
		}
		cs.gone = m.kind == mailGone
	}
	return err
}

// cadence keeps the data packets one Cadence apart from a start.
type cadence struct {
	start time.Duration
	n     int
	last  time.Duration // when the last data packet was due
}

func (c *cadence) restart(at time.Duration) { *c = cadence{start: at, last: at} }

func (c *cadence) next(every time.Duration) time.Duration {
	c.last = c.start + every*time.Duration(c.n)
	c.n++
	return c.last
}

// clientSend sends the plan and acts on what the reader reports.
func (cs *clientSession) send() error {
	e := cs.e
	var cad cadence
	cad.restart(e.after(e.pacing().Beat))
	for !cs.done {
		m, ok := cs.mail.Take()
		if !ok && cs.next >= len(transferPlan) {
			// All sent: wait for the confirmation (or a resync).
			var err error
			if m, err = cs.mail.Wait(e.r.ctx); err != nil {
				return err
			}
			ok = true
		}
		var err error
		switch {
		case ok:
			err = cs.handle(m, &cad)
		case transferPlan[cs.next].point:
			err = cs.sendPoint(transferPlan[cs.next], cad.last)
		default:
			err = cs.sendData(transferPlan[cs.next].seq, &cad)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// clientHandle acts on what the reader reported.
func (cs *clientSession) handle(m clientMail, cad *cadence) error {
	e := cs.e
	switch m.kind {
	case mailDone:
		cs.done = true
		return nil
	case mailLost:
		return m.err
	case mailAbort:
		return protocolAbort(e, m.err)
	case mailGone:
		cs.gone = true
		return errFaulted // the reader stopped without a word: the connection is gone
	}
	return cs.answerResync(m.serial, cad)
}

// sendData sends one data packet on the cadence. The lesson's own reset
// (Recover) comes right after the packet it names.
func (cs *clientSession) sendData(seq uint32, cad *cadence) error {
	e := cs.e
	due := cad.next(e.pacing().Cadence)
	note := NoteNone
	if int(seq) <= cs.sentMax {
		note = NoteResend
	}
	// Pending once it really went out: a write that fails sends nothing.
	err := e.sendThen(dataFrame(seq), dataName(seq), due, note, nil, func(s *state) {
		if !slices.Contains(s.log.Pending, seq) && !slices.Contains(s.log.Confirmed, seq) {
			s.log.Pending = append(s.log.Pending, seq)
		}
	})
	if err != nil {
		return err
	}
	cs.sentMax = max(cs.sentMax, int(seq))
	cs.next++
	return nil
}

// sendPoint sets a sync point right after the data before it (at due),
// with the next serial number, V(M): MIP, MAP, or AE when it ends the
// activity.
func (cs *clientSession) sendPoint(it planItem, due time.Duration) error {
	e := cs.e
	kind := spdu.MIP
	switch {
	case it.major && cs.activity != nil:
		kind = spdu.AE
	case it.major:
		kind = spdu.MAP
	}
	var sn uint32
	e.update(func(s *state) { // covers is read with the state: see confirm
		sn = s.sync.VM
		cs.covers[sn] = transferPlan[cs.next-1].seq
	})
	note := NoteNone
	if sn <= cs.pointMax {
		note = NoteResend
	}
	// Set before the write: the reader may read the answer at once.
	e.update(func(*state) { cs.awaitAEA = kind == spdu.AE })
	if err := e.send(withSerial(kind, sn), due, note, func(s *state) { s.sync.VM++ }); err != nil {
		return err
	}
	cs.pointMax = max(cs.pointMax, sn)
	cs.next++
	p := e.pacing()
	if sn == cs.dropAt {
		// The lesson's own reset: after the server has committed point sn
		// and sent its MIA, before the MIA is read.
		cs.dropAt = 0
		if err := e.drop(due + p.Travel + p.Commit + p.Beat/6); err != nil {
			return err
		}
		return errFaulted
	}
	if cs.probed || kind != spdu.MIP {
		return nil
	}
	// Shortly after the first sync point the server's kernel has
	// acknowledged every byte, long before the server's MIA can come.
	cs.probed = true
	return e.observe(due+p.Travel/2, NoteAckCheck)
}

// clientReader reads confirmations and resynchronizations until the MAA,
// or until the connection ends, and tells the sender.
func (cs *clientSession) reader() {
	e := cs.e
	for {
		var bad error
		f, err := e.recvWith(NoteNone, func(s *state, f *spdu.Frame) Note {
			if cs.awaitAEA && mainOf(*f).Kind == spdu.MAA {
				// SI 42 answers an AE here: only the state tells an AEA.
				f.SPDUs[f.N-1].Kind = spdu.AEA
			}
			note, err := cs.confirm(s, *f)
			bad = err
			return note
		})
		switch {
		case err != nil:
			cs.mail.Post(clientMail{kind: mailLost, err: err})
			return
		case bad != nil:
			cs.mail.Post(clientMail{kind: mailAbort, err: &ProtocolError{Side: e.side, Want: "a valid confirmation", Got: bad.Error()}})
			return
		case mainOf(f).Kind == spdu.MAA, mainOf(f).Kind == spdu.AEA:
			cs.mail.Post(clientMail{kind: mailDone})
			return
		case mainOf(f).Kind == spdu.RS:
			resend := e.current().log.Pending
			if err := e.discard(resend, NoteResend, nil); err != nil {
				return
			}
			cs.mail.Post(clientMail{kind: mailResync, serial: mainOf(f).Serial})
		}
	}
}

// clientConfirm applies a frame read during the transfer to the client's
// state: MIA and MAA confirm, RS asks for a restart. It returns the note
// for the frame, or what is wrong with it.
func (cs *clientSession) confirm(s *state, fr spdu.Frame) (Note, error) {
	f := mainOf(fr)
	switch f.Kind {
	case spdu.MIA, spdu.MAA, spdu.AEA:
		// X.225 Table A-4: an MIA may confirm any point from V(A) up to
		// the last one sent; an MAA or AEA only the last one, V(M) - 1.
		if f.Serial < s.sync.VA || f.Serial >= s.sync.VM {
			return NoteNone, fmt.Errorf("%v %d outside V(A)=%d..V(M)-1=%d", f.Kind, f.Serial, s.sync.VA, s.sync.VM-1)
		}
		if f.Kind != spdu.MIA && f.Serial+1 != s.sync.VM {
			return NoteNone, fmt.Errorf("%v %d, not the last point sent, V(M)-1=%d", f.Kind, f.Serial, s.sync.VM-1)
		}
		// One acknowledgement confirms every earlier sync point too.
		s.sync.VA = f.Serial + 1
		if f.Kind != spdu.MIA {
			// X.225 Table A-4: MAA (and AEA) set V(A) = V(R) = V(M).
			s.sync.VA, s.sync.VR = s.sync.VM, s.sync.VM
		}
		confirmUpTo(s, cs.covers[f.Serial])
		return NoteCommitted, nil
	case spdu.RS:
		if sn := f.Serial; f.Resync != spdu.Restart || sn < s.sync.VR || sn > s.sync.VM {
			return NoteResync, fmt.Errorf("RS %v %d outside V(R)=%d..V(M)=%d", f.Resync, sn, s.sync.VR, s.sync.VM)
		}
		// The variables change when this side answers with RA.
		return NoteResync, nil
	}
	return NoteNone, fmt.Errorf("unexpected %v during the transfer", fr.Kinds())
}
