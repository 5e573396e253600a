package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// summary is the card a lesson ends on: what to take away, what this
// run really did on the sockets, what a fault the learner injected
// caused, and the way on. Its facts are counted once, when the lesson
// ends (newSummary); view only lays them out.
type summary struct {
	title     string
	takeaways []string
	answers   []string
	// answersTitle heads them: the learner's, or a class's for its teacher.
	answersTitle string
	facts        []string
	faults       []string
	next         string // the way on, rendered
}

func newSummary(m *lessonModel) summary {
	st := m.c.styles
	s := summary{title: "What to take away from " + m.lesson.Title, takeaways: m.lesson.Takeaways,
		answers: m.answers(), answersTitle: "Your answers", facts: m.runFacts(), faults: m.faultFacts()}
	if m.c.room != nil {
		s.answers, s.answersTitle = m.classAnswers(), "The class's answers"
	} else if m.c.deps.Present {
		s.answers = nil // a room's run is nobody's score
	}
	s.next = " " + st.Bold.Render("This was the last lesson.") + st.Muted.Render(" r: run it again · esc: lessons")
	if n, ok := m.nextLesson(); ok {
		s.next = " " + st.Bold.Render("Next: "+n.Title) + " (enter or PgDn)" + st.Muted.Render(" · r: run it again · esc: lessons")
	}
	if m.follow != nil {
		s.next = " " + st.Muted.Render("The teacher goes on from here · e: explore on your own")
	}
	return s
}

// view draws the card in width columns and height lines, the way on last.
// When it does not fit, the run's figures go first, from the last: what
// to take away and how the learner did matter more.
func (s summary) view(st *Styles, width, height int) []string {
	bullets := func(items []string) []string {
		var out []string
		for _, it := range items {
			it = lessons.Emphasize(it, func(s string) string { return st.Term.Render(s) })
			for k, l := range strings.Split(ansi.Wordwrap(it, width-6, ""), "\n") {
				lead := "   • "
				if k > 0 {
					lead = "     "
				}
				out = append(out, lead+l)
			}
		}
		return out
	}
	lay := func(facts []string) []string {
		out := append([]string{" " + st.Bold.Render(s.title)}, bullets(s.takeaways)...)
		if len(s.answers) > 0 {
			out = append(out, "", " "+st.Bold.Render(s.answersTitle))
			out = append(out, bullets(s.answers)...)
		}
		out = append(out, "", " "+st.Bold.Render("What happened on the real sockets in this run"))
		out = append(out, bullets(facts)...)
		if len(s.faults) > 0 {
			out = append(out, "", " "+st.Bold.Render("Faults"))
			out = append(out, bullets(s.faults)...)
		}
		return out
	}
	facts := s.facts
	out := lay(facts)
	for len(out) > height-2 && len(facts) > 1 {
		facts = facts[:len(facts)-1]
		out = lay(facts)
	}
	if len(out) > height-2 {
		out = append(out[:max(height-3, 0)], " "+st.Muted.Render("…"))
	}
	for len(out) < height-1 {
		out = append(out, "")
	}
	return append(out, ansi.Truncate(s.next, width, "…"))
}

// answers sums up the learner's predictions and quiz, a line each:
// answered of asked, and right; a quiz with questions skipped says what
// finishes the lesson.
func (m *lessonModel) answers() []string {
	var out []string
	if p := m.predictionScore(); p.Asked > 0 {
		line := tally("predictions", p)
		if n := len(m.score.pending); n > 0 {
			line += fmt.Sprintf("; %d the run never answered (a fault changed it)", n)
		}
		out = append(out, line)
	}
	if m.hasQuiz() {
		if q, answered := m.quizScore(); !answered && q.Asked > 0 && m.follow != nil {
			out = append(out, tally("quiz", q))
		} else if !answered && q.Asked > 0 {
			out = append(out, tally("quiz", q)+": answer them all to finish (t)")
		} else if q.Asked > 0 {
			if m.follow != nil {
				out = append(out, tally("quiz", q))
			} else {
				out = append(out, tally("quiz", q)+" · t: take it again")
			}
		}
	}
	return out
}

// classAnswers sums up, for a teacher, each question the class answered:
// how many answered it, and how many of them were right by the run (a
// prediction) or the quiz's key.
func (m *lessonModel) classAnswers() []string {
	var out []string
	line := func(q string, right, choices int) {
		n, counts := m.c.room.answered(q, choices)
		switch {
		case n == 0:
			out = append(out, "no answers · "+ansi.Truncate(q, 60, "…"))
		case right >= 0 && right < choices:
			out = append(out, fmt.Sprintf("%d right of %d · %s", counts[right], n, ansi.Truncate(q, 60, "…")))
		}
	}
	for _, i := range slices.Sorted(maps.Keys(m.score.verdicts)) {
		v := m.score.verdicts[i]
		line(v.p.Question, v.right, len(v.p.Choices))
	}
	for _, q := range m.quiz.qs {
		line(q.Ask, q.Right, len(q.Choices))
	}
	return out
}

