package sim

// What the black-box tests (package sim_test) need of the inside: each
// name here is a test's window on one thing, not a way around the API.

import (
	"time"

	"sessionlab/sim/spdu"
)

// What the two sides say and agree on when they set up a session.
const (
	HelloText     = helloText
	WelcomeText   = welcomeText
	ProposedUnits = proposedUnits
	ServerUnits   = serverUnits
	Version       = version
	InitialSerial = initialSerial
)

// Speed returns the pacing speed.
func (s *Sim) Speed() float64 { return s.pacer.Speed() }

// MainOf is the frame's SPDU that says what it is for.
var MainOf = mainOf

// PacketOf is how the receiving application numbers the data it holds.
var PacketOf = packetOf

// DataName is the name of data packet n.
var DataName = dataName

// WithSerial is a sync SPDU of kind with serial number sn.
var WithSerial = withSerial

// AnyPeer lets the run's server take any connection: for tests that play
// the client themselves.
func AnyPeer(cfg Config) Config {
	cfg.anyPeer = true
	return cfg
}

// Sends lists the labels of every frame scenario sc can send, as
// --fault checks them.
func Sends(sc Scenario) []string { return scriptFor(sc).sends }

// PacerState describes the pacer's bookkeeping, for a test that finds a
// run stuck.
func (s *Sim) PacerState() string { return s.pacer.String() }

// StepsUsed counts the steps that released an action.
func (s *Sim) StepsUsed() int { return s.pacer.StepsUsed() }

// PanicAfterDial adds a scenario whose client panics once it is
// connected (a bug in a scenario); remove takes it away again.
func PanicAfterDial() (sc Scenario, remove func()) {
	const boom Scenario = 200
	scripts[boom] = script{name: "boom", server: server(serverSession{done: true}),
		client: func(e *endpoint) error {
			if err := e.dial(e.after(0), NoteNone); err != nil {
				return err
			}
			panic("a bug in a scenario")
		},
		accept: func(Pacing) time.Duration { return 0 }}
	return boom, func() { delete(scripts, boom) }
}

// ClientConfirm applies an acknowledgement to a client whose session
// variables are sync, having sent the data packets covers names by
// serial number; it returns the variables after, or why the frame is
// refused.
func ClientConfirm(sync SyncVars, covers map[uint32]uint32, f spdu.Frame) (SyncVars, error) {
	cs := &clientSession{e: &endpoint{side: Client}, covers: covers}
	s := &state{sync: sync}
	_, err := cs.confirm(s, f)
	return s.sync, err
}
