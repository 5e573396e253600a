package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sessionlab/sim/internal/kernel"
	"strings"
	"sync"
	"time"
)

// listener is the server's listening socket, shared by every scenario of
// a Sim. A stop fault closes it; the next scenario opens it again.
type listener struct {
	mu     sync.Mutex
	addr   string // what to listen on
	ln     *net.TCPListener
	wait   *os.File // a duplicate of ln's descriptor that can be waited on without accepting
	dialTo string   // where the client dials
	down   bool     // a stop fault closed it
	opened int      // how many times it was opened
}

// open listens on addr.
func (l *listener) open(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	nl, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	ln := nl.(*net.TCPListener)
	kernel.StampReceives(ln)
	// A listener's raw connection cannot wait for readability; a duplicate
	// of its descriptor, as an *os.File, can.
	w, err := ln.File()
	if err != nil {
		w = nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.addr, l.ln, l.wait, l.down = addr, ln, w, false
	l.dialTo = dialAddr(ln.Addr().(*net.TCPAddr).AddrPort())
	l.opened++
	return nil
}

// reopen listens again after a stop fault closed the listener, on the
// same address (a new port when that is port 0). It reports whether it
// had to.
func (l *listener) reopen(ctx context.Context) (bool, error) {
	l.mu.Lock()
	down, addr := l.down, l.addr
	l.mu.Unlock()
	if !down {
		return false, nil
	}
	return true, l.open(ctx, addr)
}

// stop closes the listener on behalf of a stop fault.
func (l *listener) stop() {
	l.mu.Lock()
	l.down = true
	l.mu.Unlock()
	l.close()
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

// target returns where the client dials.
func (l *listener) target() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dialTo
}

// get returns the listener and the duplicate to wait on.
func (l *listener) get() (*net.TCPListener, *os.File) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ln, l.wait
}

// local returns the listening address.
func (l *listener) local() netip.AddrPort {
	ln, _ := l.get()
	if ln == nil {
		return netip.AddrPort{}
	}
	return ln.Addr().(*net.TCPAddr).AddrPort()
}

func (l *listener) close() {
	ln, w := l.get()
	if ln != nil {
		ln.Close()
	}
	if w != nil {
		w.Close()
	}
}

// drain closes the connections still queued when a scenario ends (its
// own client's, when it failed, or other programs'), so that the next
// scenario's server does not take a stale one; it returns where each came
// from.
func (l *listener) drain() []netip.AddrPort {
	if _, w := l.get(); w != nil {
		return kernel.DrainQueue(w)
	}
	return nil
}

// setDeadline wakes (past t) or re-arms (zero t) a server waiting on the
// listener.
func (l *listener) setDeadline(t time.Time) {
	ln, w := l.get()
	if ln != nil {
		_ = ln.SetDeadline(t)
	}
	if w != nil {
		_ = w.SetReadDeadline(t)
	}
}

// CheckAddr reports, in a line, why the lessons' server cannot listen on
// addr (taken, not on this machine, not HOST:PORT), by trying it.
func CheckAddr(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		reason := err.Error()
		var se *os.SyscallError
		if errors.As(err, &se) {
			reason = se.Err.Error()
		} else if i := strings.LastIndex(reason, ": "); i >= 0 {
			reason = reason[i+2:]
		}
		return fmt.Errorf("cannot listen on %q: %s", addr, reason)
	}
	return ln.Close()
}

// Addr returns the address the server listens on (after Start).
func (s *Sim) Addr() net.Addr {
	ln, _ := s.ln.get()
	if ln == nil {
		return nil
	}
	return ln.Addr()
}

// Port returns the port the server listens on (after Start), 0 before.
func (s *Sim) Port() uint16 { return s.ln.local().Port() }
