package sim

import (
	"sessionlab/sim/spdu"
)

// The transport connection (ISO 8073 class 0 over RFC 1006): after the
// TCP handshake the client asks for it with CR and the server confirms it
// with CC. Only then does the session layer speak. Three connections
// stack up: TCP's, the transport connection, the session connection.

// tpduSize is the largest TPDU both sides agree on: class 0's 2048
// octets, far more than any SPDU here needs.
var tpduSize = spdu.SizeCode(spdu.MaxTPDU)

// newRef picks a transport connection reference: any 16-bit number but 0.
func newRef(e *endpoint) uint16 {
	return uint16(1 + e.r.sim.intN(0xFFFF))
}

// clientTransport sends CR and reads the CC: the transport connection.
func clientTransport(e *endpoint, note Note) error {
	e.ownRef = newRef(e)
	cr := spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeCR, Src: e.ownRef, Size: tpduSize}}
	if err := e.send(cr, e.after(e.pacing().Beat), note, nil); err != nil {
		return err
	}
	f, err := e.recv(note, nil)
	if err != nil {
		return err
	}
	switch f.TPDU.Code {
	case spdu.CodeCC:
		e.peerRef = f.TPDU.Src
		return nil
	case spdu.CodeDR:
		return &ProtocolError{Side: e.side, Want: "CC", Got: "DR: the transport connection was refused"}
	}
	return &ProtocolError{Side: e.side, Want: "CC", Got: f.Kinds()}
}

// serverTransport reads the CR and confirms it with CC. A CR that does
// not ask for class 0 is refused with DR, as class 0 must.
func serverTransport(e *endpoint, note Note) error {
	f, err := e.recv(note, nil)
	if err != nil {
		return err
	}
	if f.TPDU.Code != spdu.CodeCR {
		return &ProtocolError{Side: e.side, Want: "CR", Got: f.Kinds()}
	}
	e.peerRef, e.ownRef = f.TPDU.Src, newRef(e)
	if f.TPDU.Class>>4 != 0 {
		dr := spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeDR, Dst: e.peerRef, Src: e.ownRef}}
		_ = e.send(dr, e.after(e.pacing().Beat), NoteRefusal, nil)
		return &ProtocolError{Side: e.side, Want: "a CR for class 0", Got: "a CR for another class"}
	}
	size := tpduSize
	if f.TPDU.Size != 0 && f.TPDU.Size < size {
		size = f.TPDU.Size
	}
	cc := spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeCC, Dst: e.peerRef, Src: e.ownRef, Size: size}}
	return e.send(cc, e.after(e.pacing().Beat), note, nil)
}
