package serve

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
	"sessionlab/sim"
	"sessionlab/ui"
	"sessionlab/ui/ptytest"
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
	before := sockets(t)
	// The teacher's terminal: a pseudo-terminal of 100×30, drawn to and
	// read away; keys are typed on its other end.
	keys, screen := ptytest.Open(t, 100, 30)
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
	dir := t.TempDir()
	o := Options{Listen: "127.0.0.1:0", Book: book, Theme: "dark", ConfigDir: dir, Grace: 200 * time.Millisecond,
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
	// asked it on their own screen, and answers there; nothing is
	// revealed before the teacher goes on.
	teacher("\x1b[6~")
	amy.waitFor(t, "Predict, then watch")
	bob.waitFor(t, "Predict, then watch")
	amy.typ(t, "1")
	bob.typ(t, "2")
	amy.waitFor(t, "Your answer: 1 (")
	bob.waitFor(t, "Your answer: 2 (")
	consoleShows("Answered: 2 of 2 students")
	teacher("c") // the chart of the answers: one each
	consoleShows("1 " + strings.Repeat("█", 42) + " 1")
	consoleShows("2 " + strings.Repeat("█", 42) + " 1")
	// Revealed, the run goes on to the next question, about V(A); bob
	// leaves in the middle of it, which changes nothing for the others.
	teacher("\x1b[6~")
	amy.waitFor(t, "what will the client's V(A) be?")
	amy.typ(t, "2")
	consoleShows("Answered: 1 of 2 students")
	bob.close()
	consoleShows("class of 1: 1 following · 1 answered")
	teacher("\x1b[6~") // revealed: the first data packet
	amy.waitFor(t, "step 2 of")
	teacher("\x1b[6~")
	amy.waitFor(t, "step 3 of")

	// A student's keys never drive the teacher's run: → and space are
	// refused, and the teacher's console stays where it was.
	mark := amy.mark()
	consoleFrom = len(console.String())
	amy.typ(t, "\x1b[6~ ")
	amy.waitAfter(t, mark, "the teacher steps · e: explore alone")
	if strings.Contains(console.String()[consoleFrom:], "step 4 of") {
		t.Fatal("a student's → moved the teacher's run")
	}

	late := connect(t, addr, &gossh.ClientConfig{User: "cleo"}, 100, 30)
	late.waitFor(t, "step 3 of")
	teacher("\x1b[6~")
	amy.waitFor(t, "step 4 of")
	late.waitFor(t, "step 4 of")

	// On to the steps the questions were about: amy sees she was right.
	for _, verdict := range []string{"✓ Right: Nothing unacknowledged", "✓ Right: V(A) = 2"} {
		for try := 0; amy.waitQuiet(verdict, time.Second) != nil; try++ {
			if try == 10 {
				t.Fatalf("amy never saw %q; she saw:\n%s", verdict, amy.text())
			}
			teacher("\x1b[6~")
		}
	}

	// amy explores on her own, and comes back to the teacher's step.
	mark = amy.mark()
	amy.typ(t, "e")
	amy.waitAfter(t, mark, "on your own · e: back")
	consoleShows("1 exploring")
	amy.typ(t, "\x1b[6~") // her own run answers her own →
	amy.waitAfter(t, mark, "step 1 of")
	mark = amy.mark()
	amy.typ(t, "e")
	amy.waitAfter(t, mark, "with the teacher")  // her screen again: the teacher's run
	amy.waitAfter(t, mark, "✓ Right: V(A) = 2") // at the teacher's step, her answer standing
	// Locked, nobody leaves.
	mark = amy.mark()
	teacher("L")
	consoleShows("locked")
	amy.waitAfter(t, mark, "with the teacher · locked")
	amy.typ(t, "e")
	amy.waitFor(t, "locked: the class stays on the teacher's step")
	consoleFrom = len(console.String())
	teacher("L")
	consoleShows("class of 2: 2 following · 1x") // unlocked; and keys typed at once could come as one

	// The quiz at the end is asked the same way: amy answers, the
	// teacher reveals, amy sees she was right.
	for try := 0; ; try++ {
		teacher("\x1b[6~")
		if amy.waitQuiet("Quiz: question 1 of 2", 300*time.Millisecond) == nil {
			break
		}
		if try == 60 {
			t.Fatalf("the quiz never came; amy saw:\n%s", amy.text())
		}
	}
	late.waitFor(t, "Quiz: question 1 of 2")
	right := regexp.MustCompile(`(\d) No: it is pacing`).FindStringSubmatch(amy.text()) // choices come shuffled
	if right == nil {
		t.Fatalf("no right choice in amy's quiz:\n%s", amy.text())
	}
	amy.typ(t, right[1])
	consoleShows("Answered: 1 of 2 students")
	mark = amy.mark()
	teacher("\x1b[6~")
	amy.waitAfter(t, mark, "✓ Right.")
	late.waitFor(t, "The answer is") // cleo did not answer: shown without a score
	// On through the last question to the summary: the teacher's says how
	// the class answered, each student's how they did.
	teacher("\x1b[6~")
	amy.waitFor(t, "Quiz: question 2 of 2")
	teacher("\x1b[6~")
	amy.waitFor(t, "The summary comes when the teacher goes on.")
	teacher("\x1b[6~")
	consoleShows("The class's answers")
	consoleShows("1 right of 1 · Is the gap between data packets synchronization?")
	amy.waitFor(t, "quiz: 1 of 2 answered, 1 right")

	teacher("q") // once: the console asks, as one stray key must not end a class
	consoleShows("q again ends the class")
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
	// amy's answers went to her own progress, kept when the class ended.
	store, warning := progress.Open(filepath.Join(dir, "users", "amy"), time.Now())
	if sync := store.Snapshot().Lessons["synchronize"]; warning != "" || sync == nil || !sync.Seen ||
		sync.Quiz.Right != 1 || sync.Quiz.Of != 1 || sync.Predictions.Right < 2 {
		t.Fatalf("amy's progress: %+v (%s)", sync, warning)
	}
	// No socket is left: the teacher's runs, the mirrors, the SSH
	// sessions (goleak checks the goroutines when the tests end).
	amy.close()
	late.close()
	deadline := time.Now().Add(within)
	for n := sockets(t); n > before; n = sockets(t) {
		if time.Now().After(deadline) {
			t.Fatalf("%d sockets open after the class, %d before", n, before)
		}
		time.Sleep(20 * time.Millisecond) // polling the process's descriptors; bounded
	}
}

