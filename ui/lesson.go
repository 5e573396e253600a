package ui

import (
	"time"

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
//
// Records (events) arrive from the run into hist and are shown one at a
// time, each a stop with its own narration: cursor is the record on
// screen, shown the furthest one ever shown. Records after shown have
// arrived but wait their turn, so that no narration is skipped. Guided
// (the default), the run is paused and each forward key shows the next
// record, asking the run for one more step when none waits; playing, the
// records are shown one after another, each held long enough to read,
// and the run is paused while records wait. See stepping.go.
type lessonModel struct {
	lesson *lessons.Lesson
	c      *common

	gen      int           // generation of the current run; messages of older runs are dropped
	faults   []sim.FaultAt // for the next run only (--fault)
	first    int           // the lesson part the current run starts with (] and [ start later or earlier ones)
	session  sim.Session
	starting bool
	err      error
	done     bool          // the run has ended
	unfired  []sim.Unfired // faults asked for (--fault) whose moment never came
	plan     map[sim.Scenario]int

	hist      history
	cursor    int       // the record on screen; -1: the lesson's intro card
	shown     int       // the furthest record shown so far
	shownAt   time.Time // when the cursor reached its record: its frame crosses the wire from then
	playing   bool      // live play; else guided, with the run paused
	want      int       // guided: steps asked of the run whose first record has not come yet
	holding   bool      // playing: the record on screen is being read
	holdTag   int
	runPaused bool // the run is paused: always while guided; while playing, when records wait to be read

	speed float64
	now   time.Time // the clock at the last message: View draws from it

	frameTag int // tag of the running animation loop
	framing  bool
	countTag int // tag of the running countdown
	counting bool

	lay       layout
	focus     pane
	pic       picture // wire or ladder, where there is room for only one
	log       viewport.Model
	logHeight int    // the pane height the log content was built for
	logFree   bool   // the user scrolled the log away from the cursor
	inspTop   int    // the first inspector line shown, scrolled with ↑/↓ when it has the focus
	inspAt    int    // the record the inspector shows; a new one starts at the top
	hint      string // a one-line note about the last key, cleared by the next
	menu      bool   // the fault menu is open
	details   bool   // presenter mode: the full lesson screen shows (tab)

	ask       *asking                      // a prediction on screen
	asked     map[*lessons.Prediction]bool // predictions asked in this run
	verdicts  map[int]verdict              // by record: what the learner predicted, and the run's answer
	predRight int                          // predictions answered right in this run
	predAsked int                          // and answered at all
	quiz      *quizRun
}

func newLessonModel(c *common, l *lessons.Lesson, speed float64) lessonModel {
	return lessonModel{lesson: l, c: c, cursor: -1, shown: -1, speed: speed, playing: c.deps.Live, log: viewport.New(0, 0)}
}

// replaying reports whether the cursor is back on a record already shown.
func (m *lessonModel) replaying() bool { return m.cursor < m.shown }

// start begins a new run of the lesson from part m.first, stopping the
// old one first. It opens on the intro card (or the part's first stop).
func (m *lessonModel) start() tea.Cmd {
	old := m.session
	m.gen++
	m.session, m.err, m.done, m.starting, m.unfired = nil, nil, false, true, nil
	m.hist = history{}
	m.cursor, m.shown, m.shownAt = -1, -1, m.now
	m.want, m.holding, m.logFree, m.menu = 0, false, false, false
	m.runPaused = true // every run starts paused
	m.ask, m.asked, m.verdicts = nil, map[*lessons.Prediction]bool{}, map[int]verdict{}
	m.predRight, m.predAsked = 0, 0
	m.quiz = newQuizRun(len(m.lesson.Quiz()))
	m.refreshLog()
	cfg := sim.Config{Scenarios: m.lesson.Scenarios[m.first:], Speed: m.speed, Faults: m.faults}
	m.faults = nil // a restart runs clean
	cmds := []tea.Cmd{stopCmd(old), startCmd(m.c.deps.Start, m.gen, cfg, true)}
	if m.plan == nil && m.c.deps.Plan != nil {
		cmds = append(cmds, planCmd(m.c.deps.Plan, m.gen, m.lesson))
	}
	return tea.Sequence(cmds...)
}

// stop ends the run; the returned command waits for its sockets to close.
func (m *lessonModel) stop() tea.Cmd {
	old := m.session
	m.session = nil
	m.gen++
	m.framing, m.holding = false, false
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
		cmds := []tea.Cmd{waitForEvent(m.gen, m.session.Events())}
		if m.playing {
			// The intro card is read first; then the run goes.
			cmds = append(cmds, m.hold())
		}
		return m, tea.Batch(cmds...)
	case planMsg:
		if msg.gen == m.gen && msg.err == nil {
			m.plan = msg.plan
		}
		return m, nil
	case eventMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.hist.add(msg.ev, m.now)
		cmd := m.arrived()
		return m, tea.Batch(waitForEvent(m.gen, m.session.Events()), cmd)
	case doneMsg:
		if msg.gen == m.gen {
			m.done = true
			if m.session != nil {
				m.unfired = m.session.Unfired()
			}
		}
		return m, nil
	case holdMsg:
		if msg.tag != m.holdTag || !m.holding {
			return m, nil
		}
		return m.held()
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
