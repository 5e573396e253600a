package ui

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// run executes a command that does not block, and the commands it is
// made of, returning the messages they produced.
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		var out []tea.Msg
		for i := 0; i < v.Len(); i++ {
			out = append(out, run(v.Index(i).Interface().(tea.Cmd))...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestOpensGuidedOnTheIntroCard: a lesson opens paused on its intro card,
// which says what is coming and which keys move; nothing is shown of the
// run until → although its first records have arrived.
func TestOpensGuidedOnTheIntroCard(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	hs.feed(evs[:2]...)
	s.follow(evs[2:])
	l := &hs.m.lesson
	if l.cursor != -1 || l.playing() {
		t.Fatalf("cursor %d, playing %v", l.cursor, l.playing())
	}
	if paused, steps, _, _ := s.state(); !paused || steps != 0 {
		t.Fatalf("run paused %v, %d steps", paused, steps)
	}
	v := ansi.Strip(hs.m.View())
	book := testBook(t)
	sync, _ := book.Lesson("synchronize")
	first := strings.Fields(lessons.Plain(sync.Card()))
	for _, want := range []string{"introduction", "PAUSED", strings.Join(first[:4], " "), "→ or PgDn: next step"} {
		if !contains(v, want) {
			t.Fatalf("the intro card lacks %q:\n%s", want, v)
		}
	}
	hs.key("right")
	hs.pump(s)
	if v := hs.m.View(); l.cursor < 0 || !contains(v, "step 1") || !contains(v, sync.Line(evs[0])) || !contains(v, "as in Establish") {
		t.Fatalf("→ from the card: cursor %d\n%s", l.cursor, hs.m.View())
	}
}

// TestOneStepPerKey: when one step of the run brings several records, each
// is its own stop: → shows the next one waiting, and asks the run for a
// step only when none waits. This is Terminate's 17→20 jump of old.
func TestOneStepPerKey(t *testing.T) {
	evs := recorded(t, sim.TerminateOrderly)
	book := testBook(t)
	term, _ := book.Lesson("terminate")
	hs := newHarness(t, 100, 30)
	s := hs.open("terminate")
	l := &hs.m.lesson
	for _, p := range l.lesson.Predictions() {
		l.score.asked[p] = true // this is about steps, not questions
	}
	hs.play(evs[:16]...)
	_, before, _, _ := s.state() // the connect, shown as one step, asked for its own
	hs.key("right")              // asks the run for a step
	if _, steps, _, _ := s.state(); steps != before+1 {
		t.Fatalf("%d steps asked", steps-before)
	}
	hs.feed(evs[16:20]...) // the step brought four records at once
	for want := 16; want < 20; want++ {
		if l.cursor != want {
			t.Fatalf("cursor %d, want %d", l.cursor, want)
		}
		title := lessons.Plain(term.Line(evs[want]))
		if v := ansi.Strip(hs.m.View()); !contains(v, ansi.Truncate(title, 60, "")) {
			t.Fatalf("step %d does not show its own narration %q:\n%s", want, title, v)
		}
		if want < 19 {
			hs.key("pgdown")
		}
	}
	if _, steps, _, _ := s.state(); steps != before+1 {
		t.Fatalf("showing records that had arrived asked the run for %d steps", steps-before)
	}
	hs.key("n")
	hs.key("n") // a clicker pressed twice before the step comes
	if _, steps, _, _ := s.state(); steps != before+3 {
		t.Fatalf("two presses asked for %d steps in all, want 3", steps-before)
	}
	hs.feed(evs[20], evs[21])
	if l.cursor != 21 {
		t.Fatalf("two presses showed up to %d, want 21", l.cursor)
	}
}

// TestReplay: ← goes back over records already shown, as a replay that
// TestPlayInRealTime: space plays the run at its own pacing: the run is
// let go, and each record is shown the moment it comes, with nothing held
// back for reading; the narration block keeps the last few headlines.
// Space again pauses on the newest record and gives its narration.
func TestPlayInRealTime(t *testing.T) {
	evs := recorded(t, sim.Establish) // taught step by step: nothing shown as one
	hs := newHarness(t, 100, 30)
	s := hs.open("establish")
	hs.play(evs[:5]...)
	hs.feed(evs[5:7]...) // arrived while guided: they wait their turn
	l := &hs.m.lesson
	if l.cursor != 4 {
		t.Fatalf("guided, cursor %d", l.cursor)
	}
	hs.key("space")
	if paused, _, _, _ := s.state(); paused || !l.playing() || l.cursor != 6 {
		t.Fatalf("space: run paused %v, playing %v, cursor %d (the waiting records shown at once)", paused, l.playing(), l.cursor)
	}
	for i := 7; i < 12; i++ {
		hs.feed(evs[i])
		if l.cursor != i {
			t.Fatalf("record %d came, the cursor is on %d", i, l.cursor)
		}
		if paused, _, _, _ := s.state(); paused {
			t.Fatal("the run was paused while playing")
		}
	}
	v := ansi.Strip(hs.m.View())
	for _, i := range []int{9, 10, 11} {
		if want := lessons.Plain(l.lesson.Line(evs[i])); !contains(v, ansi.Truncate(want, 60, "")) {
			t.Fatalf("the headline of record %d (%q) is not kept on screen:\n%s", i, want, v)
		}
	}
	hs.key("space")
	if paused, _, _, _ := s.state(); !paused || l.playing() || l.cursor != 11 {
		t.Fatal("space did not pause on the newest record")
	}
	if want := strings.Fields(lessons.Plain(l.lesson.Narration(evs[11])))[0]; !contains(ansi.Strip(hs.m.View()), want) {
		t.Fatalf("pausing does not give the record's narration:\n%s", hs.m.View())
	}
}

// TestFaultPausesWhilePlaying: a fault shown while playing pauses the
// lesson on it, so that its narration is read.
func TestFaultPausesWhilePlaying(t *testing.T) {
	evs := recordedWith(t, sim.Config{Scenarios: []sim.Scenario{sim.Synchronize}, Faults: []sim.FaultAt{{Kind: sim.FaultReset, After: 20}}})
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	hs.play(evs[:19]...)
	hs.key("space")
	l := &hs.m.lesson
	fault := slices.IndexFunc(evs, func(ev sim.Event) bool { _, ok := ev.(sim.Faulted); return ok })
	for i := 19; i <= fault; i++ {
		hs.feed(evs[i])
	}
	if l.cursor != fault || l.playing() {
		t.Fatalf("cursor %d (fault at %d), playing %v", l.cursor, fault, l.playing())
	}
	if paused, _, _, _ := s.state(); !paused {
		t.Fatal("the run goes on past the fault")
	}
	if v := hs.m.View(); !contains(v, "a fault changed the path") {
		t.Fatalf("the header does not say the path changed:\n%s", v)
	}
}

func TestRestartStopsTheOldRun(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	old := hs.open("synchronize")
	hs.play(evs[:8]...)
	oldGen := hs.m.lesson.link.gen
	msgs := run(hs.key("r"))
	if _, _, _, stopped := old.state(); !stopped {
		t.Fatal("restart did not stop the old run")
	}
	for _, msg := range msgs {
		hs.send(msg)
	}
	if hs.m.lesson.link.gen == oldGen || hs.m.lesson.hist.len() != 0 || hs.m.lesson.link.session == nil || hs.m.lesson.cursor != -1 {
		t.Fatalf("after restart: gen %d (was %d), %d events", hs.m.lesson.link.gen, oldGen, hs.m.lesson.hist.len())
	}
	if hs.starter.count() != 2 {
		t.Fatalf("%d runs started", hs.starter.count())
	}
	hs.send(eventMsg{gen: oldGen, ev: evs[8]}) // late event of the old run
	if hs.m.lesson.hist.len() != 0 {
		t.Fatal("an event of the stopped run was shown")
	}
	hs.send(startedMsg{gen: oldGen, session: &fakeSession{events: make(chan sim.Event)}})
	if hs.m.lesson.link.session != hs.starter.session(1) {
		t.Fatal("a stale start replaced the run")
	}
}

// TestPartJumps: ] and [ start the next or previous part for real, at
// once, and the header numbers the part within the lesson.
func TestPartJumps(t *testing.T) {
	hs := newHarness(t, 100, 30)
	hs.open("terminate")
	for _, msg := range run(hs.key("]")) {
		hs.send(msg)
	}
	cfg := hs.starter.cfgs[len(hs.starter.cfgs)-1]
	if !slices.Equal(cfg.Scenarios, []sim.Scenario{sim.TerminateNegotiated, sim.TerminateAbort}) {
		t.Fatalf("] started %v", cfg.Scenarios)
	}
	if v := hs.m.View(); !contains(v, "part 2 of 3: Negotiated release") {
		t.Fatalf("header after ]:\n%s", v)
	}
	for _, msg := range run(hs.key("[")) {
		hs.send(msg)
	}
	if cfg := hs.starter.cfgs[len(hs.starter.cfgs)-1]; len(cfg.Scenarios) != 3 {
		t.Fatalf("[ started %v", cfg.Scenarios)
	}
	hs.key("[")
	if !contains(hs.m.View(), "first part") {
		t.Fatal("[ in the first part says nothing")
	}
}

func TestSpeedKeys(t *testing.T) {
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	for range 5 {
		hs.key("+")
	}
	if _, _, speed, _ := s.state(); speed != 4 || hs.m.lesson.hint == "" {
		t.Fatalf("speed %g after +×5, hint %q", speed, hs.m.lesson.hint)
	}
	for range 2 {
		hs.key("-")
	}
	if _, _, speed, _ := s.state(); speed != 1 {
		t.Fatalf("speed %g", speed)
	}
	if v := hs.m.View(); !contains(v, "· 1x") {
		t.Fatal("speed not shown")
	}
}

func TestLeavingAndQuitting(t *testing.T) {
	hs := newHarness(t, 100, 30)
	s := hs.open("establish")
	for _, msg := range run(hs.key("esc")) {
		run(hs.send(msg))
	}
	if _, _, _, stopped := s.state(); !stopped || hs.m.screen != pickerScreen {
		t.Fatal("esc did not stop the run and go back to the lessons")
	}
	msgs := run(hs.key("pgdown")) // a clicker opens the lesson too
	if hs.m.screen != lessonScreen || hs.m.lesson.lesson.ID != "establish" || len(msgs) == 0 {
		t.Fatal("PgDn did not open the chosen lesson")
	}
	if msg := hs.key("q")(); msg != tea.Quit() {
		t.Fatalf("q gave %#v", msg)
	}
	if msg := hs.key("ctrl+c")(); msg != tea.Interrupt() {
		t.Fatalf("ctrl+c gave %#v", msg)
	}
}

func TestResizeKeepsTheLogFilled(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 80, 24)
	hs.open("synchronize")
	hs.play(evs[:30]...)
	hs.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	lines := hs.m.lesson.log.lines(hs.m.c.styles, hs.m.lesson.shown, 40, hs.m.lesson.log.vp.Height)
	if len(lines) < 30 {
		t.Fatalf("log shows %d of 30 lines in a tall terminal", len(lines))
	}
}

// TestFaultMenu: faults are behind f (its menu explains each) or capital
// letters; k and j scroll, and never break the run.
func TestFaultMenu(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	hs.play(evs[:12]...)
	hs.key("k")
	hs.key("j")
	hs.key("x")
	hs.key("d")
	faults := func() []sim.FaultKind { s.mu.Lock(); defer s.mu.Unlock(); return slices.Clone(s.faults) }
	if got := faults(); len(got) != 0 {
		t.Fatalf("navigation keys injected %v", got)
	}
	hs.key("f")
	v := ansi.Strip(hs.m.View())
	for n, k := range sim.FaultKinds() {
		if !contains(v, menuKey(k, n)+"  "+k.String()+": "+k.Summary()) {
			t.Fatalf("the menu does not offer %v:\n%s", k, v)
		}
	}
	hs.key("x")
	hs.key("f")
	hs.key("q") // not a fault: closes the menu, quits nothing
	hs.key("D")
	hs.key("K")
	if got := faults(); !slices.Equal(got, []sim.FaultKind{sim.FaultReset, sim.FaultStall, sim.FaultStop}) {
		t.Fatalf("faults injected: %v", got)
	}
	if hint := hs.m.lesson.hint; hint != "Fault: "+sim.FaultStop.Summary()+", at the next step. Press → to let it happen." {
		t.Fatal("the fault key said nothing")
	}
}

// TestTimeWaitCountsDown checks that TIME_WAIT's time left runs down,
// paused or not, since the kernel's timer does (review-accuracy item 8),
// and shows as recorded in a replay, saying it is the figure of that step
// (review-accuracy-3 T24).
func TestTimeWaitCountsDown(t *testing.T) {
	evs := recorded(t, sim.TerminateOrderly)
	hs := newHarness(t, 100, 30)
	hs.open("terminate")
	upto := slices.IndexFunc(evs, func(ev sim.Event) bool { c, ok := ev.(sim.Closed); return ok && c.Side == sim.Client }) + 1
	hs.play(evs[:upto]...)
	if v := hs.m.View(); !strings.Contains(v, "TIME_WAIT · 60 s left") {
		t.Fatalf("no countdown at close:\n%s", v)
	}
	if cmd := hs.m.lesson.countdown(); cmd != nil || !hs.m.lesson.motion.counting {
		t.Fatal("the countdown is not ticking")
	}
	hs.clock.t = hs.clock.t.Add(15 * time.Second)
	hs.send(countdownMsg{tag: hs.m.lesson.motion.countTag})
	if v := hs.m.View(); !strings.Contains(v, "TIME_WAIT · 45 s left") || !strings.Contains(v, "no socket calls") {
		t.Fatalf("paused, the kernel's timer stood still, or the caption says the sockets do:\n%s", v)
	}
	hs.key("left")
	if v := hs.m.View(); !strings.Contains(v, "REPLAY") || !strings.Contains(v, "TIME_WAIT · 60 s left at this step") {
		t.Fatalf("a replay shows the time left as it was recorded, and says so:\n%s", v)
	}
	for room, want := range map[int]string{40: " · 60 s left at this step", 20: " · 60 s left then", 10: ""} {
		if got := timerNote(60*time.Second, true, room); got != want {
			t.Errorf("in a replay with %d cells: %q, want %q", room, got, want)
		}
	}
	if got := timerNote(45*time.Second, false, 10); got != " · 45 s left" {
		t.Errorf("live: %q", got)
	}
}

// TestSummaryCard: after the last step comes the quiz, a question at a
// time with its explanation; then the summary card, with the take-aways,
// figures from this run, the scores, a fault that never fired, and the
// next lesson, which → or PgDn opens.
func TestSummaryCard(t *testing.T) {
	evs := recorded(t, sim.Establish, sim.EstablishRefused)
	hs := newHarness(t, 100, 40)
	s := hs.open("establish")
	s.unfired = []sim.Unfired{{Fault: sim.FaultAt{Kind: sim.FaultReset, After: 999}, Why: "the run ended after event 20"}}
	hs.play(evs...)
	hs.send(doneMsg{gen: hs.m.lesson.link.gen})
	est, _ := testBook(t).Lesson("establish")
	for i, q := range est.Quiz() {
		v := ansi.Strip(hs.m.View())
		if !contains(v, fmt.Sprintf("Quiz: question %d of %d", i+1, len(est.Quiz()))) || !contains(v, q.Ask[:20]) {
			t.Fatalf("question %d not shown:\n%s", i+1, v)
		}
		pick := q.Right + 1 // right on all but the last
		if i == len(est.Quiz())-1 {
			pick = (q.Right+1)%len(q.Choices) + 1
		}
		hs.key(fmt.Sprint(pick))
		if v := ansi.Strip(hs.m.View()); !contains(v, lessons.Plain(q.Explain)[:25]) {
			t.Fatalf("no explanation after an answer:\n%s", v)
		}
		hs.key("pgdown")
	}
	v := ansi.Strip(hs.m.View())
	for _, want := range []string{"■ finished", "What to take away", lessons.Plain(est.Takeaways[0])[:30],
		"2 TCP connections", "The fault reset@999 you asked for never fired",
		fmt.Sprintf("quiz: %d of %d answered, %d right", len(est.Quiz()), len(est.Quiz()), len(est.Quiz())-1),
		fmt.Sprintf("predictions: 0 of %d answered (%d skipped)", len(est.Predictions()), len(est.Predictions())),
		"Next: Synchronize (enter or PgDn)"} {
		if !contains(v, want) {
			t.Fatalf("the summary lacks %q:\n%s", want, v)
		}
	}
	hs.key("t")
	if !contains(hs.m.View(), "Quiz: question 1 of") {
		t.Fatal("t did not start the quiz again")
	}
	for range 2 * len(est.Quiz()) {
		hs.key("pgdown") // shown without answers: no score
	}
	v = ansi.Strip(hs.m.View())
	for _, want := range []string{fmt.Sprintf("quiz: 0 of %d answered (%d skipped)", len(est.Quiz()), len(est.Quiz())),
		"answer them all to finish (t)"} {
		if !contains(v, want) {
			t.Fatalf("after a quiz passed without answers, the summary lacks %q:\n%s", want, v)
		}
	}
	for _, msg := range run(hs.key("pgdown")) {
		hs.send(msg)
	}
	if hs.m.lesson.lesson.ID != "synchronize" || hs.m.lesson.cursor != -1 {
		t.Fatalf("PgDn on the summary opened %s", hs.m.lesson.lesson.ID)
	}
}

// TestPrediction: before the event it is about, the lesson asks; the
// answer is scored against the event's own facts, and the event is then
// shown with the verdict as its headline.
func TestPrediction(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	mia := slices.IndexFunc(evs, received(sim.Client, spdu.MIA))
	dt0 := slices.IndexFunc(evs, sent(spdu.DT, 0))
	hs.play(evs[:dt0]...)
	l := &hs.m.lesson
	for _, p := range l.lesson.Predictions() {
		if p.Key != "client received MIA" {
			l.score.asked[p] = true
		}
	}
	_, stepsBefore, _, _ := s.state()
	hs.feed(evs[dt0])
	hs.key("right")
	v := ansi.Strip(hs.m.View())
	if l.stage != stageAsking || !contains(v, "Predict, then watch") || !contains(v, "what will the client's V(A) be") {
		t.Fatalf("no question before the data:\n%s", v)
	}
	if contains(v, "client → GT+DT 0") || l.cursor == dt0 {
		t.Fatal("the event showed before the answer")
	}
	hs.key("down")
	hs.key("enter") // the second choice: 2
	if _, steps, _, _ := s.state(); steps != stepsBefore {
		t.Fatal("answering asked the run for a step")
	}
	if l.cursor != dt0 || l.score.answered != 1 || l.score.right != 0 || len(l.score.pending) != 1 {
		t.Fatalf("after the answer: cursor %d (DT 0 at %d), %d answered, %d right, %d waiting for their event",
			l.cursor, dt0, l.score.answered, l.score.right, len(l.score.pending))
	}
	hs.play(evs[dt0+1 : mia+1]...)
	if l.cursor != mia || l.score.right != 1 || len(l.score.pending) != 0 {
		t.Fatalf("at the MIA: cursor %d (MIA at %d), %d right, %d waiting", l.cursor, mia, l.score.right, len(l.score.pending))
	}
	if v := ansi.Strip(hs.m.View()); !contains(v, "✓ Right: V(A) = 2") {
		t.Fatalf("no verdict:\n%s", v)
	}
}

// TestAckCheckShowsFramesArrived: when TCP_INFO says the server's kernel
// has acknowledged every byte, the frames are drawn at the server's end,
// not still crossing (review-accuracy item 13), even though no time has
// passed for the animation.
func TestAckCheckShowsFramesArrived(t *testing.T) {
	evs := upTo(t, recorded(t, sim.Synchronize), is[sim.Observed](sim.Client))
	if o := evs[len(evs)-1].(sim.Observed); !o.TCP.Known || o.TCP.Unacked != 0 {
		t.Skipf("this recording's ack check found %d segments unacknowledged", o.TCP.Unacked)
	}
	hs := newHarness(t, 100, 30)
	hs.open("synchronize")
	hs.play(evs...)
	for _, l := range strings.Split(ansi.Strip(hs.m.View()), "\n") {
		if strings.Contains(l, "[GT+DT 1]▶") {
			if !strings.HasSuffix(strings.TrimRight(l, " "), "[GT+DT 1]▶") || ansi.StringWidth(strings.TrimRight(l, " ")) != 98 {
				t.Fatalf("DT 1 is drawn crossing after the kernel acknowledged it:\n%q", l)
			}
			return
		}
	}
	t.Fatalf("DT 1 is not on the wire:\n%s", hs.m.View())
}

// TestFrameCrossesDuringItsStep: a step's frame crosses the wire while the
// step is on screen, stepped or replayed alike, and the animation stops
// once it has arrived.
func TestFrameCrossesDuringItsStep(t *testing.T) {
	evs := upTo(t, recorded(t, sim.Synchronize), sent(spdu.DT, 0))
	hs := newHarness(t, 100, 30)
	hs.open("synchronize")
	hs.play(evs...)
	pos := func() int {
		for _, l := range strings.Split(ansi.Strip(hs.m.View()), "\n") {
			if i := strings.Index(l, "[GT+DT 0]▶"); i >= 0 {
				return i
			}
		}
		t.Fatalf("DT 0 is not on the wire:\n%s", hs.m.View())
		return 0
	}
	l := &hs.m.lesson
	start := pos()
	if !l.motion.framing {
		t.Fatal("no animation for the step's frame")
	}
	hs.at(hs.clock.t.Add(l.travel()))
	end := pos()
	if end <= start || l.moving() {
		t.Fatalf("the frame went from column %d to %d; still moving %v", start, end, l.moving())
	}
	hs.key("left")
	hs.key("right")
	if again := pos(); again != start {
		t.Fatalf("replayed, the frame starts at column %d, not %d", again, start)
	}
}

// TestInspectorScrolls: a CN does not fit the inspector at 100×30; with
// the focus there, ↓ shows the rest down to its user data, ↑ goes back,
// and another frame starts at the top again.
func TestInspectorScrolls(t *testing.T) {
	evs := upTo(t, recorded(t, sim.Establish), sent(spdu.CN, 0))
	hs := newHarness(t, 100, 30)
	hs.open("establish")
	hs.play(evs...)
	v := ansi.Strip(hs.m.View())
	if !strings.Contains(v, "CN · client → server") || !strings.Contains(v, "more lines (tab, then ↓)") || strings.Contains(v, "User Data") {
		t.Fatalf("the CN's first page:\n%s", v)
	}
	hs.key("tab")
	for range 60 {
		hs.key("down")
	}
	v = ansi.Strip(hs.m.View())
	if !strings.Contains(v, "↑ ") || !strings.Contains(v, "User Data") || strings.Contains(v, "↓ ") {
		t.Fatalf("the CN's last page:\n%s", v)
	}
	for range 60 {
		hs.key("up")
	}
	if v = ansi.Strip(hs.m.View()); strings.Contains(v, "↑ ") || !strings.Contains(v, "TPKT") {
		t.Fatalf("back at the top:\n%s", v)
	}
	hs.key("down")
	hs.key("left") // the CC: another frame, from its top
	if v = ansi.Strip(hs.m.View()); !strings.Contains(v, "CC · server → client") || strings.Contains(v, "↑ ") {
		t.Fatalf("another frame:\n%s", v)
	}
}

// TestGlossary: g opens the glossary over any screen; typing filters it,
// esc closes it, and q typed there is a letter, not quit.
func TestGlossary(t *testing.T) {
	hs := newHarness(t, 80, 24)
	hs.open("synchronize")
	hs.key("g")
	for _, k := range "V(A)" {
		hs.key(string(k))
	}
	v := ansi.Strip(hs.m.View())
	if !contains(v, "Search: V(A)") || !contains(v, "The lowest serial number not yet confirmed") || contains(v, "TIME_WAIT") {
		t.Fatalf("searching V(A):\n%s", v)
	}
	for range 4 {
		hs.key("backspace")
	}
	hs.key("q")
	if hs.m.quitting || !contains(hs.m.View(), "Search: q") {
		t.Fatal("q in the glossary's search quit")
	}
	hs.key("esc")
	if hs.m.gloss != nil || !contains(hs.m.View(), "→ or PgDn: next step") {
		t.Fatal("esc did not close the glossary")
	}
}

// TestBlankScreen: . blanks the screen as slide software does; the next
// key only brings it back.
func TestBlankScreen(t *testing.T) {
	hs := newHarness(t, 80, 24)
	s := hs.open("synchronize")
	hs.key(".")
	if v := hs.m.View(); strings.TrimSpace(v) != "" {
		t.Fatalf("not blank:\n%s", v)
	}
	hs.key("pgdown")
	if _, steps, _, _ := s.state(); steps != 0 || hs.m.View() == "" {
		t.Fatal("the key that brought the screen back also stepped")
	}
}

// TestPresenterMode: a room sees what the lesson is about: the state
// panels, the wire with the step's frame crossing it, the narration and
// the sequence diagram; a prediction is a question for the room, not
// scored; space plays in real time as everywhere; the footer says what
// tab and esc do, and they do it: tab shows the whole lesson screen and
// tab again the room's, esc goes back to the lessons.
func TestPresenterMode(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 80, 24)
	hs.m = newModel(t, Deps{Book: testBook(t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now, Present: true})
	hs.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	s := hs.open("synchronize")
	hs.play(evs[:12]...) // the connect, shown as one step
	l := &hs.m.lesson
	hs.feed(evs[12]) // DT 0: the data's predictions are asked before it
	hs.key("pgdown")
	if v := ansi.Strip(hs.m.View()); l.stage != stageAsking || !contains(v, "A question for the room") {
		t.Fatalf("no question for the room:\n%s", v)
	}
	rec := l.ask.rec
	hs.key("2")
	hs.key("2")
	if l.score.answered != 0 || l.cursor != rec {
		t.Fatalf("presenter mode scored a prediction (%d asked), cursor %d, want %d", l.score.answered, l.cursor, rec)
	}
	if !l.moving() {
		t.Fatal("DT 0's frame is not crossing the wire")
	}
	v := ansi.Strip(hs.m.View())
	for _, want := range []string{"V(M)=1 V(A)=1 V(R)=0", "TCP ESTABLISHED", "[GT+DT 0]", "Sequence diagram  (tab: details)",
		lessons.Plain(l.lesson.Line(evs[12])), "space play/pause", "tab details"} {
		if !contains(v, want) {
			t.Fatalf("the presenter's screen lacks %q:\n%s", want, v)
		}
	}
	if contains(v, "Event log") || contains(v, "Frame inspector") {
		t.Fatalf("the presenter's screen shows the panes of the full screen:\n%s", v)
	}
	hs.key("space")
	if paused, _, _, _ := s.state(); !l.playing() || paused {
		t.Fatal("space did not play the run")
	}
	hs.key("space")
	hs.key("tab")
	if v := ansi.Strip(hs.m.View()); !contains(v, "Event log") || !contains(v, "tab presenter view") {
		t.Fatalf("tab did not show the whole screen, saying how to go back:\n%s", v)
	}
	hs.key("tab")
	if v := ansi.Strip(hs.m.View()); contains(v, "Event log") || !contains(v, "Sequence diagram") {
		t.Fatalf("tab did not go back to the presenter's screen:\n%s", v)
	}
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if !contains(ansi.Strip(hs.m.View()), "esc lessons") {
		t.Fatal("the footer does not say what esc does")
	}
	for _, msg := range run(hs.key("esc")) {
		hs.send(msg)
	}
	if hs.m.screen != pickerScreen {
		t.Fatal("esc did not go back to the lessons")
	}
}

// TestPresenterUsesTheScreen: at the end of each lesson's run, presenter
// mode's screen has no more than three empty rows together at 80×24,
// 100×30, 120×35 and 200×60: the diagram takes the height.
func TestPresenterUsesTheScreen(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 35}, {200, 60}} {
		for _, id := range []string{"synchronize", "terminate"} {
			hs := newHarness(t, size[0], size[1])
			hs.m = newModel(t, Deps{Book: testBook(t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now, Present: true, NoQuestions: true})
			hs.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			l, _ := testBook(t).Lesson(id)
			hs.open(id)
			evs := recorded(t, l.Scenarios...)
			hs.play(evs[:len(evs)-1]...) // the last step before the part's end
			v := ansi.Strip(hs.m.View())
			blank, worst := 0, 0
			for _, row := range strings.Split(v, "\n") {
				if strings.TrimSpace(row) == "" {
					blank++
					worst = max(worst, blank)
				} else {
					blank = 0
				}
			}
			if worst > 3 {
				t.Errorf("%s at %dx%d: %d empty rows together:\n%s", id, size[0], size[1], worst, v)
			}
		}
	}
}

