package spdu

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

func cn() Frame {
	return Frame{Kind: CN, SessionID: 0x1122334455667788, Version: 2,
		Units: Duplex | MinorSync | MajorSync, InitialSerial: 1, Data: []byte("Hello from the client!")}.
		With(PSessionID, PVersion, PRequirements, PInitialSerial, PUserData)
}

func mustAppend(t testing.TB, f Frame) []byte {
	t.Helper()
	b, err := Append(nil, &f)
	if err != nil {
		t.Fatalf("Append(%v): %v", f.Kind, err)
	}
	return b
}

func TestEncodeLayout(t *testing.T) {
	f := Frame{Kind: DT, Seq: 3}.With(PSeq)
	got := mustAppend(t, f)
	want := []byte{1, 0, 6, 0xE0, 4, 0, 0, 0, 3}
	if !bytes.Equal(got, want) {
		t.Fatalf("DT 3 = % x, want % x", got, want)
	}
	if f.EncodedLen() != len(want) {
		t.Fatalf("EncodedLen = %d, want %d", f.EncodedLen(), len(want))
	}
}

func TestDecodeErrors(t *testing.T) {
	dt := mustAppend(t, Frame{Kind: DT, Seq: 1}.With(PSeq))
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"half header", []byte{1, 0}, ErrTruncated},
		{"unknown SI", []byte{99, 0, 0}, ErrUnknownKind},
		{"SI zero", []byte{0, 0, 0}, ErrUnknownKind},
		{"oversized", []byte{1, 0xFF, 0xFF}, ErrOversized},
		{"short payload", dt[:len(dt)-1], ErrTruncated},
		{"DT without seq", []byte{1, 0, 0}, ErrBadParam},
		{"unknown PI", []byte{1, 0, 2, 0x77, 0}, ErrBadParam},
		{"PI not allowed", []byte{1, 0, 8, 0xE0, 4, 0, 0, 0, 1, 50, 0}, ErrBadParam},
		{"wrong fixed size", []byte{1, 0, 5, 0xE0, 3, 0, 0, 1}, ErrBadParam},
		{"value past end", []byte{1, 0, 3, 0xE0, 4, 0}, ErrBadParam},
		{"lone PI byte", []byte{1, 0, 7, 0xE0, 4, 0, 0, 0, 1, 193}, ErrBadParam},
		{"duplicate PI", []byte{1, 0, 12, 0xE0, 4, 0, 0, 0, 1, 0xE0, 4, 0, 0, 0, 2}, ErrBadParam},
		{"serial out of range", []byte{49, 0, 6, 42, 4, 0, 0x0F, 0x42, 0x40}, ErrBadParam},
		{"bad resync type", []byte{53, 0, 9, 27, 1, 9, 42, 4, 0, 0, 0, 1}, ErrBadParam},
		{"version zero", append([]byte{13, 0, 17, 10, 8, 0, 0, 0, 0, 0, 0, 0, 1, 20, 2, 0, 2}, 22, 1, 0), ErrBadParam},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "version zero" {
				tt.in[2] = byte(len(tt.in) - HeaderLen)
			}
			_, n, err := Decode(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode(% x) = %v, want %v", tt.in, err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Error() == "" {
				t.Fatalf("error %v is not a *Error", err)
			}
			if n != 0 {
				t.Fatalf("n = %d on error", n)
			}
		})
	}
}

func TestAppendRefusesWhatDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		f    Frame
	}{
		{"unknown kind", Frame{Kind: 99}},
		{"missing seq", Frame{Kind: DT}},
		{"param not allowed", Frame{Kind: DT, Seq: 1, Reason: 1}.With(PSeq, PReason)},
		{"serial too big", Frame{Kind: MIP, Serial: MaxSerial + 1}.With(PSerial)},
		{"data without flag", Frame{Kind: DT, Seq: 1, Data: []byte("x")}.With(PSeq)},
		{"data too long", Frame{Kind: DT, Seq: 1, Data: make([]byte, MaxUserData+1)}.With(PSeq, PUserData)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("keep")
			got, err := Append(dst, &tt.f)
			if err == nil {
				t.Fatalf("Append accepted %+v", tt.f)
			}
			if string(got) != "keep" {
				t.Fatalf("Append changed dst on error: %q", got)
			}
		})
	}
}

// chunkReader returns its data in reads of the given sizes, cycling.
type chunkReader struct {
	data  []byte
	sizes []int
	i     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(c.sizes[c.i%len(c.sizes)], len(p), len(c.data))
	c.i++
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

func TestReaderSplitsAndJoins(t *testing.T) {
	frames := []Frame{cn(), Frame{Kind: DT, Seq: 0}.With(PSeq), Frame{Kind: MIP, Serial: 1}.With(PSerial)}
	var stream []byte
	for _, f := range frames {
		stream = append(stream, mustAppend(t, f)...)
	}
	readers := map[string]io.Reader{
		"one read":      bytes.NewReader(stream),
		"byte by byte":  iotest.OneByteReader(bytes.NewReader(stream)),
		"odd chunks":    &chunkReader{data: stream, sizes: []int{5, 1, 17, 2}},
		"two in a read": &chunkReader{data: stream, sizes: []int{len(stream)}},
	}
	for name, r := range readers {
		t.Run(name, func(t *testing.T) {
			fr := NewReader(r)
			for i, want := range frames {
				got, raw, err := fr.ReadFrame()
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				if !equal(got, want) {
					t.Fatalf("frame %d = %+v, want %+v", i, got, want)
				}
				if !bytes.Equal(raw, mustAppend(t, want)) {
					t.Fatalf("frame %d raw = % x", i, raw)
				}
			}
			if _, _, err := fr.ReadFrame(); err != io.EOF {
				t.Fatalf("after last frame: %v, want io.EOF", err)
			}
		})
	}
}

func TestReaderTruncatedStream(t *testing.T) {
	b := mustAppend(t, cn())
	for cut := 1; cut < len(b); cut++ {
		_, _, err := NewReader(bytes.NewReader(b[:cut])).ReadFrame()
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: %v, want ErrTruncated", cut, err)
		}
	}
}

