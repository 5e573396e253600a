package spdu

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary octets to DecodeFrame and the stream Reader.
// Neither may panic; every error must be one of the package's classes.
// Whatever decodes must encode, decode again to an equal frame, and encode
// again to the very same octets (decoding takes parameters in any order;
// encoding writes them in the table's order, so the input itself need
// not come back). The seeds are every vector (so every SPDU and TPDU
// kind), the corpus of the earlier format in testdata, and broken TPKTs
// and TPDUs.
func FuzzDecode(f *testing.F) {
	for _, v := range vectors {
		f.Add(unhex(f, v.hex))
	}
	for _, broken := range []string{
		"04 00 00 07 02 f0 80",                      // TPKT version 4
		"03 01 00 07 02 f0 80",                      // reserved octet not 0
		"03 00 00 06 02 f0",                         // TPKT length below 7
		"03 00 ff ff 02 f0 80 0a 00",                // TPKT length over the limit
		"03 00 00 09 02 50 80 0a 00",                // a TPDU code class 0 has not
		"03 00 00 09 04 f0 80 0a 00",                // DT with LI 4
		"03 00 00 09 02 f0 00 0a 00",                // DT without EOT
		"03 00 00 0a 02 f0 80 08 ff 01",             // LI escape cut short
		"03 00 00 0b 02 f0 80 08 ff 00 05",          // LI escape that says more than there is
		"03 00 00 09 02 f0 80 31 00",                // MIP without its GT
		"03 00 00 0d 02 f0 80 01 00 01 00 01 00",    // three SPDUs
		"03 00 00 0e 09 e0 00 00 12 34 00 c0 02 0b", // CR with a bad parameter length
		"03 00 00 0e 02 f0 80 01 00 32 03 2a 01 31", // GT+MIA: an acknowledgement after a GIVE TOKENS
		"03 00 00 0e 02 f0 80 02 00 01 00 64 61 74", // PT+DT: data after a PLEASE TOKENS
		"03 00 00 0e 02 f0 80 02 00 32 03 2a 01 78", // PT+MIA with a serial number that is no digit
		// What the lab bench met: text, a reserved octet, an LI past the
		// TSDU, a CN a student got one octet wrong.
		"48 65 6c 6c 6f 0a",                         // "Hello\n"
		"03 07 00 00 de ad",                         // TPKT reserved octet 7
		"03 00 00 0e 02 f0 80 01 00 31 09 2a 01 31", // MIP whose LI says 9
		"03 00 00 19 02 f0 80 0d 10 05 09 13 01 00 16 01 02 17 01 31 14 02 00 0a", // CN with LI 16 for 15
	} {
		f.Add(unhex(f, broken))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, n, err := DecodeFrame(b)
		if err != nil {
			if !isClass(err) {
				t.Fatalf("DecodeFrame: unclassified error %v", err)
			}
		} else {
			if n > len(b) || n < MinTPKT {
				t.Fatalf("n = %d for %d octets", n, len(b))
			}
			again, err := AppendFrame(nil, &fr)
			if err != nil {
				t.Fatalf("decoded %+v but cannot encode it: %v", fr, err)
			}
			back, _, err := DecodeFrame(again)
			if err != nil || !reflect.DeepEqual(normal(back), normal(fr)) {
				t.Fatalf("re-decode of %+v: %+v, %v", fr, back, err)
			}
			if twice, err := AppendFrame(nil, &back); err != nil || !bytes.Equal(twice, again) {
				t.Fatalf("encoding is not stable: % x, then % x (%v)", again, twice, err)
			}
		}
		// The stream reader must agree with DecodeFrame on the first frame.
		sf, _, serr := NewReader(bytes.NewReader(b)).ReadFrame()
		if (err == nil) != (serr == nil) || (err == nil && !reflect.DeepEqual(normal(sf), normal(fr))) {
			t.Fatalf("Reader and DecodeFrame disagree: %v / %v", serr, err)
		}
	})
}
