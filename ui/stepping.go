package ui

import (
	"fmt"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
)

// arrived handles a record that just came from the run. Playing, it is
// shown at once: the run goes at its own pacing, and the screen with it.
// Guided, it is shown when it is the step that was asked for; otherwise
// it waits its turn.
func (m *lessonModel) arrived() tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.playing():
		return m.catchUp()
	case m.gathering >= 0:
		cmd = m.gather()
	case m.shown == m.hist.len()-2 && m.want > 0: // nothing else waits
		m.want--
		cmd = m.showNext()
	}
	return tea.Batch(cmd, m.fastForward())
}

// fastForward replays the run, at once and asking nothing, up to step
// resumeTo of part resumePart: where the learner had left off, or a step
// they typed the number of. Then it says where it stopped. Paused, each
// step of the run happens as soon as it is asked for: the pacing is
// skipped, not the steps.
func (m *lessonModel) fastForward() tea.Cmd {
	var cmds []tea.Cmd
	for m.resumeTo > 0 && m.gathering < 0 {
		inPart := m.cursor >= 0 && m.partAt(m.cursor) == m.resumePart
		reached := inPart && m.stepNumber(m.cursor) >= m.resumeTo
		if reached || m.link.done || m.cursor >= 0 && m.partAt(m.cursor) > m.resumePart {
			step := m.resumeTo
			m.resumeTo = 0
			m.resumed = fmt.Sprintf(m.resumeNote, step, m.lesson.PartName(m.lesson.Scenarios[m.resumePart]))
			m.restop()
			return tea.Batch(append(cmds, m.saveProgress())...)
		}
		if m.shown < m.hist.len()-1 {
			cmds = append(cmds, m.showNext())
			continue
		}
		if m.want == 0 && m.link.live() {
			m.want = 1
			m.link.step()
		}
		break
	}
	return tea.Batch(cmds...)
}

// Where a replay at once stops, it says why.
const (
	noteResumed = "Resumed where you left off, at step %d of %s: the steps before it ran again at once, without pacing."
	noteJumped  = "Step %d of %s: the steps on the way to it ran at once, without pacing, and asked nothing."
)

// typeStep takes a digit of a step number to go to (enter goes).
func (m lessonModel) typeStep(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	if len(m.jump) < 3 {
		m.jump += msg.String()
	}
	m.say(fmt.Sprintf("Go to step %s of this part: enter (backspace to correct, any other key to cancel).", m.jump))
	return m, nil
}

// untypeStep takes back the last digit typed.
func (m lessonModel) untypeStep(tea.KeyMsg) (lessonModel, tea.Cmd) {
	m.jump = m.jump[:max(len(m.jump)-1, 0)]
	if m.jump == "" {
		m.say("")
		return m, nil
	}
	return m.typeStep(tea.KeyMsg{})
}

// jumpToStep goes to the step of the current part whose number was typed:
// back to it, as a replay, when it was shown already; on to it, at once,
// when it is ahead.
func (m lessonModel) jumpToStep(tea.KeyMsg) (lessonModel, tea.Cmd) {
	n, _ := strconv.Atoi(m.jump)
	m.jump = ""
	if m.playing() {
		m.setPlaying(false)
	}
	part := m.partAt(m.cursor)
	if n < 1 {
		m.say("Steps are numbered from 1.")
		return m, nil
	}
	start := 0
	if m.cursor >= 0 {
		start = m.hist.recs[m.cursor].start
	}
	at := -1
	for c := start; c <= m.shown && c < m.hist.len() && m.partAt(c) == part; c++ {
		if m.stepNumber(c) == n {
			at = c // the last record of the step: a run shown as one ends there
		}
	}
	if at >= 0 {
		m.moveTo(at)
		return m, m.animate()
	}
	if m.finished() || m.link.done && m.shown == m.hist.len()-1 {
		m.say(fmt.Sprintf("This part has no step %d.", n))
		return m, nil
	}
	m.resumeTo, m.resumePart, m.resumeNote = n, part, noteJumped
	return m, m.fastForward()
}

