package spdu

// Kind is an SPDU identifier (SI), using the decimal codes of X.225.
type Kind uint8

// The SPDUs SessionLab speaks. The numbers are X.225's own.
const (
	DT  Kind = 1  // DATA TRANSFER
	NF  Kind = 8  // NOT FINISHED: refuses a negotiated release
	FN  Kind = 9  // FINISH: asks for orderly release
	DN  Kind = 10 // DISCONNECT: accepts the release
	RF  Kind = 12 // REFUSE: refuses the connection
	CN  Kind = 13 // CONNECT
	AC  Kind = 14 // ACCEPT
	AB  Kind = 25 // ABORT
	RA  Kind = 34 // RESYNCHRONIZE ACK
	MAP Kind = 41 // MAJOR SYNC POINT
	MAA Kind = 42 // MAJOR SYNC ACK
	MIP Kind = 49 // MINOR SYNC POINT
	MIA Kind = 50 // MINOR SYNC ACK
	RS  Kind = 53 // RESYNCHRONIZE
)

var kindNames = [...]struct{ short, long string }{
	DT:  {"DT", "data transfer"},
	NF:  {"NF", "not finished"},
	FN:  {"FN", "finish"},
	DN:  {"DN", "disconnect"},
	RF:  {"RF", "refuse"},
	CN:  {"CN", "connect"},
	AC:  {"AC", "accept"},
	AB:  {"AB", "abort"},
	RA:  {"RA", "resynchronize ack"},
	MAP: {"MAP", "major sync point"},
	MAA: {"MAA", "major sync ack"},
	MIP: {"MIP", "minor sync point"},
	MIA: {"MIA", "minor sync ack"},
	RS:  {"RS", "resynchronize"},
}

// Valid reports whether k is an SPDU this package knows.
func (k Kind) Valid() bool {
	return int(k) < len(kindNames) && kindNames[k].short != ""
}

// String returns the SPDU's abbreviation ("CN"), or "SI(n)" for an unknown code.
func (k Kind) String() string {
	if !k.Valid() {
		return "SI(" + itoa(uint64(k)) + ")"
	}
	return kindNames[k].short
}

// Name returns the SPDU's name in words ("connect").
func (k Kind) Name() string {
	if !k.Valid() {
		return "unknown"
	}
	return kindNames[k].long
}

// Kinds lists every known SPDU in identifier order.
func Kinds() []Kind {
	var ks []Kind
	for k := range kindNames {
		if Kind(k).Valid() {
			ks = append(ks, Kind(k))
		}
	}
	return ks
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
