package sim

import (
	"time"

	"sessionlab/sim/spdu"
)

// Scenario is one scripted session between the server and the client.
type Scenario uint8

// The scenarios.
const (
	Establish           Scenario = iota + 1 // connect, accept the session, release it
	EstablishRefused                        // connect, refuse the session with RF
	Synchronize                             // data packets 0–4 with minor and major sync points
	RecoverResync                           // a failed commit, RS and RA, and the data sent again
	RecoverReconnect                        // the connection reset mid-transfer, resumed on a new one
	TerminateOrderly                        // FN, DN, half-close, close, TIME_WAIT
	TerminateNegotiated                     // FN refused with NF, a last result, FN again, DN
	TerminateAbort                          // AB, then a reset close
)

// script is a scenario: its name, its two halves, and what it can send.
// Each half runs on its own goroutine with its own endpoint; they share
// nothing but the wire.
type script struct {
	name   string
	server func(*endpoint) error
	client func(*endpoint) error
	// accept is how long the server leaves the finished connection queued.
	accept func(Pacing) time.Duration
	// units are the functional units the client proposes.
	units spdu.Units
	// sends lists the labels of every frame the scenario can send, faults
	// included (a test holds it to what runs really send).
	sends []string
}

// The frames (short labels) every session sends, and those a broken one
// may add.
var (
	sendsSession = []string{"CR", "CC", "CN", "AC", "FN", "DN"}
	sendsBroken  = []string{"RF", "AB", "ER"}
	sendsData    = []string{"DT 0", "DT 1", "DT 2", "DT 3", "DT 4", "MIP 1", "MIP 2", "MAP 3", "MIA 1", "MIA 2", "MAA 3"}
	sendsResume  = []string{"AS", "AR", "AE 3", "AEA 3", "MIP 3", "MIA 3", "AE 1", "AE 2", "AEA 1", "AEA 2"}
)

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var scripts = func() map[Scenario]script {
	travel := func(p Pacing) time.Duration { return p.Travel }
	queued := func(p Pacing) time.Duration { return p.Accept }
	noData := clientSession{done: true, noData: true}
	units := proposedUnits
	return map[Scenario]script{
		Establish: {"establish", server(serverSession{done: true}), client(noData), queued, units,
			join(sendsSession, sendsBroken)},
		EstablishRefused: {"establish-refused", server(serverSession{done: true}), clientRefused, travel, units,
			[]string{"CR", "CC", "CN", "RF", "ER"}},
		Synchronize: {"synchronize", server(serverSession{}), client(clientSession{}), travel, units,
			join(sendsSession, sendsBroken, sendsData)},
		// The server fails to commit at sync point 2 (after DT 3).
		RecoverResync: {"recover-resync", server(serverSession{failAt: 2}), client(clientSession{}), travel, units,
			join(sendsSession, sendsBroken, sendsData, []string{"RS 2", "RA 2"})},
		// The transfer is an activity. The client's connection is reset
		// once the server has confirmed sync point 2 and before its MIA is
		// read; the activity is resumed on a new session connection.
		RecoverReconnect: {"recover-reconnect", server(serverSession{}), client(clientSession{dropAt: 2}), travel,
			units | spdu.Activities, join(sendsSession, sendsBroken, sendsData, sendsResume)},
		TerminateOrderly: {"terminate", server(serverSession{done: true}), client(noData), travel, units,
			join(sendsSession, sendsBroken)},
		TerminateNegotiated: {"terminate-negotiated", server(serverSession{done: true, refuse: true}), client(noData), travel, units,
			join(sendsSession, sendsBroken, []string{"NF", "DT"})},
		TerminateAbort: {"terminate-abort", serverAbort, clientAbort, travel, units,
			[]string{"CR", "CC", "CN", "AC", "DT 0", "AB", "RF", "ER"}},
	}
}()

func scriptFor(s Scenario) script { return scripts[s] }

// Valid reports whether s is a scenario.
func (s Scenario) Valid() bool {
	_, ok := scripts[s]
	return ok
}

// String returns the scenario's name, as ParseScenario takes it.
func (s Scenario) String() string {
	if sc, ok := scripts[s]; ok {
		return sc.name
	}
	return "scenario?"
}

// Scenarios lists every scenario, in order.
func Scenarios() []Scenario {
	var out []Scenario
	for s := Establish; s.Valid(); s++ {
		out = append(out, s)
	}
	return out
}

// ParseScenario returns the scenario with the given name.
func ParseScenario(name string) (Scenario, bool) {
	for _, s := range Scenarios() {
		if s.String() == name {
			return s, true
		}
	}
	return 0, false
}
