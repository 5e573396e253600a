package ui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// speeds are the pacing speeds + and - step through.
var speeds = []float64{0.25, 0.5, 1, 2, 4}

// pane is which of the lower panes has the focus.
type pane int

const (
	paneLog pane = iota
	paneInspector
)

// lessonModel is the lesson screen: one lesson's run, everything it has
// shown so far, and where in it the screen is.
type lessonModel struct {
	lesson *lessons.Lesson
	c      *common

	gen      int           // generation of the current run; messages of older runs are dropped
	faults   []sim.FaultAt // for the next run only (--fault)
	session  Session
	starting bool
	err      error
	done     bool          // the run has ended
	unfired  []sim.Unfired // faults asked for (--fault) whose moment never came

	hist   history
	cursor int  // the record on screen; -1 before the first
	live   bool // the cursor follows the newest record

	paused      bool
	animBase    time.Time // when the run started, on the animation clock
	pausedAt    time.Time
	pausedTotal time.Duration // animation time does not pass while paused
	speed       float64
	now         time.Time // the clock at the last message: View draws from it

	frameTag int // tag of the running animation loop
	framing  bool
	countTag int // tag of the running countdown
	counting bool

	lay       layout
	focus     pane
	log       viewport.Model
	logHeight int    // the pane height the log content was built for
	logFree   bool   // the user scrolled the log away from the cursor
	inspTop   int    // the first inspector line shown, scrolled with ↑/↓ when it has the focus
	inspAt    int    // the record the inspector shows; a new one starts at the top
	hint      string // a one-line note about the last key, cleared by the next
}

func newLessonModel(c *common, l *lessons.Lesson, speed float64) lessonModel {
	return lessonModel{lesson: l, c: c, cursor: -1, live: true, speed: speed, log: viewport.New(0, 0)}
}

// anim is the animation clock: the time since the run started, not
// counting pauses.
func (m *lessonModel) anim(now time.Time) time.Duration {
	if m.paused {
		now = m.pausedAt
	}
	return now.Sub(m.animBase) - m.pausedTotal
}

// start begins a new run, stopping the old one first.
func (m *lessonModel) start() tea.Cmd {
	old := m.session
	m.gen++
	m.session, m.err, m.done, m.starting, m.unfired = nil, nil, false, true, nil
	m.hist = history{}
	m.cursor, m.live, m.logFree = -1, true, false
	m.pausedTotal, m.animBase = 0, m.now
	if m.paused {
		m.pausedAt = m.now
	}
	m.refreshLog()
	cfg := sim.Config{Scenarios: m.lesson.Scenarios, Speed: m.speed, Faults: m.faults}
	m.faults = nil // a restart runs clean
	return tea.Sequence(stopCmd(old), startCmd(m.c.deps.Start, m.gen, cfg, m.paused))
}

// stop ends the run; the returned command waits for its sockets to close.
func (m *lessonModel) stop() tea.Cmd {
	old := m.session
	m.session = nil
	m.gen++
	m.framing = false
	return stopCmd(old)
}