// sockets counts the sockets this process has open.
func sockets(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count open sockets here: %v", err)
	}
	n := 0
	for _, fd := range fds {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n
}

// TestTeacherStepsKeepWatchersIn: in a class, a student who only watches
// is not closed for idleness while the teacher steps; once the teacher
// stops too, the idle timeout applies.
func TestTeacherStepsKeepWatchersIn(t *testing.T) {
	h := newHub(false)
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

// TestTeacherKey: with a teacher's key the console is an SSH login; in
// the open room, students get in with nothing to type, a second login
// with the teacher's key while the console is open is a student, a
// named class shows the teacher who answered what, and the console
// quitting ends the class for everyone.
func TestTeacherKey(t *testing.T) {
	book, err := lessons.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	keyFile := filepath.Join(dir, "teacher.pub")
	os.WriteFile(keyFile, append([]byte("# the instructor\n"), gossh.MarshalAuthorizedKey(signer.PublicKey())...), 0o600)
	ready := make(chan net.Addr, 1)
	o := Options{Listen: "127.0.0.1:0", Book: book, Theme: "dark", ConfigDir: dir, Grace: 200 * time.Millisecond, TeacherKey: keyFile, Named: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Ready: func(a net.Addr) { ready <- a }}
	done := make(chan error, 1)
	go func() {
		done <- RunClass(context.Background(), o, func(ctx context.Context, _ *ui.Class) error {
			<-ctx.Done() // the local terminal only waits: the console is the SSH login
			return nil
		})
	}()
	addr := (<-ready).String()
	withKey := []gossh.AuthMethod{gossh.PublicKeys(signer)}
	nothing := []gossh.AuthMethod{gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })}

	teacher := connect(t, addr, &gossh.ClientConfig{User: "prof", Auth: withKey}, 100, 30)
	teacher.waitFor(t, "No students yet. They join with") // the teacher's console
	amy := connect(t, addr, &gossh.ClientConfig{User: "amy", Auth: nothing}, 100, 30)
	twin := connect(t, addr, &gossh.ClientConfig{User: "prof", Auth: withKey}, 80, 24)
	amy.waitFor(t, "1. Establish")
	twin.waitFor(t, "1. Establish")
	teacher.typ(t, "2\r")
	amy.waitFor(t, "Synchronize · introduction")
	twin.waitFor(t, "Synchronize · introduction") // the second login with the key follows, as a student
	for try := 0; amy.waitQuiet("Predict, then watch", time.Second) != nil; try++ {
		if try == 10 {
			t.Fatalf("the question never came; amy saw:\n%s", amy.text())
		}
		teacher.typ(t, "\x1b[6~")
	}
	teacher.waitFor(t, "Answered: 0 of 2 students")
	amy.typ(t, "1")
	teacher.waitFor(t, "Answered: 1 of 2 students")
	teacher.typ(t, "c")
	teacher.waitFor(t, " 1 amy") // named: who chose what
	// The teacher goes back to the lessons: so does the class.
	mark := amy.mark()
	teacher.typ(t, "\x1b")
	amy.waitAfter(t, mark, "In class: your screen follows the teacher's")

	teacher.typ(t, "q")
	teacher.waitFor(t, "q again ends the class")
	teacher.typ(t, "q")
	for _, s := range []*terminal{amy, twin} {
		s.waitEnd(t)
		s.waitFor(t, "class is over")
	}
	teacher.waitEnd(t)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RunClass: %v", err)
		}
	case <-time.After(within):
		t.Fatal("the class did not end with the teacher's console")
	}
}

