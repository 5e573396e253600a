package sim_test

import (
	"context"
	"errors"
	"runtime"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"slices"
	"testing"
	"time"

	"sessionlab/sim/spdu"
)

func TestScenariosOverLoopback(t *testing.T) {
	tests := []struct {
		scenario       Scenario
		server, client []string
	}{
		{Establish,
			[]string{"server listening", "server accepted", "server received CR", "server sent CC", "server received CN",
				"server sent AC", "server received FN", "server sent DN", "server peerclosed", "server closed"},
			[]string{"client dialed", "client sent CR", "client received CC", "client sent CN", "client received AC",
				"client sent FN", "client received DN", "client halfclosed", "client observed", "client peerclosed", "client closed"}},
		{EstablishRefused,
			[]string{"server listening", "server accepted", "server received CR", "server sent CC", "server received CN",
				"server sent RF", "server peerclosed", "server closed"},
			[]string{"client dialed", "client sent CR", "client received CC", "client sent CN", "client received RF",
				"client closed"}},
		{Synchronize,
			[]string{"server listening", "server accepted", "server received CR", "server sent CC", "server received CN", "server sent AC",
				"server received DT 0", "server received DT 1", "server received MIP 1", "server committed", "server sent MIA 1",
				"server received DT 2", "server received DT 3", "server received MIP 2", "server committed", "server sent MIA 2",
				"server received DT 4", "server received MAP 3", "server committed", "server sent MAA 3",
				"server received FN", "server sent DN", "server peerclosed", "server closed"},
			nil}, // the client's sends and its reader's receives interleave by timing
		{TerminateOrderly, nil, nil},
		{TerminateAbort,
			[]string{"server listening", "server accepted", "server received CR", "server sent CC", "server received CN",
				"server sent AC", "server received DT 0", "server received AB", "server closed"},
			[]string{"client dialed", "client sent CR", "client received CC", "client sent CN", "client received AC",
				"client sent DT 0", "client sent AB", "client peerclosed", "client closed"}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario.String(), func(t *testing.T) {
			evs := simtest.Run(t, Config{Scenarios: []Scenario{tt.scenario}, Unpaced: true})
			if first, last := simtest.Label(evs[0]), simtest.Label(evs[len(evs)-1]); first != "start "+tt.scenario.String() || last != "end "+tt.scenario.String() {
				t.Fatalf("run framed by %q ... %q", first, last)
			}
			if end := evs[len(evs)-1].(ScenarioEnded); end.Err != nil {
				t.Fatalf("scenario failed: %v", end.Err)
			}
			if tt.server != nil && !slices.Equal(simtest.SideLabels(evs, Server), tt.server) {
				t.Errorf("server events:\n got %q\nwant %q", simtest.SideLabels(evs, Server), tt.server)
			}
			if tt.client != nil && !slices.Equal(simtest.SideLabels(evs, Client), tt.client) {
				t.Errorf("client events:\n got %q\nwant %q", simtest.SideLabels(evs, Client), tt.client)
			}
			for _, ev := range evs {
				checkHeader(t, ev)
			}
		})
	}
}

// checkHeader checks what every event must carry.
func checkHeader(t *testing.T, ev Event) {
	t.Helper()
	h := ev.Head()
	if h.At.IsZero() {
		t.Errorf("%s: no timestamp", simtest.Label(ev))
	}
	switch e := ev.(type) {
	case Sent:
		raw, err := spdu.AppendFrame(nil, &e.Frame)
		if err != nil || string(raw) != string(e.Raw) {
			t.Errorf("%s: raw bytes % x do not encode the frame (%v)", simtest.Label(ev), e.Raw, err)
		}
		checkAddrs(t, ev)
	case Received:
		f, n, err := spdu.DecodeFrame(e.Raw)
		if err != nil || n != len(e.Raw) || f.Kinds() != e.Frame.Kinds() {
			t.Errorf("%s: raw bytes % x do not decode to the frame (%v)", simtest.Label(ev), e.Raw, err)
		}
		if e.ReadBytes < len(e.Raw) || e.Index >= e.FramesInRead {
			t.Errorf("%s: read %d bytes, frame %d of %d", simtest.Label(ev), e.ReadBytes, e.Index, e.FramesInRead)
		}
		checkAddrs(t, ev)
	case Dialed, Accepted:
		checkAddrs(t, ev)
	}
	if runtime.GOOS == "linux" {
		switch ev.(type) {
		case Sent, Received, Dialed, Accepted, Observed:
			if !h.TCP.Known || h.TCP.State == StateUnknown {
				t.Errorf("%s: no TCP facts on Linux: %+v", simtest.Label(ev), h.TCP)
			}
		}
	}
}

