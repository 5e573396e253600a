package ui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/sim"
)

// A part's connect, data or close-down that an earlier lesson taught
// step by step is shown as one step: a run of records the lesson collapses
// (lessons.Lesson.SameStop) is gathered, guided, with one key, and told
// in a sentence; m expands it into its records again. Playing shows
// every record as it comes.

// joinGroup puts the record that just came into the run of the one before
// it, when the lesson shows them as one step and neither is a step of its
// own: one a prediction is asked before, or one that answers one.
func (m *lessonModel) joinGroup(i int) {
	r := &m.hist.recs[i]
	_, answers := m.score.verdicts[i]
	r.own = m.prediction(i) != nil || answers
	if i == 0 || r.own || m.hist.recs[i-1].own {
		return
	}
	if prev := m.hist.recs[i-1]; m.lesson.SameStop(prev.ev, r.ev) {
		r.group = prev.group
	}
}

// collapsible reports whether record i starts a run the lesson shows as
// one step (guided, and not expanded).
func (m *lessonModel) collapsible(i int) bool {
	r := m.hist.recs[i]
	return r.group == i && !r.own && !m.expanded[i] && m.lesson.Leads(r.ev)
}

// gather takes in the records of the run that starts at m.gathering as
// they come, asking the run for one more step while it may go on; once a
// record of another step has come (it waits its turn) or the run has
// ended, the run is shown as one step.
func (m *lessonModel) gather() tea.Cmd {
	g := m.gathering
	end := g
	for end+1 < m.hist.len() && m.hist.recs[end+1].group == g {
		end++
	}
	if end+1 == m.hist.len() && !m.link.done {
		m.link.step() // the run may go on: take its next step too
		return nil
	}
	m.gathering = -1
	m.shown = end
	m.moveTo(end)
	return tea.Batch(m.animate(), m.countdown(), m.landed())
}

// groupAt returns the run shown as one step at record c: its first record
// and how many it holds; ok is false when c is shown on its own.
func (m *lessonModel) groupAt(c int) (first, n int, ok bool) {
	if c < 0 || c >= m.hist.len() {
		return 0, 0, false
	}
	g := m.hist.recs[c].group
	if m.expanded[g] || (c+1 <= m.shown && m.hist.recs[c+1].group == g) {
		return 0, 0, false // expanded, or c is inside the run, not its end
	}
	if n = c - g + 1; n < 2 {
		return 0, 0, false
	}
	return g, n, true
}

// stopBefore is the step before record c: the record before it, or, for
// a run shown as one step, the record before the run.
func (m *lessonModel) stopBefore(c int) int {
	if g, _, ok := m.groupAt(c); ok {
		return g - 1
	}
	return c - 1
}

// stopAfter is the step after record c among the records shown: the next
// record, or, when it starts a run shown as one step, the run's end.
func (m *lessonModel) stopAfter(c int) int {
	n := c + 1
	g := m.hist.recs[n].group
	if g == n && !m.expanded[g] {
		end := n
		for end+1 <= m.shown && m.hist.recs[end+1].group == g {
			end++
		}
		if end > n {
			return end
		}
	}
	return n
}

// stepNumber is which step of its part record c is, runs shown as one
// counting once, also when m opened one: the numbers after it stay those
// the header's total counts.
func (m *lessonModel) stepNumber(c int) int {
	n := 0
	for i := m.hist.recs[c].start; i <= c; i++ {
		if i == c || m.hist.recs[i+1].group != m.hist.recs[i].group {
			n++
		}
	}
	return n
}

// withinRun says where record c is in a run that m opened: "event 3 of
// 11" ("" when c is not in one).
func (m *lessonModel) withinRun(c int) string {
	g := m.hist.recs[c].group
	if !m.expanded[g] {
		return ""
	}
	n := 0
	for i := g; i < m.hist.len() && i <= m.shown && m.hist.recs[i].group == g; i++ {
		n++
	}
	if n < 2 {
		return ""
	}
	return fmt.Sprintf(", event %d of %d", c-g+1, n)
}

// expand shows the run at the cursor record by record again (m).
func (m lessonModel) expand() (lessonModel, tea.Cmd) {
	g, _, _ := m.groupAt(m.cursor)
	if m.expanded == nil {
		m.expanded = map[int]bool{}
	}
	m.expanded[g] = true
	m.moveTo(g)
	return m, m.animate()
}

// groupStop is what a run shown as one step says: a part's start in its
// own words, with the connect it took in named; any other run told in a
// sentence (lessons.Collapsed); and, when the part's end came with it,
// what comes next.
func (m *lessonModel) groupStop(first, n int) (title, text string) {
	var evs []sim.Event
	for i := first; i < first+n; i++ {
		evs = append(evs, m.hist.recs[i].ev)
	}
	var end *sim.ScenarioEnded
	if e, ok := evs[len(evs)-1].(sim.ScenarioEnded); ok {
		end, evs = &e, evs[:len(evs)-1]
	}
	if _, ok := evs[0].(sim.ScenarioStarted); ok {
		title, text = m.partCard(evs[0])
		if len(evs) > 1 {
			done, _ := m.lesson.Collapsed(evs[1:])
			text = strings.TrimSpace(fmt.Sprintf("%s\n\n%s (%d events).", text, done, len(evs)-1))
		}
	} else {
		title, text = m.lesson.Collapsed(evs)
		text = fmt.Sprintf("%s (%d events.)", text, len(evs))
	}
	if end != nil {
		text += "\n\n" + m.whatNext()
	}
	return title, text
}

// whatNext is what follows the end of the part at the cursor.
func (m *lessonModel) whatNext() string {
	p := m.partAt(m.cursor)
	switch {
	case p+1 < len(m.lesson.Scenarios):
		return fmt.Sprintf("End of this part. Next, part %d: %s.", p+2, m.lesson.PartName(m.lesson.Scenarios[p+1]))
	case m.hasQuiz():
		return "End of the run. Next, a few questions."
	}
	return "End of the run."
}
