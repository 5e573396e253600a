package sim

import "context"

// Record runs cfg to its end and returns every event, and the scheduled
// faults that never fired. On a ManualClock it drives the clock (see
// ManualClock.Drive), so that a paced run plays out at once, in the order
// it would have in real time. ctx bounds the run: when it ends first,
// Record returns what happened so far with ctx's error.
func Record(ctx context.Context, cfg Config) ([]Event, []Unfired, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, nil, err
	}
	ch, err := s.Start(ctx)
	if err != nil {
		return nil, nil, err
	}
	driveCtx, stopDrive := context.WithCancel(ctx)
	driven := make(chan struct{})
	go func() {
		defer close(driven)
		if clk, ok := cfg.Clock.(*ManualClock); ok {
			clk.Drive(driveCtx)
		}
	}()
	var evs []Event
	for ev := range ch {
		evs = append(evs, ev)
	}
	stopDrive()
	<-driven
	s.Wait()
	if err := ctx.Err(); err != nil {
		return evs, nil, err
	}
	return evs, s.Unfired(), s.Err()
}

// RecordStepped runs cfg as a guided learner does, paused, one step of
// the run asked for after each event, and returns every event. The order
// of events that happen side by side is the one a guided run shows,
// which a manual clock (Record) may order otherwise: paused, a step jumps
// the timeline to the action due first. It waits for nothing but the
// kernel (a look for a delayed ACK).
func RecordStepped(ctx context.Context, cfg Config) ([]Event, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	s.Pause()
	ch, err := s.Start(ctx)
	if err != nil {
		return nil, err
	}
	var evs []Event
	s.Step()
	for ev := range ch {
		evs = append(evs, ev)
		s.Step()
	}
	s.Wait()
	if err := ctx.Err(); err != nil {
		return evs, err
	}
	return evs, s.Err()
}
