package lessons

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"sessionlab/sim"
	"sessionlab/sim/simtest"
)

func book(t *testing.T) *Book {
	t.Helper()
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runPaced runs cfg paced on a manual clock, as faults need.
func runPaced(t *testing.T, cfg sim.Config) []sim.Event { return simtest.Paced(t, cfg) }

// run runs scenarios unpaced on loopback.
func run(t *testing.T, scenarios ...sim.Scenario) []sim.Event {
	return simtest.Unpaced(t, scenarios...)
}

func TestBuiltinLessons(t *testing.T) {
	b := book(t)
	if got := b.IDs(); !slices.Equal(got, []string{"establish", "synchronize", "recover", "terminate"}) {
		t.Fatalf("lessons %v", got)
	}
	for _, l := range b.Lessons() {
		if l.Title == "" || l.Summary == "" || l.Intro == "" {
			t.Errorf("%s: title %q, summary %q, intro %d bytes", l.ID, l.Title, l.Summary, len(l.Intro))
		}
		// The picker shows a summary on one line, indented by 4, at 80 columns.
		if n := utf8.RuneCountInString(l.Summary); n > 76 {
			t.Errorf("%s: the summary is %d characters; at most 76 fit the picker at 80 columns", l.ID, n)
		}
	}
	for _, sc := range sim.Scenarios() {
		if _, ok := b.For(sc); !ok {
			t.Errorf("no lesson runs scenario %v", sc)
		}
	}
}

// TestEveryEventIsCovered runs every lesson and checks that its files say
// something about each event, and that no sentence shows a placeholder or
// a fact the event did not carry.
func TestEveryEventIsCovered(t *testing.T) {
	b := book(t)
	for _, l := range b.Lessons() {
		for _, ev := range run(t, l.Scenarios...) {
			if end, ok := ev.(sim.ScenarioEnded); ok {
				if end.Err != nil {
					t.Fatalf("%s failed: %v", l.ID, end.Err)
				}
				continue
			}
			if !l.Covers(ev) {
				t.Errorf("%s: nothing said about %q", l.ID, Keys(ev)[0])
			}
			for _, s := range []string{l.Line(ev), l.Narration(ev)} {
				if strings.ContainsAny(s, "{}[]") || strings.Contains(s, "UNKNOWN") || s == "" {
					t.Errorf("%s: %q renders as %q", l.ID, Keys(ev)[0], s)
				}
			}
		}
	}
}

// TestEveryEventIsCoveredUnderFaults breaks every lesson with each fault
// at several moments and checks that the lesson files have a complete
// sentence for whatever happens then.
func TestEveryEventIsCoveredUnderFaults(t *testing.T) {
	b := book(t)
	for _, l := range b.Lessons() {
		for _, kind := range []sim.FaultKind{sim.FaultReset, sim.FaultStall, sim.FaultStop} {
			for at := 2; at <= 60; at += 6 {
				evs := runPaced(t, sim.Config{Scenarios: l.Scenarios, Faults: []sim.FaultAt{{Kind: kind, After: at}}})
				for _, ev := range evs {
					if end, ok := ev.(sim.ScenarioEnded); ok {
						if end.Err != nil {
							t.Fatalf("%s %v@%d failed: %v", l.ID, kind, at, end.Err)
						}
						continue
					}
					if !l.Covers(ev) {
						t.Errorf("%s %v@%d: nothing complete said about %q: %q", l.ID, kind, at, Keys(ev)[0], l.Line(ev))
					}
				}
			}
		}
	}
}

func TestTranscriptHasTheArticleLines(t *testing.T) {
	b := book(t)
	var out bytes.Buffer
	tr := NewTranscript(&out, b)
	evs := run(t, sim.Establish, sim.Synchronize, sim.TerminateOrderly)
	for _, ev := range evs {
		if err := tr.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	text := out.String()
	listen, _ := simtest.Find[sim.Listening](evs, nil)
	dial, _ := simtest.Find[sim.Dialed](evs, nil)
	want := []string{
		"Waiting for a connection... (listening on " + listen.Local.String() + ")",
		"Connection established with: " + dial.Local.String(),
		"Received data: Hello from the client!",
		"Welcome to the session!",
		"Closing the connection...",
	}
	for i := 0; i < 5; i++ {
		want = append(want, fmt.Sprintf("Sending data packet %d", i))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
	for _, l := range []string{"establish", "synchronize", "terminate"} {
		lesson, _ := b.Lesson(l)
		// Each lesson's introduction is under its title, so that plain
		// mode says what is pacing and what is modelled too.
		first := strings.Fields(lesson.Intro)
		if !strings.Contains(text, "== "+lesson.Title+" ==\n"+strings.Join(first[:3], " ")) {
			t.Errorf("%s: the introduction does not follow the title", l)
		}
	}
	if !strings.Contains(text, "pacing") {
		t.Error("the transcript never says what is pacing")
	}
	if !strings.HasPrefix(text, "== Establish ==\n") || !strings.Contains(text, "\n\n== Synchronize ==\n") {
		t.Errorf("lesson headings are not the first line, each after a blank line:\n%s", text)
	}
	if n := strings.Count(text, "== "); n != 3 {
		t.Errorf("%d lesson headings, want 3:\n%s", n, text)
	}
}

func TestTemplates(t *testing.T) {
	ev := sim.Received{Header: sim.Header{Side: sim.Server}, ReadBytes: 24, FramesInRead: 1}
	f := factsOf(ev)
	for _, tt := range []struct{ in, want string }{
		{"read {read} bytes", "read 24 bytes"},
		{"read {read} bytes[ in {transit}]", "read 24 bytes"}, // transit unmeasured: left out
		{"[{state}]on the {side}", "on the server"},
		{"plain", "plain"},
		{"[read[ in {transit}] {read}]", "read 24"},
		{"{transit} left", "– left"},
	} {
		tpl, err := parseTemplate(tt.in)
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if got, _ := tpl.render(f); got != tt.want {
			t.Errorf("%q renders %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"{nosuch}", "{read", "[a [b c]", "a]", "[a"} {
		if _, err := parseTemplate(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	good := "---\nid: x\ntitle: X\nscenarios: establish\n---\nintro\n"
	for name, files := range map[string]map[string]string{
		"no lessons":        {"common.md": "---\n---\n"},
		"unknown header":    {"01.md": "---\nid: x\ncolour: red\n---\n"},
		"unknown scenario":  {"01.md": "---\nid: x\ntitle: X\nscenarios: nosuch\n---\n"},
		"no title":          {"01.md": "---\nid: x\nscenarios: establish\n---\n"},
		"header not closed": {"01.md": "---\nid: x\n"},
		"duplicate key":     {"01.md": good + "## server listening\nline: a\n## server listening\nline: b\n"},
		"bad placeholder":   {"01.md": good + "## server listening\nline: {nosuch}\n"},
		"scenario twice":    {"01.md": good, "02.md": strings.Replace(good, "id: x", "id: y", 1)},
		"part not named":    {"01.md": good + "## start establish\nline: Establish: a part\n"},
	} {
		fsys := fstest.MapFS{}
		for n, c := range files {
			fsys[n] = &fstest.MapFile{Data: []byte(c)}
		}
		if _, err := Load(fsys); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
	// An instructor's mistakes name the file and the line.
	for _, tt := range []struct{ body, want string }{
		{"## server sent XYZ\nline: a\n", "01.md:7: ## server sent XYZ matches no event lesson x's scenarios emit"},
		{"## client sent MIP\nline: a\n", "01.md:7: ## client sent MIP matches no event"}, // establish sends no MIP
		{"## server listening\nline: a\n\n## predict client recieved AC\nquestion: Q\nanswer: {va}\n- 1: a\n- 2: b\n", "01.md:10: ## predict client recieved AC matches no event"},
		{"## server listening\nline: {nosuch}\n", "01.md:7: server listening: unknown placeholder {nosuch}"},
	} {
		_, err := Load(fstest.MapFS{"01.md": {Data: []byte(good + tt.body)}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.body, err, tt.want)
		}
	}
	b, err := Load(fstest.MapFS{"01.md": {Data: []byte(good + "## server listening\nline: Edited {local}\nNarration.\n\n## start establish\npart: Connect\n")}})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := b.Lesson("x")
	ev := sim.Listening{Header: sim.Header{Side: sim.Server}}
	if got := l.Line(ev); got != "Edited –" {
		// {local} is unknown (zero address) and not optional: left out.
		t.Errorf("line = %q", got)
	}
	if l.Covers(ev) {
		t.Error("a line with an unknown required fact counts as covered")
	}
}

func TestDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{
		37 * time.Microsecond:    "37 µs",
		640 * time.Millisecond:   "640 ms",
		1002 * time.Millisecond:  "1.002 s",
		59400 * time.Millisecond: "59 s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := Offset(1002 * time.Millisecond); got != "+1.002s" {
		t.Errorf("Offset = %q", got)
	}
}

// TestEveryEventTypeHasWords ranges over the engine's table of event
// types: each must have a section in the lesson files whose key names its
// verb, so that a new type of event cannot reach a learner unexplained.
func TestEveryEventTypeHasWords(t *testing.T) {
	b := book(t)
	var keys []string
	for _, l := range b.Lessons() {
		for k := range l.texts {
			keys = append(keys, k)
		}
		for k := range l.common {
			keys = append(keys, k)
		}
	}
	for _, ev := range sim.EventTypes() {
		verb := ev.Verb()
		if !slices.ContainsFunc(keys, func(k string) bool { return slices.Contains(strings.Fields(k), verb) }) {
			t.Errorf("no lesson section speaks of %q events (%T)", verb, ev)
		}
	}
}
