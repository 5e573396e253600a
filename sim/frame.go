package sim

import (
	"fmt"
	"strconv"
	"strings"

	"sessionlab/sim/spdu"
)

// Label names a frame as the ladder, the log and --fault show it: the
// TPDU for a frame without SPDUs ("CR", "CC"), else its SPDUs joined with
// "+" and the number that identifies it: a data packet's number (from its
// user data), a sync point's serial number ("GT+DT 3", "GT+MIP 1",
// "CN"). It is the one place a frame gets its name.
func Label(f spdu.Frame) string {
	l := f.Kinds()
	if n, ok := number(f); ok {
		l += " " + n
	}
	return l
}

// ShortLabel is Label without the GT that only carries a category 2 SPDU
// ("DT 3", "MIP 1"): what the wire draws and --fault takes.
func ShortLabel(f spdu.Frame) string {
	return strings.TrimPrefix(Label(f), "GT+")
}

// number is what tells one frame of a kind from another: a data
// packet's number or a serial number.
func number(f spdu.Frame) (string, bool) {
	s, ok := f.Main()
	switch {
	case !ok:
		return "", false
	case s.Kind == spdu.DT:
		if n, ok := PacketOf(s.Info); ok {
			return strconv.Itoa(int(n)), true
		}
		return "", false
	case s.Has.Has(spdu.PSerial) && s.Kind != spdu.AR:
		return strconv.Itoa(int(s.Serial)), true
	}
	return "", false
}

// The user data of data packet n. A packet's identity is its data, as
// the application wrote it: the session protocol numbers sync points,
// not data.
func packetData(n uint32) []byte { return fmt.Appendf(nil, "data packet %d", n) }

// PacketOf reads a data packet's number from its user data.
func PacketOf(info []byte) (uint32, bool) {
	s, ok := strings.CutPrefix(string(info), "data packet ")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

// gt is the GIVE TOKENS that carries a category 2 SPDU: it gives no
// token, and is there because X.225 puts every category 2 SPDU after a
// category 0 one in its TSDU.
var gt = spdu.SPDU{Kind: spdu.GT}

// cat2 returns the frame carrying s, after a GT when its category asks
// for one.
func cat2(s spdu.SPDU) spdu.Frame {
	if s.Kind.Category() == spdu.Category2 {
		return spdu.NewFrame(gt, s)
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
