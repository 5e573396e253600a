package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sessionlab/sim/internal/pace"
	"slices"
	"sync"
)

// Config says what a Sim runs and how.
type Config struct {
	// Scenarios run one after another, each on a fresh connection to the
	// same listener.
	Scenarios []Scenario
	// Addr is where the server listens; "" means 127.0.0.1:0 (a free port).
	Addr string
	// Clock stamps events and times pacing; nil means the wall clock.
	Clock Clock
	// Speed scales pacing, from MinSpeed to MaxSpeed; 0 means 1.
	Speed float64
	// Unpaced drops all pacing: every step happens as soon as it can. For
	// transcripts, tests and benchmarks; pause and step still work.
	Unpaced bool
	// Pacing at speed 1; the zero value means DefaultPacing().
	Pacing Pacing
	// ExactCadence makes the data packets' one-second cadence exact to
	// within microseconds on the real clock, by spinning through the last
	// stretch before each one (see spinWindow). It costs up to 1.5 ms of
	// CPU per data packet: right for one learner's machine, wrong where
	// many Sims share a few cores.
	ExactCadence bool
	// LookAtOnce makes a look at the kernel (the acknowledgement check,
	// the half-closed look) report what the kernel says at that instant.
	// Without it a look that has not found the peer's (delayed) ACK waits
	// for it, up to ackWaitLimit of real time, as pacing gives it time to
	// on the real clock. For test matrices that need many runs fast and
	// not that answer; transcripts must not set it.
	LookAtOnce bool
	// Faults to inject at chosen moments (see FaultAt).
	Faults []FaultAt
	// anyPeer lets the server take any connection, not only its own
	// client's: for tests that play a peer themselves.
	anyPeer bool
	// Seed makes the session references the client chooses repeatable;
	// 0 means random ones.
	Seed uint64
}

// Sim runs scenarios on real sockets and reports them as events.
type Sim struct {
	cfg    Config
	clock  Clock
	pacer  *pace.Pacer
	ln     listener
	randMu sync.Mutex
	rand   *rand.Rand // references (transport and session); under randMu: both sides draw from it
	events chan Event
	done   chan struct{}

	emitMu sync.Mutex // held while an event is numbered and sent
	ids    int        // events emitted so far: the last event's ID; under emitMu

	mu      sync.Mutex
	cur     *run      // the scenario running now, for Inject
	last    int       // the last event's ID, for Unfired
	pending []FaultAt // scheduled faults not yet injected
	failed  error     // an internal error (a recovered panic) that ended the Sim
}

// Errors from New and Start.
var (
	errNoScenario = errors.New("no scenario to run")
	ErrSpeed      = fmt.Errorf("speed must be a number from %gx to %gx", MinSpeed, MaxSpeed)
	errStarted    = errors.New("sim already started")
)

// ValidSpeed reports whether x is a pacing speed a Sim accepts. NaN is not.
func ValidSpeed(x float64) bool { return x >= MinSpeed && x <= MaxSpeed }

