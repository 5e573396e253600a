package sim_test

import (
	"fmt"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestFaultGuarantee injects each fault after each step of the scenarios
// that move data, on a manual clock so that every case is the same on
// every machine. Every run must end, leave no goroutine or socket behind,
// and end either with the receiver holding data packets 0–4 exactly once,
// in order, or with an abort that the events report. At no point may the
// receiver's log hold a duplicate or a gap.
func TestFaultGuarantee(t *testing.T) {
	want := []uint32{0, 1, 2, 3, 4}
	for _, sc := range faultScenarios {
		sent := map[string]bool{}
		for _, fc := range faultCases(t, sc) {
			k, steps := fc.after, fc.steps
			t.Run(fc.name, func(t *testing.T) {
				{
					before := simtest.OpenSockets(t)
					evs := simtest.Paced(t, fc.cfg)
					checkWire(t, evs)
					for _, ev := range evs {
						if s, ok := ev.(Sent); ok {
							sent[s.Name.Short()] = true
						}
					}
					var committed []uint32
					aborted, faulted, stopped := false, false, false
					for _, ev := range evs {
						if stopped && ev.Head().Side == Server {
							t.Fatalf("%s: the stopped server still acts", simtest.Label(ev))
						}
						switch e := ev.(type) {
						case Faulted:
							faulted = true
							// A stopped server has no session, and what it
							// held uncommitted went with it.
							if stopped = e.Fault == FaultStop; stopped && (e.Sync.Known || len(e.Log.Pending) > 0) {
								t.Fatalf("the stopped server still has a session %+v or holds %v", e.Sync, e.Log.Pending)
							}
						case Aborted:
							aborted = true
						}
						// Cause before effect: what the fault brought about
						// is never told before the fault itself. (Only
						// RecoverReconnect breaks its connection on its own.)
						switch ev.(type) {
						case Aborted, ConnError:
							if !faulted && sc != RecoverReconnect {
								t.Fatalf("%s comes before the fault that caused it", simtest.Label(ev))
							}
						}
						switch e := ev.(type) {
						case ScenarioEnded:
							if e.Err != nil {
								t.Fatalf("scenario failed: %v", e.Err)
							}
						}
						if h := ev.Head(); h.Side == Server {
							c := h.Log.Confirmed
							if !slices.Equal(c, want[:min(len(c), len(want))]) {
								t.Fatalf("%s: receiver's log %v is not 0, 1, 2… without duplicates or gaps", simtest.Label(ev), c)
							}
							committed = c
						}
					}
					if !aborted && !slices.Equal(committed, want) {
						t.Fatalf("no abort reported, yet the receiver holds %v", committed)
					}
					// A fault due after the run's last event has no run left to break.
					if _, ok := simtest.Find[Faulted](evs, nil); !ok && k < steps {
						var b strings.Builder
						for i, ev := range evs {
							fmt.Fprintf(&b, "\n%2d %s %s %s", i, ev.Head().At.Format("05.000"), simtest.Label(ev), ev.Head().Note)
						}
						t.Fatalf("the fault was not reported:%s", b.String())
					}
					goleak.VerifyNone(t)
					if after := simtest.OpenSockets(t); after != before {
						t.Fatalf("%d sockets open, %d before", after, before)
					}
				}
			})
		}
		// What the fault cases sent is what the scenario says it can send,
		// so that --fault can reject a frame it never sends.
		for l := range sent {
			if !slices.Contains(Sends(sc), l) {
				t.Errorf("%v sent %s, which its script does not list", sc, l)
			}
		}
	}
}

// faultScenarios are the scenarios that move data, which the fault tests
// break at every step.
var faultScenarios = []Scenario{Synchronize, RecoverResync, RecoverReconnect}

// faultCase is one scenario broken by one fault after one event.
type faultCase struct {
	name         string
	cfg          Config
	kind         FaultKind
	after, steps int // the event the fault follows; how many events the clean run has
}

// faultCases are sc broken by each kind of fault after each event of its
// clean run (on a manual clock, so the same on every machine).
func faultCases(t *testing.T, sc Scenario) []faultCase {
	t.Helper()
	steps := len(simtest.Paced(t, Config{Scenarios: []Scenario{sc}}))
	var out []faultCase
	for _, kind := range FaultKinds() {
		for k := 1; k <= steps; k++ {
			out = append(out, faultCase{name: fmt.Sprintf("%v/%v@%d", sc, kind, k),
				cfg:  Config{Scenarios: []Scenario{sc}, Faults: []FaultAt{{Kind: kind, After: k}}},
				kind: kind, after: k, steps: steps})
		}
	}
	return out
}

func TestParseFault(t *testing.T) {
	for in, want := range map[string]FaultAt{
		"reset@12":  {Kind: FaultReset, After: 12},
		"stall@DT3": {Kind: FaultStall, Frame: "DT 3"},
		"STOP@mia1": {Kind: FaultStop, Frame: "MIA 1"},
		"reset@AC":  {Kind: FaultReset, Frame: "AC"},
	} {
		got, err := ParseFault(in)
		if err != nil || got != want {
			t.Errorf("ParseFault(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if back, err := ParseFault(got.String()); err != nil || back != got {
			t.Errorf("%q does not read back: %+v, %v", got.String(), back, err)
		}
	}
	for _, bad := range []string{"reset", "boom@3", "reset@0", "reset@XY9", "reset@", "reset@DT3x", "reset@-1"} {
		if _, err := ParseFault(bad); err == nil {
			t.Errorf("ParseFault(%q) accepted", bad)
		}
	}
}

// TestFaultCheck rejects, before anything runs, a fault whose frame the
// lesson never sends: a number past the data, a frame without its
// number, a number on a frame that has none.
func TestFaultCheck(t *testing.T) {
	sync := []Scenario{Synchronize}
	for _, tt := range []struct {
		fault     string
		scenarios []Scenario
		ok        bool
	}{
		{"reset@DT3", sync, true},
		{"stall@MIA1", sync, true},
		{"reset@12", sync, true},
		{"reset@DT9", sync, false},
		{"reset@DT", sync, false},
		{"stall@AB7", []Scenario{TerminateAbort}, false},
		{"stall@AB", []Scenario{TerminateAbort}, true},
		{"reset@RS2", sync, false},
		{"reset@RS2", []Scenario{RecoverResync, RecoverReconnect}, true},
	} {
		f, err := ParseFault(tt.fault)
		if err != nil {
			t.Fatalf("ParseFault(%q): %v", tt.fault, err)
		}
		if err := f.Check(tt.scenarios); (err == nil) != tt.ok {
			t.Errorf("%s in %v: %v", tt.fault, tt.scenarios, err)
		} else if err != nil && !strings.Contains(err.Error(), "never sends") {
			t.Errorf("%s: message %q does not say why", tt.fault, err)
		}
	}
}

// TestUnfiredFaults: a fault whose moment never comes is reported with
// the reason at the end of the run, not silently dropped.
func TestUnfiredFaults(t *testing.T) {
	ctx := t.Context()
	evs, unfired, err := Record(ctx, Config{Scenarios: []Scenario{Establish}, Unpaced: true,
		Faults: []FaultAt{{Kind: FaultReset, After: 999}, {Kind: FaultStall, After: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(unfired) != 1 || unfired[0].Fault.After != 999 {
		t.Fatalf("unfired %+v", unfired)
	}
	if want := fmt.Sprintf("the run ended after event %d", len(evs)); unfired[0].Why != want {
		t.Errorf("why %q, want %q", unfired[0].Why, want)
	}
	if _, ok := simtest.Find[Faulted](evs, nil); !ok {
		t.Error("the stall due at event 3 did not fire")
	}
}

// TestFaultsInEveryOtherScenario breaks the scenarios that move no data
// (the fault guarantee covers those that do) with every fault after every
// event: each run must end, its scenario without failing, with what it
// reports of the wire consistent, and nothing left behind. Two sides
// closing at the same moment (an abort while the server stops) once left
// each waiting for the other's event.
func TestFaultsInEveryOtherScenario(t *testing.T) {
	for _, sc := range Scenarios() {
		if slices.Contains(faultScenarios, sc) {
			continue
		}
		for _, fc := range faultCases(t, sc) {
			evs := simtest.Paced(t, fc.cfg)
			checkWire(t, evs)
			for _, ev := range evs {
				if e, ok := ev.(ScenarioEnded); ok && e.Err != nil {
					t.Fatalf("%s: the scenario failed: %v", fc.name, e.Err)
				}
			}
		}
	}
	goleak.VerifyNone(t)
}

// TestALostConnectionMeansWhatTheSessionHadCome: X.225's state tables
// (Annex A) decide what losing the transport connection means. Before a
// CN was sent or read there is no session to abort (the client's connect
// fails; the server's user hears nothing); from CN to DN it is an
// S-P-ABORT; after DN the release was complete, and it is the normal end.
func TestALostConnectionMeansWhatTheSessionHadCome(t *testing.T) {
	for _, tt := range []struct {
		frame        string
		client, serv Note // the note of each side's Aborted event
	}{
		{"CR", NoteNoSession, NoteNoSession},
		{"CN", NoteNone, NoteNone},
		// The client's connection is reset before it reads the DN: its
		// release never completed.
		{"DN", NoteNone, NoteReleased},
	} {
		evs := simtest.Paced(t, Config{Scenarios: []Scenario{TerminateOrderly}, Faults: []FaultAt{{Kind: FaultReset, Frame: tt.frame}}})
		for side, want := range map[Side]Note{Client: tt.client, Server: tt.serv} {
			ab, ok := simtest.Find(evs, func(e Aborted) bool { return e.Side == side })
			if !ok || ab.Note != want || ab.Provider != (want == NoteNone) {
				t.Errorf("reset@%s: the %v reported %+v, want note %q", tt.frame, side, ab, want)
			}
		}
	}
}
