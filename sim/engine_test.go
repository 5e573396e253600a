package sim_test

import (
	"context"
	"errors"
	"math"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestSpeedMustBeANumber: NaN passes a naive range check (every
// comparison with NaN is false); the engine refuses it.
func TestSpeedMustBeANumber(t *testing.T) {
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1, 0.1, 5} {
		if ValidSpeed(x) {
			t.Errorf("ValidSpeed(%v)", x)
		}
		if _, err := New(Config{Scenarios: []Scenario{Establish}, Speed: x}); !errors.Is(err, ErrSpeed) {
			t.Errorf("New with speed %v: %v", x, err)
		}
	}
	s, err := New(Config{Scenarios: []Scenario{Establish}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSpeed(math.NaN()); !errors.Is(err, ErrSpeed) || s.Speed() != 1 {
		t.Errorf("SetSpeed(NaN): %v, speed now %v", err, s.Speed())
	}
}

// TestPanicEndsOnlyItsRun makes one side of a scenario panic while another
// Sim runs beside it: the panicking scenario ends with an internal error,
// the other finishes, and nothing is left behind.
func TestPanicEndsOnlyItsRun(t *testing.T) {
	boom, remove := PanicAfterDial()
	defer remove()
	before := simtest.OpenSockets(t)

	ctx, cancel := context.WithTimeout(context.Background(), simtest.Within)
	defer cancel()
	other := make(chan []Event, 1) // buffered: a failed test must not strand the sender
	go func() {
		evs, _, _ := Record(ctx, Config{Scenarios: []Scenario{Synchronize}, Unpaced: true})
		other <- evs
	}()
	evs, _, err := Record(ctx, Config{Scenarios: []Scenario{boom, Establish}, Unpaced: true})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	end, ok := simtest.Find(evs, func(e ScenarioEnded) bool { return e.Scenario == boom })
	if !ok || end.Err == nil || !strings.Contains(end.Err.Error(), "internal error: a bug in a scenario") {
		t.Fatalf("the panicking scenario ended with %v", end.Err)
	}
	if _, ok := simtest.Find(evs, func(e ScenarioEnded) bool { return e.Scenario == Establish && e.Err == nil }); !ok {
		t.Error("the scenario after the panic did not run to its end")
	}
	if o := <-other; len(o) == 0 || o[len(o)-1].(ScenarioEnded).Err != nil {
		t.Error("the Sim beside it did not finish")
	}
	goleak.VerifyNone(t)
	if after := simtest.OpenSockets(t); after != before {
		t.Fatalf("%d sockets open, %d before", after, before)
	}
}

// TestRunsForgetEndedRuns: Runs keeps a run only while it runs, so that a
// program that restarts lessons all day does not keep every Sim.
func TestRunsForgetEndedRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	rs := NewRuns(ctx)
	var runs []*Run
	for range 3 {
		r, err := rs.Start(Config{Scenarios: []Scenario{Establish}, Unpaced: true}, false)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	for _, r := range runs[:2] {
		for range r.Events() {
		}
	}
	runs[2].Stop()
	deadline := time.After(simtest.Within)
	for rs.Live() > 0 {
		select {
		case <-deadline:
			t.Fatalf("%d runs still kept", rs.Live())
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	rs.Wait()
	goleak.VerifyNone(t)
}

// TestEventTypes holds the table of event types: one verb each, and
// WithHeader that keeps the type.
func TestEventTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, ev := range EventTypes() {
		v := ev.Verb()
		if v == "" || seen[v] {
			t.Errorf("%T: verb %q empty or used twice", ev, v)
		}
		seen[v] = true
		got := ev.WithHeader(Header{ID: 7})
		if got.Head().ID != 7 || got.Verb() != v {
			t.Errorf("%T.WithHeader gave %T with ID %d", ev, got, got.Head().ID)
		}
	}
}
