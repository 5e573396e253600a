package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"sessionlab/sim/spdu"
)

// FaultKind is a way to break a running lesson on purpose.
type FaultKind uint8

// Faults.
const (
	// FaultReset resets the client's connection now (linger 0, close):
	// the server reads "connection reset by peer".
	FaultReset FaultKind = iota + 1
	// FaultStall holds the next frame, of either side, back by StallDelay.
	FaultStall
	// FaultStop stops the server: its listener and connection close at
	// once, as if its process died.
	FaultStop
)

// StallDelay is how long a stall holds a frame back, at speed 1.
const StallDelay = 3 * time.Second

var faultNames = [...]string{FaultReset: "reset", FaultStall: "stall", FaultStop: "stop"}

// String names the fault as --fault takes it.
func (k FaultKind) String() string {
	if int(k) < len(faultNames) && faultNames[k] != "" {
		return faultNames[k]
	}
	return "fault?"
}

// FaultAt is a fault to inject at a chosen moment of a run: right after
// the run's event number After (counting from 1, markers not counted), or
// right after the first frame sent whose label is Frame ("DT 3", "MIP 1").
type FaultAt struct {
	Kind  FaultKind
	After int
	Frame string
}

// String writes the fault as ParseFault reads it.
func (f FaultAt) String() string {
	if f.Frame != "" {
		return f.Kind.String() + "@" + strings.ReplaceAll(f.Frame, " ", "")
	}
	return f.Kind.String() + "@" + strconv.Itoa(f.After)
}

// ParseFault reads KIND@WHEN: KIND is reset, stall or stop; WHEN is an
// event number (reset@12) or a frame (reset@DT3, stall@MIA1).
func ParseFault(s string) (FaultAt, error) {
	kind, when, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "@")
	if !ok || when == "" {
		return FaultAt{}, fmt.Errorf("fault %q is not KIND@WHEN (for example reset@DT3 or stall@12)", s)
	}
	var f FaultAt
	for k, name := range faultNames {
		if name != "" && name == kind {
			f.Kind = FaultKind(k)
		}
	}
	if f.Kind == 0 {
		return f, fmt.Errorf("fault kind %q is not reset, stall or stop", kind)
	}
	if n, err := strconv.Atoi(when); err == nil {
		if n < 1 {
			return f, fmt.Errorf("fault %q: event numbers start at 1", s)
		}
		f.After = n
		return f, nil
	}
	// A frame: letters then a number, as the wire shows it.
	i := strings.IndexAny(when, "0123456789")
	name := strings.ToUpper(when)
	if i > 0 {
		name = strings.ToUpper(when[:i]) + " " + when[i:]
	}
	known := false
	for _, k := range spdu.Kinds() {
		if strings.HasPrefix(name, k.String()) && (len(name) == len(k.String()) || name[len(k.String())] == ' ') {
			known = true
		}
	}
	if !known {
		return f, fmt.Errorf("fault %q: %q is neither an event number nor a frame such as DT3 or MIA1", s, when)
	}
	f.Frame = name
	return f, nil
}
