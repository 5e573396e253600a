package sim_test

import (
	"context"
	. "sessionlab/sim"
	"slices"
	"testing"
	"time"
)

// BenchmarkSynchronizeUnpaced runs the whole Synchronize scenario on real
// loopback sockets with pacing off: what the engine costs per session.
func BenchmarkSynchronizeUnpaced(b *testing.B) {
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		s, err := New(Config{Scenarios: []Scenario{Synchronize}, Unpaced: true})
		if err != nil {
			b.Fatal(err)
		}
		ch, err := s.Start(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		for ev := range ch {
			if end, ok := ev.(ScenarioEnded); ok && end.Err != nil {
				b.Fatal(end.Err)
			}
		}
		s.Wait()
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "scenarios/s")
}

// BenchmarkCadence runs Synchronize at speed 1 on the real clock and
// measures how far each data packet's send strays from the one-second
// schedule anchored at DT 0 (the send's event is stamped right after the
// write returned), with the exact cadence's spin-wait on (one learner's
// machine) and off (many Sims on a few cores). Each iteration takes about
// nine seconds; run it with -benchtime=Nx.
func BenchmarkCadence(b *testing.B) {
	for _, exact := range []bool{true, false} {
		name := "spin=on"
		if !exact {
			name = "spin=off"
		}
		b.Run(name, func(b *testing.B) {
			var strays []time.Duration
			for b.Loop() {
				evs, _, err := Record(context.Background(), Config{Scenarios: []Scenario{Synchronize}, ExactCadence: exact})
				if err != nil {
					b.Fatal(err)
				}
				at := dtSends(evs)
				for i, t := range at {
					d := t.Sub(at[0]) - time.Duration(i)*DefaultPacing().Cadence
					strays = append(strays, d.Abs())
				}
			}
			slices.Sort(strays)
			q := func(p float64) float64 {
				return float64(strays[int(p*float64(len(strays)-1))].Microseconds())
			}
			b.ReportMetric(q(0.5), "p50-µs")
			b.ReportMetric(q(0.99), "p99-µs")
			b.ReportMetric(q(1), "max-µs")
			b.ReportMetric(float64(len(strays)), "sends")
		})
	}
}
