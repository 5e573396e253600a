package sim

import (
	"fmt"
	"sessionlab/sim/internal/kernel"
	"slices"
	"strconv"
	"strings"
	"time"

	"sessionlab/sim/spdu"
)

// FaultKind is a way to break a running lesson on purpose.
type FaultKind uint8

// Faults. Each is a row of faultTable; adding one means a row there (what
// it is called, its key, what it does), its words in the lesson files
// (common.md), the census (go test ./lessons -run TestCensus -update),
// and nothing else: the flag, the fault menu, the keys, the event log and
// the tests range over FaultKinds.
const (
	// FaultReset resets the client's connection now (linger 0, close):
	// the server reads "connection reset by peer".
	FaultReset FaultKind = iota + 1
	// FaultStall holds the next frame, of either side, back by StallDelay.
	FaultStall
	// FaultStop stops the server: its listener and connection close at
	// once, with linger 0, as a crash with unread data would.
	FaultStop
)

// StallDelay is how long a stall holds a frame back, at speed 1.
const StallDelay = 3 * time.Second

// faultInfo is what SessionLab knows of a kind of fault.
type faultInfo struct {
	name    string     // as --fault takes it
	key     string     // the fault menu's letter (its capital injects it at once); "": its number only
	title   string     // what the key help calls it
	summary string     // what it does, in a line
	log     string     // the event log's word for it (after "fault: ")
	noConn  string     // added to log when there was no connection to act on
	apply   func(*run) // does it, now, and reports it
}

var faultTable = [...]faultInfo{
	FaultReset: {"reset", "x", "reset", "reset the client's connection (linger 0, then close: an RST)",
		"reset", " (no connection)", (*run).applyReset},
	FaultStall: {"stall", "d", "stall", "hold the next frame back for 3 s of pacing",
		"stall", "", (*run).applyStall},
	FaultStop: {"stop", "k", "stop server", "stop the server: its listener and connection close at once",
		"server stopped", "", (*run).applyStop},
}

// applyReset closes the client's connection with linger 0: an RST.
func (r *run) applyReset() {
	e := r.client
	said := make(chan struct{})
	defer close(said)
	h, rst, ok := e.reset(NoteFault, func() { e.faulted, e.faultSaid = true, said })
	ev := Faulted{Header: h, Fault: FaultReset, None: !ok}
	if ok {
		ev.After = kernel.Lookup(e.local, e.remote)
	}
	_ = e.emitWire(ev, rst)
}

// applyStop closes the server's listener and connection at once.
func (r *run) applyStop() {
	e := r.server
	said := make(chan struct{})
	defer close(said)
	h, rst, ok := e.reset(NoteFault, func() { e.stopped, e.faultSaid = true, said })
	r.sim.ln.stop()
	// The server's application stops with it: no session is left, and
	// what it held uncommitted is gone; what it committed is in its log.
	h.Sync, h.Log.Pending = SyncVars{}, nil
	ev := Faulted{Header: h, Fault: FaultStop, None: !ok}
	if ok {
		ev.After = kernel.Lookup(e.local, e.remote)
	}
	_ = e.emitWire(ev, rst)
}

// applyStall holds the next frame written back by StallDelay of pacing.
func (r *run) applyStall() {
	r.mu.Lock()
	r.stall = StallDelay
	r.mu.Unlock()
	h := Header{At: r.sim.clock.Now(), Scenario: r.scenario, Note: NoteFault, Speed: r.sim.pacer.Speed()}
	_, _ = r.sim.emit(r.ctx, Faulted{Header: h, Fault: FaultStall, Delay: Scaled(StallDelay, h.Speed)})
}

// FaultKinds lists every kind of fault, in order.
func FaultKinds() []FaultKind {
	var ks []FaultKind
	for k := range faultTable {
		if FaultKind(k).Valid() {
			ks = append(ks, FaultKind(k))
		}
	}
	return ks
}

// Valid reports whether k is a kind of fault.
func (k FaultKind) Valid() bool { return int(k) < len(faultTable) && faultTable[k].apply != nil }

// String names the fault as --fault takes it.
func (k FaultKind) String() string {
	if k.Valid() {
		return faultTable[k].name
	}
	return "fault?"
}

