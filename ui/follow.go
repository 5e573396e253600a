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
// record under the cursor, and whether it plays in real time.
type FollowState struct {
	Lesson  string // "": the picker
	First   int
	Run     int
	Cursor  int
	Playing bool
	Asking  bool // the teacher shows the prediction due before the next record
	Locked  bool // students may not explore on their own
}

// followMsg is the teacher's newest state.
type followMsg FollowState

// Room is the class as the teacher's console shows it: how many students
// are connected, and for each question asked (by its text) how many
// chose each choice. Students are counted, not named.
type Room struct {
	Connected, Exploring int
	Answers              map[string][]int
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

// waitRoom waits for the class's next state.
func waitRoom(ch <-chan Room) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		r, ok := <-ch
		if !ok {
			return nil
		}
		return roomMsg(r)
	}
}

// waitFollow waits for the teacher's next state: the one command that
// brings them, armed again after each.
func waitFollow(ch <-chan FollowState) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		st, ok := <-ch
		if !ok {
			return nil
		}
		return followMsg(st)
	}
}

// followState is where this Model is, as a teacher publishes it.
func (m Model) followState() FollowState {
	if m.screen != lessonScreen || m.lesson.lesson == nil {
		return FollowState{}
	}
	return FollowState{Lesson: m.lesson.lesson.ID, First: m.lesson.first, Run: m.c.runs,
		Cursor: m.lesson.cursor, Playing: m.lesson.playing(), Asking: m.lesson.stage == stageAsking, Locked: m.c.locked}
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
	switch k := &m.c.keys; {
	case m.c.deps.Follow != nil && key.Matches(msg, k.Explore):
		return m.explore(!m.c.exploring), true
	case m.c.deps.Publish != nil && key.Matches(msg, k.Lock):
		m.c.locked = !m.c.locked
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
		m.lesson.say("The teacher keeps the class together on their step for now.")
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
		m.lesson.follow = nil
		m.lesson.say("Exploring on your own: a run of your own. e: back to the teacher's step.")
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
	if st.Lesson == "" || st.Run == 0 {
		return nil
	}
	if m.screen != lessonScreen || m.lesson.lesson == nil || m.lesson.lesson.ID != st.Lesson ||
		m.lesson.first != st.First || m.c.followRun != st.Run {
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
// asked on the student's own screen), back at once. A question the
// student did not answer before the teacher moved past it is passed.
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
	for m.cursor < st.Cursor {
		before := [4]int{m.cursor, m.shown, int(m.stage), m.score.put}
		switch {
		case m.stage == stageAsking && st.Asking && st.Cursor <= m.cursor:
			return tea.Batch(cmds...) // the teacher still asks the room
		case m.stage == stageAsking:
			var cmd tea.Cmd
			*m, cmd = m.answer(-1) // passed: the teacher went on
			cmds = append(cmds, cmd)
		case m.shown > m.cursor:
			m.moveTo(m.cursor + 1)
		case m.shown < m.hist.len()-1:
			cmds = append(cmds, m.showNext())
		}
		if [4]int{m.cursor, m.shown, int(m.stage), m.score.put} == before {
			break // the mirrored run has not come that far yet
		}
	}
	// The teacher asks the room: each student is asked on their own screen.
	if st.Asking && m.cursor == st.Cursor && m.shown == m.cursor && m.stage != stageAsking && m.shown < m.hist.len()-1 {
		cmds = append(cmds, m.showNext())
	}
	return tea.Batch(cmds...)
}

// mirrorStarter is the Starter of a follower's run: the teacher's run
// number run, mirrored.
func mirrorStarter(mirror func(run int) (sim.Session, error), run int) Starter {
	return func(sim.Config, bool) (sim.Session, error) { return mirror(run) }
}

// classStatus is the teacher's one-line roster.
func (c *common) classStatus() string {
	s := fmt.Sprintf("class of %d", c.room.Connected)
	if c.room.Exploring > 0 {
		s += fmt.Sprintf(", %d exploring", c.room.Exploring)
	}
	if c.locked {
		s += " · locked"
	}
	return s
}
