package sim

import (
	"time"

	"sessionlab/sim/internal/pace"
)

// Speed limits for pacing.
const (
	MinSpeed = 0.25
	MaxSpeed = 4.0
)

// Pacing is how long each kind of step waits at speed 1, so that a person
// can follow it. None of it is network delay: loopback delivers in
// microseconds, and the events report what was measured.
type Pacing struct {
	Beat    time.Duration // between one side's consecutive actions
	Travel  time.Duration // from a frame's arrival in the kernel to the application's read
	Cadence time.Duration // between data packets
	Commit  time.Duration // the receiver's work to commit data before it confirms a sync point
	Accept  time.Duration // Establish: how long the server leaves a finished connection in the accept queue
}

// DefaultPacing returns the pacing at speed 1.
func DefaultPacing() Pacing {
	return Pacing{
		Beat:    600 * time.Millisecond,
		Travel:  400 * time.Millisecond,
		Cadence: time.Second,
		Commit:  300 * time.Millisecond,
		Accept:  time.Second,
	}
}

// Scaled returns d of pacing as it passes at speed x: the same step takes
// half as long at 2x.
func Scaled(d time.Duration, x float64) time.Duration { return pace.Scaled(d, x) }

// Clock is where a Sim gets the time and its timers: the wall clock, or a
// ManualClock that tests and transcripts drive.
type Clock = pace.Clock

// ManualClock is a Clock that moves only when told to (see
// pace.ManualClock).
type ManualClock = pace.ManualClock

// NewManualClock returns a ManualClock that reads t until advanced.
func NewManualClock(t time.Time) *ManualClock { return pace.NewManualClock(t) }
