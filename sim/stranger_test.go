package sim_test

import (
	"context"
	"errors"
	"net"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"slices"
	"testing"
	"time"
)

// steppedRun starts cfg paused and hands each event to see, stepping the
// run once per event, so that a test can act between two events: nothing
// happens on the run's sockets until the next step. It returns every
// event once the run has ended.
func steppedRun(t *testing.T, cfg Config, see func(*Sim, Event)) []Event {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Pause()
	ctx, cancel := context.WithTimeout(context.Background(), simtest.Within)
	defer cancel()
	ch, err := s.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	s.Step()
	for ev := range ch {
		evs = append(evs, ev)
		see(s, ev)
		s.Step()
	}
	s.Wait()
	if ctx.Err() != nil {
		t.Fatalf("the run did not end in time; it got to %v", simtest.Labels(evs))
	}
	return evs
}

// dialStranger connects to the run's listener as another program would.
func dialStranger(t *testing.T, s *Sim) *net.TCPConn {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

// endedClean fails the test unless every scenario of evs ran to its end.
func endedClean(t *testing.T, evs []Event) {
	t.Helper()
	for _, ev := range evs {
		if end, ok := ev.(ScenarioEnded); ok && end.Err != nil {
			t.Fatalf("%v failed: %v\n%v", end.Scenario, end.Err, simtest.Labels(evs))
		}
	}
}

// rejectedFrom returns the Rejected event of the stranger at addr.
func rejectedFrom(t *testing.T, evs []Event, addr net.Addr) Rejected {
	t.Helper()
	for _, ev := range evs {
		if r, ok := ev.(Rejected); ok && r.Remote.String() == addr.String() {
			if r.Side != Server {
				t.Errorf("the stranger was turned away by the %v", r.Side)
			}
			return r
		}
	}
	t.Fatalf("no event says the stranger %v was turned away: %v", addr, simtest.Labels(evs))
	return Rejected{}
}

// TestStrangersAreTurnedAway: connections the lesson's client did not
// make reach the listener first (one that says nothing, a port scan's
// connect and close, one that speaks the protocol); the server closes
// each with an event and goes on to serve its own client, and the lesson
// runs to its end.
func TestStrangersAreTurnedAway(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  func(*testing.T, *net.TCPConn)
	}{
		{"silent", func(*testing.T, *net.TCPConn) {}},
		{"port scan", func(_ *testing.T, c *net.TCPConn) { c.Close() }},
		{"speaks first", func(t *testing.T, c *net.TCPConn) {
			cr := []byte{3, 0, 0, 11, 6, 0xe0, 0, 0, 0, 7, 0} // a COTP CR
			if _, err := c.Write(cr); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stranger *net.TCPConn
			var addr net.Addr
			evs := steppedRun(t, Config{Scenarios: []Scenario{Establish}, Unpaced: true}, func(s *Sim, ev Event) {
				if _, ok := ev.(ScenarioStarted); ok {
					stranger = dialStranger(t, s)
					addr = stranger.LocalAddr()
					tc.act(t, stranger)
				}
			})
			endedClean(t, evs)
			rejectedFrom(t, evs, addr)
			if tc.name != "port scan" {
				// Turned away unread: nothing comes back, only the end.
				_ = stranger.SetReadDeadline(time.Now().Add(simtest.Within))
				n, err := stranger.Read(make([]byte, 64))
				if n != 0 || err == nil || errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("the stranger read %d bytes (%v), want none and the connection closed", n, err)
				}
			}
			if _, ok := simtest.Find(evs, func(e Received) bool { return e.Side == Server && e.Remote.String() == addr.String() }); ok {
				t.Fatal("the server read what the stranger sent")
			}
		})
	}
}

// TestStrangerCannotTakeTheResume: a connection opened during Recover's
// reconnect part, and held open, waits in the accept queue ahead of the
// client's new connection; the server turns it away and resumes the
// activity with its own client.
func TestStrangerCannotTakeTheResume(t *testing.T) {
	var addr net.Addr
	evs := steppedRun(t, Config{Scenarios: []Scenario{RecoverReconnect}, Unpaced: true}, func(s *Sim, ev Event) {
		if a, ok := ev.(Accepted); ok && a.Wire.Conn == 1 {
			addr = dialStranger(t, s).LocalAddr()
		}
	})
	endedClean(t, evs)
	rejectedFrom(t, evs, addr)
	ar, ok := simtest.Find(evs, func(e Received) bool { return e.Side == Server && MainOf(e.Frame).Kind.String() == "AR" })
	if !ok || ar.Wire.Conn != 2 {
		t.Fatalf("the server did not resume the activity with its client's second connection: %v", simtest.Labels(evs))
	}
}

// TestAnyPeerForTests: a run that lets any peer in (the conformance tests
// play the client themselves) takes a stranger as its client.
func TestAnyPeerForTests(t *testing.T) {
	c, _, ch := badPeer(t)
	if _, err := c.Write([]byte{3, 0, 0, 11, 6, 0xe0, 0, 0, 0, 7, 0}); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, c); f.TPDU.Code.String() != "CC" {
		t.Fatalf("the server answered %v, want CC", f.Kinds())
	}
	_ = c.Close()
	for ev := range ch {
		if _, ok := ev.(Rejected); ok {
			t.Fatal("a run for a test's own peer turned it away")
		}
	}
}

// TestLateStrangerIsReported: a connection made after the server took its
// client waits in the accept queue; when the part ends it is closed and
// reported in that part, not closed unseen.
func TestLateStrangerIsReported(t *testing.T) {
	var addr net.Addr
	evs := steppedRun(t, Config{Scenarios: []Scenario{Establish, TerminateOrderly}, Unpaced: true}, func(s *Sim, ev Event) {
		if a, ok := ev.(Accepted); ok && a.Scenario == Establish {
			addr = dialStranger(t, s).LocalAddr()
		}
	})
	endedClean(t, evs)
	r := rejectedFrom(t, evs, addr)
	if r.Scenario != Establish {
		t.Fatalf("the stranger was reported in %v", r.Scenario)
	}
	end := slices.IndexFunc(evs, func(ev Event) bool { e, ok := ev.(ScenarioEnded); return ok && e.Scenario == Establish })
	if at := slices.IndexFunc(evs, func(ev Event) bool { _, ok := ev.(Rejected); return ok }); at > end {
		t.Fatalf("reported after its part ended: %v", simtest.Labels(evs))
	}
}
