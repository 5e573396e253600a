package ui

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// upTo returns the events up to and including the first one ok accepts.
func upTo(t *testing.T, evs []sim.Event, ok func(sim.Event) bool) []sim.Event {
	t.Helper()
	for i, ev := range evs {
		if ok(ev) {
			return evs[:i+1]
		}
	}
	t.Fatal("no such event")
	return nil
}

func sent(k spdu.Kind, seq uint32) func(sim.Event) bool {
	return func(ev sim.Event) bool {
		s, ok := ev.(sim.Sent)
		m, _ := s.Frame.Main()
		return ok && m.Kind == k && (k != spdu.DT || s.Name.Number == seq)
	}
}

func received(side sim.Side, k spdu.Kind) func(sim.Event) bool {
	return func(ev sim.Event) bool {
		r, ok := ev.(sim.Received)
		m, _ := r.Frame.Main()
		return ok && r.Side == side && m.Kind == k
	}
}

func is[T sim.Event](side sim.Side) func(sim.Event) bool {
	return func(ev sim.Event) bool {
		_, ok := ev.(T)
		return ok && ev.Head().Side == side
	}
}

// TestLessonViews draws the key moments of each lesson at 100×30.
func TestLessonViews(t *testing.T) {
	establish := recorded(t, sim.Establish, sim.EstablishRefused)
	synchronize := recorded(t, sim.Synchronize)
	terminate := recorded(t, sim.TerminateOrderly, sim.TerminateAbort)
	refused := func(ev sim.Event) bool { return ev.Head().Scenario == sim.EstablishRefused }
	var afterRefusal []sim.Event
	for _, ev := range establish {
		if refused(ev) {
			afterRefusal = append(afterRefusal, ev)
		}
	}
	abort := func(ev sim.Event) bool { return ev.Head().Scenario == sim.TerminateAbort }
	var aborted []sim.Event
	for _, ev := range terminate {
		if abort(ev) {
			aborted = append(aborted, ev)
		}
	}
	for _, tt := range []struct {
		name   string
		lesson string
		evs    []sim.Event
		mid    bool // draw halfway through the last frame's travel
	}{
		{"establish_accepted", "establish", upTo(t, establish, is[sim.Accepted](sim.Server)), false},
		{"establish_cn_on_the_wire", "establish", upTo(t, establish, sent(spdu.CN, 0)), true},
		{"establish_session_accepted", "establish", upTo(t, establish, received(sim.Client, spdu.AC)), false},
		{"establish_refused", "establish", append(upTo(t, establish, is[sim.ScenarioEnded](sim.Nobody)), upTo(t, afterRefusal, received(sim.Client, spdu.RF))...), false},
		{"synchronize_dt2_in_flight", "synchronize", upTo(t, synchronize, sent(spdu.DT, 2)), true},
		{"synchronize_mia1", "synchronize", upTo(t, synchronize, received(sim.Client, spdu.MIA)), false},
		{"synchronize_ack_check", "synchronize", upTo(t, synchronize, is[sim.Observed](sim.Client)), false},
		{"synchronize_maa", "synchronize", upTo(t, synchronize, received(sim.Client, spdu.MAA)), false},
		{"terminate_half_closed", "terminate", upTo(t, terminate, is[sim.Observed](sim.Client)), false},
		{"terminate_time_wait", "terminate", upTo(t, terminate, is[sim.Closed](sim.Client)), false},
		{"terminate_abort_released", "terminate", append(upTo(t, terminate, is[sim.ScenarioEnded](sim.Nobody)), upTo(t, aborted, is[sim.Closed](sim.Server))...), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, 100, 30)
			hs.open(tt.lesson)
			hs.play(tt.evs...)
			if tt.mid {
				hs.at(hs.clock.t.Add(hs.m.lesson.travel() / 2))
			} else {
				hs.settle()
			}
			if n := strings.Count(hs.m.lesson.view(hs.m.helpLine), "\n") + 1; n != 30 {
				t.Errorf("the lesson screen is %d lines, terminal 30", n)
			}
			golden.RequireEqual(t, []byte(hs.m.View()))
		})
	}
}