// New checks cfg and returns a Sim ready to Start.
func New(cfg Config) (*Sim, error) {
	if len(cfg.Scenarios) == 0 {
		return nil, errNoScenario
	}
	for _, sc := range cfg.Scenarios {
		if !sc.Valid() {
			return nil, fmt.Errorf("unknown scenario %d", sc)
		}
	}
	if cfg.Speed == 0 {
		cfg.Speed = 1
	}
	if !ValidSpeed(cfg.Speed) {
		return nil, ErrSpeed
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Clock == nil {
		cfg.Clock = pace.RealClock()
	}
	if cfg.Pacing == (Pacing{}) {
		cfg.Pacing = DefaultPacing()
	}
	for _, f := range cfg.Faults {
		if !f.Kind.Valid() || (f.After < 1 && f.Frame == "") {
			return nil, fmt.Errorf("fault %v: no kind or no moment", f)
		}
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &Sim{cfg: cfg, clock: cfg.Clock, pacer: pace.New(cfg.Clock, cfg.Speed, cfg.Unpaced, cfg.ExactCadence),
		rand: rand.New(rand.NewPCG(seed, seed>>1|1)), done: make(chan struct{}), pending: slices.Clone(cfg.Faults)}, nil
}

// Start listens on the configured address and starts the scenarios. An
// address that cannot be listened on is reported here, before anything
// runs. The returned channel carries every event and is closed once ctx is
// cancelled or the last scenario has ended and every socket and goroutine
// of the Sim is gone.
func (s *Sim) Start(ctx context.Context) (<-chan Event, error) {
	if s.events != nil {
		return nil, errStarted
	}
	if err := s.ln.open(ctx, s.cfg.Addr); err != nil {
		return nil, err
	}
	s.events = make(chan Event, 64)
	stop := context.AfterFunc(ctx, s.ln.close)
	go func() {
		defer close(s.done)
		defer close(s.events)
		defer stop()
		defer s.ln.close()
		defer func() {
			// A panic here is a bug in the scenario runner; it ends this
			// Sim (reported by Err), never the process.
			if p := recover(); p != nil {
				s.fail(fmt.Errorf("internal error: %v", p))
			}
		}()
		for _, sc := range s.cfg.Scenarios {
			if s.runScenario(ctx, sc); ctx.Err() != nil || s.Err() != nil {
				return
			}
		}
	}()
	return s.events, nil
}

// Wait blocks until every goroutine and socket of the Sim is gone. Call it
// after cancelling the context given to Start, or after the event channel
// is closed.
func (s *Sim) Wait() {
	if s.events == nil {
		return
	}
	<-s.done
}

// Err returns the internal error that ended the Sim early, if any: a bug
// in SessionLab, not an outcome of the lesson.
func (s *Sim) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}

func (s *Sim) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == nil {
		s.failed = err
	}
}

// Pause stops the scenario before its next step; nothing further happens
// on the sockets until Resume or Step.
func (s *Sim) Pause() { s.pacer.SetPaused(true) }

// Resume lets a paused scenario run on.
func (s *Sim) Resume() { s.pacer.SetPaused(false) }

// Step lets one more event happen while paused: the one due first.
func (s *Sim) Step() { s.pacer.Step() }

// SetSpeed changes the pacing speed, from MinSpeed to MaxSpeed.
func (s *Sim) SetSpeed(x float64) error {
	if !ValidSpeed(x) {
		return ErrSpeed
	}
	s.pacer.SetSpeed(x)
	return nil
}

// Inject breaks the running scenario on purpose, as soon as the pacing
// lets the next step happen (while paused, at the next step). It never
// blocks; between scenarios it does nothing.
func (s *Sim) Inject(kind FaultKind) {
	s.mu.Lock()
	r := s.cur
	s.mu.Unlock()
	if r != nil {
		r.request(kind)
	}
}

// Unfired returns the scheduled faults (Config.Faults) that never fired,
// each with the reason: the run ended before their moment came. Call it
// after the event channel is closed.
func (s *Sim) Unfired() []Unfired {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Unfired
	for _, f := range s.pending {
		why := fmt.Sprintf("the run ended after event %d", s.last)
		if f.Frame != "" {
			why = "no " + f.Frame + " was sent in this run"
		}
		out = append(out, Unfired{Fault: f, Why: why})
	}
	return out
}

// Unfired is a scheduled fault that never fired, and why.
type Unfired struct {
	Fault FaultAt
	Why   string
}

// emit numbers ev, sends it, and injects the scheduled faults it
// triggers. It returns the event's ID, or ctx's error: then the event was
// not sent. Numbering and sending happen under one lock, so that IDs
// follow the order in which events arrive; it is not s.mu, so that
// Inject never waits for a slow reader.
func (s *Sim) emit(ctx context.Context, ev Event) (int, error) {
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	id := s.ids + 1
	ev = withID(ev, id, s.pacer.Paced())
	select {
	case s.events <- ev:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	s.ids = id
	s.scheduled(ev)
	return id, nil
}

// intN returns a random number in [0, n) from the Sim's source, which a
// Seed makes the same from run to run (on a ManualClock, where the sides
// draw in a fixed order).
func (s *Sim) intN(n int) int {
	s.randMu.Lock()
	defer s.randMu.Unlock()
	return s.rand.IntN(n)
}
