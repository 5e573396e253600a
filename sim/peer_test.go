package sim_test

import (
	"context"
	"net"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"strings"
	"testing"
	"time"

	"sessionlab/sim/spdu"
)

// badPeer connects to a paused Sim's listener before its own client can,
// so that the Sim's server takes the test's connection first; the test
// then speaks to the server directly.
func badPeer(t *testing.T) (net.Conn, *Sim, <-chan Event) {
	t.Helper()
	return peerOf(t, Config{Scenarios: []Scenario{Establish}, Unpaced: true})
}

// peerOf is badPeer for cfg. On a ManualClock, the test drives the clock.
func peerOf(t *testing.T, cfg Config) (net.Conn, *Sim, <-chan Event) {
	t.Helper()
	s, err := New(AnyPeer(cfg))
	if err != nil {
		t.Fatal(err)
	}
	s.Pause()
	ctx, cancel := context.WithTimeout(context.Background(), simtest.Within)
	ch, err := s.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	driven := make(chan struct{})
	go func() {
		defer close(driven)
		if clk, ok := cfg.Clock.(*ManualClock); ok {
			clk.Drive(ctx)
		}
	}()
	t.Cleanup(func() {
		c.Close()
		cancel()
		for range ch {
		}
		<-driven
		s.Wait()
	})
	s.Resume()
	return c, s, ch
}

// readFrame reads one frame from the server.
func readFrame(t *testing.T, c net.Conn) spdu.Frame {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(simtest.Within))
	f, raw, err := spdu.NewReader(c).ReadFrame()
	if err != nil {
		t.Fatalf("reading the server's answer: %v (% x)", err, raw)
	}
	return f
}

// TestBrokenTPDUGetsER: a peer whose first TPKT is not one the server can
// read gets COTP's ER (ISO 8073: TPDU error), and the server reports it.
func TestBrokenTPDUGetsER(t *testing.T) {
	c, _, ch := badPeer(t)
	if _, err := c.Write([]byte{3, 0, 0, 9, 2, 0x50, 0x80, 1, 0}); err != nil { // a TPDU code class 0 has not
		t.Fatal(err)
	}
	if f := readFrame(t, c); f.TPDU.Code != spdu.CodeER {
		t.Fatalf("the server answered %v, want ER", f.Kinds())
	}
	for ev := range ch {
		if e, ok := ev.(ConnError); ok && e.Side == Server {
			return
		}
	}
	t.Fatal("the server did not report the broken frame")
}

// TestCRForAnotherClassGetsDR: class 0 refuses a CR that asks for another
// class with DR.
func TestCRForAnotherClassGetsDR(t *testing.T) {
	c, _, _ := badPeer(t)
	cr := spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeCR, Src: 7, Class: 0x40}} // class 4
	raw, err := spdu.AppendFrame(nil, &cr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(raw); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, c); f.TPDU.Code != spdu.CodeDR || f.TPDU.Dst != 7 {
		t.Fatalf("the server answered %v to ref %d, want DR to ref 7", f.Kinds(), f.TPDU.Dst)
	}
}

// TestBrokenSPDUGetsAB: after the transport connection is set up, a TSDU
// that is not a valid SPDU gets AB with "protocol error" (X.225).
func TestBrokenSPDUGetsAB(t *testing.T) {
	c, _, _ := badPeer(t)
	cr := spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeCR, Src: 7, Size: 0x0b}}
	raw, _ := spdu.AppendFrame(nil, &cr)
	if _, err := c.Write(raw); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, c); f.TPDU.Code != spdu.CodeCC {
		t.Fatalf("answered %v, want CC", f.Kinds())
	}
	if _, err := c.Write([]byte{3, 0, 0, 10, 2, 0xf0, 0x80, 99, 1, 0}); err != nil { // SI 99
		t.Fatal(err)
	}
	f := readFrame(t, c)
	if ab, ok := f.Main(); !ok || ab.Kind != spdu.AB || ab.Disconnect&spdu.ProtocolErrorBit == 0 {
		t.Fatalf("answered %v %+v, want AB with protocol error", f.Kinds(), ab)
	}
}

// pacedPeer is badPeer, for scenario sc's server, on a manual clock the
// test drives: the server's timers (TIM) run out at once, in pacing time,
// when nothing else is due.
func pacedPeer(t *testing.T, sc Scenario) (net.Conn, <-chan Event) {
	t.Helper()
	c, _, ch := peerOf(t, Config{Scenarios: []Scenario{sc}, Clock: NewManualClock(simtest.T0())})
	return c, ch
}

