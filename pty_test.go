package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sessionlab/ui/ptytest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/sys/unix"
)

// terminal is the binary running on a pseudo-terminal of its own, as in
// a real terminal window: what it draws is kept, and the queries a
// terminal answers (background colour, cursor position) are answered.
type terminal struct {
	cmd    *exec.Cmd
	master *os.File
	mu     sync.Mutex
	out    bytes.Buffer
	done   chan struct{} // closed when the output ends
}

// startTerminal runs the binary with args on a new 100×30 pseudo-terminal.
func startTerminal(t *testing.T, env []string, args ...string) *terminal {
	return startOnTerminal(t, env, binary, args...)
}

// startOnTerminal runs program with args on a new 100×30 pseudo-terminal,
// as the leader of its session.
func startOnTerminal(t *testing.T, env []string, program string, args ...string) *terminal {
	t.Helper()
	master, slave := ptytest.Open(t, 100, 30)
	defer slave.Close()
	cmd := exec.Command(program, args...)
	// Progress goes to a directory of the test's own, never the user's.
	cmd.Env = append(os.Environ(), append([]string{"TERM=xterm-256color", "XDG_CONFIG_HOME=" + t.TempDir()}, env...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	term := &terminal{cmd: cmd, master: master, done: make(chan struct{})}
	go term.read()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		master.Close()
	})
	return term
}

// read keeps what the program writes and answers its queries.
func (term *terminal) read() {
	defer close(term.done)
	buf := make([]byte, 4096)
	for {
		n, err := term.master.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if bytes.Contains(chunk, []byte("\x1b]11;?")) {
				_, _ = term.master.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
			}
			if bytes.Contains(chunk, []byte("\x1b[6n")) {
				_, _ = term.master.Write([]byte("\x1b[1;1R"))
			}
			term.mu.Lock()
			term.out.Write(chunk)
			term.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}

// waitFor waits until the screen has shown text.
func (term *terminal) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(term.output(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q; it showed:\n%q", text, term.output())
		}
		select {
		case <-term.done:
			if !strings.Contains(term.output(), text) {
				t.Fatalf("the program ended without showing %q:\n%q", text, term.output())
			}
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// type_ sends keys as a person would type them.
func (term *terminal) type_(t *testing.T, keys string) {
	t.Helper()
	if _, err := term.master.Write([]byte(keys)); err != nil {
		t.Fatal(err)
	}
}

// exit waits for the program to end and returns its exit status.
func (term *terminal) exit(t *testing.T) int {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- term.cmd.Wait() }()
	select {
	case err := <-errc:
		<-term.done
		if err == nil {
			return 0
		}
		if ee, ok := err.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				t.Fatalf("killed by %v, not exited:\n%q", ws.Signal(), term.output())
			}
			return ee.ExitCode()
		}
		t.Fatal(err)
	case <-time.After(20 * time.Second):
		t.Fatalf("the program did not end; it showed:\n%q", term.output())
	}
	return -1
}

// restored reports whether the program left the terminal as it found it:
// out of the alternate screen, the cursor shown, and out of raw mode
// (line editing and echo on again; a pty's master reports its slave's
// settings).
func (term *terminal) restored() bool {
	out := term.output()
	leave := strings.LastIndex(out, "\x1b[?1049l")
	screen := leave >= 0 && leave > strings.LastIndex(out, "\x1b[?1049h") &&
		strings.LastIndex(out, "\x1b[?25h") > strings.LastIndex(out, "\x1b[?25l")
	tio, err := unix.IoctlGetTermios(int(term.master.Fd()), unix.TCGETS)
	return screen && err == nil && tio.Lflag&unix.ICANON != 0 && tio.Lflag&unix.ECHO != 0
}

