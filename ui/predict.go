package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
)

// A prediction stops the lesson just before the event it is about: the
// event has arrived but is not shown. The learner picks an answer (a
// number, or ↑/↓ and enter); then the event is shown, with whether the
// answer was right, by the event's own facts. → or PgDn shows it without
// an answer (a clicker, or a room: in presenter mode nothing is scored).

// asking is a prediction on screen.
type asking struct {
	p   *lessons.Prediction
	rec int // the record it comes before
	sel int // the choice ↑/↓ point at
}

// prediction returns the prediction to ask before record i, if one is
// due: the first that matches it and has not been asked in this run.
func (m *lessonModel) prediction(i int) *lessons.Prediction {
	if m.c.deps.NoQuestions {
		return nil
	}
	for _, p := range m.lesson.Predictions() {
		if !m.asked[p] && p.Matches(m.hist.recs[i].ev) {
			return p
		}
	}
	return nil
}

// askKey answers a key while a prediction is on screen.
func (m lessonModel) askKey(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	keys := &m.c.keys
	a := m.ask
	switch {
	case key.Matches(msg, keys.Up):
		a.sel = max(a.sel-1, 0)
	case key.Matches(msg, keys.Down):
		a.sel = min(a.sel+1, len(a.p.Choices)-1)
	case msg.Type == tea.KeyEnter:
		return m.answer(a.sel)
	case key.Matches(msg, keys.Forward), key.Matches(msg, keys.Play):
		return m.answer(-1)
	case key.Matches(msg, keys.Back):
		m.ask = nil
		return m.back()
	default:
		if n, err := strconv.Atoi(msg.String()); err == nil && n >= 1 && n <= len(a.p.Choices) {
			return m.answer(n - 1)
		}
	}
	return m, nil
}

// answer records the learner's choice (-1: none) and shows the event.
func (m lessonModel) answer(choice int) (lessonModel, tea.Cmd) {
	a := m.ask
	m.ask = nil
	m.asked[a.p] = true
	value, right := a.p.Answer(m.hist.recs[a.rec].ev)
	v := verdict{chosen: choice, right: right, value: value, p: a.p}
	if choice >= 0 && !m.c.deps.Present {
		m.predAsked++
		if choice == right {
			m.predRight++
		}
	}
	m.verdicts[a.rec] = v
	return m, tea.Batch(m.showNext(), m.saveProgress())
}

// verdict is what the learner said about a record, and what the run said.
type verdict struct {
	p      *lessons.Prediction
	chosen int    // -1: no answer given
	right  int    // the choice the run made right; -1: none of them
	value  string // the run's answer
}

// title is the verdict in one line, for the headline of the event's stop:
// each choice's short answer (its text up to a colon); the narration says
// why.
func (v verdict) title() string {
	short := func(c int) string {
		s, _, _ := strings.Cut(v.p.Choices[c].Text, ": ")
		return s
	}
	switch {
	case v.right < 0:
		return fmt.Sprintf("None of the choices: the run says %s (a fault changed the run)", v.value)
	case v.chosen < 0:
		return "The answer: " + short(v.right)
	case v.chosen == v.right:
		return "✓ Right: " + short(v.right)
	}
	return fmt.Sprintf("✗ Not quite: you said %s; the run says %s", short(v.chosen), short(v.right))
}

// askLines draws a prediction in width columns and height rows.
func (m *lessonModel) askLines(width, height int) []string {
	st := m.c.styles
	a := m.ask
	out := []string{" " + st.Title.Render("Predict, then watch")}
	for _, l := range strings.Split(ansi.Wordwrap(a.p.Question, width-2, ""), "\n") {
		out = append(out, " "+st.Bold.Render(l))
	}
	out = append(out, "")
	for i, c := range a.p.Choices {
		lead := fmt.Sprintf("  %d  ", i+1)
		if i == a.sel {
			lead = st.Cursor.Render(fmt.Sprintf("▸ %d  ", i+1))
		}
		for k, l := range strings.Split(ansi.Wordwrap(c.Text, width-7, ""), "\n") {
			if k > 0 {
				lead = "     "
			}
			out = append(out, lead+l)
		}
	}
	out = append(out, "")
	hint := "Press 1–" + strconv.Itoa(len(a.p.Choices)) + " (or ↑/↓ and enter) to answer; → shows what happens without an answer."
	if m.c.deps.Present {
		hint = "A question for the room. → shows what really happens."
	}
	for _, l := range strings.Split(ansi.Wordwrap(hint, width-2, ""), "\n") {
		out = append(out, " "+st.Muted.Render(l))
	}
	if len(out) > height {
		out = out[:height]
	}
	for len(out) < height {
		out = append(out, "")
	}
	return out
}
