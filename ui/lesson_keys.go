package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/sim"
)

func (m lessonModel) key(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	keys := &m.c.keys
	switch {
	case m.menu:
		return m.menuKey(msg)
	case m.ask != nil:
		return m.askKey(msg)
	case m.quizzing():
		return m.quizKey(msg)
	case m.finished() && key.Matches(msg, keys.Retry) && m.hasQuiz():
		m.quiz = newQuizRun(len(m.lesson.Quiz()))
		return m, nil
	}
	m.hint = ""
	for _, f := range keys.FaultKeys {
		if key.Matches(msg, f.Binding) {
			return m.inject(f.kind)
		}
	}
	switch {
	case key.Matches(msg, keys.Forward), m.finished() && key.Matches(msg, keys.Next),
		m.c.deps.Present && key.Matches(msg, keys.Play): // a click is a step
		return m.forward()
	case key.Matches(msg, keys.Back):
		return m.back()
	case key.Matches(msg, keys.Play):
		return m.togglePlay()
	case key.Matches(msg, keys.NextPart):
		return m.jumpPart(+1)
	case key.Matches(msg, keys.PrevPart):
		return m.jumpPart(-1)
	case key.Matches(msg, keys.Restart):
		m.first = 0
		return m, m.start()
	case key.Matches(msg, keys.Faster):
		return m.setSpeed(+1)
	case key.Matches(msg, keys.Slower):
		return m.setSpeed(-1)
	case key.Matches(msg, keys.View):
		m.pic = 1 - m.pic
		return m, nil
	case key.Matches(msg, keys.Focus):
		if m.c.deps.Present && !m.details {
			m.details = true // the full screen first; tab again moves the focus
			return m, nil
		}
		m.focus = 1 - m.focus
		return m, nil
	case m.c.deps.Present && m.details && msg.Type == tea.KeyEsc:
		m.details = false
		return m, nil
	case key.Matches(msg, keys.Faults):
		if m.session == nil || m.done {
			m.hint = "No run to break: r starts the lesson again."
			return m, nil
		}
		m.menu = true
		return m, nil
	case key.Matches(msg, keys.Up, keys.Down):
		return m.scroll(key.Matches(msg, keys.Up))
	}
	return m, nil
}

// scroll moves the pane with the focus by a line.
func (m lessonModel) scroll(up bool) (lessonModel, tea.Cmd) {
	if m.focus == paneInspector {
		if up {
			m.inspTop = max(m.inspTop-1, 0)
		} else {
			m.inspTop++ // inspectorLines stops it at the last page
		}
		return m, nil
	}
	if up {
		m.log.ScrollUp(1)
	} else {
		m.log.ScrollDown(1)
	}
	m.logFree = true
	return m, nil
}

// menuKey is the menu key of the n-th fault kind (from 0): its letter
// from the fault table, else its number.
func menuKey(k sim.FaultKind, n int) string {
	if s := k.Key(); s != "" {
		return s
	}
	return strconv.Itoa(n + 1)
}

// menuKey answers a key while the fault menu is open: a kind's letter or
// number injects it; anything else closes the menu.
func (m lessonModel) menuKey(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	m.menu = false
	for n, k := range sim.FaultKinds() {
		s := strings.ToLower(msg.String())
		if s == menuKey(k, n) || s == strconv.Itoa(n+1) {
			return m.inject(k)
		}
	}
	m.hint = "No fault injected."
	return m, nil
}

// inject breaks the run on purpose: the fault takes its turn at the run's
// next step, and the lesson pauses on it when it comes.
func (m lessonModel) inject(kind sim.FaultKind) (lessonModel, tea.Cmd) {
	if m.session == nil || m.done {
		m.hint = "No run to break: r starts the lesson again."
		return m, nil
	}
	m.session.Inject(kind)
	m.hint = "Fault: " + kind.Summary() + ", at the next step."
	if !m.playing {
		m.hint += " Press → to let it happen."
	}
	return m, nil
}

// menuText lists the faults, each with its key and what it does.
func (m *lessonModel) menuText() string {
	var b strings.Builder
	b.WriteString("It strikes at the run's next step, and the lesson stops there to say what it did.")
	for n, k := range sim.FaultKinds() {
		fmt.Fprintf(&b, "\n%s  %s: %s", menuKey(k, n), k, k.Summary())
	}
	b.WriteString("\nAny other key cancels.")
	return b.String()
}
