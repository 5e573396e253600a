package lessons

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"sessionlab/sim"
)

// census.txt lists, for each scenario, every content key its events can
// have (Keys), from clean runs and from runs broken by every fault after
// every event (TestCensus regenerates it with -update, and fails when it
// is out of date). Loading lesson files checks their headings against it,
// so that a key no event ever has is reported instead of silently never
// said.
//
//go:embed census.txt
var censusText string

// census maps a scenario to the keys its events can have.
var census = parseCensus(censusText)

func parseCensus(text string) map[sim.Scenario]map[string]bool {
	out := map[sim.Scenario]map[string]bool{}
	for _, ln := range strings.Split(text, "\n") {
		name, key, ok := strings.Cut(ln, "\t")
		if !ok {
			continue
		}
		if sc, ok := sim.ParseScenario(name); ok {
			if out[sc] == nil {
				out[sc] = map[string]bool{}
			}
			out[sc][key] = true
		}
	}
	return out
}

// emitted reports whether some event of the scenarios can have key, in
// which * stands for any one word.
func emitted(key string, scenarios []sim.Scenario) bool {
	want := strings.Fields(key)
	for _, sc := range scenarios {
		if !slices.Contains(want, "*") {
			if census[sc][strings.Join(want, " ")] {
				return true
			}
			continue
		}
		for k := range census[sc] {
			if keyMatches(want, strings.Fields(k)) {
				return true
			}
		}
	}
	return false
}

// keyMatches reports whether a key matches one wanted, whose * stands for
// any one word.
func keyMatches(want, got []string) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] != "*" && want[i] != got[i] {
			return false
		}
	}
	return true
}

// checkKeys reports the first heading of l (or of common.md, against
// every scenario of the book) that no event can have.
func (b *Book) checkKeys() error {
	var all []sim.Scenario
	for _, l := range b.lessons {
		all = append(all, l.Scenarios...)
	}
	for _, l := range b.lessons {
		for key, e := range l.texts {
			if collapsedKey(key) {
				continue
			}
			if !emitted(key, l.Scenarios) {
				return fmt.Errorf("%s:%d: ## %s matches no event lesson %s's scenarios emit", l.file, e.at, key, l.ID)
			}
		}
		for _, p := range l.predictions {
			if !emitted(p.Key, l.Scenarios) {
				return fmt.Errorf("%s:%d: ## predict %s matches no event lesson %s's scenarios emit", l.file, p.line-1, p.Key, l.ID)
			}
			if p.Ask != "" && !emitted(p.Ask, l.Scenarios) {
				return fmt.Errorf("%s:%d: ask: %s matches no event lesson %s's scenarios emit", l.file, p.line-1, p.Ask, l.ID)
			}
		}
		for _, q := range l.quiz {
			if q.Needs != "" && !emitted(q.Needs, l.Scenarios) {
				return fmt.Errorf("%s: quiz question %q needs %s, which no event of lesson %s's scenarios has", l.file, q.Ask, q.Needs, l.ID)
			}
		}
	}
	if len(b.lessons) > 0 {
		for key, e := range b.lessons[0].common {
			if collapsedKey(key) {
				continue
			}
			if !emitted(key, all) {
				return fmt.Errorf("common.md:%d: ## %s matches no event any lesson emits", e.at, key)
			}
		}
	}
	return nil
}

// collapsedKey reports whether key names what a run of steps shown as
// one says ("collapsed open"): not an event's key. An unknown kind is
// left to be reported as an event no scenario emits.
func collapsedKey(key string) bool {
	p, ok := strings.CutPrefix(key, "collapsed ")
	if !ok {
		return false
	}
	return ok && isRunKind(p)
}