func checkAddrs(t *testing.T, ev Event) {
	t.Helper()
	h := ev.Head()
	if !h.Local.IsValid() || !h.Remote.IsValid() || !h.Local.Addr().IsLoopback() {
		t.Errorf("%s: addresses %v -> %v", simtest.Label(ev), h.Local, h.Remote)
	}
}

func TestEstablishFacts(t *testing.T) {
	evs := simtest.Run(t, Config{Scenarios: []Scenario{Establish}, Unpaced: true})
	l, _ := simtest.Find[Listening](evs, nil)
	d, _ := simtest.Find[Dialed](evs, nil)
	a, _ := simtest.Find[Accepted](evs, nil)
	if d.Remote != l.Local || a.Local != l.Local || a.Remote != d.Local {
		t.Fatalf("addresses disagree: listen %v, dial %v->%v, accept %v<-%v", l.Local, d.Local, d.Remote, a.Local, a.Remote)
	}
	if d.Local.Port() == l.Local.Port() || d.Local.Port() == 0 {
		t.Fatalf("client port %d is not an ephemeral port of its own", d.Local.Port())
	}
	if runtime.GOOS == "linux" && a.Queue < 1 {
		t.Fatalf("accept queue before accept = %d, want at least 1", a.Queue)
	}
	cnr, _ := simtest.Find(evs, func(e Received) bool { return MainOf(e.Frame).Kind == spdu.CN })
	acr, _ := simtest.Find(evs, func(e Received) bool { return MainOf(e.Frame).Kind == spdu.AC })
	cn, ac := MainOf(cnr.Frame), MainOf(acr.Frame)
	if string(cn.UserData) != HelloText || string(ac.UserData) != WelcomeText {
		t.Fatalf("greetings %q / %q", cn.UserData, ac.UserData)
	}
	if string(ac.CommonRef) != string(cn.CommonRef) || len(cn.CallingRef) == 0 || len(ac.CalledRef) == 0 {
		t.Fatalf("references: CN %q %q, AC %q %q", cn.CallingRef, cn.CommonRef, ac.CalledRef, ac.CommonRef)
	}
	if ac.Units != ProposedUnits&ServerUnits || ac.Units&spdu.Expedited != 0 {
		t.Fatalf("accepted units %v from proposed %v", ac.Units, cn.Units)
	}
	// Class 0 has no expedited flow, so CN does not propose the unit
	// (X.225 6.4; ISODE's ssapinitiate.c drops it on such a transport).
	if cn.Units&spdu.Expedited != 0 {
		t.Fatalf("CN proposes %v over a class 0 transport connection", cn.Units)
	}
	if s := acr.Sync; !s.Known || s.VM != InitialSerial || s.VA != InitialSerial || s.VR != 0 {
		t.Fatalf("client sync vars after AC: %+v, want V(M) = V(A) = 1, V(R) = 0 (Table A-4)", s)
	}
}

