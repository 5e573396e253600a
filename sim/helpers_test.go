package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// within bounds every wait in these tests: no test may hang.
const within = 20 * time.Second

// collect runs cfg to the end with Record and returns every event.
func collect(t *testing.T, cfg Config) []Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	evs, _, err := Record(ctx, cfg)
	if err != nil {
		var b strings.Builder
		for i, ev := range evs {
			fmt.Fprintf(&b, "\n%2d %s %s %s", i, ev.Head().At.Format("05.000"), label(ev), ev.Head().Note)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			// A hang: where every goroutine waits is the first clue.
			b.WriteString("\n\ngoroutines:\n")
			_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
		}
		t.Fatalf("run: %v%s", err, b.String())
	}
	return evs
}

// t0 is when manual clocks in these tests start.
var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// runManual runs cfg paced on a manual clock, which Record drives to each
// next timer, and returns the events. Looks at the kernel report what it
// says at once (Config.LookAtOnce).
func runManual(t *testing.T, cfg Config) []Event {
	t.Helper()
	cfg.Clock = NewManualClock(t0)
	cfg.LookAtOnce = true
	return collect(t, cfg)
}

// label is a compact name for an event: "client sent CN", "server committed".
func label(ev Event) string {
	h := ev.Head()
	switch e := ev.(type) {
	case Sent:
		return fmt.Sprintf("%v sent %v", h.Side, e.Name.Short())
	case Received:
		return fmt.Sprintf("%v received %v", h.Side, e.Name.Short())
	case ScenarioStarted:
		return "start " + h.Scenario.String()
	case ScenarioEnded:
		return "end " + h.Scenario.String()
	}
	return fmt.Sprintf("%v %s", h.Side, ev.Verb())
}

// sideLabels returns the labels of one side's events, in order.
func sideLabels(evs []Event, side Side) []string {
	var out []string
	for _, ev := range evs {
		if ev.Head().Side == side {
			out = append(out, label(ev))
		}
	}
	return out
}

func find[T Event](evs []Event, ok func(T) bool) (T, bool) {
	for _, ev := range evs {
		if e, is := ev.(T); is && (ok == nil || ok(e)) {
			return e, true
		}
	}
	var zero T
	return zero, false
}

// openSockets counts this process's socket descriptors (Linux only). It
// is simtest.OpenSockets again: package sim's own tests cannot import
// simtest, which imports sim.
func openSockets(t *testing.T) int {
	t.Helper()
	if runtime.GOOS != "linux" {
		return 0
	}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(target, "socket:") {
			n++
		}
	}
	return n
}

// loopbackPair returns both ends of a new loopback TCP connection, and
// closes them (again) when the test ends.
func loopbackPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return client, server
}
