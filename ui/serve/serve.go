// Package serve runs SessionLab for a whole room over SSH (sessionlab
// serve): every SSH session gets its own UI model, its own renderer (the
// student's terminal decides colours and background), its own engine
// with its own loopback sockets, and its own progress, kept per SSH user.
//
// The server is charmbracelet/wish on charmbracelet/ssh. A session's
// life: the access checks (connection rate per address, password or key,
// a PTY, the session limit), then the program, then its engine cancelled
// and waited for, so that a student who disconnects at any moment leaves
// no goroutine or socket behind. The server log is log/slog's text
// handler on stderr: one line per connect and disconnect, key=value, no
// dependency beyond the standard library (charmbracelet/log would only
// add colour to a log an instructor reads in a terminal beside the room).
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"

	"sessionlab/lessons"
	"sessionlab/ui"
)

// Options is how the room is served.
type Options struct {
	Listen      string        // HOST:PORT; 127.0.0.1:2222 by default
	MaxSessions int           // sessions at once; 100 by default
	IdleTimeout time.Duration // a session with no key pressed this long is closed; 30 min by default
	HostKey     string        // the host key's file; ConfigDir/ssh_host_ed25519_key by default
	ConfigDir   string        // where the host key and every user's progress are kept
	// PasswordFile holds one shared class password; AuthorizedKeys, the
	// public keys let in. With neither, anyone who reaches the port gets
	// in (a classroom LAN).
	PasswordFile, AuthorizedKeys string
	// PerMinute is how many connection attempts one remote address may
	// make in a minute; 30 by default.
	PerMinute int
	Book      *lessons.Book
	Theme     string // auto (each student's terminal decides) or a theme's name
	// Log gets the server's lines; Out, what the instructor reads at
	// start (the address, the fingerprint, warnings).
	Log *slog.Logger
	Out io.Writer
	// Ready, when set, is called with the address once the server
	// listens (tests listen on 127.0.0.1:0).
	Ready func(addr net.Addr)
	// Grace is how long students are given to read "class is over"
	// before their connections close; 2 s by default.
	Grace time.Duration
	// A class's (sessionlab class): TeacherKey, an authorized_keys file
	// whose keys log in as the teacher's console (none: only the local
	// terminal teaches); Named, the teacher sees who answered what;
	// NoQuestions, no predictions or quizzes.
	TeacherKey  string
	Named       bool
	NoQuestions bool

	joinLine func(string) // a class's: told how students join, once the server listens
}

func (o *Options) defaults() {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:2222"
	}
	if o.MaxSessions == 0 {
		o.MaxSessions = 100
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = 30 * time.Minute
	}
	if o.PerMinute == 0 {
		o.PerMinute = 30
	}
	if o.Grace == 0 {
		o.Grace = 2 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
}

// room is the running server's shared state: the sessions open now.
type room struct {
	o        Options
	access   *access
	plans    lessons.Plans
	mu       sync.Mutex
	sessions map[*student]struct{}
	closing  bool
	wg       sync.WaitGroup // every session handler
	hub      *hub           // a class: students follow the teacher; nil: each at their own pace
	class    *ui.Class      // the class a teacher's console logging in over SSH teaches
	endClass func()         // what the SSH teacher's console ending does
	teacher  *student       // the teacher's console over SSH, while it is open
}

// Run serves the room until ctx ends; then it tells every student that
// class is over, closes their sessions within a few seconds, and
// returns nil. A server that cannot start is an error.
func Run(ctx context.Context, o Options) error { return run(ctx, o, nil, nil, nil) }