// TestPickerProgress: the picker shows what the learner did and offers to
// continue where they left off; c opens that lesson at that part, and a
// step in it is saved.
func TestPickerProgress(t *testing.T) {
	dir := t.TempDir()
	store, _ := progress.Open(dir, time.Now())
	store.Update("establish", time.Now(), func(l *progress.Lesson) {
		l.Finished, l.Predictions, l.Quiz = true, progress.Score{Right: 2, Of: 2}, progress.Score{Right: 3, Of: 3}
	})
	store.Update("recover", time.Now(), func(l *progress.Lesson) { l.Part = 1 })
	hs := newHarness(t, 100, 30)
	hs.m = newModel(t, Deps{Book: testBook(t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now, Progress: store})
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	v := ansi.Strip(hs.m.View())
	if !contains(v, "1. Establish  ✓ · predictions 2/2 right · quiz 3/3 right") || !contains(v, "Continue: Recover, part 2 (Resume) (PgDn or c)") {
		t.Fatalf("the picker:\n%s", v)
	}
	for _, msg := range run(hs.key("c")) {
		hs.send(msg)
	}
	if hs.m.lesson.lesson.ID != "recover" || hs.starter.cfgs[len(hs.starter.cfgs)-1].Scenarios[0] != sim.RecoverReconnect {
		t.Fatalf("c opened %s at %v", hs.m.lesson.lesson.ID, hs.starter.cfgs)
	}
	s := hs.starter.session(hs.starter.count() - 1)
	hs.send(startedMsg{gen: hs.m.lesson.link.gen, session: s})
	evs := recorded(t, sim.RecoverReconnect)
	for _, msg := range run(func() tea.Cmd { hs.feed(evs[0]); return hs.key("right") }()) {
		hs.send(msg)
	}
	if r := store.Snapshot().Lessons["recover"]; r == nil || r.Part != 1 {
		t.Fatalf("the part reached was not saved: %+v", r)
	}
}

// TestNoticeOnThePicker: what went wrong before the screen was drawn (a
// progress file set aside) is said on the picker, wrapped to its width,
// until the learner presses a key.
func TestNoticeOnThePicker(t *testing.T) {
	hs := &harness{t: t, clock: &testClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}, starter: &fakeStarter{}}
	note := "/home/learner/.config/sessionlab/progress.json is not valid progress (unexpected end of JSON input); kept as progress.json.bad-20261125T090000Z, starting afresh"
	hs.m = newModel(t, Deps{Book: testBook(t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now, Notice: note})
	hs.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	v := hs.m.View()
	if !contains(strings.Join(strings.Fields(v), " "), strings.Join(strings.Fields(note), " ")) || !contains(v, " ! ") {
		t.Fatalf("the notice is not on the picker:\n%s", v)
	}
	hs.key("down")
	if contains(hs.m.View(), "not valid progress") {
		t.Fatal("the notice stays after a key")
	}
}

// TestQuizSaysWhenTheRunFellShort: a fault that stops the server at DT 1
// leaves the run without its MAP; the quiz question that takes the five
// packets for granted says that this run did not get that far, and the
// summary says that the predictions asked before DT 0 were never answered
// by the run.
func TestQuizSaysWhenTheRunFellShort(t *testing.T) {
	evs := recordedWith(t, sim.Config{Scenarios: []sim.Scenario{sim.Synchronize}, Faults: []sim.FaultAt{{Kind: sim.FaultStop, Frame: "DT 1"}}})
	hs := newHarness(t, 100, 30)
	hs.open("synchronize")
	l := &hs.m.lesson
	for _, ev := range evs {
		hs.feed(ev)
		for l.shown < l.hist.len()-1 && l.gathering < 0 {
			if l.stage == stageAsking {
				hs.key("1")
			} else {
				hs.key("right")
			}
		}
	}
	hs.finish()
	for l.stage == stageStepping {
		hs.key("right")
	}
	needs := slices.IndexFunc(l.quiz.qs, func(q lessons.Question) bool { return q.Needs != "" })
	if needs < 0 || l.stage != stageQuiz {
		t.Fatalf("stage %v, question taking the run for granted at %d", l.stage, needs)
	}
	for l.quiz.at < needs {
		hs.key("1")
		hs.key("pgdown")
	}
	if v := ansi.Strip(hs.m.View()); !contains(v, "This run did not get that far") {
		t.Fatalf("the question does not say the run fell short:\n%s", v)
	}
	for l.stage == stageQuiz {
		hs.key("1")
		hs.key("pgdown")
	}
	if v := ansi.Strip(hs.m.View()); !contains(v, "the run never answered (a fault changed it)") {
		t.Fatalf("the summary does not say which predictions the run never answered:\n%s", v)
	}
}

// TestJumpToStep: a step number typed then enter goes to that step of
// the part: back to it as a replay when it was shown, on to it at once,
// asking nothing, when it is ahead; the screen says so.
func TestJumpToStep(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	s.follow(evs)
	l := &hs.m.lesson
	hs.key("1")
	hs.key("5")
	if !contains(ansi.Strip(hs.m.View()), "Go to step 15 of this part") {
		t.Fatalf("typing a step number does not say what enter will do:\n%s", ansi.Strip(hs.m.View()))
	}
	hs.key("enter")
	for guard := 0; l.resumeTo > 0 && guard < 200; guard++ {
		hs.pump(s)
	}
	if l.cursor < 0 || l.stepNumber(l.cursor) != 15 || l.stage != stageStepping || l.score.put != 0 {
		t.Fatalf("after 15 enter: step %d, stage %v, %d predictions asked", l.stepNumber(l.cursor), l.stage, l.score.put)
	}
	if v := ansi.Strip(hs.m.View()); !contains(v, "Step 15 of Synchronize: the steps on the way") || !contains(v, "· step 15") {
		t.Fatalf("the screen does not say it went to step 15:\n%s", v)
	}
	hs.key("3")
	hs.key("enter")
	if l.stepNumber(l.cursor) != 3 || !l.replaying() {
		t.Fatalf("3 enter: step %d, replaying %v", l.stepNumber(l.cursor), l.replaying())
	}
	hs.key("9")
	hs.key("right") // any other key cancels the number
	if l.jump != "" || l.stepNumber(l.cursor) != 4 {
		t.Fatalf("a number typed then → : jump %q, step %d", l.jump, l.stepNumber(l.cursor))
	}
}

// TestSummaryCountsDroppedPackets: after the resume, the server drops DT
// 2 and DT 3, which it had committed; MIP 2 it confirms again, which is
// not a dropped duplicate. The summary says two.
func TestSummaryCountsDroppedPackets(t *testing.T) {
	hs := newHarness(t, 100, 40)
	hs.m = newModel(t, Deps{Book: testBook(t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now, NoQuestions: true})
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 40})
	hs.open("recover")
	hs.play(recorded(t, sim.RecoverResync, sim.RecoverReconnect)...)
	hs.finish()
	if v := ansi.Strip(hs.m.View()); !contains(strings.Join(strings.Fields(v), " "), "dropped 2 duplicates it already had") {
		t.Fatalf("the summary does not count the two dropped data packets:\n%s", v)
	}
}

