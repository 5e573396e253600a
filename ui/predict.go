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

// prediction is the question on screen (stageAsking).
type prediction struct {
	p       *lessons.Prediction
	rec     int  // the record it is asked before
	sel     int  // the choice ↑/↓ point at
	playing bool // it stopped a played run, which goes on once it is answered
	// following: a student asked by the teacher, whose answer waits for
	// the teacher's reveal; picked is it (-1: none yet).
	following bool
	picked    int
	live      bool // a following student saw it while the teacher asked it
}

func newPrediction(p *lessons.Prediction, rec int, playing, following bool) prediction {
	return prediction{p: p, rec: rec, playing: playing, following: following, picked: -1}
}

// answer is what a key did to a prediction.
type answer int

const (
	answerNone   answer = iota // still asking
	answerChosen               // the learner chose (choice says which, -1: shown without one)
	answerBack                 // ← : go back a step instead
)

// update answers a key; choice is the learner's (-1: none) when it
// returns answerChosen.
func (a prediction) update(msg tea.KeyMsg, keys *keyMap) (prediction, answer, int) {
	switch {
	case key.Matches(msg, keys.Up):
		a.sel = max(a.sel-1, 0)
	case key.Matches(msg, keys.Down):
		a.sel = min(a.sel+1, len(a.p.Choices)-1)
	case msg.Type == tea.KeyEnter:
		return a, answerChosen, a.sel
	case key.Matches(msg, keys.Forward), key.Matches(msg, keys.Play):
		return a, answerChosen, -1
	case key.Matches(msg, keys.Back):
		return a, answerBack, 0
	default:
		if n, err := strconv.Atoi(msg.String()); err == nil && n >= 1 && n <= len(a.p.Choices) {
			return a, answerChosen, n - 1
		}
	}
	return a, answerNone, 0
}

