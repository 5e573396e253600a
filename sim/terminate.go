package sim

import "sessionlab/sim/spdu"

// clientAbort sets up a session, sends one data packet, then aborts: AB,
// and a close with linger 0 so the kernel resets the connection.
func clientAbort(e *endpoint) error {
	ac, _, err := e.clientOpen(Version, NoteNone)
	if err != nil {
		return err
	}
	if ac.Kind != spdu.AC {
		return &ProtocolError{Side: e.side, Want: "AC", Got: ac.Kind.String()}
	}
	beat := e.pacing().Beat
	if err := e.send(dataFrame(0), e.after(beat), NoteNone, func(s *state) { s.log.Pending = append(s.log.Pending, 0) }); err != nil {
		return err
	}
	ab := spdu.Frame{Kind: spdu.AB, Disconnect: spdu.ReleaseTransport | spdu.UserAbort}.With(spdu.PDisconnect)
	if err := e.send(ab, e.after(beat), NoteAbort, nil); err != nil {
		return err
	}
	return e.close(e.after(0), true, NoteAbort)
}

// serverAbort reads the data packet and the AB; its next read fails with
// "connection reset by peer", and it closes its socket.
func serverAbort(e *endpoint) error {
	cn, err := e.serverOpen()
	if err != nil {
		return err
	}
	if ok, err := e.serverAnswer(cn); err != nil || !ok {
		return err
	}
	if _, err := e.expect(NoteNone, func(s *state, f spdu.Frame) { s.log.Pending = append(s.log.Pending, f.Seq) }, spdu.DT); err != nil {
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
