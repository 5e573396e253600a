package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// narration is what the stop on screen says: a headline and the
// narration, in the lesson's words (terms still marked, see
// lessons.Emphasize).
func (m *lessonModel) narration() (title, text string) {
	switch {
	case m.err != nil:
		return "Could not start the lesson", lessons.PlainError(m.err) + "\n\nPress r to try again, or esc to choose another lesson."
	case m.menu:
		return "Break the run on purpose", m.menuText()
	case m.cursor < 0:
		return m.introCard()
	}
	ev := m.hist.recs[m.cursor].ev
	switch e := ev.(type) {
	case sim.ScenarioStarted:
		p := m.partAt(m.cursor)
		title = m.lesson.Line(ev)
		if len(m.lesson.Scenarios) > 1 {
			title = fmt.Sprintf("Part %d of %d. %s", p+1, len(m.lesson.Scenarios), title)
		}
		text = m.lesson.Narration(ev)
		if text == m.lesson.Line(ev) {
			text = ""
		}
	case sim.ScenarioEnded:
		title, text = m.partEnd(e)
	default:
		title, text = m.lesson.Line(ev), m.lesson.Narration(ev)
	}
	if v, ok := m.verdicts[m.cursor]; ok {
		// The prediction's verdict is the headline; the event's narration
		// says why.
		title = v.title()
	}
	if m.hint != "" {
		text = m.hint
	}
	return title, text
}

// introCard is the lesson's first stop: what is about to happen, and
// which keys move.
func (m *lessonModel) introCard() (title, text string) {
	title = m.lesson.Title
	if m.first > 0 {
		title += ": " + m.lesson.PartName(m.lesson.Scenarios[m.first])
	}
	keys := "→ or PgDn: next step · ← or PgUp: back · space: play · g: glossary"
	if m.playing {
		keys = "Playing: each step stays long enough to read · space: pause"
	}
	text = m.lesson.Card() + "\n\n" + keys
	if m.hint != "" {
		text = m.hint
	}
	return title, text
}

// partEnd is what the end of a part says: that it ran to its end (or
// how it stopped), and what comes next.
func (m *lessonModel) partEnd(e sim.ScenarioEnded) (title, text string) {
	p := m.partAt(m.cursor)
	name := m.lesson.PartName(m.lesson.Scenarios[p])
	title = "End of " + name
	if e.Err != nil {
		return "The run stopped", m.lesson.Line(e)
	}
	var b strings.Builder
	for _, u := range m.unfired {
		fmt.Fprintf(&b, "The fault %v you asked for never fired: %s.\n\n", u.Fault, u.Why)
	}
	if q, ok := m.hist.lastNonMarker(m.cursor); ok {
		fmt.Fprintf(&b, "The last step: %s\n\n", lessons.Plain(m.lesson.Line(m.hist.recs[q].ev)))
	}
	if p+1 < len(m.lesson.Scenarios) {
		fmt.Fprintf(&b, "Next, part %d: %s. Press → to go on.", p+2, m.lesson.PartName(m.lesson.Scenarios[p+1]))
	}
	return title, b.String()
}

// narrationLines draws the narration block: the headline, then the
// narration wrapped to width, at most maxLines lines in all.
func (m *lessonModel) narrationLines(width, maxLines int) []string {
	st := m.c.styles
	title, text := m.narration()
	out := []string{" " + st.Bold.Render(ansi.Truncate(lessons.Plain(title), width-2, "…"))}
	if text == "" {
		return out
	}
	text = lessons.Emphasize(text, func(s string) string { return st.Term.Render(s) })
	wrapped := strings.Split(ansi.Wordwrap(text, width-2, ""), "\n")
	if len(wrapped) > maxLines-1 {
		wrapped = wrapped[:max(maxLines-1, 1)]
		last := len(wrapped) - 1
		wrapped[last] = ansi.Truncate(wrapped[last], width-3, "") + "…"
	}
	for _, l := range wrapped {
		out = append(out, " "+l)
	}
	return out
}
