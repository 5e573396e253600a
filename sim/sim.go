package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync"
	"time"

	"sessionlab/sim/spdu"
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
	// Faults to inject at chosen moments (see FaultAt).
	Faults []FaultAt
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

	mu      sync.Mutex
	cur     *run      // the scenario running now, for Inject
	count   int       // events emitted so far, markers not counted
	pending []FaultAt // scheduled faults not yet injected
	lnDown  bool      // a stop fault closed the listener
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
	for _, f := range cfg.Faults {
		if f.Kind < FaultReset || f.Kind > FaultStop || (f.After < 1 && f.Frame == "") {
			return nil, fmt.Errorf("fault %v: no kind or no moment", f)
		}
	}
	return &Sim{cfg: cfg, clock: cfg.Clock, pacer: newPacer(cfg.Clock, cfg.Speed, cfg.Unpaced), done: make(chan struct{}),
		pending: slices.Clone(cfg.Faults)}, nil
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

// relisten opens the listener again after a stop fault closed it, on the
// same address (a new port when that is port 0).
func (s *Sim) relisten(ctx context.Context) error {
	s.mu.Lock()
	down := s.lnDown
	s.lnDown = false
	s.mu.Unlock()
	if !down {
		return nil
	}
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.ln = l.(*net.TCPListener)
	s.lnWait = nil
	if f, err := s.ln.File(); err == nil {
		s.lnWait = f
	}
	s.mu.Unlock()
	enableRxTimestamps(s.ln)
	s.mu.Lock()
	s.dialTo = dialAddr(s.ln.Addr().(*net.TCPAddr).AddrPort())
	s.mu.Unlock()
	return nil
}

// dialAddr returns where the client dials.
func (s *Sim) dialAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dialTo
}

// drainAcceptQueue closes connections a failed scenario left queued, so
// that the next scenario's server does not accept a stale one.
func (s *Sim) drainAcceptQueue() {
	if _, w := s.listener(); w != nil {
		drainQueue(w)
	}
}

// listener returns the listener and the duplicate to wait on, which a
// stop fault replaces between scenarios.
func (s *Sim) listener() (*net.TCPListener, *os.File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ln, s.lnWait
}

func (s *Sim) closeListener() {
	ln, w := s.listener()
	ln.Close()
	if w != nil {
		w.Close()
	}
}

// setListenerDeadline wakes (past t) or re-arms (zero t) a server waiting
// on the listener.
func (s *Sim) setListenerDeadline(t time.Time) {
	ln, w := s.listener()
	_ = ln.SetDeadline(t)
	if w != nil {
		_ = w.SetReadDeadline(t)
	}
}

