package serve

// One student's SSH session: admitted by the gate, given a program of
// their own, watched for idleness, and cleaned up when it ends, however
// it ends.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/muesli/termenv"

	"sessionlab/lessons/progress"
	"sessionlab/sim"
	"sessionlab/ui"
)

// student is one admitted SSH session.
type student struct {
	s       ssh.Session
	start   time.Time
	lastKey atomic.Int64 // unix nanoseconds of the last input
	mu      sync.Mutex
	program *tea.Program
	reason  string // why the server ended the session; "": the student left
	stop    func() // cancels the student's engine and waits for it
	teacher bool   // the class's teacher, logged in with their key
}

type studentKey struct{}

// end quits the student's program, saying why once it has let go of the
// screen.
func (st *student) end(reason string) {
	st.mu.Lock()
	if st.reason == "" {
		st.reason = reason
	}
	p := st.program
	st.mu.Unlock()
	if p != nil {
		p.Quit()
	}
}

// gate admits a session: no command, a PTY, room left. It runs first;
// the program runs inside it, and the cleanup after it.
func (r *room) gate(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		switch pty, _, ok := s.Pty(); {
		case len(s.Command()) > 0:
			wish.Fatalln(s, "sessionlab: this server runs SessionLab only, not commands: connect with ssh -p PORT HOST")
			return
		case !ok:
			wish.Fatalln(s, "sessionlab: SessionLab needs a terminal: connect with ssh -t -p PORT HOST")
			return
		default:
			st := &student{s: s, start: time.Now()}
			st.lastKey.Store(st.start.UnixNano())
			n, ok := r.join(st)
			if !ok {
				r.o.Log.Info("refused", "remote", s.RemoteAddr().String(), "user", s.User(), "why", "full", "sessions", n)
				wish.Fatalln(s, fmt.Sprintf("sessionlab: the room is full (%d students); try again in a moment", r.o.MaxSessions))
				return
			}
			r.o.Log.Info("connect", "remote", s.RemoteAddr().String(), "user", s.User(), "term", pty.Term,
				"size", fmt.Sprintf("%dx%d", pty.Window.Width, pty.Window.Height), "sessions", n)
			s.Context().SetValue(studentKey{}, st)
			stopIdle := r.watchIdle(st)
			next(s)
			stopIdle()
			if st.stop != nil {
				st.stop()
			}
			n = r.leave(st)
			why := st.reason
			if why == "" {
				why = "left"
			}
			r.o.Log.Info("disconnect", "remote", s.RemoteAddr().String(), "user", s.User(),
				"after", time.Since(st.start).Round(time.Second).String(), "why", why, "sessions", n)
			if st.reason != "" {
				wish.Println(s, "sessionlab: "+st.reason)
			}
		}
	}
}

// join admits st unless the room is full or closing; it returns how many
// sessions are open.
func (r *room) join(st *student) (int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closing || len(r.sessions) >= r.o.MaxSessions {
		return len(r.sessions), false
	}
	r.sessions[st] = struct{}{}
	r.wg.Add(1)
	return len(r.sessions), true
}

func (r *room) leave(st *student) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sessions, st)
	r.wg.Done()
	return len(r.sessions)
}

// classOver tells every student the class is over and ends their
// sessions; no new one is admitted.
func (r *room) classOver() {
	r.mu.Lock()
	r.closing = true
	all := make([]*student, 0, len(r.sessions))
	for st := range r.sessions {
		all = append(all, st)
	}
	r.mu.Unlock()
	for _, st := range all {
		st.end(r.overMessage())
	}
}

// overMessage is what every student reads when the room closes.
func (r *room) overMessage() string {
	if r.hub != nil {
		return "class is over: the teacher ended it. Thank you!"
	}
	return "class is over: the instructor stopped SessionLab. Thank you!"
}

