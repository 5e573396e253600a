package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"sessionlab/sim"
	"sessionlab/ui"
)

var binary string // the sessionlab binary, built once for the tests that run it

func TestMain(m *testing.M) {
	if os.Getenv(jobShellEnv) != "" {
		os.Exit(jobShell(os.Args[1:]))
	}
	dir, err := os.MkdirTemp("", "sessionlab-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "sessionlab")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("go build: " + err.Error() + "\n" + string(out))
	}
	code := func() int {
		defer os.RemoveAll(dir)
		return m.Run()
	}()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// TestBadInput checks that every kind of bad command line gets one line on
// stderr, nothing on stdout, and exit status 2.
func TestBadInput(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag --bogus"},
		{[]string{"--lesson", "nope"}, `unknown lesson "nope" (choose establish, synchronize, recover, terminate)`},
		{[]string{"--lesson"}, "flag --lesson needs a value"},
		{[]string{"-lesson"}, "flag -lesson needs a value"},
		{[]string{"--speed", strings.Repeat("9", 100_000)}, `--speed "9999999999999999999999999999999999999999…" (100000 bytes) is not a number`},
		{[]string{"--lesson", strings.Repeat("x", 100_000)}, `(100000 bytes) (choose establish`},
		{[]string{"lessons", "export", ""}, "lessons export takes one directory"},
		{[]string{"lessons", "export"}, "lessons export takes one directory"},
		{[]string{"lessons", "export", "a", "b"}, "lessons export takes one directory"},
		{[]string{"--speed", "9"}, `--speed "9" is not a number from 0.25 to 4`},
		{[]string{"--speed", "0.1"}, "is not a number from 0.25 to 4"},
		{[]string{"--speed", "fast"}, "is not a number from 0.25 to 4"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--plain", "--addr", busy.Addr().String()}, "address already in use"},
		{[]string{"--plain", "--addr", "127.0.0.1:99999"}, "invalid port"},
		{[]string{"--plain", "--addr", "192.0.2.1:0"}, "cannot listen on"},
		{[]string{"--plain", "--addr", "nonsense"}, "--addr takes HOST:PORT"},
		{[]string{"--speed", "NaN"}, `--speed "NaN" is not a number from 0.25 to 4`},
		{[]string{"--speed", "nan"}, "is not a number from 0.25 to 4"},
		{[]string{"--speed", "+Inf"}, "is not a number from 0.25 to 4"},
		{[]string{"--lesson", "synchronize", "--fault", "reset@DT9"}, "fault reset@DT9 can never fire: this lesson never sends DT 9"},
		{[]string{"--lesson", "synchronize", "--fault", "reset@DT"}, "never sends DT (it sends"},
		{[]string{"--lesson", "terminate", "--fault", "stall@AB7"}, "never sends AB 7"},
		{[]string{"--fault", "reset@"}, "is not KIND@WHEN"},
		{[]string{"--fault", "boom@3"}, `fault kind "boom" is not reset, stall or stop`},
		{[]string{"--theme", "sepia"}, `--theme: unknown theme "sepia" (choose auto, dark, light, high-contrast)`},
		{[]string{"connect"}, "connect takes the server's address"},
		{[]string{"connect", "a:1", "b:2"}, "connect takes the server's address"},
		{[]string{"connect", "nonsense"}, `"nonsense" is not HOST:PORT`},
		{[]string{"connect", "127.0.0.1:0"}, `port "0" is not a number from 1 to 65535`},
		{[]string{"connect", "127.0.0.1:102", "--bogus"}, "unknown flag --bogus"},
		{[]string{"listen", "--addr", busy.Addr().String()}, "address already in use"},
		{[]string{"listen", "extra"}, `unexpected argument "extra"`},
		{[]string{"listen", "--theme", "sepia"}, "unknown theme"},
		{[]string{"serve", "--max-sessions", "0"}, "--max-sessions 0: at least 1"},
		{[]string{"serve", "--idle-timeout", "0s"}, "--idle-timeout 0s: at least 1s"},
		{[]string{"serve", "--idle-timeout", "soon"}, "invalid value"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "--listen", busy.Addr().String()}, "address already in use"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, testEnv(&stdout, &stderr))
		if code != exitUsage {
			t.Errorf("%.80v: exit %d, want %d", tt.args, code, exitUsage)
		}
		if stdout.Len() != 0 {
			t.Errorf("%.80v: printed %q on stdout", tt.args, stdout.String())
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "sessionlab: ") || !strings.Contains(msg, tt.want) {
			t.Errorf("%.80v: stderr %q, want one line with %q", tt.args, msg, tt.want)
		}
	}
	// The theme can come from the environment too, and is checked alike.
	{
		var stdout, stderr bytes.Buffer
		e := testEnv(&stdout, &stderr)
		e.getenv = func(k string) string {
			if k == "SESSIONLAB_THEME" {
				return "neon"
			}
			return ""
		}
		if code := run(nil, e); code != exitUsage || !strings.Contains(stderr.String(), `unknown theme "neon"`) {
			t.Errorf("SESSIONLAB_THEME=neon: exit %d, stderr %q", code, stderr.String())
		}
	}
}

