package spdu

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"
)

// randomFrame builds a valid frame of a random kind with random values:
// every required parameter, each optional one half the time.
func randomFrame(r *rand.Rand) Frame {
	switch r.IntN(8) {
	case 0:
		return Frame{TPDU: TPDU{Code: CodeCR, Src: uint16(r.Uint32()), Size: byte(7 + r.IntN(7)), CalledTSAP: randomBytes(r, 0, 4)}}
	case 1:
		return Frame{TPDU: TPDU{Code: CodeCC, Dst: uint16(r.Uint32()), Src: uint16(r.Uint32()), Size: 0x0b}}
	case 2:
		return Frame{TPDU: TPDU{Code: CodeDR, Dst: uint16(r.Uint32()), Src: uint16(r.Uint32()), Reason: byte(r.Uint32())}}
	case 3:
		return Frame{TPDU: TPDU{Code: CodeER, Dst: uint16(r.Uint32()), Reason: byte(r.IntN(4))}}
	}
	ks := Kinds()
	k := ks[r.IntN(len(ks))]
	s := SPDU{Kind: k}
	for _, u := range kinds[k].units {
		for _, p := range u.params {
			if kinds[k].required.Has(p) || r.IntN(2) == 0 {
				s.randomValue(r, p)
			}
		}
	}
	if k == MAP {
		s.SyncType |= SyncActivityGoesOn
	}
	if k == DT {
		s.Info = randomBytes(r, 0, 300)
	}
	if lead := k.Leader(); lead != 0 {
		return NewFrame(SPDU{Kind: lead}, s)
	}
	return NewFrame(s)
}

func randomBytes(r *rand.Rand, min, max int) []byte {
	b := make([]byte, min+r.IntN(max-min+1))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func (s *SPDU) randomValue(r *rand.Rand, p Param) {
	info := params[p]
	s.Has |= SetOf(p)
	switch o := s.octets(p); {
	case p == PUserData:
		*o = randomBytes(r, 0, 400) // past 254: the LI escape
	case o != nil:
		*o = randomBytes(r, info.min, info.max)
	case p == PSerial:
		s.Serial = uint32(r.IntN(MaxSerial + 1))
	case p == PInitialSerial:
		s.InitialSerial = uint32(r.IntN(MaxSerial + 1))
	case p == PRequirements:
		s.Units = Units(r.Uint32())
	case p == PVersion:
		s.Versions = Versions(1 + r.IntN(255))
	case p == PResync:
		s.Resync = ResyncType(r.IntN(3))
	default:
		s.setByte(p, byte(r.Uint32()))
	}
}

// TestRoundTrip encodes 5,000 random frames, decodes each alone and all of
// them as one stream read in random chunks: every frame must come back
// equal, and encode again to the same octets.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var stream []byte
	var frames []Frame
	for range 5000 {
		f := randomFrame(r)
		raw, err := AppendFrame(nil, &f)
		if err != nil {
			t.Fatalf("encode %+v: %v", f, err)
		}
		back, n, err := DecodeFrame(raw)
		if err != nil || n != len(raw) {
			t.Fatalf("decode % x: %v", raw, err)
		}
		if !reflect.DeepEqual(normal(back), normal(f)) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", back, f)
		}
		again, err := AppendFrame(nil, &back)
		if err != nil || !bytes.Equal(again, raw) {
			t.Fatalf("encoding again: % x, %v", again, err)
		}
		stream = append(stream, raw...)
		frames = append(frames, f)
	}
	rd := NewReader(&chunked{b: stream, r: r})
	for i, want := range frames {
		got, _, err := rd.ReadFrame()
		if err != nil || !reflect.DeepEqual(normal(got), normal(want)) {
			t.Fatalf("frame %d from the stream: %+v, %v", i, got, err)
		}
	}
	if _, _, err := rd.ReadFrame(); err != io.EOF {
		t.Fatalf("after the last frame: %v", err)
	}
}

// chunked hands out its octets in reads of random sizes, as TCP may.
type chunked struct {
	b []byte
	r *rand.Rand
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.b), 1+c.r.IntN(40))
	copy(p, c.b[:n])
	c.b = c.b[n:]
	return n, nil
}

// TestRefusesWhatWouldNotDecode: the encoder never writes what the
// decoder would refuse.
func TestRefusesWhatWouldNotDecode(t *testing.T) {
	for name, f := range map[string]Frame{
		"DT alone":           NewFrame(SPDU{Kind: DT}),
		"GT then CN":         NewFrame(SPDU{Kind: GT}, SPDU{Kind: CN}.With(POptions, PVersion)),
		"CN without version": NewFrame(SPDU{Kind: CN}.With(POptions)),
		"MIP with a reason":  NewFrame(SPDU{Kind: GT}, SPDU{Kind: MIP, Serial: 1}.With(PSerial, PReason)),
		"serial too big":     NewFrame(SPDU{Kind: GT}, SPDU{Kind: MIA, Serial: MaxSerial + 1}.With(PSerial)),
		"MAP that ends":      NewFrame(SPDU{Kind: GT}, SPDU{Kind: MAP, Serial: 3}.With(PSyncType, PSerial)),
		"SPDU on a CR":       {TPDU: TPDU{Code: CodeCR}, N: 1, SPDUs: [2]SPDU{{Kind: DN}}},
		"long activity id":   NewFrame(SPDU{Kind: GT}, SPDU{Kind: AS, Activity: []byte("1234567")}.With(PActivity)),
		"too long for a TPDU": NewFrame(SPDU{Kind: GT},
			SPDU{Kind: DT, Info: make([]byte, MaxTPDU)}),
	} {
		if raw, err := AppendFrame(nil, &f); err == nil {
			t.Errorf("%s: encoded % x", name, raw)
		} else if !isClass(err) {
			t.Errorf("%s: unclassified error %v", name, err)
		}
	}
}

func isClass(err error) bool {
	for _, c := range []error{ErrTruncated, ErrTPKT, ErrTPDU, ErrUnknownKind, ErrConcat, ErrBadParam} {
		if errors.Is(err, c) {
			return true
		}
	}
	return false
}
