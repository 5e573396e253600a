package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// walk is one lesson as a student with a clicker and a keyboard goes
// through it: PgDn for each step, a number for each question.
type walk struct {
	presses int      // from the picker (or the last summary) to the summary card
	words   []int    // per step on the main path, the intro card first: the words of its narration
	long    []string // the steps of more than maxWords words, with their headline
	rsAt    int      // the press that showed RS sent (0: none)
}

// The narration's length on the main path: a step says one idea, and the
// m key has the rest.
const (
	medianWords = 30
	maxWords    = 55
)

// stepWords counts the words of the narration on screen.
func stepWords(l *lessonModel) int {
	return len(strings.Fields(lessons.Plain(l.stop.title + " " + l.stop.text)))
}

// walkLesson opens lesson id on a recorded run of its scenarios and goes
// through it to its summary card, answering every question with its
// first choice. The press that opens the lesson counts: from the picker,
// or from the summary before, it is one PgDn.
func walkLesson(t *testing.T, hs *harness, l *lessons.Lesson, onAsk func(evs []sim.Event)) walk {
	t.Helper()
	evs := recordedGuided(t, l.Scenarios...)
	s := hs.open(l.ID)
	s.follow(evs)
	w := walk{presses: 1}
	done := false
	deliver := func() {
		hs.pump(s)
		if !done && s.left() == 0 {
			done = true // the run ends after its last event
			hs.send(doneMsg{gen: hs.m.lesson.link.gen})
		}
	}
	lm := &hs.m.lesson
	note := func(what string) {
		n := stepWords(lm)
		w.words = append(w.words, n)
		if n > maxWords {
			w.long = append(w.long, fmt.Sprintf("%s: %d words: %s", what, n, lessons.Plain(lm.stop.title)))
		}
	}
	if lm.cursor < 0 {
		lm.stop.text = lm.lesson.Card() // the card's words, not its key line
		note("intro card")
		lm.restop()
	}
	lastCursor := -2
	for guard := 0; lm.stage != stageSummary; guard++ {
		if guard > 400 {
			t.Fatalf("%s: no summary after %d presses (stage %v)", l.ID, w.presses, lm.stage)
		}
		switch {
		case lm.stage == stageAsking:
			if onAsk != nil {
				onAsk(evs)
			}
			hs.key("1")
		case lm.stage == stageQuiz && lm.quiz.chosen[lm.quiz.at] == -1:
			hs.key("1")
		default:
			hs.key("pgdown")
		}
		w.presses++
		deliver()
		if lm.cursor != lastCursor && lm.cursor >= 0 && (lm.stage == stageStepping || lm.stage == stageIntro) {
			lastCursor = lm.cursor
			what := lessons.Keys(lm.hist.recs[lm.cursor].ev)[0]
			if first, _, ok := lm.groupAt(lm.cursor); ok {
				what = "run from " + lessons.Keys(lm.hist.recs[first].ev)[0]
			}
			note(what)
			if sent, ok := lm.hist.recs[lm.cursor].ev.(sim.Sent); ok && w.rsAt == 0 {
				if sp, ok := sent.Frame.Main(); ok && sp.Kind == spdu.RS {
					w.rsAt = w.presses
				}
			}
		}
	}
	return w
}

// TestCourseFitsOneSitting: the four lessons, on their main path with
// every question answered, take at most 150 presses in all and none more
// than 45; Recover shows RS within 15 presses of opening it; and what a
// step says is short: at most 30 words at the median, 55 at most.
func TestCourseFitsOneSitting(t *testing.T) {
	hs := newHarness(t, 100, 30)
	total := 0
	var report []string
	for _, l := range testBook(t).Lessons() {
		w := walkLesson(t, hs, l, nil)
		total += w.presses
		words := slices.Clone(w.words)
		slices.Sort(words)
		sum := 0
		for _, n := range words {
			sum += n
		}
		report = append(report, fmt.Sprintf("%s %d presses, %d steps, %d words (median %d, max %d)", l.ID, w.presses, len(words), sum, words[len(words)/2], words[len(words)-1]))
		if w.presses > 45 {
			t.Errorf("%s takes %d presses, more than 45", l.ID, w.presses)
		}
		if words[len(words)/2] > medianWords {
			t.Errorf("%s: steps say %d words at the median, more than %d", l.ID, words[len(words)/2], medianWords)
		}
		for _, s := range w.long {
			t.Errorf("%s: %s", l.ID, s)
		}
		if l.ID == "recover" && (w.rsAt == 0 || w.rsAt > 15) {
			t.Errorf("recover shows RS at press %d, not within 15", w.rsAt)
		}
	}
	t.Logf("%s; all %d presses", strings.Join(report, "; "), total)
	if total > 150 {
		t.Errorf("the course takes %d presses, more than 150", total)
	}
}

// TestPredictionsGiveNothingAway: when a prediction is asked, nothing on
// the screen but the question answers it: the event it is about has not
// been shown, no panel shows the value asked for (V(A)=2 when V(A) is
// asked), no TIME_WAIT when who waits in it is asked, no frame of the
// kind asked for, and no look at the kernel when its answer is asked.
// Checked at 80×24 and 120×35, on every lesson's real run.
func TestPredictionsGiveNothingAway(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 35}} {
		hs := newHarness(t, size[0], size[1])
		asked := 0
		for _, l := range testBook(t).Lessons() {
			walkLesson(t, hs, l, func(evs []sim.Event) {
				asked++
				lm := &hs.m.lesson
				p := lm.ask.p
				at := slices.IndexFunc(evs[lm.ask.rec:], p.Matches)
				if at < 0 {
					t.Errorf("%s: prediction %q: no event answers it", l.ID, p.Key)
					return
				}
				value, right := p.Answer(evs[lm.ask.rec+at])
				screen := outsideQuestion(hs)
				var gives []string
				for _, v := range []string{"V(A)", "V(R)", "V(M)"} {
					if strings.Contains(p.Question, v) {
						gives = append(gives, v+"="+value)
					}
				}
				if strings.Contains(p.Question, "TIME_WAIT") {
					gives = append(gives, "TIME_WAIT")
				}
				if strings.Contains(p.Question, "unacknowledged") {
					gives = append(gives, "unacknowledged")
				}
				if right >= 0 && len(value) <= 3 && strings.ToUpper(value) == value && value != strings.ToLower(value) {
					gives = append(gives, "→ "+value, "["+value+"]", "["+value+" ") // a frame of the kind asked for
				}
				gives = append(gives, lessons.Plain(l.Line(evs[lm.ask.rec+at])))
				for _, g := range gives {
					if strings.Contains(screen, g) {
						t.Errorf("%s at %dx%d: asked %q, the screen already shows %q:\n%s", l.ID, size[0], size[1], p.Question, g, screen)
					}
				}
			})
		}
		if asked != 10 {
			t.Errorf("%d predictions asked on the way, want every one of the 10", asked)
		}
	}
}

// outsideQuestion is the screen as drawn, without the question's own
// lines (its choices name every possible answer).
func outsideQuestion(hs *harness) string {
	lm := &hs.m.lesson
	q := map[string]bool{}
	for _, l := range lm.ask.view(lm.c.styles, lm.c.deps.Present, nil, false, lm.lay.width, lm.lay.narrationRows()+20) {
		if l = strings.TrimSpace(ansi.Strip(l)); l != "" {
			q[l] = true
		}
	}
	var out []string
	for _, l := range strings.Split(ansi.Strip(hs.m.View()), "\n") {
		if !q[strings.TrimSpace(l)] {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
