package sim

import "sessionlab/sim/spdu"

// sessionPhase is how far the session connection on a side's transport
// connection has come, as X.225's state tables (Annex A) tell it apart
// when the transport connection is lost: before any CN there is no
// session to abort; from the CN sent or read until the release or an
// abort, the loss is an S-P-ABORT; after DN the release is complete and
// the loss is the normal end (X.225 A, STA01B/01C, STA02A, STA16).
type sessionPhase uint8

const (
	phaseNone     sessionPhase = iota // no CN yet on this transport connection (or it was refused)
	phaseUp                           // CN sent or read: the session connection exists, or is being set up
	phaseReleased                     // DN sent or read: released; only the transport's end is awaited
	phaseAborted                      // AB sent or read: the session connection ended there
)

// after is the phase once frame f has been sent or read.
func (p sessionPhase) after(f spdu.Frame) sessionPhase {
	if f.N == 0 {
		if f.TPDU.Code == spdu.CodeCR {
			return phaseNone // a new transport connection
		}
		return p
	}
	switch mainOf(f).Kind {
	case spdu.CN:
		return phaseUp
	case spdu.RF:
		return phaseNone
	case spdu.DN:
		return phaseReleased
	case spdu.AB:
		return phaseAborted
	}
	return p
}
