package ui

import "sessionlab/sim"

// stage is what the lesson screen is doing. Key handling (lesson_keys.go)
// and drawing (view_lesson.go) both switch on it; only enter changes it.
type stage int

const (
	stageStarting stage = iota // the run is being started
	stageFailed                // it could not start
	stageIntro                 // guided, on the intro card
	stageStepping              // guided: one step per key, or a replay of steps shown
	stagePlaying               // the run plays on, each step held long enough to read
	stageAsking                // a prediction waits for the learner's answer
	stageMenu                  // the fault menu is open
	stageQuiz                  // the quiz, after the last step
	stageSummary               // the summary card: the lesson is over
)

// String names the stage, for the debug log and tests.
func (s stage) String() string {
	return [...]string{"starting", "failed", "intro", "stepping", "playing", "asking", "menu", "quiz", "summary"}[s]
}

// enter moves the screen to stage s, and does what entering it means:
// guided, the run is paused; the fault menu remembers where it goes back
// to; the summary is written once.
func (m *lessonModel) enter(s stage) {
	if s == stageMenu {
		m.before = m.stage
	}
	if s != stagePlaying && m.stage == stagePlaying {
		m.link.pause()
	}
	m.stage = s
	if s == stageQuiz {
		m.quiz.against(&m.hist)
	}
	if s == stageSummary {
		m.sum = newSummary(m)
	}
	m.restop()
}

// guided is the stage of a guided screen at the cursor: the intro card
// before the first record, stepping after.
func (m *lessonModel) guided() stage {
	if m.cursor < 0 {
		return stageIntro
	}
	return stageStepping
}

// atEnd reports whether the lesson's last step is on screen: the run has
// ended and the cursor is on its last record.
func (m *lessonModel) atEnd() bool {
	return m.link.done && m.link.err == nil && m.cursor >= 0 && m.cursor == m.hist.len()-1
}

// endReached reports whether, at the end of the run, the lesson goes on
// to its quiz or summary now: playing, at once; guided, when the last
// step is the part's end on its own (it says nothing else), or once → is
// pressed on the last step.
func (m *lessonModel) endReached() bool {
	if !m.atEnd() {
		return false
	}
	_, alone := m.hist.recs[m.cursor].ev.(sim.ScenarioEnded)
	alone = alone && m.hist.recs[m.cursor].group == m.cursor
	return m.playing() || m.wrapUp || alone
}

// settle goes on to the quiz, or the summary, once the end is reached
// (endReached); and back from them when the cursor moves away.
func (m *lessonModel) settle() {
	switch {
	case m.endReached() && m.quiz.due(m.c.deps.NoQuestions):
		if m.stage != stageQuiz {
			m.enter(stageQuiz)
		}
	case m.endReached():
		if m.stage != stageSummary {
			m.enter(stageSummary)
		}
	case m.stage == stageQuiz || m.stage == stageSummary:
		m.enter(m.guided())
	}
}

// finished reports whether the lesson is over: its summary card shows.
func (m *lessonModel) finished() bool { return m.stage == stageSummary }

// hasQuiz reports whether this lesson ends with a quiz.
func (m *lessonModel) hasQuiz() bool { return len(m.lesson.Quiz()) > 0 && !m.c.deps.NoQuestions }

// faulted reports whether record i is a fault.
func (m *lessonModel) faulted(i int) bool {
	_, ok := m.hist.recs[i].ev.(sim.Faulted)
	return ok
}
