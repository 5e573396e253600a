// Package simtest runs the engine to its end for the tests of the
// packages that use it, and makes two runs of a scenario comparable.
package simtest

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"reflect"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"sessionlab/sim"
)

// Within bounds every run a test makes: no test may hang.
const Within = 20 * time.Second

// Seed makes the session references of test runs the same every time.
const Seed = 20261125

// T0 is when the manual clocks of test runs start.
func T0() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }

// Run runs cfg to its end and returns every event; it fails the test if
// the run cannot start or does not end within Within, saying how far it
// got (and, for a hang, where every goroutine waits: the first clue).
func Run(t testing.TB, cfg sim.Config) []sim.Event {
	t.Helper()
	if cfg.Seed == 0 {
		cfg.Seed = Seed
	}
	ctx, cancel := context.WithTimeout(context.Background(), Within)
	defer cancel()
	evs, _, err := sim.Record(ctx, cfg)
	if err != nil {
		var b strings.Builder
		for i, ev := range evs {
			fmt.Fprintf(&b, "\n%2d %s %s %s", i, ev.Head().At.Format("05.000"), Label(ev), ev.Head().Note)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			b.WriteString("\n\ngoroutines:\n")
			_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
		}
		t.Fatalf("running %v: %v%s", cfg.Scenarios, err, b.String())
	}
	return evs
}

// Find returns the first event of type T in evs that ok accepts (nil:
// any of them).
func Find[T sim.Event](evs []sim.Event, ok func(T) bool) (T, bool) {
	for _, ev := range evs {
		if e, is := ev.(T); is && (ok == nil || ok(e)) {
			return e, true
		}
	}
	var zero T
	return zero, false
}

// Label names an event compactly, for messages and comparisons: "client
// sent CN", "server received DT 3", "start synchronize", "server
// committed".
func Label(ev sim.Event) string {
	h := ev.Head()
	switch e := ev.(type) {
	case sim.Sent:
		return fmt.Sprintf("%v sent %v", h.Side, e.Name.Short())
	case sim.Received:
		return fmt.Sprintf("%v received %v", h.Side, e.Name.Short())
	case sim.ScenarioStarted:
		return "start " + h.Scenario.String()
	case sim.ScenarioEnded:
		return "end " + h.Scenario.String()
	}
	return fmt.Sprintf("%v %s", h.Side, ev.Verb())
}

// Labels is Label of each event.
func Labels(evs []sim.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = Label(ev)
	}
	return out
}

// SideLabels is Label of one side's events, in order.
func SideLabels(evs []sim.Event, side sim.Side) []string {
	var out []string
	for _, ev := range evs {
		if ev.Head().Side == side {
			out = append(out, Label(ev))
		}
	}
	return out
}

// Unpaced runs scenarios with no pacing.
func Unpaced(t testing.TB, scenarios ...sim.Scenario) []sim.Event {
	t.Helper()
	return Run(t, sim.Config{Scenarios: scenarios, Unpaced: true, LookAtOnce: true})
}

// Paced runs cfg paced, on a ManualClock from T0 that the run drives
// itself: the events come at once, with the times a person would see.
// Looks at the kernel report what it says at once (Config.LookAtOnce).
func Paced(t testing.TB, cfg sim.Config) []sim.Event {
	t.Helper()
	cfg.Clock = sim.NewManualClock(T0())
	cfg.LookAtOnce = true
	return Run(t, cfg)
}

// Stable returns evs with what differs between two runs of the same
// scenario replaced by fixed values: every port (the kernel picks them)
// becomes 40000 for the first one seen, then 50001, 50002…; and every
// measured duration (the machine decides them) becomes a round figure,
// by its field's name. Run on a ManualClock with a Seed, nothing else
// differs.
func Stable(evs []sim.Event) []sim.Event {
	ports := map[uint16]uint16{}
	out := make([]sim.Event, len(evs))
	for i, ev := range evs {
		v := reflect.New(reflect.TypeOf(ev)).Elem()
		v.Set(reflect.ValueOf(ev))
		stabilize(v, "", ports)
		out[i] = v.Interface().(sim.Event)
	}
	return out
}

// measured are the fields that hold measurements, and the value each
// becomes.
var measured = map[string]time.Duration{
	"Took":      200 * time.Microsecond,
	"Transit":   60 * time.Microsecond,
	"RTT":       40 * time.Microsecond,
	"TimerLeft": 59990 * time.Millisecond,
}

var addrPortType = reflect.TypeOf(netip.AddrPort{})

func stabilize(v reflect.Value, name string, ports map[uint16]uint16) {
	switch {
	case v.Type() == addrPortType:
		ap := v.Interface().(netip.AddrPort)
		if !ap.IsValid() {
			return
		}
		p, ok := ports[ap.Port()]
		if !ok {
			p = 40000
			if len(ports) > 0 {
				p = uint16(50000 + len(ports))
			}
			ports[ap.Port()] = p
		}
		v.Set(reflect.ValueOf(netip.AddrPortFrom(ap.Addr(), p)))
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				stabilize(f, v.Type().Field(i).Name, ports)
			}
		}
	case v.Kind() == reflect.Int64 && v.Type() == reflect.TypeOf(time.Duration(0)):
		if d, ok := measured[name]; ok && v.Int() > 0 {
			v.SetInt(int64(d))
		}
	}
}

// OpenSockets counts this process's socket descriptors (0 where the OS
// cannot tell: not Linux).
func OpenSockets(t testing.TB) int {
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
