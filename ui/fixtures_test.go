package ui

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"sessionlab/lessons"
	"sessionlab/sim"
	"sessionlab/sim/simtest"
)

// recorded runs scenarios on the real engine, paced on a manual clock,
// and returns their events made stable (simtest.Stable: fixed ports and
// measured times; the seed fixes the session references), so that views
// of them can be compared with golden files. Two readings are then set as
// real time gives them, because a manual clock takes its steps at once:
// the look at the half-closed connection comes after the peer's delayed ACK
// (FIN_WAIT2; see sim's TestHalfClosedShowsFinWait2), and at the ACK check
// nothing is unacknowledged (see TestAckCheckSeesEverythingAcknowledged).
// Whether a frame got a kernel receive stamp is timing too: only a read's
// last frame has one.
func recorded(t testing.TB, scenarios ...sim.Scenario) []sim.Event {
	t.Helper()
	return recordedWith(t, sim.Config{Scenarios: scenarios})
}

// recordedWith is recorded for any configuration, faults included.
func recordedWith(t testing.TB, cfg sim.Config) []sim.Event {
	t.Helper()
	return settled(simtest.Stable(simtest.Paced(t, cfg)))
}

// recordedGuided runs scenarios as a guided learner steps them (see
// sim.RecordStepped): events that happen side by side come in the order
// the guided screen shows them, which a manual clock may order otherwise.
func recordedGuided(t testing.TB, scenarios ...sim.Scenario) []sim.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), simtest.Within)
	defer cancel()
	evs, err := sim.RecordStepped(ctx, sim.Config{Scenarios: scenarios, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return settled(simtest.Stable(evs))
}

// settled sets the readings real time gives, as recorded says.
func settled(evs []sim.Event) []sim.Event {
	for i, ev := range evs {
		switch e := ev.(type) {
		case sim.Observed:
			if e.Note == sim.NoteHalfClosed {
				e.TCP.State = sim.StateFinWait2
			}
			if e.Note == sim.NoteAckCheck {
				e.TCP.Unacked = 0
			}
			evs[i] = e
		case sim.Received:
			e.Transit = 0
			if e.Index == e.FramesInRead-1 {
				e.Transit = 25 * time.Microsecond
			}
			evs[i] = e
		}
	}
	return evs
}

// fakeSession is a run the test feeds by hand.
type fakeSession struct {
	events  chan sim.Event
	mu      sync.Mutex
	paused  bool
	steps   int
	speed   float64
	stopped bool
	faults  []sim.FaultKind
	unfired []sim.Unfired
	// script, when set, is what the fake does on a step: the next of
	// these events comes, as a paused engine's next action would.
	script []sim.Event
}

func (f *fakeSession) Unfired() []sim.Unfired { f.mu.Lock(); defer f.mu.Unlock(); return f.unfired }
func (f *fakeSession) Port() uint16           { return 0 }
func (f *fakeSession) Err() error             { return nil }

func (f *fakeSession) Events() <-chan sim.Event { return f.events }
func (f *fakeSession) Pause()                   { f.mu.Lock(); f.paused = true; f.mu.Unlock() }
func (f *fakeSession) Resume()                  { f.mu.Lock(); f.paused = false; f.mu.Unlock() }
func (f *fakeSession) Step() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.steps++
	if len(f.script) > 0 && !f.stopped {
		f.events <- f.script[0]
		f.script = f.script[1:]
	}
}

// follow makes the fake answer each step with the next of evs.
func (f *fakeSession) follow(evs []sim.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = append([]sim.Event(nil), evs...)
}

// left counts the events follow still holds.
func (f *fakeSession) left() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.script) }

func (f *fakeSession) SetSpeed(x float64) error { f.mu.Lock(); f.speed = x; f.mu.Unlock(); return nil }
func (f *fakeSession) Inject(k sim.FaultKind) {
	f.mu.Lock()
	f.faults = append(f.faults, k)
	f.mu.Unlock()
}

func (f *fakeSession) Stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.stopped {
		f.stopped = true
		close(f.events)
	}
}

// emit sends ev unless the session was stopped.
func (f *fakeSession) emit(ev sim.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.stopped {
		f.events <- ev
	}
}

func (f *fakeSession) state() (paused bool, steps int, speed float64, stopped bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.paused, f.steps, f.speed, f.stopped
}

// fakeStarter hands out fake sessions and remembers them.
type fakeStarter struct {
	mu       sync.Mutex
	sessions []*fakeSession
	cfgs     []sim.Config
}

func (s *fakeStarter) start(cfg sim.Config, paused bool) (sim.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &fakeSession{events: make(chan sim.Event, 256), speed: cfg.Speed, paused: paused}
	s.sessions = append(s.sessions, f)
	s.cfgs = append(s.cfgs, cfg)
	return f, nil
}