// Addr returns the address the server listens on (after Start).
func (s *Sim) Addr() net.Addr {
	ln, _ := s.listener()
	return ln.Addr()
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

func (s *Sim) emit(ctx context.Context, ev Event) error {
	select {
	case s.events <- ev:
	case <-ctx.Done():
		return ctx.Err()
	}
	s.scheduled(ev)
	return nil
}

// scheduled injects the faults of Config.Faults that ev triggers.
func (s *Sim) scheduled(ev Event) {
	switch ev.(type) {
	case ScenarioStarted, ScenarioEnded:
		return
	}
	s.mu.Lock()
	s.count++
	r := s.cur
	var due []FaultKind
	kept := s.pending[:0]
	for _, f := range s.pending {
		sent, isSent := ev.(Sent)
		if f.After == s.count || (f.Frame != "" && isSent && frameLabel(sent.Frame) == f.Frame) {
			due = append(due, f.Kind)
		} else {
			kept = append(kept, f)
		}
	}
	s.pending = kept
	s.mu.Unlock()
	if r != nil {
		for _, k := range due {
			r.request(k)
		}
	}
}

// frameLabel names a frame as faults and the wire do: "DT 3", "MIP 1", "CN".
func frameLabel(f spdu.Frame) string {
	switch {
	case f.Has.Has(spdu.PSeq):
		return fmt.Sprintf("%v %d", f.Kind, f.Seq)
	case f.Has.Has(spdu.PSerial):
		return fmt.Sprintf("%v %d", f.Kind, f.Serial)
	}
	return f.Kind.String()
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
	stall    time.Duration  // a stall fault waiting for the next frame
	faulted  bool           // a fault was injected in this scenario

	client, server *endpoint
	faults         chan FaultKind // requests for the dispatcher
	dispatched     bool           // the dispatcher takes no more requests; under mu
	sidesDone      chan struct{}  // closed when both sides have returned
}

// request asks for a fault without blocking; more than a few at once are
// dropped. A fault asked for counts as work from this moment (until the
// goroutine that applies it takes over the count): otherwise a manual
// clock, or a step, could move on before it is applied, or the scenario
// could even end with it unapplied.
func (r *run) request(kind FaultKind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dispatched {
		return // the scenario is over
	}
	select {
	case r.faults <- kind:
		r.sim.pacer.adjust(+1)
	default:
	}
}

// dispatch runs for the whole scenario and starts a goroutine for each
// fault requested, which waits for its turn at the pacer like any step.
// Faults already asked for are always applied, even when the sides have
// just finished.
func (r *run) dispatch() {
	defer r.wg.Done()
	start := func(kind FaultKind) {
		r.mu.Lock()
		r.faulted = true
		r.mu.Unlock()
		r.wg.Add(1)
		go func() { // it has the count request took
			defer r.wg.Done()
			defer r.sim.pacer.adjust(-1)
			if r.sim.pacer.wait(r.ctx, r.sim.pacer.now()) == nil {
				r.apply(kind)
			}
		}()
	}
	for {
		select {
		case kind := <-r.faults:
			start(kind)
			continue
		default:
		}
		select {
		case kind := <-r.faults:
			start(kind)
		case <-r.sidesDone:
		case <-r.ctx.Done():
		}
		if r.ctx.Err() != nil || isClosed(r.sidesDone) {
			r.mu.Lock()
			r.dispatched = true
			r.mu.Unlock()
			for {
				select {
				case kind := <-r.faults:
					start(kind)
				default:
					return
				}
			}
		}
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// wasFaulted reports whether a fault was injected in this scenario.
func (r *run) wasFaulted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.faulted
}

// takeStall hands the stall waiting for the next frame, if any, to the
// caller, scaled to pacing time.
func (r *run) takeStall() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.stall
	r.stall = 0
	return d
}

// apply does what a fault does.
func (r *run) apply(kind FaultKind) {
	switch kind {
	case FaultReset:
		e := r.client
		ev := r.crash(e, kind, func() { e.faulted = true })
		_ = r.sim.emit(r.ctx, ev)
	case FaultStop:
		e := r.server
		ev := r.crash(e, kind, func() { e.stopped = true })
		r.sim.mu.Lock()
		r.sim.lnDown = true
		r.sim.mu.Unlock()
		r.sim.closeListener()
		_ = r.sim.emit(r.ctx, ev)
	case FaultStall:
		r.mu.Lock()
		r.stall = StallDelay
		r.mu.Unlock()
		_ = r.sim.emit(r.ctx, Faulted{Header: Header{At: r.sim.clock.Now(), Scenario: r.scenario, Note: NoteFault}, Fault: kind, Delay: StallDelay})
	}
}

// crash closes e's connection at once, with linger 0 so that its kernel
// sends an RST, as a reset or a dying process would; mark records why
// (under e's lock, so e's own goroutines see it with the error). It
// returns the event that reports it.
func (r *run) crash(e *endpoint, kind FaultKind, mark func()) Faulted {
	c := e.socket()
	if c != nil {
		r.sim.pacer.writing(e.out()) // before the RST can wake the peer
	}
	e.mu.Lock()
	mark()
	if c != nil {
		_ = c.SetLinger(0)
		_ = c.Close()
	}
	e.mu.Unlock()
	ev := Faulted{Header: e.header(NoteFault), Fault: kind, None: c == nil}
	if c != nil {
		ev.After = kernelState(e.local, e.remote)
	}
	return ev
}

func (s *Sim) runScenario(parent context.Context, sc Scenario) {
	ctx, cancel := context.WithCancelCause(parent)
	r := &run{sim: s, scenario: sc, ctx: ctx, cancel: cancel, conns: map[*net.TCPConn]struct{}{},
		faults: make(chan FaultKind, 4), sidesDone: make(chan struct{})}
	r.client, r.server = newEndpoint(r, Client), newEndpoint(r, Server)
	if err := s.relisten(ctx); err != nil {
		cancel(nil)
		_ = s.emit(parent, ScenarioEnded{Header: Header{At: s.clock.Now(), Scenario: sc}, Err: err})
		return
	}
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
	s.mu.Lock()
	s.cur = r
	s.mu.Unlock()
	var sides sync.WaitGroup
	sides.Add(2)
	r.spawn(r.server, sp.server, sides.Done)
	r.spawn(r.client, sp.client, sides.Done)
	r.wg.Add(2)
	go r.dispatch()
	go func() {
		defer r.wg.Done()
		sides.Wait()
		close(r.sidesDone)
	}()
	r.wg.Wait()
	s.mu.Lock()
	s.cur = nil
	s.mu.Unlock()
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
func (r *run) spawn(e *endpoint, fn func(*endpoint) error, done func()) {
	r.wg.Add(1)
	r.sim.pacer.adjust(+1)
	go func() {
		defer r.wg.Done()
		defer done()
		defer r.sim.pacer.adjust(-1)
		err := func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("%v side failed: %v", e.side, p)
				}
			}()
			return fn(e)
		}()
		switch {
		case err == nil || r.ctx.Err() != nil:
		case errors.Is(err, errAborted):
			// Reported by the side's Aborted event: an outcome, not a failure.
		case e.isStopped():
			// A stopped server just ends; its Faulted event said so.
		case r.wasFaulted():
			// After a fault anything can break; the side says how, as a
			// provider abort, and the scenario ends without failing.
			_ = e.abort(lostReason(err))
		default:
			r.cancel(fmt.Errorf("%v: %w", e.side, err))
		}
		e.forget()
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
