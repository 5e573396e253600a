package sim

import (
	"sessionlab/sim/spdu"
)

// resync is the server failing to commit (on purpose, for the lesson):
// it throws away what it holds and asks for a restart at the lowest
// unconfirmed serial number, V(A), with RS. Until the RA comes, data in
// transit is purged; its own V(A) and V(M) change when the RA arrives
// (X.225 Table A-4), see serverApply.
func (ss *serverSession) resync() error {
	e := ss.e
	p := e.pacing()
	if err := e.pace(e.after(p.Commit)); err != nil {
		return err
	}
	seqs := e.current().log.Pending
	if _, err := e.emit(CommitFailed{Header: e.header(NoteResync), Seqs: seqs}); err != nil {
		return err
	}
	if err := e.discard(seqs, NoteResync, func(s *state) { s.log.Pending = nil }); err != nil {
		return err
	}
	sn := e.current().sync.VA
	rs := cat2(spdu.SPDU{Kind: spdu.RS, Serial: sn, Resync: spdu.Restart}.With(spdu.PSerial, spdu.PResync))
	return e.send(rs, e.after(p.Beat/2), NoteResync, func(*state) {
		ss.purge, ss.resyncAt = true, sn
	})
}

// answerResync answers the server's RS (restart at sn) with RA, which
// sets V(A) = V(M) = sn, and goes on from just after point sn-1 with a
// fresh cadence: the next sync point reuses the number sn.
func (cs *clientSession) answerResync(sn uint32, cad *cadence) error {
	e := cs.e
	beat := e.pacing().Beat
	ra := withSerial(spdu.RA, sn)
	if err := e.send(ra, e.after(beat), NoteResync, func(s *state) { s.sync.VA, s.sync.VM = sn, sn }); err != nil {
		return err
	}
	cs.next = afterPoint(sn - 1)
	cad.restart(e.after(beat))
	return nil
}