// write encodes f and writes it to the server.
func write(t *testing.T, c net.Conn, f spdu.Frame) {
	t.Helper()
	raw, err := spdu.AppendFrame(nil, &f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(raw); err != nil {
		t.Fatal(err)
	}
}

// openSession sets up the transport connection and asks for a session
// offering versions; it returns the server's answer.
func openSession(t *testing.T, c net.Conn, versions spdu.Versions) spdu.Frame {
	t.Helper()
	write(t, c, spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeCR, Src: 7, Size: 0x0b}})
	if f := readFrame(t, c); f.TPDU.Code != spdu.CodeCC {
		t.Fatalf("answered %v, want CC", f.Kinds())
	}
	write(t, c, spdu.NewFrame(spdu.SPDU{Kind: spdu.CN, Versions: versions, InitialSerial: 1,
		Units: spdu.Duplex | spdu.MinorSync | spdu.MajorSync}.With(spdu.POptions, spdu.PVersion, spdu.PInitialSerial, spdu.PRequirements)))
	return readFrame(t, c)
}

// awaitEvent reads events until one matches, or the run ends.
func awaitEvent[E Event](t *testing.T, ch <-chan Event, match func(E) bool) E {
	t.Helper()
	var seen []string
	for ev := range ch {
		if e, ok := ev.(E); ok && match(e) {
			return e
		}
		seen = append(seen, simtest.Label(ev))
	}
	var zero E
	t.Fatalf("no such event; saw %v", seen)
	return zero
}

// TestRFSenderWaitsForTIM: after an RF that asks for the transport
// connection's release, the server does not close first: it waits for
// the peer to release it. A peer that never does is released when TIM
// runs out (X.225 7.5; ISODE waits 30 s), with a FIN, not an RST.
func TestRFSenderWaitsForTIM(t *testing.T) {
	c, ch := pacedPeer(t, Establish)
	if rf := MainOf(openSession(t, c, spdu.Version1)); rf.Kind != spdu.RF || rf.Disconnect&spdu.ReleaseTransport == 0 {
		t.Fatalf("answered %v, want RF releasing the transport", rf.Kind)
	}
	cl := awaitEvent(t, ch, func(e Closed) bool { return e.Side == Server })
	if cl.Note != NoteTimer || cl.Abortive || cl.Wire.Put != CarryFIN {
		t.Fatalf("the server closed with note %q, abortive %v, %v: want TIM's plain close", cl.Note, cl.Abortive, cl.Wire.Put)
	}
	_ = c.SetReadDeadline(time.Now().Add(simtest.Within))
	if n, err := c.Read(make([]byte, 1)); err == nil || n != 0 {
		t.Fatalf("read %d bytes, %v after TIM: want the end of the stream", n, err)
	}
}

// TestSyncPointWithWrongSerialIsAProtocolError: X.225 Table A-4 takes a
// MIP only with the serial number V(M). Another is a protocol error: the
// server answers AB with "protocol error" and reports an S-P-ABORT. A
// right one is confirmed with PT+MIA, the pair X.225 6.3.7 prescribes.
func TestSyncPointWithWrongSerialIsAProtocolError(t *testing.T) {
	for _, tt := range []struct {
		serial uint32
		ok     bool
	}{{1, true}, {2, false}, {0, false}} {
		c, ch := pacedPeer(t, Synchronize) // a server that takes data
		if ac := MainOf(openSession(t, c, spdu.Version2)); ac.Kind != spdu.AC {
			t.Fatalf("answered %v, want AC", ac.Kind)
		}
		write(t, c, spdu.NewFrame(spdu.SPDU{Kind: spdu.GT}, spdu.SPDU{Kind: spdu.DT, Info: []byte("data packet 0")}))
		write(t, c, spdu.NewFrame(spdu.SPDU{Kind: spdu.GT}, spdu.SPDU{Kind: spdu.MIP, Serial: tt.serial}.With(spdu.PSerial)))
		f := readFrame(t, c)
		if tt.ok {
			if f.Kinds() != "PT+MIA" || f.SPDUs[1].Serial != 1 {
				t.Fatalf("MIP 1 answered with %v, want PT+MIA 1", f.Kinds())
			}
			continue
		}
		if ab, _ := f.Main(); ab.Kind != spdu.AB || ab.Disconnect&spdu.ProtocolErrorBit == 0 {
			t.Fatalf("MIP %d answered with %v %v, want AB with protocol error", tt.serial, f.Kinds(), ab.Disconnect)
		}
		c.Close() // the peer releases the transport connection
		ab := awaitEvent(t, ch, func(e Aborted) bool { return e.Side == Server })
		if !ab.Provider || !strings.Contains(ab.Reason, "V(M)") {
			t.Fatalf("the server reported %+v, want an S-P-ABORT naming V(M)", ab)
		}
	}
}
