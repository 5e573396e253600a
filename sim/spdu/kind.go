package spdu

import "strconv"

// Kind is a type of SPDU. It is not the SPDU identifier (SI): X.225 gives
// some types the same SI and tells them apart by where they stand in a
// TSDU (GT and DT share 1), by a parameter (MAP and AE share 41: a MAP
// carries a Sync Type Item saying the activity goes on) or only by the
// state of the session (MAA and AEA share 42). SI returns the code.
type Kind uint8

// The SPDUs SessionLab speaks.
const (
	CN  Kind = iota + 1 // CONNECT
	AC                  // ACCEPT
	RF                  // REFUSE
	FN                  // FINISH
	DN                  // DISCONNECT
	NF                  // NOT FINISHED
	AB                  // ABORT
	GT                  // GIVE TOKENS
	DT                  // DATA TRANSFER
	MIP                 // MINOR SYNC POINT
	MIA                 // MINOR SYNC ACK
	MAP                 // MAJOR SYNC POINT
	MAA                 // MAJOR SYNC ACK
	RS                  // RESYNCHRONIZE
	RA                  // RESYNCHRONIZE ACK
	AS                  // ACTIVITY START
	AR                  // ACTIVITY RESUME
	AE                  // ACTIVITY END
	AEA                 // ACTIVITY END ACK
	PT                  // PLEASE TOKENS
)

// Categories of SPDU (X.225 6.3.7): category 0 may lead a TSDU and be
// followed by one of category 2, which never travels alone; category 1
// is always alone in its TSDU. Which category 0 SPDU leads depends on
// the category 2 one (Kind.Leader).
const (
	Category0 = 0
	Category1 = 1
	Category2 = 2
)

// unit is one parameter unit of an SPDU's parameter field, in the order
// the standard's table gives: a PI holding one parameter, or a PGI
// holding several.
type unit struct {
	pgi    byte    // the group's code; 0 for a single PI
	params []Param // the PI's parameter, or the group's, in order
}

// kindInfo is what the codec knows of a kind of SPDU.
type kindInfo struct {
	si       byte
	category int
	short    string
	name     string
	table    string // where ISO 8327 defines its parameters (the 1987 edition's clause and table numbers)
	units    []unit
	required Set
}

// The parameter units of the connection SPDUs.
var (
	connIDCalling = unit{PGIConnectionID, []Param{PCallingRef, PCommonRef, PAdditionalRef}}
	connIDCalled  = unit{PGIConnectionID, []Param{PCalledRef, PCommonRef, PAdditionalRef}}
	acceptItem    = unit{PGIConnectAccept, []Param{POptions, PVersion, PInitialSerial, PTokenSetting}}
	linking       = unit{PGILinking, []Param{PCalledRef, PCallingRef, PCommonRef, PAdditionalRef, POldActivity, PSerial}}
)

func pi(p Param) unit { return unit{params: []Param{p}} }

var kinds = [...]kindInfo{
	CN: {13, Category1, "CN", "CONNECT", "8.3.1, Table 11",
		[]unit{connIDCalling, acceptItem, pi(PRequirements), pi(PUserData)}, SetOf(POptions, PVersion)},
	AC: {14, Category1, "AC", "ACCEPT", "8.3.2, Table 12",
		[]unit{connIDCalled, acceptItem, pi(PTokenItem), pi(PRequirements), pi(PUserData)}, SetOf(POptions, PVersion)},
	RF: {12, Category1, "RF", "REFUSE", "8.3.3, Table 13",
		[]unit{connIDCalled, pi(PDisconnect), pi(PRequirements), pi(PVersion), pi(PReason)}, SetOf(PReason)},
	FN: {9, Category1, "FN", "FINISH", "8.3.4, Table 14", []unit{pi(PDisconnect), pi(PUserData)}, 0},
	DN: {10, Category1, "DN", "DISCONNECT", "8.3.5, Table 15", []unit{pi(PUserData)}, 0},
	NF: {8, Category1, "NF", "NOT FINISHED", "8.3.6, Table 16", []unit{pi(PUserData)}, 0},
	AB: {25, Category1, "AB", "ABORT", "8.3.7, Table 17", []unit{pi(PDisconnect), pi(PUserData)}, 0},
	GT: {1, Category0, "GT", "GIVE TOKENS", "8.3.14, Table 23", []unit{pi(PTokenItem)}, 0},
	PT: {2, Category0, "PT", "PLEASE TOKENS", "8.3.15, Table 24", []unit{pi(PTokenItem), pi(PUserData)}, 0},
	DT: {1, Category2, "DT", "DATA TRANSFER", "8.3.9, Table 18", nil, 0},
	MIP: {49, Category2, "MIP", "MINOR SYNC POINT", "8.3.18, Table 25",
		[]unit{pi(PSyncType), pi(PSerial), pi(PUserData)}, SetOf(PSerial)},
	MIA: {50, Category2, "MIA", "MINOR SYNC ACK", "8.3.19, Table 26", []unit{pi(PSerial), pi(PUserData)}, SetOf(PSerial)},
	MAP: {41, Category2, "MAP", "MAJOR SYNC POINT", "8.3.20, Table 27",
		[]unit{pi(PSyncType), pi(PSerial), pi(PUserData)}, SetOf(PSyncType, PSerial)},
	MAA: {42, Category2, "MAA", "MAJOR SYNC ACK", "8.3.21, Table 28", []unit{pi(PSerial), pi(PUserData)}, SetOf(PSerial)},
	RS: {53, Category2, "RS", "RESYNCHRONIZE", "8.3.22, Table 29",
		[]unit{pi(PTokenSetting), pi(PResync), pi(PSerial), pi(PUserData)}, SetOf(PResync, PSerial)},
	RA: {34, Category2, "RA", "RESYNCHRONIZE ACK", "8.3.23, Table 30",
		[]unit{pi(PTokenSetting), pi(PSerial), pi(PUserData)}, SetOf(PSerial)},
	AS: {45, Category2, "AS", "ACTIVITY START", "8.3.27, Table 34", []unit{pi(PActivity), pi(PUserData)}, SetOf(PActivity)},
	AR: {29, Category2, "AR", "ACTIVITY RESUME", "8.3.28, Table 35",
		[]unit{linking, pi(PActivity), pi(PUserData)}, SetOf(POldActivity, PSerial, PActivity)},
	AE:  {41, Category2, "AE", "ACTIVITY END", "8.3.33, Table 38", []unit{pi(PSerial), pi(PUserData)}, SetOf(PSerial)},
	AEA: {42, Category2, "AEA", "ACTIVITY END ACK", "8.3.34 (the parameters of MAA, Table 28)", []unit{pi(PSerial), pi(PUserData)}, SetOf(PSerial)},
}

