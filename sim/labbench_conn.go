package sim

// One bench connection: reading frames with a deadline, reporting what
// came and what went, explaining wrong octets, and closing.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"sessionlab/sim/spdu"
)

// benchConn is one connection of the bench, served by one goroutine.
type benchConn struct {
	b             *Bench
	n             int
	c             *net.TCPConn
	local, remote netip.AddrPort
	in            []byte // octets read and not yet decoded
	buf           []byte
	peerClosed    bool // the peer's FIN has been read
	closed        bool
}

func (b *Bench) conn(c *net.TCPConn, n int) *benchConn {
	return &benchConn{b: b, n: n, c: c, local: addrPort(c.LocalAddr()), remote: addrPort(c.RemoteAddr()),
		buf: make([]byte, 4096)}
}

func (bc *benchConn) emit(ev BenchEvent) {
	ev.Conn, ev.Local, ev.Remote = bc.n, bc.local, bc.remote
	bc.b.emit(ev)
}

// errStop ends a connection's run once what ended it (the peer's FIN or
// RST, a timeout) has been reported; errProtocol, once wrong octets have
// been explained: the bench still answers those, as the protocol says.
var (
	errStop     = errors.New("connection over")
	errProtocol = errors.New("protocol error")
	// errBeforeSession is a protocol error before any CN: X.225 has no
	// session to abort then, so ISO 8073's ER answers it.
	errBeforeSession = errors.New("protocol error before the session")
)

// fill reads what the peer sends next, waiting at most the read
// timeout. The end of the stream, a reset or a timeout is reported and
// returned as errStop.
func (bc *benchConn) fill() error {
	if len(bc.in) >= BenchMaxFrame {
		return bc.wrong(bc.in, 0, fmt.Sprintf("more than %d octets without a whole frame", BenchMaxFrame))
	}
	_ = bc.c.SetReadDeadline(time.Now().Add(bc.b.cfg.readTimeout()))
	n, err := bc.c.Read(bc.buf[:min(len(bc.buf), BenchMaxFrame-len(bc.in))])
	bc.in = append(bc.in, bc.buf[:n]...)
	if n > 0 || err == nil {
		return nil
	}
	return bc.readFailed(err)
}

// readFailed reports why a read returned nothing.
func (bc *benchConn) readFailed(err error) error {
	part := ""
	if len(bc.in) > 0 {
		part = fmt.Sprintf(", %d octets into a frame", len(bc.in))
	}
	switch {
	case errors.Is(err, io.EOF):
		bc.peerClosed = true
		bc.emit(BenchEvent{Kind: BenchPeerClosed, Raw: bc.in, Note: "the peer closed its side (FIN)" + part})
	case errors.Is(err, syscall.ECONNRESET):
		bc.emit(BenchEvent{Kind: BenchReset, Err: err, Note: "the peer reset the connection (RST)" + part})
		bc.closed = true
		bc.c.Close()
	case errors.Is(err, os.ErrDeadlineExceeded):
		bc.emit(BenchEvent{Kind: BenchTimedOut, Raw: bc.in,
			Note: fmt.Sprintf("the peer sent nothing for %v%s", bc.b.cfg.readTimeout(), part)})
	case bc.b.ctx.Err() != nil:
	default:
		bc.emit(BenchEvent{Kind: BenchFailed, Err: err, Note: "the read failed"})
	}
	return errStop
}

// nextFrame returns the next whole frame and its octets. Octets that are
// not a frame are reported as wrong, and the connection is over.
func (bc *benchConn) nextFrame() (spdu.Frame, []byte, error) {
	for {
		if len(bc.in) > 0 {
			n, err := spdu.TPKTLen(bc.in)
			if err != nil && !errors.Is(err, spdu.ErrTruncated) {
				return spdu.Frame{}, nil, bc.wrongErr(bc.in, err)
			}
			if err == nil && len(bc.in) >= n {
				raw := bc.in[:n:n]
				bc.in = append([]byte(nil), bc.in[n:]...)
				f, _, err := spdu.DecodeFrame(raw)
				if err != nil {
					return spdu.Frame{}, nil, bc.wrongErr(raw, err)
				}
				bc.emit(BenchEvent{Kind: BenchFrameIn, Frame: f, Name: nameOf(f).String(), Raw: raw})
				return f, raw, nil
			}
		}
		if err := bc.fill(); err != nil {
			return spdu.Frame{}, nil, err
		}
	}
}

