package ui

import (
	"context"
	"sync"

	"sessionlab/sim"
)

// Runs starts lessons on the real engine and keeps every run it started,
// so that the program can cancel them all and wait for their sockets to
// close when it ends.
type Runs struct {
	ctx  context.Context
	addr string
	mu   sync.Mutex
	all  []*sim.Sim
}

// NewRuns returns Runs whose runs listen on addr and end when ctx does.
func NewRuns(ctx context.Context, addr string) *Runs {
	return &Runs{ctx: ctx, addr: addr}
}

// Start starts a run of scenarios; it is a Starter.
func (r *Runs) Start(scenarios []sim.Scenario, o StartOptions) (Session, error) {
	s, err := sim.New(sim.Config{Scenarios: scenarios, Addr: r.addr, Speed: o.Speed, Faults: o.Faults})
	if err != nil {
		return nil, err
	}
	if o.Paused {
		s.Pause()
	}
	ctx, cancel := context.WithCancel(r.ctx)
	events, err := s.Start(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	r.mu.Lock()
	r.all = append(r.all, s)
	r.mu.Unlock()
	return &simSession{Sim: s, events: events, cancel: cancel}, nil
}

// Wait waits for every run started so far to end. Cancel the context
// given to NewRuns first.
func (r *Runs) Wait() {
	r.mu.Lock()
	all := r.all
	r.mu.Unlock()
	for _, s := range all {
		s.Wait()
	}
}

// simSession is a *sim.Sim as the UI drives it.
type simSession struct {
	*sim.Sim
	events <-chan sim.Event
	cancel context.CancelFunc
}

func (s *simSession) Events() <-chan sim.Event { return s.events }

// Stop cancels the run and waits until its sockets are closed.
func (s *simSession) Stop() {
	s.cancel()
	s.Sim.Wait()
}