// TestTerminalProgress: a corrupt progress file is kept aside with a
// one-line warning, and the learner starts afresh; quitting half-way
// through a lesson and starting again offers to continue there, and c
// does.
func TestTerminalProgress(t *testing.T) {
	config := t.TempDir()
	dir := filepath.Join(config, "sessionlab")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "progress.json"), []byte("{half a file"), 0o600)
	env := []string{"XDG_CONFIG_HOME=" + config}

	term := startTerminal(t, append(env, "NO_COLOR=1"))
	term.waitFor(t, "1. Establish")
	// On the picker, where the learner sees it (not only before the
	// screen is taken over), and again once it is given back.
	term.waitForWords(t, "kept as progress.json.bad-")
	if out := term.output(); !strings.Contains(words(out[strings.Index(out, "\x1b[?1049h"):]), "progress.json is not valid progress") {
		t.Fatalf("the warning is not on the screen:\n%q", out)
	}
	if aside, _ := filepath.Glob(filepath.Join(dir, "progress.json.bad-*")); len(aside) != 1 {
		t.Fatalf("the corrupt file was not kept aside: %v", aside)
	}
	term.type_(t, "3") // Recover
	term.waitFor(t, "introduction")
	term.type_(t, "]") // its second part, which saves where the learner is
	term.waitFor(t, "part 2 of 2")
	term.type_(t, "\x1b[6~") // PgDn: the part's first step
	term.waitFor(t, "step 1 of")
	term.type_(t, "q")
	if code := term.exit(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if out := term.output(); !strings.Contains(words(out[strings.LastIndex(out, "\x1b[?1049l"):]), "progress.json is not valid progress") {
		t.Fatalf("the warning is not repeated once the screen is given back:\n%q", out)
	}

	again := startTerminal(t, env)
	again.waitFor(t, "Continue: Recover, part 2")
	again.type_(t, "c")
	again.waitFor(t, "part 2 of 2")
	again.type_(t, "q")
	if code := again.exit(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// jobShellEnv makes the test binary a tiny shell with job control (see
// jobShell) instead of running the tests.
const jobShellEnv = "SESSIONLAB_TEST_JOB_SHELL"

// jobShell runs args[0] with args[1:] as a job of its own in the
// foreground of the terminal, as an interactive shell does, so that a
// SIGTSTP really stops it (the kernel ignores it in a process group no
// shell controls). It says on the terminal when the job stops, and exits
// with the job's status.
func jobShell(args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Foreground: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		fmt.Println("jobshell:", err)
		return 99
	}
	pid := cmd.Process.Pid
	fmt.Printf("jobshell: job %d started\r\n", pid)
	for {
		var ws syscall.WaitStatus
		if _, err := syscall.Wait4(pid, &ws, syscall.WUNTRACED, nil); err != nil {
			fmt.Println("jobshell:", err)
			return 99
		}
		switch {
		case ws.Stopped():
			fmt.Printf("jobshell: job stopped by %v\r\n", ws.StopSignal())
		case ws.Exited():
			return ws.ExitStatus()
		case ws.Signaled():
			return 128 + int(ws.Signal())
		}
	}
}

// TestSuspend: SIGTSTP from outside and ctrl+z in the app both give the
// terminal back (cooked, out of the alternate screen, the cursor shown)
// and stop the program, as a shell's job control expects; SIGCONT (fg)
// takes the terminal again and draws the screen, and keys work.
func TestSuspend(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	term := startOnTerminal(t, []string{jobShellEnv + "=1", "NO_COLOR=1"}, self, binary, "--lesson", "synchronize")
	term.waitFor(t, "jobshell: job ")
	var pid int
	if _, err := fmt.Sscanf(term.output()[strings.Index(term.output(), "jobshell: job "):], "jobshell: job %d", &pid); err != nil {
		t.Fatal(err)
	}
	term.waitFor(t, "Synchronize · introduction")
	for i, suspend := range []func(){
		func() { _ = syscall.Kill(pid, syscall.SIGTSTP) },
		func() { term.type_(t, "\x1a") }, // ctrl+z
	} {
		suspend()
		term.waitForCount(t, "jobshell: job stopped by ", i+1)
		if st := procState(t, pid); st != "T" {
			t.Fatalf("suspend %d: the program is in state %s, not stopped", i+1, st)
		}
		if !term.restored() {
			t.Fatalf("suspend %d: the terminal was not given back:\n%q", i+1, term.output())
		}
		drawn := strings.Count(term.output(), "Synchronize · introduction")
		if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		term.waitForCount(t, "Synchronize · introduction", drawn+1)
	}
	term.type_(t, "\x1b[6~") // PgDn: keys reach the program again
	term.waitFor(t, "step 1")
	term.type_(t, "q")
	if code := term.exit(t); code != 0 {
		t.Fatalf("exit %d:\n%q", code, term.output())
	}
}

// procState is a process's state letter from /proc (T: stopped).
func procState(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return fields[0]
}

// waitForCount waits until the screen has shown text n times.
func (term *terminal) waitForCount(t *testing.T, text string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(term.output(), text) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the screen showed %q %d times, not %d:\n%q", text, strings.Count(term.output(), text), n, term.output())
		}
		select {
		case <-term.done:
			t.Fatalf("the program ended:\n%q", term.output())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// words is what a terminal's output says, its escape sequences left out
// and its lines and spaces run together: a sentence wrapped on screen is
// found whole.
func words(out string) string { return strings.Join(strings.Fields(ansi.Strip(out)), " ") }

// waitForWords is waitFor for a sentence the screen may wrap: it looks in
// what the output says (words), not at its bytes.
func (term *terminal) waitForWords(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(words(term.output()), text) {
		if time.Now().After(deadline) {
			t.Fatalf("the screen never said %q; it showed:\n%q", text, term.output())
		}
		select {
		case <-term.done:
			if !strings.Contains(words(term.output()), text) {
				t.Fatalf("the program ended without saying %q:\n%q", text, term.output())
			}
		case <-time.After(10 * time.Millisecond):
		}
	}
}
