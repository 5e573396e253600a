package sim

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"syscall"
	"time"

	"sessionlab/sim/spdu"
)

// Packets is how many data packets a transfer sends: DT 0 to DT 4.
const Packets = 5

// How long the session layer waits when a connection was lost, at speed 1.
const (
	// ResumeWindow is how long the server keeps a session whose
	// connection broke, waiting for the client to come back.
	ResumeWindow = 8 * time.Second
	// AnswerWait is how long a side waits for the other's next step of a
	// resume before it gives up: longer than a stall (StallDelay) and the
	// pacing around it, so that only a peer that is really gone times out.
	AnswerWait = 5 * time.Second
)

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

// abort reports that the session ended without an orderly release, as
// this side sees it, and returns errAborted.
func (e *endpoint) abort(reason string) error {
	e.mu.Lock()
	pending := slices.Clone(e.st.log.Pending)
	e.mu.Unlock()
	_ = e.emit(Aborted{Header: e.header(NoteNone), Provider: true, Reason: reason, Lost: pending})
	return errAborted
}

// expireConn expires the side's socket (see within).
func (e *endpoint) expireConn(t time.Time) {
	if c := e.socket(); c != nil {
		if !t.IsZero() {
			e.r.sim.pacer.writing(e.in()) // the reader will wake: see within
		}
		_ = c.SetReadDeadline(t)
	}
}

// expireListener expires the listener the server waits on (see within).
func (e *endpoint) expireListener(t time.Time) {
	if !t.IsZero() {
		e.r.sim.pacer.writing(listenerFlow)
	}
	e.r.sim.setListenerDeadline(t)
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
	mail     chan clientMail   // from the reader to the sender
	probed   bool              // the TCP acknowledgement check was shown
	drop     int               // Recover: reset the connection after sending this packet; -1: never
	done     bool              // MAA received: every packet confirmed
	released bool              // DN received: the session is over
	waiting  bool              // the sender waits for mail, not counted at work; under endpoint.mu
	// The reader's exit and the sender's wait for it, under endpoint.mu.
	readerGone, joining bool
}

type mailKind int

const (
	mailDone   mailKind = iota // MAA: everything is confirmed
	mailResync                 // RS: restart at serial
	mailLost                   // the connection is gone
	mailAbort                  // the peer broke the protocol
)

type clientMail struct {
	kind   mailKind
	serial uint32
	err    error
}

// post tells the sender. A sender waiting for mail does not count as at
// work; the post counts it in before waking it, so that the side is never
// counted idle in between (see clientTransfer).
func (cs *clientSession) post(e *endpoint, m clientMail) {
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case cs.mail <- m:
		if cs.waiting {
			cs.waiting = false
			e.r.sim.pacer.adjust(+1)
		}
	default: // the sender has enough to go on
	}
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
// second goroutine reads the confirmations. It returns nil once
// everything is confirmed, or the error that ended the connection.
func (e *endpoint) clientTransfer(cs *clientSession) error {
	readerDone := make(chan struct{})
	cs.readerGone, cs.joining = false, false
	e.r.wg.Add(1)
	e.r.sim.pacer.adjust(+1)
	go func() {
		defer e.r.wg.Done()
		defer close(readerDone)
		e.clientReader(cs)
		// If this goroutine already waits below, the reader hands its
		// count to it instead of dropping it: otherwise, for a moment,
		// neither would count as at work, and a manual clock could jump
		// past this side's next timer.
		e.mu.Lock()
		cs.readerGone = true
		if !cs.joining {
			e.r.sim.pacer.adjust(-1)
		}
		e.mu.Unlock()
	}()
	err := e.clientSend(cs)
	if err != nil {
		e.forget() // wakes the reader if it still waits
	}
	e.mu.Lock()
	if !cs.readerGone {
		cs.joining = true // not at work while waiting; the reader hands its count over
		e.r.sim.pacer.adjust(-1)
	}
	e.mu.Unlock()
	<-readerDone
	for len(cs.mail) > 0 { // what the reader said about this connection is done with
		<-cs.mail
	}
	return err
}

