package spdu

import (
	"strconv"
	"strings"
)

// PGI codes: parameter groups (X.225 8.2; ISO 8327 Table 10).
const (
	PGIConnectionID  byte = 1   // Connection Identifier: CN, AC, RF
	PGIConnectAccept byte = 5   // Connect/Accept Item: CN, AC
	PGILinking       byte = 33  // Linking Information: AR
	PGIUserData      byte = 193 // User Data
)

// Param is one parameter of an SPDU. Inside a group its PI code may mean
// something else than alone (41 is the old activity inside Linking
// Information, the new one outside), so Params are the codec's own
// numbering; Code gives the PI code.
type Param uint8

// The parameters SessionLab uses.
const (
	PCalledRef     Param = iota // 9 Called SS-user Reference
	PCallingRef                 // 10 Calling SS-user Reference
	PCommonRef                  // 11 Common Reference
	PAdditionalRef              // 12 Additional Reference Information
	POptions                    // 19 Protocol Options
	PVersion                    // 22 Version Number
	PInitialSerial              // 23 Initial Serial Number
	PTokenSetting               // 26 Token Setting Item
	PTokenItem                  // 16 Token Item
	PSyncType                   // 15 Sync Type Item
	PDisconnect                 // 17 Transport Disconnect
	PRequirements               // 20 Session User Requirements
	PResync                     // 27 Resync Type
	PSerial                     // 42 Serial Number
	PReason                     // 50 Reason Code
	PActivity                   // 41 Activity Identifier (in AR: the new one)
	POldActivity                // 41 inside Linking Information: the activity resumed
	PUserData                   // 193 User Data (a PGI holding the octets themselves)
	numParams
)

// paramInfo is what the codec knows of a parameter: its PI code, its name,
// and how long its value may be.
type paramInfo struct {
	code     byte
	name     string
	min, max int
}

var params = [numParams]paramInfo{
	PCalledRef:     {9, "Called SS-user Reference", 1, 64},
	PCallingRef:    {10, "Calling SS-user Reference", 1, 64},
	PCommonRef:     {11, "Common Reference", 1, 64},
	PAdditionalRef: {12, "Additional Reference Information", 1, 4},
	POptions:       {19, "Protocol Options", 1, 1},
	PVersion:       {22, "Version Number", 1, 1},
	PInitialSerial: {23, "Initial Serial Number", 1, 6},
	PTokenSetting:  {26, "Token Setting Item", 1, 1},
	PTokenItem:     {16, "Token Item", 1, 1},
	PSyncType:      {15, "Sync Type Item", 1, 1},
	PDisconnect:    {17, "Transport Disconnect", 1, 1},
	PRequirements:  {20, "Session User Requirements", 2, 2},
	PResync:        {27, "Resync Type", 1, 1},
	PSerial:        {42, "Serial Number", 1, 6},
	PReason:        {50, "Reason Code", 1, 1},
	PActivity:      {41, "Activity Identifier", 1, 6},
	POldActivity:   {41, "Old Activity Identifier", 1, 6},
	PUserData:      {PGIUserData, "User Data", 0, MaxUserData},
}

// Code returns the parameter's PI code.
func (p Param) Code() byte { return params[p].code }

// String returns the parameter's name, as X.225 writes it.
func (p Param) String() string {
	if p >= numParams {
		return "PI?"
	}
	return params[p].name
}

// Set is a set of parameters, one bit each.
type Set uint32

// SetOf returns the set holding ps.
func SetOf(ps ...Param) Set {
	var s Set
	for _, p := range ps {
		s |= 1 << p
	}
	return s
}

// Has reports whether p is in s.
func (s Set) Has(p Param) bool { return s&(1<<p) != 0 }

// MaxSerial is the largest serial number X.225 allows (Table A-4).
const MaxSerial = 999_999

// MaxUserData is the longest User Data SessionLab puts in or takes from
// one SPDU (X.225 allows up to 10 240 octets with protocol version 2).
const MaxUserData = 10240

// appendSerial writes a serial number as X.225 encodes it: IA5 decimal
// digits, no leading zeros.
func appendSerial(dst []byte, n uint32) []byte { return strconv.AppendUint(dst, uint64(n), 10) }

func serialLen(n uint32) int {
	l := 1
	for n >= 10 {
		n /= 10
		l++
	}
	return l
}

// parseSerial reads IA5 decimal digits.
func parseSerial(v []byte) (uint32, bool) {
	if len(v) == 0 || len(v) > 6 {
		return 0, false
	}
	var n uint32
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint32(c-'0')
	}
	return n, n <= MaxSerial
}

// Units is a set of X.225 functional units, as the Session User
// Requirements bits (PI 20) encode them.
type Units uint16

// Functional units.
const (
	HalfDuplex        Units = 0x0001
	Duplex            Units = 0x0002
	Expedited         Units = 0x0004
	MinorSync         Units = 0x0008
	MajorSync         Units = 0x0010
	Resynchronize     Units = 0x0020
	Activities        Units = 0x0040
	NegotiatedRelease Units = 0x0080
	CapabilityData    Units = 0x0100
	Exceptions        Units = 0x0200
	TypedData         Units = 0x0400
	SymmetricSync     Units = 0x0800
)

var unitNames = []struct {
	u    Units
	name string
}{
	{HalfDuplex, "Half-duplex"}, {Duplex, "Duplex"}, {Expedited, "Expedited data"},
	{MinorSync, "Minor sync"}, {MajorSync, "Major sync"}, {Resynchronize, "Resynchronize"},
	{Activities, "Activity management"}, {NegotiatedRelease, "Negotiated release"},
	{CapabilityData, "Capability data"}, {Exceptions, "Exceptions"}, {TypedData, "Typed data"},
	{SymmetricSync, "Symmetric sync"},
}

