package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// Messages. Each carries the generation of the run it belongs to, so that
// messages from a run that was stopped or restarted are dropped.

// startedMsg: a lesson's run has started (or failed to).
type startedMsg struct {
	gen     int
	session sim.Session
	err     error
}

// eventMsg: the run produced an event.
type eventMsg struct {
	gen int
	ev  sim.Event
}

// doneMsg: the run's event channel closed.
type doneMsg struct{ gen int }

// frameMsg: time to draw the next animation frame; tag drops stale loops.
type frameMsg struct {
	tag int
	at  time.Time
}

// startCmd starts a run in a command: it opens sockets.
func startCmd(start Starter, gen int, cfg sim.Config, paused bool) tea.Cmd {
	return func() tea.Msg {
		s, err := start(cfg, paused)
		return startedMsg{gen: gen, session: s, err: err}
	}
}

// stopCmd stops a run and waits for its sockets to close.
func stopCmd(s sim.Session) tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		s.Stop()
		return nil
	}
}

// waitForEvent reads the run's next event. It is re-armed after each one.
func waitForEvent(gen int, events <-chan sim.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return doneMsg{gen: gen}
		}
		return eventMsg{gen: gen, ev: ev}
	}
}

// countdownMsg: a second has passed on a countdown on screen.
type countdownMsg struct{ tag int }

func countdownCmd(tag int) tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return countdownMsg{tag: tag} })
}

// travelSteps is how many moves a glyph makes crossing the wire after it
// appears at the sender: a few clear steps read well on a projector, and
// each move is a line rewritten on every student's terminal.
const travelSteps = 2

func frameCmd(tag int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(t time.Time) tea.Msg { return frameMsg{tag: tag, at: t} })
}

// nextLessonMsg: the learner goes on from a lesson's summary card to the
// next lesson.
type nextLessonMsg struct{}

// planMsg: the normal path of the lesson's parts, counted in steps.
type planMsg struct {
	gen  int
	plan map[sim.Scenario]int
	err  error
}

// planCmd counts each part's steps on its normal path (Deps.Plan).
func planCmd(plan Planner, gen int, l *lessons.Lesson) tea.Cmd {
	return func() tea.Msg {
		p, err := plan(l)
		return planMsg{gen: gen, plan: p, err: err}
	}
}