// clientSend sends the plan and answers what the reader reports.
func (e *endpoint) clientSend(cs *clientSession) error {
	p := e.pacing()
	start, n := e.after(p.Beat), 0
	lastDue := start
	handle := func(m clientMail) error {
		switch m.kind {
		case mailDone:
			cs.done = true
			return nil
		case mailLost:
			return m.err
		case mailAbort:
			return e.userAbort(m.err)
		}
		// RS (restart at serial sn): answer RA, then go on from just
		// after point sn-1 with a fresh cadence.
		ra := spdu.Frame{Kind: spdu.RA, Serial: m.serial, Resync: spdu.Restart}.With(spdu.PSerial, spdu.PResync)
		if err := e.send(ra, e.after(p.Beat), NoteResync, nil); err != nil {
			return err
		}
		cs.next = afterPoint(m.serial - 1)
		start, n = e.after(p.Beat), 0
		return nil
	}
	for !cs.done {
		select {
		case m := <-cs.mail:
			if err := handle(m); err != nil {
				return err
			}
			continue
		default:
		}
		if cs.next >= len(transferPlan) {
			e.mu.Lock()
			cs.waiting = true // waiting for the reader is not work
			e.r.sim.pacer.adjust(-1)
			e.mu.Unlock()
			var m clientMail
			select {
			case m = <-cs.mail: // post counted this goroutine in
			case <-e.r.ctx.Done():
			}
			e.mu.Lock()
			if cs.waiting {
				cs.waiting = false
				e.r.sim.pacer.adjust(+1)
			}
			e.mu.Unlock()
			if err := e.r.ctx.Err(); err != nil {
				return err
			}
			if err := handle(m); err != nil {
				return err
			}
			continue
		}
		it := transferPlan[cs.next]
		if !it.point {
			due := start + p.Cadence*time.Duration(n)
			n++
			lastDue = due
			note := NoteNone
			if int(it.seq) <= cs.sentMax {
				note = NoteResend
			}
			if err := e.send(dataFrame(it.seq), due, note, func(s *state) {
				if !slices.Contains(s.log.Pending, it.seq) && !slices.Contains(s.log.Confirmed, it.seq) {
					s.log.Pending = append(s.log.Pending, it.seq)
				}
			}); err != nil {
				return err
			}
			cs.sentMax = max(cs.sentMax, int(it.seq))
			cs.next++
			if int(it.seq) == cs.drop {
				// The lesson's own reset: once the server has read this
				// packet, and before anything confirms it.
				cs.drop = -1
				if err := e.drop(due + p.Travel + p.Beat/6); err != nil {
					return err
				}
				return errFaulted
			}
			continue
		}
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
		if err := e.send(sp, lastDue, note, func(s *state) { s.sync.VM++ }); err != nil {
			return err
		}
		cs.pointMax = max(cs.pointMax, sp.Serial)
		cs.next++
		if !cs.probed && kind == spdu.MIP {
			// Shortly after the first sync point the server's kernel has
			// acknowledged every byte, long before the server's MIA can come.
			cs.probed = true
			if err := e.observe(lastDue+p.Travel/2, NoteAckCheck); err != nil {
				return err
			}
		}
	}
	return nil
}

// clientReader reads confirmations and resynchronizations until the MAA,
// or until the connection ends, and tells the sender.
func (e *endpoint) clientReader(cs *clientSession) {
	for {
		var bad error
		f, err := e.recvWith(NoteNone, func(s *state, f spdu.Frame) Note {
			switch f.Kind {
			case spdu.MIA, spdu.MAA:
				if f.Serial < s.sync.VA || f.Serial >= s.sync.VM {
					bad = fmt.Errorf("%v %d outside V(A)=%d..V(M)=%d", f.Kind, f.Serial, s.sync.VA, s.sync.VM)
					return NoteNone
				}
				// One acknowledgement confirms every earlier sync point too.
				s.sync.VA = f.Serial + 1
				if f.Kind == spdu.MAA {
					s.sync.VA, s.sync.VR = s.sync.VM, s.sync.VM
				}
				confirmUpTo(s, cs.covers[f.Serial])
				return NoteCommitted
			case spdu.RS:
				sn := f.Serial
				if f.Resync != spdu.Restart || sn < s.sync.VR || sn > s.sync.VM {
					bad = fmt.Errorf("RS %v %d outside V(R)=%d..V(M)=%d", f.Resync, sn, s.sync.VR, s.sync.VM)
					return NoteResync
				}
				// Restart sn: the next sync point reuses sn, so work
				// resumes just after point sn-1.
				s.sync.VA, s.sync.VM = sn, sn
				return NoteResync
			}
			bad = fmt.Errorf("unexpected %v during the transfer", f.Kind)
			return NoteNone
		})
		if err != nil {
			cs.post(e, clientMail{kind: mailLost, err: err})
			return
		}
		if bad != nil {
			cs.post(e, clientMail{kind: mailAbort, err: &ProtocolError{Side: e.side, Want: "a valid confirmation", Got: bad.Error()}})
			return
		}
		switch f.Kind {
		case spdu.MAA:
			cs.post(e, clientMail{kind: mailDone})
			return
		case spdu.RS:
			e.mu.Lock()
			resend := slices.Clone(e.st.log.Pending)
			e.mu.Unlock()
			if err := e.discard(resend, NoteResend, nil); err != nil {
				return
			}
			cs.post(e, clientMail{kind: mailResync, serial: f.Serial})
		}
	}
}