// RunClass serves the room as a class that follows a teacher: teach runs
// the teacher's console on the local terminal, told how to publish where
// it is and how to start its runs so that the students mirror them. The
// class ends when teach returns or ctx ends: every student is told, and
// RunClass returns teach's error. With o.TeacherKey the console is the
// SSH login with that key instead, and teach only waits: the class also
// ends when that console does.
func RunClass(ctx context.Context, o Options, teach func(ctx context.Context, class *ui.Class) error) error {
	h := newHub(o.Named)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	class := &ui.Class{Publish: h.publish, Record: h.startRun, Room: h.room()}
	o.joinLine = func(j string) { class.Join = j } // before Ready: teach reads it after
	ready := make(chan struct{})
	given := o.Ready
	o.Ready = func(a net.Addr) {
		if given != nil {
			given(a)
		}
		close(ready)
	}
	served := make(chan error, 1)
	go func() { served <- run(cctx, o, h, class, cancel) }()
	select {
	case <-ready:
	case err := <-served:
		return err
	}
	err := teach(cctx, class)
	cancel()
	if serr := <-served; err == nil {
		err = serr
	}
	return err
}

func run(ctx context.Context, o Options, h *hub, class *ui.Class, endClass func()) error {
	o.defaults()
	key, err := hostKey(o)
	if err != nil {
		return err
	}
	acc, err := newAccess(o)
	if err != nil {
		return err
	}
	r := &room{o: o, access: acc, sessions: map[*student]struct{}{}, hub: h, class: class, endClass: endClass}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", o.Listen, errors.Unwrap(err))
	}
	opts := []ssh.Option{
		wish.WithHostKeyPEM(key.pem),
		wish.WithMiddleware(bm.MiddlewareWithProgramHandler(r.program, termenv.Ascii), r.gate),
		refuseForwarding,
		func(s *ssh.Server) error { s.ConnCallback = r.access.conn; return nil },
	}
	opts = append(opts, acc.auth()...)
	srv, err := wish.NewServer(opts...)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(o.Out, "SessionLab serves the room on %s (ssh -p %s %s)\n", ln.Addr(), portOf(ln.Addr()), hostOf(ln.Addr()))
	fmt.Fprintf(o.Out, "Host key fingerprint, for students to check: %s\n", key.fingerprint)
	if o.joinLine != nil {
		join := fmt.Sprintf("ssh -p %s %s · host key %s", portOf(ln.Addr()), hostOf(ln.Addr()), key.fingerprint)
		if ip := addrIP(ln.Addr()); ip != nil && ip.IsLoopback() {
			join += fmt.Sprintf(" (from this machine only: --listen 0.0.0.0:%s lets the room in)", portOf(ln.Addr()))
		}
		o.joinLine(join)
	}
	if ip := addrIP(ln.Addr()); ip != nil && !ip.IsLoopback() {
		fmt.Fprintf(o.Out, "Warning: listening on %s, reachable from other machines: anyone who can reach it %s.\n", ln.Addr(), acc.who())
	}
	if o.Ready != nil {
		o.Ready(ln.Addr())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		if !errors.Is(err, ssh.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	r.classOver()
	shut, cancel := context.WithTimeout(context.Background(), o.Grace+3*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut) // stops listening; waits for the sessions told to end
	_ = srv.Close()
	// Serve may not have taken the listener yet when a signal comes at
	// once: closing it ourselves makes Serve return either way.
	ln.Close()
	r.wg.Wait()
	<-served
	return nil
}

// refuseForwarding turns every kind of forwarding away: a student gets
// SessionLab and nothing else of the machine.
func refuseForwarding(s *ssh.Server) error {
	s.LocalPortForwardingCallback = func(ssh.Context, string, uint32) bool { return false }
	s.ReversePortForwardingCallback = func(ssh.Context, string, uint32) bool { return false }
	s.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
	return nil
}

func portOf(a net.Addr) string {
	_, p, _ := net.SplitHostPort(a.String())
	return p
}

// hostOf is the host students type: the listening address, or for one
// that listens on every interface, this machine's first address that is
// not loopback.
func hostOf(a net.Addr) string {
	h, _, _ := net.SplitHostPort(a.String())
	if ip := net.ParseIP(h); ip != nil && ip.IsUnspecified() {
		addrs, _ := net.InterfaceAddrs()
		for _, v4 := range []bool{true, false} {
			for _, ad := range addrs {
				if n, ok := ad.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() && (n.IP.To4() != nil) == v4 {
					return n.IP.String()
				}
			}
		}
		return "<this machine's address>"
	}
	return h
}

func addrIP(a net.Addr) net.IP {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP
	}
	return nil
}
