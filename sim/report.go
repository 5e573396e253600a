package sim

// Paced steps that make an event without a socket operation: a side
// reporting what became of its data and of its session.

// discard reports data packets thrown away (or, for the sender, to be
// sent again) after apply changed the state. With none, there is nothing
// to report, and no step is taken.
func (e *endpoint) discard(seqs []uint32, note Note, apply func(*state)) error {
	if len(seqs) == 0 {
		e.update(apply)
		return nil
	}
	if err := e.pace(e.after(0)); err != nil {
		return err
	}
	e.update(apply)
	_, err := e.emit(Discarded{Header: e.header(note), Seqs: seqs})
	return err
}

// abort reports that the session connection ended without an orderly
// release, as this side sees it (S-P-ABORT), with the data packets not
// confirmed or not committed, and returns errAborted.
func (e *endpoint) abort(reason string) error {
	pending := e.current().log.Pending
	e.providerAbort(reason, pending, true)
	return errAborted
}

// timedOut is abort when a watchdog gave up waiting (see within): the
// watchdog took the step, so the abort is part of it and does not wait
// for a turn of its own.
func (e *endpoint) timedOut(reason string) error {
	pending := e.current().log.Pending
	e.providerAbort(reason, pending, false)
	return errAborted
}

// providerAbort reports the loss of the side's transport connection to
// its session layer, with the data packets it lost. What that loss means
// depends on how far the session had come (sessionPhase): an S-P-ABORT
// once a CN was sent or read; no session at all before (NoteNoSession);
// the normal end once DN was sent or read (NoteReleased). After an AB the
// session ended there, and the AB's events said so: nothing is reported.
// Like every step it takes its turn at the pacer first, unless paced is
// false: the step that caused it was a watchdog's.
func (e *endpoint) providerAbort(reason string, lost []uint32, paced bool) {
	e.afterFault()
	phase := e.current().session
	if phase == phaseAborted {
		return
	}
	if paced && e.pace(e.after(0)) != nil {
		return
	}
	note := map[sessionPhase]Note{phaseNone: NoteNoSession, phaseReleased: NoteReleased}[phase]
	_, _ = e.emit(Aborted{Header: e.header(note), Provider: phase == phaseUp, Reason: reason, Lost: lost})
}
