package sim

import (
	"sessionlab/sim/spdu"
)

// What the two sides say when they set up a session.
const (
	// Version is the session protocol version both sides speak.
	Version = 2
	// HelloText is the CN's user data, the article's client greeting.
	HelloText = "Hello from the client!"
	// WelcomeText is the AC's user data, the article's server greeting.
	WelcomeText = "Welcome to the session!"
	// ResultText is what the server still has to send when it refuses a
	// release with NF.
	ResultText = "result: 5 packets committed"
	// InitialSerial is the first sync point serial number both sides use.
	InitialSerial = 1

	// ProposedUnits are the functional units the client asks for.
	ProposedUnits = spdu.Duplex | spdu.Expedited | spdu.MinorSync | spdu.MajorSync |
		spdu.Resynchronize | spdu.NegotiatedRelease
	// ServerUnits are the functional units the server implements; it
	// accepts the intersection with what is proposed.
	ServerUnits = spdu.HalfDuplex | spdu.Duplex | spdu.MinorSync | spdu.MajorSync |
		spdu.Resynchronize | spdu.NegotiatedRelease | spdu.TypedData
)

func startSync(s *state, serial uint32) {
	s.sync = SyncVars{Known: true, VM: serial, VA: serial, VR: serial}
}

// serverOpen waits for a connection, accepts it and reads the CN.
func (e *endpoint) serverOpen() (spdu.Frame, error) {
	if err := e.listen(NoteNone, e.r.opened); err != nil {
		return spdu.Frame{}, err
	}
	if err := e.accept(e.r.script.accept(e.pacing()), NoteNone); err != nil {
		return spdu.Frame{}, err
	}
	return e.expect(NoteNone, nil, spdu.CN)
}

// serverAnswer accepts the session the CN asks for, or refuses it with RF
// and closes the connection when the version is not one the server speaks.
// It reports whether the session was accepted.
func (e *endpoint) serverAnswer(cn spdu.Frame) (bool, error) {
	beat := e.pacing().Beat
	if cn.Version != Version {
		rf := spdu.Frame{Kind: spdu.RF, SessionID: cn.SessionID, Reason: spdu.ReasonVersionUnsupported,
			Disconnect: spdu.ReleaseTransport}.With(spdu.PSessionID, spdu.PReason, spdu.PDisconnect)
		if err := e.send(rf, e.after(beat), NoteRefusal, nil); err != nil {
			return false, err
		}
		return false, e.close(e.after(beat), false, NoteRefusal)
	}
	ac := spdu.Frame{Kind: spdu.AC, SessionID: cn.SessionID, Version: Version, Units: cn.Units & ServerUnits,
		InitialSerial: InitialSerial, Data: []byte(WelcomeText)}.
		With(spdu.PSessionID, spdu.PVersion, spdu.PRequirements, spdu.PInitialSerial, spdu.PUserData)
	return true, e.send(ac, e.after(beat), NoteNone, func(s *state) { startSync(s, InitialSerial) })
}

// server is the server of every scenario but the abort: open, answer,
// then the session: data if there is any to receive, and the release. ss
// says what kind of session (refuse a release once, fail a commit).
func server(ss serverSession) func(*endpoint) error {
	return func(e *endpoint) error {
		cn, err := e.serverOpen()
		if err != nil {
			return err
		}
		ok, err := e.serverAnswer(cn)
		if err != nil || !ok {
			return err
		}
		s := ss // each run its own
		s.id, s.units = cn.SessionID, cn.Units&ServerUnits
		return e.serverSession(&s)
	}
}

// clientOpen dials and sends CN for version, then reads the answer. It
// returns the answer and the CN it sent.
func (e *endpoint) clientOpen(version uint8, note Note) (ans, cn spdu.Frame, err error) {
	beat := e.pacing().Beat
	if err := e.dial(e.after(beat), note); err != nil {
		return ans, cn, err
	}
	cn = spdu.Frame{Kind: spdu.CN, SessionID: e.r.sim.rand.Uint64(), Version: version, Units: ProposedUnits,
		InitialSerial: InitialSerial, Data: []byte(HelloText)}.
		With(spdu.PSessionID, spdu.PVersion, spdu.PRequirements, spdu.PInitialSerial, spdu.PUserData)
	if err := e.send(cn, e.after(beat), note, nil); err != nil {
		return ans, cn, err
	}
	ans, err = e.expect(note, func(s *state, f spdu.Frame) {
		if f.Kind == spdu.AC {
			startSync(s, f.InitialSerial)
		}
	}, spdu.AC, spdu.RF)
	return ans, cn, err
}

// client is the client of every scenario but the refusal and the abort:
// open, then the session: data if there is any to send, and the release.
// cs says what kind of session (done: no data; drop: the lesson's reset).
func client(cs clientSession) func(*endpoint) error {
	return func(e *endpoint) error {
		ac, cn, err := e.clientOpen(Version, NoteNone)
		if err != nil {
			return err
		}
		if ac.Kind != spdu.AC {
			return &ProtocolError{Side: e.side, Want: "AC", Got: ac.Kind.String()}
		}
		c := cs // each run its own
		c.id, c.units, c.sentMax = cn.SessionID, ac.Units, -1
		c.covers, c.mail = map[uint32]uint32{}, newMailbox[clientMail](e.r.sim.pacer)
		return e.clientSession(&c)
	}
}

// clientRefused proposes a version the server does not speak, reads the
// RF and the server's FIN, and closes.
func clientRefused(e *endpoint) error {
	f, _, err := e.clientOpen(Version+1, NoteRefusal)
	if err != nil {
		return err
	}
	if f.Kind != spdu.RF {
		return &ProtocolError{Side: e.side, Want: "RF", Got: f.Kind.String()}
	}
	if err := e.expectEOF(NoteRefusal); err != nil && err != errFaulted {
		return err
	}
	return e.close(e.after(e.pacing().Beat), false, NoteRefusal)
}
