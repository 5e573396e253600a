package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
)

// The quiz comes when a lesson's last step has been shown, before its
// summary card: one question at a time, answered with a number (or ↑/↓
// and enter), then its explanation, right or wrong. → goes on (and, on a
// question not answered, shows the answer without a score: a clicker
// gets through). The summary gives the score; t takes the quiz again.
//
// Its choices are numbered lines of plain text, not a form: a screen
// reader reads them as they stand, and nothing depends on colour or on
// where a cursor is.

// quiz is one go at a lesson's quiz.
type quiz struct {
	qs     []lessons.Question
	at     int   // the question on screen
	chosen []int // per question: the choice, or -1 before an answer (-2: shown without one)
	sel    int
	done   bool
	unmet  []bool // per question: this run never had the event it takes for granted
	// picked is, per question, a following student's answer (-1: none),
	// which waits for the teacher's reveal before it is scored.
	picked []int
}

// against notes which questions take for granted an event this run never
// had (a fault cut it short): they say so when asked.
func (q *quiz) against(h *history) {
	q.unmet = make([]bool, len(q.qs))
	for i, qq := range q.qs {
		q.unmet[i] = !slices.ContainsFunc(h.recs, func(r record) bool { return qq.MetBy(r.ev) })
	}
}

func newQuiz(qs []lessons.Question) quiz {
	q := quiz{qs: qs, chosen: make([]int, len(qs)), picked: make([]int, len(qs))}
	for i := range q.chosen {
		q.chosen[i], q.picked[i] = -1, -1
	}
	return q
}

// due reports whether the quiz is still to be taken.
func (q *quiz) due(noQuestions bool) bool { return len(q.qs) > 0 && !q.done && !noQuestions }

// score is right answers out of questions answered.
func (q *quiz) score() (right, of int) {
	for i, c := range q.chosen {
		if c >= 0 {
			of++
			if c == q.qs[i].Right {
				right++
			}
		}
	}
	return right, of
}

// quizEnd is what a key did to the quiz.
type quizEnd int

const (
	quizOn   quizEnd = iota // still on a question
	quizDone                // the last question was passed
	quizBack                // ← on the first question: back to the last step
)

// update answers a key during the quiz. present: a room's answers are
// not scored.
func (q quiz) update(msg tea.KeyMsg, keys *keyMap, present bool) (quiz, quizEnd) {
	q.chosen = append([]int(nil), q.chosen...)
	cur := q.qs[q.at]
	answered := q.chosen[q.at] != -1
	switch {
	case key.Matches(msg, keys.Up) && !answered:
		q.sel = max(q.sel-1, 0)
	case key.Matches(msg, keys.Down) && !answered:
		q.sel = min(q.sel+1, len(cur.Choices)-1)
	case msg.Type == tea.KeyEnter && !answered:
		q.chosen[q.at] = q.sel
	case key.Matches(msg, keys.Forward), msg.Type == tea.KeyEnter, key.Matches(msg, keys.Play):
		if !answered {
			q.chosen[q.at] = -2 // shown, not answered: no score
			return q, quizOn
		}
		q.at++
		q.sel = 0
		if q.at == len(q.qs) {
			q.done, q.at = true, len(q.qs)-1
			return q, quizDone
		}
	case key.Matches(msg, keys.Back):
		if q.at == 0 {
			return q, quizBack
		}
		q.at--
	default:
		if n, err := strconv.Atoi(msg.String()); err == nil && !answered && n >= 1 && n <= len(cur.Choices) {
			q.chosen[q.at] = n - 1
			if present {
				q.chosen[q.at] = -2 // a room's answer is not scored
			}
		}
	}
	return q, quizOn
}

// follow moves a following student's quiz to the teacher's question at,
// revealing every question the teacher revealed or went past: the
// student's answer is scored then (none given: shown without a score).
func (q quiz) follow(at int, revealed bool) quiz {
	q.chosen = slices.Clone(q.chosen)
	at = min(at, len(q.qs)-1)
	for i := 0; i < len(q.qs) && (i < at || i == at && revealed); i++ {
		if q.chosen[i] == -1 {
			q.chosen[i] = q.picked[i]
			if q.chosen[i] < 0 {
				q.chosen[i] = -2 // not answered: shown without a score
			}
		}
	}
	if at != q.at {
		q.at, q.sel = at, 0
	}
	return q
}

// pick takes a following student's key: their answer counts in the
// class at once (answer), and is scored when the teacher reveals it.
func (q quiz) pick(msg tea.KeyMsg, keys *keyMap, answer func(question string, choice int)) (quiz, bool) {
	cur := q.qs[q.at]
	if q.chosen[q.at] != -1 {
		return q, false // revealed: the teacher goes on
	}
	choice := -1
	switch {
	case key.Matches(msg, keys.Up):
		q.sel = max(q.sel-1, 0)
	case key.Matches(msg, keys.Down):
		q.sel = min(q.sel+1, len(cur.Choices)-1)
	case msg.Type == tea.KeyEnter:
		choice = q.sel
	default:
		n, err := strconv.Atoi(msg.String())
		if err != nil || n < 1 || n > len(cur.Choices) {
			return q, false
		}
		choice = n - 1
	}
	if choice >= 0 {
		q.picked = slices.Clone(q.picked)
		q.picked[q.at] = choice
		if answer != nil {
			answer(cur.Ask, choice)
		}
	}
	return q, true
}