// TestMoreScrolls: a step's longer explanation that does not fit at
// 80×24 says which lines show, and ↓ and ↑ move through it.
func TestMoreScrolls(t *testing.T) {
	evs := recorded(t, sim.Establish)
	hs := newHarness(t, 80, 24)
	hs.open("establish")
	l := &hs.m.lesson
	for _, p := range l.lesson.Predictions() {
		l.score.asked[p] = true
	}
	cn := slices.IndexFunc(evs, sent(spdu.CN, 0))
	hs.play(evs[:cn+1]...)
	hs.key("m")
	v := ansi.Strip(hs.m.View())
	if !contains(v, "More about this step") || !contains(v, "↑/↓: lines 1–") {
		t.Fatalf("the CN's longer explanation does not say it scrolls:\n%s", v)
	}
	hs.key("down")
	if v := ansi.Strip(hs.m.View()); !contains(v, "↑/↓: lines 2–") {
		t.Fatalf("↓ did not scroll it:\n%s", v)
	}
	for range 40 {
		hs.key("down")
	}
	last := ansi.Strip(hs.m.View())
	hs.key("down")
	if v := ansi.Strip(hs.m.View()); v != last {
		t.Fatal("↓ went on past the end")
	}
	hs.key("up")
	if v := ansi.Strip(hs.m.View()); v == last {
		t.Fatal("↑ did not scroll back")
	}
}

