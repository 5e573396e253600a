package sim

// The bench as a server: it answers whatever connects, in the session
// protocol if the peer's first octet starts a TPKT, or as the article's
// plain server if it does not.

import (
	"fmt"

	"sessionlab/sim/spdu"
)

// serve runs one accepted connection to its end.
func (bc *benchConn) serve() {
	defer bc.close()
	if bc.fill() != nil {
		return
	}
	if bc.in[0] != spdu.TPKTVersion {
		bc.plainServer()
		return
	}
	peerRef, err := bc.answerCR()
	if err != nil {
		if err == errProtocol {
			bc.protocolError(false, peerRef)
		}
		return
	}
	switch err := bc.answerSession(); err {
	case errBeforeSession: // no CN yet: no session to abort, the transport's ER answers
		bc.protocolError(false, peerRef)
	case errProtocol:
		bc.protocolError(true, peerRef)
	}
}

// plainServer answers a peer that speaks no session protocol as the
// article's server does: it shows what came, says why it is no TPKT,
// sends the greeting and closes.
func (bc *benchConn) plainServer() {
	text := bc.in[:min(len(bc.in), BenchMaxText)]
	bc.in = nil
	bc.emit(BenchEvent{Kind: BenchTextIn, Name: "text", Raw: text})
	_, err := spdu.TPKTLen(text)
	_ = bc.wrongErr(text, err)
	_ = bc.sendText(welcomeText)
}

// answerCR reads the CR and confirms the transport connection with CC;
// a CR for a class other than 0 gets DR. It returns the peer's
// reference.
func (bc *benchConn) answerCR() (uint16, error) {
	f, raw, err := bc.nextFrame()
	if err != nil {
		return 0, err
	}
	if f.TPDU.Code != spdu.CodeCR {
		return f.TPDU.Src, bc.wrong(raw, spdu.TPKTHeaderLen+1, fmt.Sprintf("expected a CR (code 0xE0), got %v: RFC 1006 opens the transport connection with CR before anything else", f.Kinds()))
	}
	own := uint16(0x5e55) // the bench's reference: any number but 0
	if f.TPDU.Class>>4 != 0 {
		_ = bc.wrong(raw, spdu.TPKTHeaderLen+6, fmt.Sprintf("the CR asks for class %d; over RFC 1006 only class 0 is used, so the bench refuses it with DR", f.TPDU.Class>>4))
		_ = bc.send(spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeDR, Dst: f.TPDU.Src, Src: own}})
		return f.TPDU.Src, errStop
	}
	size := tpduSize
	if f.TPDU.Size != 0 && f.TPDU.Size < size {
		size = f.TPDU.Size
	}
	return f.TPDU.Src, bc.send(spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeCC, Dst: f.TPDU.Src, Src: own, Size: size}})
}

// answerSession reads the CN and accepts or refuses it, then takes data,
// confirms sync points and releases, as SessionLab's own server does,
// but strictly: every SPDU must be one the state allows (X.225 Annex A),
// with the serial number Table A-4 asks for. An error that is not
// errStop is a protocol error, already explained.
func (bc *benchConn) answerSession() error {
	f, raw, err := bc.nextFrame()
	if err != nil {
		return err
	}
	cn := mainOf(f)
	if cn.Kind != spdu.CN {
		_ = bc.wrong(raw, spdu.TPKTHeaderLen+3, fmt.Sprintf("expected CN (SI 13), got %v: after CC the session protocol starts with CONNECT", f.Kinds()))
		return errBeforeSession
	}
	ref := refs{calling: cn.CallingRef, called: []byte("sessionlab-bench"), common: cn.CommonRef}
	if cn.Versions&version == 0 {
		if err := bc.send(refuseFrame(ref)); err != nil {
			return err
		}
		bc.awaitRelease()
		return nil
	}
	units := cn.Units & serverUnits
	if units&(spdu.HalfDuplex|spdu.Duplex) == 0 {
		// X.225 §9: a session is the kernel and a way to send data, half-
		// or full duplex. None in common: refused, as the PICS allows.
		rf := spdu.NewFrame(spdu.SPDU{Kind: spdu.RF, CalledRef: ref.called, Disconnect: spdu.ReleaseTransport,
			Versions: version, Reason: spdu.ReasonRestriction}.With(spdu.PCalledRef, spdu.PDisconnect, spdu.PVersion, spdu.PReason))
		if err := bc.sendNoted(rf, fmt.Sprintf("refused: the CN proposes %v, and a session needs Half-duplex or Duplex in common; the bench does Duplex (X.225 §9)", cn.Units)); err != nil {
			return err
		}
		bc.awaitRelease()
		return nil
	}
	if err := bc.send(acceptFrame(ref, units)); err != nil {
		return err
	}
	vm := uint32(initialSerial) // V(M): Table A-4 sets it from AC's Initial Serial Number
	for {
		f, raw, err := bc.nextFrame()
		if err != nil {
			return err
		}
		s := mainOf(f)
		switch s.Kind {
		case spdu.DT:
		case spdu.MIP, spdu.MAP:
			need := spdu.MinorSync
			if s.Kind == spdu.MAP {
				need = spdu.MajorSync
			}
			if units&need == 0 {
				_ = bc.wrong(raw, spdu.TPKTHeaderLen+5, fmt.Sprintf("%v needs the %v functional unit, which this session did not select in CN and AC", s.Kind, need))
				return errProtocol
			}
			if s.Serial != vm {
				_ = bc.wrong(raw, spdu.TPKTHeaderLen+5, fmt.Sprintf("%v %d: the serial number must be V(M) = %d (X.225 Table A-4)", s.Kind, s.Serial, vm))
				return errProtocol
			}
			vm++
			ack := spdu.MIA
			if s.Kind == spdu.MAP {
				ack = spdu.MAA
			}
			if err := bc.send(withSerial(ack, s.Serial)); err != nil {
				return err
			}
		case spdu.FN:
			if err := bc.send(spdu.NewFrame(spdu.SPDU{Kind: spdu.DN})); err != nil {
				return err
			}
			bc.awaitRelease()
			return nil
		case spdu.AB:
			return nil // the peer aborted and asked for the release: the bench closes
		default:
			_ = bc.wrong(raw, spdu.TPKTHeaderLen+3, fmt.Sprintf("%v here: during a session the bench takes DT, MIP, MAP, FN or AB", f.Kinds()))
			return errProtocol
		}
	}
}
