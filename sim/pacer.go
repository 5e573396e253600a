package sim

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// maxSteps caps the steps a user can bank while paused: a held-down key
// repeats far faster than events happen, and each banked step would later
// release one event unasked.
const maxSteps = 16

// pacer keeps the virtual timeline that pacing is written against. It runs
// at speed times the clock while running, stands still while paused, and
// jumps to an action's due time when a step releases it. Every event-making
// action waits here first, which is what makes pause and step real: while
// paused, no socket operation of the scenario happens.
//
// It also counts the scenario goroutines at work. A step goes to the
// action due first, but only once nothing else is at work: a goroutine
// still on its way may bring an earlier action, as may a reader waking for
// data already written. A ManualClock may only move under the same
// condition.
type pacer struct {
	clock   Clock
	manual  *ManualClock // the clock, when it is manual
	spin    bool         // exact waits end by spinning (Config.ExactCadence on the real clock)
	unpaced bool

	mu        sync.Mutex
	paused    bool
	speed     float64
	vBase     time.Duration // virtual time at rBase
	pBase     time.Duration // the lesson clock at rBase (see pacedLocked)
	rBase     time.Time
	steps     int           // steps granted and not yet used
	used      int           // steps used, for tests
	waiting   []*waiter     // actions waiting, in arrival order
	active    int           // scenario goroutines at work: not waiting here, not waiting for data
	readers   map[flow]int  // readers waiting for data on a flow
	inbound   map[flow]bool // flows written to since their reader last took its turn
	holdSince time.Time     // when a step was first held back for an arriving reader
}

func newPacer(clock Clock, speed float64, unpaced, exact bool) *pacer {
	p := &pacer{clock: clock, unpaced: unpaced, speed: speed, rBase: clock.Now(), readers: map[flow]int{}, inbound: map[flow]bool{}}
	p.manual, _ = clock.(*ManualClock)
	_, real := clock.(realClock)
	p.spin = exact && real
	return p
}

func (p *pacer) vnowLocked() time.Duration {
	if p.paused {
		return p.vBase
	}
	return p.vBase + time.Duration(float64(p.clock.Now().Sub(p.rBase))*p.speed)
}

// pacedLocked is the lesson clock (Header.Paced): the time the run has
// taken, not counting pauses, with a step counting as long as its wait
// would have taken at the current speed. Unlike the virtual timeline it
// runs at the speed of the clock, so a 1 s pause at 4x is 250 ms on it,
// as the narration says.
func (p *pacer) pacedLocked() time.Duration {
	if p.paused {
		return p.pBase
	}
	return p.pBase + p.clock.Now().Sub(p.rBase)
}

func (p *pacer) rebaseLocked() {
	p.vBase = p.vnowLocked()
	p.pBase = p.pacedLocked()
	p.rBase = p.clock.Now()
}

// pokeAllLocked makes every waiter look again: after pause, resume or a
// change of speed.
func (p *pacer) pokeAllLocked() {
	for _, w := range p.waiting {
		poke(w)
	}
}

func poke(w *waiter) {
	select {
	case w.wake <- struct{}{}:
	default: // already poked
	}
}

// dispatchLocked runs after every change: it tells a manual clock whether
// anything is at work and, while paused, gives a granted step to the
// action due first once everything is at rest.
func (p *pacer) dispatchLocked() {
	holding := p.holdingLocked()
	if !holding {
		p.holdSince = time.Time{}
	}
	// A waiter whose context was cancelled (its connection let go) is
	// about to wake and is as good as at work: it may act before the
	// action due first, so nothing moves until it has left.
	waking := slices.ContainsFunc(p.waiting, func(w *waiter) bool { return w.ctx.Err() != nil })
	if p.manual != nil {
		p.manual.setBusy(p.active > 0 || holding || waking)
	}
	if !p.paused || p.steps == 0 || len(p.waiting) == 0 || p.active > 0 || waking {
		return
	}
	if holding {
		if p.holdSince.IsZero() {
			p.holdSince = p.clock.Now()
			if w := p.firstLocked(); w != nil {
				poke(w) // it arms a timer for maxHold
			}
		}
		if p.clock.Now().Sub(p.holdSince) < maxHold {
			return
		}
	}
	p.holdSince = time.Time{}
	w := p.firstLocked()
	if w == nil {
		return
	}
	p.removeLocked(w)
	w.granted = true
	p.steps--
	p.used++
	p.active++ // it is at work from this moment, so no second step goes out
	if w.due > p.vBase {
		p.pBase += Scaled(w.due-p.vBase, p.speed)
		p.vBase = w.due
	}
	poke(w)
}

// firstLocked returns the waiter due first; among equals, the first to
// come. A waiter whose context is cancelled is passed over: its goroutine
// may not have run since, and must not take a step it will not use.
func (p *pacer) firstLocked() *waiter {
	var first *waiter
	for _, w := range p.waiting {
		if w.ctx.Err() == nil && (first == nil || w.due < first.due) {
			first = w
		}
	}
	return first
}

func (p *pacer) removeLocked(w *waiter) {
	if i := slices.Index(p.waiting, w); i >= 0 {
		p.waiting = slices.Delete(p.waiting, i, i+1)
	}
}

// paced returns the lesson clock.
func (p *pacer) paced() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pacedLocked()
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
	p.pokeAllLocked()
	p.dispatchLocked()
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
	p.pokeAllLocked()
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
	if p.paused && p.steps < maxSteps {
		p.steps++
		p.dispatchLocked()
	}
}

func (p *pacer) stepsUsed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used
}

// adjust changes the count of goroutines at work. Only the helpers below,
// the mailbox, and run.goCounted call it: each pairs its +1 and -1.
func (p *pacer) adjust(delta int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active += delta
	p.dispatchLocked()
}

// idle runs wait, which blocks on something other than the pacer and
// other than data on a socket (a goroutine, a second read of a frame
// already started), with the caller not counted at work meanwhile.
func (p *pacer) idle(wait func() error) error {
	p.adjust(-1)
	defer p.adjust(+1)
	return wait()
}

// String describes the pacer's bookkeeping, for tests that find it stuck.
func (p *pacer) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	dues := make([]time.Duration, len(p.waiting))
	for i, w := range p.waiting {
		dues[i] = w.due
	}
	held := 0
	for f, in := range p.inbound {
		if in && p.readers[f] > 0 {
			held++
		}
	}
	readers := 0
	for _, n := range p.readers {
		readers += n
	}
	return fmt.Sprintf("paused=%v steps=%d active=%d waiting=%v readers=%d held=%d holdSince=%v vnow=%v",
		p.paused, p.steps, p.active, dues, readers, held, !p.holdSince.IsZero(), p.vnowLocked())
}
