package sim

import (
	"net/netip"
	"slices"
	"time"

	"sessionlab/sim/spdu"
)

// Side says which endpoint an event happened on.
type Side uint8

// The sides. Nobody marks events that belong to the run, not to an endpoint.
const (
	Nobody Side = iota
	Server
	Client
)

// String names the side.
func (s Side) String() string {
	switch s {
	case Server:
		return "server"
	case Client:
		return "client"
	}
	return "-"
}

// Peer returns the other endpoint.
func (s Side) Peer() Side {
	switch s {
	case Server:
		return Client
	case Client:
		return Server
	}
	return Nobody
}

// Note says what the scenario meant by a step, where the frame and the side
// alone do not tell (a resend is a DT like any other).
type Note string

// Notes the scenarios attach.
const (
	NoteNone       Note = ""
	NoteRefusal    Note = "refusal"     // a CN that will be refused, or the RF
	NoteAbort      Note = "abort"       // the steps of an abortive release
	NoteCommitted  Note = "committed"   // a confirmation sent after the data was committed
	NoteAckCheck   Note = "ack-check"   // a look at TCP's acknowledgements before the session's
	NoteHalfClosed Note = "half-closed" // a look at the TCP state while only one direction is closed
	NoteResend     Note = "resend"      // data sent again after a restart or a resume
	NoteDuplicate  Note = "duplicate"   // data the receiver already had, dropped
	NotePurged     Note = "purged"      // data that arrived between RS and RA, thrown away
	NoteResync     Note = "resync"      // the steps of a resynchronization (RS, RA)
	NoteResume     Note = "resume"      // the steps of resuming a session on a new connection
	NoteFault      Note = "fault"       // what a fault did, and the first consequences
	NoteStalled    Note = "stalled"     // a frame held back by a stall fault
	NoteRefused    Note = "refused"     // a release refused with NF, and what follows
	NoteResult     Note = "result"      // the result the server still had to send
	NoteDrop       Note = "drop"        // the lesson resets the connection itself
	NoteNoSession  Note = "no-session"  // a connection lost before any session was asked for on it
	NoteReleased   Note = "released"    // a connection lost after the session was released (DN)
	NoteTimer      Note = "timer"       // timer TIM ran out: the side releases the transport itself
)

// Header is what every event carries.
type Header struct {
	ID       int       // the event's number in its run, from 1, in the order events arrive
	At       time.Time // from the Sim's Clock, right after the operation returned
	Scenario Scenario
	Side     Side
	Local    netip.AddrPort // zero when the side has no socket yet
	Remote   netip.AddrPort
	TCP      TCPInfo  // what the OS reports for this side's socket; Known is false where it cannot say
	Sync     SyncVars // this side's serial-number variables after the event
	Log      Ledger   // this side's data packets after the event
	Wire     Wire     // what the event put on the wire or took off it
	Speed    float64  // the pacing speed when it happened: paced waits took 1/Speed of their time at 1x
	// Paced is the event's time on the lesson clock: the time the run has
	// taken, not counting pauses, a step counting as long as its wait would
	// have taken. Stepped or played, an event has the same Paced time (at
	// the same speed); At is when it really happened.
	Paced time.Duration
	Note  Note
	// Phase is which part of a session's life the step belongs to (see
	// Phase); the engine sets it when it numbers the event.
	Phase Phase
}

// Phase is which part of a session's life a step belongs to, so that a
// lesson can show a phase an earlier one taught as one step.
type Phase uint8

// The phases.
const (
	PhaseNone     Phase = iota // the run's own markers; faults, errors and aborts
	PhaseOpen                  // TCP's connect, the transport connection (CR, CC) and the session's (CN, AC, RF)
	PhaseTransfer              // data, sync points and their confirmations, commits, resynchronization
	PhaseActivity              // activity management: AS, AR, AE, AEA
	PhaseClose                 // the release (FN, DN, NF) and TCP's close
)

// String names the phase as lesson files do.
func (p Phase) String() string {
	return [...]string{"none", "open", "transfer", "activity", "close"}[p]
}