// wrongErr reports a codec error on raw as wrong octets.
func (bc *benchConn) wrongErr(raw []byte, err error) error {
	var se *spdu.Error
	if errors.As(err, &se) {
		bc.emit(BenchEvent{Kind: BenchWrong, Raw: raw, Offset: se.Offset, Err: err, Note: se.Detail})
		return errProtocol
	}
	return bc.wrong(raw, 0, err.Error())
}

// wrong reports raw as wrong at offset, with what was expected and why.
func (bc *benchConn) wrong(raw []byte, offset int, why string) error {
	bc.emit(BenchEvent{Kind: BenchWrong, Raw: raw, Offset: offset, Note: why})
	return errProtocol
}

// send writes f and reports it.
func (bc *benchConn) send(f spdu.Frame) error { return bc.sendNoted(f, "") }

// sendNoted writes f and reports it with a line on why it was sent.
func (bc *benchConn) sendNoted(f spdu.Frame, note string) error {
	raw, err := spdu.AppendFrame(nil, &f)
	if err != nil {
		return err
	}
	if _, err := bc.c.Write(raw); err != nil {
		bc.emit(BenchEvent{Kind: BenchFailed, Err: err, Note: "the write failed"})
		return errStop
	}
	bc.emit(BenchEvent{Kind: BenchFrameOut, Frame: f, Name: nameOf(f).String(), Raw: raw, Note: note})
	return nil
}

// sendText writes plain text, as a program without a session layer does.
func (bc *benchConn) sendText(text string) error {
	if _, err := bc.c.Write([]byte(text)); err != nil {
		bc.emit(BenchEvent{Kind: BenchFailed, Err: err, Note: "the write failed"})
		return errStop
	}
	bc.emit(BenchEvent{Kind: BenchTextOut, Name: "text", Raw: []byte(text)})
	return nil
}

// awaitRelease is timer TIM on the bench: after an RF, an AB or a DN it
// sent, the bench waits for the peer to release the transport
// connection (its FIN), reading and reporting anything else that comes,
// and closes when it has, or when TIM runs out.
func (bc *benchConn) awaitRelease() {
	deadline := time.Now().Add(bc.b.cfg.tim())
	for !bc.peerClosed && !bc.closed {
		_ = bc.c.SetReadDeadline(deadline)
		n, err := bc.c.Read(bc.buf)
		if n > 0 {
			bc.emit(BenchEvent{Kind: BenchTextIn, Name: "after the end", Raw: append([]byte(nil), bc.buf[:n]...),
				Note: "octets after the session ended: not read as frames"})
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			bc.emit(BenchEvent{Kind: BenchTimedOut, Note: fmt.Sprintf("timer TIM ran out: the peer did not release the connection within %v, so the bench does", bc.b.cfg.tim())})
			return
		}
		if err != nil {
			_ = bc.readFailed(err)
			return
		}
	}
}

// protocolError answers a peer that broke the session protocol, as an
// SPM does: AB with "protocol error", then a wait (TIM) for the peer to
// release the transport connection. Before the session (no CN read or
// sent), a broken TPKT or TPDU gets class 0's ER instead.
func (bc *benchConn) protocolError(session bool, peerRef uint16) {
	if bc.peerClosed || bc.closed {
		return
	}
	ans := abortFrame(spdu.ProtocolErrorBit)
	if !session {
		ans = spdu.Frame{TPDU: spdu.TPDU{Code: spdu.CodeER, Dst: peerRef, Reason: 2}}
	}
	if bc.send(ans) == nil {
		bc.awaitRelease()
	}
}

// close closes the socket once, and reports whether the bench closed
// first.
func (bc *benchConn) close() {
	if bc.closed {
		return
	}
	bc.closed = true
	err := bc.c.Close()
	bc.emit(BenchEvent{Kind: BenchClosed, First: !bc.peerClosed, Err: err})
}