// view draws the question in width columns and height rows.
func (a prediction) view(st *Styles, present bool, room *Room, chart bool, width, height int) []string {
	out := []string{" " + st.Title.Render("Predict, then watch")}
	for _, l := range strings.Split(ansi.Wordwrap(a.p.Question, width-2, ""), "\n") {
		out = append(out, " "+st.Bold.Render(l))
	}
	out = append(out, "")
	for i, c := range a.p.Choices {
		lead := fmt.Sprintf("  %d  ", i+1)
		switch {
		case i == a.picked:
			lead = st.Cursor.Render(fmt.Sprintf("● %d  ", i+1))
		case room != nil: // the teacher's choices show no cursor: it would look like a hint
		case i == a.sel && a.picked < 0:
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
	hint := "Press 1–" + strconv.Itoa(len(a.p.Choices)) + " (or ↑/↓ and enter) to answer; → goes on without an answer."
	switch {
	case room != nil:
		out = append(out, roomLines(st, *room, a.p.Question, len(a.p.Choices), chart, width)...)
		hint = "On every student's screen. c: chart · → closes it; the run answers it at its step."
	case present:
		hint = "A question for the room. → goes on; the run will answer it."
	case a.following && a.picked >= 0:
		hint = fmt.Sprintf("Your answer: %d (you may change it). Once the teacher goes on, the run shows whether you were right.", a.picked+1)
	case a.following:
		hint = "Press 1–" + strconv.Itoa(len(a.p.Choices)) + " (or ↑/↓ and enter) to answer. Once the teacher goes on, the run shows whether you were right."
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

// score is what the learner predicted in this run, and how it went.
type score struct {
	asked    map[*lessons.Prediction]bool // predictions asked in this run
	verdicts map[int]verdict              // by record: what the learner predicted, and the run's answer
	pending  []verdict                    // answered, and the event they are about not come yet
	right    int                          // predictions answered right
	answered int                          // and answered at all
	put      int                          // and put to the learner (a replay passes some unasked)
}

func newScore() score {
	return score{asked: map[*lessons.Prediction]bool{}, verdicts: map[int]verdict{}}
}

// prediction returns the prediction to ask before record i, if one is
// due: the first asked before it that has not been asked in this run.
func (m *lessonModel) prediction(i int) *lessons.Prediction {
	if m.c.deps.NoQuestions {
		return nil
	}
	for _, p := range m.lesson.Predictions() {
		if !m.score.asked[p] && p.AskedBefore(m.hist.recs[i].ev) {
			return p
		}
	}
	return nil
}

// settleAnswer gives record i the verdict of an answered prediction it is
// about, and scores it: the run's own facts say what was right.
func (m *lessonModel) settleAnswer(i int) {
	ev := m.hist.recs[i].ev
	for k, v := range m.score.pending {
		if !v.p.Matches(ev) {
			continue
		}
		v.value, v.right = v.p.Answer(ev)
		if v.chosen >= 0 && v.chosen == v.right && !m.c.deps.Present {
			m.score.right++
		}
		m.score.verdicts[i] = v
		m.score.pending = append(m.score.pending[:k:k], m.score.pending[k+1:]...)
		return
	}
}

// askKey answers a key while a prediction is on screen.
func (m lessonModel) askKey(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	if m.c.room != nil { // the teacher asks the class, and does not answer
		switch k := &m.c.keys; {
		case key.Matches(msg, k.Chart):
			m.c.chart = !m.c.chart // the room's answers, or not
			return m, nil
		case !key.Matches(msg, k.Forward, k.Play, k.Back):
			return m, nil
		}
	}
	var got answer
	var choice int
	m.ask, got, choice = m.ask.update(msg, &m.c.keys)
	if m.ask.following {
		return m.pick(got, choice)
	}
	switch got {
	case answerChosen:
		return m.answer(choice)
	case answerBack:
		m.enter(m.guided())
		return m.back()
	}
	return m, nil
}

// answer records the learner's choice (-1: none) and shows the event it
// was asked before; the verdict comes with the event the prediction is
// about, which may be that one or a later one. A played run goes on.
func (m lessonModel) answer(choice int) (lessonModel, tea.Cmd) {
	a := m.ask
	m.score.asked[a.p] = true
	m.score.put++
	if choice >= 0 && !m.c.deps.Present {
		m.score.answered++
	}
	m.score.pending = append(m.score.pending, verdict{chosen: choice, p: a.p})
	for i := a.rec; i < m.hist.len(); i++ {
		m.settleAnswer(i) // the event it is about may have come already
	}
	if a.playing {
		m, cmd := m.play()
		return m, tea.Batch(cmd, m.saveProgress())
	}
	m.enter(m.guided())
	return m, tea.Batch(m.showNext(), m.saveProgress())
}

// pick takes a following student's answer: it counts in the class at
// once, and the event is shown when the teacher reveals it
// (followTeacher answers with it then).
func (m lessonModel) pick(got answer, choice int) (lessonModel, tea.Cmd) {
	switch {
	case got == answerChosen && choice >= 0:
		m.ask.picked = choice
		if m.c.picks == nil {
			m.c.picks = map[string]int{}
		}
		m.c.picks[m.ask.p.Question] = choice
		if m.c.deps.Answer != nil {
			m.c.deps.Answer(m.ask.p.Question, choice)
		}
	case got != answerNone:
		m.nudge = teacherSteps
	}
	return m, nil
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

// roomLines says how many students answered question q and, with chart,
// how many chose each of its choices, as bars (and who, in a named
// class).
func roomLines(st *Styles, r Room, q string, choices int, chart bool, width int) []string {
	n, counts := r.answered(q, choices)
	students := "students"
	if r.Connected == 1 {
		students = "student"
	}
	out := []string{" " + st.Bold.Render(fmt.Sprintf("Answered: %d of %d %s", n, r.Connected, students))}
	if !chart {
		return append(out, "")
	}
	barMax := max(1, width-16)
	if r.Names != nil {
		barMax = max(1, barMax/2) // room for the names
	}
	for i, c := range counts {
		bar := 0
		if n > 0 {
			bar = c * barMax / n
		}
		line := fmt.Sprintf("  %d  %s %d", i+1, strings.Repeat("█", bar), c)
		if names := r.Names[q]; i < len(names) && len(names[i]) > 0 {
			line = ansi.Truncate(line+"  "+strings.Join(names[i], ", "), width-1, "…")
		}
		out = append(out, line)
	}
	return append(out, "")
}