// testEnv is the real engine with stdout and stderr kept, not on a
// terminal.
func testEnv(stdout, stderr io.Writer) env {
	return env{stdout: stdout, stderr: stderr, start: startRun, getenv: func(string) string { return "" }, stdin: strings.NewReader("")}
}

func TestHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--help"}, testEnv(&stdout, &stderr)); code != exitOK {
		t.Fatalf("--help exit %d", code)
	}
	for _, flag := range []string{"-plain", "-lesson", "-speed", "-addr"} {
		if !strings.Contains(stdout.String(), flag) {
			t.Errorf("help lacks %s", flag)
		}
	}
}

// TestPlainWhenNotATerminal runs the binary with stdout on a pipe and no
// --plain: it must print the transcript and exit 0.
func TestPlainWhenNotATerminal(t *testing.T) {
	t.Parallel() // paced in real time: it mostly waits
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, binary, "--lesson", "establish", "--speed", "4").Output()
	if err != nil {
		t.Fatalf("exit: %v", err)
	}
	for _, want := range []string{"== Establish ==", "Waiting for a connection...", "Connection established with: 127.0.0.1:",
		"Received data: Hello from the client!", "Welcome to the session!", "Closing the connection..."} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestSignals interrupts a plain run in the middle: the exit status must
// say which signal, and the output must end with a whole line.
func TestSignals(t *testing.T) {
	t.Parallel() // paced in real time: it mostly waits
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, binary, "--plain", "--lesson", "synchronize", "--speed", "4")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(stdout)
		var out strings.Builder
		for !strings.Contains(out.String(), "Sending data packet 0") {
			line, err := r.ReadString('\n')
			out.WriteString(line)
			if err != nil {
				t.Fatalf("%v: output ended before DT 0: %v\n%s", tt.sig, err, out.String())
			}
		}
		if err := cmd.Process.Signal(tt.sig); err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(r)
		out.Write(rest)
		err = cmd.Wait()
		cancel()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != tt.code {
			t.Errorf("%v: %v, want exit status %d", tt.sig, err, tt.code)
		}
		if s := out.String(); !strings.HasSuffix(s, "\n") || strings.Contains(s, "Closing the connection") {
			t.Errorf("%v: output does not end cleanly mid-run:\n%s", tt.sig, s)
		}
	}
}

// brokenEngine is a run whose one scenario fails, as a bug in
// SessionLab would make it.
type brokenEngine struct{ ch chan sim.Event }

func newBrokenEngine() brokenEngine {
	b := brokenEngine{make(chan sim.Event, 2)}
	b.ch <- sim.ScenarioStarted{Header: sim.Header{ID: 1, Scenario: sim.Establish}}
	b.ch <- sim.ScenarioEnded{Header: sim.Header{ID: 2, Scenario: sim.Establish},
		Err: errors.New("client: protocol error at the client: expected AC, got\nDN")}
	close(b.ch)
	return b
}

