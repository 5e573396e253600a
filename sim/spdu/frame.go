package spdu

import (
	"encoding/binary"
	"io"
	"strings"
)

// Frame is one TPKT as SessionLab writes and reads it: a class 0 TPDU
// and, for a DT TPDU, the TSDU it carries, as at most two SPDUs. Basic
// concatenation (X.225 6.3.7) allows no more: a category 1 SPDU travels
// alone, and a category 2 SPDU always follows a category 0 one: a GT, or
// a PT before an acknowledgement (Kind.Leader).
type Frame struct {
	TPDU  TPDU
	SPDUs [2]SPDU
	N     int // how many of SPDUs the TSDU holds; 0 for CR, CC, DR, ER
}

// NewFrame returns the DT frame carrying spdus as one TSDU.
func NewFrame(spdus ...SPDU) Frame {
	f := Frame{TPDU: TPDU{Code: CodeDT, EOT: true}, N: len(spdus)}
	copy(f.SPDUs[:], spdus)
	return f
}

// TSDU returns the SPDUs the frame carries, in order.
func (f *Frame) TSDU() []SPDU { return f.SPDUs[:f.N] }

// Main returns the SPDU that says what the frame is for: the last one
// (DT after its GT). ok is false for a frame with no SPDU.
func (f *Frame) Main() (SPDU, bool) {
	if f.N == 0 {
		return SPDU{}, false
	}
	return f.SPDUs[f.N-1], true
}

// Kinds names the frame's content: the TPDU for a frame without SPDUs
// ("CR"), else its SPDUs joined with "+" ("GT+DT").
func (f *Frame) Kinds() string {
	if f.N == 0 {
		return f.TPDU.Code.String()
	}
	var b strings.Builder
	for i, s := range f.TSDU() {
		if i > 0 {
			b.WriteByte('+')
		}
		b.WriteString(s.Kind.String())
	}
	return b.String()
}

// checkTSDU applies basic concatenation's rules.
func (f *Frame) checkTSDU() error {
	switch {
	case f.N < 0 || f.N > 2:
		return errorf(ErrConcat, 0, "%d SPDUs in one TSDU", f.N)
	case f.N == 0:
		return nil
	case f.N == 1 && f.SPDUs[0].Kind.Category() == Category2:
		k := f.SPDUs[0].Kind
		return errorf(ErrConcat, 0, "%v must follow a %v in the same TSDU (X.225 6.3.7)", k, k.Leader().Name())
	case f.N == 2 && (f.SPDUs[0].Kind.Category() != Category0 || f.SPDUs[1].Kind.Category() != Category2):
		return errorf(ErrConcat, 0, "%v then %v: only a category 0 SPDU may lead, and only category 2 follow", f.SPDUs[0].Kind, f.SPDUs[1].Kind)
	case f.N == 2 && f.SPDUs[0].Kind != f.SPDUs[1].Kind.Leader():
		k := f.SPDUs[1].Kind
		return errorf(ErrConcat, 0, "%v must follow a %v in the same TSDU, not a %v (X.225 6.3.7)", k, k.Leader().Name(), f.SPDUs[0].Kind.Name())
	}
	return nil
}

// Len returns the frame's length in octets, TPKT header included.
func (f *Frame) Len() int {
	n := TPKTHeaderLen + 1 + f.TPDU.headerLen()
	for i := range f.N {
		n += f.SPDUs[i].Len()
	}
	return n
}

// AppendFrame encodes f and appends it to dst. It refuses a frame that
// would not decode to itself: an unknown TPDU or SPDU, SPDUs against the
// concatenation rules, a missing or disallowed parameter, a value out of
// range, or a frame longer than one class 0 TPDU.
func AppendFrame(dst []byte, f *Frame) ([]byte, error) {
	if err := f.TPDU.check(); err != nil {
		return dst, err
	}
	if f.TPDU.Code != CodeDT && f.N > 0 {
		return dst, errorf(ErrConcat, 0, "a %v TPDU carries no SPDU", f.TPDU.Code)
	}
	if err := f.checkTSDU(); err != nil {
		return dst, err
	}
	for i := range f.N {
		if err := f.SPDUs[i].check(); err != nil {
			return dst, err
		}
	}
	n := f.Len()
	if n > MaxTPKT {
		return dst, errorf(ErrTPKT, 0, "a frame of %d octets, at most %d", n, MaxTPKT)
	}
	dst = binary.BigEndian.AppendUint16(append(dst, TPKTVersion, 0), uint16(n))
	dst = f.TPDU.appendTPDU(dst)
	for i := range f.N {
		dst = f.SPDUs[i].appendTo(dst)
	}
	return dst, nil
}