// discard reports data packets thrown away (or, for the sender, to be
// sent again) after apply changed the state.
func (e *endpoint) discard(seqs []uint32, note Note, apply func(*state)) error {
	if err := e.pace(e.after(0)); err != nil {
		return err
	}
	e.update(apply)
	return e.emit(Discarded{Header: e.header(note), Seqs: seqs})
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
	e.mu.Lock()
	c := e.conn
	e.faulted = true // the reader's error is this reset, already told
	e.mu.Unlock()
	if c == nil {
		return e.connError("close", errFaulted)
	}
	e.r.sim.pacer.writing(e.out())
	e.r.untrack(c)
	_ = c.SetLinger(0)
	_ = c.Close()
	h := e.header(NoteDrop)
	return e.emit(Closed{Header: h, Abortive: true, After: kernelState(e.local, e.remote)})
}

// userAbort ends the session with AB after the peer broke the protocol.
func (e *endpoint) userAbort(cause error) error {
	ab := spdu.Frame{Kind: spdu.AB, Disconnect: spdu.ReleaseTransport | spdu.UserAbort}.With(spdu.PDisconnect)
	_ = e.send(ab, e.after(0), NoteAbort, nil)
	_ = e.close(e.after(0), true, NoteAbort)
	return e.abort(lostReason(cause))
}

// clientResume dials again and asks the server, with CN carrying the same
// session ID and the resume flag, to go on from its last confirmed point.
// This is modelled on later resume schemes (RTSE, TLS resumption): X.225
// itself ends the session when the transport is lost.
func (e *endpoint) clientResume(cs *clientSession, cause error) error {
	e.forget()
	p := e.pacing()
	for attempt := 0; attempt < 2; attempt++ {
		if err := e.dial(e.after(p.Beat), NoteResume); err != nil {
			return e.abort("it cannot reconnect: " + lostReason(err))
		}
		cn := spdu.Frame{Kind: spdu.CN, SessionID: cs.id, Version: Version, Units: cs.units, Data: []byte("Resume session, please")}.
			With(spdu.PSessionID, spdu.PVersion, spdu.PRequirements, spdu.PResume, spdu.PUserData)
		if err := e.send(cn, e.after(p.Beat), NoteResume, nil); err != nil {
			e.forget()
			continue
		}
		var ans spdu.Frame
		err := e.within(AnswerWait, e.expireConn, func() (err error) {
			ans, err = e.expect(NoteResume, func(s *state, f spdu.Frame) {
				if f.Kind == spdu.DN {
					cs.done, cs.released = true, true // the release had got through
				}
				if f.Kind != spdu.AC {
					return
				}
				sn := f.InitialSerial
				s.sync = SyncVars{Known: true, VM: sn, VA: sn, VR: sn}
				// The server's last confirmed point may be later than the
				// last MIA that got through.
				if last, ok := lastBefore(sn - 1); ok {
					confirmUpTo(s, last)
				}
				cs.next = afterPoint(sn - 1)
				cs.done = cs.next >= len(transferPlan) // past the major point: nothing left
			}, spdu.AC, spdu.RF, spdu.DN)
			return err
		})
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
			if err := e.closeWrite(e.after(p.Beat)); err != nil {
				return err
			}
			if err := e.expectEOF(NoteNone); err != nil {
				return err
			}
			return e.close(e.after(p.Beat), false, NoteNone)
		}
		return nil
	}
	return e.abort("the connection broke again while resuming")
}

