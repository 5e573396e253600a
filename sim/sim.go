package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"
)

// Config says what a Sim runs and how.
type Config struct {
	// Scenarios run one after another, each on a fresh connection to the
	// same listener.
	Scenarios []Scenario
	// Addr is where the server listens; "" means 127.0.0.1:0 (a free port).
	Addr string
	// Clock stamps events and times pacing; nil means RealClock.
	Clock Clock
	// Speed scales pacing, from MinSpeed to MaxSpeed; 0 means 1.
	Speed float64
	// Unpaced drops all pacing: every step happens as soon as it can. For
	// tests and benchmarks; pause and step still work.
	Unpaced bool
	// Pacing at speed 1; the zero value means DefaultPacing.
	Pacing Pacing
}

// Sim runs scenarios on real sockets and reports them as events.
type Sim struct {
	cfg    Config
	clock  Clock
	pacer  *pacer
	ln     *net.TCPListener
	lnWait *os.File // a duplicate of ln's descriptor that can be waited on without accepting
	dialTo string
	events chan Event
	done   chan struct{}
}

// Errors from New and Start.
var (
	ErrNoScenario = errors.New("no scenario to run")
	ErrSpeed      = fmt.Errorf("speed must be from %gx to %gx", MinSpeed, MaxSpeed)
	ErrStarted    = errors.New("sim already started")
)

// New checks cfg and returns a Sim ready to Start.
func New(cfg Config) (*Sim, error) {
	if len(cfg.Scenarios) == 0 {
		return nil, ErrNoScenario
	}
	for _, sc := range cfg.Scenarios {
		if scriptFor(sc).server == nil {
			return nil, fmt.Errorf("unknown scenario %d", sc)
		}
	}
	if cfg.Speed == 0 {
		cfg.Speed = 1
	}
	if cfg.Speed < MinSpeed || cfg.Speed > MaxSpeed {
		return nil, ErrSpeed
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock()
	}
	if cfg.Pacing == (Pacing{}) {
		cfg.Pacing = DefaultPacing
	}
	return &Sim{cfg: cfg, clock: cfg.Clock, pacer: newPacer(cfg.Clock, cfg.Speed, cfg.Unpaced), done: make(chan struct{})}, nil
}

// Start listens on the configured address and starts the scenarios. An
// address that cannot be listened on is reported here, before anything
// runs. The returned channel carries every event and is closed once ctx is
// cancelled or the last scenario has ended and every socket and goroutine
// of the Sim is gone.
func (s *Sim) Start(ctx context.Context) (<-chan Event, error) {
	if s.events != nil {
		return nil, ErrStarted
	}
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return nil, err
	}
	s.ln = l.(*net.TCPListener)
	enableRxTimestamps(s.ln)
	// A listener's raw connection cannot wait for readability; a duplicate
	// of its descriptor, as an *os.File, can.
	if f, err := s.ln.File(); err == nil {
		s.lnWait = f
	}
	s.dialTo = dialAddr(s.ln.Addr().(*net.TCPAddr).AddrPort())
	s.events = make(chan Event, 64)
	stop := context.AfterFunc(ctx, s.closeListener)
	go func() {
		defer close(s.done)
		defer close(s.events)
		defer stop()
		defer s.closeListener()
		for _, sc := range s.cfg.Scenarios {
			if s.runScenario(ctx, sc); ctx.Err() != nil {
				return
			}
		}
	}()
	return s.events, nil
}

// dialAddr turns a listening address into one a client can dial: a
// wildcard listener is reached on loopback.
func dialAddr(ap netip.AddrPort) string {
	a := ap.Addr()
	if a.IsUnspecified() {
		a = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		if ap.Addr().Is6() && !ap.Addr().Is4In6() {
			a = netip.IPv6Loopback()
		}
	}
	return netip.AddrPortFrom(a, ap.Port()).String()
}

// drainAcceptQueue closes connections a failed scenario left queued, so
// that the next scenario's server does not accept a stale one.
func (s *Sim) drainAcceptQueue() {
	if s.lnWait != nil {
		drainQueue(s.lnWait)
	}
}

func (s *Sim) closeListener() {
	s.ln.Close()
	if s.lnWait != nil {
		s.lnWait.Close()
	}
}

// setListenerDeadline wakes (past t) or re-arms (zero t) a server waiting
// on the listener.
func (s *Sim) setListenerDeadline(t time.Time) {
	_ = s.ln.SetDeadline(t)
	if s.lnWait != nil {
		_ = s.lnWait.SetReadDeadline(t)
	}
}

// Addr returns the address the server listens on (after Start).
func (s *Sim) Addr() net.Addr { return s.ln.Addr() }

