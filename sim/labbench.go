package sim

// The lab bench: SessionLab against a peer that is not its own, over a
// real TCP connection. `sessionlab listen` plays the server for any TCP
// client, one connection after another; `sessionlab connect` plays the
// client of a server. What the peer speaks is found out from its bytes,
// not assumed: a peer that sends a TPKT is answered in the session
// protocol, layer by layer; anything else is shown as the bytes it is.
// Bytes that break the protocol are explained (what was expected at that
// octet, and why), the connection is closed, and the bench goes on.
//
// Unlike a lesson, the bench is not paced: it answers a peer as soon as
// a real OSI stack would. Every connection runs on its own goroutine and
// reports BenchEvents on one channel, in the order they happen on it.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"sessionlab/sim/spdu"
)

// The bench's limits, which keep a hostile or broken peer from hurting
// it: memory stays bounded whatever a peer sends, and a peer that stops
// talking is let go.
const (
	// BenchMaxConns is how many connections the bench serves at once; a
	// further one is accepted and closed at once, with a line saying so.
	BenchMaxConns = 8
	// BenchReadTimeout is how long the bench waits for a peer's next
	// bytes (a frame cut in half, a peer that stalls) before it closes
	// the connection.
	BenchReadTimeout = 10 * time.Second
	// BenchMaxText is how many octets of a peer that does not speak the
	// session protocol the bench reads before it closes the connection:
	// a peer that floods is not read to its end.
	BenchMaxText = 4096
	// BenchMaxFrame is the largest frame the bench reads: one TPKT,
	// whose length field RFC 1006 allows up to 65535 octets but which
	// class 0 with 2048-octet TPDUs never needs beyond this.
	BenchMaxFrame = spdu.MaxTPKT
	// benchTIM is timer TIM on the bench, in real time: how long the
	// sender of an RF or AB waits for the peer to release the transport
	// connection.
	benchTIM = 5 * time.Second
)

// BenchKind says what a BenchEvent reports.
type BenchKind uint8

// What the bench reports.
const (
	BenchListening  BenchKind = iota + 1 // the bench listens (listen); Local is where
	BenchAccepted                        // a peer connected to the bench
	BenchTurnedAway                      // a peer connected while the bench had BenchMaxConns already; closed at once
	BenchDialed                          // the bench connected to the peer (connect)
	BenchFrameIn                         // a frame read and decoded
	BenchFrameOut                        // a frame written
	BenchTextIn                          // octets read that are not the session protocol
	BenchTextOut                         // plain text written to a peer that speaks no session protocol
	BenchWrong                           // octets that break the protocol: Note says what was expected, and why
	BenchPeerClosed                      // the peer's FIN: end of its byte stream
	BenchReset                           // the peer reset the connection (RST)
	BenchTimedOut                        // the peer sent nothing for BenchReadTimeout, or did not release the connection within TIM
	BenchClosed                          // the bench closed its socket
	BenchFailed                          // a socket call failed: Err says why
)

var benchKindNames = [...]string{
	BenchListening: "listening", BenchAccepted: "accepted", BenchTurnedAway: "turned away", BenchDialed: "dialed",
	BenchFrameIn: "received", BenchFrameOut: "sent", BenchTextIn: "received text", BenchTextOut: "sent text",
	BenchWrong: "wrong", BenchPeerClosed: "peer closed", BenchReset: "reset", BenchTimedOut: "timed out",
	BenchClosed: "closed", BenchFailed: "failed",
}

func (k BenchKind) String() string {
	if int(k) < len(benchKindNames) && benchKindNames[k] != "" {
		return benchKindNames[k]
	}
	return fmt.Sprintf("BenchKind(%d)", k)
}

// BenchEvent is one thing that happened on a bench connection.
type BenchEvent struct {
	Conn          int // the connection's number, from 1; 0 for the listener
	At            time.Time
	Kind          BenchKind
	Local, Remote netip.AddrPort
	Frame         spdu.Frame // BenchFrameIn, BenchFrameOut
	Name          string     // the frame's name ("PT+MIA 1"), or "text"
	Raw           []byte     // the octets read or written (for BenchWrong, those that were wrong)
	Offset        int        // BenchWrong: where in Raw the wrong octet is
	Note          string     // a line on what it means: for BenchWrong, what was expected there and why
	First         bool       // BenchClosed: the bench closed before the peer did
	Err           error
}

// BenchConfig is what the bench does.
type BenchConfig struct {
	// Addr: for Listen, where to listen ("127.0.0.1:0" picks a port);
	// for Connect, the peer's HOST:PORT.
	Addr string
	// ReadTimeout overrides BenchReadTimeout (tests use a short one).
	ReadTimeout time.Duration
	// TIM overrides timer TIM's 5 s (tests use a short one).
	TIM time.Duration
	// Beat is the pause between the client's data packets (connect):
	// 1 s, the lessons' pacing, unless set.
	Beat time.Duration
}

