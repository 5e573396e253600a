package ui

import (
	"github.com/charmbracelet/x/ansi"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

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

func TestPauseStepAndReplay(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	hs.play(evs[:20]...)
	l := &hs.m.lesson
	if l.cursor != 19 || !l.live {
		t.Fatalf("cursor %d live %v after 20 events", l.cursor, l.live)
	}

	hs.key("right") // running: only a hint
	if _, steps, _, _ := s.state(); steps != 0 || l.hint == "" {
		t.Fatalf("step while running: %d steps, hint %q", steps, l.hint)
	}

	hs.key("space")
	if paused, _, _, _ := s.state(); !paused || !l.paused {
		t.Fatal("space did not pause the run")
	}
	hs.key("right")
	hs.key("n")
	hs.key("pgdown") // a presentation clicker
	if _, steps, _, _ := s.state(); steps != 3 {
		t.Fatalf("%d steps, want 3", steps)
	}

	hs.key("left")
	hs.key("pgup")
	if l.cursor != 17 || l.live {
		t.Fatalf("after two steps back: cursor %d live %v", l.cursor, l.live)
	}
	if v := hs.m.View(); !contains(v, "REPLAY 18/20") || !contains(v, "the network is not rewound") {
		t.Fatalf("replay not shown:\n%s", v)
	}
	hs.play(evs[20]) // the step's event arrives while replaying: the cursor stays
	if l.cursor != 17 {
		t.Fatalf("cursor moved to %d during replay", l.cursor)
	}
	hs.key("right")
	hs.key("right")
	hs.key("right")
	if l.cursor != 20 || !l.live {
		t.Fatalf("forward through the replay: cursor %d live %v", l.cursor, l.live)
	}
	if _, steps, _, _ := s.state(); steps != 3 {
		t.Fatalf("replaying forward stepped the network: %d steps", steps)
	}

	hs.key("space")
	if paused, _, _, _ := s.state(); paused || l.paused {
		t.Fatal("space did not resume")
	}
}

func TestBackWhileRunningPausesTheRun(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	hs.play(evs[:10]...)
	hs.key("left")
	if paused, _, _, _ := s.state(); !paused || hs.m.lesson.live {
		t.Fatal("stepping back did not hold the run")
	}
	for range 20 {
		hs.key("left")
	}
	if hs.m.lesson.cursor != 0 || hs.m.lesson.hint == "" {
		t.Fatalf("cursor %d at the start, hint %q", hs.m.lesson.cursor, hs.m.lesson.hint)
	}
}

func TestRestartStopsTheOldRun(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	old := hs.open("synchronize")
	hs.play(evs[:8]...)
	oldGen := hs.m.lesson.gen
	msgs := run(hs.key("r"))
	if _, _, _, stopped := old.state(); !stopped {
		t.Fatal("restart did not stop the old run")
	}
	if len(msgs) != 2 {
		t.Fatalf("restart produced %d messages", len(msgs))
	}
	for _, msg := range msgs {
		hs.send(msg)
	}
	if hs.m.lesson.gen == oldGen || hs.m.lesson.hist.len() != 0 || hs.m.lesson.session == nil {
		t.Fatalf("after restart: gen %d (was %d), %d events", hs.m.lesson.gen, oldGen, hs.m.lesson.hist.len())
	}
	if hs.starter.count() != 2 {
		t.Fatalf("%d runs started", hs.starter.count())
	}
	hs.send(eventMsg{gen: oldGen, ev: evs[8]}) // late event of the old run
	if hs.m.lesson.hist.len() != 0 {
		t.Fatal("an event of the stopped run was shown")
	}
	hs.send(startedMsg{gen: oldGen, session: &fakeSession{events: make(chan sim.Event)}})
	if hs.m.lesson.session != hs.starter.session(1) {
		t.Fatal("a stale start replaced the run")
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
	if v := hs.m.View(); !contains(v, "speed 1x") {
		t.Fatal("speed not shown")
	}
}

func TestLeavingAndQuitting(t *testing.T) {
	hs := newHarness(t, 100, 30)
	s := hs.open("establish")
	run(hs.key("esc"))
	if _, _, _, stopped := s.state(); !stopped || hs.m.screen != pickerScreen {
		t.Fatal("esc did not stop the run and go back to the lessons")
	}
	msgs := run(hs.key("enter"))
	if hs.m.screen != lessonScreen || hs.m.lesson.lesson.ID != "establish" || len(msgs) == 0 {
		t.Fatal("enter did not open the chosen lesson")
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
	lines := hs.m.lesson.logLines(40, hs.m.lesson.log.Height)
	if len(lines) < 30 {
		t.Fatalf("log shows %d of 30 lines in a tall terminal", len(lines))
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestFaultKeys(t *testing.T) {
	evs := recorded(t, sim.Synchronize)
	hs := newHarness(t, 100, 30)
	s := hs.open("synchronize")
	hs.play(evs[:12]...)
	hs.key("x")
	hs.key("d")
	hs.key("k")
	s.mu.Lock()
	got := slices.Clone(s.faults)
	s.mu.Unlock()
	if !slices.Equal(got, []sim.FaultKind{sim.FaultReset, sim.FaultStall, sim.FaultStop}) {
		t.Fatalf("faults injected: %v", got)
	}
	if !strings.Contains(hs.m.View(), "Fault: stop the server, at the next step.") {
		t.Fatal("the fault key said nothing")
	}
}

// TestTimeWaitCountsDown checks that TIME_WAIT's time left runs down while
// live and goes on running while paused, since the kernel's timer does
// (review-accuracy item 8), and shows as recorded in a replay.
func TestTimeWaitCountsDown(t *testing.T) {
	evs := recorded(t, sim.TerminateOrderly)
	hs := newHarness(t, 100, 30)
	hs.open("terminate")
	var upto int
	for i, ev := range evs {
		if c, ok := ev.(sim.Closed); ok && c.Side == sim.Client {
			upto = i + 1
			break
		}
	}
	hs.play(evs[:upto]...)
	if v := hs.m.View(); !strings.Contains(v, "TIME_WAIT · 60 s left") {
		t.Fatalf("no countdown at close:\n%s", v)
	}
	if cmd := hs.m.lesson.countdown(); cmd != nil || !hs.m.lesson.counting {
		t.Fatal("the countdown is not ticking")
	}
	hs.clock.t = hs.clock.t.Add(5 * time.Second)
	hs.send(countdownMsg{tag: hs.m.lesson.countTag})
	if v := hs.m.View(); !strings.Contains(v, "TIME_WAIT · 55 s left") {
		t.Fatalf("five seconds later:\n%s", v)
	}
	hs.key("space")
	hs.clock.t = hs.clock.t.Add(10 * time.Second)
	hs.send(countdownMsg{tag: hs.m.lesson.countTag})
	if v := hs.m.View(); !strings.Contains(v, "TIME_WAIT · 45 s left") || !strings.Contains(v, "no socket calls") {
		t.Fatalf("paused, the kernel's timer stood still, or the caption says the sockets do:\n%s", v)
	}
	hs.key("left")
	if v := hs.m.View(); !strings.Contains(v, "REPLAY") || !strings.Contains(v, "TIME_WAIT · 60 s left") {
		t.Fatalf("a replay shows the time left as it was recorded:\n%s", v)
	}
}

// TestUnfiredFaultIsSaid: a fault asked for with --fault whose moment
// never came is said at the end of the run, with the reason.
func TestUnfiredFaultIsSaid(t *testing.T) {
	evs := recorded(t, sim.Establish)
	hs := newHarness(t, 100, 30)
	s := hs.open("establish")
	s.unfired = []sim.Unfired{{Fault: sim.FaultAt{Kind: sim.FaultReset, After: 999}, Why: "the run ended after event 20"}}
	hs.play(evs...)
	hs.send(doneMsg{gen: hs.m.lesson.gen})
	if v := hs.m.View(); !contains(v, "The fault reset@999 you asked for never fired: the run ended after event 20.") {
		t.Fatalf("not said:\n%s", v)
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
	hs.key("space")
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

// TestInspectorScrolls: a CN does not fit the inspector at 100×30; with
// the focus there, ↓ shows the rest down to its user data, ↑ goes back,
// and another frame starts at the top again.
func TestInspectorScrolls(t *testing.T) {
	evs := upTo(t, recorded(t, sim.Establish), sent(spdu.CN, 0))
	hs := newHarness(t, 100, 30)
	hs.open("establish")
	hs.play(evs...)
	hs.key("space")
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
