package spdu

import (
	"encoding/binary"
	"io"
	"math/bits"
)

// Append encodes f and appends it to dst. It refuses a frame that could not
// be decoded again: an unknown kind, a missing or disallowed parameter, or a
// value out of range.
func Append(dst []byte, f *Frame) ([]byte, error) {
	if err := f.check(); err != nil {
		return dst, err
	}
	n := f.EncodedLen()
	start := len(dst)
	dst = grow(dst, n)
	b := dst[start:]
	b[0] = byte(f.Kind)
	binary.BigEndian.PutUint16(b[1:], uint16(n-HeaderLen))
	i := HeaderLen
	for has := f.Has; has != 0; has &= has - 1 {
		p := encodeOrder[bits.TrailingZeros16(uint16(has))]
		size := f.valueLen(p)
		b[i], b[i+1] = byte(p), byte(size)
		i += 2
		v := b[i : i+size]
		switch p {
		case PSessionID:
			binary.BigEndian.PutUint64(v, f.SessionID)
		case PDisconnect:
			v[0] = byte(f.Disconnect)
		case PRequirements:
			binary.BigEndian.PutUint16(v, uint16(f.Units))
		case PVersion:
			v[0] = f.Version
		case PInitialSerial:
			binary.BigEndian.PutUint32(v, f.InitialSerial)
		case PResync:
			v[0] = byte(f.Resync)
		case PSerial:
			binary.BigEndian.PutUint32(v, f.Serial)
		case PReason:
			v[0] = byte(f.Reason)
		case PSeq:
			binary.BigEndian.PutUint32(v, f.Seq)
		case PUserData:
			copy(v, f.Data)
		}
		i += size
	}
	return dst, nil
}

