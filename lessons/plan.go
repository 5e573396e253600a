package lessons

import (
	"context"
	"fmt"
	"sync"
	"time"

	"sessionlab/sim"
)

// Plans counts how many steps each part of a lesson takes on its normal
// path, guided (Lesson.Stops), for "step 12 of 20": by rehearsing the
// lesson once as a guided learner steps it (RehearseGuided), which takes
// a tenth of a second or so (the looks at the kernel wait for its delayed
// ACKs).
// The counts are kept, so that many learners in one process rehearse
// each lesson once. The zero value is ready to use.
type Plans struct {
	mu  sync.Mutex
	got map[string]map[sim.Scenario]int
}

// For returns the step count of each of l's parts.
func (p *Plans) For(l *Lesson) (map[sim.Scenario]int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.got[l.ID]; ok {
		return c, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	evs, err := RehearseGuided(ctx, l)
	if err != nil {
		return nil, err
	}
	counts := l.Stops(evs)
	if p.got == nil {
		p.got = map[string]map[sim.Scenario]int{}
	}
	p.got[l.ID] = counts
	return counts, nil
}

// RehearseGuided runs l's scenarios for real on loopback as a guided
// learner steps them (sim.RecordStepped): paused, a step at a time, each
// taken at once. Events that happen side by side come in the order the
// guided screen shows them, which a manual clock may order otherwise, so
// the step counts are the screen's. A scenario that fails is an error.
func RehearseGuided(ctx context.Context, l *Lesson) ([]sim.Event, error) {
	evs, err := sim.RecordStepped(ctx, sim.Config{Scenarios: l.Scenarios})
	if err != nil {
		return nil, err
	}
	return evs, scenarioErr(evs)
}

// scenarioErr is the failure of the first scenario of evs that failed.
func scenarioErr(evs []sim.Event) error {
	for _, ev := range evs {
		if end, ok := ev.(sim.ScenarioEnded); ok && end.Err != nil {
			return fmt.Errorf("the %v scenario failed: %v", end.Scenario, end.Err)
		}
	}
	return nil
}

// Rehearse runs l's scenarios for real on loopback at full speed: a
// manual clock counts the pacing instead of waiting for it. seed fixes the
// session references (0: random ones). A scenario that fails is an error.
func Rehearse(ctx context.Context, l *Lesson, seed uint64) ([]sim.Event, error) {
	return rehearseAt(ctx, l, seed, time.Unix(0, 0))
}

// rehearseAt is Rehearse with the manual clock starting at start: a
// handout's run is dated when it is written, so that its references (a
// common reference is a time) read as today, not as 1970.
func rehearseAt(ctx context.Context, l *Lesson, seed uint64, start time.Time) ([]sim.Event, error) {
	evs, _, err := sim.Record(ctx, sim.Config{Scenarios: l.Scenarios, Clock: sim.NewManualClock(start), Seed: seed})
	if err != nil {
		return nil, err
	}
	return evs, scenarioErr(evs)
}