// watchIdle ends st's session once no key has come for the idle timeout.
func (r *room) watchIdle(st *student) (stop func()) {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(min(r.o.IdleTimeout/4, 30*time.Second))
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				last := st.lastKey.Load()
				if r.hub != nil { // in a class, the teacher's steps keep a watching student
					last = max(last, r.hub.stepped.Load())
				}
				if time.Since(time.Unix(0, last)) >= r.o.IdleTimeout {
					st.end(fmt.Sprintf("closed after %v without a key pressed", r.o.IdleTimeout))
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// keys is the session's input, noting when the student last typed.
type keys struct {
	r  io.Reader
	st *student
}

func (k keys) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	if n > 0 {
		k.st.lastKey.Store(time.Now().UnixNano())
	}
	return n, err
}

// program makes the student's own SessionLab: a renderer for their
// terminal, a theme for its background, their progress, an engine of
// their own.
func (r *room) program(s ssh.Session) *tea.Program {
	st, _ := s.Context().Value(studentKey{}).(*student)
	if st == nil {
		return nil
	}
	in := pump(s)
	renderer := rendererFor(s, in)
	theme, _ := ui.ThemeFor(r.o.Theme, renderer.HasDarkBackground())
	store, warning := progress.Open(r.progressDir(s), time.Now())
	runsCtx, cancel := context.WithCancel(context.Background())
	runs := sim.NewRuns(runsCtx)
	st.stop = func() { cancel(); runs.Wait() }
	deps := ui.Deps{Book: r.o.Book, Renderer: renderer, Theme: theme, Plan: r.plans.For, Progress: store, Notice: warning,
		Start: func(cfg sim.Config, paused bool) (sim.Session, error) {
			cfg.Addr = "127.0.0.1:0" // each student's own sockets, on the server's loopback
			return runs.Start(cfg, paused)
		}}
	switch {
	case r.takeSeat(st):
		r.o.Log.Info("teacher", "remote", s.RemoteAddr().String(), "user", s.User(), "why", "logged in with a teacher's key")
		deps.Progress, deps.Notice = nil, "" // a room's run is nobody's progress
		deps.NoQuestions = r.o.NoQuestions
		start := deps.Start
		deps.Start = func(cfg sim.Config, paused bool) (sim.Session, error) {
			cfg.ExactCadence = true // the one run the whole room watches keeps its cadence exactly
			return start(cfg, paused)
		}
		deps = r.class.Teach(deps)
		stop := st.stop
		st.stop = func() { stop(); st.reason = "the teacher ended the class"; r.endClass() } // the teacher's console ends the class
	case r.hub != nil: // a class: the student follows the teacher's runs
		states, mirror, answer, exploring, leave := r.hub.follow(s.User())
		deps.Follow, deps.Mirror, deps.Answer, deps.Exploring = states, mirror, answer, exploring
		deps.NoQuestions = r.o.NoQuestions
		stop := st.stop
		st.stop = func() { leave(); stop() }
	}
	m, err := ui.New(deps)
	if err != nil {
		wish.Errorln(s, "sessionlab: "+err.Error())
		return nil
	}
	p := tea.NewProgram(m, tea.WithInput(keys{r: in, st: st}), tea.WithOutput(s), tea.WithAltScreen(), tea.WithoutSignalHandler())
	st.mu.Lock()
	st.program = p
	reason := st.reason
	st.mu.Unlock()
	if reason != "" { // the class ended while this session was opening
		go p.Quit()
	}
	if pty, _, ok := s.Pty(); ok {
		go p.Send(tea.WindowSizeMsg{Width: pty.Window.Width, Height: pty.Window.Height})
	}
	return p
}

// takeSeat makes st the class's teacher when they logged in with a
// teacher's key and no other teacher's console is open.
func (r *room) takeSeat(st *student) bool {
	if r.hub == nil || !r.access.isTeacher(st.s.PublicKey()) {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.teacher != nil {
		return false
	}
	r.teacher, st.teacher = st, true
	return true
}

// rendererFor makes the renderer of one student's terminal: its colour
// profile from the TERM and COLORTERM the client sent, its background
// from the terminal's own answer (dark when it gives none).
func rendererFor(s ssh.Session, in *input) *lipgloss.Renderer {
	pty, _, _ := s.Pty()
	if pty.Term == "" || pty.Term == "dumb" {
		return lipgloss.NewRenderer(s, termenv.WithProfile(termenv.Ascii))
	}
	env := environ(append(s.Environ(), "TERM="+pty.Term))
	r := lipgloss.NewRenderer(s, termenv.WithEnvironment(env), termenv.WithUnsafe(), termenv.WithColorCache(true))
	dark, ok := darkBackground(in, s, time.Second)
	r.SetHasDarkBackground(dark || !ok)
	return r
}

// environ is a session's environment, as termenv reads one.
type environ []string

func (e environ) Environ() []string { return e }

func (e environ) Getenv(k string) string {
	v := ""
	for _, kv := range e { // the last one wins, as TERM is appended
		if after, ok := strings.CutPrefix(kv, k+"="); ok {
			v = after
		}
	}
	return v
}

// progressDir is where one SSH user's progress is kept: their user name
// made safe for a path, and their public key's fingerprint when they
// offered one, so that two people who both log in as "student" with
// their own keys keep their own progress.
func (r *room) progressDir(s ssh.Session) string {
	name := safeName(s.User())
	if k := s.PublicKey(); k != nil {
		sum := sha256.Sum256(k.Marshal())
		name += "-" + hex.EncodeToString(sum[:6])
	}
	return filepath.Join(r.o.ConfigDir, "users", name)
}

// safeName keeps letters, digits, '.', '-' and '_' of a user name, at
// most 64 of them; nothing else can reach the file system.
func safeName(user string) string {
	var b strings.Builder
	for _, c := range user {
		switch {
		case b.Len() >= 64:
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || strings.Trim(s, ".") == "" {
		return "anonymous" + strings.Repeat("_", len(s))
	}
	return s
}