// catchUp shows, while playing, every record that has arrived, one after
// another as the run made them, until a prediction or a fault stops the
// play.
func (m *lessonModel) catchUp() tea.Cmd {
	var cmds []tea.Cmd
	for m.playing() && m.shown < m.hist.len()-1 {
		cmds = append(cmds, m.showNext())
	}
	return tea.Batch(cmds...)
}

// showNext moves the cursor to the first record not shown yet, and starts
// what showing it involves: its frame's crossing and a countdown. A fault
// shown while playing pauses the lesson on it, so that what it did is
// read; a prediction due before the record is asked first (which pauses
// the play too).
func (m *lessonModel) showNext() tea.Cmd {
	if m.shown >= m.hist.len()-1 {
		return nil
	}
	if p := m.prediction(m.shown + 1); p != nil && m.resumeTo > 0 {
		m.score.asked[p] = true // asked before the learner left: a replay passes it
	} else if p != nil {
		// Ask before showing: the run waits, and so does playing.
		m.want = 0
		m.ask = newPrediction(p, m.shown+1, m.playing(), m.follow != nil)
		if c, ok := m.c.picks[p.Question]; ok && m.follow != nil {
			m.ask.picked = c // answered before the student left to explore: it stands
		}
		m.enter(stageAsking)
		return nil
	}
	if !m.playing() && m.collapsible(m.shown+1) {
		// A step an earlier lesson taught: gathered with what follows it.
		m.gathering = m.shown + 1
		return m.gather()
	}
	m.shown++
	m.moveTo(m.shown)
	if m.playing() && (m.faulted(m.cursor) || m.c.room != nil && m.hasVerdict(m.cursor)) {
		// A fault, and in a class the run's answer to a question, are
		// read, not played past: the room's screens pause with the
		// teacher's.
		m.setPlaying(false)
	}
	return tea.Batch(m.animate(), m.countdown(), m.landed())
}

// landed saves where the learner is, once a step is shown guided: the
// step to continue from, or that the lesson is done.
func (m *lessonModel) landed() tea.Cmd {
	if m.playing() && !m.finished() {
		return nil // playing, where it pauses is what counts
	}
	return m.saveProgress()
}

// moveTo puts the cursor on record i, its frame starting to cross now,
// and works out what the screen says there.
func (m *lessonModel) moveTo(i int) {
	m.cursor, m.shownAt = i, m.now
	m.hint, m.wrapUp, m.resumed, m.moreTop, m.nudge = "", false, "", 0, ""
	m.refreshLog()
	switch m.stage {
	case stageIntro, stageStepping:
		m.stage = m.guided()
	}
	m.settle()
	m.restop()
}

// say puts a one-line note about the last key in the narration's place.
func (m *lessonModel) say(hint string) {
	m.hint = hint
	m.restop()
}

// setPlaying switches between playing and guided. Guided, the run is
// paused; playing, it runs at its own pacing.
func (m *lessonModel) setPlaying(on bool) {
	m.want = 0
	if on {
		m.enter(stagePlaying)
	} else {
		m.enter(m.guided())
	}
}

// togglePlay is space: from guided to playing (from the newest record
// shown, if the cursor was back in a replay) and back.
func (m lessonModel) togglePlay() (lessonModel, tea.Cmd) {
	if m.link.session == nil {
		// The run is still starting (a loaded server takes a moment):
		// space is not lost, the run plays once it has started.
		m.autoplay = !m.autoplay
		return m, nil
	}
	if m.playing() {
		m.setPlaying(false)
		m.refreshLog() // the cursor's line is marked again
		return m, m.saveProgress()
	}
	return m.play()
}

