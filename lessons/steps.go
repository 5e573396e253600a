package lessons

import (
	"slices"
	"strings"

	"sessionlab/sim"
)

// A step, guided, is one key press. Most steps are one event; a run of
// events an earlier lesson or part taught one by one is one step, told in
// a sentence (the "## collapsed KIND" sections of common.md), which the m
// key expands again. Which runs those are is the lesson's business, said
// here once: the UI and the step counts (Stops) both ask SameStop.

// Kinds of run shown as one step.
const (
	runStart     = "start"     // a part's start, which takes in its connect when that collapses
	runOpen      = "open"      // TCP, transport and session connections
	runReconnect = "reconnect" // the same, made again to resume an activity
	runTransfer  = "transfer"  // data and sync points
	runResend    = "resend"    // what was never confirmed, sent again
	runClose     = "close"     // the release and TCP's close
	runAbort     = "abort"     // a side's failed socket call and the abort it ends in
)

// isRunKind reports whether s is a kind of run a "## collapsed" section
// may name (a part's start has none: it says its own words).
func isRunKind(s string) bool {
	switch s {
	case runOpen, runReconnect, runTransfer, runResend, runClose:
		return true
	}
	return false
}

// runKind is which run ev may be part of ("": it is a step of its own):
// its part lists the phase as taught before (collapse:), and ev is a
// plain step of that phase, not one the lesson makes its point with (a
// fault, a refusal, a resynchronization says so by its note).
func (l *Lesson) runKind(ev sim.Event) string {
	h := ev.Head()
	switch ev.(type) {
	case sim.ConnError, sim.Aborted:
		return runAbort
	}
	taught := l.texts["start "+h.Scenario.String()].collapse
	if _, ok := ev.(sim.ScenarioStarted); ok {
		if slices.Contains(taught, sim.PhaseOpen) {
			return runStart
		}
		return ""
	}
	if h.Phase == sim.PhaseNone || !slices.Contains(taught, h.Phase) {
		return ""
	}
	switch h.Note {
	case sim.NoteNone, sim.NoteCommitted, sim.NoteAckCheck, sim.NoteHalfClosed:
		return h.Phase.String()
	case sim.NoteResume:
		if h.Phase == sim.PhaseOpen {
			return runReconnect
		}
	case sim.NoteResend, sim.NoteDuplicate:
		if h.Phase == sim.PhaseTransfer {
			return runResend
		}
	}
	return ""
}

// Leads reports whether a step that starts at ev may take in the events
// after it (SameStop): the UI then gathers them before it shows the step.
func (l *Lesson) Leads(ev sim.Event) bool { return l.runKind(ev) != "" }

// SameStop reports whether ev, coming right after prev in the same part,
// is shown in the same step: both belong to the same run (data sent again
// runs on with the plain data around it), a part's start takes in the
// connect after it, and the end of a part joins the close-down before it.
func (l *Lesson) SameStop(prev, ev sim.Event) bool {
	if prev.Head().Scenario != ev.Head().Scenario {
		return false
	}
	a, b := l.runKind(prev), l.runKind(ev)
	switch {
	case a == "":
		return false
	case b == "":
		end, ok := ev.(sim.ScenarioEnded)
		return ok && end.Err == nil && a == runClose
	case a == runAbort:
		return b == runAbort && prev.Head().Side == ev.Head().Side
	case a == runStart:
		return b == runOpen || b == runReconnect
	case a == runTransfer || a == runResend:
		return b == runTransfer || b == runResend
	}
	return a == b
}

// Collapsed is what a run shown as one step says, evs being its events
// (a part's start left out: the start says its own words): a headline and
// a narration from the "## collapsed KIND" section. A run with data sent
// again is told as that.
func (l *Lesson) Collapsed(evs []sim.Event) (title, text string) {
	if len(evs) == 0 {
		return "", ""
	}
	kind := l.runKind(evs[0])
	if kind == runAbort {
		return l.abortStop(evs)
	}
	for _, ev := range evs {
		if l.runKind(ev) == runResend {
			kind = runResend
		}
	}
	for _, texts := range []map[string]entry{l.texts, l.common} {
		if e, ok := texts["collapsed "+kind]; ok {
			title, _ = e.line.render(facts{})
			text, _ = e.narration.render(facts{})
			return title, text
		}
	}
	return "As before: " + kind, ""
}

// abortStop is what a side's failed socket calls and the abort they end
// in say as one step: the abort's headline, then what failed, then the
// abort's narration.
func (l *Lesson) abortStop(evs []sim.Event) (title, text string) {
	last := evs[len(evs)-1]
	var failed []string
	for _, ev := range evs {
		if _, ok := ev.(sim.ConnError); ok {
			failed = append(failed, Plain(l.Line(ev)))
		}
	}
	title = l.Line(last)
	text = strings.Join(failed, "; ")
	if _, ok := last.(sim.Aborted); ok {
		text += ". " + l.Narration(last)
	}
	return title, text
}

// Stops counts the steps a learner sees of each part of the run evs,
// guided: a run shown as one step counts once, unless a prediction is
// asked in it or answered by one of its events (each is a step of its
// own).
func (l *Lesson) Stops(evs []sim.Event) map[sim.Scenario]int {
	counts := map[sim.Scenario]int{}
	asked := map[*Prediction]bool{}
	var pending []*Prediction
	var prev sim.Event
	for _, ev := range evs {
		p := l.predictionFor(ev, asked)
		if p != nil {
			asked[p] = true
			pending = append(pending, p)
		}
		answers := slices.ContainsFunc(pending, func(q *Prediction) bool { return q.Matches(ev) })
		pending = slices.DeleteFunc(pending, func(q *Prediction) bool { return q.Matches(ev) })
		own := p != nil || answers
		if prev == nil || own || !l.SameStop(prev, ev) {
			counts[ev.Head().Scenario]++
		}
		prev = ev
		if own {
			prev = nil // asked about, or answering: its own step
		}
	}
	return counts
}

// predictionFor is the prediction asked before ev, if one is due: the
// first asked before it (AskedBefore) and not asked yet.
func (l *Lesson) predictionFor(ev sim.Event, asked map[*Prediction]bool) *Prediction {
	for _, p := range l.predictions {
		if !asked[p] && p.AskedBefore(ev) {
			return p
		}
	}
	return nil
}
