package lessons

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"sessionlab/sim"
)

var update = flag.Bool("update", false, "write census.txt from the runs")

// TestCensus runs every scenario clean and broken by every fault after
// every event, on a manual clock (the same on every machine), collects the
// content keys of every event, and checks census.txt lists exactly those
// (-update writes it). What real time alone decides is added in each way
// it can go (timingVariants).
func TestCensus(t *testing.T) {
	keys := map[sim.Scenario]map[string]bool{}
	add := func(evs []sim.Event) {
		for _, ev := range evs {
			sc := ev.Head().Scenario
			if keys[sc] == nil {
				keys[sc] = map[string]bool{}
			}
			for _, v := range timingVariants(ev) {
				for _, k := range Keys(v) {
					keys[sc][k] = true
				}
			}
		}
	}
	for _, sc := range sim.Scenarios() {
		clean := runPaced(t, sim.Config{Scenarios: []sim.Scenario{sc}})
		add(clean)
		// Any run can end in a failure (SessionLab's own); it is said too.
		add([]sim.Event{sim.ScenarioEnded{Header: sim.Header{Scenario: sc}, Err: errors.New("a failure")}})
		// Any program can connect to the listening socket while a run
		// waits for its client; the server turns it away (sim's
		// TestStrangersAreTurnedAway).
		add([]sim.Event{sim.Rejected{Header: sim.Header{Scenario: sc, Side: sim.Server}}})
		for _, kind := range sim.FaultKinds() {
			for k := 1; k <= len(clean); k++ {
				add(runPaced(t, sim.Config{Scenarios: []sim.Scenario{sc}, Faults: []sim.FaultAt{{Kind: kind, After: k}}}))
			}
		}
	}
	var b strings.Builder
	b.WriteString("# The content keys each scenario's events can have: see census.go.\n")
	for _, sc := range sim.Scenarios() {
		var ks []string
		for k := range keys[sc] {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		for _, k := range ks {
			fmt.Fprintf(&b, "%s\t%s\n", sc, k)
		}
	}
	if *update {
		if err := os.WriteFile("census.txt", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := b.String(); got != censusText {
		t.Fatalf("census.txt is out of date (go test ./lessons -run TestCensus -update):\n%s", lineDiff(censusText, got))
	}
}

// TestShippedKeysAreEmitted: every heading of the shipped lesson files
// names an event some run emits (Load checks it against the census).
func TestShippedKeysAreEmitted(t *testing.T) {
	if err := book(t).checkKeys(); err != nil {
		t.Fatal(err)
	}
}

// timingVariants returns ev as real time could also have made it: a frame
// held back by a stall or not, a frame read alone or with others, the
// acknowledgement check finding nothing or something unacknowledged, a
// FIN found acknowledged or not yet.
func timingVariants(ev sim.Event) []sim.Event {
	out := []sim.Event{ev}
	switch e := ev.(type) {
	case sim.Received:
		alone, shared := e, e
		alone.FramesInRead, alone.Index = 1, 0
		shared.FramesInRead, shared.Index = 2, 1
		out = append(out, alone, shared)
	case sim.Sent:
		// A stall holds back the next frame written by either side; when
		// both sides have a frame due, the one that passes the pacer
		// first is held, so any frame sent can be the one.
		stalled := e
		stalled.Note = sim.NoteStalled
		out = append(out, stalled)
	case sim.Observed:
		if e.Note == sim.NoteAckCheck && e.TCP.Known {
			acked, unacked := e, e
			acked.TCP.Unacked, unacked.TCP.Unacked = 0, 2
			out = append(out, acked, unacked)
		}
		if e.Note == sim.NoteHalfClosed && e.TCP.Known {
			// The look may come before the peer's kernel acknowledges the
			// FIN (a delayed ACK, tens of milliseconds) or after.
			early, late := e, e
			early.TCP.State, late.TCP.State = sim.StateFinWait1, sim.StateFinWait2
			out = append(out, early, late)
		}
	}
	return out
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}
