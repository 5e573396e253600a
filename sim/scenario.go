package sim

import "time"

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
	// sends lists the labels of every frame the scenario can send, faults
	// included (a test holds it to what runs really send).
	sends []string
}

// The frames every session sends, and those a broken one may add.
var (
	sendsSession = []string{"CN", "AC", "FN", "DN"}
	sendsBroken  = []string{"RF", "AB"}
	sendsData    = []string{"DT 0", "DT 1", "DT 2", "DT 3", "DT 4", "MIP 1", "MIP 2", "MAP 3", "MIA 1", "MIA 2", "MAA 3"}
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
	noData := clientSession{done: true, drop: -1, noData: true}
	return map[Scenario]script{
		Establish: {"establish", server(serverSession{done: true}), client(noData), queued,
			join(sendsSession, sendsBroken)},
		EstablishRefused: {"establish-refused", server(serverSession{done: true}), clientRefused, travel,
			[]string{"CN", "RF"}},
		Synchronize: {"synchronize", server(serverSession{}), client(clientSession{drop: -1}), travel,
			join(sendsSession, sendsBroken, sendsData)},
		// The server fails to commit at sync point 2 (after DT 3).
		RecoverResync: {"recover-resync", server(serverSession{failAt: 2}), client(clientSession{drop: -1}), travel,
			join(sendsSession, sendsBroken, sendsData, []string{"RS 2", "RA 2"})},
		// The client's connection is reset once the server has read DT 2.
		RecoverReconnect: {"recover-reconnect", server(serverSession{}), client(clientSession{drop: 2}), travel,
			join(sendsSession, sendsBroken, sendsData)},
		TerminateOrderly: {"terminate", server(serverSession{done: true}), client(noData), travel,
			join(sendsSession, sendsBroken)},
		TerminateNegotiated: {"terminate-negotiated", server(serverSession{done: true, refuse: true}), client(noData), travel,
			join(sendsSession, sendsBroken, []string{"NF", "DT 0"})},
		TerminateAbort: {"terminate-abort", serverAbort, clientAbort, travel,
			[]string{"CN", "AC", "DT 0", "AB", "RF"}},
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
