package pace

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// maxSteps caps the steps a user can bank while paused: a held-down key
// repeats far faster than events happen, and each banked step would later
// release one event unasked.
const maxSteps = 16

// Pacer keeps the virtual timeline that pacing is written against. It runs
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
type Pacer struct {
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
	readers   map[Flow]int  // readers waiting for data on a flow
	inbound   map[Flow]bool // flows written to since their reader last took its turn
	holdSince time.Time     // when a step was first held back for an arriving reader
	// outside counts the actions from outside the scenario (faults) that
	// hold the timeline still (Quiet); quiet are their waits for the
	// scenario's goroutines to come to rest.
	outside int
	quiet   []chan struct{}
}

// New returns a Pacer on clock, running at speed (paused: see
// SetPaused). unpaced lets every action go at once (pause and step still
// work); exact makes WaitExact spin through its last stretch on the real
// clock.
func New(clock Clock, speed float64, unpaced, exact bool) *Pacer {
	p := &Pacer{clock: clock, unpaced: unpaced, speed: speed, rBase: clock.Now(), readers: map[Flow]int{}, inbound: map[Flow]bool{}}
	p.manual, _ = clock.(*ManualClock)
	_, real := clock.(realClock)
	p.spin = exact && real
	return p
}

func (p *Pacer) vnowLocked() time.Duration {
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
func (p *Pacer) pacedLocked() time.Duration {
	if p.paused {
		return p.pBase
	}
	return p.pBase + p.clock.Now().Sub(p.rBase)
}

func (p *Pacer) rebaseLocked() {
	p.vBase = p.vnowLocked()
	p.pBase = p.pacedLocked()
	p.rBase = p.clock.Now()
}

// pokeAllLocked makes every waiter look again: after pause, resume, a
// change of speed, or an outside action's release (Quiet). The caller
// then calls dispatchLocked, which tells a manual clock they are at work.
func (p *Pacer) pokeAllLocked() {
	for _, w := range slices.Clone(p.waiting) {
		p.wakeLocked(w)
	}
}

// wakeLocked makes waiter w look again, counted at work from this moment:
// a goroutine woken by another is at work until it blocks again (see the
// package documentation). Until it has run it may act before anything
// else, so neither a step nor a manual clock may move on, nor an outside
// action begin (Quiet), in between. Were it left uncounted, the one that
// woke it could bring the count to zero as it went to rest, and a
// ManualClock would jump to the next timer armed (a watchdog's, seconds
// ahead) before w had even looked at the time again.
func (p *Pacer) wakeLocked(w *waiter) {
	p.removeLocked(w)
	w.woken = true
	p.active++
	poke(w)
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
func (p *Pacer) dispatchLocked() {
	holding := p.holdingLocked()
	if !holding {
		p.holdSince = time.Time{}
	}
	// A waiter whose context was cancelled (its connection let go) is
	// about to wake and is as good as at work: it may act before the
	// action due first, so nothing moves until it has left.
	waking := slices.ContainsFunc(p.waiting, func(w *waiter) bool { return w.ctx.Err() != nil })
	if p.manual != nil {
		// Told last: a step granted below, or a waiter woken to arm the
		// hold's timer, is at work too.
		defer func() { p.manual.setBusy(p.active > 0 || holding || waking) }()
	}
	if p.outside > 0 && p.active <= p.outside {
		for _, q := range p.quiet {
			close(q)
		}
		p.quiet = nil
	}
	if !p.paused || p.steps == 0 || len(p.waiting) == 0 || p.active > 0 || waking {
		return
	}
	if holding {
		if p.holdSince.IsZero() {
			p.holdSince = p.clock.Now()
			if w := p.firstLocked(); w != nil {
				p.wakeLocked(w) // it arms a timer for maxHold
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
	w.granted = true
	p.steps--
	p.used++
	if w.due > p.vBase {
		p.pBase += Scaled(w.due-p.vBase, p.speed)
		p.vBase = w.due
	}
	p.wakeLocked(w) // at work from this moment, so no second step goes out
}

// firstLocked returns the waiter due first; among equals, the first to
// come. A waiter whose context is cancelled is passed over: its goroutine
// may not have run since, and must not take a step it will not use.
func (p *Pacer) firstLocked() *waiter {
	var first *waiter
	for _, w := range p.waiting {
		if w.ctx.Err() == nil && (first == nil || w.due < first.due) {
			first = w
		}
	}
	return first
}

func (p *Pacer) removeLocked(w *waiter) {
	if i := slices.Index(p.waiting, w); i >= 0 {
		p.waiting = slices.Delete(p.waiting, i, i+1)
	}
}

// Paced returns the lesson clock.
func (p *Pacer) Paced() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pacedLocked()
}

// Now returns the current virtual time.
func (p *Pacer) Now() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.vnowLocked()
}

// SetPaused pauses the timeline (no action passes until Step or a
// resume) or lets it run.
func (p *Pacer) SetPaused(paused bool) {
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

// Paused reports whether the timeline is paused.
func (p *Pacer) Paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// SetSpeed changes how fast the timeline runs against the clock.
func (p *Pacer) SetSpeed(x float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rebaseLocked()
	p.speed = x
	p.pokeAllLocked()
	p.dispatchLocked()
}

// Speed returns how fast the timeline runs against the clock.
func (p *Pacer) Speed() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.speed
}

// Step lets one waiting action go while paused.
func (p *Pacer) Step() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused && p.steps < maxSteps {
		p.steps++
		p.dispatchLocked()
	}
}

// StepsUsed counts the steps that released an action, for tests.
func (p *Pacer) StepsUsed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used
}

// adjust changes the count of goroutines at work. Only this package's
// helpers call it (Group, Work, Idle, AwaitData, Mailbox): each pairs its
// +1 and -1. See the package documentation.
func (p *Pacer) adjust(delta int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active += delta
	p.dispatchLocked()
}

// Quiet holds the timeline still for an action from outside the scenario
// (a fault): it waits, counted at work, until every other goroutine of the
// scenario is at rest, waiting here for its turn or for data, and keeps
// them there until release is called. The action then falls between two
// of the scenario's actions, never inside one (after its socket call and
// before its event). Several may hold it at once.
func (p *Pacer) Quiet(ctx context.Context) (release func(), err error) {
	p.mu.Lock()
	p.outside++
	release = func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.outside--
		p.pokeAllLocked() // waiters held past their time look again
		p.dispatchLocked()
	}
	for p.active > p.outside {
		q := make(chan struct{})
		p.quiet = append(p.quiet, q)
		p.mu.Unlock()
		select {
		case <-q:
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
		p.mu.Lock()
	}
	p.mu.Unlock()
	return release, nil
}

// Idle runs wait, which blocks on something other than the pacer and
// other than data on a socket (a goroutine, a second read of a frame
// already started), with the caller not counted at work meanwhile.
func (p *Pacer) Idle(wait func() error) error {
	p.adjust(-1)
	defer p.adjust(+1)
	return wait()
}

// String describes the pacer's bookkeeping, for tests that find it stuck.
func (p *Pacer) String() string {
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

// Scaled returns d of pacing as it passes at speed x: the same step takes
// half as long at 2x.
func Scaled(d time.Duration, x float64) time.Duration {
	if x <= 0 {
		return d
	}
	return time.Duration(float64(d) / x)
}
