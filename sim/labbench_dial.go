package sim

// The bench as a client: it finds out what the server speaks by asking
// for a transport connection (CR). A server that answers CC gets a
// session: CN, five data packets with sync points, FN. One that answers
// anything else, or nothing, speaks no RFC 1006: the bench connects
// again and greets it in plain text, as the article's client does.

import (
	"errors"
	"fmt"
	"net"
	"time"

	"sessionlab/sim/spdu"
)

// dialPeer runs connect's whole run.
func (b *Bench) dialPeer() {
	bc, ok := b.dial()
	if !ok {
		return
	}
	plain := bc.probe()
	bc.close()
	if !plain {
		return
	}
	if bc, ok = b.dial(); ok {
		defer bc.close()
		bc.plainClient()
	}
}

// dial connects to the peer, giving up after the read timeout.
func (b *Bench) dial() (*benchConn, bool) {
	n := b.number()
	d := net.Dialer{Timeout: b.cfg.readTimeout()}
	c, err := d.DialContext(b.ctx, "tcp", b.cfg.Addr)
	if err != nil {
		if b.ctx.Err() == nil {
			b.emit(BenchEvent{Conn: n, Kind: BenchFailed, Err: err, Note: "could not connect to " + b.cfg.Addr})
			b.mu.Lock()
			b.err = fmt.Errorf("could not connect to %s: %w", b.cfg.Addr, unwrapOp(err))
			b.mu.Unlock()
		}
		return nil, false
	}
	bc := b.conn(c.(*net.TCPConn), n)
	bc.emit(BenchEvent{Kind: BenchDialed})
	return bc, true
}

// probe asks for a transport connection and, if the server confirms it,
// runs a session. It reports whether the server speaks plain text
// instead.
func (bc *benchConn) probe() (plain bool) {
	if bc.send(spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeCR, Src: 0x5e55, Size: tpduSize}}) != nil {
		return false
	}
	if bc.fill() != nil {
		// Closed or silent without a word of RFC 1006: a plain server
		// that read the CR as text, and closed.
		return bc.peerClosed
	}
	if bc.in[0] != spdu.TPKTVersion {
		text := bc.in[:min(len(bc.in), BenchMaxText)]
		bc.in = nil
		bc.emit(BenchEvent{Kind: BenchTextIn, Name: "text", Raw: text})
		_, err := spdu.TPKTLen(text)
		_ = bc.wrongErr(text, err)
		return true
	}
	f, raw, err := bc.nextFrame()
	if err != nil {
		if err == errProtocol {
			bc.protocolError(false, 0)
		}
		return false
	}
	if f.TPDU.Code != spdu.CodeCC {
		_ = bc.wrong(raw, spdu.TPKTHeaderLen+1, fmt.Sprintf("expected CC (code 0xD0) to confirm the CR, got %v", f.Kinds()))
		return false
	}
	if err := bc.clientSession(); err == errProtocol {
		bc.protocolError(true, f.TPDU.Src)
	}
	return false
}

// clientSession asks for a session and, once accepted, sends data
// packets 0 to 4 a beat apart with a minor sync point after 1 and 3 and a
// major one after 4, each confirmed before it goes on, then releases.
func (bc *benchConn) clientSession() error {
	ref := refs{calling: []byte("sessionlab-bench"), common: []byte(time.Now().UTC().Format("060102150405Z"))}
	if err := bc.send(connectFrame(ref, version, proposedUnits)); err != nil {
		return err
	}
	f, raw, err := bc.nextFrame()
	if err != nil {
		return err
	}
	switch mainOf(f).Kind {
	case spdu.AC:
	case spdu.RF:
		return nil // refused: the RF asks its receiver to release the transport, and close does
	default:
		_ = bc.wrong(raw, spdu.TPKTHeaderLen+3, fmt.Sprintf("expected AC or RF to answer the CN, got %v", f.Kinds()))
		return errProtocol
	}
	units := mainOf(f).Units
	vm := mainOf(f).InitialSerial
	beat := orDefault(bc.b.cfg.Beat, time.Second)
	for n := uint32(0); n < 5; n++ {
		if n > 0 && bc.pause(beat) {
			return errStop
		}
		if err := bc.send(dataFrame(n)); err != nil {
			return err
		}
		kind := spdu.MIP
		switch {
		case n == 4 && units&spdu.MajorSync != 0:
			kind = spdu.MAP
		case n%2 == 0 || units&spdu.MinorSync == 0:
			continue
		}
		if err := bc.syncPoint(kind, vm); err != nil {
			return err
		}
		vm++
	}
	if err := bc.send(spdu.NewFrame(spdu.SPDU{Kind: spdu.FN, Disconnect: spdu.ReleaseTransport}.With(spdu.PDisconnect))); err != nil {
		return err
	}
	f, raw, err = bc.nextFrame()
	if err != nil {
		return err
	}
	if mainOf(f).Kind != spdu.DN {
		_ = bc.wrong(raw, spdu.TPKTHeaderLen+3, fmt.Sprintf("expected DN to answer the FN, got %v", f.Kinds()))
		return errProtocol
	}
	return nil // released: the FN's sender releases the transport connection (close)
}

// syncPoint sends a sync point with serial number sn and reads its
// confirmation, which must be the matching acknowledgement.
func (bc *benchConn) syncPoint(kind spdu.Kind, sn uint32) error {
	if err := bc.send(withSerial(kind, sn)); err != nil {
		return err
	}
	want := map[spdu.Kind]spdu.Kind{spdu.MIP: spdu.MIA, spdu.MAP: spdu.MAA}[kind]
	f, raw, err := bc.nextFrame()
	if err != nil {
		return err
	}
	if s := mainOf(f); s.Kind != want || s.Serial != sn {
		_ = bc.wrong(raw, spdu.TPKTHeaderLen+3, fmt.Sprintf("expected %v %d to confirm %v %d, got %v", want, sn, kind, sn, nameOf(f)))
		return errProtocol
	}
	return nil
}

// pause waits d, and reports whether the bench was stopped meanwhile.
func (bc *benchConn) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return false
	case <-bc.b.ctx.Done():
		return true
	}
}

// plainClient greets a server that speaks no session protocol as the
// article's client does, and shows its reply.
func (bc *benchConn) plainClient() {
	if bc.sendText(helloText) != nil {
		return
	}
	// Read the reply until the server closes (the article's does, after
	// its greeting), or goes quiet, or has sent more than the bench reads.
	for read := 0; read < BenchMaxText; {
		bc.in = bc.in[:0]
		if bc.fill() != nil {
			return
		}
		read += len(bc.in)
		bc.emit(BenchEvent{Kind: BenchTextIn, Name: "text", Raw: append([]byte(nil), bc.in...)})
	}
}

// unwrapOp keeps a dial error's reason ("connection refused") without
// the operation and addresses the message repeats.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
