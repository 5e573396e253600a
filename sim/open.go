package sim

import (
	"fmt"
	"sessionlab/sim/internal/pace"

	"sessionlab/sim/spdu"
)

// What the two sides say when they set up a session.
const (
	// version is the session protocol version both sides speak.
	version = spdu.Version2
	// helloText is the CN's user data, the article's client greeting.
	helloText = "Hello from the client!"
	// welcomeText is the AC's user data, the article's server greeting.
	welcomeText = "Welcome to the session!"
	// initialSerial is the first sync point serial number both sides use.
	initialSerial = 1

	// proposedUnits are the functional units the client asks for; the
	// Recover lesson's second part adds Activity management. Never
	// Expedited data: ISO 8073 class 0 has no expedited flow to carry it
	// (X.225 6.4), and ISODE leaves it out of CN on such a transport.
	proposedUnits = spdu.Duplex | spdu.MinorSync | spdu.MajorSync |
		spdu.Resynchronize | spdu.NegotiatedRelease
	// serverUnits are the functional units the server implements; it
	// accepts the intersection with what is proposed.
	serverUnits = spdu.Duplex | spdu.MinorSync | spdu.MajorSync |
		spdu.Resynchronize | spdu.NegotiatedRelease | spdu.Activities
)

// refs are a session connection's references (the Connection Identifier
// of CN and AC): the calling SS-user's, the called one's, and one common
// to both. AR's Linking Information names an old session connection by
// them.
type refs struct{ calling, called, common []byte }

func startSync(s *state, serial uint32) {
	// X.225 Table A-4: AC sets V(A) = V(M) = the initial serial number and
	// V(R) = 0.
	s.sync = SyncVars{Known: true, VM: serial, VA: serial, VR: 0}
}

// serverOpen waits for a connection, accepts it, sets up the transport
// connection and reads the CN.
func serverOpen(e *endpoint, opened bool) (spdu.Frame, error) {
	if err := e.listen(NoteNone, opened); err != nil {
		return spdu.Frame{}, err
	}
	if err := e.accept(e.r.script.accept(e.pacing()), NoteNone); err != nil {
		return spdu.Frame{}, err
	}
	if err := serverTransport(e, NoteNone); err != nil {
		return spdu.Frame{}, err
	}
	return e.expect(NoteNone, nil, spdu.CN)
}

// serverAnswer accepts the session the CN asks for, or refuses it with RF
// and closes the connection when the client speaks no version the server
// does. It reports whether the session was accepted, with its references.
func serverAnswer(e *endpoint, cnf spdu.Frame, note Note) (refs, bool, error) {
	beat := e.pacing().Beat
	cn := mainOf(cnf)
	ref := refs{calling: cn.CallingRef, called: fmt.Appendf(nil, "server-%04x", e.r.sim.intN(0x10000)), common: cn.CommonRef}
	if cn.Versions&version == 0 {
		if err := e.send(refuseFrame(ref), e.after(beat), NoteRefusal, nil); err != nil {
			return ref, false, err
		}
		return ref, false, e.awaitRelease(NoteRefusal)
	}
	return ref, true, e.send(acceptFrame(ref, cn.Units&serverUnits), e.after(beat), note, func(s *state) { startSync(s, initialSerial) })
}

// refuseFrame is the RF that turns down a CN offering no version the
// server speaks, and asks for the transport connection's release.
func refuseFrame(ref refs) spdu.Frame {
	return spdu.NewFrame(spdu.SPDU{Kind: spdu.RF, CalledRef: ref.called, Disconnect: spdu.ReleaseTransport,
		Versions: version, Reason: spdu.ReasonVersionUnsupported}.With(spdu.PCalledRef, spdu.PDisconnect, spdu.PVersion, spdu.PReason))
}

// acceptFrame is the AC that accepts a session with units, greeting the
// client as the article's server does.
func acceptFrame(ref refs, units spdu.Units) spdu.Frame {
	ac := spdu.SPDU{Kind: spdu.AC, CalledRef: ref.called, CommonRef: ref.common, Versions: version,
		InitialSerial: initialSerial, Units: units, UserData: []byte(welcomeText)}.
		With(spdu.PCalledRef, spdu.POptions, spdu.PVersion, spdu.PInitialSerial, spdu.PRequirements, spdu.PUserData)
	if len(ref.common) > 0 {
		ac = ac.With(spdu.PCommonRef)
	}
	return spdu.NewFrame(ac)
}