// ParsePhase returns the phase called name.
func ParsePhase(name string) (Phase, bool) {
	for p := PhaseOpen; p <= PhaseClose; p++ {
		if p.String() == name {
			return p, true
		}
	}
	return PhaseNone, false
}

// phaseOf is the phase of the step ev reports.
func phaseOf(ev Event) Phase {
	switch e := ev.(type) {
	case Listening, Dialed, Accepted, Rejected:
		return PhaseOpen
	case Sent:
		return framePhase(e.Frame)
	case Received:
		return framePhase(e.Frame)
	case Committed, CommitFailed, Discarded:
		return PhaseTransfer
	case Observed:
		if e.Note == NoteAckCheck {
			return PhaseTransfer
		}
		return PhaseClose
	case HalfClosed, PeerClosed:
		return PhaseClose
	case Closed:
		if !e.Abortive {
			return PhaseClose
		}
	}
	return PhaseNone
}

// framePhase is the phase a frame's kind belongs to.
func framePhase(f spdu.Frame) Phase {
	m, ok := f.Main()
	if !ok {
		return PhaseOpen // CR, CC, DR, ER
	}
	switch m.Kind {
	case spdu.CN, spdu.AC, spdu.RF:
		return PhaseOpen
	case spdu.DT, spdu.MIP, spdu.MIA, spdu.MAP, spdu.MAA, spdu.RS, spdu.RA:
		return PhaseTransfer
	case spdu.AS, spdu.AR, spdu.AE, spdu.AEA:
		return PhaseActivity
	case spdu.FN, spdu.DN, spdu.NF:
		return PhaseClose
	}
	return PhaseNone
}

// Carrier is something that crosses the wire between the two endpoints.
type Carrier uint8

// What crosses the wire.
const (
	CarryNone  Carrier = iota
	CarryFrame         // a frame: bytes written by one side, read by the other
	CarryFIN           // TCP's FIN: no more bytes from this side
	CarryRST           // TCP's RST: the connection is reset
)

// String names the carrier as the wire shows it.
func (c Carrier) String() string {
	switch c {
	case CarryFrame:
		return "frame"
	case CarryFIN:
		return "FIN"
	case CarryRST:
		return "RST"
	}
	return "none"
}

// Wire says how an event relates to what crosses the wire. The engine
// knows, because it did it: a drawing of the wire needs nothing else.
type Wire struct {
	Conn int     // which connection of the run (1, 2, …); 0: none
	Put  Carrier // what this event put on the wire
	// From is, for an event that took something off the wire (a read of
	// a frame, of a FIN, of an RST), the ID of the event that put it on;
	// 0 when none is known.
	From int
	// Lost are the IDs of events whose frames (or FIN) were on their way
	// to this side and will never be read: its socket is gone, or an RST
	// overtook them.
	Lost []int
}

// Head returns the header; it makes every event type an Event.
func (h Header) Head() Header { return h }

// Event is one thing that really happened. The set of event types is
// closed; EventTypes lists it.
type Event interface {
	// Head returns what every event carries.
	Head() Header
	// WithHeader returns the event with h in place of its header.
	WithHeader(h Header) Event
	// Verb names the type of event as lesson files and logs do: "sent",
	// "peerclosed".
	Verb() string
}

// SyncVars are the session protocol machine's serial-number variables
// (X.225 V(M), V(A), V(R)). Known is false before the session is set up.
type SyncVars struct {
	Known bool
	VM    uint32 // next serial number to be used
	VA    uint32 // lowest serial number not yet acknowledged
	VR    uint32 // lowest serial number a restart may return to
}

// Ledger is an endpoint's view of the data packets. For the sender,
// Pending were sent but not yet confirmed and Confirmed were confirmed by
// an MIA or MAA; for the receiver, Pending were received but not committed
// and Confirmed were committed.
type Ledger struct {
	Pending   []uint32
	Confirmed []uint32
}

// ScenarioStarted opens a scenario; nothing has happened on the network yet.
type ScenarioStarted struct{ Header }

