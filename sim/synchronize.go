package sim

import (
	"fmt"
	"slices"
	"time"

	"sessionlab/sim/spdu"
)

// Packets is how many data packets Synchronize sends: DT 0 to DT 4.
const Packets = 5

// syncAfter says which sync point the client sets after a data packet:
// minor points after DT 1 and DT 3, a major point after the last.
func syncAfter(seq uint32) (spdu.Kind, bool) {
	switch seq {
	case 1, 3:
		return spdu.MIP, true
	case Packets - 1:
		return spdu.MAP, true
	}
	return 0, false
}

// dataFrame is data packet seq.
func dataFrame(seq uint32) spdu.Frame {
	return spdu.Frame{Kind: spdu.DT, Seq: seq, Data: fmt.Appendf(nil, "data packet %d", seq)}.With(spdu.PSeq, spdu.PUserData)
}

// clientSynchronize sends DT 0–4 on the cadence with sync points after
// DT 1, DT 3 and DT 4, while a second goroutine reads the confirmations.
func clientSynchronize(e *endpoint) error {
	ac, err := e.clientOpen(Version, NoteNone)
	if err != nil {
		return err
	}
	if ac.Kind != spdu.AC {
		return &ProtocolError{Side: e.side, Want: "AC", Got: ac.Kind.String()}
	}
	// covers[serial] is the last data packet sent before that sync point.
	covers := map[uint32]uint32{}
	var coversMu = &e.mu
	confirmed := make(chan error, 1)
	e.r.wg.Add(1)
	e.r.sim.pacer.adjust(+1)
	go func() {
		defer e.r.wg.Done()
		defer e.r.sim.pacer.adjust(-1)
		confirmed <- e.readConfirmations(covers)
	}()
	start := e.after(e.pacing().Beat)
	for seq := uint32(0); seq < Packets; seq++ {
		due := start + e.pacing().Cadence*time.Duration(seq)
		if err := e.send(dataFrame(seq), due, NoteNone, func(s *state) {
			s.log.Pending = append(s.log.Pending, seq)
		}); err != nil {
			return err
		}
		kind, ok := syncAfter(seq)
		if !ok {
			continue
		}
		coversMu.Lock()
		sp := spdu.Frame{Kind: kind, Serial: e.st.sync.VM}.With(spdu.PSerial)
		covers[sp.Serial] = seq
		coversMu.Unlock()
		if err := e.send(sp, due, NoteNone, func(s *state) { s.sync.VM++ }); err != nil {
			return err
		}
		// Shortly after the first sync point the server's kernel has
		// acknowledged every byte, long before the server's MIA can come.
		if seq == 1 {
			if err := e.observe(due+e.pacing().Travel/2, NoteAckCheck); err != nil {
				return err
			}
		}
	}
	e.r.sim.pacer.adjust(-1) // waiting for the reader is not work
	err = <-confirmed
	e.r.sim.pacer.adjust(+1)
	if err != nil {
		return err
	}
	return e.clientRelease()
}

// readConfirmations reads MIAs until the MAA, moving the data each one
// confirms from Pending to Confirmed.
func (e *endpoint) readConfirmations(covers map[uint32]uint32) error {
	for {
		var bad error
		f, err := e.expect(NoteCommitted, func(s *state, f spdu.Frame) {
			if f.Serial < s.sync.VA || f.Serial >= s.sync.VM {
				bad = fmt.Errorf("%v %d outside V(A)=%d..V(M)=%d", f.Kind, f.Serial, s.sync.VA, s.sync.VM)
				return
			}
			// One acknowledgement confirms every earlier sync point too.
			s.sync.VA = f.Serial + 1
			if f.Kind == spdu.MAA {
				s.sync.VA, s.sync.VR = s.sync.VM, s.sync.VM
			}
			last := covers[f.Serial]
			s.log.Pending = slices.DeleteFunc(s.log.Pending, func(seq uint32) bool {
				if seq <= last {
					s.log.Confirmed = append(s.log.Confirmed, seq)
					return true
				}
				return false
			})
		}, spdu.MIA, spdu.MAA)
		if err != nil {
			return err
		}
		if bad != nil {
			return &ProtocolError{Side: e.side, Want: "a confirmation of an open sync point", Got: bad.Error()}
		}
		if f.Kind == spdu.MAA {
			return nil
		}
	}
}

// serverSynchronize receives data, and at each sync point commits what it
// holds, then confirms with MIA or MAA.
func serverSynchronize(e *endpoint) error {
	cn, err := e.serverOpen()
	if err != nil {
		return err
	}
	if ok, err := e.serverAnswer(cn); err != nil || !ok {
		return err
	}
	for {
		f, err := e.expect(NoteNone, func(s *state, f spdu.Frame) {
			switch f.Kind {
			case spdu.DT:
				s.log.Pending = append(s.log.Pending, f.Seq)
			case spdu.MIP, spdu.MAP:
				s.sync.VM = f.Serial + 1
			}
		}, spdu.DT, spdu.MIP, spdu.MAP)
		if err != nil {
			return err
		}
		if f.Kind == spdu.DT {
			continue
		}
		if err := e.commit(e.after(e.pacing().Commit)); err != nil {
			return err
		}
		ack := spdu.Frame{Kind: spdu.MIA, Serial: f.Serial}.With(spdu.PSerial)
		if f.Kind == spdu.MAP {
			ack.Kind = spdu.MAA
		}
		if err := e.send(ack, e.after(0), NoteCommitted, func(s *state) {
			s.sync.VA = f.Serial + 1
			if f.Kind == spdu.MAP {
				s.sync.VA, s.sync.VR = s.sync.VM, s.sync.VM
			}
		}); err != nil {
			return err
		}
		if f.Kind == spdu.MAP {
			break
		}
	}
	return e.serverRelease()
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