func (b brokenEngine) Events() <-chan sim.Event { return b.ch }
func (brokenEngine) Pause()                     {}
func (brokenEngine) Resume()                    {}
func (brokenEngine) Step()                      {}
func (brokenEngine) SetSpeed(float64) error     { return nil }
func (brokenEngine) Inject(sim.FaultKind)       {}
func (brokenEngine) Stop()                      {}
func (brokenEngine) Port() uint16               { return 0 }
func (brokenEngine) Err() error                 { return nil }
func (brokenEngine) Unfired() []sim.Unfired     { return nil }

// TestFailedScenarioExits1: a scenario that fails is SessionLab failing,
// not a lesson outcome: exit status 1 and the reason on one line.
func TestFailedScenarioExits1(t *testing.T) {
	var stdout, stderr bytes.Buffer
	e := testEnv(&stdout, &stderr)
	e.start = func(context.Context, sim.Config) (sim.Session, error) { return newBrokenEngine(), nil }
	if code := run([]string{"--lesson", "establish"}, e); code != exitFailed {
		t.Fatalf("exit %d, want %d", code, exitFailed)
	}
	want := "sessionlab: the establish scenario failed: client: protocol error at the client: expected AC, got DN\n"
	if stderr.String() != want {
		t.Fatalf("stderr %q, want %q", stderr.String(), want)
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestWriteErrorExits1: a transcript that cannot be written is a failure,
// named on stderr; in-process and for the binary with stdout on /dev/full.
func TestWriteErrorExits1(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"--lesson", "establish", "--speed", "4"}, testEnv(failingWriter{}, &stderr)); code != exitFailed {
		t.Fatalf("exit %d, want %d", code, exitFailed)
	}
	if want := "sessionlab: cannot write the transcript: no space left on device\n"; stderr.String() != want {
		t.Fatalf("stderr %q, want %q", stderr.String(), want)
	}
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer full.Close()
	cmd := exec.Command(binary, "--plain", "--lesson", "establish", "--speed", "4")
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = full, &errOut
	err = cmd.Run()
	var exit *exec.ExitError
	want := "sessionlab: cannot write the transcript: write /dev/stdout: no space left on device\n"
	if !errors.As(err, &exit) || exit.ExitCode() != exitFailed || errOut.String() != want {
		t.Fatalf("%v, stderr %q, want %q", err, errOut.String(), want)
	}
}

// TestUnfiredFaultIsReported: a fault whose moment never comes is said,
// at the end, on stderr; the lesson itself ran to its end (exit 0).
func TestUnfiredFaultIsReported(t *testing.T) {
	t.Parallel() // paced in real time: it mostly waits
	var stdout, stderr bytes.Buffer
	code := run([]string{"--lesson", "establish", "--speed", "4", "--fault", "reset@999"}, testEnv(&stdout, &stderr))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !regexp.MustCompile(`^sessionlab: fault reset@999 never fired: the run ended after event \d+\n$`).MatchString(stderr.String()) {
		t.Fatalf("stderr %q", stderr.String())
	}
}

// TestTerminalQuitPaths runs the binary on a terminal of its own and ends
// it every way a person can: each exits with its own status and leaves
// the terminal restored (alternate screen left, cursor shown, raw mode
// off).
func TestTerminalQuitPaths(t *testing.T) {
	for _, tt := range []struct {
		name string
		end  func(*terminal)
		code int
	}{
		{"q", func(term *terminal) { term.type_(t, "q") }, 0},
		{"ctrl+c", func(term *terminal) { term.type_(t, "\x03") }, 130},
		{"SIGTERM", func(term *terminal) { _ = term.cmd.Process.Signal(syscall.SIGTERM) }, 143},
		{"SIGHUP", func(term *terminal) { _ = term.cmd.Process.Signal(syscall.SIGHUP) }, 129},
		{"SIGQUIT", func(term *terminal) { _ = term.cmd.Process.Signal(syscall.SIGQUIT) }, 131},
	} {
		t.Run(tt.name, func(t *testing.T) {
			term := startTerminal(t, nil, "--lesson", "synchronize", "--speed", "4")
			term.waitFor(t, "Synchronize")
			tt.end(term)
			if code := term.exit(t); code != tt.code {
				t.Fatalf("exit %d, want %d", code, tt.code)
			}
			if !term.restored() {
				t.Fatalf("terminal not restored:\n%q", term.output())
			}
			if strings.Contains(term.output(), "goroutine ") {
				t.Fatal("a goroutine dump on the terminal")
			}
		})
	}
}