// ScenarioEnded closes a scenario. Err is nil when it ran to its end.
type ScenarioEnded struct {
	Header
	Err error
}

// Listening: the server waits for a connection on Local. Opened says
// the listening socket was opened for this scenario (the run's first, or
// after a stop fault closed it); otherwise the server waits on the one it
// already had.
type Listening struct {
	Header
	Opened bool
}

// Rejected: the server accepted a connection that the run's own client
// did not make (Remote is the stranger's address) and closed it at once,
// without reading it; it goes on waiting for its own client.
type Rejected struct{ Header }

// Dialed: the client's connect returned, so the kernel has finished the
// TCP three-way handshake. Took is how long connect took.
type Dialed struct {
	Header
	Took time.Duration
}

// Accepted: the server's accept returned a connection. AfterHandshake is
// how long the connection had waited in the kernel's accept queue since the
// client's connect returned (0: not measured); Queue is how many finished
// connections were waiting just before the call (-1: the OS cannot say).
type Accepted struct {
	Header
	AfterHandshake time.Duration
	Queue          int
}

// Sent: a frame was written to the socket. A successful write means the
// bytes reached the local kernel, not that the peer has read them.
type Sent struct {
	Header
	Frame spdu.Frame
	Name  FrameName
	Raw   []byte
}

// Received: the application read a frame. ReadBytes is what the read
// returned, FramesInRead how many frames those bytes held, and Index which
// of them this is (from 0). Transit is the measured time from the peer's
// write call to the kernel's receive timestamp of the segment, for the last
// frame of a read on Linux; 0 where it was not measured.
type Received struct {
	Header
	Frame        spdu.Frame
	Name         FrameName // the sender's name for it (nameOf when another program sent it)
	Raw          []byte
	ReadBytes    int
	FramesInRead int
	Index        int
	Transit      time.Duration
}

// Committed: the receiving application committed data packets to its log.
// Seqs is what this commit added.
type Committed struct {
	Header
	Seqs []uint32
}

// CommitFailed: the receiving application could not commit data packets.
// It happens when a lesson makes it happen, and the lesson says so.
type CommitFailed struct {
	Header
	Seqs []uint32
}

// Discarded: this side threw data packets away: the receiver what it held
// uncommitted, the sender what it must send again.
type Discarded struct {
	Header
	Seqs []uint32
}

// Faulted: a fault was injected on this side. Reset closed its
// connection with linger 0; Stop closed the server's listener and
// connection; Stall holds the next frame back.
type Faulted struct {
	Header
	Fault FaultKind
	Delay time.Duration // for a stall, how long the next frame is held back, at the speed of the moment
	None  bool          // there was no connection to act on (for Stop: only the listener closed)
	After TCPInfo       // the kernel's state for the closed connection, as for Closed
}

// Aborted: the side's transport connection was lost, and its session
// layer says what that meant. Provider is true for a provider abort
// (S-P-ABORT: a session connection existed and could not continue). The
// note says when it was not one: NoteNoSession (no CN had been sent or
// read on the connection: the client's attempt to connect fails, the
// server's user hears nothing) or NoteReleased (DN had been sent or read:
// the release was complete, and this is its normal end). Lost lists the
// data packets the side could not get confirmed (sender) or had not
// committed (receiver).
type Aborted struct {
	Header
	Provider bool
	Reason   string
	Lost     []uint32
}

// Label is the short name of what the loss meant to the session layer,
// as the log, the ladder and a handout's diagram show it.
func (e Aborted) Label() string {
	switch {
	case e.Note == NoteReleased:
		return "released, transport gone"
	case e.Note == NoteNoSession && e.Side == Client:
		return "S-CONNECT failed"
	case e.Note == NoteNoSession:
		return "no session yet"
	}
	return "S-P-ABORT"
}

// Observed: this side asked the OS about its connection (TCP_INFO), at a
// moment the scenario chose because the answer teaches something. The
// answer is in Header.TCP.
type Observed struct{ Header }

// HalfClosed: this side shut down its sending direction (a FIN); it can
// still read.
type HalfClosed struct{ Header }

