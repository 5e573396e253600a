package sim

import (
	"context"
	"net"
	"net/netip"
	"sessionlab/sim/internal/kernel"
	"sessionlab/sim/internal/pace"
	"slices"
	"sync"
	"time"
)

// state is what an endpoint's events report about it.
type state struct {
	sync    SyncVars
	log     Ledger
	session sessionPhase
}

// endpoint is one side's paced socket layer: its socket, the state its
// events report, and the primitives a step is made of. Each primitive
// waits for the pacer, performs one real socket operation, and emits the
// event describing it (see the package documentation: adding a paced
// action). The protocol scripts drive it: clientSession (client.go) and
// serverSession (server.go), the opening (open.go, transport.go), the
// release and the abort (release.go). They decide what to send and what a
// frame means; they never touch the socket themselves.
type endpoint struct {
	r    *run
	side Side

	conn          *net.TCPConn // set and cleared by the side's own goroutines, under mu
	local, remote netip.AddrPort
	// cctx lives as long as this side keeps its connection: a read waiting
	// its turn ends with it when the side lets the connection go.
	cctx    context.Context
	cancelC context.CancelFunc
	// The transport connection's references (ISO 8073): this side's own
	// and its peer's.
	ownRef, peerRef uint16
	connNo          int // the run's number for the side's connection (see wire.dialing)

	mu      sync.Mutex // guards st, conn and the fault flags: faults act from other goroutines
	st      state
	faulted bool // a fault closed this side's connection under it
	stopped bool // a fault stopped this side (the server)
	// faultSaid is closed once the event of the fault that closed this
	// side's connection is out: what the side reports about the loss must
	// come after it (cause before effect).
	faultSaid chan struct{}

	inbox  []byte     // bytes read but not yet decoded
	queued []Received // frames from the last read not yet handed over
	wbuf   []byte
}

func newEndpoint(r *run, side Side) *endpoint {
	return &endpoint{r: r, side: side, inbox: make([]byte, 0, 4096), wbuf: make([]byte, 0, 512)}
}

func (e *endpoint) pacing() Pacing { return e.r.sim.cfg.Pacing }

// after returns the virtual time d from now.
func (e *endpoint) after(d time.Duration) time.Duration { return e.r.sim.pacer.Now() + d }

// pace waits for the turn of an action due at virtual time due.
func (e *endpoint) pace(due time.Duration) error {
	return e.r.sim.pacer.Wait(e.r.ctx, due)
}

// emit sends ev and returns its ID.
//
// A side a fault stopped (the server) does nothing more: past the fault's
// own event, what its goroutine was in the middle of (a commit, a reply)
// is not told, and it ends.
func (e *endpoint) emit(ev Event) (int, error) {
	if f, ok := ev.(Faulted); e.isStopped() && !(ok && f.Fault == FaultStop) {
		return 0, errStopped
	}
	return e.r.sim.emit(e.r.ctx, ev)
}

// emitWire emits ev, which put c on the wire, and settles c with its ID
// (with 0 when the run is over and ev was not sent).
func (e *endpoint) emitWire(ev Event, c *carried) error {
	id, err := e.emit(ev)
	if c != nil {
		c.settle(id)
	}
	return err
}

// current returns a copy of the side's state as it is now.
func (e *endpoint) current() state {
	e.mu.Lock()
	defer e.mu.Unlock()
	return state{sync: e.st.sync, log: Ledger{Pending: slices.Clone(e.st.log.Pending), Confirmed: slices.Clone(e.st.log.Confirmed)},
		session: e.st.session}
}

// update applies fn to the endpoint's state.
func (e *endpoint) update(fn func(*state)) {
	if fn == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	fn(&e.st)
}

