package spdu

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode and the stream Reader. Neither
// may panic; every error must be one of the package's classes. Whatever
// decodes must encode, decode again to an equal frame, and encode again to
// the very same bytes (Decode takes parameters in any order; Append writes
// them in one order, so the input itself need not come back). The seeds
// reach every kind of SPDU.
func FuzzDecode(f *testing.F) {
	seeded := map[Kind]bool{}
	for _, fr := range []Frame{
		cn(),
		{Kind: AC, SessionID: 7, Version: 2, Units: Duplex, Data: []byte("Welcome to the session!")},
		{Kind: RF, Reason: ReasonVersionUnsupported},
		{Kind: DT, Seq: 4, Data: []byte{0, 1, 2}},
		{Kind: MIP, Serial: 1}, {Kind: MIA, Serial: 2}, {Kind: MAP, Serial: 3}, {Kind: MAA, Serial: 3},
		{Kind: RS, Serial: 2, Resync: Restart}, {Kind: RA, Serial: 2},
		{Kind: FN, Disconnect: ReleaseTransport}, {Kind: DN}, {Kind: NF}, {Kind: AB, Disconnect: ReleaseTransport | UserAbort},
	} {
		fr.Has |= rules[fr.Kind].required
		if fr.Data != nil {
			fr.Has |= SetOf(PUserData)
		}
		if fr.Kind == RF || fr.Kind == AB {
			fr.Has |= SetOf(PReason, PDisconnect) & rules[fr.Kind].allowed
		}
		if fr.Kind == FN {
			fr.Has |= SetOf(PDisconnect)
		}
		f.Add(mustAppend(f, fr))
		seeded[fr.Kind] = true
	}
	for _, k := range Kinds() {
		if !seeded[k] {
			f.Fatalf("no seed for %v", k)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, n, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrUnknownKind) &&
				!errors.Is(err, ErrOversized) && !errors.Is(err, ErrBadParam) {
				t.Fatalf("Decode: unclassified error %v", err)
			}
		} else {
			again, err := Append(nil, &fr)
			if err != nil {
				t.Fatalf("decoded %+v but cannot encode it: %v", fr, err)
			}
			back, _, err := Decode(again)
			if err != nil || !equal(back, fr) {
				t.Fatalf("re-decode of %+v: %+v, %v", fr, back, err)
			}
			if twice, err := Append(nil, &back); err != nil || !bytes.Equal(twice, again) {
				t.Fatalf("encoding is not stable: % x, then % x (%v)", again, twice, err)
			}
			if n > len(b) || n < HeaderLen {
				t.Fatalf("n = %d for %d bytes", n, len(b))
			}
		}
		// The stream reader must agree with Decode on the first frame.
		sf, _, serr := NewReader(bytes.NewReader(b)).ReadFrame()
		if (err == nil) != (serr == nil) || (err == nil && !equal(sf, fr)) {
			t.Fatalf("Reader and Decode disagree: %v / %v", serr, err)
		}
	})
}
