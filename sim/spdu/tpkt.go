package spdu

import (
	"encoding/binary"
	"strconv"
)

// RFC 1006 carries the ISO transport service over TCP: every TPDU of ISO
// 8073 class 0 travels in a TPKT of version 3, a reserved octet, and a
// 16-bit length that counts the 4-octet header too.
const (
	TPKTVersion   = 3
	TPKTHeaderLen = 4
	// MinTPKT is the shortest TPKT RFC 1006 allows: the header and a
	// three-octet TPDU.
	MinTPKT = 7
	// MaxTPDU is the largest TPDU class 0 allows (2048 octets), and the
	// TPDU size SessionLab proposes.
	MaxTPDU = 2048
	// MaxTPKT is the longest TPKT SessionLab accepts: a header and the
	// largest class 0 TPDU. A peer that announces more is refused rather
	// than read into memory.
	MaxTPKT = TPKTHeaderLen + MaxTPDU
)

// TPDUCode is a TPDU's type code (ISO 8073 13.1; X.224).
type TPDUCode byte

// The TPDUs of class 0.
const (
	CodeCR TPDUCode = 0xE0 // CONNECTION REQUEST
	CodeCC TPDUCode = 0xD0 // CONNECTION CONFIRM
	CodeDR TPDUCode = 0x80 // DISCONNECT REQUEST
	CodeDT TPDUCode = 0xF0 // DATA
	CodeER TPDUCode = 0x70 // TPDU ERROR
)

// String returns the TPDU's abbreviation ("CR").
func (c TPDUCode) String() string {
	switch c {
	case CodeCR:
		return "CR"
	case CodeCC:
		return "CC"
	case CodeDR:
		return "DR"
	case CodeDT:
		return "DT"
	case CodeER:
		return "ER"
	}
	return "TPDU(0x" + strconv.FormatUint(uint64(c), 16) + ")"
}

// Name returns the TPDU's name ("CONNECTION REQUEST").
func (c TPDUCode) Name() string {
	switch c {
	case CodeCR:
		return "CONNECTION REQUEST"
	case CodeCC:
		return "CONNECTION CONFIRM"
	case CodeDR:
		return "DISCONNECT REQUEST"
	case CodeDT:
		return "DATA"
	case CodeER:
		return "TPDU ERROR"
	}
	return "unknown TPDU"
}

// Parameter codes of CR and CC (ISO 8073 13.3.4).
const (
	paramTPDUSize    = 0xC0
	paramCallingTSAP = 0xC1
	paramCalledTSAP  = 0xC2
)

// TPDU is one transport protocol data unit of class 0.
type TPDU struct {
	Code TPDUCode
	// Dst and Src are the transport connection references: CR carries
	// only the caller's Src (Dst is 0); CC answers with both; DR both; ER
	// Dst.
	Dst, Src uint16
	// Class is CR's and CC's class and options octet: 0x00 is class 0.
	Class byte
	// Size is the TPDU size parameter as its code (7 for 128 octets up to
	// 11 for 2048); 0 when absent.
	Size byte
	// CallingTSAP and CalledTSAP are transport selectors; none when empty.
	CallingTSAP, CalledTSAP []byte
	// Reason is DR's reason, or ER's reject cause.
	Reason byte
	// EOT marks a DT that ends its TSDU. SessionLab's TSDUs always fit one.
	EOT bool
}

// SizeCode returns the TPDU size parameter for n octets (a power of two
// from 128 to 8192).
func SizeCode(n int) byte {
	c := byte(7)
	for s := 128; s < n && c < 13; s *= 2 {
		c++
	}
	return c
}

// SizeOf returns the octets a TPDU size code stands for.
func SizeOf(code byte) int { return 1 << code }

// headerLen returns the TPDU's length indicator value: the header's
// length without the LI octet itself.
func (t *TPDU) headerLen() int {
	switch t.Code {
	case CodeDT:
		return 2
	case CodeER:
		return 4
	case CodeDR:
		return 6
	}
	n := 6
	if t.Size != 0 {
		n += 3
	}
	if len(t.CallingTSAP) > 0 {
		n += 2 + len(t.CallingTSAP)
	}
	if len(t.CalledTSAP) > 0 {
		n += 2 + len(t.CalledTSAP)
	}
	return n
}

func (t *TPDU) check() error {
	switch t.Code {
	case CodeCR, CodeCC:
		if t.Size != 0 && (t.Size < 7 || t.Size > 13) {
			return errorf(ErrTPDU, 0, "TPDU size code %d not from 7 to 13", t.Size)
		}
		if len(t.CallingTSAP) > 32 || len(t.CalledTSAP) > 32 {
			return errorf(ErrTPDU, 0, "a TSAP selector longer than 32 octets")
		}
	case CodeDT, CodeDR, CodeER:
	default:
		return errorf(ErrTPDU, 0, "TPDU code 0x%02x is not one of class 0", byte(t.Code))
	}
	return nil
}

