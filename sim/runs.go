package sim

import (
	"context"
	"errors"
	"sync"
)

// Session is a running lesson as whoever drives it sees it: the terminal
// UI, the plain transcript. *Run is the engine's; tests drive their own.
type Session interface {
	// Events carries every event; it is closed when the run ends or is
	// stopped, once every socket and goroutine of the run is gone.
	Events() <-chan Event
	// Pause stops the run before its next step; nothing further happens
	// on its sockets until Resume or Step.
	Pause()
	// Resume lets a paused run go on.
	Resume()
	// Step lets one more event happen while paused: the one due first.
	Step()
	// SetSpeed changes the pacing speed, from MinSpeed to MaxSpeed.
	SetSpeed(x float64) error
	// Inject breaks the run on purpose at its next step.
	Inject(kind FaultKind)
	// Stop cancels the run and returns once its sockets are closed.
	Stop()
	// Port is where the run's server listens (0 before it does).
	Port() uint16
	// Err is the internal error that ended the run early, if any: a bug
	// in SessionLab, not an outcome of the lesson. Read it once Events is
	// closed.
	Err() error
	// Unfired returns the scheduled faults (Config.Faults) that never
	// fired, once Events is closed.
	Unfired() []Unfired
}

var _ Session = (*Run)(nil)

// Runs starts runs for one program and keeps those still running, so that
// the program can cancel them all and wait until their sockets are closed
// when it ends. A run is forgotten as soon as it has ended.
type Runs struct {
	ctx    context.Context
	mu     sync.Mutex
	live   map[*Run]struct{}
	wg     sync.WaitGroup
	closed bool // Wait has begun: no run starts any more
}

// ErrRunsClosed is what Start says once Wait has begun: a program that
// ended can still have a start command on its way, which must not open
// sockets nobody will close.
var ErrRunsClosed = errors.New("the program has ended: no new run")

// NewRuns returns Runs whose runs end when ctx does.
func NewRuns(ctx context.Context) *Runs {
	return &Runs{ctx: ctx, live: map[*Run]struct{}{}}
}

// Start starts a run of cfg, paused first if paused is set. An address
// that cannot be listened on is reported here, before anything runs.
func (rs *Runs) Start(cfg Config, paused bool) (*Run, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if paused {
		s.Pause()
	}
	// Counted before it starts, under the lock Wait takes first: a run
	// either is waited for or never opens a socket.
	rs.mu.Lock()
	if rs.closed {
		rs.mu.Unlock()
		return nil, ErrRunsClosed
	}
	rs.wg.Add(1)
	rs.mu.Unlock()
	ctx, cancel := context.WithCancel(rs.ctx)
	events, err := s.Start(ctx)
	if err != nil {
		cancel()
		rs.wg.Done()
		return nil, err
	}
	r := &Run{s: s, events: events, cancel: cancel}
	rs.mu.Lock()
	rs.live[r] = struct{}{}
	rs.mu.Unlock()
	go func() {
		defer rs.wg.Done()
		s.Wait()
		cancel()
		rs.mu.Lock()
		delete(rs.live, r)
		rs.mu.Unlock()
	}()
	return r, nil
}

// Live returns how many runs have not ended yet.
func (rs *Runs) Live() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return len(rs.live)
}

// Wait waits until every run started so far has ended. Cancel the context
// given to NewRuns first, or stop each run.
func (rs *Runs) Wait() {
	rs.mu.Lock()
	rs.closed = true
	rs.mu.Unlock()
	rs.wg.Wait()
}

// Run is one started engine: its events and the way to drive and stop
// it.
type Run struct {
	s      *Sim
	events <-chan Event
	cancel context.CancelFunc
}

// Events carries every event of the run (see Session).
func (r *Run) Events() <-chan Event { return r.events }

// Pause stops the run before its next step.
func (r *Run) Pause() { r.s.Pause() }

// Resume lets a paused run go on.
func (r *Run) Resume() { r.s.Resume() }

// Step lets one more event happen while paused.
func (r *Run) Step() { r.s.Step() }

// SetSpeed changes the pacing speed.
func (r *Run) SetSpeed(x float64) error { return r.s.SetSpeed(x) }

// Inject breaks the run on purpose at its next step.
func (r *Run) Inject(kind FaultKind) { r.s.Inject(kind) }

// Port is where the run's server listens.
func (r *Run) Port() uint16 { return r.s.Port() }

// Err is the internal error that ended the run early, if any.
func (r *Run) Err() error { return r.s.Err() }

// Unfired returns the scheduled faults that never fired.
func (r *Run) Unfired() []Unfired { return r.s.Unfired() }

// Stop cancels the run and returns once its sockets are closed.
func (r *Run) Stop() {
	r.cancel()
	r.s.Wait()
}
