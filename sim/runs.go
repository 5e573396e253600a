package sim

import (
	"context"
	"sync"
)

// Runs starts Sims for one program and keeps those still running, so that
// the program can cancel them all and wait until their sockets are closed
// when it ends. A run is forgotten as soon as it has ended.
type Runs struct {
	ctx  context.Context
	mu   sync.Mutex
	live map[*Run]struct{}
	wg   sync.WaitGroup
}

// NewRuns returns Runs whose runs end when ctx does.
func NewRuns(ctx context.Context) *Runs {
	return &Runs{ctx: ctx, live: map[*Run]struct{}{}}
}

// Start starts a run of cfg, paused first if paused is set.
func (rs *Runs) Start(cfg Config, paused bool) (*Run, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if paused {
		s.Pause()
	}
	ctx, cancel := context.WithCancel(rs.ctx)
	events, err := s.Start(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	r := &Run{Sim: s, events: events, cancel: cancel}
	rs.mu.Lock()
	rs.live[r] = struct{}{}
	rs.mu.Unlock()
	rs.wg.Add(1)
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
func (rs *Runs) Wait() { rs.wg.Wait() }

// Run is one started Sim with its events and the way to stop it.
type Run struct {
	*Sim
	events <-chan Event
	cancel context.CancelFunc
}

// Events carries every event of the run; it is closed when the run ends
// or is stopped.
func (r *Run) Events() <-chan Event { return r.events }

// Stop cancels the run and returns once its sockets are closed.
func (r *Run) Stop() {
	r.cancel()
	r.Sim.Wait()
}
