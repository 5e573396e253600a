package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestFaultGuarantee injects each fault after each step of the scenarios
// that move data, on a manual clock so that every case is the same on
// every machine. Every run must end, leave no goroutine or socket behind,
// and end either with the receiver holding data packets 0–4 exactly once,
// in order, or with an abort that the events report. At no point may the
// receiver's log hold a duplicate or a gap.
func TestFaultGuarantee(t *testing.T) {
	want := []uint32{0, 1, 2, 3, 4}
	for _, sc := range []Scenario{Synchronize, RecoverResync, RecoverReconnect} {
		clean, _ := runManual(t, Config{Scenarios: []Scenario{sc}})
		steps := 0
		for _, ev := range clean {
			if !isMarker(ev) {
				steps++
			}
		}
		for _, kind := range []FaultKind{FaultReset, FaultStall, FaultStop} {
			for k := 1; k <= steps; k++ {
				t.Run(fmt.Sprintf("%v/%v@%d", sc, kind, k), func(t *testing.T) {
					before := openSockets(t)
					evs, _ := runManual(t, Config{Scenarios: []Scenario{sc}, Faults: []FaultAt{{Kind: kind, After: k}}})
					var committed []uint32
					aborted := false
					for _, ev := range evs {
						switch e := ev.(type) {
						case Aborted:
							aborted = true
						case ScenarioEnded:
							if e.Err != nil {
								t.Fatalf("scenario failed: %v", e.Err)
							}
						}
						if h := ev.Head(); h.Side == Server {
							c := h.Log.Confirmed
							if !slices.Equal(c, want[:min(len(c), len(want))]) {
								t.Fatalf("%s: receiver's log %v is not 0, 1, 2… without duplicates or gaps", label(ev), c)
							}
							committed = c
						}
					}
					if !aborted && !slices.Equal(committed, want) {
						t.Fatalf("no abort reported, yet the receiver holds %v", committed)
					}
					if _, ok := find[Faulted](evs, nil); !ok && k < steps {
						var b strings.Builder
						for i, ev := range evs {
							fmt.Fprintf(&b, "\n%2d %s %s %s", i, ev.Head().At.Format("05.000"), label(ev), ev.Head().Note)
						}
						t.Fatalf("the fault was not reported:%s", b.String())
					}
					goleak.VerifyNone(t)
					if after := openSockets(t); after != before {
						t.Fatalf("%d sockets open, %d before", after, before)
					}
				})
			}
		}
	}
}

func TestParseFault(t *testing.T) {
	for in, want := range map[string]FaultAt{
		"reset@12":  {Kind: FaultReset, After: 12},
		"stall@DT3": {Kind: FaultStall, Frame: "DT 3"},
		"STOP@mia1": {Kind: FaultStop, Frame: "MIA 1"},
		"reset@AC":  {Kind: FaultReset, Frame: "AC"},
	} {
		got, err := ParseFault(in)
		if err != nil || got != want {
			t.Errorf("ParseFault(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if back, err := ParseFault(got.String()); err != nil || back != got {
			t.Errorf("%q does not read back: %+v, %v", got.String(), back, err)
		}
	}
	for _, bad := range []string{"reset", "boom@3", "reset@0", "reset@XY9", "reset@"} {
		if _, err := ParseFault(bad); err == nil {
			t.Errorf("ParseFault(%q) accepted", bad)
		}
	}
}