// DecodeFrame decodes the TPKT at the start of b and returns it with its
// length. User data is copied, so b may be reused. A short b gives
// ErrTruncated; everything else malformed gives one of the other classes.
// An SI 42 decodes as MAA: only the session's state tells an AEA.
func DecodeFrame(b []byte) (Frame, int, error) {
	var f Frame
	n, err := f.Decode(b)
	if err != nil {
		return Frame{}, 0, err
	}
	return f, n, nil
}

// Decode is DecodeFrame into f, which must be zero; it saves copying a
// frame where speed counts.
func (f *Frame) Decode(b []byte) (int, error) {
	n, err := TPKTLen(b)
	if err != nil {
		return 0, err
	}
	if len(b) < n {
		return 0, errorf(ErrTruncated, len(b), "%d of %d octets", len(b), n)
	}
	h, err := f.TPDU.decode(b[TPKTHeaderLen:n])
	if err != nil {
		return 0, err
	}
	if f.TPDU.Code != CodeDT {
		return n, nil // user data on CR, CC or DR is allowed and not used
	}
	if !f.TPDU.EOT {
		return 0, errorf(ErrTPDU, TPKTHeaderLen+2, "a DT without EOT: SessionLab does not reassemble TSDUs")
	}
	if err := f.decodeTSDU(b[TPKTHeaderLen+h:n], TPKTHeaderLen+h); err != nil {
		return 0, err
	}
	return n, nil
}

// decodeTSDU reads the SPDUs of a TSDU; off is where it starts.
func (f *Frame) decodeTSDU(b []byte, off int) error {
	if len(b) == 0 {
		return errorf(ErrConcat, off, "a DT TPDU with an empty TSDU")
	}
	// A TSDU led by SI 1 or 2 (GT, PT) begins with a category 0 SPDU;
	// what follows it is of category 2.
	category := Category1
	if b[0] == GT.SI() || b[0] == PT.SI() {
		category = Category0
	}
	for i := 0; i < len(b); {
		if f.N == 2 {
			return errorf(ErrConcat, off+i, "more than two SPDUs in one TSDU")
		}
		n, err := f.SPDUs[f.N].decode(b[i:], category, off+i)
		if err != nil {
			return err
		}
		f.N++
		i += n
		category = Category2
	}
	return f.checkTSDU()
}

// Reader reads frames from a byte stream with io.ReadFull, so it does not
// matter how the stream's octets were split into reads.
type Reader struct {
	r   io.Reader
	buf [MaxTPKT]byte
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// ReadFrame reads the next frame. It returns io.EOF when the stream ends
// cleanly between frames, and ErrTruncated when it ends inside one. raw
// is the frame's octets, valid until the next call.
func (r *Reader) ReadFrame() (f Frame, raw []byte, err error) {
	if _, err := io.ReadFull(r.r, r.buf[:TPKTHeaderLen]); err != nil {
		return f, nil, r.streamErr(err, 0)
	}
	n, err := TPKTLen(r.buf[:TPKTHeaderLen])
	if err != nil {
		return f, nil, err
	}
	if _, err := io.ReadFull(r.r, r.buf[TPKTHeaderLen:n]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return f, nil, r.streamErr(err, TPKTHeaderLen)
	}
	f, _, err = DecodeFrame(r.buf[:n])
	return f, r.buf[:n], err
}

func (r *Reader) streamErr(err error, off int) error {
	if err == io.ErrUnexpectedEOF {
		return errorf(ErrTruncated, off, "stream ended inside a frame")
	}
	return err
}