// engineStarter starts lessons on the real engine, as main does.
func engineStarter(runs *sim.Runs) Starter {
	return func(cfg sim.Config, paused bool) (sim.Session, error) {
		r, err := runs.Start(cfg, paused)
		if err != nil {
			return nil, err
		}
		return r, nil
	}
}

func (s *fakeStarter) session(i int) *fakeSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i >= len(s.sessions) {
		return nil
	}
	return s.sessions[i]
}

func (s *fakeStarter) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// testClock is a clock the test sets.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

// asciiRenderer renders without colour, as NO_COLOR or a plain terminal
// would, so that goldens do not depend on the machine.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

func testBook(t testing.TB) *lessons.Book {
	t.Helper()
	b, err := lessons.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// harness drives a Model by hand: no program, no goroutines.
type harness struct {
	t       testing.TB
	m       Model
	clock   *testClock
	starter *fakeStarter
}

func newHarness(t testing.TB, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t, clock: &testClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}, starter: &fakeStarter{}}
	hs.m = newModel(t, Deps{Book: testBook(t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now})
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// newModel is New for a test: it fails the test on an error.
func newModel(t testing.TB, deps Deps) Model {
	t.Helper()
	m, err := New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (hs *harness) send(msg tea.Msg) tea.Cmd {
	next, cmd := hs.m.Update(msg)
	hs.m = next.(Model)
	return cmd
}

func (hs *harness) key(k string) tea.Cmd { return hs.send(keyMsg(k)) }

// keyMsg is the key a person presses, by the name key.Binding gives it
// ("right", "pgdown", "ctrl+c", "q").
func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{"space": tea.KeySpace, "left": tea.KeyLeft, "right": tea.KeyRight, "enter": tea.KeyEnter,
		"esc": tea.KeyEsc, "tab": tea.KeyTab, "down": tea.KeyDown, "up": tea.KeyUp, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp,
		"backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC, "ctrl+z": tea.KeyCtrlZ}
	if t, ok := named[k]; ok {
		if t == tea.KeySpace {
			return tea.KeyMsg{Type: t, Runes: []rune{' '}}
		}
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// open opens a lesson and hands it a fake session, as the start command
// would; it returns the session.
func (hs *harness) open(id string) *fakeSession {
	hs.send(openMsg{id: id})
	return hs.started()
}

// started hands the lesson just opened (by a key, say) a fake session, as
// its start command would, which answers steps with the events given;
// it returns the session.
func (hs *harness) started(evs ...sim.Event) *fakeSession {
	s, _ := hs.starter.start(sim.Config{Speed: 1}, true)
	s.(*fakeSession).follow(evs)
	hs.send(startedMsg{gen: hs.m.lesson.link.gen, session: s})
	return s.(*fakeSession)
}

// feed hands events to the open lesson as the run would, moving the
// clock to each event's time as it arrives. Guided, they wait their turn
// unless a step asked for them.
func (hs *harness) feed(evs ...sim.Event) {
	for _, ev := range evs {
		if at := ev.Head().At; at.After(hs.clock.t) {
			hs.clock.t = at
		}
		hs.send(eventMsg{gen: hs.m.lesson.link.gen, ev: ev})
	}
}

// play feeds events and shows each one as it comes, as a learner pressing
// → once per step would see them (and once more to pass a prediction
// without answering it), ending on the last.
func (hs *harness) play(evs ...sim.Event) {
	for _, ev := range evs {
		hs.feed(ev)
		for l := &hs.m.lesson; l.shown < l.hist.len()-1 && l.gathering < 0; {
			hs.key("right")
		}
	}
}

// finish ends the run, as its last event closing the channel would, and
// goes on from the last step to the quiz or the summary, as → does when
// the part's end came with the last step.
func (hs *harness) finish() {
	hs.send(doneMsg{gen: hs.m.lesson.link.gen})
	if st := hs.m.lesson.stage; st != stageQuiz && st != stageSummary {
		hs.key("pgdown")
	}
}

// pump feeds the open lesson what s has emitted so far (a followed fake
// emits on each step), as the program's wait for events would.
func (hs *harness) pump(s *fakeSession) {
	for {
		select {
		case ev := <-s.events:
			hs.feed(ev)
		default:
			return
		}
	}
}

// settle lets the frame of the step on screen finish crossing the wire.
func (hs *harness) settle() { hs.at(hs.clock.t.Add(hs.m.lesson.travel())) }

// at moves the clock and lets the model see it.
func (hs *harness) at(t time.Time) {
	hs.clock.t = t
	hs.send(frameMsg{tag: hs.m.lesson.motion.frameTag, at: t})
}
