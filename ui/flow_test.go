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

// flowScreen is a teatest program's output, kept whole: every byte the
// program wrote is read into one buffer, and a wait looks at everything
// drawn since the last message the test sent, so that no frame is thrown
// away between two waits (a frame drawn while the test waited for
// something else is still seen).
type flowScreen struct {
	t    *testing.T
	tm   *teatest.TestModel
	seen []byte
	from int // where the current wait looks from: the last send
}

func newFlowScreen(t *testing.T, tm *teatest.TestModel) *flowScreen { return &flowScreen{t: t, tm: tm} }

// read keeps whatever the program has written so far.
func (s *flowScreen) read() {
	buf := make([]byte, 4096)
	for {
		n, _ := s.tm.Output().Read(buf)
		if n == 0 {
			return
		}
		s.seen = append(s.seen, buf[:n]...)
	}
}

// send sends msg to the program; what it draws afterwards is what the
// next wait looks at.
func (s *flowScreen) send(msg tea.Msg) {
	s.read()
	s.from = len(s.seen)
	s.tm.Send(msg)
}

// key sends a key by its name (see keyMsg).
func (s *flowScreen) key(name string) { s.send(keyMsg(name)) }

// waitFor waits, up to d, until ok holds.
func (s *flowScreen) waitFor(d time.Duration, what string, ok func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		s.read()
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("never: %s. Since the last key the screen showed:\n%s", what, s.seen[s.from:])
		}
		time.Sleep(5 * time.Millisecond) // polling the output, not synchronisation
	}
}

// wait waits until what was drawn since the last send shows every text.
func (s *flowScreen) wait(texts ...string) { s.t.Helper(); s.waitLong(flowWait, texts...) }

// waitLong is wait with its own bound.
func (s *flowScreen) waitLong(d time.Duration, texts ...string) {
	s.t.Helper()
	s.waitFor(d, fmt.Sprintf("the screen shows %q", texts), func() bool {
		for _, text := range texts {
			if !bytes.Contains(s.seen[s.from:], []byte(text)) {
				return false
			}
		}
		return true
	})
}

// until waits for a condition outside the output (a fake's state),
// keeping the output meanwhile.
func (s *flowScreen) until(what string, ok func() bool) { s.t.Helper(); s.waitFor(flowWait, what, ok) }

// drawn waits until the program has drawn anything since the last send.
func (s *flowScreen) drawn() {
	s.t.Helper()
	s.waitFor(flowWait, "the screen changes", func() bool { return len(s.seen) > s.from })
}

// TestFlowWithFakeRun drives the whole program against a run the test
// feeds: the intro card, a step per PgDn with the data packets crossing
// in order, a step back, restart, resize down to too small, quit.
func TestFlowWithFakeRun(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	st := &fakeStarter{}
	m := newModel(t, Deps{Book: testBook(t), Start: st.start, Renderer: asciiRenderer(), Lesson: "synchronize", NoQuestions: true})
	scr := newFlowScreen(t, teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30)))
	t.Cleanup(func() {
		for i := 0; i < st.count(); i++ {
			st.session(i).Stop() // ends the program's wait for events
		}
	})
	scr.until("the lesson starts a run", func() bool { return st.count() == 1 })
	scr.wait("introduction", "→ or PgDn: next step")
	s := st.session(0)

	// Each PgDn asks for a step (a connect that Establish taught asks for
	// several, shown as one); the fake answers each with the next event.
	s.follow(evs)
	for seq := uint32(0); seq < sim.Packets; seq++ {
		dt := fmt.Sprintf("client → GT+DT %d", seq)
		for !bytes.Contains(scr.seen, []byte(dt)) {
			scr.key("pgdown")
			scr.drawn()
		}
		// The glyph on the wire, and the log line.
		scr.wait(fmt.Sprintf("[GT+DT %d]▶", seq), dt)
	}
	if paused, _, _, _ := s.state(); !paused {
		t.Fatal("guided, the run was not paused")
	}
	scr.key("pgup")
	scr.wait("REPLAY", "the network is not rewound")

	scr.key("r")
	scr.until("a fresh run", func() bool { return st.count() == 2 })
	if _, _, _, stopped := s.state(); !stopped {
		t.Fatal("restart left the old run going")
	}
	st.session(1).emit(evs[0])
	st.session(1).follow(evs[1:])
	scr.key("right") // the part's start with its connect, which Establish taught: one step
	scr.wait("server listening", "as in Establish")

	scr.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	scr.wait("Event log  (tab: frame inspector)")
	scr.send(tea.WindowSizeMsg{Width: 59, Height: 19})
	scr.wait("Terminal too small")
	scr.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	scr.wait("Frame inspector")

	scr.key("q")
	scr.tm.WaitFinished(t, teatest.WithFinalTimeout(flowWait))
	final := scr.tm.FinalModel(t).(Model)
	l := final.lesson
	if first, n, ok := l.groupAt(l.cursor); !ok || first != 0 || n < 5 || l.shown != l.cursor {
		t.Fatalf("final model: cursor %d of %d shown is not the new run's connect as one step (%d, %d, %v)", l.cursor, l.shown, first, n, ok)
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
		Speed: sim.MaxSpeed, Live: true, NoQuestions: true})
	scr := newFlowScreen(t, teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30)))
	for seq := 0; seq < sim.Packets; seq++ {
		scr.wait(fmt.Sprintf("client → GT+DT %d", seq))
	}
	// PgDn while playing pauses and steps (exactly one more step is
	// TestOneStepPerKey's business, without the race of a live run).
	scr.key("pgdown")
	scr.wait("PAUSED")
	scr.key("q")
	scr.tm.WaitFinished(t, teatest.WithFinalTimeout(flowWait))
	final := scr.tm.FinalModel(t).(Model)
	cancel()
	runs.Wait()
	if l := final.lesson; l.playing() || !l.link.paused || l.cursor != l.shown {
		t.Fatalf("PgDn while playing: playing %v, run paused %v, cursor %d of %d shown", l.playing(), l.link.paused, l.cursor, l.shown)
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
	scr := newFlowScreen(t, teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24)))
	scr.wait("1. Establish")
	scr.key("pgdown")
	scr.wait("Establish · introduction")
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
	from := len(scr.seen)
	for range presses - 1 {
		scr.key("pgdown")
		scr.drawn()
	}
	seen := scr.seen[from:]
	if last := fmt.Sprintf("Quiz: question %d of %d", len(est.Quiz()), len(est.Quiz())); !bytes.Contains(seen, []byte(last)) {
		t.Fatalf("%d presses did not reach the last quiz question", presses-1)
	}
	for _, want := range []string{"Predict, then watch", "The answer:", fmt.Sprintf("step %d of %d", total[est.Scenarios[1]]-1, total[est.Scenarios[1]])} {
		if !bytes.Contains(seen, []byte(want)) {
			t.Errorf("on the way, the screen never showed %q", want)
		}
	}
	scr.key("pgdown")
	scr.wait("■ finished", "Next: Synchronize")
	scr.key("pgdown")
	scr.wait("Synchronize · introduction")
	scr.key("q")
	scr.tm.WaitFinished(t, teatest.WithFinalTimeout(flowWait))
	cancel()
	runs.Wait()
	noLeaks(t, existing)
}
