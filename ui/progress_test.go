package ui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons/progress"
	"sessionlab/sim"
)

// progressHarness is a harness whose learner's progress is kept in a
// temporary directory, as main keeps it in the user's.
func progressHarness(t *testing.T) (*harness, *progress.Store) {
	t.Helper()
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	store, warn := progress.Open(t.TempDir(), t0)
	if warn != "" {
		t.Fatal(warn)
	}
	hs := &harness{t: t, clock: &testClock{t: t0}, starter: &fakeStarter{}}
	hs.m = newModel(t, Deps{Book: testBook(t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now, Progress: store})
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	return hs, store
}

// save does what the command a landing returns would: it writes the
// learner's progress as the model has it now.
func (hs *harness) save() {
	for _, msg := range run(hs.m.lesson.saveProgress()) {
		hs.send(msg)
	}
}

// TestLessonIsDoneOnlyWithItsQuizAnswered: a lesson seen to its end with
// its quiz passed unanswered is kept as seen, not done, and the picker
// says so; answered, it is done, and the course counts it.
func TestLessonIsDoneOnlyWithItsQuizAnswered(t *testing.T) {
	hs, store := progressHarness(t)
	hs.open("establish")
	hs.play(recorded(t, sim.Establish, sim.EstablishRefused)...)
	hs.finish()
	est := hs.m.lesson.lesson
	for range 2 * len(est.Quiz()) {
		hs.key("pgdown") // each question shown, none answered
	}
	hs.save()
	r := store.Snapshot().Lessons["establish"]
	if r == nil || r.Finished || !r.Seen || r.Quiz != (progress.Score{Right: 0, Of: 0, Asked: len(est.Quiz())}) {
		t.Fatalf("a quiz passed unanswered saved %+v", r)
	}
	hs.key("esc")
	hs.send(leaveMsg{})
	v := ansi.Strip(hs.m.View())
	for _, want := range []string{"1. Establish  quiz not finished", fmt.Sprintf("quiz 0/%d right (%d skipped)", len(est.Quiz()), len(est.Quiz())),
		"Your course: 0 of 4 lessons done.", "▸ 2. Synchronize"} {
		if !contains(v, want) {
			t.Fatalf("the picker lacks %q:\n%s", want, v)
		}
	}

	hs.key("1") // Establish again, its quiz answered this time
	hs.started()
	hs.play(recorded(t, sim.Establish, sim.EstablishRefused)...)
	hs.finish()
	for _, q := range est.Quiz() {
		hs.key(fmt.Sprint(q.Right + 1))
		hs.key("pgdown")
	}
	hs.save()
	if r := store.Snapshot().Lessons["establish"]; !r.Finished || r.Quiz.Of != len(est.Quiz()) {
		t.Fatalf("a quiz answered saved %+v", r)
	}
	hs.send(leaveMsg{})
	if v := ansi.Strip(hs.m.View()); !contains(v, "1. Establish  ✓") || !contains(v, "Your course: 1 of 4 lessons done.") {
		t.Fatalf("the picker after the quiz:\n%s", v)
	}
}

// TestContinueResumesAtTheStep: a learner who leaves Synchronize at a
// step comes back to that step, the run replayed at once up to it, told
// where it resumed; a prediction passed before it is not asked again, and
// the predictions answered before count.
func TestContinueResumesAtTheStep(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs, store := progressHarness(t)
	s := hs.open("synchronize")
	s.follow(evs)
	lm := &hs.m.lesson
	for lm.cursor < 0 || lm.stepNumber(lm.cursor) < 9 {
		if lm.stage == stageAsking {
			hs.key("1")
		} else {
			hs.key("pgdown")
		}
		hs.pump(s)
	}
	left := lm.stepNumber(lm.cursor)
	asked := lm.score.put
	hs.save()
	hs.send(leaveMsg{})
	if r := store.Snapshot().Lessons["synchronize"]; r == nil || r.Step != left || r.Part != 0 || r.Predictions.Asked != asked {
		t.Fatalf("leaving at step %d after %d predictions saved %+v", left, asked, r)
	}
	if v := ansi.Strip(hs.m.View()); !contains(v, fmt.Sprintf("Continue: Synchronize, step %d (PgDn or c)", left)) || !contains(v, "▸ 2. Synchronize") {
		t.Fatalf("the picker does not offer to continue at step %d:\n%s", left, v)
	}

	hs.key("pgdown") // a clicker continues the course
	again := hs.started(evs...)
	for guard := 0; lm.resumeTo > 0 && guard < 200; guard++ {
		hs.pump(again)
	}
	if lm.resumeTo > 0 || lm.stepNumber(lm.cursor) != left || lm.stage != stageStepping {
		t.Fatalf("resumed at step %d (stage %v), not at step %d", lm.stepNumber(lm.cursor), lm.stage, left)
	}
	v := ansi.Strip(hs.m.View())
	if !contains(v, fmt.Sprintf("Resumed where you left off, at step %d of", left)) {
		t.Fatalf("the screen does not say where it resumed:\n%s", v)
	}
	if p := lm.predictionScore(); p.Asked != asked || lm.score.put != 0 {
		t.Fatalf("after the replay, predictions %+v, %d asked again", p, lm.score.put)
	}
}
