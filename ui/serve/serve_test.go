package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	gossh "golang.org/x/crypto/ssh"

	"sessionlab/lessons"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// within bounds every wait of these tests.
const within = 30 * time.Second

// server runs a room with o's settings on 127.0.0.1:0 until the test
// ends (or stop is called), and returns its address and its log.
func server(t *testing.T, o Options) (addr string, log *syncBuffer, stop func()) {
	t.Helper()
	book, err := lessons.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	log = &syncBuffer{}
	o.Listen, o.Book, o.Theme = "127.0.0.1:0", book, "auto"
	if o.ConfigDir == "" {
		o.ConfigDir = t.TempDir()
	}
	o.Log = slog.New(slog.NewTextHandler(log, nil))
	o.Grace = 200 * time.Millisecond
	ready := make(chan net.Addr, 1)
	o.Ready = func(a net.Addr) { ready <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, o) }()
	select {
	case a := <-ready:
		addr = a.String()
	case err := <-done:
		cancel()
		t.Fatalf("the server did not start: %v", err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(within):
				t.Error("the server did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return addr, log, stop
}

// syncBuffer is a log several goroutines write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// terminal is a student's SSH session with a PTY, and everything the
// server drew on it.
type terminal struct {
	client  *gossh.Client
	session *gossh.Session
	in      io.WriteCloser
	mu      sync.Mutex
	out     bytes.Buffer
	more    chan struct{} // closed and replaced when output comes
	ended   chan struct{}
}

func dial(t *testing.T, addr string, cfg *gossh.ClientConfig) (*gossh.Client, error) {
	t.Helper()
	if cfg == nil {
		cfg = &gossh.ClientConfig{User: "student"}
	}
	cfg.HostKeyCallback = gossh.InsecureIgnoreHostKey()
	cfg.Timeout = within
	return gossh.Dial("tcp", addr, cfg)
}

// connect logs in as cfg says, asks for a PTY of w×h (none when w is 0)
// and a shell, and collects the output.
func connect(t *testing.T, addr string, cfg *gossh.ClientConfig, w, h int) *terminal {
	t.Helper()
	if cfg == nil {
		cfg = &gossh.ClientConfig{User: "student"}
	}
	term, err := open(addr, cfg, w, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(term.close)
	return term
}

// tryConnect is connect for a goroutine of its own: a 100×30 PTY, and the
// error instead of a failed test.
func tryConnect(addr, user string) (*terminal, error) {
	return open(addr, &gossh.ClientConfig{User: user}, 100, 30)
}

func open(addr string, cfg *gossh.ClientConfig, w, h int) (*terminal, error) {
	cfg.HostKeyCallback = gossh.InsecureIgnoreHostKey()
	cfg.Timeout = within
	c, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	s, err := c.NewSession()
	if err != nil {
		c.Close()
		return nil, err
	}
	if w > 0 {
		if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
			c.Close()
			return nil, err
		}
	}
	term := &terminal{client: c, session: s, more: make(chan struct{}), ended: make(chan struct{})}
	term.in, _ = s.StdinPipe()
	out, _ := s.StdoutPipe()
	errs, _ := s.StderrPipe()
	if err := s.Shell(); err != nil {
		c.Close()
		return nil, err
	}
	var readers sync.WaitGroup
	for _, r := range []io.Reader{out, errs} {
		readers.Add(1)
		go func() {
			defer readers.Done()
			buf := make([]byte, 4096)
			for {
				n, err := r.Read(buf)
				term.mu.Lock()
				term.out.Write(buf[:n])
				close(term.more)
				term.more = make(chan struct{})
				term.mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	go func() { readers.Wait(); close(term.ended) }()
	return term, nil
}

func (term *terminal) close() {
	term.session.Close()
	term.client.Close()
	<-term.ended
}

// mark is how much output there is now, for waitAfter.
func (term *terminal) mark() int {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.Len()
}

// waitAfter waits until the output after mark holds want.
func (term *terminal) waitAfter(t *testing.T, mark int, want string) {
	t.Helper()
	deadline := time.After(within)
	for {
		term.mu.Lock()
		more := term.more
		after := string(term.out.Bytes()[mark:])
		term.mu.Unlock()
		if strings.Contains(strings.Join(strings.Fields(ansiSeq.ReplaceAllString(after, " ")), " "), want) {
			return
		}
		select {
		case <-more:
		case <-term.ended:
			term.mu.Lock()
			after = string(term.out.Bytes()[mark:])
			term.mu.Unlock()
			if !strings.Contains(strings.Join(strings.Fields(ansiSeq.ReplaceAllString(after, " ")), " "), want) {
				t.Fatalf("the session ended without %q; it showed:\n%s", want, term.text())
			}
			return
		case <-deadline:
			t.Fatalf("no %q in time; it showed:\n%s", want, term.text())
		}
	}
}

// waitQuiet is waitFor for a goroutine of its own: an error, not a
// failed test.
func (term *terminal) waitQuiet(want string, limit time.Duration) error {
	deadline := time.After(limit)
	for {
		term.mu.Lock()
		more := term.more
		term.mu.Unlock()
		if strings.Contains(term.text(), want) {
			return nil
		}
		select {
		case <-more:
		case <-term.ended:
			return fmt.Errorf("the session ended without %q", want)
		case <-deadline:
			return fmt.Errorf("no %q in time", want)
		}
	}
}

var ansiSeq = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-B]`)

// text is the output so far without escape sequences, with runs of
// spaces made one.
func (term *terminal) text() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return strings.Join(strings.Fields(ansiSeq.ReplaceAllString(term.out.String(), " ")), " ")
}

// waitFor waits until the output holds want, seeing all of it.
func (term *terminal) waitFor(t *testing.T, want string) {
	t.Helper()
	term.waitAfter(t, 0, want)
}

func (term *terminal) waitEnd(t *testing.T) {
	t.Helper()
	select {
	case <-term.ended:
	case <-time.After(within):
		t.Fatalf("the session did not end; it showed:\n%s", term.text())
	}
}

func (term *terminal) typ(t *testing.T, keys string) {
	t.Helper()
	if _, err := term.in.Write([]byte(keys)); err != nil {
		t.Fatal(err)
	}
}

// waitLog waits until the server log holds want.
func waitLog(t *testing.T, log *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(log.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the log has no %q:\n%s", want, log.String())
		}
		time.Sleep(10 * time.Millisecond) // polling a log the server writes; the wait is bounded
	}
}

// TestStudentSession: a student connects, sees the picker, opens
// Synchronize, resizes, plays it and leaves in the middle: the server logs
// both ends and nothing of the session is left (goleak).
func TestStudentSession(t *testing.T) {
	addr, log, _ := server(t, Options{})
	term := connect(t, addr, nil, 100, 30)
	term.waitFor(t, "1. Establish")
	waitLog(t, log, "msg=connect")
	if !strings.Contains(log.String(), "user=student") || !strings.Contains(log.String(), "size=100x30") {
		t.Fatalf("connect line: %s", log.String())
	}
	term.typ(t, "2\r")
	term.waitFor(t, "Synchronize · introduction")
	if err := term.session.WindowChange(24, 80); err != nil {
		t.Fatal(err)
	}
	term.typ(t, "\x1b[6~") // PgDn: the first step
	term.waitFor(t, "step 1 of")
	term.close()
	waitLog(t, log, "msg=disconnect")
	if !strings.Contains(log.String(), "why=left") {
		t.Fatalf("disconnect line: %s", log.String())
	}
}

// TestRoomLimits: a session without a PTY, one asking for a command and
// one past --max-sessions each get a line saying why, and are closed.
func TestRoomLimits(t *testing.T) {
	addr, _, _ := server(t, Options{MaxSessions: 1})
	first := connect(t, addr, nil, 80, 24)
	first.waitFor(t, "1. Establish")

	full := connect(t, addr, nil, 80, 24)
	full.waitEnd(t)
	if !strings.Contains(full.text(), "the room is full (1 students)") {
		t.Fatalf("past the limit: %q", full.text())
	}
	first.close()

	noPTY := connect(t, addr, nil, 0, 0)
	noPTY.waitEnd(t)
	if !strings.Contains(noPTY.text(), "needs a terminal") {
		t.Fatalf("without a PTY: %q", noPTY.text())
	}

	c, err := dial(t, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, _ := c.NewSession()
	out, _ := s.CombinedOutput("cat /etc/passwd")
	if !strings.Contains(string(out), "not commands") || strings.Contains(string(out), "root:") {
		t.Fatalf("a command: %q", out)
	}
	// Forwarding: a tunnel to the server's own port is refused.
	if conn, err := c.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Fatal("port forwarding was allowed")
	}
	// A refused global request answers ok=false.
	if ok, _, _ := c.SendRequest("tcpip-forward", true, gossh.Marshal(struct {
		Addr string
		Port uint32
	}{"127.0.0.1", 0})); ok {
		t.Fatal("reverse forwarding was allowed")
	}
}

// TestIdleTimeout: a session with no key pressed is closed with a line.
func TestIdleTimeout(t *testing.T) {
	addr, log, _ := server(t, Options{IdleTimeout: 300 * time.Millisecond})
	term := connect(t, addr, nil, 80, 24)
	term.waitFor(t, "1. Establish")
	term.waitEnd(t)
	if !strings.Contains(term.text(), "closed after 300ms without a key pressed") {
		t.Fatalf("idle: %q", term.text())
	}
	waitLog(t, log, "without a key pressed")
}

// TestPasswordAndKeys: with --password-file only the class password gets
// in; with --authorized-keys only a listed key; and each key's holder
// keeps progress of their own.
func TestPasswordAndKeys(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "password")
	os.WriteFile(pw, []byte("s3ssion\n"), 0o600)
	addr, _, _ := server(t, Options{PasswordFile: pw})
	if _, err := dial(t, addr, &gossh.ClientConfig{User: "a", Auth: []gossh.AuthMethod{gossh.Password("wrong")}}); err == nil {
		t.Fatal("a wrong password got in")
	}
	c, err := dial(t, addr, &gossh.ClientConfig{User: "a", Auth: []gossh.AuthMethod{gossh.Password("s3ssion")}})
	if err != nil {
		t.Fatalf("the class password: %v", err)
	}
	c.Close()

	_, listed, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	ls, _ := gossh.NewSignerFromKey(listed)
	os_, _ := gossh.NewSignerFromKey(other)
	keys := filepath.Join(dir, "authorized_keys")
	os.WriteFile(keys, gossh.MarshalAuthorizedKey(ls.PublicKey()), 0o600)
	cfgDir := t.TempDir()
	addr, _, _ = server(t, Options{AuthorizedKeys: keys, ConfigDir: cfgDir})
	if _, err := dial(t, addr, &gossh.ClientConfig{User: "a", Auth: []gossh.AuthMethod{gossh.PublicKeys(os_)}}); err == nil {
		t.Fatal("an unlisted key got in")
	}
	term := connect(t, addr, &gossh.ClientConfig{User: "../../etc", Auth: []gossh.AuthMethod{gossh.PublicKeys(ls)}}, 80, 24)
	term.waitFor(t, "1. Establish")
	term.typ(t, "1\r")
	term.waitFor(t, "Establish · introduction")
	term.typ(t, "\x1b[6~")
	term.waitFor(t, "step 1 of")
	term.typ(t, "q")
	term.waitEnd(t)
	users, _ := filepath.Glob(filepath.Join(cfgDir, "users", "*", "progress.json"))
	if len(users) != 1 || filepath.Base(filepath.Dir(users[0]))[:10] != ".._.._etc-" {
		t.Fatalf("progress kept at %v", users)
	}
}

// TestClassIsOver: stopping the server tells every connected student,
// closes their sessions and returns.
func TestClassIsOver(t *testing.T) {
	addr, log, stop := server(t, Options{})
	a := connect(t, addr, nil, 80, 24)
	b := connect(t, addr, &gossh.ClientConfig{User: "other"}, 100, 30)
	a.waitFor(t, "1. Establish")
	b.waitFor(t, "1. Establish")
	b.typ(t, "2\r ")
	b.waitFor(t, "Synchronize")
	stop()
	for _, term := range []*terminal{a, b} {
		term.waitEnd(t)
		if !strings.Contains(term.text(), "class is over") {
			t.Fatalf("a student saw: %q", term.text())
		}
	}
	if n := strings.Count(log.String(), "msg=disconnect"); n != 2 {
		t.Fatalf("%d disconnect lines:\n%s", n, log.String())
	}
}

// TestHostKeyIsKept: the key is made once, readable by its owner only,
// and the same one is used on the next start.
func TestHostKeyIsKept(t *testing.T) {
	dir := t.TempDir()
	o := Options{ConfigDir: dir}
	first, err := hostKey(o)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "ssh_host_ed25519_key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	again, _ := hostKey(o)
	if first.fingerprint != again.fingerprint || !strings.HasPrefix(first.fingerprint, "SHA256:") {
		t.Fatalf("fingerprints %s then %s", first.fingerprint, again.fingerprint)
	}
}

// TestReconnectLoopIsLimited: one address gets PerMinute connections a
// minute; the next is closed at once.
func TestReconnectLoopIsLimited(t *testing.T) {
	addr, _, _ := server(t, Options{PerMinute: 3})
	for i := range 3 {
		c, err := dial(t, addr, nil)
		if err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		c.Close()
	}
	if c, err := dial(t, addr, nil); err == nil {
		c.Close()
		t.Fatal("a fourth attempt in the minute got in")
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{"alice": "alice", "../x": ".._x", "..": "anonymous__", "": "anonymous", "a b/c": "a_b_c", strings.Repeat("x", 100): strings.Repeat("x", 64)} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}
