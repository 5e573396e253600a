package ui

// Following a teacher (sessionlab class): a teacher's Model publishes
// where it is, a follower's Model goes there. The follower's run is a
// mirror of the teacher's real one (Deps.Mirror): the same events, and
// nothing a student presses reaches the teacher's sockets.

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/sim"
)

// FollowState is where a teacher is: the lesson and part open, which of
// the teacher's runs it shows (runs count from 1, one per start), the
// record under the cursor, whether it plays in real time, and the
// question it asks the class, if any.
type FollowState struct {
	Lesson  string // "": the picker
	First   int
	Run     int
	Cursor  int
	Playing bool
	// Question is the prediction or quiz question the teacher asks now
	// ("": none); Quiz, the quiz's question on screen, from 1 (0: not in
	// the quiz), and Revealed whether its answer shows. Over: the
	// lesson's summary card.
	Question string
	Quiz     int
	Revealed bool
	Over     bool
	Locked   bool // students may not explore on their own
}

// followMsg is the teacher's newest state.
type followMsg FollowState

// Room is the class as the teacher's console shows it: how many students
// are connected, and for each question asked (by its text) how many
// chose each choice. Students are counted, not named, unless the class
// is named (--named): then Names holds, per question and choice, who.
type Room struct {
	Connected, Exploring int
	Answers              map[string][]int
	Names                map[string][][]string
}

// answered is how many answered question q, and the counts per choice
// (as many as choices).
func (r Room) answered(q string, choices int) (n int, counts []int) {
	counts = make([]int, choices)
	for i, c := range r.Answers[q] {
		if i < choices {
			counts[i] = c
			n += c
		}
	}
	return n, counts
}

// roomMsg is the class's newest state, for the teacher.
type roomMsg Room

// waitRoom waits for the class's next state, for the teacher.
func waitRoom(ch <-chan Room) tea.Cmd { return waitOn(ch, func(r Room) tea.Msg { return roomMsg(r) }) }

// waitFollow waits for the teacher's next state, for a follower.
func waitFollow(ch <-chan FollowState) tea.Cmd {
	return waitOn(ch, func(st FollowState) tea.Msg { return followMsg(st) })
}

// waitOn is the one command that brings a class's next state from ch,
// armed again after each; a closed channel (the class is over) brings
// nothing, and no channel (not in a class) arms nothing.
func waitOn[T any](ch <-chan T, msg func(T) tea.Msg) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		v, ok := <-ch
		if !ok {
			return nil
		}
		return msg(v)
	}
}

// followState is where this Model is, as a teacher publishes it.
func (m Model) followState() FollowState {
	if m.screen != lessonScreen || m.lesson.lesson == nil {
		return FollowState{}
	}
	l := &m.lesson
	st := FollowState{Lesson: l.lesson.ID, First: l.first, Run: m.c.runs, Cursor: l.cursor, Playing: l.playing(),
		Over: l.stage == stageSummary, Locked: m.c.locked}
	switch l.stage {
	case stageAsking:
		st.Question = l.ask.p.Question
	case stageQuiz:
		st.Question, st.Quiz, st.Revealed = l.quiz.qs[l.quiz.at].Ask, l.quiz.at+1, l.quiz.chosen[l.quiz.at] != -1
	}
	return st
}

// publish tells the followers where this teacher is, when that changed.
func (m Model) publish() {
	if m.c.deps.Publish == nil {
		return
	}
	if st := m.followState(); st != m.c.published {
		m.c.published = st
		m.c.deps.Publish(st)
	}
}