// String lists the units by name, joined with "+" ("Kernel" for none: the
// kernel unit is always present and has no bit).
func (u Units) String() string {
	if u == 0 {
		return "Kernel"
	}
	var parts []string
	for _, n := range unitNames {
		if u&n.u != 0 {
			parts = append(parts, n.name)
		}
	}
	if rest := u &^ (SymmetricSync<<1 - 1); rest != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(uint64(rest), 16))
	}
	return strings.Join(parts, "+")
}

// Versions is the Version Number parameter: a bit mask of protocol
// versions, bit 1 for version 1 and bit 2 for version 2.
type Versions byte

// Protocol versions.
const (
	Version1 Versions = 0x01
	Version2 Versions = 0x02
)

// String lists the versions ("version 2", "versions 1 and 2").
func (v Versions) String() string {
	var vs []string
	for i := range 8 {
		if v&(1<<i) != 0 {
			vs = append(vs, strconv.Itoa(i+1))
		}
	}
	switch len(vs) {
	case 0:
		return "no version"
	case 1:
		return "version " + vs[0]
	}
	return "versions " + strings.Join(vs[:len(vs)-1], ", ") + " and " + vs[len(vs)-1]
}

// Reason is a reason code (PI 50) of RF.
type Reason uint8

// Reason codes (ISO 8327 8.3.3).
const (
	ReasonNone               Reason = 0
	ReasonCongestion         Reason = 1
	ReasonUser               Reason = 2
	ReasonSelectorUnknown    Reason = 128 + 1
	ReasonNotAttached        Reason = 128 + 2
	ReasonSPMCongestion      Reason = 128 + 3
	ReasonVersionUnsupported Reason = 128 + 4
	ReasonSPM                Reason = 128 + 5
	ReasonRestriction        Reason = 128 + 6
)

// String describes the reason code.
func (r Reason) String() string {
	switch r {
	case ReasonNone:
		return "rejected by the called SS-user, no reason given"
	case ReasonCongestion:
		return "rejected by the called SS-user: temporary congestion"
	case ReasonUser:
		return "rejected by the called SS-user"
	case ReasonSelectorUnknown:
		return "session selector unknown"
	case ReasonNotAttached:
		return "SS-user not attached to the SSAP"
	case ReasonSPMCongestion:
		return "SPM congestion at connect time"
	case ReasonVersionUnsupported:
		return "proposed protocol versions not supported"
	case ReasonSPM:
		return "rejected by the SPM, no reason given"
	case ReasonRestriction:
		return "rejected by the SPM: implementation restriction"
	}
	return "reason " + strconv.Itoa(int(r))
}

// ResyncType is the kind of resynchronization an RS asks for (PI 27).
type ResyncType uint8

// Resynchronize options.
const (
	Restart ResyncType = 0 // go back to an earlier sync point
	Abandon ResyncType = 1 // drop the work, continue with a higher serial number
	SetTo   ResyncType = 2 // use any serial number
)

// String names the resync type.
func (t ResyncType) String() string {
	switch t {
	case Restart:
		return "restart"
	case Abandon:
		return "abandon"
	case SetTo:
		return "set"
	}
	return "resync type " + strconv.Itoa(int(t))
}

// Disconnect is the Transport Disconnect parameter (PI 17) of RF, FN and
// AB.
type Disconnect uint8

// Transport Disconnect bits.
const (
	ReleaseTransport Disconnect = 0x01 // the transport connection is released (else kept for reuse)
	UserAbort        Disconnect = 0x02 // AB: the abort comes from the session user
	ProtocolErrorBit Disconnect = 0x04 // AB: a protocol error
	NoReason         Disconnect = 0x08 // AB: no reason
)

// String describes the flags.
func (d Disconnect) String() string {
	s := "keep the transport connection"
	if d&ReleaseTransport != 0 {
		s = "release the transport connection"
	}
	if d&UserAbort != 0 {
		s += ", user abort"
	}
	if d&ProtocolErrorBit != 0 {
		s += ", protocol error"
	}
	if d&NoReason != 0 {
		s += ", no reason"
	}
	return s
}

// Sync Type Item values (PI 15).
const (
	// SyncConfirm, in MIP: the sync point asks for explicit confirmation.
	SyncConfirm byte = 0x00
	// SyncNoConfirm, in MIP: no explicit confirmation is asked for.
	SyncNoConfirm byte = 0x01
	// SyncActivityGoesOn, in MAP: the activity is not ended; without it an
	// SPDU with SI 41 is an ACTIVITY END.
	SyncActivityGoesOn byte = 0x01
)

// Token bits of a Token Item (PI 16): which tokens a GT gives.
const (
	TokenData    byte = 0x01
	TokenMinor   byte = 0x04
	TokenMajor   byte = 0x10 // major/activity
	TokenRelease byte = 0x40
)

// TokenSetting describes a Token Setting Item (PI 26): for each token,
// two bits saying where it starts (00 the initiator, 01 the responder, 10
// the called SS-user's choice).
func TokenSetting(b byte) string {
	where := [4]string{"initiator", "responder", "responder's choice", "reserved"}
	return "release: " + where[b>>6&3] + ", major/activity: " + where[b>>4&3] +
		", minor sync: " + where[b>>2&3] + ", data: " + where[b&3]
}
