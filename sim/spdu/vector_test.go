package spdu

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// vector is a frame and its encoding, written out by hand from the
// standards' tables: RFC 1006 for the TPKT, ISO 8073 13 for the TPDU,
// ISO 8327 8.3 (clause and table as kind.go cites them) for the SPDUs.
type vector struct {
	name  string
	frame Frame
	hex   string // spaces between octets, for reading
}

// dt is the TPKT and class 0 DT header for a TSDU of n octets:
// 03 00 LEN(2) | 02 F0 80.
func dtHeader(n int) string {
	l := 4 + 3 + n
	return fmt.Sprintf("03 00 %02x %02x 02 f0 80 ", l>>8, l&0xff)
}

// gt and pt are the empty category 0 SPDUs that lead a category 2 one
// (X.225 6.3.7): GT before a request, PT before an acknowledgement.
var gt, pt = SPDU{Kind: GT}, SPDU{Kind: PT}

var vectors = []vector{
	// ISO 8073 13.3: CR, LI 9: E0, DST-REF 0000, SRC-REF 1234, class 0,
	// TPDU size (C0) 2048 (code 0B). RFC 1006: TPKT of 14 octets.
	{"CR", Frame{TPDU: TPDU{Code: CodeCR, Src: 0x1234, Size: 0x0b}},
		"03 00 00 0e 09 e0 00 00 12 34 00 c0 01 0b"},
	// ISO 8073 13.4: CC answers with DST-REF 1234 and its own SRC-REF 5678.
	{"CC", Frame{TPDU: TPDU{Code: CodeCC, Dst: 0x1234, Src: 0x5678, Size: 0x0b}},
		"03 00 00 0e 09 d0 12 34 56 78 00 c0 01 0b"},
	// ISO 8073 13.5: DR, LI 6: 80, DST-REF, SRC-REF, reason 0.
	{"DR", Frame{TPDU: TPDU{Code: CodeDR, Dst: 0x1234, Src: 0x5678}},
		"03 00 00 0b 06 80 12 34 56 78 00"},
	// ISO 8073 13.12: ER, LI 4: 70, DST-REF, reject cause 2 (invalid TPDU type).
	{"ER", Frame{TPDU: TPDU{Code: CodeER, Dst: 0x1234, Reason: 2}},
		"03 00 00 09 04 70 12 34 02"},
	// 8.3.1, Table 11: CN (SI 13), LI 35. PGI 1 Connection Identifier (8):
	// PI 10 Calling SS-user Reference "C1", PI 11 Common Reference "T0".
	// PGI 5 Connect/Accept Item (12): PI 19 Protocol Options 00, PI 22
	// Version Number 02 (version 2), PI 23 Initial Serial Number "1", PI 26
	// Token Setting Item 00 (every token at the initiator). PI 20 Session
	// User Requirements 00FA. PGI 193 User Data "Hello".
	{"CN", NewFrame(SPDU{Kind: CN, CallingRef: []byte("C1"), CommonRef: []byte("T0"), Versions: Version2,
		InitialSerial: 1, Units: Duplex | MinorSync | MajorSync | Resynchronize | Activities | NegotiatedRelease,
		UserData: []byte("Hello")}.With(PCallingRef, PCommonRef, POptions, PVersion, PInitialSerial, PTokenSetting, PRequirements, PUserData)),
		dtHeader(37) + "0d 23 01 08 0a 02 43 31 0b 02 54 30 05 0c 13 01 00 16 01 02 17 01 31 1a 01 00 14 02 00 fa c1 05 48 65 6c 6c 6f"},
	// 8.3.2, Table 12: AC (SI 14), LI 29: Connection Identifier with PI 9
	// Called SS-user Reference "S1" and the Common Reference; the
	// Connect/Accept Item; Session User Requirements; User Data "Hi".
	{"AC", NewFrame(SPDU{Kind: AC, CalledRef: []byte("S1"), CommonRef: []byte("T0"), Versions: Version2,
		InitialSerial: 1, Units: Duplex | MinorSync | MajorSync | Resynchronize | Activities | NegotiatedRelease,
		UserData: []byte("Hi")}.With(PCalledRef, PCommonRef, POptions, PVersion, PInitialSerial, PRequirements, PUserData)),
		dtHeader(31) + "0e 1d 01 08 09 02 53 31 0b 02 54 30 05 09 13 01 00 16 01 02 17 01 31 14 02 00 fa c1 02 48 69"},
	// 8.3.3, Table 13: RF (SI 12), LI 15: Connection Identifier (PI 9 "S1"),
	// PI 17 Transport Disconnect 01 (release it), PI 22 Version Number 02
	// (what the refuser speaks), PI 50 Reason Code 132 (versions not
	// supported).
	{"RF", NewFrame(SPDU{Kind: RF, CalledRef: []byte("S1"), Disconnect: ReleaseTransport, Versions: Version2,
		Reason: ReasonVersionUnsupported}.With(PCalledRef, PDisconnect, PVersion, PReason)),
		dtHeader(17) + "0c 0f 01 04 09 02 53 31 11 01 01 16 01 02 32 01 84"},
	// 8.3.4, Table 14: FN (SI 9) with Transport Disconnect 01.
	{"FN", NewFrame(SPDU{Kind: FN, Disconnect: ReleaseTransport}.With(PDisconnect)), dtHeader(5) + "09 03 11 01 01"},
	// 8.3.5, Table 15: DN (SI 10), no parameters.
	{"DN", NewFrame(SPDU{Kind: DN}), dtHeader(2) + "0a 00"},
	// 8.3.6, Table 16: NF (SI 8) with User Data "later".
	{"NF", NewFrame(SPDU{Kind: NF, UserData: []byte("later")}.With(PUserData)), dtHeader(9) + "08 07 c1 05 6c 61 74 65 72"},
	// 8.3.7, Table 17: AB (SI 25), Transport Disconnect 03 (release it;
	// user abort).
	{"AB", NewFrame(SPDU{Kind: AB, Disconnect: ReleaseTransport | UserAbort}.With(PDisconnect)), dtHeader(5) + "19 03 11 01 03"},
	// 8.3.14, Table 23 then 8.3.9, Table 18: GT (SI 1, no parameters)
	// then DT (SI 1, no parameters) and the user information field.
	{"GT+DT", NewFrame(gt, SPDU{Kind: DT, Info: []byte("data packet 3")}),
		dtHeader(17) + "01 00 01 00 64 61 74 61 20 70 61 63 6b 65 74 20 33"},
	// 8.3.18, Table 25: MIP (SI 49), PI 15 Sync Type Item 00 (confirm
	// explicitly), PI 42 Serial Number "1" (IA5).
	{"GT+MIP", NewFrame(gt, SPDU{Kind: MIP, SyncType: SyncConfirm, Serial: 1}.With(PSyncType, PSerial)),
		dtHeader(10) + "01 00 31 06 0f 01 00 2a 01 31"},
	// 8.3.15, Table 24: PT (SI 2, no parameters), then 8.3.19, Table 26:
	// MIA (SI 50), Serial Number "1". An acknowledgement follows a PLEASE
	// TOKENS (X.225 6.3.7), as ISODE writes it: 02 00 32 03 2a 01 31.
	{"PT+MIA", NewFrame(pt, SPDU{Kind: MIA, Serial: 1}.With(PSerial)), dtHeader(7) + "02 00 32 03 2a 01 31"},
	// 8.3.15, Table 24: a PT standing alone asks for tokens: Token Item
	// (PI 16) 01, the data token.
	{"PT", NewFrame(SPDU{Kind: PT, Tokens: 0x01}.With(PTokenItem)), dtHeader(5) + "02 03 10 01 01"},
	// 8.3.20, Table 27: MAP (SI 41), Sync Type Item 01 (the activity goes
	// on: not an AE), Serial Number "3".
	{"GT+MAP", NewFrame(gt, SPDU{Kind: MAP, SyncType: SyncActivityGoesOn, Serial: 3}.With(PSyncType, PSerial)),
		dtHeader(10) + "01 00 29 06 0f 01 01 2a 01 33"},
	// 8.3.21, Table 28: MAA (SI 42), Serial Number "3".
	{"PT+MAA", NewFrame(pt, SPDU{Kind: MAA, Serial: 3}.With(PSerial)), dtHeader(7) + "02 00 2a 03 2a 01 33"},
	// 8.3.22, Table 29: RS (SI 53), PI 27 Resync Type 00 (restart), Serial
	// Number "2".
	{"GT+RS", NewFrame(gt, SPDU{Kind: RS, Resync: Restart, Serial: 2}.With(PResync, PSerial)),
		dtHeader(10) + "01 00 35 06 1b 01 00 2a 01 32"},
	// 8.3.23, Table 30: RA (SI 34), Serial Number "2".
	{"PT+RA", NewFrame(pt, SPDU{Kind: RA, Serial: 2}.With(PSerial)), dtHeader(7) + "02 00 22 03 2a 01 32"},
	// 8.3.27, Table 34: AS (SI 45), PI 41 Activity Identifier "ACT-1".
	{"GT+AS", NewFrame(gt, SPDU{Kind: AS, Activity: []byte("ACT-1")}.With(PActivity)),
		dtHeader(11) + "01 00 2d 07 29 05 41 43 54 2d 31"},
	// 8.3.28, Table 35: AR (SI 29), LI 31. PGI 33 Linking Information (22):
	// PI 9 Called SS-user Reference "S1", PI 10 Calling SS-user Reference
	// "C1", PI 11 Common Reference "T0" (the old session connection), PI
	// 41 the Old Activity Identifier "ACT-1", PI 42 the Serial Number "1"
	// to resume from. Then PI 41, the New Activity Identifier "ACT-2".
	{"GT+AR", NewFrame(gt, SPDU{Kind: AR, CalledRef: []byte("S1"), CallingRef: []byte("C1"), CommonRef: []byte("T0"),
		OldActivity: []byte("ACT-1"), Serial: 1, Activity: []byte("ACT-2")}.
		With(PCalledRef, PCallingRef, PCommonRef, POldActivity, PSerial, PActivity)),
		dtHeader(35) + "01 00 1d 1f 21 16 09 02 53 31 0a 02 43 31 0b 02 54 30 29 05 41 43 54 2d 31 2a 01 31 29 05 41 43 54 2d 32"},
	// 8.3.33, Table 38: AE (SI 41 without the Sync Type Item that makes a
	// MAP), Serial Number "3".
	{"GT+AE", NewFrame(gt, SPDU{Kind: AE, Serial: 3}.With(PSerial)), dtHeader(7) + "01 00 29 03 2a 01 33"},
	// X.225 8.2.5: a length of 255 or more is FF and two octets. NF with
	// 300 octets of User Data: the PGI's LI is FF 01 2C, the SPDU's (304)
	// FF 01 30.
	{"LI escape", NewFrame(SPDU{Kind: NF, UserData: bytes.Repeat([]byte("x"), 300)}.With(PUserData)),
		dtHeader(308) + "08 ff 01 30 c1 ff 01 2c " + strings.Repeat("78 ", 300)},
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVectors encodes each vector's frame and compares the octets, then
// decodes the octets and compares the frame.
func TestVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			want := unhex(t, v.hex)
			got, err := AppendFrame(nil, &v.frame)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("encode:\n got % x\nwant % x", got, want)
			}
			back, n, err := DecodeFrame(want)
			if err != nil || n != len(want) {
				t.Fatalf("decode: %v (%d of %d octets)", err, n, len(want))
			}
			if !reflect.DeepEqual(normal(back), normal(v.frame)) {
				t.Fatalf("decode:\n got %+v\nwant %+v", back, v.frame)
			}
		})
	}
	// An AEA goes out as SI 42, as an MAA does: only the session's state
	// tells them apart, so it decodes as MAA.
	aea := NewFrame(pt, SPDU{Kind: AEA, Serial: 3}.With(PSerial))
	got, err := AppendFrame(nil, &aea)
	if err != nil || !bytes.Equal(got, unhex(t, dtHeader(7)+"02 00 2a 03 2a 01 33")) {
		t.Fatalf("AEA: % x, %v", got, err)
	}
	if back, _, _ := DecodeFrame(got); back.SPDUs[1].Kind != MAA {
		t.Fatalf("SI 42 decoded as %v", back.SPDUs[1].Kind)
	}
}