// connectFrame is the CN that asks for a session: the versions and
// units offered, the first serial number, the references, and the
// article's client greeting as user data.
func connectFrame(ref refs, versions spdu.Versions, units spdu.Units) spdu.Frame {
	return spdu.NewFrame(spdu.SPDU{Kind: spdu.CN, CallingRef: ref.calling, CommonRef: ref.common, Versions: versions,
		InitialSerial: initialSerial, Units: units, UserData: []byte(helloText)}.
		With(spdu.PCallingRef, spdu.PCommonRef, spdu.POptions, spdu.PVersion, spdu.PInitialSerial, spdu.PTokenSetting,
			spdu.PRequirements, spdu.PUserData))
}

// server is the server of every scenario but the abort: open, answer,
// then the session: data if there is any to receive, and the release. ss
// says what kind of session (refuse a release once, fail a commit).
func server(ss serverSession) func(*endpoint) error {
	return func(e *endpoint) error {
		cn, err := serverOpen(e, e.r.opened)
		if err != nil {
			return err
		}
		ref, ok, err := serverAnswer(e, cn, NoteNone)
		if err != nil || !ok {
			return err
		}
		s := ss // each run its own
		s.e, s.refs, s.units = e, ref, mainOf(cn).Units&serverUnits
		return s.run()
	}
}

// clientOpen dials, sets up the transport connection, sends CN offering
// versions and units, and reads the answer. It returns the answer and the
// references of the session connection. connNote goes on the TCP and
// transport steps, note on the session's (a refusal is the CN's and the
// RF's business; a resume, every step's).
func clientOpen(e *endpoint, versions spdu.Versions, units spdu.Units, connNote, note Note) (spdu.Frame, refs, error) {
	beat := e.pacing().Beat
	var ref refs
	if err := e.dial(e.after(beat), connNote); err != nil {
		return spdu.Frame{}, ref, err
	}
	if err := clientTransport(e, connNote); err != nil {
		return spdu.Frame{}, ref, err
	}
	ref.calling = fmt.Appendf(nil, "client-%04x", e.r.sim.intN(0x10000))
	ref.common = []byte(e.r.sim.clock.Now().UTC().Format("060102150405Z"))
	if err := e.send(connectFrame(ref, versions, units), e.after(beat), note, nil); err != nil {
		return spdu.Frame{}, ref, err
	}
	ans, err := e.expect(note, func(s *state, f spdu.Frame) {
		if ac := mainOf(f); ac.Kind == spdu.AC {
			startSync(s, ac.InitialSerial)
		}
	}, spdu.AC, spdu.RF)
	ref.called = mainOf(ans).CalledRef
	return ans, ref, err
}

// client is the client of every scenario but the refusal and the abort:
// open, then the session: data if there is any to send, and the release.
// cs says what kind of session (done: no data; drop: the lesson's reset).
func client(cs clientSession) func(*endpoint) error {
	return func(e *endpoint) error {
		ans, ref, err := clientOpen(e, version, e.r.script.units, NoteNone, NoteNone)
		if err != nil {
			return err
		}
		ac := mainOf(ans)
		if ac.Kind != spdu.AC {
			return &ProtocolError{Side: e.side, Want: "AC", Got: ans.Kinds()}
		}
		c := cs // each run its own
		c.refs, c.units, c.sentMax = ref, ac.Units, -1
		c.activities = ac.Units&spdu.Activities != 0
		c.covers, c.mail = map[uint32]uint32{}, pace.NewMailbox[clientMail](e.r.sim.pacer)
		c.e = e
		return c.run()
	}
}

// clientRefused offers only version 1, which the server does not speak;
// it reads the RF and the server's FIN, and closes.
func clientRefused(e *endpoint) error {
	f, _, err := clientOpen(e, spdu.Version1, e.r.script.units, NoteNone, NoteRefusal)
	if err != nil {
		return err
	}
	if mainOf(f).Kind != spdu.RF {
		return &ProtocolError{Side: e.side, Want: "RF", Got: f.Kinds()}
	}
	// The RF asks for the transport connection to be released: its
	// receiver does that (X.225 7.5), and so closes first.
	return e.close(e.after(e.pacing().Beat), false, NoteRefusal)
}