// PeerClosed: a read returned end of stream: the peer sent a FIN.
type PeerClosed struct{ Header }

// ConnError: a socket operation failed. Reset is true for "connection
// reset by peer".
type ConnError struct {
	Header
	Op    string // "read", "write", "dial"
	Err   error
	Reset bool
}

// Closed: this side closed its socket. Abortive is true for a close with
// linger 0, which sends an RST. After is the kernel's state for the
// connection once the descriptor is gone (TIME_WAIT, or CLOSE when the
// kernel holds nothing), read from /proc/net/tcp on Linux.
type Closed struct {
	Header
	Abortive bool
	After    TCPInfo
}

// The event types, each with its verb. EventTypes lists them; a switch
// over event types that misses one is caught by the tests that range over
// it.
var eventTypes = []Event{ScenarioStarted{}, ScenarioEnded{}, Listening{}, Rejected{}, Dialed{}, Accepted{}, Sent{}, Received{},
	Committed{}, CommitFailed{}, Discarded{}, Observed{}, HalfClosed{}, PeerClosed{}, ConnError{}, Closed{},
	Faulted{}, Aborted{}}

// EventTypes returns one zero value of each type of event.
func EventTypes() []Event { return slices.Clone(eventTypes) }

func (ScenarioStarted) Verb() string { return "start" }
func (ScenarioEnded) Verb() string   { return "end" }
func (Listening) Verb() string       { return "listening" }
func (Rejected) Verb() string        { return "rejected" }
func (Dialed) Verb() string          { return "dialed" }
func (Accepted) Verb() string        { return "accepted" }
func (Sent) Verb() string            { return "sent" }
func (Received) Verb() string        { return "received" }
func (Committed) Verb() string       { return "committed" }
func (CommitFailed) Verb() string    { return "commitfailed" }
func (Discarded) Verb() string       { return "discarded" }
func (Observed) Verb() string        { return "observed" }
func (HalfClosed) Verb() string      { return "halfclosed" }
func (PeerClosed) Verb() string      { return "peerclosed" }
func (ConnError) Verb() string       { return "connerror" }
func (Closed) Verb() string          { return "closed" }
func (Faulted) Verb() string         { return "faulted" }
func (Aborted) Verb() string         { return "aborted" }

func (e ScenarioStarted) WithHeader(h Header) Event { e.Header = h; return e }
func (e ScenarioEnded) WithHeader(h Header) Event   { e.Header = h; return e }
func (e Listening) WithHeader(h Header) Event       { e.Header = h; return e }
func (e Rejected) WithHeader(h Header) Event        { e.Header = h; return e }
func (e Dialed) WithHeader(h Header) Event          { e.Header = h; return e }
func (e Accepted) WithHeader(h Header) Event        { e.Header = h; return e }
func (e Sent) WithHeader(h Header) Event            { e.Header = h; return e }
func (e Received) WithHeader(h Header) Event        { e.Header = h; return e }
func (e Committed) WithHeader(h Header) Event       { e.Header = h; return e }
func (e CommitFailed) WithHeader(h Header) Event    { e.Header = h; return e }
func (e Discarded) WithHeader(h Header) Event       { e.Header = h; return e }
func (e Observed) WithHeader(h Header) Event        { e.Header = h; return e }
func (e HalfClosed) WithHeader(h Header) Event      { e.Header = h; return e }
func (e PeerClosed) WithHeader(h Header) Event      { e.Header = h; return e }
func (e ConnError) WithHeader(h Header) Event       { e.Header = h; return e }
func (e Closed) WithHeader(h Header) Event          { e.Header = h; return e }
func (e Faulted) WithHeader(h Header) Event         { e.Header = h; return e }
func (e Aborted) WithHeader(h Header) Event         { e.Header = h; return e }

// withID numbers ev, and says which phase it belongs to.
func withID(ev Event, id int, paced time.Duration) Event {
	h := ev.Head()
	h.ID, h.Paced, h.Phase = id, paced, phaseOf(ev)
	return ev.WithHeader(h)
}
