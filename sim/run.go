package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sessionlab/sim/internal/pace"
	"sync"
	"time"
)

// run is one scenario's shared bookkeeping. The two sides never use it to
// talk to each other; it holds the sockets to close on cancel, what is on
// the wire, and the faults asked for.
type run struct {
	sim      *Sim
	scenario Scenario
	ctx      context.Context
	cancel   context.CancelCauseFunc
	group    *pace.Group // every goroutine of the scenario
	script   script
	wire     *wire
	opened   bool // the listening socket was opened for this scenario

	mu       sync.Mutex
	conns    map[*net.TCPConn]struct{}
	dialed   time.Time     // when the client's connect returned, on the Sim's clock
	stall    time.Duration // a stall fault waiting for the next frame
	faulted  bool          // a fault was injected in this scenario
	lastKind FaultKind     // the last fault injected

	client, server *endpoint
	faults         chan request  // requests for the dispatcher
	dispatched     bool          // the dispatcher takes no more requests; under mu
	sidesDone      chan struct{} // closed when both sides have returned
}

// goCounted runs fn on a new goroutine of the scenario, counted at work
// until fn returns (see package pace: the pacing contract). A panic in fn
// ends the scenario with an internal error instead of the process.
func (r *run) goCounted(fn func()) { r.group.Go(fn) }

// goWaiter runs fn, which only waits and hands work on to counted
// goroutines (the fault dispatcher, the watcher of the two sides), on a
// goroutine that is never counted at work.
func (r *run) goWaiter(fn func()) { r.group.GoWaiter(fn) }

// failed ends the scenario after a panic: it fails with an internal
// error (SessionLab's bug, never the learner's), and every other run in
// the process goes on.
func (r *run) failed(p any) { r.cancel(fmt.Errorf("internal error: %v", p)) }

// recoverPanic is failed for a panic in the caller's own frame.
func (r *run) recoverPanic() {
	if p := recover(); p != nil {
		r.failed(p)
	}
}

func (s *Sim) runScenario(parent context.Context, sc Scenario) {
	ctx, cancel := context.WithCancelCause(parent)
	r := &run{sim: s, scenario: sc, script: scriptFor(sc), ctx: ctx, cancel: cancel, wire: newWire(), conns: map[*net.TCPConn]struct{}{},
		faults: make(chan request, 4), sidesDone: make(chan struct{})}
	r.group = s.pacer.NewGroup(r.failed)
	r.client, r.server = newEndpoint(r, Client), newEndpoint(r, Server)
	reopened, err := s.ln.reopen(ctx)
	if err != nil {
		cancel(nil)
		_, _ = s.emit(parent, ScenarioEnded{Header: Header{At: s.clock.Now(), Scenario: sc}, Err: err})
		return
	}
	r.opened = reopened || sc == s.cfg.Scenarios[0]
	s.ln.setDeadline(time.Time{})
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { r.closeAll(); close(closed) })
	// AfterFunc runs on its own goroutine: wait for it, so that it cannot
	// expire the listener's deadline after the next scenario has reset it.
	defer func() {
		if !stop() {
			<-closed
		}
	}()
	// The run takes faults from its first event on, its own start included.
	s.mu.Lock()
	s.cur = r
	s.mu.Unlock()
	if _, err := s.emit(parent, ScenarioStarted{Header{At: s.clock.Now(), Scenario: sc}}); err != nil {
		cancel(nil)
		r.mu.Lock()
		r.dispatched = true
		r.mu.Unlock()
		s.mu.Lock()
		s.cur = nil
		s.mu.Unlock()
		return
	}
	sp := r.script
	s.pacer.StartScenario()
	var sides sync.WaitGroup
	sides.Add(2)
	r.spawn(r.server, sp.server, sides.Done)
	r.spawn(r.client, sp.client, sides.Done)
	r.goWaiter(r.dispatch)
	r.goWaiter(func() {
		sides.Wait()
		close(r.sidesDone)
	})
	r.group.Wait()
	s.mu.Lock()
	s.cur = nil
	s.mu.Unlock()
	err = context.Cause(ctx)
	if errors.Is(err, context.Canceled) {
		err = nil // both sides finished, or the whole run was cancelled
	}
	cancel(nil)
	r.turnAwayQueued(parent)
	_, _ = s.emit(parent, ScenarioEnded{Header: Header{At: s.clock.Now(), Scenario: sc}, Err: err})
}

// turnAwayQueued closes what is still queued on the listener when the
// scenario ends: what its own client left (a reconnect nobody accepted)
// silently, any other program's connection with the line a stranger gets.
func (r *run) turnAwayQueued(ctx context.Context) {
	for _, peer := range r.sim.ln.drain() {
		if r.wire.dialedFrom(peer) {
			continue
		}
		h := Header{At: r.sim.clock.Now(), Scenario: r.scenario, Side: Server, Local: r.sim.ln.local(), Remote: peer, Speed: r.sim.pacer.Speed()}
		_, _ = r.sim.emit(ctx, Rejected{Header: h})
	}
}

// spawn runs fn for endpoint e on its own goroutine. The first side to fail
// cancels the scenario, which closes its sockets, so the other side's
// blocked reads end too.
func (r *run) spawn(e *endpoint, fn func(*endpoint) error, done func()) {
	r.goCounted(func() {
		defer done()
		defer e.forget()
		// A panic is the scenario's cause of failure: recorded before
		// forget closes the socket, or the peer's read of that close
		// would be taken for the cause.
		defer r.recoverPanic()
		err := fn(e)
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
	})
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
	r.sim.ln.setDeadline(time.Unix(1, 0))
}

// noteDialed records when the client's connect returned.
func (r *run) noteDialed(at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dialed = at
}

// dialedAt returns when the client's connect returned (zero: not yet).
func (r *run) dialedAt() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dialed
}
