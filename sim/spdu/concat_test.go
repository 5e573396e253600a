package spdu

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestConcatenationPairs: X.225 6.3.7's basic concatenation, both ways.
// Every category 2 SPDU encodes and decodes after the category 0 SPDU the
// standard puts before it (PT before MIA, MAA, RA, AEA; GT before DT,
// MIP, MAP, RS, AS, AR, AE), and after the other one it is refused, when
// writing and when reading, with a reason that names the right leader.
func TestConcatenationPairs(t *testing.T) {
	wantPT := map[Kind]bool{MIA: true, MAA: true, RA: true, AEA: true}
	for _, k := range Kinds() {
		if k.Category() != Category2 {
			if k.Leader() != 0 {
				t.Errorf("%v (category %d) has a leader %v", k, k.Category(), k.Leader())
			}
			continue
		}
		right, wrong := GT, PT
		if wantPT[k] {
			right, wrong = PT, GT
		}
		if k.Leader() != right {
			t.Errorf("%v leads %v, want %v", k.Leader(), k, right)
		}
		s := minimal(k)
		good := NewFrame(SPDU{Kind: right}, s)
		raw, err := AppendFrame(nil, &good)
		if err != nil {
			t.Errorf("%v+%v: %v", right, k, err)
			continue
		}
		if raw[7] != right.SI() {
			t.Errorf("%v+%v starts its TSDU with SI %d", right, k, raw[7])
		}
		if _, _, err := DecodeFrame(raw); err != nil {
			t.Errorf("decode %v+%v: %v", right, k, err)
		}

		bad := NewFrame(SPDU{Kind: wrong}, s)
		if _, err := AppendFrame(nil, &bad); !errors.Is(err, ErrConcat) {
			t.Errorf("encode %v+%v: %v, want ErrConcat", wrong, k, err)
		}
		// The same octets with the other leader's SI.
		flipped := bytes.Clone(raw)
		flipped[7] = wrong.SI()
		_, _, err = DecodeFrame(flipped)
		want := k.String() + " must follow a " + right.Name()
		if k == AEA {
			want = "MAA must follow a PLEASE TOKENS" // SI 42 reads as MAA
		}
		if !errors.Is(err, ErrConcat) || !strings.Contains(err.Error(), want) {
			t.Errorf("decode %v+%v: %v, want %q", wrong, k, err, want)
		}

		alone := NewFrame(s)
		if _, err := AppendFrame(nil, &alone); !errors.Is(err, ErrConcat) || !strings.Contains(err.Error(), right.Name()) {
			t.Errorf("%v alone: %v", k, err)
		}
	}
}

// minimal is an SPDU of kind k with only its required parameters.
func minimal(k Kind) SPDU {
	s := SPDU{Kind: k}
	for _, u := range kinds[k].units {
		for _, p := range u.params {
			if kinds[k].required.Has(p) {
				s.Has |= SetOf(p)
			}
		}
	}
	switch {
	case k == MAP:
		s.SyncType = SyncActivityGoesOn
	case s.Has.Has(PActivity):
		s.Activity = []byte("A")
	}
	if s.Has.Has(POldActivity) {
		s.OldActivity = []byte("A")
	}
	return s
}