// view draws the question on screen in width columns and height rows;
// a teacher's (room) with how the class answered, a following student's
// with their answer waiting for the reveal.
func (q quiz) view(st *Styles, room *Room, chart, following bool, width, height int) []string {
	cur := q.qs[q.at]
	chosen := q.chosen[q.at]
	picked := q.picked[q.at]
	out := []string{" " + st.Title.Render(fmt.Sprintf("Quiz: question %d of %d", q.at+1, len(q.qs)))}
	wrap := func(s string, indent string, style func(...string) string) {
		for _, l := range strings.Split(ansi.Wordwrap(s, width-len(indent)-1, ""), "\n") {
			out = append(out, " "+indent+style(l))
		}
	}
	if q.at < len(q.unmet) && q.unmet[q.at] {
		wrap("This run did not get that far (a fault changed it): answer from what the lesson has shown.", "", st.Muted.Render)
	}
	wrap(cur.Ask, "", st.Bold.Render)
	out = append(out, "")
	for i, c := range cur.Choices {
		mark := fmt.Sprintf("  %d  ", i+1)
		switch {
		case chosen != -1 && i == cur.Right:
			mark = fmt.Sprintf("✓ %d  ", i+1)
		case chosen >= 0 && i == chosen:
			mark = fmt.Sprintf("✗ %d  ", i+1)
		case chosen == -1 && i == picked:
			mark = fmt.Sprintf("● %d  ", i+1)
		case chosen == -1 && i == q.sel && picked < 0 && room == nil:
			mark = fmt.Sprintf("▸ %d  ", i+1)
		}
		for k, l := range strings.Split(ansi.Wordwrap(c, width-7, ""), "\n") {
			if k > 0 {
				mark = "     "
			}
			out = append(out, mark+l)
		}
	}
	out = append(out, "")
	if room != nil {
		out = append(out, roomLines(st, *room, cur.Ask, len(cur.Choices), chart, width)...)
		if chosen != -1 {
			said := classRight(*room, cur.Ask, cur.Right, len(cur.Choices))
			out = append(out, " "+st.Bold.Render(strings.ToUpper(said[:1])+said[1:]+"."), "")
		}
	}
	switch {
	case chosen == -1 && room != nil:
		wrap("On every student's screen. c: chart · → reveals the answer.", "", st.Muted.Render)
	case chosen == -1 && following && picked >= 0:
		wrap(fmt.Sprintf("Your answer: %d. The teacher reveals the right one; until then you may change it.", picked+1), "", st.Muted.Render)
	case chosen == -1 && following:
		wrap(fmt.Sprintf("Press 1–%d (or ↑/↓ and enter) to answer. The teacher reveals the right one.", len(cur.Choices)), "", st.Muted.Render)
	case chosen == -1:
		wrap(fmt.Sprintf("Press 1–%d (or ↑/↓ and enter); → shows the answer without a score.", len(cur.Choices)), "", st.Muted.Render)
	default:
		verdict := fmt.Sprintf("The answer is %d.", cur.Right+1)
		if chosen >= 0 && chosen == cur.Right {
			verdict = "✓ Right."
		} else if chosen >= 0 {
			verdict = "✗ Not this one."
		}
		wrap(verdict+" "+lessons.Plain(cur.Explain), "", func(s ...string) string { return strings.Join(s, "") })
		out = append(out, "")
		last := q.at == len(q.qs)-1
		switch {
		case following && !last:
			wrap("The next question comes when the teacher goes on.", "", st.Muted.Render)
		case following:
			wrap("The summary comes when the teacher goes on.", "", st.Muted.Render)
		case last:
			wrap("→ or PgDn: the summary", "", st.Muted.Render)
		default:
			wrap("→ or PgDn: next question", "", st.Muted.Render)
		}
	}
	if len(out) > height {
		out = append(out[:height-1], " "+st.Muted.Render("…"))
	}
	for len(out) < height {
		out = append(out, "")
	}
	return out
}

// quizKey answers a key during the quiz.
func (m lessonModel) quizKey(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	if m.c.room != nil && key.Matches(msg, m.c.keys.Chart) {
		m.c.chart = !m.c.chart // the teacher shows the class's answers, or hides them again
		return m, nil
	}
	if m.c.room != nil && !key.Matches(msg, m.c.keys.Forward, m.c.keys.Play, m.c.keys.Back) {
		return m, nil // the teacher asks the class, and does not answer
	}
	if m.follow != nil {
		var ok bool
		if m.quiz, ok = m.quiz.pick(msg, &m.c.keys, m.c.deps.Answer); !ok {
			m.nudge = teacherSteps
		}
		return m, nil
	}
	var end quizEnd
	m.quiz, end = m.quiz.update(msg, &m.c.keys, m.c.deps.Present)
	switch end {
	case quizDone:
		m.enter(stageSummary)
		return m, m.saveProgress()
	case quizBack:
		return m.back()
	}
	return m, nil
}