func (m lessonModel) update(msg tea.Msg) (lessonModel, tea.Cmd) {
	switch msg := msg.(type) {
	case startedMsg:
		if msg.gen != m.gen {
			return m, stopCmd(msg.session) // a run nobody wants any more
		}
		m.starting = false
		if msg.err != nil {
			m.err = msg.err
			return m, nil
		}
		m.session = msg.session
		return m, waitForEvent(m.gen, m.session.Events())
	case eventMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.add(msg.ev)
		return m, tea.Batch(waitForEvent(m.gen, m.session.Events()), m.animate(), m.countdown())
	case doneMsg:
		if msg.gen == m.gen {
			m.done = true
			if m.session != nil {
				m.unfired = m.session.Unfired()
			}
		}
		return m, nil
	case countdownMsg:
		if msg.tag != m.countTag || !m.counting {
			return m, nil
		}
		m.counting = false
		return m, m.countdown()
	case frameMsg:
		if msg.tag != m.frameTag || !m.framing {
			return m, nil
		}
		m.now = msg.at
		if !m.moving() {
			m.framing = false
			return m, nil
		}
		return m, frameCmd(m.frameTag, m.travel()/travelSteps)
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

// add records an event and moves the cursor with it when live. A hint
// about the last key gives way to what happens next.
func (m *lessonModel) add(ev sim.Event) {
	m.hint = ""
	m.hist.add(ev, m.anim(m.now), m.now)
	if m.live {
		m.cursor = m.hist.len() - 1
	}
	m.refreshLog()
}

// animate keeps the frame loop running while a frame is moving on the
// wire, and lets it stop when nothing moves.
func (m *lessonModel) animate() tea.Cmd {
	if !m.moving() {
		m.framing = false
		return nil
	}
	if m.framing {
		return nil // the running loop will pick it up
	}
	m.framing = true
	m.frameTag++
	return frameCmd(m.frameTag, m.travel()/travelSteps)
}

// moving reports whether any glyph on the wire has not yet reached the
// far end.
func (m *lessonModel) moving() bool {
	if m.paused || !m.live {
		return false
	}
	now := m.anim(m.now)
	for _, i := range m.hist.inFlight(m.cursor) {
		if now-m.hist.recs[i].seen < m.travel() {
			return true
		}
	}
	return false
}

// timerLeft is what is left of a kernel timer reported by record at: live
// it runs down on the wall clock, as the kernel's does, even while the
// lesson is paused; in a replay it is shown as it was at that event.
func (m *lessonModel) timerLeft(t sim.TCPInfo, at int) time.Duration {
	if t.TimerLeft <= 0 {
		return 0
	}
	if !m.live {
		return t.TimerLeft
	}
	// The kernel's timer does not pause with the lesson.
	return max(t.TimerLeft-m.now.Sub(m.hist.recs[at].wall), 0)
}

// countdown keeps a once-a-second tick going while a kernel timer runs
// down on screen, paused or not, and lets it stop otherwise.
func (m *lessonModel) countdown() tea.Cmd {
	if m.counting || !m.live {
		return nil
	}
	for _, side := range []sim.Side{sim.Client, sim.Server} {
		if t, at, ok := m.hist.lastTCP(m.cursor, side); ok && m.timerLeft(t, at) > 0 {
			m.counting = true
			m.countTag++
			return countdownCmd(m.countTag)
		}
	}
	return nil
}

// travel is how long a glyph takes to cross the wire at the current speed.
func (m *lessonModel) travel() time.Duration {
	t := m.c.deps.Travel
	if t == 0 {
		t = sim.DefaultPacing().Travel
	}
	return time.Duration(float64(t) / m.speed)
}

func (m lessonModel) key(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	keys := &m.c.keys
	m.hint = ""
	switch {
	case key.Matches(msg, keys.Pause):
		return m.togglePause()
	case key.Matches(msg, keys.Forward):
		return m.forward()
	case key.Matches(msg, keys.Back):
		return m.back()
	case key.Matches(msg, keys.Restart):
		return m, m.start()
	case key.Matches(msg, keys.Faster):
		return m.setSpeed(+1)
	case key.Matches(msg, keys.Slower):
		return m.setSpeed(-1)
	case key.Matches(msg, keys.Focus):
		m.focus = 1 - m.focus
		return m, nil
	case key.Matches(msg, keys.Reset, keys.Stall, keys.Kill):
		return m.fault(msg, keys)
	case key.Matches(msg, keys.Up, keys.Down):
		if m.focus == paneInspector {
			if key.Matches(msg, keys.Up) {
				m.inspTop = max(m.inspTop-1, 0)
			} else {
				m.inspTop++ // inspectorLines stops it at the last page
			}
			return m, nil
		}
		var cmd tea.Cmd
		m.log, cmd = m.log.Update(msg)
		m.logFree = true
		return m, cmd
	}
	return m, nil
}

// fault breaks the run on purpose: it happens at the run's next step.
func (m lessonModel) fault(msg tea.KeyMsg, keys *keyMap) (lessonModel, tea.Cmd) {
	if m.session == nil || m.done {
		m.hint = "No run to break: r starts the lesson again."
		return m, nil
	}
	kind, what := sim.FaultReset, "reset the client's connection"
	switch {
	case key.Matches(msg, keys.Stall):
		kind, what = sim.FaultStall, "hold the next frame back"
	case key.Matches(msg, keys.Kill):
		kind, what = sim.FaultStop, "stop the server"
	}
	m.session.Inject(kind)
	m.hint = "Fault: " + what + ", at the next step."
	if m.paused {
		m.hint += " Paused: press → to let it happen."
	}
	return m, nil
}

func (m lessonModel) togglePause() (lessonModel, tea.Cmd) {
	if m.session == nil {
		return m, nil
	}
	if !m.paused {
		m.session.Pause()
		m.paused, m.pausedAt, m.framing = true, m.now, false
		m.refreshLog()
		return m, nil
	}
	m.session.Resume()
	m.pausedTotal += m.now.Sub(m.pausedAt)
	m.paused = false
	m.live, m.cursor = true, m.hist.len()-1
	m.refreshLog()
	return m, tea.Batch(m.animate(), m.countdown())
}

func (m lessonModel) forward() (lessonModel, tea.Cmd) {
	switch {
	case m.cursor < m.hist.len()-1:
		m.cursor++
		m.live = m.cursor == m.hist.len()-1
		m.refreshLog()
	case !m.paused:
		m.hint = "Running: press space to pause, then → steps one event."
	case m.done || m.session == nil:
		m.hint = "The run has ended: r runs it again."
	default:
		m.session.Step()
		m.live = true
	}
	return m, nil
}

func (m lessonModel) back() (lessonModel, tea.Cmd) {
	if m.cursor <= 0 {
		m.hint = "This is the first event."
		return m, nil
	}
	if !m.paused && m.session != nil {
		m.session.Pause() // hold the network while looking back
		m.paused, m.pausedAt = true, m.now
	}
	m.cursor--
	m.live, m.framing = false, false
	m.refreshLog()
	return m, nil
}

func (m lessonModel) setSpeed(dir int) (lessonModel, tea.Cmd) {
	i := 0
	for i < len(speeds)-1 && speeds[i] < m.speed {
		i++
	}
	i = max(0, min(len(speeds)-1, i+dir))
	if speeds[i] == m.speed {
		m.hint = fmt.Sprintf("Speed is already %s, the limit.", speedLabel(m.speed))
		return m, nil
	}
	m.speed = speeds[i]
	if m.session != nil {
		_ = m.session.SetSpeed(m.speed)
	}
	return m, nil
}

func speedLabel(x float64) string {
	return fmt.Sprintf("%gx", x)
}