func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), len(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

// check applies the rules Decode enforces, so that Append never writes what
// Decode would reject.
func (f *Frame) check() error {
	if !f.Kind.Valid() {
		return errorf(ErrUnknownKind, byte(f.Kind), 0, "cannot encode kind %d", f.Kind)
	}
	r := rules[f.Kind]
	if extra := f.Has &^ r.allowed; extra != 0 {
		return errorf(ErrBadParam, byte(f.Kind), 0, "%v does not carry %v", f.Kind, firstParam(extra))
	}
	if missing := r.required &^ f.Has; missing != 0 {
		return errorf(ErrBadParam, byte(f.Kind), 0, "%v needs %v", f.Kind, firstParam(missing))
	}
	if f.Has.Has(PUserData) && len(f.Data) > MaxUserData {
		return errorf(ErrBadParam, byte(f.Kind), 0, "user data is %d bytes, at most %d", len(f.Data), MaxUserData)
	}
	if !f.Has.Has(PUserData) && len(f.Data) > 0 {
		return errorf(ErrBadParam, byte(f.Kind), 0, "user data set but %v not in Has", PUserData)
	}
	return f.checkValues(0)
}

// checkValues validates parameter values; off is reported in errors.
func (f *Frame) checkValues(off int) error {
	if f.Has.Has(PSerial) && f.Serial > MaxSerial {
		return errorf(ErrBadParam, byte(f.Kind), off, "serial number %d above %d", f.Serial, MaxSerial)
	}
	if f.Has.Has(PInitialSerial) && f.InitialSerial > MaxSerial {
		return errorf(ErrBadParam, byte(f.Kind), off, "initial serial number %d above %d", f.InitialSerial, MaxSerial)
	}
	if f.Has.Has(PResync) && f.Resync > SetTo {
		return errorf(ErrBadParam, byte(f.Kind), off, "resync type %d unknown", f.Resync)
	}
	if f.Has.Has(PVersion) && f.Version == 0 {
		return errorf(ErrBadParam, byte(f.Kind), off, "version 0")
	}
	return nil
}

func firstParam(s Set) Param {
	for _, p := range encodeOrder {
		if s.Has(p) {
			return p
		}
	}
	return 0
}

// FrameLen reports the length of the frame at the start of b, reading only
// its header. It returns ErrTruncated when b holds less than a header,
// ErrUnknownKind or ErrOversized when the header is bad. The frame itself may
// still be incomplete: compare the result with len(b).
func FrameLen(b []byte) (int, error) {
	if len(b) < HeaderLen {
		return 0, errorf(ErrTruncated, 0, len(b), "%d of %d header bytes", len(b), HeaderLen)
	}
	if !Kind(b[0]).Valid() {
		return 0, errorf(ErrUnknownKind, b[0], 0, "identifier %d", b[0])
	}
	n := int(binary.BigEndian.Uint16(b[1:]))
	if n > MaxPayload {
		return 0, errorf(ErrOversized, b[0], 1, "length %d, at most %d", n, MaxPayload)
	}
	return HeaderLen + n, nil
}

// Decode parses the frame at the start of b and returns it with its length
// in bytes. User data is copied, so b may be reused. A short b gives
// ErrTruncated; everything else malformed gives ErrUnknownKind, ErrOversized
// or ErrBadParam.
func Decode(b []byte) (Frame, int, error) {
	var f Frame
	n, err := FrameLen(b)
	if err != nil {
		return f, 0, err
	}
	if len(b) < n {
		return f, 0, errorf(ErrTruncated, b[0], len(b), "%d of %d bytes", len(b), n)
	}
	f.Kind = Kind(b[0])
	if err := f.parseParams(b[HeaderLen:n]); err != nil {
		return Frame{}, 0, err
	}
	return f, n, nil
}

func (f *Frame) parseParams(b []byte) error {
	si := byte(f.Kind)
	allowed := rules[f.Kind].allowed
	for i := 0; i < len(b); {
		off := HeaderLen + i
		if len(b)-i < 2 {
			return errorf(ErrBadParam, si, off, "parameter header cut short")
		}
		p, size := Param(b[i]), int(b[i+1])
		i += 2
		info := params[p]
		switch {
		case info.bit == 0:
			return errorf(ErrBadParam, si, off, "unknown parameter %d", p)
		case allowed&info.bit == 0:
			return errorf(ErrBadParam, si, off, "%v does not carry %v", f.Kind, p)
		case f.Has&info.bit != 0:
			return errorf(ErrBadParam, si, off, "%v given twice", p)
		case info.size >= 0 && size != info.size:
			return errorf(ErrBadParam, si, off, "%v is %d bytes, want %d", p, size, info.size)
		case size > len(b)-i:
			return errorf(ErrBadParam, si, off, "%v says %d bytes, %d left", p, size, len(b)-i)
		}
		v := b[i : i+size]
		i += size
		f.Has |= info.bit
		switch p {
		case PSessionID:
			f.SessionID = binary.BigEndian.Uint64(v)
		case PDisconnect:
			f.Disconnect = Disconnect(v[0])
		case PRequirements:
			f.Units = Units(binary.BigEndian.Uint16(v))
		case PVersion:
			f.Version = v[0]
		case PInitialSerial:
			f.InitialSerial = binary.BigEndian.Uint32(v)
		case PResync:
			f.Resync = ResyncType(v[0])
		case PSerial:
			f.Serial = binary.BigEndian.Uint32(v)
		case PReason:
			f.Reason = Reason(v[0])
		case PSeq:
			f.Seq = binary.BigEndian.Uint32(v)
		case PUserData:
			f.Data = append([]byte{}, v...)
		}
	}
	if missing := rules[f.Kind].required &^ f.Has; missing != 0 {
		return errorf(ErrBadParam, si, HeaderLen+len(b), "%v needs %v", f.Kind, firstParam(missing))
	}
	return f.checkValues(HeaderLen)
}

// Reader reads frames from a byte stream with io.ReadFull, so it does not
// matter how the stream's bytes were split into reads.
type Reader struct {
	r   io.Reader
	buf [HeaderLen + MaxPayload]byte
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// ReadFrame reads the next frame. It returns io.EOF when the stream ends
// cleanly between frames, and ErrTruncated
// when it ends inside one. raw is the frame's bytes, valid until the next
// call.
func (r *Reader) ReadFrame() (f Frame, raw []byte, err error) {
	if _, err := io.ReadFull(r.r, r.buf[:HeaderLen]); err != nil {
		return f, nil, r.streamErr(err, 0)
	}
	n, err := FrameLen(r.buf[:HeaderLen])
	if err != nil {
		return f, nil, err
	}
	if _, err := io.ReadFull(r.r, r.buf[HeaderLen:n]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return f, nil, r.streamErr(err, HeaderLen)
	}
	f, _, err = Decode(r.buf[:n])
	return f, r.buf[:n], err
}

func (r *Reader) streamErr(err error, off int) error {
	if err == io.ErrUnexpectedEOF {
		return &Error{Err: ErrTruncated, SI: r.buf[0], Offset: off, Detail: "stream ended inside a frame: " + err.Error()}
	}
	return err
}