// TestTerminalBadAddr: in the terminal UI too, an address that cannot be
// listened on is one line and exit 2, before the screen changes.
func TestTerminalBadAddr(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	term := startTerminal(t, nil, "--addr", busy.Addr().String())
	if code := term.exit(t); code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	out := term.output()
	if !strings.Contains(out, "address already in use") || strings.Contains(out, "\x1b[?1049h") {
		t.Fatalf("output %q", out)
	}
}

// TestDebugLog: DEBUG=1 writes what the UI received to a log file and
// says where at exit.
func TestDebugLog(t *testing.T) {
	tmp := t.TempDir()
	term := startTerminal(t, []string{"DEBUG=1", "TMPDIR=" + tmp, "NO_COLOR=1"}, "--lesson", "establish", "--speed", "4")
	term.waitFor(t, "PAUSED") // the run has started: the log has said so
	term.type_(t, "q")
	if code := term.exit(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	m := regexp.MustCompile(`debug log written to (\S+\.log)`).FindStringSubmatch(term.output())
	if m == nil {
		t.Fatalf("no log path in %q", term.output())
	}
	if filepath.Dir(m[1]) != tmp {
		t.Errorf("the log %s is not in TMPDIR", m[1])
	}
	if st, err := os.Lstat(m[1]); err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != 0o600 {
		t.Errorf("the log is not a private regular file: %v %v", st.Mode(), err)
	}
	log, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"size 100x30", "started run=", `key "q"`} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestTranscriptCommand: "sessionlab transcript" writes each format of a
// real run; --stable gives the same bytes twice; bad flags exit 2.
func TestTranscriptCommand(t *testing.T) {
	for _, format := range []string{"text", "markdown", "mermaid"} {
		var a, b, stderr bytes.Buffer
		args := []string{"transcript", "--lesson", "synchronize", "--format", format, "--stable"}
		if code := run(args, testEnv(&a, &stderr)); code != exitOK {
			t.Fatalf("%s: exit %d: %s", format, code, stderr.String())
		}
		run(args, testEnv(&b, &stderr))
		if a.String() != b.String() || a.Len() == 0 {
			t.Errorf("%s: two --stable runs differ, or printed nothing", format)
		}
	}
	var out, stderr bytes.Buffer
	if code := run([]string{"transcript", "--format", "pdf"}, testEnv(&out, &stderr)); code != exitUsage || !strings.Contains(stderr.String(), `--format "pdf" is not one of text, markdown, mermaid`) {
		t.Errorf("--format pdf: exit %d, %q", code, stderr.String())
	}
}

// TestLessonsExportAndLoad: export writes the lesson files; a second
// export refuses; --lessons with a broken file names its line, exit 2.
func TestLessonsExportAndLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lessons")
	var out, stderr bytes.Buffer
	if code := run([]string{"lessons", "export", dir}, testEnv(&out, &stderr)); code != exitOK || !strings.Contains(out.String(), "sessionlab --lessons "+dir) {
		t.Fatalf("export: exit %d, %q %q", code, out.String(), stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"lessons", "export", dir}, testEnv(&out, &stderr)); code != exitFailed || !strings.Contains(stderr.String(), "already exists") {
		t.Errorf("a second export: exit %d, %q", code, stderr.String())
	}
	path := filepath.Join(dir, "04-terminate.md")
	raw, _ := os.ReadFile(path)
	os.WriteFile(path, append(raw, []byte("\n## predict server sent XX\nquestion: Q\nanswer: {kind}\n- a: A\n- b: B\n")...), 0o644)
	stderr.Reset()
	code := run([]string{"--lessons", dir, "--plain"}, testEnv(&out, &stderr))
	line := strings.Count(string(raw), "\n") + 2
	if want := fmt.Sprintf("04-terminate.md:%d: ## predict server sent XX matches no event", line); code != exitUsage || !strings.Contains(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("a broken lesson file: exit %d, %q, want %q", code, stderr.String(), want)
	}
}