// TestSlowFollowerHoldsNobodyBack: a follower that takes no state and
// reads no event (a frozen terminal) holds back neither the teacher's
// publishing nor the teacher's run, nor another follower.
func TestSlowFollowerHoldsNobodyBack(t *testing.T) {
	h := newHub(false)
	states, mirror, _, _, leave := h.follow("frozen")
	defer leave()
	if _, err := mirror(1); err != nil { // a mirror nobody reads
		t.Fatal(err)
	}
	quick, quickMirror, _, _, quickLeave := h.follow("quick")
	defer quickLeave()
	run := &fakeRun{events: make(chan sim.Event)}
	teed, err := h.startRun(func(sim.Config, bool) (sim.Session, error) { return run, nil })(1, sim.Config{}, true)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := quickMirror(1)
	const n = 1000
	go func() {
		defer close(run.events)
		for i := range n {
			run.events <- sim.ScenarioEnded{Header: sim.Header{ID: i}}
		}
	}()
	for i := range n {
		h.publish(ui.FollowState{Lesson: "synchronize", Run: 1, Cursor: i}) // never blocks: one slot, the newest
		select {
		case <-teed.Events(): // the teacher's screen reads every event as it comes
		case <-time.After(within):
			t.Fatalf("the teacher's run stalled at event %d behind a frozen follower", i)
		}
	}
	for i := range n {
		select {
		case ev := <-m.Events():
			if ev.Head().ID != i {
				t.Fatalf("the quick follower's event %d is %d", i, ev.Head().ID)
			}
		case <-time.After(within):
			t.Fatalf("the quick follower got %d events of %d", i, n)
		}
	}
	if st := <-quick; st.Cursor != n-1 {
		t.Fatalf("the quick follower's state is step %d, not the newest (%d)", st.Cursor, n-1)
	}
	if len(states) != 1 {
		t.Fatalf("the frozen follower holds %d states; one, the newest, is all it should", len(states))
	}
}

// fakeRun is a teacher's run whose events the test sends.
type fakeRun struct {
	sim.Session
	events chan sim.Event
}

func (f *fakeRun) Events() <-chan sim.Event { return f.events }
func (f *fakeRun) Port() uint16             { return 1 }
