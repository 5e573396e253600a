package lessons

import (
	"strings"
	"testing"
	"testing/fstest"

	"sessionlab/sim"
)

// TestPredictionsMeetRealEvents: every lesson asks at least two
// predictions, each comes before an event a clean run really has, and
// that event's answer is one of the choices; a quiz has two questions
// or more.
func TestPredictionsMeetRealEvents(t *testing.T) {
	for _, l := range book(t).Lessons() {
		if len(l.Predictions()) < 2 {
			t.Errorf("%s: %d predictions", l.ID, len(l.Predictions()))
		}
		if len(l.Quiz()) < 2 {
			t.Errorf("%s: %d quiz questions", l.ID, len(l.Quiz()))
		}
		evs := runPaced(t, sim.Config{Scenarios: l.Scenarios})
		for _, p := range l.Predictions() {
			found := false
			for _, ev := range evs {
				if !p.Matches(ev) {
					continue
				}
				found = true
				if v, c := p.Answer(ev); c < 0 {
					t.Errorf("%s: prediction before %q: the run answers %q, none of the choices", l.ID, p.Key, v)
				}
				break
			}
			if !found {
				t.Errorf("%s: prediction before %q: no such event in a run", l.ID, p.Key)
			}
		}
	}
}

// TestAnswersComeFromTheRun: a prediction's answer is what the run did.
// Recover asks which packets will be sent again; normally 2 3 4 (after a
// restart at serial 2). When a fault resets the connection before any
// point is confirmed, the run answers 0 1, none of the choices, and the
// answer says so.
func TestAnswersComeFromTheRun(t *testing.T) {
	l, _ := book(t).Lesson("recover")
	var p *Prediction
	for _, q := range l.Predictions() {
		if q.Key == "client discarded resend" {
			p = q
		}
	}
	if p == nil {
		t.Fatal("no prediction of what is sent again")
	}
	answer := func(cfg sim.Config) (string, int) {
		for _, ev := range runPaced(t, cfg) {
			if p.Matches(ev) {
				return p.Answer(ev)
			}
		}
		t.Fatalf("%v: the prediction's event never came", cfg.Scenarios)
		return "", 0
	}
	if v, c := answer(sim.Config{Scenarios: l.Scenarios}); v != "2 3 4" || c < 0 {
		t.Errorf("clean run: %q, choice %d", v, c)
	}
	f, err := sim.ParseFault("reset@DT1")
	if err != nil {
		t.Fatal(err)
	}
	if v, c := answer(sim.Config{Scenarios: []sim.Scenario{sim.RecoverReconnect}, Faults: []sim.FaultAt{f}}); v != "0 1" || c != -1 {
		t.Errorf("with reset@DT1: %q, choice %d", v, c)
	}
}

// TestPredictionAndQuizErrors: a malformed prediction or quiz names its
// file and line.
func TestPredictionAndQuizErrors(t *testing.T) {
	head := "---\nid: x\ntitle: X\nsummary: s\nscenarios: establish\n---\nIntro.\n\n"
	for _, tt := range []struct{ body, want string }{
		{"## predict server accepted\nquestion: Q?\n- a: A\n- b: B\n", "x.md:9: prediction \"server accepted\" has no answer"},
		{"## predict server accepted\nquestion: Q?\nanswer: {va}\n- a A\n", "x.md:12: a choice is"},
		{"## predict server accepted\nquestion: Q?\nanswer: {nope}\n", "x.md:11: unknown placeholder {nope}"},
		{"## predict server accepted\nquestion: Q?\nanswer: {va}\nbogus\n", "x.md:12: expected"},
		{"## quiz\n+ right\n", "x.md:10: a quiz starts with"},
		{"## quiz\n? Q\n- a\n- b\n= why\n", "has no right choice"},
		{"## quiz\n? Q\n+ a\n+ b\n", "x.md:12: a question has one right choice"},
	} {
		_, err := Load(fstest.MapFS{"x.md": {Data: []byte(head + tt.body)}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.body, err, tt.want)
		}
	}
}
