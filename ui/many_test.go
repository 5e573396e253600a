package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"go.uber.org/goleak"

	"sessionlab/sim"
	"sessionlab/sim/simtest"
)

// TestManyModelsInOneProcess starts 50 Models in one process, as serve
// will, each with its own engine, and runs a lesson to its end in each (the
// four lessons in turn, unpaced). Each Model must see exactly its own run:
// events numbered from 1 without a gap, only its lesson's scenarios, only
// its own server's port. Afterwards no goroutine and no socket is left.
func TestManyModelsInOneProcess(t *testing.T) {
	const manyWait = 90 * time.Second
	const n = 50
	existing := goleak.IgnoreCurrent()
	before := simtest.OpenSockets(t)
	ctx, cancel := context.WithCancel(context.Background())
	runs := sim.NewRuns(ctx)
	start := func(cfg sim.Config, paused bool) (sim.Session, error) {
		cfg.Unpaced = true
		r, err := runs.Start(cfg, paused)
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	book := testBook(t)
	ids := book.IDs()
	var scrs []*flowScreen
	for i := range n {
		m := newModel(t, Deps{Book: book, Start: start, Renderer: asciiRenderer(), Lesson: ids[i%len(ids)], Live: true, NoQuestions: true})
		scrs = append(scrs, newFlowScreen(t, teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))))
	}
	for i, scr := range scrs {
		// All 50 run at once; on a busy machine under -race the first
		// may take far longer than one run alone, so only a hang fails.
		scr.waitLong(manyWait, "■ finished")
		scr.key("q")
		scr.tm.WaitFinished(t, teatest.WithFinalTimeout(flowWait))
		final := scr.tm.FinalModel(t).(Model)
		checkOwnRun(t, fmt.Sprintf("model %d (%s)", i, ids[i%len(ids)]), final)
	}
	cancel()
	runs.Wait()
	if runs.Live() != 0 {
		t.Fatalf("%d runs still kept", runs.Live())
	}
	noLeaks(t, existing)
	if after := simtest.OpenSockets(t); after != before {
		t.Fatalf("%d sockets open, %d before", after, before)
	}
}

// checkOwnRun checks that a Model holds one whole run of its own lesson.
func checkOwnRun(t *testing.T, who string, m Model) {
	t.Helper()
	l := m.lesson
	if !l.link.done || l.hist.len() == 0 {
		t.Fatalf("%s: the run did not end (%d events)", who, l.hist.len())
	}
	var port uint16
	for i, r := range l.hist.recs {
		h := r.ev.Head()
		if h.ID != i+1 {
			t.Fatalf("%s: event %d has ID %d", who, i+1, h.ID)
		}
		if !l.lesson.Has(h.Scenario) {
			t.Fatalf("%s: an event of %v, not of its lesson", who, h.Scenario)
		}
		if ls, ok := r.ev.(sim.Listening); ok && port == 0 {
			port = ls.Local.Port()
		}
		if h.Side == sim.Server && h.Local.IsValid() && h.Local.Port() != port {
			t.Fatalf("%s: a server event on port %d, its server listens on %d", who, h.Local.Port(), port)
		}
	}
	if end, ok := l.hist.recs[l.hist.len()-1].ev.(sim.ScenarioEnded); !ok || end.Err != nil {
		t.Fatalf("%s: the run ended with %v", who, l.hist.recs[l.hist.len()-1].ev)
	}
}