// tally says a score as "quiz: 2 of 3 answered, 1 right".
func tally(what string, s progress.Score) string {
	out := fmt.Sprintf("%s: %d of %d answered", what, s.Of, s.Asked)
	if s.Of > 0 {
		out += fmt.Sprintf(", %d right", s.Right)
	}
	if skipped := s.Asked - s.Of; skipped > 0 {
		out += fmt.Sprintf(" (%d skipped)", skipped)
	}
	return out
}

// nextLesson is the lesson after this one in the book.
func (m *lessonModel) nextLesson() (*lessons.Lesson, bool) {
	all := m.c.deps.Book.Lessons()
	i := slices.Index(all, m.lesson)
	if i < 0 || i+1 >= len(all) {
		return nil, false
	}
	return all[i+1], true
}

// runFacts are counts and figures from this run's events: what the
// sockets really carried.
func (m *lessonModel) runFacts() []string {
	var frames, bytes, points, dups int
	type conn struct {
		sc sim.Scenario
		n  int
	}
	conns := map[conn]bool{} // a run numbers its connections per part
	var transit []time.Duration
	var committed []uint32
	timeWait := false
	for _, r := range m.hist.recs {
		h := r.ev.Head()
		if h.Wire.Conn > 0 {
			conns[conn{h.Scenario, h.Wire.Conn}] = true
		}
		if h.TCP.Known && h.TCP.State == sim.StateTimeWait {
			timeWait = true
		}
		if h.Side == sim.Server && len(h.Log.Confirmed) > 0 {
			committed = h.Log.Confirmed
		}
		switch e := r.ev.(type) {
		case sim.Sent:
			frames++
			bytes += len(e.Raw)
		case sim.Received:
			if e.Transit > 0 {
				transit = append(transit, e.Transit)
			}
			if mk, ok := e.Frame.Main(); ok && e.Note == sim.NoteDuplicate && mk.Kind == spdu.DT {
				dups++ // a data packet dropped; a sync point confirmed again is no duplicate
			}
			if mk, ok := e.Frame.Main(); ok && e.Side == sim.Client && (mk.Kind == spdu.MIA || mk.Kind == spdu.MAA || mk.Kind == spdu.AEA) {
				points++
			}
		}
	}
	var out []string
	out = append(out, fmt.Sprintf("%s, %d frames in TPKTs (%d bytes) written and read on loopback.", count(len(conns), "TCP connection"), frames, bytes))
	if len(transit) > 0 {
		slices.Sort(transit)
		out = append(out, fmt.Sprintf("Each frame took about %s from write to the peer's kernel (median of %d measured); every pause you saw was pacing.",
			lessons.Micros(transit[len(transit)/2]), len(transit)))
	}
	if len(committed) > 0 {
		s := fmt.Sprintf("The server committed data packets %s", lessons.SeqList(committed))
		if points > 0 {
			s += fmt.Sprintf(", confirmed by %s", count(points, "sync point acknowledgement"))
		}
		if dups > 0 {
			s += fmt.Sprintf("; it dropped %s it already had", count(dups, "duplicate"))
		}
		out = append(out, s+".")
	}
	if timeWait {
		out = append(out, "The kernel kept the first closer's side in TIME_WAIT; it goes on counting after the lesson.")
	}
	return out
}

// faultFacts says, for each fault injected in this run, where it struck
// and what followed: aborts, data sent again, duplicates dropped.
func (m *lessonModel) faultFacts() []string {
	var out []string
	for _, u := range m.link.unfired {
		out = append(out, fmt.Sprintf("The fault %v you asked for never fired: %s.", u.Fault, u.Why))
	}
	for i, r := range m.hist.recs {
		f, ok := r.ev.(sim.Faulted)
		if !ok {
			continue
		}
		start := r.start
		s := fmt.Sprintf("%s at step %d of %s", f.Fault, i-start+1, m.lesson.PartName(m.hist.recs[start].ev.Head().Scenario))
		var then []string
		for _, q := range m.hist.recs[i+1:] {
			if q.start != start {
				break
			}
			switch e := q.ev.(type) {
			case sim.Aborted:
				a := e.Side.String() + ": S-P-ABORT"
				if len(e.Lost) > 0 {
					a += ", " + lessons.SeqList(e.Lost) + " not confirmed"
				}
				then = append(then, a)
			case sim.Discarded:
				if e.Side == sim.Client && e.Note == sim.NoteResend {
					then = append(then, "the client sent "+lessons.SeqList(e.Seqs)+" again")
				}
			case sim.Received:
				if e.Note == sim.NoteDuplicate {
					if mk, ok := e.Frame.Main(); ok && mk.Kind == spdu.DT {
						then = append(then, "the server dropped a duplicate by serial number")
					}
				}
			}
		}
		if len(then) == 0 {
			then = append(then, "the run went on")
		}
		out = append(out, s+": "+strings.Join(slices.Compact(then), "; ")+".")
	}
	return out
}

// count writes n and a noun, plural when n is not 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
