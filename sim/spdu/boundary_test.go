package spdu

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// The edges of what the codec takes: each test sits on a limit from both
// sides, so that moving the limit by one breaks it.

// TestTPKTLengthLimits: RFC 1006's shortest TPKT and SessionLab's longest
// are taken; one octet past either is refused as a TPKT error.
func TestTPKTLengthLimits(t *testing.T) {
	for _, tt := range []struct {
		n  int
		ok bool
	}{{MinTPKT - 1, false}, {MinTPKT, true}, {MaxTPKT, true}, {MaxTPKT + 1, false}} {
		n, err := TPKTLen([]byte{3, 0, byte(tt.n >> 8), byte(tt.n)})
		switch {
		case tt.ok && (err != nil || n != tt.n):
			t.Errorf("TPKT length %d: %d, %v; want it taken", tt.n, n, err)
		case !tt.ok && !errors.Is(err, ErrTPKT):
			t.Errorf("TPKT length %d: %v, want a TPKT error", tt.n, err)
		}
	}
}

// TestTSAPParameterCodes: ISO 8073 13.3.4 codes the Calling TSAP C1 and
// the Called TSAP C2; a CR with both encodes to those octets and decodes
// back to the selectors.
func TestTSAPParameterCodes(t *testing.T) {
	cr := Frame{TPDU: TPDU{Code: CodeCR, Src: 0x1234, CallingTSAP: []byte{0, 1}, CalledTSAP: []byte{0, 2}}}
	want := "03 00 00 13 0e e0 00 00 12 34 00 c1 02 00 01 c2 02 00 02"
	raw, err := AppendFrame(nil, &cr)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(raw); got != strings.ReplaceAll(want, " ", "") {
		t.Fatalf("encoded % x\nwant       %s", raw, want)
	}
	var back Frame
	if _, err := back.Decode(raw); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.TPDU.CallingTSAP, []byte{0, 1}) || !bytes.Equal(back.TPDU.CalledTSAP, []byte{0, 2}) {
		t.Fatalf("decoded calling %x called %x", back.TPDU.CallingTSAP, back.TPDU.CalledTSAP)
	}
}

// TestTPDULengthIndicatorLimit: the length indicator counts the TPDU
// header after itself, so it can be at most one less than the TPKT's
// body; one more is refused as a TPDU error, never read past the end.
func TestTPDULengthIndicatorLimit(t *testing.T) {
	// A CR body of 7 octets after the LI: LI 6 fits exactly, LI 7 does not.
	for _, tt := range []struct {
		li byte
		ok bool
	}{{6, true}, {7, false}, {0xff, false}} {
		raw := []byte{3, 0, 0, 11, tt.li, 0xe0, 0, 0, 0x12, 0x34, 0}
		var f Frame
		_, err := f.Decode(raw)
		switch {
		case tt.ok && err != nil:
			t.Errorf("LI %d: %v", tt.li, err)
		case !tt.ok && !errors.Is(err, ErrTPDU):
			t.Errorf("LI %d in a TPDU of %d octets: %v, want a TPDU error", tt.li, len(raw)-TPKTHeaderLen, err)
		}
	}
}

// TestSerialNumberDigits: X.225 serial numbers are at most six IA5
// digits (up to 999 999); seven are refused, leading zeros or not.
func TestSerialNumberDigits(t *testing.T) {
	for _, tt := range []struct {
		digits string
		ok     bool
	}{{"1", true}, {"999999", true}, {"000001", true}, {"1000000", false}, {"0000001", false}, {"", false}, {"12a", false}} {
		n, ok := parseSerial([]byte(tt.digits))
		if ok != tt.ok {
			t.Errorf("serial %q: %d, %v; want ok %v", tt.digits, n, ok, tt.ok)
		}
		// And in a frame: MIP (SI 49) with PI 42.
		body := append([]byte{0x31, byte(2 + len(tt.digits)), 0x2a, byte(len(tt.digits))}, tt.digits...)
		raw := append([]byte{3, 0, 0, byte(7 + 2 + len(body)), 2, 0xf0, 0x80, 1, 0}, body...)
		var f Frame
		_, err := f.Decode(raw)
		if (err == nil) != tt.ok {
			t.Errorf("GT+MIP with serial %q: %v, want ok %v", tt.digits, err, tt.ok)
		}
	}
	mip := NewFrame(SPDU{Kind: GT}, SPDU{Kind: MIP, Serial: MaxSerial + 1}.With(PSerial))
	if _, err := AppendFrame(nil, &mip); err == nil {
		t.Errorf("encoded serial %d", MaxSerial+1)
	}
}
