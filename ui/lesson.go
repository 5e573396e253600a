package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
	"sessionlab/sim"
)

// speeds are the pacing speeds + and - step through.
var speeds = []float64{0.25, 0.5, 1, 2, 4}

// lessonModel is the lesson screen: one lesson's run, everything it has
// shown so far, where in it the screen is, and the components it is
// drawn with.
//
// Records (events) arrive from the run (link) into hist and are shown one
// at a time, each a stop with its own narration: cursor is the record on
// screen, shown the furthest one ever shown. Records after shown have
// arrived but wait their turn, so that no narration is skipped. Guided
// (the default), the run is paused and each forward key shows the next
// record, asking the run for one more step when none waits; playing, the
// run goes at its own pacing and each record is shown as it comes. See
// stepping.go.
//
// What the screen is doing is one value, stage (stage.go): keys and
// drawing both switch on it. What the step on screen says is computed
// when the cursor moves (restop); sizes when the terminal's change
// (layout.go); View only draws.
type lessonModel struct {
	c      *common
	lesson *lessons.Lesson
	stage  stage
	before stage // the stage the fault menu goes back to

	link   runLink       // the run, and the way to drive it
	first  int           // the lesson part the current run starts with (] and [ start later or earlier ones)
	faults []sim.FaultAt // for the next run only (--fault)
	hist   history

	cursor  int       // the record on screen; -1: the lesson's intro card
	shown   int       // the furthest record shown so far
	shownAt time.Time // when the cursor reached its record: its frame crosses the wire from then
	want    int       // guided: steps asked of the run whose first record has not come yet
	// gathering is the first record of a run being taken in as one step
	// (group.go); -1: none.
	gathering int
	expanded  map[int]bool // runs the learner opened record by record (m), by their first record
	autoplay  bool         // the run plays once it has started (--live, or a restart while playing)
	follow    *FollowState // a follower: where the teacher is
	nudge     string       // a follower's: why the last key did nothing, in the header until the next key or step
	wrapUp    bool         // guided: → was pressed on the last step, so the quiz or the summary follows
	// resumeTo is the step of the first part the run is replayed up to,
	// at once, when the learner continues where they left off (0: none);
	// carried is the predictions' score from before it.
	resumeTo   int
	resumePart int
	resumeNote string // what the screen says when it gets there (noteResumed, noteJumped)
	carried    progress.Score
	resumed    string // said above the narration of the step resumed at, until the cursor moves
	jump       string // the digits of a step number typed, until enter
	speed      float64
	now        time.Time // the clock at the last message: View draws from it
	hint       string    // a one-line note about the last key, cleared by the next

	stop     stop   // what the step on screen says
	lay      layout // the screen's geometry at its size
	pic      picture
	focus    pane
	details  bool // presenter mode: the full lesson screen shows (tab)
	moreOpen bool // the step's longer explanation shows in the panes' place (m)
	moreTop  int  // its first line shown, when it is longer than the room
	motion   motion

	log   eventLog
	insp  inspector
	menu  faultMenu
	ask   prediction
	quiz  quiz
	sum   summary
	score score
}

func newLessonModel(c *common, l *lessons.Lesson, speed float64) lessonModel {
	return lessonModel{lesson: l, c: c, cursor: -1, shown: -1, gathering: -1, speed: speed, autoplay: c.deps.Live, log: newEventLog(), menu: newFaultMenu(),
		link: runLink{gens: &c.gens}}
}

// playing reports whether the run plays on its own.
func (m *lessonModel) playing() bool { return m.stage == stagePlaying }

// replaying reports whether the cursor is back on a record already shown.
func (m *lessonModel) replaying() bool { return m.cursor < m.shown }

// start begins a new run of the lesson from part m.first, stopping the
// old one first. It opens on the intro card (or the part's first stop).
func (m *lessonModel) start() tea.Cmd {
	m.hist = history{}
	m.cursor, m.shown, m.shownAt = -1, -1, m.now
	m.want, m.hint, m.gathering, m.expanded, m.jump = 0, "", -1, nil, ""
	m.score = newScore()
	m.quiz = newQuiz(m.lesson.Quiz())
	m.autoplay = m.autoplay || m.playing()
	m.enter(stageStarting)
	cfg := sim.Config{Scenarios: m.lesson.Scenarios[m.first:], Speed: m.speed, Faults: m.faults}
	m.faults = nil // a restart runs clean
	m.refreshLog()
	m.c.runs++
	deps := m.c.deps
	switch run := m.c.runs; {
	case deps.Mirror != nil && m.c.followRun > 0:
		deps.Start = mirrorStarter(deps.Mirror, m.c.followRun) // a follower mirrors the teacher's run
	case deps.StartRun != nil:
		deps.Start = func(cfg sim.Config, paused bool) (sim.Session, error) { return deps.StartRun(run, cfg, paused) }
	}
	return m.link.start(deps, cfg, m.lesson)
}

// stopRun ends the run; the returned command waits for its sockets to
// close.
func (m *lessonModel) stopRun() tea.Cmd {
	m.motion.stop()
	return m.link.stop()
}

// leaveMsg: the lesson screen lets the learner go back to the picker.
type leaveMsg struct{}

func (m lessonModel) update(msg tea.Msg) (lessonModel, tea.Cmd) {
	switch msg := msg.(type) {
	case startedMsg, planMsg, eventMsg, doneMsg:
		return m.fromRun(msg)
	case countdownMsg:
		return m, m.motion.counted(msg, m.countdownWanted())
	case frameMsg:
		m.now = msg.at
		return m, m.motion.framed(msg, m.moving(), m.travel())
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

// fromRun takes what the run says: that it started (or could not), its
// step counts, an event, its end.
func (m lessonModel) fromRun(msg tea.Msg) (lessonModel, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case startedMsg:
		var ok bool
		if m.link, cmd, ok = m.link.started(msg); !ok {
			return m, cmd
		}
		if m.link.err != nil {
			m.enter(stageFailed)
			return m, nil
		}
		if m.autoplay {
			m.autoplay = false
			m.enter(stagePlaying)
			m.link.resume()
			return m, cmd
		}
		m.enter(stageIntro)
		return m, tea.Batch(cmd, m.fastForward(), m.followTeacher())
	case planMsg:
		m.link = m.link.planned(msg)
		m.restop() // the header's step count
		return m, nil
	case eventMsg:
		var ev sim.Event
		if m.link, ev, cmd = m.link.event(msg); ev == nil {
			return m, nil
		}
		m.hist.add(ev, m.now)
		m.settleAnswer(m.hist.len() - 1)
		m.joinGroup(m.hist.len() - 1)
		if m.follow != nil {
			return m, tea.Batch(cmd, m.followTeacher()) // the teacher's step, not this one's, says what shows
		}
		return m, tea.Batch(cmd, m.arrived())
	case doneMsg:
		if m.link = m.link.ended(msg); m.link.done {
			if m.gathering >= 0 {
				cmd = m.gather() // nothing more will come: the run is shown as one step
			}
			m.settle()
			if m.finished() {
				cmd = tea.Batch(cmd, m.saveProgress())
			}
		}
		return m, cmd
	}
	return m, nil
}