// normal makes nil and empty byte slices alike, for comparing frames.
func normal(f Frame) Frame {
	for i := range f.N {
		s := &f.SPDUs[i]
		for _, b := range []*[]byte{&s.CalledRef, &s.CallingRef, &s.CommonRef, &s.AdditionalRef, &s.Activity, &s.OldActivity, &s.UserData, &s.Info} {
			if len(*b) == 0 {
				*b = nil
			}
		}
		if s.Kind == AEA {
			s.Kind = MAA
		}
	}
	for _, b := range []*[]byte{&f.TPDU.CallingTSAP, &f.TPDU.CalledTSAP} {
		if len(*b) == 0 {
			*b = nil
		}
	}
	return f
}

// TestEveryKindHasAVector: the vectors reach every SPDU and TPDU kind.
func TestEveryKindHasAVector(t *testing.T) {
	seen := map[Kind]bool{AEA: true} // checked on its own above
	codes := map[TPDUCode]bool{}
	for _, v := range vectors {
		codes[v.frame.TPDU.Code] = true
		for _, s := range v.frame.TSDU() {
			seen[s.Kind] = true
		}
	}
	for _, k := range Kinds() {
		if !seen[k] {
			t.Errorf("no vector for %v", k)
		}
	}
	for _, c := range []TPDUCode{CodeCR, CodeCC, CodeDR, CodeDT, CodeER} {
		if !codes[c] {
			t.Errorf("no vector for %v", c)
		}
	}
}