// serverSession is what the server's session layer keeps across
// connections.
type serverSession struct {
	id       uint64
	units    spdu.Units
	failAt   uint32 // Recover: the sync point whose commit fails once; 0: none
	purge    bool   // between RS and RA, data in transit is thrown away
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
	p := e.pacing()
	for {
		var purged bool
		f, err := e.recvWith(NoteNone, func(s *state, f spdu.Frame) Note {
			purged = ss.purge && f.Kind != spdu.RA
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
				ss.purge = false
				return NoteResync
			}
			return NoteNone
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
		if err := e.commit(e.after(p.Commit)); err != nil {
			return err
		}
		ack := spdu.Frame{Kind: spdu.MIA, Serial: f.Serial}.With(spdu.PSerial)
		if f.Kind == spdu.MAP {
			ack.Kind = spdu.MAA
		}
		// Like every SPDU, the MAA changes the state when it is issued: if
		// the write then fails, the session is still complete, and a
		// resumed connection goes straight to the release.
		if err := e.send(ack, e.after(0), NoteCommitted, func(s *state) {
			s.sync.VA = f.Serial + 1
			if f.Kind == spdu.MAP {
				s.sync.VA, s.sync.VR = s.sync.VM, s.sync.VM
				ss.done = true
			}
		}); err != nil {
			return err
		}
		if f.Kind == spdu.MAP {
			return nil
		}
	}
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
	return e.emit(Committed{Header: e.header(NoteNone), Seqs: slices.Clone(seqs)})
}

// resync is the server failing to commit (on purpose, for the lesson):
// it throws away what it holds and asks for a restart at the lowest
// unconfirmed serial number, V(A), with RS. Until the RA comes, data in
// transit is purged.
func (e *endpoint) resync(ss *serverSession) error {
	p := e.pacing()
	if err := e.pace(e.after(p.Commit)); err != nil {
		return err
	}
	e.mu.Lock()
	seqs := slices.Clone(e.st.log.Pending)
	e.mu.Unlock()
	if err := e.emit(CommitFailed{Header: e.header(NoteResync), Seqs: seqs}); err != nil {
		return err
	}
	if err := e.discard(seqs, NoteResync, func(s *state) { s.log.Pending = nil }); err != nil {
		return err
	}
	e.mu.Lock()
	sn := e.st.sync.VA
	e.mu.Unlock()
	rs := spdu.Frame{Kind: spdu.RS, Serial: sn, Resync: spdu.Restart}.With(spdu.PSerial, spdu.PResync)
	return e.send(rs, e.after(p.Beat/2), NoteResync, func(s *state) {
		s.sync.VA, s.sync.VM = sn, sn
		ss.purge = true
	})
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
	if err := e.listen(NoteResume); err != nil {
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
	if err != nil {
		if errors.Is(err, errTimeout) {
			return giveUp("the new connection sent no CN")
		}
		return err
	}
	if !cn.Has.Has(spdu.PResume) || cn.SessionID != ss.id {
		rf := spdu.Frame{Kind: spdu.RF, SessionID: cn.SessionID, Reason: spdu.ReasonNone}.With(spdu.PSessionID, spdu.PReason)
		_ = e.send(rf, e.after(e.pacing().Beat), NoteResume, nil)
		return giveUp("a connection asked for another session")
	}
	if ss.released {
		if err := e.send(spdu.Frame{Kind: spdu.DN}, e.after(e.pacing().Beat), NoteResume, nil); err != nil {
			return err
		}
		if err := e.expectEOF(NoteNone); err != nil {
			return err
		}
		return e.close(e.after(e.pacing().Beat), false, NoteNone)
	}
	e.mu.Lock()
	sn := e.st.sync.VA
	e.mu.Unlock()
	ac := spdu.Frame{Kind: spdu.AC, SessionID: ss.id, Version: Version, Units: ss.units, InitialSerial: sn, Data: []byte("Welcome back")}.
		With(spdu.PSessionID, spdu.PVersion, spdu.PRequirements, spdu.PInitialSerial, spdu.PUserData)
	return e.send(ac, e.after(e.pacing().Beat), NoteResume, func(s *state) {
		s.sync.VM, s.sync.VR = sn, sn
		ss.purge = false
	})
}
