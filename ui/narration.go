package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// stop is what the step on screen says: a headline and the narration, in
// the lesson's words (terms still marked, see lessons.Emphasize), the part
// it belongs to, and the narration block drawn at the screen's width.
// restop computes it when the cursor, the stage or a hint changes; the
// layout wraps it when the size changes.
type stop struct {
	title, text string
	more        string   // the longer why, for the m key ("": none)
	part        int      // which part of the lesson
	lines       []string // the narration block, drawn
}

// restop computes what the screen says now, and what the panes beside it
// show of the cursor's record.
func (m *lessonModel) restop() {
	title, text := m.narration()
	m.stop = stop{title: title, text: text, part: m.partAt(m.cursor)}
	if _, _, ok := m.groupAt(m.cursor); ok {
		m.stop.more = "each step" // m expands the run
	} else if m.cursor >= 0 && m.stage != stageMenu {
		m.stop.more = m.lesson.More(m.hist.recs[m.cursor].ev)
	}
	if m.playing() && m.cursor >= 0 {
		m.stop.lines = m.tickerLines(m.lay.width, m.lay.narrationRows())
	} else {
		m.stop.lines = m.narrationLines(m.lay.width, m.lay.narrationRows())
	}
	m.insp.refresh(m)
}

// narration is the headline and the narration of the stage and the step
// on screen.
func (m *lessonModel) narration() (title, text string) {
	switch {
	case m.stage == stageFailed:
		return "Could not start the lesson", lessons.PlainError(m.link.err) + "\n\nPress r to try again, or esc to choose another lesson."
	case m.stage == stageMenu:
		return "Break the run on purpose", m.menu.text
	case m.cursor < 0:
		return m.introCard()
	}
	ev := m.hist.recs[m.cursor].ev
	if first, n, ok := m.groupAt(m.cursor); ok {
		title, text = m.groupStop(first, n)
		if m.hint != "" {
			text = m.hint
		}
		return title, text
	}
	switch e := ev.(type) {
	case sim.ScenarioStarted:
		title, text = m.partCard(ev)
	case sim.ScenarioEnded:
		title, text = m.partEnd(e)
	default:
		title, text = m.lesson.Line(ev), m.lesson.Narration(ev)
	}
	if m.resumed != "" {
		text = m.resumed + "\n\n" + text
	}
	if v, ok := m.score.verdicts[m.cursor]; ok {
		// The prediction's verdict is the headline; the event's narration
		// says why.
		title = v.title()
		if r := m.c.room; r != nil && v.right >= 0 {
			// The class's answer comes with the run's: how many were right.
			title += " · " + classRight(*r, v.p.Question, v.right, len(v.p.Choices))
		}
	}
	if m.hint != "" {
		text = m.hint
	}
	return title, text
}

// partCard is what a part's start says: which part, and what it is about.
func (m *lessonModel) partCard(ev sim.Event) (title, text string) {
	title = m.lesson.Line(ev)
	if len(m.lesson.Scenarios) > 1 {
		title = fmt.Sprintf("Part %d of %d. %s", m.partAt(m.cursor)+1, len(m.lesson.Scenarios), title)
	}
	if text = m.lesson.Narration(ev); text == m.lesson.Line(ev) {
		text = ""
	}
	return title, text
}

// introCard is the lesson's first stop: what is about to happen, and
// which keys move (the key table's card words).
func (m *lessonModel) introCard() (title, text string) {
	title = m.lesson.Title
	if m.first > 0 {
		title += ": " + m.lesson.PartName(m.lesson.Scenarios[m.first])
	}
	keys := cardLine(m.c.actions)
	switch {
	case m.follow != nil:
		keys = "Your teacher steps through this lesson for the class · m: more · g: glossary · e: explore on your own"
	case m.playing():
		keys = "Playing in real time: each step as it happens · space: pause, and read what it was"
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
	for _, u := range m.link.unfired {
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
// narration wrapped to a readable measure (at most 100 columns), rows
// lines in all, the last cut with … if the text is longer. For a room
// (presenter mode) the headline is in the title's colour with a line
// under it, and the narration in bold.
func (m *lessonModel) narrationLines(width, rows int) []string {
	if width <= 0 {
		return nil
	}
	st := m.c.styles
	textW := min(width-2, measure)
	pad := " "
	title, text := m.stop.title, m.stop.text
	plain := func(s ...string) string { return strings.Join(s, "") }
	titleStyle, textStyle := st.Bold.Render, plain
	if m.presenting() {
		titleStyle, textStyle = st.Title.Render, st.Bold.Render
	}
	head := pad + titleStyle(ansi.Truncate(lessons.Plain(title), textW, "…"))
	if m.stop.more != "" && !m.moreOpen {
		if room := textW - ansi.StringWidth(lessons.Plain(title)) - 12; room >= 0 {
			head += st.Muted.Render("  (m: more)")
		}
	}
	out := []string{head}
	if m.presenting() && rows > 3 {
		out = append(out, "")
	}
	if text != "" {
		text = lessons.Emphasize(text, func(s string) string { return st.Term.Render(s) })
		wrapped := strings.Split(ansi.Wordwrap(text, textW, ""), "\n")
		if room := rows - len(out); len(wrapped) > room {
			wrapped = wrapped[:max(room, 1)]
			last := len(wrapped) - 1
			wrapped[last] = ansi.Truncate(wrapped[last], textW-1, "") + "…"
		}
		for _, l := range wrapped {
			out = append(out, pad+textStyle(l))
		}
	}
	if m.presenting() {
		return append(out, "") // the room's screen gives the rest to the diagram
	}
	for len(out) < rows {
		out = append(out, "")
	}
	return out
}

// tickerLines draws the narration block while playing: each step's
// headline as it happens, the last few kept, the newest last and in bold.
// Nothing waits to be read: space pauses on the newest step and gives
// its narration.
func (m *lessonModel) tickerLines(width, rows int) []string {
	st := m.c.styles
	live := "▶ Live: each step as it happens · space pauses and explains the latest"
	if m.follow != nil {
		live = "▶ Live: each step as it happens · the teacher pauses to explain"
	}
	out := []string{" " + st.Live.Render(ansi.Truncate(live, width-2, "…"))}
	first := max(m.cursor-(rows-2), m.hist.recs[m.cursor].start)
	for i := first; i <= m.cursor; i++ {
		line := fmt.Sprintf("%8s %-6s %s", lessons.Offset(m.hist.offset(i)), sideName(m.hist.recs[i].ev.Head().Side),
			lessons.Plain(m.lesson.Line(m.hist.recs[i].ev)))
		line = ansi.Truncate(line, width-2, "…")
		if i == m.cursor {
			line = st.Bold.Render(line)
		}
		out = append(out, " "+line)
	}
	for len(out) < rows {
		out = append(out, "")
	}
	return out[:rows]
}

// sideName is a side as the log and the ticker write it (nothing for the
// run's own markers).
func sideName(s sim.Side) string {
	if s == sim.Nobody {
		return ""
	}
	return s.String()
}