func TestRefusalFacts(t *testing.T) {
	evs := simtest.Run(t, Config{Scenarios: []Scenario{EstablishRefused}, Unpaced: true})
	rf, ok := simtest.Find(evs, func(e Received) bool { return MainOf(e.Frame).Kind == spdu.RF })
	if !ok || MainOf(rf.Frame).Reason != spdu.ReasonVersionUnsupported || rf.Note != NoteRefusal {
		t.Fatalf("client did not receive RF 132: %+v", rf)
	}
	cn, _ := simtest.Find(evs, func(e Received) bool { return MainOf(e.Frame).Kind == spdu.CN })
	if MainOf(cn.Frame).Versions&Version != 0 {
		t.Fatalf("refused CN offered the supported version: %v", MainOf(cn.Frame).Versions)
	}
	if _, ok := simtest.Find[Accepted](evs, nil); !ok {
		t.Fatal("the TCP connection was not accepted: refusal must be a session-level answer")
	}
	// The RF asks for the transport connection to be released: its
	// receiver, the client, releases it, and the RF's sender waits for
	// that (TIM, X.225 7.5) before it closes its side.
	cc, _ := simtest.Find(evs, func(e Closed) bool { return e.Side == Client })
	pc, _ := simtest.Find(evs, func(e PeerClosed) bool { return e.Side == Server })
	sc, ok := simtest.Find(evs, func(e Closed) bool { return e.Side == Server })
	if !ok || cc.ID == 0 || pc.ID == 0 || !(cc.ID < pc.ID && pc.ID < sc.ID) || sc.Note != NoteRefusal {
		t.Fatalf("closes: client %d, server read the FIN %d, server %d (%q): want the client first", cc.ID, pc.ID, sc.ID, sc.Note)
	}
}

func TestSynchronizeFacts(t *testing.T) {
	evs := simtest.Run(t, Config{Scenarios: []Scenario{Synchronize}, Unpaced: true})
	var sent, got []uint32
	for _, ev := range evs {
		switch e := ev.(type) {
		case Sent:
			if e.Name.Numbered && MainOf(e.Frame).Kind == spdu.DT {
				sent = append(sent, e.Name.Number)
			}
		case Received:
			// What arrived is what the data says: the receiver reads it.
			if n, ok := PacketOf(MainOf(e.Frame).Info); ok {
				got = append(got, n)
				if e.Name != DataName(n) {
					t.Errorf("data packet %d arrived named %v", n, e.Name)
				}
			}
		}
	}
	want := []uint32{0, 1, 2, 3, 4}
	if !slices.Equal(sent, want) || !slices.Equal(got, want) {
		t.Fatalf("sent %v, received %v", sent, got)
	}
	var last Header
	for _, ev := range evs {
		if ev.Head().Side == Server {
			last = ev.Head()
		}
	}
	if !slices.Equal(last.Log.Confirmed, want) || len(last.Log.Pending) != 0 {
		t.Fatalf("server log at the end: %+v", last.Log)
	}
	// Serial numbers: MIP 1, MIP 2, MAP 3, each answered in kind.
	var points, acks []string
	for _, ev := range evs {
		if e, ok := ev.(Sent); ok {
			switch MainOf(e.Frame).Kind {
			case spdu.MIP, spdu.MAP:
				points = append(points, e.Name.Short())
			case spdu.MIA, spdu.MAA:
				acks = append(acks, e.Name.Short())
			}
		}
	}
	if !slices.Equal(points, []string{"MIP 1", "MIP 2", "MAP 3"}) || !slices.Equal(acks, []string{"MIA 1", "MIA 2", "MAA 3"}) {
		t.Fatalf("sync points %v, acks %v", points, acks)
	}
	maa, _ := simtest.Find(evs, func(e Received) bool { return MainOf(e.Frame).Kind == spdu.MAA })
	if s := maa.Sync; s.VM != 4 || s.VA != 4 || s.VR != 4 {
		t.Fatalf("client V(M),V(A),V(R) after MAA = %d,%d,%d; want 4,4,4", s.VM, s.VA, s.VR)
	}
	if !slices.Equal(maa.Log.Confirmed, want) {
		t.Fatalf("client confirmed after MAA: %v", maa.Log.Confirmed)
	}
	if obs, ok := simtest.Find(evs, func(e Observed) bool { return e.Note == NoteAckCheck }); !ok {
		t.Fatal("no TCP acknowledgement check")
	} else if runtime.GOOS == "linux" && !obs.TCP.Known {
		t.Fatal("ack check has no TCP_INFO")
	}
}

