package lessons

import (
	"regexp"
	"strings"
	"testing"

	"sessionlab/sim"
)

// TestSentencesSayWhatTheyMean: the sentences a review found saying the
// opposite of what they meant stay gone, on every event of real runs: a
// list of confirmed packets after "unconfirmed", a packet number read as
// a count after "uncommitted:", a received CN headlined as plain data, a
// result that speaks of packets the part never sent, and a fault or
// failure that does not say which side it happened to.
func TestSentencesSayWhatTheyMean(t *testing.T) {
	wrong := []*regexp.Regexp{
		regexp.MustCompile(`(?i)left unconfirmed: [0-9]`),
		regexp.MustCompile(`(?i)uncommitted: [0-9]`),
		regexp.MustCompile(`result: 5 packets`),
	}
	b := book(t)
	for _, l := range b.Lessons() {
		for _, ev := range runPaced(t, sim.Config{Scenarios: l.Scenarios}) {
			text := Plain(l.Line(ev) + " " + l.Narration(ev))
			for _, re := range wrong {
				if re.MatchString(text) {
					t.Errorf("%s, %s: %q says %q", l.ID, Keys(ev)[0], text, re.FindString(text))
				}
			}
			if r, ok := ev.(sim.Received); ok {
				if sp, ok := r.Frame.Main(); ok && sp.Kind.String() == "CN" && !strings.HasPrefix(Plain(l.Line(ev)), "Received CN") {
					t.Errorf("%s: a received CN is headlined %q", l.ID, Plain(l.Line(ev)))
				}
			}
		}
	}
	// A fault of each kind, early and late in a run that moves data: what
	// it did, and what followed, names the side.
	syn, _ := b.Lesson("synchronize")
	for _, kind := range sim.FaultKinds() {
		for _, frame := range []string{"DT 1", "MIA 2"} {
			evs := runPaced(t, sim.Config{Scenarios: syn.Scenarios, Faults: []sim.FaultAt{{Kind: kind, Frame: frame}}})
			for _, ev := range evs {
				switch ev.(type) {
				case sim.Faulted, sim.Aborted, sim.ConnError:
				default:
					continue
				}
				text := Plain(syn.Line(ev) + " " + syn.Narration(ev))
				if !strings.Contains(text, "client") && !strings.Contains(text, "server") {
					t.Errorf("%v at %s: %q names no side", kind, frame, text)
				}
			}
		}
	}
}
