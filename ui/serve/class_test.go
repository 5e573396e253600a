package serve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/sys/unix"

	"sessionlab/lessons"
	"sessionlab/ui"
)

// TestClassFollows: the teacher's console runs on a terminal of its own
// (a pipe here); students who log in follow its lesson and step, a late
// one lands on the current step, one leaving changes nothing for the
// others, and the teacher quitting ends the class for everyone.
func TestClassFollows(t *testing.T) {
	book, err := lessons.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// The teacher's terminal: a pseudo-terminal of 100×30, drawn to and
	// read away; keys are typed on its other end.
	keys, screen := openPTY(t, 100, 30)
	var console syncBuffer // what the teacher's console drew
	go io.Copy(&console, keys)
	consoleFrom := 0 // where the console's output is read from: what came since the last step
	consoleShows := func(want string) {
		t.Helper()
		deadline := time.Now().Add(within)
		for !strings.Contains(strings.Join(strings.Fields(ansiSeq.ReplaceAllString(console.String()[consoleFrom:], " ")), " "), want) {
			if time.Now().After(deadline) {
				t.Fatalf("the teacher's console never showed %q", want)
			}
			time.Sleep(20 * time.Millisecond) // polling a terminal the test reads; the wait is bounded
		}
	}
	ready := make(chan net.Addr, 1)
	o := Options{Listen: "127.0.0.1:0", Book: book, Theme: "dark", ConfigDir: t.TempDir(), Grace: 200 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Ready: func(a net.Addr) { ready <- a }}
	done := make(chan error, 1)
	go func() {
		done <- RunClass(context.Background(), o, func(ctx context.Context, class *ui.Class) error {
			return ui.Run(ctx, ui.Options{Book: book, Speed: 1, Addr: "127.0.0.1:0", Theme: "dark", Present: true,
				Out: screen, In: screen, Notes: io.Discard, Getenv: func(string) string { return "" }, Class: class})
		})
	}()
	defer func() { screen.Close(); keys.Close() }()
	addr := (<-ready).String()
	teacher := func(k string) {
		t.Helper()
		if _, err := keys.Write([]byte(k)); err != nil {
			t.Fatal(err)
		}
	}

	amy := connect(t, addr, &gossh.ClientConfig{User: "amy"}, 100, 30)
	bob := connect(t, addr, &gossh.ClientConfig{User: "bob"}, 80, 24)
	amy.waitFor(t, "1. Establish")
	bob.waitFor(t, "1. Establish")
	teacher("2\r")
	amy.waitFor(t, "Synchronize · introduction")
	bob.waitFor(t, "Synchronize · introduction")
	// The teacher's first PgDn counts once its run has started; until
	// then the console is starting, and the key is pressed again.
	for try := 0; ; try++ {
		teacher("\x1b[6~") // PgDn
		if amy.waitQuiet("step 1 of", 2*time.Second) == nil {
			break
		}
		if try == 10 {
			t.Fatalf("the students never followed the teacher's first step; amy saw:\n%s", amy.text())
		}
	}
	// The teacher's next step is a question for the room: each student is
	// asked it on their own screen, and answers there.
	teacher("\x1b[6~")
	amy.waitFor(t, "Predict, then watch")
	bob.waitFor(t, "Predict, then watch")
	amy.typ(t, "1")
	consoleShows("Answered: 1 of 2 students")
	teacher("c") // the chart of the answers
	consoleShows("1 █")
	teacher("\x1b[6~\x1b[6~") // on past the two questions: the first data packet
	amy.waitFor(t, "step 2 of")
	bob.waitFor(t, "step 2 of") // bob did not answer: the question passed with the teacher
	teacher("\x1b[6~")
	amy.waitFor(t, "step 3 of")
	bob.waitFor(t, "step 3 of")

	late := connect(t, addr, &gossh.ClientConfig{User: "cleo"}, 100, 30)
	late.waitFor(t, "step 3 of")

	bob.close()
	teacher("\x1b[6~")
	amy.waitFor(t, "step 4 of")
	late.waitFor(t, "step 4 of")

	// On to the step the first question was about: amy, who answered,
	// sees whether she was right.
	for try := 0; ; try++ {
		teacher("\x1b[6~")
		if amy.waitQuiet("Right:", time.Second) == nil || amy.waitQuiet("Not quite", 10*time.Millisecond) == nil {
			break
		}
		if try == 10 {
			t.Fatalf("amy never saw a verdict; she saw:\n%s", amy.text())
		}
	}

	// amy explores on her own, and comes back to the teacher's step.
	amy.typ(t, "e")
	amy.waitFor(t, "Exploring on your own")
	consoleShows("1 exploring")
	mark := amy.mark()
	amy.typ(t, "e")
	amy.waitAfter(t, mark, "paused: no socket calls") // her screen again: the teacher's run
	// Locked, nobody leaves.
	teacher("L")
	consoleShows("locked")
	amy.typ(t, "e")
	amy.waitFor(t, "keeps the class together")
	consoleFrom = len(console.String())
	teacher("L")
	consoleShows("class of 2 · 1x") // unlocked; and keys typed at once could come as one

	teacher("q")

	for _, s := range []*terminal{amy, late} {
		s.waitEnd(t)
		s.waitFor(t, "class is over")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RunClass: %v", err)
		}
	case <-time.After(within):
		t.Fatal("the class did not end")
	}
}

// openPTY opens a pseudo-terminal of w×h: its master (what a terminal
// emulator holds) and its slave (what a program draws on).
func openPTY(t *testing.T, w, h int) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(h), Col: uint16(w)}); err != nil {
		t.Fatal(err)
	}
	return master, slave
}

// TestTeacherStepsKeepWatchersIn: in a class, a student who only watches
// is not closed for idleness while the teacher steps; once the teacher
// stops too, the idle timeout applies.
func TestTeacherStepsKeepWatchersIn(t *testing.T) {
	h := newHub()
	r := &room{o: Options{IdleTimeout: 200 * time.Millisecond}, hub: h}
	st := &student{}
	st.lastKey.Store(time.Now().Add(-time.Hour).UnixNano())
	stop := r.watchIdle(st)
	defer stop()
	for range 8 { // 400 ms of steps, twice the timeout
		h.publish(ui.FollowState{Lesson: "synchronize", Run: 1})
		time.Sleep(50 * time.Millisecond) // the teacher's pace; the watchdog runs on its own ticker
		st.mu.Lock()
		why := st.reason
		st.mu.Unlock()
		if why != "" {
			t.Fatalf("closed while the teacher stepped: %s", why)
		}
	}
	deadline := time.Now().Add(within)
	for {
		st.mu.Lock()
		why := st.reason
		st.mu.Unlock()
		if strings.Contains(why, "without a key pressed") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("never closed after the teacher stopped")
		}
		time.Sleep(20 * time.Millisecond) // polling a field the watchdog sets; bounded
	}
}
