package sim

import (
	"context"
	"net/netip"
	"sessionlab/sim/internal/pace"
	"slices"
	"sync"
	"time"
)

// wire is the one record of what a run put on its connections: each
// frame, FIN and RST from the moment it is written until the peer's event
// takes it off, or its socket is gone. Events carry what it says (see
// Wire), so that nobody downstream has to work it out again.
//
// It also keeps cause before effect: an event that takes something off
// the wire is emitted only after the event that put it on (unpaced, the
// reader can be quicker than the writer's own event).
type wire struct {
	mu       sync.Mutex
	n        int                       // connections numbered so far
	conns    map[[2]netip.AddrPort]int // the latest connection between two addresses
	accepted map[[2]netip.AddrPort]int // the latest connection the server accepted between them
	q        map[pace.Flow][]*carried  // per direction: on the wire, in order
	fin      map[pace.Flow]bool        // a FIN already went out this way
	rst      map[pace.Flow]bool        // an RST went out this way: the connection is gone
}

// carried is one thing on the wire.
type carried struct {
	what    Carrier
	name    FrameName // a frame's name, as its sender gave it
	wroteAt time.Time // wall clock when the write began, for the transit time
	id      int       // the event that put it on; set by settle
	settled chan struct{}
}

func newWire() *wire {
	return &wire{conns: map[[2]netip.AddrPort]int{}, accepted: map[[2]netip.AddrPort]int{},
		q: map[pace.Flow][]*carried{}, fin: map[pace.Flow]bool{}, rst: map[pace.Flow]bool{}}
}

func pair(a, b netip.AddrPort) [2]netip.AddrPort {
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	return [2]netip.AddrPort{a, b}
}

// Connections are numbered in the order the client makes them: 1 for the
// run's first, 2 for the next. A new connection can get the same two
// addresses as one before it (after a reset the kernel may hand out the
// same port), so the number cannot be derived from the addresses.

// dialing numbers the connection the client is about to make between a
// and b. A dial that fails gives its number back with undial.
func (w *wire) dialing(a, b netip.AddrPort) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	w.conns[pair(a, b)] = w.n
	return w.n
}

// undial gives back the number of a dial that failed, if no later one
// took a number since.
func (w *wire) undial(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n == w.n {
		w.n--
	}
}

// acceptedConn returns the number of the connection the server just
// accepted: the one the client numbered between the same addresses before
// its handshake. ok is false for a connection the run's client did not
// make (another program's), or one it already accepted: the server must
// not take it for its client's.
func (w *wire) acceptedConn(a, b netip.AddrPort) (n int, ok bool) {
	p := pair(a, b)
	w.mu.Lock()
	defer w.mu.Unlock()
	n, ok = w.conns[p]
	if !ok || n == w.accepted[p] {
		return 0, false
	}
	w.accepted[p] = n
	return n, true
}

// dialedFrom reports whether the run's client made a connection from a.
func (w *wire) dialedFrom(a netip.AddrPort) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range w.conns {
		if p[0] == a || p[1] == a {
			return true
		}
	}
	return false
}

// ownConn numbers a connection the server takes although its client did
// not make it (where the server cannot tell: see kernel.BindsFirst).
func (w *wire) ownConn(a, b netip.AddrPort) int {
	p := pair(a, b)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	w.conns[p], w.accepted[p] = w.n, w.n
	return w.n
}

// put records that what is about to go out on f. Call it before the
// socket operation; then settle it with the event's ID, or withdraw it if
// the operation failed.
func (w *wire) put(f pace.Flow, what Carrier, name FrameName) *carried {
	c := &carried{what: what, name: name, wroteAt: time.Now(), settled: make(chan struct{})}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.q[f] = append(w.q[f], c)
	switch what {
	case CarryFIN:
		w.fin[f] = true
	case CarryRST:
		w.rst[f] = true
	}
	return c
}

// finSent reports whether a FIN already went out on f.
func (w *wire) finSent(f pace.Flow) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fin[f]
}

// rstSent reports whether an RST went out on f.
func (w *wire) rstSent(f pace.Flow) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rst[f]
}

// settle records the ID of the event that put c on the wire (0: the event
// was not sent, the run is over).
func (c *carried) settle(id int) {
	c.id = id
	close(c.settled)
}

// withdraw takes c off again: the operation failed, nothing went out.
func (w *wire) withdraw(f pace.Flow, c *carried) {
	w.mu.Lock()
	if i := slices.Index(w.q[f], c); i >= 0 {
		w.q[f] = slices.Delete(w.q[f], i, i+1)
	}
	w.mu.Unlock()
	c.settle(0)
}

// takeOff removes the first thing of kind what on f, and everything
// before it, which will never be read (frames ahead of an RST). It
// returns nil when nothing of that kind is on its way.
func (w *wire) takeOff(f pace.Flow, what Carrier) (c *carried, lost []*carried) {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.q[f]
	for i, it := range q {
		if it.what == what {
			w.q[f] = q[i+1:]
			return it, q[:i]
		}
	}
	return nil, nil
}

// lostOn removes everything on its way on f: its reader's socket is gone.
func (w *wire) lostOn(f pace.Flow) []*carried {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.q[f]
	delete(w.q, f)
	return q
}

// idOf waits until c's event is emitted and returns its ID (0: none).
func idOf(ctx context.Context, c *carried) int {
	if c == nil {
		return 0
	}
	select {
	case <-c.settled:
		return c.id
	case <-ctx.Done():
		return 0
	}
}

// idsOf is idOf for each, leaving out those never emitted.
func idsOf(ctx context.Context, cs []*carried) []int {
	var ids []int
	for _, c := range cs {
		if id := idOf(ctx, c); id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}
