package sim_test

import (
	"context"
	"net"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"testing"
	"time"

	"sessionlab/sim/spdu"
)

// badPeer connects to a paused Sim's listener before its own client can,
// so that the Sim's server takes the test's connection first; the test
// then speaks to the server directly.
func badPeer(t *testing.T) (net.Conn, *Sim, <-chan Event) {
	t.Helper()
	s, err := New(AnyPeer(Config{Scenarios: []Scenario{Establish}, Unpaced: true}))
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
	t.Cleanup(func() {
		c.Close()
		cancel()
		for range ch {
		}
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