func (c BenchConfig) readTimeout() time.Duration { return orDefault(c.ReadTimeout, BenchReadTimeout) }
func (c BenchConfig) tim() time.Duration         { return orDefault(c.TIM, benchTIM) }

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Bench is a running lab bench. Its events come on Events until it
// ends; Wait waits for every goroutine it started.
type Bench struct {
	cfg    BenchConfig
	events chan BenchEvent
	ctx    context.Context
	wg     sync.WaitGroup
	ln     *net.TCPListener
	mu     sync.Mutex
	next   int   // the last connection number given
	err    error // why connect could not run: the peer could not be reached
}

// Err says why connect could not run at all (after Wait): the peer
// could not be reached. A peer that breaks the protocol is no error of
// the bench's; its events say what went wrong.
func (b *Bench) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// CheckPeerAddr checks a peer's address for connect: HOST:PORT with a
// port from 1 to 65535.
func CheckPeerAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return fmt.Errorf("%q is not HOST:PORT (connect takes the server's address, e.g. 127.0.0.1:12345)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	return nil
}

func newBench(ctx context.Context, cfg BenchConfig) *Bench {
	return &Bench{cfg: cfg, ctx: ctx, events: make(chan BenchEvent, 64)}
}

// Events delivers the bench's events; it is closed when the bench ends
// (its context is done, or connect's one run is over).
func (b *Bench) Events() <-chan BenchEvent { return b.events }

// Wait waits until the bench has stopped.
func (b *Bench) Wait() { b.wg.Wait() }

// Addr is where the bench listens (Listen), or the peer's address.
func (b *Bench) Addr() net.Addr {
	if b.ln != nil {
		return b.ln.Addr()
	}
	return nil
}

// emit reports ev, waiting for room: a slow reader slows the bench
// rather than letting events pile up in memory.
func (b *Bench) emit(ev BenchEvent) {
	ev.At = time.Now()
	select {
	case b.events <- ev:
	case <-b.ctx.Done():
	}
}

func (b *Bench) number() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	return b.next
}

// Listen starts a bench that plays the server on cfg.Addr: every client
// that connects gets its own run, up to BenchMaxConns at once, until ctx
// ends.
func Listen(ctx context.Context, cfg BenchConfig) (*Bench, error) {
	ap, err := resolve(cfg.Addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.ListenTCP("tcp", net.TCPAddrFromAddrPort(ap))
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", cfg.Addr, errors.Unwrap(err))
	}
	b := newBench(ctx, cfg)
	b.ln = ln
	slots := make(chan struct{}, BenchMaxConns)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		<-ctx.Done()
		ln.Close()
	}()
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		var conns sync.WaitGroup
		defer func() { conns.Wait(); close(b.events) }()
		b.emit(BenchEvent{Kind: BenchListening, Local: addrPort(ln.Addr())})
		for {
			c, err := ln.AcceptTCP()
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
					b.emit(BenchEvent{Kind: BenchFailed, Err: err, Note: "accept failed"})
					continue
				}
				return
			}
			n := b.number()
			bc := b.conn(c, n)
			select {
			case slots <- struct{}{}:
			default:
				b.emit(BenchEvent{Conn: n, Kind: BenchTurnedAway, Local: bc.local, Remote: bc.remote,
					Note: fmt.Sprintf("%d connections are open already, the most the bench serves at once", BenchMaxConns)})
				c.Close()
				continue
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				defer func() { <-slots }()
				b.emit(BenchEvent{Conn: n, Kind: BenchAccepted, Local: bc.local, Remote: bc.remote})
				bc.serve()
			}()
		}
	}()
	return b, nil
}

// Connect starts a bench that plays the client of the server at
// cfg.Addr: it finds out whether the server speaks the session protocol,
// opens a session if it does, or greets it in plain text if it does not.
// Its events end when that is done.
func Connect(ctx context.Context, cfg BenchConfig) (*Bench, error) {
	if _, err := resolve(cfg.Addr); err != nil {
		return nil, err
	}
	b := newBench(ctx, cfg)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer close(b.events)
		b.dialPeer()
	}()
	return b, nil
}

// resolve checks a HOST:PORT (a name is looked up) and returns it.
func resolve(addr string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		return ap, nil
	}
	a, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("not an address (HOST:PORT): %q", addr)
	}
	return a.AddrPort(), nil
}

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort()
	}
	return netip.AddrPort{}
}
