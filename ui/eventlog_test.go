package ui

import (
	"strings"
	"testing"
	"time"

	"sessionlab/sim"
)

// TestLogLabelsEveryEventType ranges over the engine's table of event
// types: the event log must say what each one is.
func TestLogLabelsEveryEventType(t *testing.T) {
	for _, ev := range sim.EventTypes() {
		h := history{}
		h.add(sim.ScenarioStarted{}, time.Time{})
		h.add(ev.WithHeader(sim.Header{ID: 2, Side: sim.Client}), time.Time{})
		line := h.logLabel(1)
		if strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "+0.000s client")) == "" {
			t.Errorf("%T: the log line %q does not say what happened", ev, line)
		}
	}
}