// play goes on in real time from the newest record: the records that
// arrived meanwhile are shown, then the run goes on at its own pacing.
func (m lessonModel) play() (lessonModel, tea.Cmd) {
	m.setPlaying(true)
	if m.replaying() {
		m.moveTo(m.shown)
	}
	cmd := m.catchUp()
	if m.playing() {
		m.link.resume()
		m.restop()
	}
	return m, tea.Batch(cmd, m.animate(), m.countdown())
}

// forward is one step: while playing it pauses first. In a replay it
// moves to the next record shown; then to the next record waiting; and
// with none waiting it asks the run for one more step, whose first record
// is shown when it comes. At the end of the lesson it goes on to the
// next one.
func (m lessonModel) forward() (lessonModel, tea.Cmd) {
	if m.playing() {
		m.setPlaying(false)
	}
	switch {
	case m.gathering >= 0:
		return m, nil // the step asked for is still coming
	case m.replaying():
		m.moveTo(m.stopAfter(m.cursor))
		return m, tea.Batch(m.animate(), m.countdown())
	case m.shown < m.hist.len()-1:
		return m, m.showNext()
	case m.finished():
		return m, func() tea.Msg { return nextLessonMsg{} }
	case m.atEnd() && !m.wrapUp:
		m.wrapUp = true
		m.settle()
		return m, m.landed()
	case !m.link.live():
		return m, nil
	}
	// Each press is one step, also when several come before the first
	// step's record: a clicker pressed twice means two steps.
	if m.want < maxWant {
		m.want++
		m.link.step()
	}
	return m, nil
}

// maxWant bounds the steps asked for and not yet shown: a held-down key
// repeats faster than steps happen.
const maxWant = 8

// back moves to the record before, as a replay: the run stays paused and
// the network is not rewound.
func (m lessonModel) back() (lessonModel, tea.Cmd) {
	if m.playing() {
		m.setPlaying(false)
	}
	if m.cursor <= 0 {
		if m.cursor == 0 {
			m.moveTo(-1) // the intro card
		} else {
			m.say("This is the start of the lesson.")
		}
		return m, nil
	}
	m.moveTo(m.stopBefore(m.cursor))
	return m, m.animate()
}

// jumpPart starts a new run from part p of the lesson (] and [), at
// once, guided on that part's first stop.
func (m lessonModel) jumpPart(dir int) (lessonModel, tea.Cmd) {
	p := m.partAt(m.cursor) + dir
	if p < 0 || p >= len(m.lesson.Scenarios) {
		if dir > 0 {
			m.say("This is the lesson's last part.")
		} else {
			m.say("This is the lesson's first part.")
		}
		return m, nil
	}
	m.first = p
	m.setPlaying(false)
	m.autoplay = false
	return m, m.start()
}

// partAt returns which part of the lesson record i belongs to (the
// current run's first part before any record).
func (m *lessonModel) partAt(i int) int {
	if i < 0 || i >= m.hist.len() {
		return m.first
	}
	sc := m.hist.recs[m.hist.recs[i].start].ev.Head().Scenario
	for p, s := range m.lesson.Scenarios {
		if s == sc {
			return p
		}
	}
	return m.first
}

func (m lessonModel) setSpeed(dir int) (lessonModel, tea.Cmd) {
	i := 0
	for i < len(speeds)-1 && speeds[i] < m.speed {
		i++
	}
	i = max(0, min(len(speeds)-1, i+dir))
	if speeds[i] == m.speed {
		m.say(fmt.Sprintf("Speed is already %s, the limit.", speedLabel(m.speed)))
		return m, nil
	}
	m.speed = speeds[i]
	m.link.setSpeed(m.speed)
	return m, nil
}

func speedLabel(x float64) string {
	return fmt.Sprintf("%gx", x)
}

// hasVerdict reports whether record i answers a prediction asked.
func (m *lessonModel) hasVerdict(i int) bool {
	_, ok := m.score.verdicts[i]
	return ok
}
