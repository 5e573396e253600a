package ui

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"go.uber.org/goleak"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// teatest waits for SIGINT on a goroutine it never ends.
var teatestSignal = goleak.IgnoreAnyFunction("github.com/charmbracelet/x/exp/teatest.NewTestModel.func2")

// noLeaks fails the test if goroutines are left behind once programs
// quit. Bubble Tea never cancels a command: a tick it was waiting on (at
// most a second, the countdown's) ends on its own, so noLeaks waits up to
// a few seconds for that before it calls a goroutine leaked.
func noLeaks(t testing.TB, opts ...goleak.Option) {
	t.Helper()
	if err := leftover(opts...); err != nil {
		t.Fatal(err)
	}
}

// leftover waits for goroutines to end and returns goleak's report on
// those that did not.
func leftover(opts ...goleak.Option) error {
	opts = append(opts, teatestSignal)
	deadline := time.Now().Add(3 * time.Second)
	for {
		err := goleak.Find(opts...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond) // polling goleak.Find, not synchronisation
	}
}

const flowWait = 10 * time.Second

// waitOutput waits until the output has shown every text. (What one wait
// reads, the next does not see again.)
func waitOutput(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	waitOutputFor(t, tm, flowWait, texts...)
}

// waitOutputFor is waitOutput with its own bound on the wait.
func waitOutputFor(t *testing.T, tm *teatest.TestModel, d time.Duration, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, text := range texts {
			if !bytes.Contains(b, []byte(text)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(d), teatest.WithCheckInterval(10*time.Millisecond))
}

// waitUntil waits for a condition outside the output (a fake's state),
// reading the output meanwhile so the program never blocks on it.
func waitUntil(t *testing.T, tm *teatest.TestModel, what string, ok func() bool) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func([]byte) bool { return ok() },
		teatest.WithDuration(flowWait), teatest.WithCheckInterval(10*time.Millisecond))
	if !ok() {
		t.Fatalf("never: %s", what)
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// quickly is a reading time for tests: playing goes on at once.
func quickly(int) time.Duration { return time.Millisecond }

// TestFlowWithFakeRun drives the whole program against a run the test
// feeds: the intro card, a step per PgDn with the data packets crossing
// in order, a step back, restart, resize down to too small, quit.
func TestFlowWithFakeRun(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	st := &fakeStarter{}
	m := newModel(t, Deps{Book: testBook(t), Start: st.start, Renderer: asciiRenderer(), Lesson: "synchronize", NoQuestions: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	t.Cleanup(func() {
		for i := 0; i < st.count(); i++ {
			st.session(i).Stop() // ends the program's wait for events
		}
	})
	waitUntil(t, tm, "the lesson starts a run", func() bool { return st.count() == 1 })
	waitOutput(t, tm, "introduction", "→ or PgDn: next step")
	s := st.session(0)

	// Each PgDn asks for a step; the fake answers it with the next event.
	// (Synchronize asks predictions too; this run passes them.)
	next := 0
	for seq := uint32(0); seq < sim.Packets; seq++ {
		for ; next < len(evs); next++ {
			tm.Send(tea.KeyMsg{Type: tea.KeyPgDown})
			waitUntil(t, tm, "a step", func() bool { _, steps, _, _ := s.state(); return steps == next+1 })
			s.emit(evs[next])
			if e, ok := evs[next].(sim.Sent); ok && e.Name.Short() == fmt.Sprintf("DT %d", seq) {
				next++
				break
			}
		}
		// The glyph on the wire, and the log line.
		waitOutput(t, tm, fmt.Sprintf("[GT+DT %d]▶", seq), fmt.Sprintf("client → GT+DT %d", seq))
	}
	if paused, _, _, _ := s.state(); !paused {
		t.Fatal("guided, the run was not paused")
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyPgUp})
	waitOutput(t, tm, "REPLAY", "the network is not rewound")

	tm.Send(keyMsg("r"))
	waitUntil(t, tm, "a fresh run", func() bool { return st.count() == 2 })
	if _, _, _, stopped := s.state(); !stopped {
		t.Fatal("restart left the old run going")
	}
	st.session(1).emit(evs[0])
	st.session(1).emit(evs[1])
	tm.Send(keyMsg("right"))
	tm.Send(keyMsg("right"))
	waitOutput(t, tm, "server listening")

	tm.Send(tea.WindowSizeMsg{Width: 60, Height: 20})
	waitOutput(t, tm, "Event log  (tab: frame inspector)")
	tm.Send(tea.WindowSizeMsg{Width: 59, Height: 19})
	waitOutput(t, tm, "Terminal too small")
	tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	waitOutput(t, tm, "Frame inspector")

	tm.Send(keyMsg("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(flowWait))
	final := tm.FinalModel(t).(Model)
	if final.lesson.hist.len() != 2 || final.lesson.cursor != 1 {
		t.Fatalf("final model shows %d events of the new run, cursor %d", final.lesson.hist.len(), final.lesson.cursor)
	}
}

// TestFlowWithRealEngine plays Synchronize on real sockets at the highest
// speed, sees the data packets cross in order, then PgDn pauses and steps
// once more, and it quits with every socket and goroutine gone.
func TestFlowWithRealEngine(t *testing.T) {
	existing := goleak.IgnoreCurrent()
	ctx, cancel := context.WithCancel(context.Background())
	runs := sim.NewRuns(ctx)
	m := newModel(t, Deps{Book: testBook(t), Start: engineStarter(runs), Renderer: asciiRenderer(), Lesson: "synchronize",
		Speed: sim.MaxSpeed, Live: true, Reading: quickly, NoQuestions: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	for seq := 0; seq < sim.Packets; seq++ {
		waitOutput(t, tm, fmt.Sprintf("client → GT+DT %d", seq))
	}
	// PgDn while playing pauses and steps (exactly one more step is
	// TestOneStepPerKey's business, without the race of a live run).
	tm.Send(tea.KeyMsg{Type: tea.KeyPgDown})
	waitOutput(t, tm, "PAUSED")
	tm.Send(keyMsg("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(flowWait))
	final := tm.FinalModel(t).(Model)
	cancel()
	runs.Wait()
	if l := final.lesson; l.playing || !l.runPaused || l.cursor != l.shown {
		t.Fatalf("PgDn while playing: playing %v, run paused %v, cursor %d of %d shown", l.playing, l.runPaused, l.cursor, l.shown)
	}
	noLeaks(t, existing)
}

// TestFlowClickerOnly runs Establish on real sockets from the picker to
// the next lesson with PgDn alone, as an instructor with a clicker would:
// every step is shown, each prediction and quiz question is passed with
// its answer shown, the summary card comes, and PgDn opens Synchronize.
func TestFlowClickerOnly(t *testing.T) {
	existing := goleak.IgnoreCurrent()
	ctx, cancel := context.WithCancel(context.Background())
	runs := sim.NewRuns(ctx)
	var plans lessons.Plans
	m := newModel(t, Deps{Book: testBook(t), Start: engineStarter(runs), Renderer: asciiRenderer(), Speed: sim.MaxSpeed, Plan: plans.For})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	pgdn := func() { tm.Send(tea.KeyMsg{Type: tea.KeyPgDown}) }
	waitOutput(t, tm, "1. Establish")
	pgdn()
	waitOutput(t, tm, "Establish · introduction")
	est, _ := testBook(t).Lesson("establish")
	total, err := plans.For(est)
	if err != nil {
		t.Fatal(err)
	}
	// One press per step, one more per prediction, two per quiz question.
	presses := len(est.Predictions()) + 2*len(est.Quiz())
	for _, sc := range est.Scenarios {
		presses += total[sc]
	}
	// A press at a time, each once the screen has answered the one before:
	// a person reads before the next click.
	var seen []byte
	for range presses - 1 {
		pgdn()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			seen = append(seen, b...)
			return len(b) > 0
		}, teatest.WithDuration(flowWait), teatest.WithCheckInterval(5*time.Millisecond))
	}
	if !bytes.Contains(seen, []byte("Quiz: question 3 of 3")) {
		t.Fatalf("%d presses did not reach the last quiz question", presses-1)
	}
	for _, want := range []string{"Predict, then watch", "The answer:", fmt.Sprintf("step %d of %d", total[est.Scenarios[1]]-1, total[est.Scenarios[1]])} {
		if !bytes.Contains(seen, []byte(want)) {
			t.Errorf("on the way, the screen never showed %q", want)
		}
	}
	pgdn()
	waitOutput(t, tm, "■ finished", "Next: Synchronize")
	pgdn()
	waitOutput(t, tm, "Synchronize · introduction")
	tm.Send(keyMsg("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(flowWait))
	cancel()
	runs.Wait()
	noLeaks(t, existing)
}
