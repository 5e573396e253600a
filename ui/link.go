package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// runLink is the lesson screen's link to its running engine: it starts
// and stops runs in commands, reads their events through one "wait for
// the next event" command re-armed after each, and drops whatever comes
// from a run that is no longer wanted (each message carries its run's
// generation). It also keeps the run paused or going, once each.
type runLink struct {
	gen int // generation of the current run; messages of older runs are dropped
	// gens counts generations across every lesson screen of one Model
	// (common.gens): a new screen's first run must not take the
	// generation of the screen before's, whose last messages may still
	// come (its end, once stopped, would end the new run).
	gens     *int
	session  sim.Session
	starting bool
	err      error // the run could not start
	done     bool  // the run has ended
	paused   bool  // the run is paused: always while guided; while playing, when records wait to be read
	unfired  []sim.Unfired
	plan     map[sim.Scenario]int // each part's step count on its normal path; nil: not known (yet)
}

// start stops the current run and starts one of cfg, paused; and, the
// first time, counts the lesson's steps (Deps.Plan).
func (k *runLink) start(deps Deps, cfg sim.Config, l *lessons.Lesson) tea.Cmd {
	old := k.session
	k.next()
	k.session, k.err, k.done, k.starting, k.unfired, k.paused = nil, nil, false, true, nil, true
	cmds := []tea.Cmd{stopCmd(old), startCmd(deps.Start, k.gen, cfg, true)}
	if k.plan == nil && deps.Plan != nil {
		cmds = append(cmds, planCmd(deps.Plan, k.gen, l))
	}
	return tea.Sequence(cmds...)
}

// stop ends the run; the returned command waits for its sockets to close.
func (k *runLink) stop() tea.Cmd {
	old := k.session
	k.session = nil
	k.next()
	return stopCmd(old)
}

// next moves to a new generation, never used before by this Model.
func (k *runLink) next() {
	if k.gens == nil {
		k.gens = new(int)
	}
	*k.gens++
	k.gen = *k.gens
}

// started takes the run's start. ok is false for a run nobody wants any
// more (the command stops it).
func (k runLink) started(msg startedMsg) (runLink, tea.Cmd, bool) {
	if msg.gen != k.gen {
		return k, stopCmd(msg.session), false
	}
	k.starting = false
	if msg.err != nil {
		k.err = msg.err
		return k, nil, true
	}
	k.session = msg.session
	return k, waitForEvent(k.gen, k.session.Events()), true
}

// planned takes the step counts.
func (k runLink) planned(msg planMsg) runLink {
	if msg.gen == k.gen && msg.err == nil {
		k.plan = msg.plan
	}
	return k
}

// event takes an event of the current run (nil for another's) and waits
// for the next.
func (k runLink) event(msg eventMsg) (runLink, sim.Event, tea.Cmd) {
	if msg.gen != k.gen || k.session == nil {
		return k, nil, nil
	}
	return k, msg.ev, waitForEvent(k.gen, k.session.Events())
}

// ended takes the end of the current run's events.
func (k runLink) ended(msg doneMsg) runLink {
	if msg.gen == k.gen {
		k.done = true
		if k.session != nil {
			k.unfired = k.session.Unfired()
		}
	}
	return k
}

// live reports whether there is a run to drive.
func (k *runLink) live() bool { return k.session != nil && !k.done }

// pause and resume pause the run and let it go, once each.
func (k *runLink) pause() {
	if !k.paused && k.session != nil {
		k.session.Pause()
		k.paused = true
	}
}

func (k *runLink) resume() {
	if k.paused && k.session != nil {
		k.session.Resume()
		k.paused = false
	}
}

// step asks the paused run for one more step.
func (k *runLink) step() {
	if k.session != nil {
		k.session.Step()
	}
}

// setSpeed changes the run's pacing speed.
func (k *runLink) setSpeed(x float64) {
	if k.session != nil {
		_ = k.session.SetSpeed(x)
	}
}

// inject breaks the run on purpose at its next step.
func (k *runLink) inject(kind sim.FaultKind) { k.session.Inject(kind) }