// TestResetProgress: --reset-progress asks first, and only yes forgets.
func TestResetProgress(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "progress.json")
	os.WriteFile(file, []byte(`{"version":1,"lessons":{"establish":{"finished":true}}}`), 0o600)
	for _, tt := range []struct {
		answer string
		kept   bool
	}{{"\n", true}, {"no\n", true}, {"y\n", false}} {
		var out, stderr bytes.Buffer
		e := testEnv(&out, &stderr)
		e.stdin = strings.NewReader(tt.answer)
		if code := run([]string{"--reset-progress", "--config-dir", dir}, e); code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		if !strings.Contains(out.String(), "Forget every lesson finished") {
			t.Errorf("no question: %q", out.String())
		}
		if _, err := os.Stat(file); (err == nil) != tt.kept {
			t.Errorf("answer %q: file kept %v", tt.answer, err == nil)
		}
	}
}

// TestStdoutFullIsAFailure: what the program says on stdout and cannot
// write (stdout on /dev/full) is a failure, exit 1, named on stderr;
// never a success nobody saw.
func TestStdoutFullIsAFailure(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer full.Close()
	for _, args := range [][]string{{"--help"}, {"transcript", "--help"}, {"lessons", "export", filepath.Join(t.TempDir(), "x")}, {"--reset-progress", "--config-dir", t.TempDir()}} {
		cmd := exec.Command(binary, args...)
		var errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr, cmd.Stdin = full, &errOut, strings.NewReader("y\n")
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != exitFailed || !strings.Contains(errOut.String(), "no space left on device") {
			t.Errorf("%v: %v, stderr %q", args, err, errOut.String())
		}
	}
}

// brokenPipe takes n bytes, then fails every write, and counts the
// writes tried after the first failure.
type brokenPipe struct {
	mu       sync.Mutex
	n        int
	failed   bool
	tried    int
	received bytes.Buffer
}

func (b *brokenPipe) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failed {
		b.tried++
		return 0, syscall.EPIPE
	}
	if b.received.Len()+len(p) > b.n {
		b.failed = true
		return 0, syscall.EPIPE
	}
	return b.received.Write(p)
}

// TestWriteErrorMidTranscript: stdout that fails in the middle of a
// plain run (a pager quit) stops the run at once: nothing more is
// written or tried, the exit status is 1, and stderr says why.
func TestWriteErrorMidTranscript(t *testing.T) {
	t.Parallel() // paced in real time: it mostly waits
	out := &brokenPipe{n: 2000}
	var stderr bytes.Buffer
	e := testEnv(out, &stderr)
	var sent []string
	e.start = func(ctx context.Context, cfg sim.Config) (sim.Session, error) {
		s, err := startRun(ctx, cfg)
		return tapped{s, func(ev sim.Event) {
			if s, ok := ev.(sim.Sent); ok {
				sent = append(sent, s.Name.Short())
			}
		}}, err
	}
	code := run([]string{"--lesson", "synchronize", "--speed", "4"}, e)
	if slices.Contains(sent, "DT 4") {
		t.Fatalf("the run went on after stdout broke: it sent %v", sent)
	}
	if code != exitFailed || !strings.Contains(stderr.String(), "cannot write the transcript: broken pipe") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if out.tried != 0 {
		t.Fatalf("%d writes were tried after the first one failed", out.tried)
	}
	if !bytes.Contains(out.received.Bytes(), []byte("== Synchronize ==")) || bytes.Contains(out.received.Bytes(), []byte("Sending data packet 4")) {
		t.Fatalf("the transcript did not stop where stdout broke:\n%s", out.received.String())
	}
}

