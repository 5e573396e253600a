package serve

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sessionlab/ui/ptytest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
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

// TestClassLoad measures a class under load, the class as its
// own process: it builds sessionlab, runs "sessionlab class" on a terminal of
// its own (a pseudo-terminal the test types into and reads, as the
// teacher), logs SESSIONLAB_CLASS_LOAD students in over SSH, and has the
// teacher play Synchronize at 1x. It reports, on one clock, how long
// after the teacher's console showed each data packet every student's
// screen did (p50, p99, max), how far the gaps between data packets on
// the students' screens strayed from one second, and the class process's
// CPU while playing and its peak memory. The students' SSH clients run in
// this test's process, on the same cores.
//
//	SESSIONLAB_CLASS_LOAD=100 go test ./ui/serve -run TestClassLoad -v
func TestClassLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SESSIONLAB_CLASS_LOAD"))
	if n <= 0 {
		t.Skip("a load measurement: set SESSIONLAB_CLASS_LOAD=N to have N students follow a class running as its own process")
	}
	bin := filepath.Join(t.TempDir(), "sessionlab")
	if out, err := exec.Command("go", "build", "-o", bin, "sessionlab").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	keys, screen := ptytest.Open(t, 120, 35)
	defer func() { screen.Close(); keys.Close() }()
	cmd := exec.Command(bin, "class", "--listen", "127.0.0.1:0", "--config-dir", t.TempDir(), "--no-questions",
		"--max-sessions", strconv.Itoa(n+5), "--attempts-per-minute", strconv.Itoa(n+50))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = screen, screen, screen
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill() // after a failure; a class that ended is gone already
	var teacherSeen firstSeen
	var console syncBuffer
	go func() {
		buf := make([]byte, 8192)
		for {
			k, err := keys.Read(buf)
			console.Write(buf[:k])
			console.mu.Lock()
			teacherSeen.scan(console.b.Bytes())
			console.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	consoleShows := func(re *regexp.Regexp) []string {
		t.Helper()
		deadline := time.Now().Add(within)
		for {
			if m := re.FindStringSubmatch(strings.Join(strings.Fields(ansiSeq.ReplaceAllString(console.String(), " ")), " ")); m != nil {
				return m
			}
			if time.Now().After(deadline) {
				t.Fatalf("the console never showed %v:\n%s", re, console.String())
			}
			time.Sleep(50 * time.Millisecond) // polling the console the test reads; bounded
		}
	}
	addr := consoleShows(regexp.MustCompile(`serves the room on (127\.0\.0\.1:\d+)`))[1]

	seen := make([]*firstSeen, n)
	students := make([]*terminal, n)
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
			students[i] = term
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
	consoleShows(regexp.MustCompile(fmt.Sprintf(`Class of %d\.`, n)))
	keys.Write([]byte("2\r"))
	consoleShows(regexp.MustCompile(`Synchronize · introduction`))
	cpu0, wall0 := cpuTicks(t, cmd.Process.Pid), time.Now()
	keys.Write([]byte(" ")) // play in real time
	deadline := time.Now().Add(within)
	for len(teacherSeen.all()) < 5 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond) // polling the console the test reads; bounded
	}
	for i := range n {
		if err := students[i].waitQuiet("Sending data packet 4", 10*time.Second); err != nil {
			t.Errorf("student %d: %v", i, err)
		}
	}
	cpu := float64(cpuTicks(t, cmd.Process.Pid)-cpu0) / 100 / time.Since(wall0).Seconds()
	teacher := teacherSeen.all()
	var lag, stray []time.Duration
	for i := range n {
		at := seen[i].all()
		for k := 0; k < 5; k++ {
			if got, ok := at[k]; ok {
				lag = append(lag, got.Sub(teacher[k]))
			}
			if got, ok := at[k]; ok && k > 0 {
				if prev, ok := at[k-1]; ok {
					d := got.Sub(prev) - time.Second
					stray = append(stray, max(d, -d))
				}
			}
		}
	}
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	peak := regexp.MustCompile(`VmHWM:\s+(\d+ kB)`).FindSubmatch(status)
	t.Logf("%d students, the class its own process: teacher's step to student screen %s; cadence stray on students' screens %s; class process %.2f cores while playing, peak RSS %s",
		n, percentiles(lag), percentiles(stray), cpu, peak[1])
	keys.Write([]byte("q"))
	consoleShows(regexp.MustCompile(`q again ends the class`))
	keys.Write([]byte("q"))
	for _, term := range students {
		term.waitEnd(t)
	}
}

// cpuTicks is the CPU time process pid has used, in clock ticks
// (utime+stime in /proc/PID/stat; 100 a second on Linux).
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}