// Wait blocks until every goroutine and socket of the Sim is gone. Call it
// after cancelling the context given to Start, or after the event channel
// is closed.
func (s *Sim) Wait() {
	if s.events == nil {
		return
	}
	<-s.done
}

// Pause stops the scenario before its next step; nothing further happens
// on the sockets until Resume or Step.
func (s *Sim) Pause() { s.pacer.setPaused(true) }

// Resume lets a paused scenario run on.
func (s *Sim) Resume() { s.pacer.setPaused(false) }

// Paused reports whether the Sim is paused.
func (s *Sim) Paused() bool { return s.pacer.isPaused() }

// Step lets one more event happen while paused: the one due first.
func (s *Sim) Step() { s.pacer.step() }

// SetSpeed changes the pacing speed, from MinSpeed to MaxSpeed.
func (s *Sim) SetSpeed(x float64) error {
	if x < MinSpeed || x > MaxSpeed {
		return ErrSpeed
	}
	s.pacer.setSpeed(x)
	return nil
}

// Speed returns the pacing speed.
func (s *Sim) Speed() float64 { return s.pacer.getSpeed() }

func (s *Sim) emit(ctx context.Context, ev Event) error {
	select {
	case s.events <- ev:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run is one scenario's shared bookkeeping. The two sides never use it to
// talk to each other; it holds the sockets to close on cancel and the
// timings used to measure (not to drive) what happens on the wire.
type run struct {
	sim      *Sim
	scenario Scenario
	ctx      context.Context
	cancel   context.CancelCauseFunc
	wg       sync.WaitGroup

	mu       sync.Mutex
	conns    map[*net.TCPConn]struct{}
	dialedAt time.Time      // when the client's connect returned, on the Sim's clock
	writes   [3][]time.Time // per sending side: when each frame's write began
}

func (s *Sim) runScenario(parent context.Context, sc Scenario) {
	ctx, cancel := context.WithCancelCause(parent)
	r := &run{sim: s, scenario: sc, ctx: ctx, cancel: cancel, conns: map[*net.TCPConn]struct{}{}}
	s.setListenerDeadline(time.Time{})
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { r.closeAll(); close(closed) })
	// AfterFunc runs on its own goroutine: wait for it, so that it cannot
	// expire the listener's deadline after the next scenario has reset it.
	defer func() {
		if !stop() {
			<-closed
		}
		s.drainAcceptQueue()
	}()
	if s.emit(parent, ScenarioStarted{Header{At: s.clock.Now(), Scenario: sc}}) != nil {
		cancel(nil)
		return
	}
	sp := scriptFor(sc)
	s.pacer.startScenario()
	r.spawn(newEndpoint(r, Server), sp.server)
	r.spawn(newEndpoint(r, Client), sp.client)
	r.wg.Wait()
	err := context.Cause(ctx)
	if errors.Is(err, context.Canceled) {
		err = nil // both sides finished, or the whole run was cancelled
	}
	cancel(nil)
	_ = s.emit(parent, ScenarioEnded{Header: Header{At: s.clock.Now(), Scenario: sc}, Err: err})
}

// spawn runs fn for endpoint e on its own goroutine. The first side to fail
// cancels the scenario, which closes its sockets, so the other side's
// blocked reads end too.
func (r *run) spawn(e *endpoint, fn func(*endpoint) error) {
	r.wg.Add(1)
	r.sim.pacer.adjust(+1)
	go func() {
		defer r.wg.Done()
		defer r.sim.pacer.adjust(-1)
		err := func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("%v side failed: %v", e.side, p)
				}
			}()
			return fn(e)
		}()
		if err != nil && r.ctx.Err() == nil {
			r.cancel(fmt.Errorf("%v: %w", e.side, err))
		}
	}()
}

func (r *run) track(c *net.TCPConn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx.Err() != nil {
		c.Close()
		return false
	}
	r.conns[c] = struct{}{}
	return true
}

func (r *run) untrack(c *net.TCPConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.conns, c)
}

// closeAll closes the scenario's sockets and wakes a server waiting on the
// shared listener.
func (r *run) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.conns {
		c.Close()
		delete(r.conns, c)
	}
	r.sim.setListenerDeadline(time.Unix(1, 0))
}

// wrote records when a frame's write began, for the transit measurement.
func (r *run) wrote(side Side, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes[side] = append(r.writes[side], at)
}

// arrived returns when the peer began writing the next frame to arrive at
// side, in order.
func (r *run) arrived(side Side) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.writes[side.Peer()]
	if len(q) == 0 {
		return time.Time{}
	}
	at := q[0]
	r.writes[side.Peer()] = q[1:]
	return at
}
