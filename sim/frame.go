package sim

import (
	"fmt"
	"strconv"
	"strings"

	"sessionlab/sim/spdu"
)

// FrameName names a frame as the log, the wire, the ladder and --fault
// show it: its SPDUs joined with "+" (its TPDU for a frame without SPDUs:
// "CR"), and the number that tells it from others of its kind: a data
// packet's number as the sending application numbered it, or a sync
// point's serial number ("GT+DT 3", "GT+MIP 1", "CN"). The engine gives
// every frame sent and read its name; nothing reads it back from the
// bytes.
type FrameName struct {
	Kinds    string
	Number   uint32
	Numbered bool
}

// String is the name with every SPDU: "GT+DT 3".
func (n FrameName) String() string {
	if n.Numbered {
		return n.Kinds + " " + strconv.FormatUint(uint64(n.Number), 10)
	}
	return n.Kinds
}

// Short is the name without the category 0 SPDU (GT or PT) that only
// leads a category 2 one ("DT 3", "MIA 1"): what the wire draws and
// --fault takes.
func (n FrameName) Short() string {
	s := n.String()
	if lead, rest, ok := strings.Cut(s, "+"); ok && (lead == "GT" || lead == "PT") {
		return rest
	}
	return s
}

// nameOf names a frame from its protocol fields: the serial number of a
// sync point is one. A data packet's number is not: its sender names it
// (dataName).
func nameOf(f spdu.Frame) FrameName {
	n := FrameName{Kinds: f.Kinds()}
	if s, ok := f.Main(); ok && s.Kind != spdu.DT && s.Kind != spdu.AR && s.Has.Has(spdu.PSerial) {
		n.Number, n.Numbered = s.Serial, true
	}
	return n
}

// dataName is the name of data packet n.
func dataName(n uint32) FrameName { return FrameName{Kinds: "GT+DT", Number: n, Numbered: true} }

// The user data of data packet n. A packet's identity is its data, as
// the application wrote it: the session protocol numbers sync points,
// not data.
func packetData(n uint32) []byte { return fmt.Appendf(nil, "data packet %d", n) }

// packetOf is how the receiving application numbers the data it holds:
// by reading the data, as any application would.
func packetOf(info []byte) (uint32, bool) {
	s, ok := strings.CutPrefix(string(info), "data packet ")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

// cat2 returns the frame carrying s, after the category 0 SPDU X.225
// puts before it (6.3.7) when it is of category 2: a GIVE TOKENS before a
// request (DT, MIP, MAP, RS, AR, AE), a PLEASE TOKENS before an
// acknowledgement (MIA, MAA, RA, AEA). Either one is empty: it gives or
// asks for no token, and is there only because a category 2 SPDU never
// travels alone.
func cat2(s spdu.SPDU) spdu.Frame {
	if lead := s.Kind.Leader(); lead != 0 {
		return spdu.NewFrame(spdu.SPDU{Kind: lead}, s)
	}
	return spdu.NewFrame(s)
}

// dataFrame is data packet n: GT then DT.
func dataFrame(n uint32) spdu.Frame { return cat2(spdu.SPDU{Kind: spdu.DT, Info: packetData(n)}) }

// withSerial is a sync SPDU of kind with serial number sn.
func withSerial(kind spdu.Kind, sn uint32) spdu.Frame {
	s := spdu.SPDU{Kind: kind, Serial: sn}.With(spdu.PSerial)
	switch kind {
	case spdu.MIP:
		s = s.With(spdu.PSyncType) // 0: confirm explicitly; here every point asks
	case spdu.MAP:
		s.SyncType = spdu.SyncActivityGoesOn
		s = s.With(spdu.PSyncType)
	}
	return cat2(s)
}

// main returns the frame's SPDU that says what it is for (zero for CR or
// CC).
func mainOf(f spdu.Frame) spdu.SPDU {
	s, _ := f.Main()
	return s
}
