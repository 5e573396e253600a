package sim_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"sessionlab/sim/spdu"
)

// benchCfg is a bench with short timers, for tests.
var benchCfg = BenchConfig{Addr: "127.0.0.1:0", ReadTimeout: 300 * time.Millisecond, TIM: 300 * time.Millisecond, Beat: time.Millisecond}

// startListen starts a listening bench; its events are collected in the
// background, and the bench is stopped and waited for when the test ends.
func startListen(t *testing.T) (*Bench, *benchLog) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b, err := Listen(ctx, benchCfg)
	if err != nil {
		t.Fatal(err)
	}
	l := collect(b)
	t.Cleanup(func() { cancel(); b.Wait(); <-l.done })
	return b, l
}

// connectTo runs connect against addr to its end.
func connectTo(t *testing.T, addr string) (*Bench, *benchLog) {
	t.Helper()
	cfg := benchCfg
	cfg.Addr = addr
	b, err := Connect(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := collect(b)
	<-l.done
	b.Wait()
	return b, l
}

// connectToListen runs a whole session of connect against listen and
// returns both ends' events.
func connectToListen(t *testing.T) (client, server *benchLog) {
	t.Helper()
	srv, sl := startListen(t)
	_, cl := connectTo(t, srv.Addr().String())
	return cl, sl
}

// benchLog keeps every event of a bench, and lets a test wait for one.
type benchLog struct {
	mu   sync.Mutex
	evs  []BenchEvent
	more chan struct{} // closed and replaced when an event comes
	done chan struct{}
}

func collect(b *Bench) *benchLog {
	l := &benchLog{more: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for ev := range b.Events() {
			l.mu.Lock()
			l.evs = append(l.evs, ev)
			close(l.more)
			l.more = make(chan struct{})
			l.mu.Unlock()
		}
	}()
	return l
}

// await waits for an event of connection conn that match accepts, and
// fails the test with every event seen if none comes in time.
func (l *benchLog) await(t *testing.T, conn int, match func(BenchEvent) bool) BenchEvent {
	t.Helper()
	deadline := time.After(simtest.Within)
	seen := 0
	for {
		l.mu.Lock()
		evs, more := l.evs, l.more
		l.mu.Unlock()
		for ; seen < len(evs); seen++ {
			if ev := evs[seen]; (conn == 0 || ev.Conn == conn) && match(ev) {
				return ev
			}
		}
		select {
		case <-more:
		case <-l.done:
			l.mu.Lock()
			n := len(l.evs)
			l.mu.Unlock()
			if n == seen {
				t.Fatalf("the bench ended; no such event in:\n%s", l.dump())
			}
		case <-deadline:
			t.Fatalf("no such event in time; saw:\n%s", l.dump())
		}
	}
}

// all is every event so far.
func (l *benchLog) all() []BenchEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]BenchEvent(nil), l.evs...)
}

func (l *benchLog) dump() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, ev := range l.evs {
		fmt.Fprintf(&b, "  #%d %v %s %s\n", ev.Conn, ev.Kind, ev.Name, ev.Note)
	}
	return b.String()
}

func kind(k BenchKind) func(BenchEvent) bool { return func(ev BenchEvent) bool { return ev.Kind == k } }

func dialBench(t *testing.T, b *Bench) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", b.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readAll reads until the bench closes the connection.
func readAll(t *testing.T, c net.Conn) []byte {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(simtest.Within))
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading until the bench closed: %v (%q)", err, b)
	}
	return b
}

// TestBenchPlainPeer: a peer that writes text, like the article's client,
// is shown as what it is: its octets, why they are no TPKT, the greeting
// the article's server sends back, and who closed first.
func TestBenchPlainPeer(t *testing.T) {
	b, l := startListen(t)
	c := dialBench(t, b)
	if _, err := c.Write([]byte("Hello\n")); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, c); string(got) != "Welcome to the session!" {
		t.Fatalf("the bench answered %q", got)
	}
	in := l.await(t, 1, kind(BenchTextIn))
	if string(in.Raw) != "Hello\n" {
		t.Fatalf("text in %q", in.Raw)
	}
	w := l.await(t, 1, kind(BenchWrong))
	if w.Offset != 0 || !strings.Contains(w.Note, "TPKT version must be 3, got 0x48") || !strings.Contains(w.Note, "looks like text") {
		t.Fatalf("explanation %q at %d", w.Note, w.Offset)
	}
	l.await(t, 1, kind(BenchTextOut))
	if cl := l.await(t, 1, kind(BenchClosed)); !cl.First {
		t.Fatal("the bench says the peer closed first")
	}
	// Fewer octets than a TPKT header: the first is enough to tell.
	c = dialBench(t, b)
	c.Write([]byte("Hi\n"))
	if w := l.await(t, 2, kind(BenchWrong)); !strings.Contains(w.Note, "looks like text") {
		t.Fatalf("3 octets of text explained as %q", w.Note)
	}
}