// Valid reports whether k is a kind of SPDU this package knows.
func (k Kind) Valid() bool { return int(k) < len(kinds) && kinds[k].short != "" }

// SI returns the SPDU identifier X.225 gives k.
func (k Kind) SI() byte { return kinds[k].si }

// Category returns k's category: 0, 1 or 2.
func (k Kind) Category() int { return kinds[k].category }

// Leader returns the category 0 SPDU that goes before k in its TSDU, by
// X.225's basic concatenation (6.3.7): PLEASE TOKENS before an
// acknowledgement (MIA, MAA, RA, AEA; X.225 also puts it before AIA, ADA,
// CDA, ER and ED, which SessionLab does not speak), GIVE TOKENS before
// every other category 2 SPDU (DT, MIP, MAP, RS, AS, AR, AE). ISODE
// writes the pairs so (ssapwrite.c) and refuses a TSDU with another pair.
// It returns 0 for a kind that is not of category 2.
func (k Kind) Leader() Kind {
	switch {
	case !k.Valid() || k.Category() != Category2:
		return 0
	case k == MIA || k == MAA || k == RA || k == AEA:
		return PT
	}
	return GT
}

// String returns the SPDU's abbreviation ("CN").
func (k Kind) String() string {
	if !k.Valid() {
		return "SPDU(" + strconv.Itoa(int(k)) + ")"
	}
	return kinds[k].short
}

// Name returns the SPDU's name as X.225 writes it ("CONNECT").
func (k Kind) Name() string {
	if !k.Valid() {
		return "unknown"
	}
	return kinds[k].name
}

// Table says where ISO 8327 defines k's parameters, as "8.3.1, Table
// 11": the clause and table numbers of the 1987 edition, as conformance
// statements (PICS) cite them. X.225 and ISO 8327-1 number the same
// tables a little differently, having added OVERFLOW ACCEPT and CONNECT
// DATA OVERFLOW.
func (k Kind) Table() string { return kinds[k].table }

// Kinds lists every kind this package knows, in order.
func Kinds() []Kind {
	var ks []Kind
	for k := range kinds {
		if Kind(k).Valid() {
			ks = append(ks, Kind(k))
		}
	}
	return ks
}

// bySI is the kind an SPDU identifier names in each category, before its
// parameters are read: SI 41 is then MAP, SI 42 MAA. Filled in by init.
var bySI [256][3]Kind

// allowed is every parameter of each kind's units. Filled in by init.
var allowed [len(kinds)]Set

func init() {
	for k := range kinds {
		info := &kinds[k]
		for _, u := range info.units {
			allowed[k] |= SetOf(u.params...)
		}
		if info.short != "" && Kind(k) != AE && Kind(k) != AEA {
			bySI[info.si][info.category] = Kind(k)
		}
	}
}

// kindOf returns the kind an SPDU identifier names in a category.
func kindOf(si byte, category int) (Kind, bool) {
	k := bySI[si][category]
	return k, k != 0
}