// TestExpandedRunKeepsStepNumbers: m opens a run shown as one step into
// its events, each numbered within it; the steps after it keep the
// numbers the part's total counts.
func TestExpandedRunKeepsStepNumbers(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	s.follow(evs)
	l := &hs.m.lesson
	for _, p := range l.lesson.Predictions() {
		l.score.asked[p] = true
	}
	hs.key("right")
	hs.pump(s)
	hs.key("right") // DT 0, the step after the connect shown as one
	hs.pump(s)
	if l.stepNumber(l.cursor) != 2 {
		t.Fatalf("DT 0 is step %d", l.stepNumber(l.cursor))
	}
	hs.key("left")
	hs.key("m")
	if v := ansi.Strip(hs.m.View()); !contains(v, "step 1, event 1 of 12") {
		t.Fatalf("the opened run does not number its events:\n%s", v)
	}
	for range 12 {
		hs.key("right")
	}
	if v := ansi.Strip(hs.m.View()); l.stepNumber(l.cursor) != 2 || !contains(v, "· step 2 ") {
		t.Fatalf("after the opened run, step %d:\n%s", l.stepNumber(l.cursor), v)
	}
}

// TestSpaceWhileStartingPlays: space pressed while the run is still
// starting (a loaded server takes a moment) is not lost: the run plays
// once it has started; pressed twice, it is taken back.
func TestSpaceWhileStartingPlays(t *testing.T) {
	for _, tt := range []struct {
		keys string
		want stage
	}{{" ", stagePlaying}, {"  ", stageIntro}} {
		hs := newHarness(t, 100, 30)
		hs.send(openMsg{id: "synchronize"})
		if hs.m.lesson.stage != stageStarting {
			t.Fatalf("opening: stage %v", hs.m.lesson.stage)
		}
		for _, k := range tt.keys {
			hs.key(string(k))
		}
		hs.started()
		if hs.m.lesson.stage != tt.want {
			t.Errorf("%q while starting: stage %v, want %v", tt.keys, hs.m.lesson.stage, tt.want)
		}
	}
}
