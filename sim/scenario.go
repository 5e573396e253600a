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

var scenarioNames = [...]string{
	Establish:           "establish",
	EstablishRefused:    "establish-refused",
	Synchronize:         "synchronize",
	RecoverResync:       "recover-resync",
	RecoverReconnect:    "recover-reconnect",
	TerminateOrderly:    "terminate",
	TerminateNegotiated: "terminate-negotiated",
	TerminateAbort:      "terminate-abort",
}

// String returns the scenario's name, as ParseScenario takes it.
func (s Scenario) String() string {
	if int(s) < len(scenarioNames) && scenarioNames[s] != "" {
		return scenarioNames[s]
	}
	return "scenario?"
}

// Scenarios lists every scenario.
func Scenarios() []Scenario {
	var out []Scenario
	for s := range scenarioNames {
		if scenarioNames[s] != "" {
			out = append(out, Scenario(s))
		}
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

// script is a scenario's two halves. Each runs on its own goroutine with
// its own endpoint; they share nothing but the wire.
type script struct {
	server func(*endpoint) error
	client func(*endpoint) error
	// accept is how long the server leaves the finished connection queued.
	accept func(Pacing) time.Duration
}

func scriptFor(s Scenario) script {
	travel := func(p Pacing) time.Duration { return p.Travel }
	noData := clientSession{done: true, drop: -1}
	switch s {
	case Establish:
		return script{server(serverSession{done: true}), client(noData), func(p Pacing) time.Duration { return p.Accept }}
	case EstablishRefused:
		return script{server(serverSession{done: true}), clientRefused, travel}
	case Synchronize:
		return script{server(serverSession{}), client(clientSession{drop: -1}), travel}
	case RecoverResync:
		// The server fails to commit at sync point 2 (after DT 3).
		return script{server(serverSession{failAt: 2}), client(clientSession{drop: -1}), travel}
	case RecoverReconnect:
		// The client's connection is reset once the server has read DT 2.
		return script{server(serverSession{}), client(clientSession{drop: 2}), travel}
	case TerminateOrderly:
		return script{server(serverSession{done: true}), client(noData), travel}
	case TerminateNegotiated:
		return script{server(serverSession{done: true, refuse: true}), client(noData), travel}
	case TerminateAbort:
		return script{serverAbort, clientAbort, travel}
	}
	return script{}
}