// TestScreens draws the screens around the lessons, the controls' states,
// and one moment at the smallest, the usual and a large size.
func TestScreens(t *testing.T) {
	synchronize := recorded(t, sim.Synchronize)
	mid := upTo(t, synchronize, received(sim.Client, spdu.MIA))
	for _, tt := range []struct {
		name string
		w, h int
		do   func(*harness)
	}{
		{"picker", 100, 30, func(hs *harness) {}},
		{"picker_second", 80, 24, func(hs *harness) { hs.key("down") }},
		{"too_small", 59, 19, func(hs *harness) {}},
		{"intro_card_80x24", 80, 24, func(hs *harness) { hs.open("synchronize") }},
		{"help", 100, 30, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.key("?") }},
		{"help_80x24", 80, 24, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.key("?") }},
		{"playing", 100, 30, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.key("space"); hs.settle() }},
		{"replay", 100, 30, func(hs *harness) {
			hs.open("synchronize")
			hs.play(mid...)
			for range 3 {
				hs.key("left")
			}
			hs.settle()
		}},
		{"fault_menu", 100, 30, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.key("f") }},
		{"glossary_80x24", 80, 24, func(hs *harness) { hs.open("synchronize"); hs.key("g") }},
		{"prediction_80x24", 80, 24, func(hs *harness) {
			hs.open("synchronize")
			dt0 := slices.IndexFunc(synchronize, sent(spdu.DT, 0))
			hs.play(synchronize[:dt0]...)
			hs.feed(synchronize[dt0]) // the data's predictions are asked before it
			hs.key("right")
		}},
		{"verdict_80x24", 80, 24, func(hs *harness) {
			hs.open("synchronize")
			dt0 := slices.IndexFunc(synchronize, sent(spdu.DT, 0))
			mia := slices.IndexFunc(synchronize, received(sim.Client, spdu.MIA))
			hs.play(synchronize[:dt0]...)
			hs.feed(synchronize[dt0])
			hs.key("right")
			hs.key("1") // TCP_INFO: all acknowledged
			hs.key("1") // V(A) after MIA 1: 1, which the MIA will say is wrong
			hs.play(synchronize[dt0+1 : mia+1]...)
		}},
		{"presenter_80x24", 80, 24, func(hs *harness) {
			hs.m = newModel(hs.t, Deps{Book: testBook(hs.t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now, Present: true})
			hs.send(tea.WindowSizeMsg{Width: 80, Height: 24})
			hs.open("synchronize")
			hs.play(mid...)
		}},
		{"picker_progress", 80, 24, func(hs *harness) {
			store, _ := progress.Open(hs.t.(*testing.T).TempDir(), time.Time{})
			store.Update("establish", time.Time{}, func(l *progress.Lesson) { l.Finished, l.Quiz = true, progress.Score{Right: 2, Of: 3} })
			store.Update("synchronize", time.Time{}, func(l *progress.Lesson) { l.Predictions = progress.Score{Right: 1, Of: 2} })
			hs.m = newModel(hs.t, Deps{Book: testBook(hs.t), Start: hs.starter.start, Renderer: asciiRenderer(), Now: hs.clock.now, Progress: store})
			hs.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		}},
		{"quiz_80x24", 80, 24, func(hs *harness) {
			hs.open("synchronize")
			hs.play(synchronize...)
			hs.finish()
			hs.key("2")
		}},
		{"ladder_80x24", 80, 24, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.key("v"); hs.settle() }},
		{"ladder_100x30", 100, 30, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.key("v"); hs.settle() }},
		{"ladder_160x48", 160, 48, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.settle() }},
		{"summary_80x24", 80, 24, func(hs *harness) {
			hs.open("establish")
			hs.play(recorded(hs.t, sim.Establish, sim.EstablishRefused)...)
			hs.finish()
			for range hs.m.lesson.quiz.qs {
				hs.key("1")
				hs.key("pgdown")
			}
		}},
		{"inspector_focus_narrow", 80, 24, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.key("tab"); hs.settle() }},
		{"min_60x20", 60, 20, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.settle() }},
		{"usual_80x24", 80, 24, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.settle() }},
		{"large_200x60", 200, 60, func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.settle() }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, tt.w, tt.h)
			tt.do(hs)
			v := hs.m.View()
			for i, line := range strings.Split(v, "\n") {
				if w := ansi.StringWidth(line); w > tt.w {
					t.Errorf("line %d is %d wide, terminal %d: %q", i, w, tt.w, line)
				}
			}
			if hs.m.screen == lessonScreen && tt.w >= MinWidth {
				if n := strings.Count(hs.m.lesson.view(hs.m.helpLine), "\n") + 1; n != tt.h {
					t.Errorf("the lesson screen is %d lines, terminal %d", n, tt.h)
				}
			}
			if n := strings.Count(v, "\n") + 1; n > tt.h {
				t.Errorf("%d lines, terminal %d", n, tt.h)
			}
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// TestTooSmall: however small the terminal, the screen says the size it
// needs, and nothing runs past the terminal's edges.
func TestTooSmall(t *testing.T) {
	for _, sz := range [][2]int{{59, 19}, {40, 10}, {20, 5}, {12, 3}, {5, 1}} {
		hs := newHarness(t, sz[0], sz[1])
		v := hs.m.View()
		if !strings.Contains(v, "60×20") {
			t.Errorf("%dx%d: the size it needs is missing:\n%s", sz[0], sz[1], v)
		}
		lines := strings.Split(v, "\n")
		if len(lines) > sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > sz[0] {
				t.Errorf("%dx%d: line %q is %d wide", sz[0], sz[1], l, w)
			}
		}
	}
}