// rawSession is a client written in the test from X.225 and RFC 1006
// octets, not from SessionLab's encoder: CR, CN, GT+DT, GT+MIP 1, FN.
var rawSession = []struct {
	send, want string // hex; want: the SPDUs the answer's TSDU starts with ("" for CC: any)
}{
	{"03 00 00 0b 06 e0 00 00 00 07 00", ""}, // CR, class 0, source reference 7
	// CN: Connect/Accept Item (options 0, version 2, initial serial "1"),
	// Session User Requirements 0x0002 (duplex) | 0x0008 (minor sync).
	{"03 00 00 18 02 f0 80 0d 0f 05 09 13 01 00 16 01 02 17 01 31 14 02 00 0a", "0e"},
	{"03 00 00 11 02 f0 80 01 00 01 00 64 61 74 61 20 30", "-"},           // GT+DT "data 0": no answer
	{"03 00 00 0e 02 f0 80 01 00 31 03 2a 01 31", "02 00 32 03 2a 01 31"}, // GT+MIP 1 -> PT+MIA 1
	{"03 00 00 09 02 f0 80 09 00", "0a"},                                  // FN -> DN
}

func unhexT(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBenchSessionFromARawPeer: a client written from the standards
// alone opens a session against listen and gets each answer X.225
// prescribes, PT+MIA for its MIP included; the bench waits for it to
// release the connection after DN.
func TestBenchSessionFromARawPeer(t *testing.T) {
	b, l := startListen(t)
	c := dialBench(t, b)
	r := spdu.NewReader(c)
	for _, step := range rawSession {
		if _, err := c.Write(unhexT(t, step.send)); err != nil {
			t.Fatal(err)
		}
		if step.want == "-" {
			continue
		}
		_ = c.SetReadDeadline(time.Now().Add(simtest.Within))
		_, raw, err := r.ReadFrame()
		if err != nil {
			t.Fatalf("after % x: %v", unhexT(t, step.send), err)
		}
		if want := unhexT(t, step.want); step.want != "" && !bytes.HasPrefix(raw[7:], want) {
			t.Fatalf("after % x the bench sent % x; want a TSDU starting % x", unhexT(t, step.send), raw, want)
		}
	}
	c.Close() // the DN's receiver releases the transport connection
	if cl := l.await(t, 1, kind(BenchClosed)); cl.First {
		t.Fatal("the bench closed first after DN; it should wait for the peer (TIM)")
	}
	for _, ev := range l.all() {
		if ev.Kind == BenchWrong {
			t.Fatalf("the bench found something wrong: %s", ev.Note)
		}
	}
}

// TestBenchConformanceBothWays: a peer that puts a GT before an
// acknowledgement, or a sync point with the wrong serial number, is told
// what was expected and why, and gets AB with "protocol error".
func TestBenchConformanceBothWays(t *testing.T) {
	for _, tt := range []struct {
		name, send, why string
	}{
		{"GT+MIA", "03 00 00 0e 02 f0 80 01 00 32 03 2a 01 31", "MIA must follow a PLEASE TOKENS"},
		{"MIP 5", "03 00 00 0e 02 f0 80 01 00 31 03 2a 01 35", "must be V(M) = 1"},
		{"serial not digits", "03 00 00 0e 02 f0 80 01 00 31 03 2a 01 78", "decimal digits"},
		{"LI too long", "03 00 00 0e 02 f0 80 01 00 31 09 2a 01 31", "LI says 9 octets follow, but the TSDU has 3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, l := startListen(t)
			c := dialBench(t, b)
			r := spdu.NewReader(c)
			for _, step := range rawSession[:2] {
				if _, err := c.Write(unhexT(t, step.send)); err != nil {
					t.Fatal(err)
				}
				_ = c.SetReadDeadline(time.Now().Add(simtest.Within))
				if _, _, err := r.ReadFrame(); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c.Write(unhexT(t, tt.send)); err != nil {
				t.Fatal(err)
			}
			f, _, err := r.ReadFrame()
			if err != nil {
				t.Fatal(err)
			}
			if ab := MainOf(f); ab.Kind != spdu.AB || ab.Disconnect&spdu.ProtocolErrorBit == 0 {
				t.Fatalf("answered %v, want AB with protocol error", f.Kinds())
			}
			if w := l.await(t, 1, kind(BenchWrong)); !strings.Contains(w.Note, tt.why) {
				t.Fatalf("explained %q, want %q", w.Note, tt.why)
			}
		})
	}
}

// TestBenchProtocolErrorBeforeCN: data where the CN should be is answered
// with COTP's ER, not AB: before a CN there is no session to abort.
func TestBenchProtocolErrorBeforeCN(t *testing.T) {
	b, l := startListen(t)
	c := dialBench(t, b)
	r := spdu.NewReader(c)
	throughCC(t, c, r)
	if _, err := c.Write(unhexT(t, rawSession[2].send)); err != nil { // GT+DT
		t.Fatal(err)
	}
	f, _, err := r.ReadFrame()
	if err != nil || f.TPDU.Code != spdu.CodeER {
		t.Fatalf("answered %v (%v), want ER", f.Kinds(), err)
	}
	if w := l.await(t, 1, kind(BenchWrong)); !strings.Contains(w.Note, "expected CN") {
		t.Fatalf("explained %q", w.Note)
	}
}

// throughCC sends the bench a CR on c and reads its CC: the transport
// connection up, for a test of what follows.
func throughCC(t *testing.T, c net.Conn, r *spdu.Reader) {
	t.Helper()
	if _, err := c.Write(unhexT(t, rawSession[0].send)); err != nil { // CR
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(simtest.Within))
	if _, _, err := r.ReadFrame(); err != nil { // CC
		t.Fatal(err)
	}
}

// TestBenchRefusesNoDuplexInCommon: a CN that proposes neither duplex
// nor half-duplex the bench speaks is refused (RF, reason 134), with why.
func TestBenchRefusesNoDuplexInCommon(t *testing.T) {
	b, l := startListen(t)
	c := dialBench(t, b)
	r := spdu.NewReader(c)
	throughCC(t, c, r)
	cn := spdu.NewFrame(spdu.SPDU{Kind: spdu.CN, Versions: spdu.Version2, Units: spdu.HalfDuplex | spdu.MinorSync}.
		With(spdu.POptions, spdu.PVersion, spdu.PRequirements))
	raw, err := spdu.AppendFrame(nil, &cn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(raw); err != nil {
		t.Fatal(err)
	}
	f, _, err := r.ReadFrame()
	if m, ok := f.Main(); err != nil || !ok || m.Kind != spdu.RF || m.Reason != spdu.ReasonRestriction {
		t.Fatalf("answered %v (%v), want RF with reason 134", f.Kinds(), err)
	}
	sent := l.await(t, 1, func(ev BenchEvent) bool { return ev.Kind == BenchFrameOut && ev.Name == "RF" })
	if !strings.Contains(sent.Note, "Half-duplex or Duplex") {
		t.Fatalf("the RF says %q", sent.Note)
	}
	c.Close()
}

// TestBenchHostilePeers: garbage, an oversized length, a frame cut in
// half that stalls, a flood, a reset and a crowd of connections each get
// a clear event, their connection closed, and the bench goes on serving.
func TestBenchHostilePeers(t *testing.T) {
	b, l := startListen(t)
	conn := 0
	next := func() int { conn++; return conn }
	check := func(n int, want BenchKind, note string) {
		t.Helper()
		ev := l.await(t, n, kind(want))
		if !strings.Contains(ev.Note, note) {
			t.Fatalf("connection %d: %v %q, want %q", n, want, ev.Note, note)
		}
		l.await(t, n, kind(BenchClosed))
	}

	c := dialBench(t, b) // garbage that starts like a TPKT
	c.Write([]byte{3, 7, 0, 0, 0xde, 0xad})
	check(next(), BenchWrong, "TPKT reserved octet is 7")

	c = dialBench(t, b) // a length past what class 0 allows
	c.Write([]byte{3, 0, 0xff, 0xff, 2, 0xf0, 0x80})
	check(next(), BenchWrong, "TPKT length 65535")

	c = dialBench(t, b) // half a frame, then nothing
	c.Write([]byte{3, 0, 0, 20, 2, 0xf0})
	check(next(), BenchTimedOut, "6 octets into a frame")

	flood := dialBench(t, b) // a flood of text: the bench reads a bounded amount and answers
	flooded := make(chan struct{})
	go func() {
		defer close(flooded)
		chunk := bytes.Repeat([]byte("flood "), 1000)
		for range 200 {
			if _, err := flood.Write(chunk); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { flood.Close(); <-flooded })
	n := next()
	if in := l.await(t, n, kind(BenchTextIn)); len(in.Raw) > BenchMaxText {
		t.Fatalf("read %d octets of a flood, at most %d", len(in.Raw), BenchMaxText)
	}
	l.await(t, n, kind(BenchClosed))

	c = dialBench(t, b) // a reset in the middle of a frame
	c.Write([]byte{3, 0, 0, 20})
	c.(*net.TCPConn).SetLinger(0)
	c.Close()
	n = next()
	l.await(t, n, func(ev BenchEvent) bool { return ev.Kind == BenchReset || ev.Kind == BenchPeerClosed })

	// A crowd: more connections at once than the bench serves. Each is
	// served or turned away, and every one ends.
	var crowd []net.Conn
	for range 3 * BenchMaxConns {
		c, err := net.Dial("tcp", b.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		crowd = append(crowd, c)
	}
	first := conn + 1
	conn += len(crowd)
	l.await(t, 0, kind(BenchTurnedAway))
	for i := first; i <= conn; i++ {
		l.await(t, i, func(ev BenchEvent) bool { return ev.Kind == BenchClosed || ev.Kind == BenchTurnedAway })
	}
	for _, c := range crowd {
		c.Close()
	}

	// And the bench still serves.
	c = dialBench(t, b)
	c.Write([]byte("still there?"))
	if got := readAll(t, c); string(got) != "Welcome to the session!" {
		t.Fatalf("after the hostile peers the bench answered %q", got)
	}
}

// plainServer is the article's server in Go: accept, read, greet, close,
// for every connection until the listener closes.
func plainServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 1024)
			_ = c.SetReadDeadline(time.Now().Add(simtest.Within))
			c.Read(buf)
			c.Write([]byte("Welcome to the session!"))
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// TestBenchConnectToAPlainServer: connect asks for a transport connection
// first; a server that answers with text speaks no RFC 1006, so the
// bench connects again and greets it as the article's client does.
func TestBenchConnectToAPlainServer(t *testing.T) {
	b, l := connectTo(t, plainServer(t))
	if w := l.await(t, 1, kind(BenchWrong)); !strings.Contains(w.Note, "looks like text") {
		t.Fatalf("the CR's answer was explained as %q", w.Note)
	}
	if out := l.await(t, 2, kind(BenchTextOut)); string(out.Raw) != "Hello from the client!" {
		t.Fatalf("greeted with %q", out.Raw)
	}
	if in := l.await(t, 2, kind(BenchTextIn)); string(in.Raw) != "Welcome to the session!" {
		t.Fatalf("the reply shown is %q", in.Raw)
	}
	if b.Err() != nil {
		t.Fatal(b.Err())
	}
}

// TestBenchConnectToListen: connect against listen is a whole session,
// seen from both ends, with nothing wrong on either.
func TestBenchConnectToListen(t *testing.T) {
	cl, sl := connectToListen(t)
	var names []string
	for _, ev := range cl.all() {
		switch ev.Kind {
		case BenchWrong, BenchFailed:
			t.Fatalf("the client found: %s %v", ev.Note, ev.Err)
		case BenchFrameIn:
			names = append(names, ev.Name)
		}
	}
	if got := strings.Join(names, " "); got != "CC AC PT+MIA 1 PT+MIA 2 PT+MAA 3 DN" {
		t.Fatalf("the client received %s", got)
	}
	sl.await(t, 1, kind(BenchPeerClosed))
	if ev := sl.await(t, 1, kind(BenchClosed)); ev.First {
		t.Fatal("after DN the server closed first")
	}
}

// TestBenchConnectRefused: a port nobody listens on is a clear error.
func TestBenchConnectRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	b, _ := connectTo(t, addr)
	if err := b.Err(); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v", err)
	}
	for _, bad := range []string{"nonsense", ":80", "host:0", "host:65536", "host:x"} {
		if CheckPeerAddr(bad) == nil {
			t.Errorf("CheckPeerAddr took %q", bad)
		}
	}
	if err := CheckPeerAddr("localhost:102"); err != nil {
		t.Error(err)
	}
}

// TestExamplePeer: testdata/peer.py, a client written from the README's
// wire section alone, opens, confirms and releases a session against
// listen, and the bench finds nothing wrong.
func TestExamplePeer(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("SESSIONLAB_CI") != "" {
			t.Fatal("python3 is not installed, and CI must run the example peer")
		}
		t.Skip("python3 is not installed: the example peer cannot run")
	}
	b, l := startListen(t)
	host, port, _ := net.SplitHostPort(b.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), simtest.Within)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "../testdata/peer.py", host, port).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "session opened, confirmed and released") {
		t.Fatalf("peer.py: %v\n%s", err, out)
	}
	l.await(t, 1, kind(BenchClosed))
	for _, ev := range l.all() {
		if ev.Kind == BenchWrong {
			t.Fatalf("the bench found something wrong with the example peer: %s", ev.Note)
		}
	}
}
