package sim_test

import (
	"context"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"sessionlab/sim/spdu"
)

func dtSends(evs []Event) []time.Time {
	var at []time.Time
	for _, ev := range evs {
		if e, ok := ev.(Sent); ok && MainOf(e.Frame).Kind == spdu.DT {
			at = append(at, e.At)
		}
	}
	return at
}

func TestCadenceOnManualClock(t *testing.T) {
	for _, tt := range []struct {
		speed float64
		gap   time.Duration
	}{{1, time.Second}, {2, 500 * time.Millisecond}, {0.25, 4 * time.Second}, {4, 250 * time.Millisecond}} {
		evs := simtest.Paced(t, Config{Scenarios: []Scenario{Synchronize}, Speed: tt.speed})
		at := dtSends(evs)
		if len(at) != Packets {
			t.Fatalf("speed %g: %d data packets", tt.speed, len(at))
		}
		for i := 1; i < len(at); i++ {
			if d := at[i].Sub(at[i-1]); d != tt.gap {
				t.Errorf("speed %g: DT %d sent %v after DT %d, want %v", tt.speed, i, d, i-1, tt.gap)
			}
		}
	}
}

func TestPacingOrdersEveryStep(t *testing.T) {
	evs := simtest.Paced(t, Config{Scenarios: []Scenario{Establish}})
	p := DefaultPacing()
	// The server leaves the connection in the accept queue for 1 s; the
	// transport connection (CR, CC) comes before the session's CN.
	accepted := p.Beat + p.Accept
	cc := accepted + p.Travel + p.Beat
	want := map[string]time.Duration{
		"server listening":   0,
		"client dialed":      p.Beat,
		"client sent CR":     2 * p.Beat,
		"server accepted":    accepted,
		"server received CR": accepted + p.Travel,
		"server sent CC":     cc,
		"client received CC": cc + p.Travel,
		"client sent CN":     cc + p.Travel + p.Beat,
		"server received CN": cc + 2*p.Travel + p.Beat,
	}
	for _, ev := range evs {
		if d, ok := want[simtest.Label(ev)]; ok {
			if got := ev.Head().At.Sub(simtest.T0()); got != d {
				t.Errorf("%s at +%v, want +%v", simtest.Label(ev), got, d)
			}
			delete(want, simtest.Label(ev))
		}
	}
	if len(want) > 0 {
		t.Errorf("missing events: %v", want)
	}
	acc, _ := simtest.Find[Accepted](evs, nil)
	if acc.AfterHandshake != p.Accept {
		t.Errorf("connection waited %v in the queue, want %v", acc.AfterHandshake, p.Accept)
	}
}

// TestStepsOneEventAtATime pauses before the start and steps through each
// scenario. Every event except the run's own markers must use exactly one
// step (no step used up unseen, even around Recover's reset), nothing may
// happen before the first step, and each side must see the same sequence
// as when running freely on a manual clock.
func TestStepsOneEventAtATime(t *testing.T) {
	for _, sc := range Scenarios() {
		t.Run(sc.String(), func(t *testing.T) { stepThrough(t, sc) })
	}
}

func stepThrough(t *testing.T, sc Scenario) {
	free := simtest.Paced(t, Config{Scenarios: []Scenario{sc}})

	s, err := New(Config{Scenarios: []Scenario{sc}})
	if err != nil {
		t.Fatal(err)
	}
	s.Pause()
	ctx, cancel := context.WithTimeout(context.Background(), simtest.Within)
	defer cancel()
	ch, err := s.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := <-ch
	if !isMarker(start) {
		t.Fatalf("%s happened while paused, before any step", simtest.Label(start))
	}
	var stepped []Event
	var n atomic.Int64
	stuck := time.AfterFunc(simtest.Within-time.Second, func() {
		// Say where the pacer stands before the deadline unwinds it all.
		t.Errorf("stepping stuck after %d events; pacer: %s", n.Load(), s.PacerState())
	})
	defer stuck.Stop()
	for {
		s.Step()
		ev, ok := <-ch
		for ok && isMarker(ev) {
			ev, ok = <-ch
		}
		if !ok {
			break
		}
		stepped = append(stepped, ev)
		n.Add(1)
	}
	s.Wait()
	if cancel(); ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("stepping did not finish; last events: %v", simtest.Labels(stepped[max(0, len(stepped)-4):]))
	}
	if used := s.StepsUsed(); used != len(stepped) {
		t.Errorf("%d events used %d steps", len(stepped), used)
	}
	for _, side := range []Side{Server, Client} {
		if a, b := simtest.SideLabels(free, side), simtest.SideLabels(stepped, side); !slices.Equal(a, b) {
			t.Errorf("%v stepped:\n %q\nfree:\n %q", side, b, a)
		}
	}
	// On the lesson clock, each step happens when it would have running:
	// the same time, stepped or free.
	for _, side := range []Side{Server, Client} {
		a, b := pacedAt(free, side, free[0].Head().Paced), pacedAt(stepped, side, start.Head().Paced)
		for i := range min(len(a), len(b)) {
			if d := a[i] - b[i]; d.Abs() > time.Millisecond {
				t.Errorf("%v's event %d: %v on the lesson clock running, %v stepped", side, i+1, a[i], b[i])
				break
			}
		}
	}
}

// pacedAt lists side's events' times on the lesson clock, from base.
func pacedAt(evs []Event, side Side, base time.Duration) (out []time.Duration) {
	for _, ev := range evs {
		if h := ev.Head(); h.Side == side {
			out = append(out, h.Paced-base)
		}
	}
	return out
}

func isMarker(ev Event) bool {
	switch ev.(type) {
	case ScenarioStarted, ScenarioEnded:
		return true
	}
	return false
}
