package spdu

import "testing"

// BenchmarkEncodeDecode measures one DT frame encoded into a reused buffer
// and decoded again: the per-frame cost the engine pays on each side.
func BenchmarkEncodeDecode(b *testing.B) {
	f := Frame{Kind: DT, Seq: 3, Data: []byte("data packet 3")}.With(PSeq, PUserData)
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		out, err := Append(buf[:0], &f)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Decode(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeDecodeCN is the largest frame SessionLab sends.
func BenchmarkEncodeDecodeCN(b *testing.B) {
	f := cn()
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		out, err := Append(buf[:0], &f)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Decode(out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	f := Frame{Kind: MIP, Serial: 2}.With(PSerial)
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Append(buf[:0], &f); err != nil {
			b.Fatal(err)
		}
	}
}