// classKey handles the keys of a class: a student's e (explore on their
// own, or come back to the teacher's step), the teacher's L (lock the
// room to the teacher's step, or unlock it). ok is false for any other.
func (m *Model) classKey(msg tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	k := &m.c.keys
	ending := m.c.ending
	if ending {
		m.lesson.nudge = ""
	}
	m.c.ending = false
	switch teacher := m.c.deps.Publish != nil; {
	case m.c.deps.Follow != nil && key.Matches(msg, k.Explore):
		return m.explore(!m.c.exploring), true
	case teacher && key.Matches(msg, k.Lock):
		m.c.locked = !m.c.locked
		k.Lock.SetHelp("L", map[bool]string{false: "lock the room to your step", true: "unlock the room"}[m.c.locked])
		return nil, true
	case teacher && key.Matches(msg, k.Quit) && !ending && !m.help.ShowAll && m.gloss == nil && !m.blank:
		// One stray key must not end the lesson for a whole room.
		m.c.ending = true
		if m.screen == lessonScreen {
			m.lesson.nudge = "q again ends the class · other keys go on"
		} else {
			m.notice = "q again ends the class for every student; any other key goes on."
		}
		return nil, true
	}
	return nil, false
}

// explore leaves the teacher for a run of the student's own, of the
// lesson and part the teacher has open, or comes back to the teacher's
// step; a locked class keeps everyone with the teacher.
func (m *Model) explore(on bool) tea.Cmd {
	st := m.c.latest
	switch {
	case on && st.Locked:
		m.lesson.nudge = "locked: the class stays on the teacher's step"
		return nil
	case on == m.c.exploring || st.Lesson == "":
		return nil
	}
	m.c.exploring = on
	if m.c.deps.Exploring != nil {
		m.c.deps.Exploring(on)
	}
	m.c.followRun = 0 // reopens: a run of the student's own, or the teacher's again
	if on {
		cmd := m.openAt(st.Lesson, st.First)
		m.lesson.follow = nil // the header says so: exploring on your own
		return cmd
	}
	return m.follow(st)
}

// follow goes where the teacher is: to the teacher's run (opening its
// lesson and part again when the teacher started another run), then to
// its record.
func (m *Model) follow(st FollowState) tea.Cmd {
	m.c.latest = st
	if m.c.exploring {
		if !st.Locked {
			return nil // on their own until they come back
		}
		return m.explore(false) // the teacher locked the class: everyone back
	}
	if st.Lesson == "" && m.screen == lessonScreen && m.lesson.follow != nil {
		m.screen = pickerScreen // the teacher went back to the lessons: so does the class
		return m.lesson.stopRun()
	}
	if st.Lesson == "" || st.Run == 0 {
		return nil
	}
	if m.screen != lessonScreen || m.lesson.lesson == nil || m.lesson.lesson.ID != st.Lesson ||
		m.lesson.first != st.First || m.c.followRun != st.Run {
		if m.c.followRun != st.Run && st.Run != m.c.pickedIn {
			m.c.picks, m.c.pickedIn = nil, st.Run // the teacher's new run asks anew
		}
		m.c.followRun = st.Run
		cmd := m.openAt(st.Lesson, st.First)
		m.lesson.follow = &st
		return cmd
	}
	m.lesson.follow = &st
	return m.lesson.followTeacher()
}

// followTeacher moves to the teacher's record, as far as the mirrored
// run has come: forward a step at a time (so that each prediction is
// asked on the student's own screen), back at once. A question stays on
// the student's screen while the teacher asks it; once the teacher goes
// on, the student's answer (or none) stands and the run shows its own.
func (m *lessonModel) followTeacher() tea.Cmd {
	st := m.follow
	if st == nil || m.link.session == nil {
		return nil
	}
	if st.Playing != m.playing() && m.stage != stageAsking {
		m.setPlaying(st.Playing)
	}
	if st.Cursor < m.cursor && st.Cursor >= 0 {
		m.moveTo(st.Cursor)
		return nil
	}
	var cmds []tea.Cmd
	for {
		before := [4]int{m.cursor, m.shown, int(m.stage), m.score.put}
		switch {
		case m.stage == stageAsking && st.Question == m.ask.p.Question:
			m.ask.live = true
			return tea.Batch(cmds...) // the teacher still asks the class
		case m.stage == stageAsking && !m.ask.live && m.ask.picked < 0:
			// Never put to this student (they joined, or came back, after
			// the teacher asked it): passed without counting as skipped.
			m.score.asked[m.ask.p] = true
			m.enter(m.guided())
			cmds = append(cmds, m.showNext())
		case m.stage == stageAsking:
			var cmd tea.Cmd
			*m, cmd = m.answer(m.ask.picked) // revealed: the student's answer stands
			cmds = append(cmds, cmd)
		case m.cursor >= st.Cursor:
		case m.shown > m.cursor:
			m.moveTo(m.cursor + 1)
		case m.shown < m.hist.len()-1:
			cmds = append(cmds, m.showNext())
		}
		if [4]int{m.cursor, m.shown, int(m.stage), m.score.put} == before {
			break // at the teacher's record, or the mirrored run has not come that far yet
		}
	}
	if m.cursor != st.Cursor || m.shown != m.cursor {
		return tea.Batch(cmds...)
	}
	switch {
	case st.Question != "" && st.Quiz == 0 && m.shown < m.hist.len()-1:
		cmds = append(cmds, m.showNext()) // the teacher asks the class: each student on their own screen
	case st.Quiz > 0 || st.Over:
		cmds = append(cmds, m.followQuiz(st))
	case m.stage == stageQuiz || m.stage == stageSummary:
		m.wrapUp = false // the teacher went back from the quiz to the last step
		m.settle()
	}
	return tea.Batch(cmds...)
}

