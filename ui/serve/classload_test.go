package serve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"sessionlab/lessons"
	"sessionlab/ui"
)

// dtOnScreen finds a data packet's line in a screen's event log.
var dtOnScreen = regexp.MustCompile(`Sending data packet (\d)`)

// firstSeen notes, on the test's clock, when each DT first reached a
// screen, reading only what is new each time.
type firstSeen struct {
	mu   sync.Mutex
	at   map[int]time.Time
	seen int
}

func (f *firstSeen) scan(raw []byte) {
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.at == nil {
		f.at = map[int]time.Time{}
	}
	from := max(0, f.seen-64)
	text := strings.Join(strings.Fields(ansiSeq.ReplaceAllString(string(raw[from:]), " ")), " ")
	f.seen = len(raw)
	for _, m := range dtOnScreen.FindAllStringSubmatch(text, -1) {
		k, _ := strconv.Atoi(m[1])
		if _, ok := f.at[k]; !ok {
			f.at[k] = now
		}
	}
}

func (f *firstSeen) all() map[int]time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.at)
}

// watch scans term's output as it comes, until all five data packets
// were seen, the session ends, or until (nil: never) fires.
func (f *firstSeen) watch(term *terminal, until <-chan time.Time) {
	for len(f.all()) < 5 {
		term.mu.Lock()
		raw, more := term.out.Bytes(), term.more
		f.scan(raw)
		term.mu.Unlock()
		select {
		case <-more:
		case <-term.ended:
			return
		case <-until:
			return
		}
	}
}

// percentiles says p50, p99 and the largest of ds.
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none measured"
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return fmt.Sprintf("p50 %v, p99 %v, max %v", at(.5), at(.99), at(1))
}

// TestClassLoad: SESSIONLAB_CLASS_LOAD=N students follow a teacher who
// plays Synchronize in real time at 1x. For each data packet it reports
// how long after the teacher's console drew it each student's screen did
// (p50, p99, max), and how far the gaps between data packets on the
// students' screens strayed from one second.
//
//	SESSIONLAB_CLASS_LOAD=100 go test ./ui/serve -run TestClassLoad -v
func TestClassLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SESSIONLAB_CLASS_LOAD"))
	if n <= 0 {
		t.Skip("a load measurement: set SESSIONLAB_CLASS_LOAD=N to have N students follow")
	}
	book, _ := lessons.Builtin()
	keys, screen := openPTY(t, 120, 35)
	var teacherSeen firstSeen
	var console syncBuffer
	go func() {
		buf := make([]byte, 8192)
		for {
			k, err := keys.Read(buf)
			console.Write(buf[:k])
			console.mu.Lock()
			raw := console.b.Bytes()
			teacherSeen.scan(raw)
			console.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	ready := make(chan net.Addr, 1)
	o := Options{Listen: "127.0.0.1:0", Book: book, Theme: "dark", ConfigDir: t.TempDir(), Grace: 200 * time.Millisecond,
		MaxSessions: n + 5, PerMinute: n + 50, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Ready: func(a net.Addr) { ready <- a }}
	done := make(chan error, 1)
	go func() {
		done <- RunClass(context.Background(), o, func(ctx context.Context, class *ui.Class) error {
			// No questions: the cadence is measured, not the room's answers.
			return ui.Run(ctx, ui.Options{Book: book, Speed: 1, Addr: "127.0.0.1:0", Theme: "dark", Present: true, NoQuestions: true,
				Out: screen, In: screen, Notes: io.Discard, Getenv: func(string) string { return "" }, Class: class})
		})
	}()
	defer func() { screen.Close(); keys.Close() }()
	addr := (<-ready).String()

	students := make([]*terminal, n)
	seen := make([]*firstSeen, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			term, err := open(addr, &gossh.ClientConfig{User: fmt.Sprintf("s%03d", i)}, 100, 30)
			if err != nil {
				t.Error(err)
				return
			}
			students[i], seen[i] = term, &firstSeen{}
		}()
	}
	wg.Wait()
	for i, term := range students {
		if term == nil {
			t.FailNow()
		}
		defer term.close()
		go seen[i].watch(term, nil)
	}
	for _, term := range students {
		if err := term.waitQuiet("1. Establish", within); err != nil {
			t.Fatal(err)
		}
	}
	keys.Write([]byte("2\r"))
	time.Sleep(2 * time.Second) // the teacher's run starting; a human would wait for the intro card too
	keys.Write([]byte(" "))     // play in real time
	deadline := time.Now().Add(within)
	for len(teacherSeen.all()) < 5 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond) // polling the console the test reads; bounded
	}
	time.Sleep(2 * time.Second) // the last screens catch up
	teacher := teacherSeen.all()
	var lag, stray []time.Duration
	missed := 0
	for i := range n {
		at := seen[i].all()
		for k := 0; k < 5; k++ {
			got, ok := at[k]
			if !ok {
				missed++
				continue
			}
			lag = append(lag, got.Sub(teacher[k]))
			if prev, ok := at[k-1]; ok && k > 0 {
				d := got.Sub(prev) - time.Second
				stray = append(stray, max(d, -d))
			}
		}
	}
	t.Logf("%d students, teacher saw %d DTs: step to student screen %s; cadence stray on students' screens %s; %d DT lines missed",
		n, len(teacher), percentiles(lag), percentiles(stray), missed)
	keys.Write([]byte("q"))
	select {
	case <-done:
	case <-time.After(within):
		t.Error("the class did not end")
	}
}

// TestClassLoadOutside is TestClassLoad against a class already running
// (SESSIONLAB_CLASS_ADDR), whose teacher someone else drives: it connects
// SESSIONLAB_CLASS_LOAD students, waits until every screen has shown DT
// 0-4, and reports, for each data packet, how far apart the students'
// screens showed it (the spread from first to last), and how far the
// gaps on their screens strayed from one second. Measured so, the server
// is its own process, and its CPU and memory are its own.
func TestClassLoadOutside(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SESSIONLAB_CLASS_LOAD"))
	addr := os.Getenv("SESSIONLAB_CLASS_ADDR")
	if n <= 0 || addr == "" {
		t.Skip("a load measurement: set SESSIONLAB_CLASS_LOAD=N and SESSIONLAB_CLASS_ADDR to a running class")
	}
	seen := make([]*firstSeen, n)
	var wg sync.WaitGroup
	for i := range n {
		seen[i] = &firstSeen{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			term, err := open(addr, &gossh.ClientConfig{User: fmt.Sprintf("o%03d", i)}, 100, 30)
			if err != nil {
				t.Error(err)
				return
			}
			defer term.close()
			seen[i].watch(term, time.After(2*time.Minute))
		}()
	}
	wg.Wait()
	var spread, stray []time.Duration
	for k := 0; k < 5; k++ {
		var first, last time.Time
		for i := range n {
			at, ok := seen[i].all()[k]
			if !ok {
				continue
			}
			if first.IsZero() || at.Before(first) {
				first = at
			}
			if at.After(last) {
				last = at
			}
			if prev, ok := seen[i].all()[k-1]; ok && k > 0 {
				d := at.Sub(prev) - time.Second
				stray = append(stray, max(d, -d))
			}
		}
		spread = append(spread, last.Sub(first))
	}
	t.Logf("%d students: spread from the first screen to the last, DT 0-4: %v; cadence stray %s", n, spread, percentiles(stray))
}