// header describes the endpoint as it is now.
func (e *endpoint) header(note Note) Header {
	e.mu.Lock()
	conn, faulted := e.conn, e.faulted || e.stopped
	e.mu.Unlock()
	h := Header{At: e.r.sim.clock.Now(), Scenario: e.r.scenario, Side: e.side, Local: e.local, Remote: e.remote,
		Note: note, Speed: e.r.sim.pacer.Speed()}
	h.Wire.Conn = e.connNo
	if conn != nil && !faulted {
		h.TCP = kernel.Info(conn)
		// Once the kernel moves a connection to TIME_WAIT it hands it to a
		// new object, and TCP_INFO on the old descriptor says CLOSE; the
		// connection's real state is in the kernel's tables.
		if h.TCP.Known && h.TCP.State == StateClose {
			if k := kernel.Lookup(e.local, e.remote); k.Known {
				h.TCP = k
			}
		}
	}
	e.mu.Lock()
	h.Sync = e.st.sync
	h.Log = Ledger{Pending: slices.Clone(e.st.log.Pending), Confirmed: slices.Clone(e.st.log.Confirmed)}
	e.mu.Unlock()
	return h
}

// attach makes c the side's connection; the server gives its run's
// number for it (see wire.dialing), the client numbered it when it dialled.
func (e *endpoint) attach(c *net.TCPConn, connNo int) error {
	if !e.r.track(c) {
		return e.r.ctx.Err()
	}
	if e.side == Server {
		e.connNo = connNo
	}
	cctx, cancel := context.WithCancel(e.r.ctx)
	e.mu.Lock()
	e.conn, e.faulted = c, false
	e.local = c.LocalAddr().(*net.TCPAddr).AddrPort()
	e.remote = c.RemoteAddr().(*net.TCPAddr).AddrPort()
	e.cctx, e.cancelC = cctx, cancel
	e.mu.Unlock()
	kernel.StampReceives(c)
	e.inbox, e.queued = e.inbox[:0], nil
	return nil
}

// socket returns the side's socket. Only the side's own goroutines use
// it; a fault may close it under them, which their operations then report.
func (e *endpoint) socket() *net.TCPConn {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.conn
}

// detach forgets the side's socket once it is closed.
func (e *endpoint) detach() {
	e.mu.Lock()
	e.conn = nil
	e.mu.Unlock()
	e.letGo()
}

// letGo ends the connection's context: what waits on it stops.
func (e *endpoint) letGo() {
	e.mu.Lock()
	cancel := e.cancelC
	e.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// connCtx is the context of the side's current connection.
func (e *endpoint) connCtx() context.Context {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cctx == nil {
		return e.r.ctx
	}
	return e.cctx
}

// isFaulted reports whether a fault closed this side's connection.
func (e *endpoint) isFaulted() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.faulted || e.stopped
}

// isStopped reports whether a fault stopped this side.
func (e *endpoint) isStopped() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stopped
}

// in and out name the directions of the side's connection.
func (e *endpoint) in() pace.Flow {
	return pace.FlowTo(e.connNo, e.local, e.remote, uint8(e.side))
}
func (e *endpoint) out() pace.Flow {
	return pace.FlowTo(e.connNo, e.local, e.remote, uint8(e.side.Peer()))
}

// listenerFlow is where dials to the server's listener go.
func listenerFlow() pace.Flow { return pace.ListenerFlow(uint8(Server)) }

// takeLost takes off the wire whatever is on its way to this side, whose
// socket is about to go. Call it before putting this side's own FIN or
// RST on the wire: the peer may be closing at the same moment, and each
// side's event then waits for the other's to be told (lost, below) only
// if it took the other's FIN or RST before it put its own, which two
// sides cannot both do.
func (e *endpoint) takeLost() []*carried {
	if !e.local.IsValid() {
		return nil
	}
	return e.r.wire.lostOn(e.in())
}

// lost names, for the event about to be made, what takeLost took: the
// IDs of the events that put it on the wire, each told before this one.
func (e *endpoint) lost(h *Header, taken []*carried) {
	h.Wire.Lost = idsOf(e.r.ctx, taken)
}

// afterFault waits until the event of a fault that closed this side's
// socket has been emitted, if one did: what the fault caused (a failed
// read, an abort) is never told before the fault itself.
func (e *endpoint) afterFault() {
	e.mu.Lock()
	said := e.faultSaid
	e.mu.Unlock()
	if said != nil {
		select {
		case <-said:
		case <-e.r.ctx.Done():
		}
	}
}
