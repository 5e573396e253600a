package lessons

import (
	"fmt"
	"strings"
	"testing"

	"sessionlab/sim"
)

// stop is what one stop of a lesson says, as written in its files: the
// intro card, then each event of a clean run.
type stop struct {
	what string // where, for messages
	text string // the line and narration as written, placeholders unfilled
}

// stops lists l's stops in the order a learner meets them.
func stops(t *testing.T, l *Lesson) []stop {
	t.Helper()
	out := []stop{{"the intro card", l.Card()}}
	for _, ev := range runPaced(t, sim.Config{Scenarios: l.Scenarios}) {
		e, ok := l.lookup(ev)
		if !ok {
			continue
		}
		out = append(out, stop{fmt.Sprintf("event %d (%s)", ev.Head().ID, Keys(ev)[0]), e.line.src + "\n" + e.narration.src})
	}
	return out
}

// TestTermsExplainedWhereFirstMet: in each lesson, the first stop that
// uses a glossary term marks it (*term*), which says the narration
// explains it there; and every marked term is in the glossary.
func TestTermsExplainedWhereFirstMet(t *testing.T) {
	b := book(t)
	terms := b.Glossary()
	if len(terms) < 40 {
		t.Fatalf("%d glossary terms", len(terms))
	}
	for _, l := range b.Lessons() {
		met := map[string]bool{}
		for _, s := range stops(t, l) {
			marked := strings.Join(Marked(s.text), " | ")
			for _, m := range Marked(s.text) {
				if !knownTerm(terms, m) {
					t.Errorf("%s, %s: *%s* is not in the glossary", l.ID, s.what, m)
				}
			}
			for _, term := range terms {
				if met[term.Name] || !term.In(Plain(s.text)) {
					continue
				}
				met[term.Name] = true
				if !term.In(marked) {
					t.Errorf("%s, %s: first use of %q, not marked as explained", l.ID, s.what, term.Name)
				}
			}
		}
	}
}

func knownTerm(terms []Term, name string) bool {
	for _, t := range terms {
		if t.In(name) {
			return true
		}
	}
	return false
}
