package ui

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"sessionlab/lessons"
	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// recorded runs scenarios on the real engine, paced on a manual clock, and
// returns their events with what differs from run to run (ports, session
// ID, round-trip and transit times) set to fixed values, so that views of
// them can be compared with golden files.
func recorded(t testing.TB, scenarios ...sim.Scenario) []sim.Event {
	t.Helper()
	clk := sim.NewManualClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	s, err := sim.New(sim.Config{Scenarios: scenarios, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	events, err := s.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	driveCtx, stopDrive := context.WithCancel(ctx)
	driven := make(chan struct{})
	go func() {
		defer close(driven)
		clk.Drive(driveCtx)
	}()
	n := normalizer{ports: map[uint16]uint16{}}
	var out []sim.Event
	for ev := range events {
		out = append(out, n.fix(ev))
	}
	stopDrive()
	<-driven
	s.Wait()
	if ctx.Err() != nil {
		t.Fatal("recording did not finish")
	}
	return out
}

type normalizer struct {
	ports map[uint16]uint16 // real port -> fixed port
}

func (n *normalizer) addr(ap netip.AddrPort) netip.AddrPort {
	if !ap.IsValid() {
		return ap
	}
	p, ok := n.ports[ap.Port()]
	if !ok {
		p = 40000
		if len(n.ports) > 0 {
			p = uint16(50000 + len(n.ports))
		}
		n.ports[ap.Port()] = p
	}
	return netip.AddrPortFrom(ap.Addr(), p)
}

func (n *normalizer) header(h sim.Header) sim.Header {
	h.Local, h.Remote = n.addr(h.Local), n.addr(h.Remote)
	if h.TCP.RTT > 0 {
		h.TCP.RTT = 40 * time.Microsecond
	}
	if h.TCP.TimerLeft > 0 {
		h.TCP.TimerLeft = 59990 * time.Millisecond
	}
	return h
}

func frame(f spdu.Frame) (spdu.Frame, []byte) {
	if f.Has.Has(spdu.PSessionID) {
		f.SessionID = 0x5e551017c0ffee00
	}
	raw, err := spdu.Append(nil, &f)
	if err != nil {
		panic(err)
	}
	return f, raw
}

func (n *normalizer) fix(ev sim.Event) sim.Event {
	switch e := ev.(type) {
	case sim.ScenarioStarted:
		e.Header = n.header(e.Header)
		return e
	case sim.ScenarioEnded:
		e.Header = n.header(e.Header)
		return e
	case sim.Listening:
		e.Header = n.header(e.Header)
		return e
	case sim.Dialed:
		e.Header, e.Took = n.header(e.Header), 200*time.Microsecond
		return e
	case sim.Accepted:
		e.Header = n.header(e.Header)
		return e
	case sim.Sent:
		e.Header = n.header(e.Header)
		e.Frame, e.Raw = frame(e.Frame)
		return e
	case sim.Received:
		e.Header = n.header(e.Header)
		e.Frame, e.Raw = frame(e.Frame)
		// Only a read's last frame gets a kernel stamp; whether it got one
		// here is timing, not what the view is about.
		e.Transit = 0
		if e.Index == e.FramesInRead-1 {
			e.Transit = 25 * time.Microsecond
		}
		return e
	case sim.Committed:
		e.Header = n.header(e.Header)
		return e
	case sim.Observed:
		e.Header = n.header(e.Header)
		if e.Note == sim.NoteHalfOpen {
			e.TCP.State = sim.StateFinWait2 // as in real time; see sim's TestHalfOpenShowsFinWait2
		}
		if e.Note == sim.NoteAckCheck {
			e.TCP.Unacked = 0 // as in real time; see sim's TestAckCheckSeesEverythingAcknowledged
		}
		return e
	case sim.HalfClosed:
		e.Header = n.header(e.Header)
		return e
	case sim.PeerClosed:
		e.Header = n.header(e.Header)
		return e
	case sim.ConnError:
		e.Header = n.header(e.Header)
		return e
	case sim.CommitFailed:
		e.Header = n.header(e.Header)
		return e
	case sim.Discarded:
		e.Header = n.header(e.Header)
		return e
	case sim.Faulted:
		e.Header = n.header(e.Header)
		return e
	case sim.Aborted:
		e.Header = n.header(e.Header)
		return e
	case sim.Closed:
		e.Header = n.header(e.Header)
		if e.After.TimerLeft > 0 {
			e.After.TimerLeft = 59990 * time.Millisecond
		}
		return e
	}
	panic(fmt.Sprintf("unknown event %T", ev))
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
}

func (f *fakeSession) Events() <-chan sim.Event { return f.events }
func (f *fakeSession) Pause()                   { f.mu.Lock(); f.paused = true; f.mu.Unlock() }
func (f *fakeSession) Resume()                  { f.mu.Lock(); f.paused = false; f.mu.Unlock() }
func (f *fakeSession) Step()                    { f.mu.Lock(); f.steps++; f.mu.Unlock() }
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
	opts     []StartOptions
}

func (s *fakeStarter) start(_ []sim.Scenario, o StartOptions) (Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &fakeSession{events: make(chan sim.Event, 256), speed: o.Speed, paused: o.Paused}
	s.sessions = append(s.sessions, f)
	s.opts = append(s.opts, o)
	return f, nil
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
	hs.m = New(Deps{Book: testBook(t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now})
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

func (hs *harness) send(msg tea.Msg) tea.Cmd {
	next, cmd := hs.m.Update(msg)
	hs.m = next.(Model)
	return cmd
}

func (hs *harness) key(k string) tea.Cmd {
	switch k {
	case "space":
		return hs.send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
	case "left":
		return hs.send(tea.KeyMsg{Type: tea.KeyLeft})
	case "right":
		return hs.send(tea.KeyMsg{Type: tea.KeyRight})
	case "enter":
		return hs.send(tea.KeyMsg{Type: tea.KeyEnter})
	case "esc":
		return hs.send(tea.KeyMsg{Type: tea.KeyEsc})
	case "tab":
		return hs.send(tea.KeyMsg{Type: tea.KeyTab})
	case "down":
		return hs.send(tea.KeyMsg{Type: tea.KeyDown})
	case "pgdown":
		return hs.send(tea.KeyMsg{Type: tea.KeyPgDown})
	case "pgup":
		return hs.send(tea.KeyMsg{Type: tea.KeyPgUp})
	case "ctrl+c":
		return hs.send(tea.KeyMsg{Type: tea.KeyCtrlC})
	}
	return hs.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
}

// open opens a lesson and hands it a fake session, as the start command
// would; it returns the session.
func (hs *harness) open(id string) *fakeSession {
	hs.send(openMsg{id: id})
	s, _ := hs.starter.start(nil, StartOptions{Speed: 1})
	hs.send(startedMsg{gen: hs.m.lesson.gen, session: s})
	return s.(*fakeSession)
}

// play feeds events to the open lesson, moving the clock to each event's
// time as it arrives.
func (hs *harness) play(evs ...sim.Event) {
	for _, ev := range evs {
		if at := ev.Head().At; at.After(hs.clock.t) {
			hs.clock.t = at
		}
		hs.send(eventMsg{gen: hs.m.lesson.gen, ev: ev})
	}
}

// at moves the clock and lets the model see it.
func (hs *harness) at(t time.Time) {
	hs.clock.t = t
	hs.send(frameMsg{tag: hs.m.lesson.frameTag, at: t})
}
