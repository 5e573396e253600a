package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"

	"sessionlab/sim/spdu"
)

// errEOF is the end of the peer's byte stream: it sent a FIN.
var errEOF = io.EOF

// ProtocolError is a frame that breaks the session protocol: one the
// scenario did not expect at this point, or bytes that do not decode.
type ProtocolError struct {
	Side Side
	Want string
	Got  string
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("protocol error at the %v: expected %s, got %s", e.Side, e.Want, e.Got)
}

// state is what an endpoint's events report about it.
type state struct {
	sync SyncVars
	log  Ledger
}

// endpoint is one side of a scenario: its socket, its protocol state, and
// the steps it can take. Each step waits for the pacer, performs one real
// socket operation, and emits the event describing it.
type endpoint struct {
	r    *run
	side Side

	conn          *net.TCPConn // set and cleared by the side's own goroutine, under mu
	local, remote netip.AddrPort

	mu      sync.Mutex // guards st, conn and the fault flags: faults act from other goroutines
	st      state
	faulted bool // a fault closed this side's connection under it
	stopped bool // a fault stopped this side (the server)

	inbox  []byte     // bytes read but not yet decoded
	queued []Received // frames from the last read not yet handed over
	wbuf   []byte
}

func newEndpoint(r *run, side Side) *endpoint {
	return &endpoint{r: r, side: side, inbox: make([]byte, 0, 4096), wbuf: make([]byte, 0, 512)}
}

func (e *endpoint) pacing() Pacing { return e.r.sim.cfg.Pacing }

// after returns the virtual time d from now.
func (e *endpoint) after(d time.Duration) time.Duration { return e.r.sim.pacer.now() + d }

func (e *endpoint) pace(due time.Duration) error {
	return e.r.sim.pacer.wait(e.r.ctx, due)
}