func TestTerminateFacts(t *testing.T) {
	// Paced on a manual clock, so that the half-close is observed before
	// the server closes, as a person would see it.
	evs := simtest.Paced(t, Config{Scenarios: []Scenario{TerminateOrderly, TerminateAbort}})
	var orderly, abort []Event
	for _, ev := range evs {
		if ev.Head().Scenario == TerminateOrderly {
			orderly = append(orderly, ev)
		} else {
			abort = append(abort, ev)
		}
	}
	if runtime.GOOS == "linux" {
		hc, _ := simtest.Find[HalfClosed](orderly, nil)
		if s := hc.TCP.State; s != StateFinWait1 && s != StateFinWait2 {
			t.Errorf("client right after CloseWrite: %v", s)
		}
		// On a manual clock the look comes microseconds after the FIN, in
		// real time: the peer's delayed ACK may not have come yet.
		ob, _ := simtest.Find(orderly, func(e Observed) bool { return e.Note == NoteHalfClosed })
		if s := ob.TCP.State; s != StateFinWait1 && s != StateFinWait2 {
			t.Errorf("client while half-closed: %v", s)
		}
		pc, _ := simtest.Find(orderly, func(e PeerClosed) bool { return e.Side == Server })
		if pc.TCP.State != StateCloseWait {
			t.Errorf("server after reading the FIN: %v, want CLOSE_WAIT", pc.TCP.State)
		}
		cl, _ := simtest.Find(orderly, func(e Closed) bool { return e.Side == Client })
		if cl.After.State != StateTimeWait || cl.After.TimerLeft <= 0 || cl.After.TimerLeft > 60*time.Second {
			t.Errorf("client after close: %+v, want TIME_WAIT with up to 60 s left", cl.After)
		}
		sc, _ := simtest.Find(orderly, func(e Closed) bool { return e.Side == Server })
		if sc.After.State == StateTimeWait {
			t.Errorf("the passive closer is in TIME_WAIT")
		}
	}
	// The AB's sender does not close first: it waits (TIM) for the
	// receiver to release the transport connection (X.225 7.9), so the
	// server closes first, with a FIN, and holds TIME_WAIT.
	if ce, ok := simtest.Find[ConnError](abort, nil); ok {
		t.Fatalf("the abort broke a connection: %+v", ce)
	}
	sc, _ := simtest.Find(abort, func(e Closed) bool { return e.Side == Server })
	cc, _ := simtest.Find(abort, func(e Closed) bool { return e.Side == Client })
	if sc.Abortive || cc.Abortive || sc.Wire.Put != CarryFIN || sc.ID > cc.ID {
		t.Fatalf("server close %+v, client close %+v: want the server's FIN first, no RST", sc, cc)
	}
	if _, ok := simtest.Find(abort, func(e PeerClosed) bool { return e.Side == Client && e.ID > sc.ID && e.ID < cc.ID }); !ok {
		t.Fatal("the client did not read the server's FIN before it closed")
	}
	if st := sc.After.State; runtime.GOOS == "linux" && (st != StateFinWait1 && st != StateFinWait2 && st != StateTimeWait || cc.After.State == StateTimeWait) {
		t.Fatalf("after the abort: server %v, client %v; want the server, which closed first, on its way to TIME_WAIT", st, cc.After.State)
	}
}