// info is the kind's row of the table (the zero row for no kind).
func (k FaultKind) info() faultInfo {
	if k.Valid() {
		return faultTable[k]
	}
	return faultInfo{}
}

// Summary says in a line what the fault does.
func (k FaultKind) Summary() string { return k.info().summary }

// Key is the fault menu's letter for the kind ("" for none: its number
// chooses it); its capital injects it without the menu.
func (k FaultKind) Key() string { return k.info().key }

// Title is what the key help calls the kind ("stop server").
func (k FaultKind) Title() string { return k.info().title }

// LogLabel is the event log's words for a fault of this kind, none when
// it found no connection to act on ("reset (no connection)").
func (k FaultKind) LogLabel(none bool) string {
	if none {
		return k.info().log + k.info().noConn
	}
	return k.info().log
}

// FaultAt is a fault to inject at a chosen moment of a run: after the
// event whose ID is After, or after the first frame sent whose label is
// Frame ("DT 3", "MIP 1", "CR"). The fault then waits for its turn at the
// pacer like any step, so a frame written in the same step as that event
// (the MIP right behind its DT) still goes out first.
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

// FaultForms is how --fault is written, for messages.
func FaultForms() string {
	return fmt.Sprintf("KIND@WHEN: KIND is %s; WHEN an event number (%v@12) or a frame the lesson sends (%v@DT3, %v@MIA1, %v@CR)",
		kindNames(), FaultStall, FaultReset, FaultStop, FaultReset)
}

// kindNames lists the kinds as --fault takes them: "reset, stall or stop".
func kindNames() string {
	var names []string
	for _, k := range FaultKinds() {
		names = append(names, k.String())
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ParseFault reads KIND@WHEN. It checks the form; Check tells whether a
// lesson can ever get there.
func ParseFault(s string) (FaultAt, error) {
	kind, when, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "@")
	if !ok || when == "" {
		return FaultAt{}, fmt.Errorf("fault %q is not %s", s, FaultForms())
	}
	var f FaultAt
	for _, k := range FaultKinds() {
		if k.String() == kind {
			f.Kind = k
		}
	}
	if f.Kind == 0 {
		return f, fmt.Errorf("fault kind %q is not %s", kind, kindNames())
	}
	if n, err := strconv.Atoi(when); err == nil {
		if n < 1 {
			return f, fmt.Errorf("fault %q: event numbers start at 1", s)
		}
		f.After = n
		return f, nil
	}
	// A frame: letters, then the number the wire shows, if the frame has one.
	i := strings.IndexAny(when, "0123456789")
	name, num := strings.ToUpper(strings.TrimSpace(when)), ""
	if i >= 0 {
		name, num = strings.ToUpper(strings.TrimSpace(when[:i])), when[i:]
		if _, err := strconv.Atoi(num); err != nil {
			return f, fmt.Errorf("fault %q: %q is neither an event number nor a frame such as DT3 or MIA1", s, when)
		}
	}
	transport := name == spdu.CodeCR.String() || name == spdu.CodeCC.String()
	if !transport && !slices.ContainsFunc(spdu.Kinds(), func(k spdu.Kind) bool { return k.String() == name }) {
		return f, fmt.Errorf("fault %q: %q is neither an event number nor a frame such as DT3 or MIA1", s, when)
	}
	f.Frame = strings.TrimSpace(name + " " + num)
	return f, nil
}

// Check reports an error when f can never fire in a run of scenarios: it
// names a frame none of them sends. (An event number past the run's end
// is only known at the end: see Sim.Unfired.)
func (f FaultAt) Check(scenarios []Scenario) error {
	if f.Frame == "" {
		return nil
	}
	var sends []string
	for _, sc := range scenarios {
		for _, l := range scriptFor(sc).sends {
			if !slices.Contains(sends, l) {
				sends = append(sends, l)
			}
		}
	}
	if slices.Contains(sends, f.Frame) {
		return nil
	}
	return fmt.Errorf("fault %v can never fire: this lesson never sends %s (it sends %s; or give an event number)",
		f, f.Frame, strings.Join(sends, ", "))
}