func (e *endpoint) emit(ev Event) error { return e.r.sim.emit(e.r.ctx, ev) }

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
	h := Header{At: e.r.sim.clock.Now(), Scenario: e.r.scenario, Side: e.side, Local: e.local, Remote: e.remote, Note: note}
	if conn != nil && !faulted {
		h.TCP = tcpInfo(conn)
		// Once the kernel moves a connection to TIME_WAIT it hands it to a
		// new object, and TCP_INFO on the old descriptor says CLOSE; the
		// connection's real state is in /proc/net/tcp.
		if h.TCP.Known && h.TCP.State == StateClose {
			if k := kernelState(e.local, e.remote); k.Known {
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

func (e *endpoint) attach(c *net.TCPConn) error {
	if !e.r.track(c) {
		return e.r.ctx.Err()
	}
	e.mu.Lock()
	e.conn, e.faulted = c, false
	e.local = c.LocalAddr().(*net.TCPAddr).AddrPort()
	e.remote = c.RemoteAddr().(*net.TCPAddr).AddrPort()
	e.mu.Unlock()
	enableRxTimestamps(c)
	e.inbox, e.queued = e.inbox[:0], nil
	return nil
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

// listen reports that the server is waiting for a connection.
func (e *endpoint) listen(note Note) error {
	if err := e.pace(e.after(0)); err != nil {
		return err
	}
	h := e.header(note)
	h.Local = e.r.sim.Addr().(*net.TCPAddr).AddrPort()
	return e.emit(Listening{h})
}

// accept waits until a connection has finished its handshake, leaves it in
// the accept queue for delay, then accepts it.
func (e *endpoint) accept(delay time.Duration, note Note) error {
	ln, w := e.r.sim.listener()
	p := e.r.sim.pacer
	p.readerBlocked(listenerFlow)
	if w != nil {
		if err := waitReadable(w); err != nil {
			p.readerUnblocked(listenerFlow)
			return e.r.ctxErr(err)
		}
	}
	if err := p.readTurn(e.r.ctx, p.now()+delay, listenerFlow, true); err != nil {
		return err
	}
	queue := acceptQueue(ln)
	c, err := ln.AcceptTCP()
	if err != nil {
		if e.isStopped() {
			return errFaulted // the stop fault said so
		}
		return e.connError("accept", err)
	}
	accepted := e.r.sim.clock.Now()
	if err := e.attach(c); err != nil {
		return err
	}
	ev := Accepted{Header: e.header(note), Queue: queue}
	e.r.mu.Lock()
	// Unpaced, accept can return before the client has noted its connect's
	// return; then the wait was too short to measure.
	if !e.r.dialedAt.IsZero() && accepted.After(e.r.dialedAt) {
		ev.AfterHandshake = accepted.Sub(e.r.dialedAt)
	}
	e.r.mu.Unlock()
	return e.emit(ev)
}

// dial connects to the server.
func (e *endpoint) dial(due time.Duration, note Note) error {
	if err := e.pace(due); err != nil {
		return err
	}
	d := net.Dialer{}
	e.r.sim.pacer.writing(listenerFlow)
	start := time.Now()
	c, err := d.DialContext(e.r.ctx, "tcp", e.r.sim.dialAddr())
	if err != nil {
		h := e.header(note)
		_ = e.emit(ConnError{Header: h, Op: "dial", Err: err})
		return e.r.ctxErr(err)
	}
	took := time.Since(start)
	e.r.mu.Lock()
	e.r.dialedAt = e.r.sim.clock.Now()
	e.r.mu.Unlock()
	if err := e.attach(c.(*net.TCPConn)); err != nil {
		return err
	}
	return e.emit(Dialed{Header: e.header(note), Took: took})
}

// send writes one frame at virtual time due. apply runs just before the
// write: a protocol machine's variables change when it issues an SPDU, and
// the peer's answer may be read before this goroutine runs again. Data
// packets keep their cadence exactly.
func (e *endpoint) send(f spdu.Frame, due time.Duration, note Note, apply func(*state)) error {
	if e.socket() == nil {
		return errFaulted // nothing to write on: no turn taken, no event
	}
	pace := e.r.sim.pacer.wait
	if f.Kind == spdu.DT {
		pace = e.r.sim.pacer.waitExact
	}
	if err := pace(e.r.ctx, due); err != nil {
		return err
	}
	// A stall holds back the next frame actually written, however long
	// this one waited for its turn.
	if d := e.r.takeStall(); d > 0 {
		note = NoteStalled
		if err := pace(e.r.ctx, e.r.sim.pacer.now()+d); err != nil {
			return err
		}
	}
	raw, err := spdu.Append(e.wbuf[:0], &f)
	if err != nil {
		return err
	}
	e.update(apply)
	e.r.sim.pacer.writing(e.out())
	e.r.wrote(e.side, time.Now())
	c := e.socket()
	if c == nil {
		return e.connError("write", errFaulted)
	}
	if _, err := c.Write(raw); err != nil {
		return e.connError("write", err)
	}
	return e.emit(Sent{Header: e.header(note), Frame: f, Raw: slices.Clone(raw)})
}

// connError reports a socket operation that failed after it had its turn
// at the pacer, and returns the error. Every action that passes the pacer
// makes exactly one event, so that a step is never used up unseen: a
// write on a socket a fault closed says so too.
func (e *endpoint) connError(op string, err error) error {
	if e.r.ctx.Err() != nil {
		return e.r.ctx.Err()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errTimeout
	}
	if e.isFaulted() || errors.Is(err, net.ErrClosed) {
		err = errFaulted
	}
	reset := errors.Is(err, syscall.ECONNRESET)
	_ = e.emit(ConnError{Header: e.header(NoteNone), Op: op, Err: err, Reset: reset})
	return err
}

// waitError is connError for a wait that failed before the operation had
// its turn: it makes no event when the fault that closed the socket has
// already made one, or when a watchdog expired the wait.
func (e *endpoint) waitError(op string, err error) error {
	if e.r.ctx.Err() != nil {
		return e.r.ctx.Err()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errTimeout
	}
	if e.isFaulted() || errors.Is(err, net.ErrClosed) {
		return errFaulted
	}
	return e.connError(op, err)
}

// Errors the scenarios tell apart.
var (
	errFaulted = errors.New("the connection was closed by a fault")
	errTimeout = errors.New("no answer in time")
	errAborted = errors.New("the session was aborted")
)

// ctxErr prefers the scenario's own end over the error it caused.
func (r *run) ctxErr(err error) error {
	if r.ctx.Err() != nil {
		return r.ctx.Err()
	}
	return err
}

// recv hands over the next frame. When none is left from the last read, it
// waits until the socket has data, lets the pacer give the data its travel
// time, and reads. apply runs before the event is made. End of stream and
// socket errors are reported as events and returned as errors (errEOF for
// a FIN).
func (e *endpoint) recv(note Note, apply func(*state, spdu.Frame)) (spdu.Frame, error) {
	return e.recvWith(note, func(s *state, f spdu.Frame) Note {
		if apply != nil {
			apply(s, f)
		}
		return note
	})
}

// recvWith is recv where the frame decides the note: decide applies the
// frame to the state and says what the frame was (a duplicate, say).
// note is for the end of stream.
func (e *endpoint) recvWith(note Note, decide func(*state, spdu.Frame) Note) (spdu.Frame, error) {
	p := e.r.sim.pacer
	if len(e.queued) == 0 {
		if err := e.fill(note); err != nil {
			return spdu.Frame{}, err
		}
	} else if err := p.readTurn(e.r.ctx, p.now(), e.in(), false); err != nil {
		return spdu.Frame{}, err
	}
	rx := e.queued[0]
	e.queued = e.queued[1:]
	e.update(func(s *state) { note = decide(s, rx.Frame) })
	rx.Header = e.header(note)
	return rx.Frame, e.emit(rx)
}

// fill performs one paced read and decodes every whole frame in it. A frame
// cut across reads is completed with further reads, which are not paced
// again. note goes on the event if the read finds the end of stream.
func (e *endpoint) fill(note Note) error {
	p := e.r.sim.pacer
	conn := e.socket()
	if conn == nil {
		return errFaulted // the side already let this connection go
	}
	in := e.in()
	p.readerBlocked(in)
	if err := waitReadable(conn); err != nil {
		p.readerUnblocked(in)
		return e.waitError("read", err)
	}
	if err := p.readTurn(e.r.ctx, p.now()+e.pacing().Travel, in, true); err != nil {
		return err
	}
	read := 0
	for {
		n, rxAt, err := readStamped(conn, e.inbox[len(e.inbox):cap(e.inbox)])
		if err == errEOF && len(e.inbox) == 0 {
			return e.peerClosed(note)
		}
		if err != nil {
			if err == errEOF {
				err = &ProtocolError{Side: e.side, Want: "the rest of a frame", Got: "end of stream"}
			}
			return e.connError("read", err)
		}
		e.inbox = e.inbox[:len(e.inbox)+n]
		read += n
		frames, err := e.decodeInbox(rxAt)
		if err != nil {
			return e.connError("read", err)
		}
		if len(frames) > 0 {
			for i := range frames {
				frames[i].ReadBytes, frames[i].FramesInRead, frames[i].Index = read, len(frames), i
			}
			e.queued = frames
			return nil
		}
		p.adjust(-1)
		err = waitReadable(conn)
		p.adjust(+1)
		if err != nil {
			return e.connError("read", err)
		}
	}
}

func (e *endpoint) decodeInbox(rxAt time.Time) ([]Received, error) {
	var out []Received
	b := e.inbox
	for len(b) > 0 {
		n, err := spdu.FrameLen(b)
		if errors.Is(err, spdu.ErrTruncated) || (err == nil && n > len(b)) {
			break
		}
		if err != nil {
			return nil, err
		}
		f, _, err := spdu.Decode(b[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, Received{Frame: f, Raw: slices.Clone(b[:n])})
		wroteAt := e.r.arrived(e.side)
		// The kernel stamps a read with its last segment's arrival, so only
		// the read's last frame gets a transit time.
		if len(b) == n && !rxAt.IsZero() && !wroteAt.IsZero() && rxAt.After(wroteAt) {
			out[len(out)-1].Transit = rxAt.Sub(wroteAt)
		}
		b = b[n:]
	}
	e.inbox = append(e.inbox[:0], b...)
	return out, nil
}

func (e *endpoint) peerClosed(note Note) error {
	if err := e.emit(PeerClosed{e.header(note)}); err != nil {
		return err
	}
	return errEOF
}

// expect receives a frame and fails unless it is one of kinds.
func (e *endpoint) expect(note Note, apply func(*state, spdu.Frame), kinds ...spdu.Kind) (spdu.Frame, error) {
	f, err := e.recv(note, func(s *state, f spdu.Frame) {
		if apply != nil && slices.Contains(kinds, f.Kind) {
			apply(s, f)
		}
	})
	if err == errEOF {
		return f, &ProtocolError{Side: e.side, Want: kindList(kinds), Got: "end of stream"}
	}
	if err != nil {
		return f, err
	}
	if !slices.Contains(kinds, f.Kind) {
		return f, &ProtocolError{Side: e.side, Want: kindList(kinds), Got: f.Kind.String()}
	}
	return f, nil
}

// expectEOF reads until the peer's FIN.
func (e *endpoint) expectEOF(note Note) error {
	f, err := e.recv(note, nil)
	if err == errEOF {
		return nil
	}
	if err != nil {
		return err
	}
	return &ProtocolError{Side: e.side, Want: "end of stream", Got: f.Kind.String()}
}

func kindList(kinds []spdu.Kind) string {
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += " or "
		}
		s += k.String()
	}
	return s
}

// in and out name the directions of the side's connection.
func (e *endpoint) in() flow  { return flowTo(e.local, e.remote, e.side) }
func (e *endpoint) out() flow { return flowTo(e.local, e.remote, e.side.Peer()) }

// socket returns the side's socket. Only the side's own goroutines use
// it; a fault may close it under them, which their operations then report.
func (e *endpoint) socket() *net.TCPConn {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.conn
}

// observe reads the connection's TCP state from the OS at due.
func (e *endpoint) observe(due time.Duration, note Note) error {
	if err := e.pace(due); err != nil {
		return err
	}
	return e.emit(Observed{e.header(note)})
}

// closeWrite sends a FIN: no more bytes from this side.
func (e *endpoint) closeWrite(due time.Duration) error {
	if e.socket() == nil {
		return errFaulted
	}
	if err := e.pace(due); err != nil {
		return err
	}
	c := e.socket()
	if c == nil {
		return e.connError("shutdown", errFaulted)
	}
	e.r.sim.pacer.writing(e.out())
	if err := c.CloseWrite(); err != nil {
		return e.connError("shutdown", err)
	}
	return e.emit(HalfClosed{e.header(NoteNone)})
}

// close closes the socket; abortive sets linger 0 first, so the kernel
// sends an RST and discards what is unsent.
func (e *endpoint) close(due time.Duration, abortive bool, note Note) error {
	if e.socket() == nil {
		return nil // nothing to close: no turn taken, no event
	}
	if err := e.pace(due); err != nil {
		return err
	}
	c := e.socket()
	if c == nil {
		return nil // a fault closed it meanwhile, and said so
	}
	e.r.sim.pacer.writing(e.out())
	if abortive {
		_ = c.SetLinger(0)
	}
	e.r.untrack(c)
	err := c.Close()
	h := e.header(note)
	h.TCP = TCPInfo{}
	e.detach()
	if err != nil {
		h.Note = NoteFault // a fault had closed it under this close
	}
	return e.emit(Closed{Header: h, Abortive: abortive, After: kernelState(e.local, e.remote)})
}

// detach forgets the side's socket once it is closed.
func (e *endpoint) detach() {
	e.mu.Lock()
	e.conn = nil
	e.mu.Unlock()
}

// forget closes a socket the side no longer uses without an event: one a
// fault already closed, or one whose loss was already reported.
func (e *endpoint) forget() {
	e.mu.Lock()
	c := e.conn
	e.conn = nil
	e.mu.Unlock()
	if c != nil {
		e.r.sim.pacer.writing(e.out())
		e.r.untrack(c)
		_ = c.SetLinger(0)
		_ = c.Close()
	}
}

// within runs op with a watchdog: if op has not returned after d of
// pacing, the watchdog expires the socket op waits on (expire sets a past
// deadline), and op returns errTimeout. expire marks the flow op waits on
// before it sets the deadline, so that op counts as arriving until it
// runs again. Unpaced runs have no watchdogs.
func (e *endpoint) within(d time.Duration, expire func(time.Time), op func() error) error {
	if e.r.sim.cfg.Unpaced {
		return op()
	}
	ctx, cancel := context.WithCancel(e.r.ctx)
	fired := make(chan struct{})
	e.r.wg.Add(1)
	e.r.sim.pacer.adjust(+1)
	go func() {
		defer e.r.wg.Done()
		defer e.r.sim.pacer.adjust(-1)
		// Only while op still runs: cancel comes as soon as it returns.
		if e.r.sim.pacer.wait(ctx, e.r.sim.pacer.now()+d) == nil && ctx.Err() == nil {
			close(fired)
			expire(time.Unix(1, 0))
		}
	}()
	err := op()
	cancel()
	select {
	case <-fired:
		expire(time.Time{})
		if err != nil && e.r.ctx.Err() == nil {
			return errTimeout
		}
	default:
	}
	return err
}
