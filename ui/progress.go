package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/lessons/progress"
)

// saveProgress records where the learner is in the lesson and how they
// did, in a command: it writes a file. It captures values, not the model.
// A lesson is done (Finished) once its end is reached with its quiz
// answered; reached with questions skipped, it is only Seen.
func (m *lessonModel) saveProgress() tea.Cmd {
	store := m.c.deps.Progress
	if store == nil || m.c.deps.Present || m.resumeTo > 0 {
		return nil // a room's run is nobody's progress; a replay is not new progress
	}
	id, part, step, ended := m.lesson.ID, m.partAt(m.cursor), 0, m.finished()
	if m.cursor >= 0 {
		step = m.stepNumber(m.cursor)
	}
	preds := m.predictionScore()
	quiz, answered := m.quizScore()
	now := m.c.deps.Now()
	return func() tea.Msg {
		err := store.Update(id, now, func(l *progress.Lesson) {
			l.Part, l.Step = part, step
			if ended {
				l.Part, l.Step = 0, 0
				l.Seen = true
				l.Finished = l.Finished || answered
			}
			if preds.Asked > 0 {
				l.Predictions = preds
			}
			if quiz.Asked > 0 && (quiz.Right > l.Quiz.Right || quiz.Right == l.Quiz.Right && quiz.Of >= l.Quiz.Of) {
				l.Quiz = quiz // the best go is kept: most right, then most answered
			}
		})
		return savedMsg{err: err}
	}
}

// predictionScore counts the predictions of the lesson: those of this
// run, and, when it resumed past some, those of the runs before.
func (m *lessonModel) predictionScore() progress.Score {
	s := m.carried
	s.Right += m.score.right
	s.Of += m.score.answered
	s.Asked += m.score.put
	return s
}

// quizScore counts the quiz once it was taken: right of answered of
// asked; answered reports whether no question was skipped (or there was
// no quiz to take).
func (m *lessonModel) quizScore() (s progress.Score, answered bool) {
	if !m.hasQuiz() {
		return s, true
	}
	if !m.quiz.done {
		return s, false
	}
	s.Right, s.Of = m.quiz.score()
	s.Asked = len(m.quiz.qs)
	return s, s.Of == s.Asked
}

// savedMsg: progress was saved, or could not be.
type savedMsg struct{ err error }
