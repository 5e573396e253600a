package sim

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"sessionlab/sim/spdu"
)

// Packets is how many data packets a transfer sends: DT 0 to DT 4.
const Packets = 5

// planItem is one step of the client's transfer: a data packet, or a sync
// point after the packets before it.
type planItem struct {
	seq   uint32
	point bool
	major bool
}

// transferPlan is DT 0 to DT 4 with minor sync points after DT 1 and DT 3
// and a major one after DT 4. Sync point k gets serial number k.
var transferPlan = []planItem{{seq: 0}, {seq: 1}, {point: true}, {seq: 2}, {seq: 3}, {point: true}, {seq: 4}, {point: true, major: true}}

// afterPoint returns the plan position just after sync point k (0: the
// start).
func afterPoint(k uint32) int {
	n := uint32(0)
	for i, it := range transferPlan {
		if n == k {
			return i
		}
		if it.point {
			n++
		}
	}
	return len(transferPlan)
}

// lastBefore returns the last data packet before sync point k, and false
// when there is none (k = 0).
func lastBefore(k uint32) (uint32, bool) {
	i := afterPoint(k)
	for j := i - 1; j >= 0; j-- {
		if !transferPlan[j].point {
			return transferPlan[j].seq, true
		}
	}
	return 0, false
}

func dataFrame(seq uint32) spdu.Frame {
	return spdu.Frame{Kind: spdu.DT, Seq: seq, Data: fmt.Appendf(nil, "data packet %d", seq)}.With(spdu.PSeq, spdu.PUserData)
}

// confirmUpTo moves the data packets up to and including last from
// Pending to Confirmed, keeping their order.
func confirmUpTo(s *state, last uint32) {
	s.log.Pending = slices.DeleteFunc(s.log.Pending, func(seq uint32) bool {
		if seq <= last {
			if !slices.Contains(s.log.Confirmed, seq) {
				s.log.Confirmed = append(s.log.Confirmed, seq)
			}
			return true
		}
		return false
	})
}