// tapped is a session whose events a test sees on their way.
type tapped struct {
	sim.Session
	see func(sim.Event)
}

func (t tapped) Events() <-chan sim.Event {
	out := make(chan sim.Event)
	go func() {
		defer close(out)
		for ev := range t.Session.Events() {
			t.see(ev)
			out <- ev
		}
	}()
	return out
}

// TestPresenterFollowsTheBackground: --present keeps the theme the
// terminal's background calls for (light on a white projector), as every
// mode does; --theme still chooses one.
func TestPresenterFollowsTheBackground(t *testing.T) {
	var out, errs bytes.Buffer
	for args, want := range map[string]string{"--present": "auto", "--present --theme high-contrast": "high-contrast"} {
		o, code := parseCommandLine(strings.Fields(args), testEnv(&out, &errs))
		if o == nil || code != exitOK || o.Theme != want {
			t.Errorf("%s: theme %v, exit %d (%s), want %s", args, o, code, errs.String(), want)
		}
	}
	light, err := ui.ThemeFor("auto", false)
	if err != nil || light.Name != "light" {
		t.Fatalf("auto on a white terminal: %v %v", light.Name, err)
	}
}

// TestListenAndConnect: listen prints what it does when stdout is not a
// terminal; connect, with its flag after the address, opens a session
// against it and exits 0; a port nobody listens on is one line and exit
// 1; a signal ends listen as a shell reports it.
func TestListenAndConnect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	listen := exec.CommandContext(ctx, binary, "listen", "--addr", "127.0.0.1:0")
	out, err := listen.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := listen.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatal("listen printed nothing")
	}
	addr := regexp.MustCompile(`Listening on (127\.0\.0\.1:\d+)`).FindStringSubmatch(lines.Text())
	if addr == nil {
		t.Fatalf("listen's first line: %q", lines.Text())
	}
	conn := exec.CommandContext(ctx, binary, "connect", addr[1], "--plain")
	got, err := conn.CombinedOutput()
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, got)
	}
	for _, want := range []string{"→ CR", "← CC", "← AC", "→ GT+MIP 1", "← PT+MIA 1", "← PT+MAA 3", "← DN"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("connect's output has no %q:\n%s", want, got)
		}
	}
	var served strings.Builder
	for lines.Scan() && !strings.Contains(lines.Text(), "Closed") {
		served.WriteString(lines.Text() + "\n")
	}
	if !strings.Contains(served.String(), "→ PT+MIA 1") {
		t.Errorf("listen's output has no PT+MIA 1:\n%s", served.String())
	}
	listen.Process.Signal(syscall.SIGTERM)
	go io.Copy(io.Discard, out)
	if err := listen.Wait(); listen.ProcessState.ExitCode() != 128+int(syscall.SIGTERM) {
		t.Errorf("listen after SIGTERM: %v, exit %d", err, listen.ProcessState.ExitCode())
	}

	free, _ := net.Listen("tcp", "127.0.0.1:0")
	nobody := free.Addr().String()
	free.Close()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"connect", nobody}, testEnv(&stdout, &stderr)); code != exitFailed ||
		strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "connection refused") {
		t.Errorf("connect to nobody: exit %d, stderr %q", code, stderr.String())
	}
}

// TestServeEndsTheClassOnSIGTERM: serve prints where it listens and its
// host key's fingerprint, and a signal ends the class with exit 0.
func TestServeEndsTheClassOnSIGTERM(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "--listen", "127.0.0.1:0", "--config-dir", t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	var head []string
	for len(head) < 2 && lines.Scan() {
		head = append(head, lines.Text())
	}
	if len(head) < 2 || !strings.Contains(head[0], "ssh -p ") || !strings.Contains(head[1], "SHA256:") {
		t.Fatalf("serve printed %q", head)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	go io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil || cmd.ProcessState.ExitCode() != 0 {
		t.Fatalf("serve after SIGTERM: %v, exit %d", err, cmd.ProcessState.ExitCode())
	}
}
