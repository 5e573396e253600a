package serve

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoad opens SESSIONLAB_LOAD sessions at once (SSH, a PTY of 100×30
// each), plays Synchronize in real time in every one, and reports how
// far each session's data packets were sent from their one-second
// schedule: the times are the engine's own, read from each screen's
// event log ("+5.200s client → GT+DT 0"). With SESSIONLAB_LOAD_ADDR it
// drives a server already running (so that its CPU and memory are its
// own, measured from outside); without, one in this process.
//
//	SESSIONLAB_LOAD=100 go test ./ui/serve -run TestLoad -v
func TestLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SESSIONLAB_LOAD"))
	if n <= 0 {
		t.Skip("a load measurement: set SESSIONLAB_LOAD=N to open N sessions")
	}
	addr := os.Getenv("SESSIONLAB_LOAD_ADDR")
	if addr == "" {
		addr, _, _ = server(t, Options{MaxSessions: n, PerMinute: n + 10})
	}
	var (
		mu     sync.Mutex
		stray  []time.Duration // |actual gap from DT 0 - k s|, every session, k = 1..4
		failed []string
		wg     sync.WaitGroup
	)
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := playSynchronize(t, addr, fmt.Sprintf("load%03d", i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, err.Error())
				return
			}
			stray = append(stray, d...)
		}()
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Errorf("%d of %d sessions failed; first: %s", len(failed), n, failed[0])
	}
	t.Logf("%d sessions in %v: DT stray from the 1 s schedule %s (%d gaps)",
		n, time.Since(start).Round(time.Millisecond), percentiles(stray), len(stray))
}

var dtSent = regexp.MustCompile(`\+(\d+\.\d{3})s client → GT\+DT (\d)`)

// playSynchronize opens Synchronize in one session, plays it in real
// time, answers its two questions, and returns how far DT 1–4 were sent
// from DT 0 + k seconds.
func playSynchronize(t *testing.T, addr, user string) ([]time.Duration, error) {
	term, err := tryConnect(addr, user)
	if err != nil {
		return nil, err
	}
	defer term.close()
	steps := []struct{ wait, keys string }{
		{"1. Establish", "2\r"},
		{"Synchronize · introduction", " "},
	}
	for _, s := range steps {
		if err := term.waitQuiet(s.wait, within); err != nil {
			return nil, err
		}
		if _, err := term.in.Write([]byte(s.keys)); err != nil {
			return nil, err
		}
	}
	// Every question asked (each says how to answer) gets "1". Only the
	// output that is new is read each time, so that the clients take as
	// little of the machine's CPU from the server as they can.
	deadline := time.Now().Add(within)
	sent := map[int]float64{}
	seen := 0
	var text string
	for {
		term.mu.Lock()
		raw := term.out.Bytes()
		from := max(0, seen-256) // a line may have been cut between reads
		chunk := string(raw[from:])
		seen = len(raw)
		term.mu.Unlock()
		text = strings.Join(strings.Fields(ansiSeq.ReplaceAllString(chunk, " ")), " ")
		if strings.Contains(text, "to answer;") {
			term.in.Write([]byte("1"))
		}
		for _, m := range dtSent.FindAllStringSubmatch(text, -1) {
			k, _ := strconv.Atoi(m[2])
			v, _ := strconv.ParseFloat(m[1], 64)
			sent[k] = v
		}
		if len(sent) == 5 {
			var out []time.Duration
			for k := 1; k <= 4; k++ {
				d := time.Duration((sent[k] - sent[0] - float64(k)) * float64(time.Second))
				out = append(out, max(d, -d))
			}
			return out, nil
		}
		if time.Now().After(deadline) {
			tail := text[max(0, len(text)-700):]
			return nil, fmt.Errorf("%s: DT 0–4 not all seen in time (%v); the screen ends: %s", user, sent, tail)
		}
		term.mu.Lock()
		more := term.more
		term.mu.Unlock()
		select {
		case <-more:
		case <-term.ended:
			return nil, fmt.Errorf("%s: the session ended", user)
		case <-time.After(time.Second):
		}
	}
}
