package spdu

import "testing"

// BenchmarkDataFrame encodes and decodes the frame a data packet travels
// in: TPKT, COTP DT, and the TSDU GT+DT with its user data.
func BenchmarkDataFrame(b *testing.B) {
	f := NewFrame(SPDU{Kind: GT}, SPDU{Kind: DT, Info: []byte("data packet 3")})
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		raw, err := AppendFrame(buf[:0], &f)
		if err != nil {
			b.Fatal(err)
		}
		var back Frame
		if _, err := back.Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeDataFrame is the encoding alone.
func BenchmarkEncodeDataFrame(b *testing.B) {
	f := NewFrame(SPDU{Kind: GT}, SPDU{Kind: DT, Info: []byte("data packet 3")})
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := AppendFrame(buf[:0], &f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConnectFrame encodes and decodes the largest frame SessionLab
// sends, the CN.
func BenchmarkConnectFrame(b *testing.B) {
	f := vectors[4].frame // CN
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		raw, err := AppendFrame(buf[:0], &f)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := DecodeFrame(raw); err != nil {
			b.Fatal(err)
		}
	}
}