// TestColourScreens draws the picker and the lesson screen with colour, as
// a truecolor terminal on a dark background gets them, and compares the
// escape codes too: a change of style shows up here.
func TestColourScreens(t *testing.T) {
	mid := upTo(t, recorded(t, sim.Synchronize), received(sim.Client, spdu.MIA))
	for _, tt := range []struct {
		name string
		do   func(*harness)
	}{
		{"picker", func(hs *harness) {}},
		{"lesson_live", func(hs *harness) { hs.open("synchronize"); hs.play(mid...) }},
		{"lesson_paused", func(hs *harness) { hs.open("synchronize"); hs.play(mid...); hs.key("space") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(termenv.TrueColor)
			r.SetHasDarkBackground(true)
			hs := newHarness(t, 100, 30)
			hs.m = newModel(t, Deps{Book: testBook(t), Start: hs.starter.start, Renderer: r, Now: hs.clock.now})
			hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
			tt.do(hs)
			v := hs.m.View()
			if !strings.Contains(v, "\x1b[") {
				t.Fatal("no colour at all")
			}
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// TestEveryNarrationFits: at 80×24, the smallest usual terminal, every
// stop of every lesson shows its whole narration: a sentence cut short
// is a sentence not read.
func TestEveryNarrationFits(t *testing.T) {
	book := testBook(t)
	for _, l := range book.Lessons() {
		evs := recorded(t, l.Scenarios...)
		hs := newHarness(t, 80, 24)
		hs.open(l.ID)
		check := func(what string) {
			t.Helper()
			n := hs.m.lesson.stop.lines
			last := strings.TrimRight(ansi.Strip(n[len(n)-1]), " ")
			if strings.HasSuffix(last, "…") {
				t.Errorf("%s, %s: the narration is cut:\n%s", l.ID, what, ansi.Strip(strings.Join(n, "\n")))
			}
		}
		check("the intro card")
		for i, ev := range evs {
			hs.feed(ev)
			for lm := &hs.m.lesson; lm.shown < lm.hist.len()-1 && lm.gathering < 0; {
				hs.key("right")
				if lm.stage == stageAsking && !strings.Contains(ansi.Strip(hs.m.View()), "(or ↑/↓ and enter)") {
					t.Errorf("%s: the prediction before step %d does not fit 80×24:\n%s", l.ID, i+1, ansi.Strip(hs.m.View()))
				}
			}
			if !hs.m.lesson.finished() {
				check(fmt.Sprintf("step %d (%s)", i+1, lessons.Keys(ev)[0]))
			}
		}
		hs.finish()
		for range 2 * len(l.Quiz()) {
			if v := ansi.Strip(hs.m.View()); strings.Contains(v, "\n …") {
				t.Errorf("%s: a quiz question does not fit 80×24:\n%s", l.ID, v)
			}
			hs.key("pgdown")
		}
		if v := ansi.Strip(hs.m.View()); strings.Contains(v, "\n …\n") || !strings.Contains(v, "What happened on the real sockets") {
			t.Errorf("%s: the summary card does not fit 80×24:\n%s", l.ID, v)
		}
	}
}

// TestPanelSaysAReadingIsFromTheClose: a side whose socket was closed
// while its kernel was still closing (FIN_WAIT1) is not read again, so
// its panel says that the state is the one it closed in, not that it is
// still there: the refused session's server moves on to TIME_WAIT
// unseen.
func TestPanelSaysAReadingIsFromTheClose(t *testing.T) {
	evs := recorded(t, sim.Establish, sim.EstablishRefused)
	for i, ev := range evs {
		if cl, ok := ev.(sim.Closed); ok && cl.Side == sim.Server && cl.Scenario == sim.EstablishRefused {
			cl.After = sim.TCPInfo{Known: true, State: sim.StateFinWait1}
			evs[i] = cl
		}
	}
	hs := newHarness(t, 100, 30)
	hs.open("establish")
	hs.play(evs...)
	if v := ansi.Strip(hs.m.View()); !contains(v, "TCP FIN_WAIT1 when it closed") {
		t.Fatalf("the server's panel does not say its state is from the close:\n%s", v)
	}
}