// appendTPDU writes the TPDU's header (LI onwards; DT's data is written
// by the caller).
func (t *TPDU) appendTPDU(b []byte) []byte {
	b = append(b, byte(t.headerLen()), byte(t.Code))
	switch t.Code {
	case CodeDT:
		nr := byte(0)
		if t.EOT {
			nr = 0x80
		}
		return append(b, nr)
	case CodeER:
		b = binary.BigEndian.AppendUint16(b, t.Dst)
		return append(b, t.Reason)
	case CodeDR:
		b = binary.BigEndian.AppendUint16(b, t.Dst)
		b = binary.BigEndian.AppendUint16(b, t.Src)
		return append(b, t.Reason)
	}
	b = binary.BigEndian.AppendUint16(b, t.Dst)
	b = binary.BigEndian.AppendUint16(b, t.Src)
	b = append(b, t.Class)
	if t.Size != 0 {
		b = append(b, paramTPDUSize, 1, t.Size)
	}
	if len(t.CallingTSAP) > 0 {
		b = append(append(b, paramCallingTSAP, byte(len(t.CallingTSAP))), t.CallingTSAP...)
	}
	if len(t.CalledTSAP) > 0 {
		b = append(append(b, paramCalledTSAP, byte(len(t.CalledTSAP))), t.CalledTSAP...)
	}
	return b
}

// TPKTLen reports the length of the TPKT at the start of b, from its
// header alone: ErrTruncated when b holds less than a header, ErrTPKT
// when the header is not one RFC 1006 allows or SessionLab accepts. The
// TPKT itself may still be incomplete: compare the result with len(b).
func TPKTLen(b []byte) (int, error) {
	// The first octet is enough to tell a peer that speaks no RFC 1006.
	if len(b) > 0 && b[0] != TPKTVersion {
		head := b[:min(len(b), TPKTHeaderLen)]
		if looksLikeText(head) {
			return 0, errorf(ErrTPKT, 0, "TPKT version must be 3, got 0x%02x (%q): this looks like text; is the peer speaking the session protocol (RFC 1006)?", b[0], head)
		}
		return 0, errorf(ErrTPKT, 0, "TPKT version must be 3 (RFC 1006), got 0x%02x", b[0])
	}
	if len(b) < TPKTHeaderLen {
		return 0, errorf(ErrTruncated, len(b), "%d of %d TPKT header octets", len(b), TPKTHeaderLen)
	}
	if b[1] != 0 {
		return 0, errorf(ErrTPKT, 1, "TPKT reserved octet is %d, want 0", b[1])
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	switch {
	case n < MinTPKT:
		return 0, errorf(ErrTPKT, 2, "TPKT length %d, at least %d", n, MinTPKT)
	case n > MaxTPKT:
		return 0, errorf(ErrTPKT, 2, "TPKT length %d, at most %d", n, MaxTPKT)
	}
	return n, nil
}

// decode reads the TPDU in b (a whole TPKT's body) into t and returns the
// offset in b where its data starts.
func (t *TPDU) decode(b []byte) (int, error) {
	li := int(b[0])
	if li+1 > len(b) || li < 2 {
		return 0, errorf(ErrTPDU, TPKTHeaderLen, "length indicator %d in a TPDU of %d octets", li, len(b))
	}
	t.Code = TPDUCode(b[1])
	h := b[2 : li+1]
	at := func(i int) int { return TPKTHeaderLen + 2 + i }
	switch t.Code {
	case CodeDT:
		if li != 2 {
			return 0, errorf(ErrTPDU, at(0), "class 0 DT has length indicator 2, not %d", li)
		}
		if h[0]&0x7F != 0 {
			return 0, errorf(ErrTPDU, at(0), "class 0 DT numbers no TPDUs (0x%02x)", h[0])
		}
		t.EOT = h[0]&0x80 != 0
	case CodeER:
		if li < 4 {
			return 0, errorf(ErrTPDU, at(0), "ER too short")
		}
		t.Dst, t.Reason = binary.BigEndian.Uint16(h), h[2]
	case CodeDR:
		if li < 6 {
			return 0, errorf(ErrTPDU, at(0), "DR too short")
		}
		t.Dst, t.Src, t.Reason = binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:]), h[4]
	case CodeCR, CodeCC:
		if li < 6 {
			return 0, errorf(ErrTPDU, at(0), "%v too short", t.Code)
		}
		t.Dst, t.Src, t.Class = binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:]), h[4]
		if err := t.decodeParams(h[5:], at(5)); err != nil {
			return 0, err
		}
	default:
		return 0, errorf(ErrTPDU, TPKTHeaderLen+1, "TPDU code 0x%02x is not one of class 0", b[1])
	}
	return li + 1, nil
}

// decodeParams reads CR's or CC's parameters; off is where p starts in
// the frame, for errors.
func (t *TPDU) decodeParams(p []byte, off int) error {
	for i := 0; i < len(p); {
		if len(p)-i < 2 || int(p[i+1]) > len(p)-i-2 {
			return errorf(ErrTPDU, off+i, "a parameter cut short")
		}
		code, v := p[i], p[i+2:i+2+int(p[i+1])]
		switch code {
		case paramTPDUSize:
			if len(v) != 1 || v[0] < 7 || v[0] > 13 {
				return errorf(ErrTPDU, off+i, "bad TPDU size parameter")
			}
			t.Size = v[0]
		case paramCallingTSAP:
			t.CallingTSAP = append([]byte{}, v...)
		case paramCalledTSAP:
			t.CalledTSAP = append([]byte{}, v...)
		}
		// Other parameters (a checksum, preferred sizes) class 0 ignores.
		i += 2 + len(v)
	}
	return nil
}

// looksLikeText reports whether b is printable ASCII or line ends: what
// a program that writes text (a greeting, an HTTP request) sends first.
func looksLikeText(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\n' && c != '\r' && c != '\t' {
			return false
		}
	}
	return true
}
