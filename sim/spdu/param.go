package spdu

import "strings"

// Param is a parameter identifier (PI).
type Param uint8

// Parameters. Codes below 0xC0 are the X.225 PI codes for the same purpose;
// 0xE0 and up are SessionLab's own.
const (
	PSessionID     Param = 10   // X.225 Calling SS-user Reference: our session ID, 8 bytes
	PDisconnect    Param = 17   // X.225 Transport Disconnect: 1 byte of flags
	PRequirements  Param = 20   // X.225 Session User Requirements: functional units, 2 bytes
	PVersion       Param = 22   // X.225 Version Number: 1 byte
	PInitialSerial Param = 23   // X.225 Initial Serial Number: 4 bytes
	PResync        Param = 27   // X.225 Resync Type: 1 byte
	PSerial        Param = 42   // X.225 Serial Number: 4 bytes, 0–999 999
	PReason        Param = 50   // X.225 Reason Code: 1 byte
	PSeq           Param = 0xE0 // SessionLab: data packet sequence number, 4 bytes
	PResume        Param = 0xE1 // SessionLab: CN asks to resume an earlier session, no value
	PUserData      Param = 193  // X.225 User Data: 0–255 bytes
)

// MaxSerial is the largest serial number X.225 allows (Table A-4).
const MaxSerial = 999_999

// MaxUserData is the longest user data one frame carries.
const MaxUserData = 255

// paramInfo is what the codec needs to know of a parameter: its bit in a
// Set, its fixed value length (-1: variable), and its name for errors.
type paramInfo struct {
	bit  Set
	size int
	name string
}

var params = func() (t [256]paramInfo) {
	for p, info := range map[Param]paramInfo{
		PSessionID:     {1 << 0, 8, "session ID"},
		PDisconnect:    {1 << 1, 1, "transport disconnect"},
		PRequirements:  {1 << 2, 2, "functional units"},
		PVersion:       {1 << 3, 1, "version"},
		PInitialSerial: {1 << 4, 4, "initial serial number"},
		PResync:        {1 << 5, 1, "resync type"},
		PSerial:        {1 << 6, 4, "serial number"},
		PReason:        {1 << 7, 1, "reason"},
		PSeq:           {1 << 8, 4, "sequence number"},
		PResume:        {1 << 9, 0, "resume"},
		PUserData:      {1 << 10, -1, "user data"},
	} {
		t[p] = info
	}
	return t
}()

// encodeOrder is the order in which Append writes parameters; a
// parameter's bit in a Set is 1 << its position here, so that the present
// ones can be visited without looking at the others.
var encodeOrder = [...]Param{PSessionID, PDisconnect, PRequirements, PVersion, PInitialSerial,
	PResync, PSerial, PReason, PSeq, PResume, PUserData}

// Set is a set of parameters, one bit each.
type Set uint16

// SetOf returns the set holding ps.
func SetOf(ps ...Param) Set {
	var s Set
	for _, p := range ps {
		s |= params[p].bit
	}
	return s
}

// Has reports whether p is in s.
func (s Set) Has(p Param) bool {
	b := params[p].bit
	return b != 0 && s&b != 0
}

// String names a parameter.
func (p Param) String() string {
	if info := params[p]; info.bit != 0 {
		return info.name
	}
	return "PI(" + itoa(uint64(p)) + ")"
}

// rule says which parameters a kind of SPDU must carry and which it may.
type rule struct{ required, allowed Set }

var rules = [...]rule{
	CN:  {SetOf(PSessionID, PVersion, PRequirements), SetOf(PSessionID, PVersion, PRequirements, PInitialSerial, PResume, PUserData)},
	AC:  {SetOf(PSessionID, PVersion, PRequirements), SetOf(PSessionID, PVersion, PRequirements, PInitialSerial, PUserData)},
	RF:  {SetOf(PReason), SetOf(PSessionID, PReason, PDisconnect, PUserData)},
	FN:  {0, SetOf(PDisconnect, PUserData)},
	DN:  {0, SetOf(PUserData)},
	NF:  {0, SetOf(PReason, PUserData)},
	AB:  {0, SetOf(PDisconnect, PReason, PUserData)},
	DT:  {SetOf(PSeq), SetOf(PSeq, PUserData)},
	MIP: {SetOf(PSerial), SetOf(PSerial, PUserData)},
	MIA: {SetOf(PSerial), SetOf(PSerial, PUserData)},
	MAP: {SetOf(PSerial), SetOf(PSerial, PUserData)},
	MAA: {SetOf(PSerial), SetOf(PSerial, PUserData)},
	RS:  {SetOf(PSerial, PResync), SetOf(PSerial, PResync, PUserData)},
	RA:  {SetOf(PSerial), SetOf(PSerial, PResync, PUserData)},
}

// Units is a set of X.225 functional units, as the Session User Requirements
// bits (X.225 PI 20) encode them.
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
		parts = append(parts, "0x"+hex16(uint16(rest)))
	}
	return strings.Join(parts, "+")
}

func hex16(v uint16) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>12], digits[v>>8&15], digits[v>>4&15], digits[v&15]})
}

// Reason is a reason code (X.225 PI 50).
type Reason uint8

// Reason codes used by SessionLab, from X.225's refuse reasons.
const (
	ReasonNone               Reason = 0
	ReasonCongestion         Reason = 1
	ReasonSelectorUnknown    Reason = 129
	ReasonVersionUnsupported Reason = 132
)

// String describes the reason code.
func (r Reason) String() string {
	switch r {
	case ReasonNone:
		return "no reason given"
	case ReasonCongestion:
		return "temporary congestion"
	case ReasonSelectorUnknown:
		return "session selector unknown"
	case ReasonVersionUnsupported:
		return "proposed protocol version not supported"
	}
	return "reason " + itoa(uint64(r))
}

// ResyncType is the kind of resynchronization an RS asks for (X.225 PI 27).
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
	return "resync " + itoa(uint64(t))
}

// Disconnect is the Transport Disconnect flags (X.225 PI 17) of FN, RF and AB.
type Disconnect uint8

// Transport Disconnect flags.
const (
	ReleaseTransport Disconnect = 0x01 // the transport connection is released, not kept for reuse
	UserAbort        Disconnect = 0x02 // the abort comes from the session user
)
