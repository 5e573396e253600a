package sim

import (
	"context"
	"slices"
	"sync"
	"time"
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

// DefaultPacing is the pacing at speed 1.
var DefaultPacing = Pacing{
	Beat:    600 * time.Millisecond,
	Travel:  400 * time.Millisecond,
	Cadence: time.Second,
	Commit:  300 * time.Millisecond,
	Accept:  time.Second,
}

// maxHold bounds how long a step is held back for goroutines still on
// their way to the pacer (see waitLocked); it only matters if bookkeeping
// is off.
const maxHold = 250 * time.Millisecond

// pacer keeps the virtual timeline that pacing is written against. It runs
// at speed times the clock while running, stands still while paused, and
// jumps to an action's due time when a step releases it. Every event-making
// action waits here first, which is what makes pause and step real: while
// paused, no socket operation of the scenario happens.
//
// It also counts the scenario goroutines at work. Two things need that: a
// step must not be given away while a reader whose data has already been
// written is still waking up (its turn is probably first), and a
// ManualClock may only move when nothing is at work.
type pacer struct {
	clock   Clock
	manual  *ManualClock // the clock, when it is manual
	unpaced bool

	mu      sync.Mutex
	paused  bool
	speed   float64
	vBase   time.Duration // virtual time at rBase
	rBase   time.Time
	steps   int             // steps granted and not yet used
	used    int             // steps used, for tests
	waiting []time.Duration // due times of the actions waiting
	active  int             // scenario goroutines not waiting on a timer or a peer
	readers [3]int          // per side: readers waiting for data
	inbound [3]bool         // per side: the peer wrote since this side's reader last took its turn
	changed chan struct{}
}

func newPacer(clock Clock, speed float64, unpaced bool) *pacer {
	p := &pacer{clock: clock, unpaced: unpaced, speed: speed, rBase: clock.Now(), changed: make(chan struct{})}
	p.manual, _ = clock.(*ManualClock)
	return p
}

func (p *pacer) vnowLocked() time.Duration {
	if p.paused {
		return p.vBase
	}
	return p.vBase + time.Duration(float64(p.clock.Now().Sub(p.rBase))*p.speed)
}

func (p *pacer) rebaseLocked() {
	p.vBase = p.vnowLocked()
	p.rBase = p.clock.Now()
}

// changedLocked wakes every waiter to look again, and tells a manual clock
// whether anything is at work.
func (p *pacer) changedLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
	if p.manual != nil {
		p.manual.setBusy(p.active > 0 || p.holdingLocked())
	}
}

// now returns the current virtual time.
func (p *pacer) now() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.vnowLocked()
}

func (p *pacer) setPaused(paused bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused == paused {
		return
	}
	p.rebaseLocked()
	p.paused = paused
	p.steps = 0
	p.changedLocked()
}

func (p *pacer) isPaused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

func (p *pacer) setSpeed(x float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rebaseLocked()
	p.speed = x
	p.changedLocked()
}

func (p *pacer) getSpeed() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.speed
}

// step lets one waiting action go while paused.
func (p *pacer) step() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused && p.steps < 16 {
		p.steps++
		p.changedLocked()
	}
}

func (p *pacer) stepsUsed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used
}

// adjust changes the count of goroutines at work.
func (p *pacer) adjust(delta int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active += delta
	p.changedLocked()
}

// startScenario forgets the reader bookkeeping of the scenario before.
func (p *pacer) startScenario() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readers, p.inbound = [3]int{}, [3]bool{}
	p.changedLocked()
}

// writing records that side is about to write, connect or close, so that
// the peer's reader will come to the pacer soon.
func (p *pacer) writing(side Side) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inbound[side.Peer()] = true
	p.changedLocked()
}

// readerBlocked and readerUnblocked bracket a reader's wait for data when
// the wait fails; when it succeeds, readTurn ends it.
func (p *pacer) readerBlocked(side Side) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readers[side]++
	p.active--
	p.changedLocked()
}

func (p *pacer) readerUnblocked(side Side) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readers[side]--
	p.active++
	p.changedLocked()
}

// holdingLocked reports whether a reader is about to wake for data that
// has been written to it.
func (p *pacer) holdingLocked() bool {
	for s := range p.inbound {
		if p.inbound[s] && p.readers[s] > 0 {
			return true
		}
	}
	return false
}

// wait blocks until the action due at virtual time due may happen: when
// running, until the timeline reaches due; when paused, until a step is
// granted and no action due earlier is waiting.
func (p *pacer) wait(ctx context.Context, due time.Duration) error {
	p.mu.Lock()
	return p.waitLocked(ctx, due)
}

// readTurn is wait for a reader of side. woke says it comes straight from
// waiting for data (readerBlocked).
func (p *pacer) readTurn(ctx context.Context, due time.Duration, side Side, woke bool) error {
	p.mu.Lock()
	if woke {
		p.readers[side]--
		p.active++
	}
	p.inbound[side] = false
	return p.waitLocked(ctx, due)
}

func (p *pacer) waitLocked(ctx context.Context, due time.Duration) error {
	p.waiting = append(p.waiting, due)
	p.changedLocked()
	defer func() {
		if i := slices.Index(p.waiting, due); i >= 0 {
			p.waiting = slices.Delete(p.waiting, i, i+1)
		}
		p.changedLocked()
		p.mu.Unlock()
	}()
	var holdSince time.Time
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var tc <-chan time.Time
		var timer Timer
		if p.paused {
			if p.steps > 0 && due <= slices.Min(p.waiting) {
				// Give the step away only once every other goroutine has
				// come to rest: one still on its way may bring an action due
				// earlier, as may a reader waking for data already written.
				if p.active == 1 && !p.holdingLocked() {
					p.takeStepLocked(due)
					return nil
				}
				if holdSince.IsZero() {
					holdSince = p.clock.Now()
				}
				left := maxHold - p.clock.Now().Sub(holdSince)
				if left <= 0 {
					p.takeStepLocked(due)
					return nil
				}
				timer = p.clock.NewTimer(left)
				tc = timer.C()
			}
		} else {
			left := due - p.vnowLocked()
			if p.unpaced || left <= 0 {
				return nil
			}
			timer = p.clock.NewTimer(time.Duration(float64(left) / p.speed))
			tc = timer.C()
		}
		changed := p.changed
		p.active--
		p.changedLocked()
		p.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-changed:
		case <-tc:
		}
		p.mu.Lock()
		p.active++
		p.changedLocked()
		// Only now, counted as at work, tell a manual clock the timer is
		// dealt with; the other order would let it advance in between.
		if timer != nil {
			timer.Stop()
		}
	}
}

func (p *pacer) takeStepLocked(due time.Duration) {
	p.steps--
	p.used++
	p.vBase = max(p.vBase, due)
}
