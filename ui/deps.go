package ui

import (
	"log"
	"time"

	"github.com/charmbracelet/lipgloss"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
	"sessionlab/sim"
)

// Starter starts a lesson's run of cfg (its scenarios, speed and faults),
// paused first if paused is set. The UI calls it from a command, never
// from Update: it opens sockets. Whoever provides it decides the rest of
// the engine's configuration (the address, the exact cadence).
type Starter func(cfg sim.Config, paused bool) (sim.Session, error)

// Planner counts how many steps (events) each of a lesson's parts takes
// on its normal path, for "step 12 of 20": by rehearsing it, which opens
// sockets, so the UI calls it from a command.
type Planner func(l *lessons.Lesson) (map[sim.Scenario]int, error)

// Deps is what a Model needs from the outside.
type Deps struct {
	Book     *lessons.Book
	Start    Starter
	Renderer *lipgloss.Renderer
	// Theme is the palette; the zero Theme means dark or light by the
	// renderer's background.
	Theme Theme
	// Now is the clock for animation; nil means time.Now.
	Now func() time.Time
	// Lesson, when set, opens that lesson directly instead of the picker.
	Lesson string
	// Speed is the starting pacing speed; 0 means 1.
	Speed float64
	// Live starts lessons playing in real time instead of guided
	// (paused, a step per key).
	Live bool
	// Plan, when set, gives the step counts of the header; without it the
	// header counts steps without a total.
	Plan Planner
	// Progress, when set, keeps what the learner did across runs.
	Progress *progress.Store
	// Present is presenter mode: one idea per click for a room.
	Present bool
	// NoQuestions runs lessons without predictions and quizzes
	// (--no-questions): a demonstration straight through.
	NoQuestions bool
	// Faults are injected into the first run of the lesson opened first,
	// at the moments they name (--fault); restarts run clean.
	Faults []sim.FaultAt
	// Travel is how long a frame is drawn travelling along the wire at
	// speed 1; 0 means the engine's travel pacing.
	Travel time.Duration
	// Log, when set, gets a line for every message the UI receives
	// (DEBUG=1): what it was and when.
	Log *log.Logger
	// Notice is a line the picker shows until the learner moves: what
	// went wrong before the screen was drawn (a progress file set aside).
	Notice string
	// Suspend, when set, is what ctrl+z does: hand the terminal back to
	// the shell until the program is resumed (a local terminal; over SSH
	// there is no shell of the learner's to go back to).
	Suspend func()
	// Publish, when set, makes this Model a teacher: it is told where the
	// Model is each time that changes (sessionlab class).
	Publish func(FollowState)
	// StartRun, when set, starts the teacher's runs in place of Start,
	// told which run each is (from 1), as followers mirror them by it.
	StartRun func(run int, cfg sim.Config, paused bool) (sim.Session, error)
	// Follow, when set, makes this Model a follower: it goes where each
	// state it receives says, mirroring the teacher's runs with Mirror.
	Follow <-chan FollowState
	Mirror func(run int) (sim.Session, error)
	// Answer, for a follower, reports each prediction answered (its
	// question, the choice) to the class; Room, for the teacher, brings
	// the class's state.
	Answer func(question string, choice int)
	Room   <-chan Room
	// Join, for the teacher, says how students join the class; the
	// picker shows it.
	Join string
	// Exploring, for a follower, tells the class when the student leaves
	// the teacher's step for a run of their own, and comes back.
	Exploring func(bool)
}