// clientSession is what the client's session layer keeps across
// connections.
type clientSession struct {
	id       uint64
	units    spdu.Units
	next     int               // plan position of the next item to send
	sentMax  int               // highest data packet ever sent; -1: none
	pointMax uint32            // highest sync point ever sent
	covers   map[uint32]uint32 // serial -> last data packet before that point; under endpoint.mu
	mail     *mailbox[clientMail]
	probed   bool // the TCP acknowledgement check was shown
	drop     int  // Recover: reset the connection after sending this packet; -1: never
	noData   bool // the session only opens and releases: it has no data to send
	done     bool // MAA received: every packet confirmed
	released bool // DN received: the session is over
	gone     bool // the reader of this connection has said its last word
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

// clientSession runs the client of a transfer scenario after the session
// was accepted: data, sync points, release, and recovery.
func (e *endpoint) clientSession(cs *clientSession) error {
	for {
		var err error
		if !cs.done {
			err = e.clientTransfer(cs)
		} else {
			err = e.clientRelease(cs)
		}
		switch {
		case err == nil && cs.released:
			return nil
		case err == nil:
			continue
		case cs.released || e.r.ctx.Err() != nil:
			e.forget()
			return e.r.ctxErr(nil)
		case errors.Is(err, errAborted):
			return err
		case !lost(err):
			return err
		}
		if err := e.clientResume(cs, err); err != nil {
			return err
		}
	}
}

// clientTransfer sends the plan from cs.next on one connection, while a
// second goroutine reads the confirmations and mails them to the sender.
// It returns nil once everything is confirmed, or the error that ended the
// connection; either way the reader has stopped.
func (e *endpoint) clientTransfer(cs *clientSession) error {
	cs.gone = false
	e.r.goCounted(func() {
		defer cs.mail.post(clientMail{kind: mailGone})
		e.clientReader(cs)
	})
	err := e.clientSend(cs)
	if err != nil {
		e.forget() // wakes the reader if it still waits
	}
	for !cs.gone {
		m, werr := cs.mail.wait(e.r.ctx)
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
func (e *endpoint) clientSend(cs *clientSession) error {
	var cad cadence
	cad.restart(e.after(e.pacing().Beat))
	for !cs.done {
		m, ok := cs.mail.take()
		if !ok && cs.next >= len(transferPlan) {
			// All sent: wait for the confirmation (or a resync).
			var err error
			if m, err = cs.mail.wait(e.r.ctx); err != nil {
				return err
			}
			ok = true
		}
		var err error
		switch {
		case ok:
			err = e.clientHandle(cs, m, &cad)
		case transferPlan[cs.next].point:
			err = e.sendPoint(cs, transferPlan[cs.next], cad.last)
		default:
			err = e.sendData(cs, transferPlan[cs.next].seq, &cad)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// clientHandle acts on what the reader reported.
func (e *endpoint) clientHandle(cs *clientSession, m clientMail, cad *cadence) error {
	switch m.kind {
	case mailDone:
		cs.done = true
		return nil
	case mailLost:
		return m.err
	case mailAbort:
		return e.userAbort(m.err)
	case mailGone:
		cs.gone = true
		return errFaulted // the reader stopped without a word: the connection is gone
	}
	return e.answerResync(cs, m.serial, cad)
}

// sendData sends one data packet on the cadence. The lesson's own reset
// (Recover) comes right after the packet it names.
func (e *endpoint) sendData(cs *clientSession, seq uint32, cad *cadence) error {
	due := cad.next(e.pacing().Cadence)
	note := NoteNone
	if int(seq) <= cs.sentMax {
		note = NoteResend
	}
	err := e.send(dataFrame(seq), due, note, func(s *state) {
		if !slices.Contains(s.log.Pending, seq) && !slices.Contains(s.log.Confirmed, seq) {
			s.log.Pending = append(s.log.Pending, seq)
		}
	})
	if err != nil {
		return err
	}
	cs.sentMax = max(cs.sentMax, int(seq))
	cs.next++
	if int(seq) != cs.drop {
		return nil
	}
	// Once the server has read this packet, and before anything confirms it.
	cs.drop = -1
	p := e.pacing()
	if err := e.drop(due + p.Travel + p.Beat/6); err != nil {
		return err
	}
	return errFaulted
}

// sendPoint sets a sync point right after the data before it (at due),
// with the next serial number, V(M).
func (e *endpoint) sendPoint(cs *clientSession, it planItem, due time.Duration) error {
	kind := spdu.MIP
	if it.major {
		kind = spdu.MAP
	}
	e.mu.Lock()
	sp := spdu.Frame{Kind: kind, Serial: e.st.sync.VM}.With(spdu.PSerial)
	cs.covers[sp.Serial] = transferPlan[cs.next-1].seq
	e.mu.Unlock()
	note := NoteNone
	if sp.Serial <= cs.pointMax {
		note = NoteResend
	}
	if err := e.send(sp, due, note, func(s *state) { s.sync.VM++ }); err != nil {
		return err
	}
	cs.pointMax = max(cs.pointMax, sp.Serial)
	cs.next++
	if cs.probed || kind != spdu.MIP {
		return nil
	}
	// Shortly after the first sync point the server's kernel has
	// acknowledged every byte, long before the server's MIA can come.
	cs.probed = true
	return e.observe(due+e.pacing().Travel/2, NoteAckCheck)
}

// clientReader reads confirmations and resynchronizations until the MAA,
// or until the connection ends, and tells the sender.
func (e *endpoint) clientReader(cs *clientSession) {
	for {
		var bad error
		f, err := e.recvWith(NoteNone, func(s *state, f spdu.Frame) Note {
			note, err := e.clientConfirm(cs, s, f)
			bad = err
			return note
		})
		switch {
		case err != nil:
			cs.mail.post(clientMail{kind: mailLost, err: err})
			return
		case bad != nil:
			cs.mail.post(clientMail{kind: mailAbort, err: &ProtocolError{Side: e.side, Want: "a valid confirmation", Got: bad.Error()}})
			return
		case f.Kind == spdu.MAA:
			cs.mail.post(clientMail{kind: mailDone})
			return
		case f.Kind == spdu.RS:
			e.mu.Lock()
			resend := slices.Clone(e.st.log.Pending)
			e.mu.Unlock()
			if err := e.discard(resend, NoteResend, nil); err != nil {
				return
			}
			cs.mail.post(clientMail{kind: mailResync, serial: f.Serial})
		}
	}
}

// clientConfirm applies a frame read during the transfer to the client's
// state: MIA and MAA confirm, RS asks for a restart. It returns the note
// for the frame, or what is wrong with it.
func (e *endpoint) clientConfirm(cs *clientSession, s *state, f spdu.Frame) (Note, error) {
	switch f.Kind {
	case spdu.MIA, spdu.MAA:
		if f.Serial < s.sync.VA || f.Serial >= s.sync.VM {
			return NoteNone, fmt.Errorf("%v %d outside V(A)=%d..V(M)=%d", f.Kind, f.Serial, s.sync.VA, s.sync.VM)
		}
		// One acknowledgement confirms every earlier sync point too.
		s.sync.VA = f.Serial + 1
		if f.Kind == spdu.MAA {
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
	return NoteNone, fmt.Errorf("unexpected %v during the transfer", f.Kind)
}

// serverSession is what the server's session layer keeps across
// connections.
type serverSession struct {
	id       uint64
	units    spdu.Units
	failAt   uint32 // Recover: the sync point whose commit fails once; 0: none
	purge    bool   // between RS and RA, data in transit is thrown away
	resyncAt uint32 // the serial number of the RS awaiting its RA
	done     bool   // MAA sent: everything committed
	released bool   // DN sent: the session is over
	refuse   bool   // Terminate: refuse the first FN with NF, send a result, then accept
}

// serverSession runs the server of a transfer scenario after it accepted
// the session: it receives and commits data, releases, and keeps the
// session for a while when the connection breaks.
func (e *endpoint) serverSession(ss *serverSession) error {
	for {
		var err error
		if !ss.done {
			err = e.serverReceive(ss)
			if err == nil {
				ss.done = true
				continue
			}
		} else {
			err = e.serverRelease(ss)
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
		if err := e.serverAwaitResume(ss); err != nil || ss.released {
			return err
		}
	}
}

// held reports whether the receiver already has data packet seq.
func held(s *state, seq uint32) bool {
	return slices.Contains(s.log.Pending, seq) || slices.Contains(s.log.Confirmed, seq)
}

// serverReceive receives data until the MAA is sent: it holds data
// packets, drops duplicates, commits at each sync point and confirms.
func (e *endpoint) serverReceive(ss *serverSession) error {
	for {
		var purged bool
		f, err := e.recvWith(NoteNone, func(s *state, f spdu.Frame) Note {
			purged = ss.purge && f.Kind != spdu.RA
			return e.serverApply(ss, s, f, purged)
		})
		if err != nil {
			return err
		}
		switch {
		case purged, f.Kind == spdu.DT, f.Kind == spdu.RA:
			continue
		case f.Kind != spdu.MIP && f.Kind != spdu.MAP:
			return e.userAbort(&ProtocolError{Side: e.side, Want: "DT, MIP, MAP or RA", Got: f.Kind.String()})
		case ss.failAt != 0 && f.Serial == ss.failAt:
			ss.failAt = 0
			if err := e.resync(ss); err != nil {
				return err
			}
			continue
		}
		if err := e.confirm(ss, f); err != nil || f.Kind == spdu.MAP {
			return err
		}
	}
}

// serverApply applies a frame read during the transfer to the server's
// state and returns its note.
func (e *endpoint) serverApply(ss *serverSession, s *state, f spdu.Frame, purged bool) Note {
	switch {
	case purged:
		return NotePurged
	case f.Kind == spdu.DT && held(s, f.Seq):
		return NoteDuplicate
	case f.Kind == spdu.DT:
		s.log.Pending = append(s.log.Pending, f.Seq)
	case f.Kind == spdu.MIP || f.Kind == spdu.MAP:
		s.sync.VM = f.Serial + 1
	case f.Kind == spdu.RA:
		// The RS sender's variables change when the RA arrives.
		ss.purge = false
		s.sync.VA, s.sync.VM = ss.resyncAt, ss.resyncAt
		return NoteResync
	}
	return NoteNone
}

// confirm commits what the server holds and answers the sync point f with
// MIA or MAA.
func (e *endpoint) confirm(ss *serverSession, f spdu.Frame) error {
	if err := e.commit(e.after(e.pacing().Commit)); err != nil {
		return err
	}
	ack := spdu.Frame{Kind: spdu.MIA, Serial: f.Serial}.With(spdu.PSerial)
	if f.Kind == spdu.MAP {
		ack.Kind = spdu.MAA
	}
	// Like every SPDU, the MAA changes the state when it is issued: if the
	// write then fails, the session is still complete, and a resumed
	// connection goes straight to the release.
	return e.send(ack, e.after(0), NoteCommitted, func(s *state) {
		s.sync.VA = f.Serial + 1
		if f.Kind == spdu.MAP {
			s.sync.VA, s.sync.VR = s.sync.VM, s.sync.VM
			ss.done = true
		}
	})
}

// commit moves what the receiver holds into its log.
func (e *endpoint) commit(due time.Duration) error {
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