// followQuiz takes a following student to the teacher's quiz question,
// or to the summary card once the teacher's lesson is over.
func (m *lessonModel) followQuiz(st *FollowState) tea.Cmd {
	if !m.atEnd() {
		return nil // the mirrored run has not ended yet
	}
	was := m.stage
	m.wrapUp = true
	m.settle()
	if m.stage == stageQuiz {
		if st.Quiz > 0 {
			m.quiz = m.quiz.follow(st.Quiz-1, st.Revealed)
		}
		if st.Over {
			m.quiz = m.quiz.follow(len(m.quiz.qs)-1, true)
			m.quiz.done = true
			m.enter(stageSummary)
		}
	}
	if m.stage == stageSummary && was != stageSummary {
		return m.saveProgress() // the student's answers go to their own progress
	}
	return nil
}

// mirrorStarter is the Starter of a follower's run: the teacher's run
// number run, mirrored.
func mirrorStarter(mirror func(run int) (sim.Session, error), run int) Starter {
	return func(sim.Config, bool) (sim.Session, error) { return mirror(run) }
}

// classStatus is the teacher's one-line roster: students connected,
// following, exploring, and how many answered the question on screen.
func (m *lessonModel) classStatus() string {
	r := m.c.room
	s := fmt.Sprintf("class of %d", r.Connected)
	if r.Connected > 0 {
		s += fmt.Sprintf(": %d following", r.Connected-r.Exploring)
	}
	if r.Exploring > 0 {
		s += fmt.Sprintf(", %d exploring", r.Exploring)
	}
	if q := m.c.published.Question; q != "" {
		n, _ := r.answered(q, len(r.Answers[q]))
		s += fmt.Sprintf(" · %d answered", n)
	}
	if m.c.locked {
		s += " · locked"
	}
	return s
}

// teacherSteps is what a following student's steering key says.
const teacherSteps = "the teacher steps · e: explore alone"

// following reports whether this Model follows a teacher's step now.
func (m Model) following() bool { return m.screen == lessonScreen && m.lesson.follow != nil }

// classLine is what the picker says of the class: to the teacher, how
// many are in and how students join; to a student, that the teacher
// opens the lessons.
func (m Model) classLine() string {
	switch {
	case m.c.deps.Publish != nil:
		n := 0
		if m.c.room != nil {
			n = m.c.room.Connected
		}
		if n == 0 {
			return "No students yet. They join with: " + m.c.deps.Join
		}
		return fmt.Sprintf("Class of %d. Students join with: %s", n, m.c.deps.Join)
	case m.c.deps.Follow != nil && !m.c.exploring:
		return "In class: your screen follows the teacher's once they open a lesson."
	}
	return ""
}

// classRight says how many of the class chose right among the answers to
// question q: "the class: 2 of 3 right", or that nobody answered.
func classRight(r Room, q string, right, choices int) string {
	n, counts := r.answered(q, choices)
	if n == 0 || right < 0 || right >= choices {
		return "nobody in the class answered"
	}
	return fmt.Sprintf("the class: %d of %d right", counts[right], n)
}
