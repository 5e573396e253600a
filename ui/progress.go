package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/lessons/progress"
)

// saveProgress records where the learner is in the lesson and how they
// did, in a command: it writes a file. It captures values, not the model.
func (m *lessonModel) saveProgress() tea.Cmd {
	store := m.c.deps.Progress
	if store == nil || m.c.deps.Present {
		return nil // a room's run is nobody's progress
	}
	id, part, finished := m.lesson.ID, m.partAt(m.cursor), m.finished()
	preds := progress.Score{Right: m.score.right, Of: m.score.answered}
	var quiz progress.Score
	if m.quiz.done {
		quiz.Right, quiz.Of = m.quiz.score()
	}
	now := m.c.deps.Now()
	return func() tea.Msg {
		err := store.Update(id, now, func(l *progress.Lesson) {
			l.Part = part
			if finished {
				l.Finished, l.Part = true, 0
			}
			if preds.Of > 0 {
				l.Predictions = preds
			}
			if quiz.Of > 0 && quiz.Right*max(l.Quiz.Of, 1) >= l.Quiz.Right*quiz.Of {
				l.Quiz = quiz // the best go is kept
			}
		})
		return savedMsg{err: err}
	}
}

// savedMsg: progress was saved, or could not be.
type savedMsg struct{ err error }