func TestBadAddresses(t *testing.T) {
	busy, err := New(Config{Scenarios: []Scenario{Establish}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := busy.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(busy.Wait) // runs after t.Context is cancelled
	for _, addr := range []string{busy.Addr().String(), "256.0.0.1:0", "127.0.0.1", "127.0.0.1:99999", "nonsense"} {
		s, err := New(Config{Scenarios: []Scenario{Establish}, Addr: addr})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Start(ctx); err == nil {
			t.Errorf("Start on %q succeeded", addr)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{{}, {Scenarios: []Scenario{99}}, {Scenarios: []Scenario{Establish}, Speed: 5}, {Scenarios: []Scenario{Establish}, Speed: 0.1}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	if _, err := New(Config{Scenarios: []Scenario{Establish}, Speed: 5}); !errors.Is(err, ErrSpeed) {
		t.Errorf("speed error = %v", err)
	}
	for _, sc := range Scenarios() {
		if got, ok := ParseScenario(sc.String()); !ok || got != sc {
			t.Errorf("ParseScenario(%q) = %v, %v", sc, got, ok)
		}
	}
}

// TestLooksSettleOnManualClock runs Synchronize and the orderly release on
// a manual clock, where no real time passes between a send and the look
// after it: the looks wait for the peer's delayed ACK, as pacing gives
// them time to on the real clock, so a transcript tells what the live
// lesson shows: everything acknowledged, and FIN_WAIT2 after the FIN.
// With LookAtOnce the same runs may see the ACK still outstanding.
func TestLooksSettleOnManualClock(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("TCP_INFO comes from Linux")
	}
	for i := 0; i < 3; i++ {
		evs := simtest.Run(t, Config{Scenarios: []Scenario{Synchronize, TerminateOrderly}, Clock: NewManualClock(simtest.T0())})
		var acks, halfClosed int
		for _, ev := range evs {
			o, ok := ev.(Observed)
			if !ok {
				continue
			}
			switch o.Note {
			case NoteAckCheck:
				acks++
				if !o.TCP.Known || o.TCP.Unacked != 0 {
					t.Errorf("run %d: ack check %+v, want nothing unacknowledged", i, o.TCP)
				}
			case NoteHalfClosed:
				halfClosed++
				if o.TCP.State != StateFinWait2 {
					t.Errorf("run %d: half-closed look %+v, want FIN_WAIT2", i, o.TCP)
				}
			}
		}
		if acks != 1 || halfClosed != 2 {
			t.Fatalf("run %d: %d ack checks and %d half-closed looks, want 1 and 2 (one per release)", i, acks, halfClosed)
		}
	}
}

// TestHalfClosedShowsFinWait2 runs the orderly release in real time at the
// highest speed: the look at the half-closed connection comes 75 ms after the
// FIN, after the peer's delayed ACK (about 40 ms on Linux), so the client
// is in FIN_WAIT2 while the server, in CLOSE_WAIT, may still send.
func TestHalfClosedShowsFinWait2(t *testing.T) {
	t.Parallel() // paced in real time: it mostly waits
	if runtime.GOOS != "linux" {
		t.Skip("TCP states come from Linux")
	}
	evs := simtest.Run(t, Config{Scenarios: []Scenario{TerminateOrderly}, Speed: MaxSpeed})
	ob, _ := simtest.Find(evs, func(e Observed) bool { return e.Note == NoteHalfClosed })
	if ob.TCP.State != StateFinWait2 {
		t.Fatalf("client while half-closed: %v, want FIN_WAIT2", ob.TCP.State)
	}
}

// TestAckCheckSeesEverythingAcknowledged runs Synchronize in real time up
// to the first look at TCP's acknowledgements: by then (100 ms after the
// MIP at speed 2, past Linux's delayed ACK) the server's kernel has
// acknowledged every byte, though no MIA has come.
func TestAckCheckSeesEverythingAcknowledged(t *testing.T) {
	t.Parallel() // paced in real time: it mostly waits
	if runtime.GOOS != "linux" {
		t.Skip("TCP_INFO comes from Linux")
	}
	s, err := New(Config{Scenarios: []Scenario{Synchronize}, Speed: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), simtest.Within)
	defer cancel()
	ch, err := s.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mia bool
	for ev := range ch {
		if r, ok := ev.(Received); ok && MainOf(r.Frame).Kind == spdu.MIA {
			mia = true
		}
		if o, ok := ev.(Observed); ok && o.Note == NoteAckCheck {
			if !o.TCP.Known || o.TCP.Unacked != 0 || mia {
				t.Errorf("ack check: %+v, MIA already in: %v", o.TCP, mia)
			}
			cancel()
		}
	}
	s.Wait()
}

// TestNegotiatedResultIsThisRuns: the result the server still has to send
// when it refuses a release says what this session committed, which in
// the negotiated release's part is nothing: it sends no data.
func TestNegotiatedResultIsThisRuns(t *testing.T) {
	evs := simtest.Run(t, Config{Scenarios: []Scenario{TerminateNegotiated}, Clock: NewManualClock(simtest.T0())})
	sent, ok := simtest.Find(evs, func(e Sent) bool { return e.Note == NoteResult })
	if !ok {
		t.Fatal("no result sent")
	}
	var info string
	for _, s := range sent.Frame.SPDUs {
		if s.Kind == spdu.DT {
			info = string(s.Info)
		}
	}
	if want := "result: no data came in this session, so nothing to commit"; info != want {
		t.Fatalf("the result says %q, want %q", info, want)
	}
}
