package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

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
func walkLesson(t *testing.T, hs *harness, l *lessons.Lesson) walk {
	t.Helper()
	evs := recorded(t, l.Scenarios...)
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
		w := walkLesson(t, hs, l)
		total += w.presses
		words := slices.Clone(w.words)
		slices.Sort(words)
		report = append(report, fmt.Sprintf("%s %d presses, %d steps, words median %d max %d", l.ID, w.presses, len(words), words[len(words)/2], words[len(words)-1]))
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