func TestReaderStopsOnOversizedHeader(t *testing.T) {
	_, _, err := NewReader(bytes.NewReader([]byte{1, 0x40, 0})).ReadFrame()
	if !errors.Is(err, ErrOversized) {
		t.Fatalf("got %v, want ErrOversized", err)
	}
}

func equal(a, b Frame) bool {
	return a.Kind == b.Kind && a.Has == b.Has && a.SessionID == b.SessionID &&
		a.Disconnect == b.Disconnect && a.Units == b.Units && a.Version == b.Version &&
		a.InitialSerial == b.InitialSerial && a.Resync == b.Resync && a.Serial == b.Serial &&
		a.Reason == b.Reason && a.Seq == b.Seq && bytes.Equal(a.Data, b.Data)
}

// randomFrame builds a valid frame of a random kind with random values for
// every parameter the kind allows, each optional one present at random.
func randomFrame(r *rand.Rand) Frame {
	ks := Kinds()
	f := Frame{Kind: ks[r.IntN(len(ks))]}
	rl := rules[f.Kind]
	for _, p := range encodeOrder {
		if !rl.allowed.Has(p) || (!rl.required.Has(p) && r.IntN(2) == 0) {
			continue
		}
		f.Has |= SetOf(p)
		switch p {
		case PSessionID:
			f.SessionID = r.Uint64()
		case PDisconnect:
			f.Disconnect = Disconnect(r.UintN(256))
		case PRequirements:
			f.Units = Units(r.UintN(1 << 16))
		case PVersion:
			f.Version = uint8(1 + r.UintN(255))
		case PInitialSerial:
			f.InitialSerial = r.Uint32N(MaxSerial + 1)
		case PResync:
			f.Resync = ResyncType(r.UintN(3))
		case PSerial:
			f.Serial = r.Uint32N(MaxSerial + 1)
		case PReason:
			f.Reason = Reason(r.UintN(256))
		case PSeq:
			f.Seq = r.Uint32()
		case PUserData:
			f.Data = make([]byte, r.IntN(MaxUserData+1))
			for i := range f.Data {
				f.Data[i] = byte(r.UintN(256))
			}
		}
	}
	return f
}

func TestRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var stream []byte
	var frames []Frame
	for i := 0; i < 5000; i++ {
		f := randomFrame(r)
		b, err := Append(nil, &f)
		if err != nil {
			t.Fatalf("Append(%+v): %v", f, err)
		}
		if len(b) != f.EncodedLen() {
			t.Fatalf("len %d, EncodedLen %d", len(b), f.EncodedLen())
		}
		got, n, err := Decode(b)
		if err != nil || n != len(b) || !equal(got, f) {
			t.Fatalf("round trip of %+v: got %+v, n=%d, err=%v", f, got, n, err)
		}
		if i < 300 {
			stream, frames = append(stream, b...), append(frames, f)
		}
	}
	// The same frames back to back, read in random-sized pieces.
	sizes := make([]int, 64)
	for i := range sizes {
		sizes[i] = 1 + r.IntN(40)
	}
	fr := NewReader(&chunkReader{data: stream, sizes: sizes})
	for i, want := range frames {
		got, _, err := fr.ReadFrame()
		if err != nil || !equal(got, want) {
			t.Fatalf("stream frame %d: %+v, %v", i, got, err)
		}
	}
}

func TestStrings(t *testing.T) {
	if CN.String() != "CN" || CN.Name() != "connect" || Kind(99).String() != "SI(99)" {
		t.Fatalf("kind names: %v %v %v", CN, CN.Name(), Kind(99))
	}
	if got := (Duplex | MinorSync | NegotiatedRelease).String(); got != "Duplex+Minor sync+Negotiated release" {
		t.Fatalf("units = %q", got)
	}
	if got := Units(0).String(); got != "Kernel" {
		t.Fatalf("no units = %q", got)
	}
	if got := Units(0x8000 | 2).String(); got != "Duplex+0x8000" {
		t.Fatalf("unknown unit bits = %q", got)
	}
	if len(Kinds()) != 14 {
		t.Fatalf("Kinds() = %v", Kinds())
	}
}

func TestDescribe(t *testing.T) {
	raw := mustAppend(t, Frame{Kind: DT, Seq: 2, Data: []byte("data packet 2")}.With(PSeq, PUserData))
	fields, err := Describe(raw)
	if err != nil {
		t.Fatal(err)
	}
	var joined []byte
	var names []string
	for _, f := range fields {
		if f.Offset != len(joined) {
			t.Fatalf("%s at offset %d, want %d", f.Name, f.Offset, len(joined))
		}
		joined = append(joined, f.Bytes...)
		names = append(names, f.Name+"="+f.Value)
	}
	if !bytes.Equal(joined, raw) {
		t.Fatalf("fields cover % x, frame is % x", joined, raw)
	}
	want := []string{"SI=1 = DT, data transfer", "length=21 bytes follow", "sequence number=2", `user data="data packet 2"`}
	if len(names) != len(want) {
		t.Fatalf("fields %q", names)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("field %d = %q, want %q", i, names[i], want[i])
		}
	}
	if _, err := Describe([]byte{99, 0, 0}); err == nil {
		t.Fatal("described garbage")
	}
}
