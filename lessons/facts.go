package lessons

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// fact is a placeholder a lesson file may use: its name, what it means
// (for an instructor editing the files), and how it is read from an
// event. read reports false when the event does not carry it: then it is
// never printed (see template).
type fact struct {
	name, means string
	read        func(facts) (string, bool)
}

// facts is one event as the placeholders read it.
type facts struct {
	ev    sim.Event
	h     sim.Header
	frame spdu.Frame
	name  sim.FrameName
	size  int
	main  spdu.SPDU
	// isFrame: the event wrote or read a frame; isSPDU: one with an SPDU
	// (not CR or CC).
	isFrame, isSPDU bool
	// stable: for a stable handout, every duration a fact reads from the
	// run (a measurement, a timer's time left) is written as ‹time›; the
	// lesson's own words, such as TIME_WAIT's fixed 60 s, stay as written.
	stable bool
}

func factsOf(ev sim.Event) facts {
	f := facts{ev: ev, h: ev.Head()}
	switch e := ev.(type) {
	case sim.Sent:
		f.frame, f.name, f.size, f.isFrame = e.Frame, e.Name, len(e.Raw), true
	case sim.Received:
		f.frame, f.name, f.size, f.isFrame = e.Frame, e.Name, len(e.Raw), true
	}
	f.main, f.isSPDU = f.frame.Main()
	return f
}

// has reports whether the frame's main SPDU carries parameter p.
func (f facts) has(p spdu.Param) bool { return f.isSPDU && f.main.Has.Has(p) }

// cotp reports whether the frame is ISO 8073's CR or CC.
func (f facts) cotp() bool {
	return f.isFrame && (f.frame.TPDU.Code == spdu.CodeCR || f.frame.TPDU.Code == spdu.CodeCC)
}

// tcp reports whether the OS said something about this side's socket.
func (f facts) tcp() bool { return f.h.TCP.Known && f.h.TCP.State != sim.StateUnknown }

// of is a fact only events of type T carry.
func of[T sim.Event](read func(T) (string, bool)) func(facts) (string, bool) {
	return func(f facts) (string, bool) {
		if e, ok := f.ev.(T); ok {
			return read(e)
		}
		return "", false
	}
}

// seqsOf is the "seqs" of the events that carry some.
func seqsOf(f facts) (string, bool) {
	var seqs []uint32
	switch e := f.ev.(type) {
	case sim.Committed:
		seqs = e.Seqs
	case sim.CommitFailed:
		seqs = e.Seqs
	case sim.Discarded:
		seqs = e.Seqs
	}
	return SeqList(seqs), len(seqs) > 0
}

// factTable is every placeholder a lesson file may use.
var factTable = []fact{
	{"side", "the side the event happened on (client or server)", func(f facts) (string, bool) { return f.h.Side.String(), f.h.Side != sim.Nobody }},
	{"peer", "the other side", func(f facts) (string, bool) { return f.h.Side.Peer().String(), f.h.Side != sim.Nobody }},
	{"local", "this side's address", func(f facts) (string, bool) { return f.h.Local.String(), f.h.Local.IsValid() }},
	{"localport", "this side's port", func(f facts) (string, bool) { return strconv.Itoa(int(f.h.Local.Port())), f.h.Local.IsValid() }},
	{"remote", "the peer's address", func(f facts) (string, bool) { return f.h.Remote.String(), f.h.Remote.IsValid() }},
	{"frame", "the frame, as on the wire diagram (DT 3, MIP 1, CR)", func(f facts) (string, bool) { return f.name.Short(), f.isFrame }},
	{"label", "the frame with every SPDU it carries (GT+DT 3)", func(f facts) (string, bool) { return f.name.String(), f.isFrame }},
	{"tsdu", "the SPDUs the frame carries (GT+DT)", func(f facts) (string, bool) { return f.frame.Kinds(), f.isSPDU }},
	{"kind", "the frame's SPDU abbreviation (CN), or its TPDU's for CR and CC", func(f facts) (string, bool) { return mainKind(f.frame), f.isFrame }},
	{"kindname", "the frame's SPDU name (CONNECT), or its TPDU's", func(f facts) (string, bool) {
		if f.isSPDU {
			return f.main.Kind.Name(), true
		}
		return f.frame.TPDU.Code.Name(), f.isFrame
	}},
	{"si", "the SPDU identifier (SI) of the frame's SPDU", func(f facts) (string, bool) { return strconv.Itoa(int(f.main.Kind.SI())), f.isSPDU }},
	{"seq", "a data packet's number, as its sender numbered it", func(f facts) (string, bool) {
		return strconv.FormatUint(uint64(f.name.Number), 10), f.isSPDU && f.main.Kind == spdu.DT && f.name.Numbered
	}},
	{"serial", "a sync point's serial number", func(f facts) (string, bool) {
		return strconv.FormatUint(uint64(f.main.Serial), 10), f.has(spdu.PSerial)
	}},
	{"data", "the frame's user data, as text", func(f facts) (string, bool) {
		if f.isSPDU && f.main.Kind == spdu.DT {
			return string(f.main.Info), len(f.main.Info) > 0
		}
		return string(f.main.UserData), f.has(spdu.PUserData)
	}},
	{"bytes", "the frame's size on the wire", func(f facts) (string, bool) { return strconv.Itoa(f.size), f.isFrame }},
	{"read", "how many bytes the read returned", of(func(e sim.Received) (string, bool) { return strconv.Itoa(e.ReadBytes), true })},
	{"frames", "how many frames that read held", of(func(e sim.Received) (string, bool) { return strconv.Itoa(e.FramesInRead), true })},
	{"calling", "the Calling SS-user Reference (the client's name for the session connection)", func(f facts) (string, bool) {
		return string(f.main.CallingRef), f.has(spdu.PCallingRef)
	}},
	{"called", "the Called SS-user Reference (the server's)", func(f facts) (string, bool) { return string(f.main.CalledRef), f.has(spdu.PCalledRef) }},
	{"common", "the Common Reference both sides share, with the time it names", func(f facts) (string, bool) {
		return readableRef(string(f.main.CommonRef)), f.has(spdu.PCommonRef)
	}},
	{"activity", "the Activity Identifier (AS), or in AR the new one", func(f facts) (string, bool) { return string(f.main.Activity), f.has(spdu.PActivity) }},
	{"oldactivity", "in AR, the activity it resumes", func(f facts) (string, bool) { return string(f.main.OldActivity), f.has(spdu.POldActivity) }},
	{"resumefrom", "in AR, where the activity goes on: after a sync point, or from its start", func(f facts) (string, bool) {
		if f.main.Serial == 0 {
			return "the activity's start, as no sync point had been confirmed", f.main.Kind == spdu.AR && f.has(spdu.PSerial)
		}
		return "just after sync point " + strconv.Itoa(int(f.main.Serial)), f.main.Kind == spdu.AR && f.has(spdu.PSerial)
	}},
	{"srcref", "the transport connection reference the TPDU's sender chose", func(f facts) (string, bool) {
		return fmt.Sprintf("0x%04x", f.frame.TPDU.Src), f.cotp()
	}},
	{"dstref", "the transport connection reference of the TPDU's receiver", func(f facts) (string, bool) {
		return fmt.Sprintf("0x%04x", f.frame.TPDU.Dst), f.cotp() && f.frame.TPDU.Code == spdu.CodeCC
	}},
	{"tpdusize", "the largest TPDU the transport connection allows", func(f facts) (string, bool) {
		return strconv.Itoa(spdu.SizeOf(f.frame.TPDU.Size)), f.cotp() && f.frame.TPDU.Size != 0
	}},
	{"conn", "which connection of the run (1, 2)", func(f facts) (string, bool) { return strconv.Itoa(f.h.Wire.Conn), f.h.Wire.Conn > 0 }},
	{"version", "the protocol versions in CN, AC or RF", func(f facts) (string, bool) { return f.main.Versions.String(), f.has(spdu.PVersion) }},
	{"units", "functional units proposed (CN) or accepted (AC)", func(f facts) (string, bool) { return f.main.Units.String(), f.has(spdu.PRequirements) }},
	{"initial", "the initial serial number in CN or AC", func(f facts) (string, bool) {
		return strconv.FormatUint(uint64(f.main.InitialSerial), 10), f.has(spdu.PInitialSerial)
	}},
	{"reason", "the reason code, in words", func(f facts) (string, bool) { return f.main.Reason.String(), f.has(spdu.PReason) }},
	{"code", "the reason code's number", func(f facts) (string, bool) { return strconv.Itoa(int(f.main.Reason)), f.has(spdu.PReason) }},
	{"state", "the TCP state the OS reports for this side", func(f facts) (string, bool) { return f.h.TCP.State.String(), f.tcp() }},
	{"rtt", "TCP's smoothed round-trip time", func(f facts) (string, bool) { return Micros(f.h.TCP.RTT), f.tcp() && f.h.TCP.RTT > 0 }},
	{"unacked", "TCP segments not yet acknowledged by the peer's kernel", func(f facts) (string, bool) {
		return strconv.Itoa(int(f.h.TCP.Unacked)), f.tcp() && f.h.TCP.Source == "TCP_INFO"
	}},
	{"source", "where the TCP facts come from (TCP_INFO, sock_diag)", func(f facts) (string, bool) { return f.h.TCP.Source, f.tcp() }},
	{"after", "the kernel's state for the connection after close", of(func(e sim.Closed) (string, bool) { return e.After.State.String(), e.After.Known })},
	{"timewait", "time left in TIME_WAIT", of(func(e sim.Closed) (string, bool) {
		return Duration(e.After.TimerLeft), e.After.Known && e.After.TimerLeft > 0
	})},
	{"transit", "measured time from the peer's write to the kernel's receive stamp", of(func(e sim.Received) (string, bool) {
		return Micros(e.Transit), e.Transit > 0
	})},
	{"queue", "connections in the accept queue before accept()", of(func(e sim.Accepted) (string, bool) { return strconv.Itoa(e.Queue), e.Queue >= 0 })},
	{"waited", "how long the connection waited to be accepted", of(func(e sim.Accepted) (string, bool) {
		return Duration(e.AfterHandshake), e.AfterHandshake > 0
	})},
	{"took", "how long connect() took", of(func(e sim.Dialed) (string, bool) { return Duration(e.Took), e.Took > 0 })},
	{"vm", "V(M), the next serial number", func(f facts) (string, bool) { return strconv.Itoa(int(f.h.Sync.VM)), f.h.Sync.Known }},
	{"va", "V(A), the lowest unacknowledged serial number", func(f facts) (string, bool) { return strconv.Itoa(int(f.h.Sync.VA)), f.h.Sync.Known }},
	{"vr", "V(R), the lowest serial number a restart may return to", func(f facts) (string, bool) { return strconv.Itoa(int(f.h.Sync.VR)), f.h.Sync.Known }},
	{"lastpoint", "the last sync point confirmed: V(A) - 1 (unknown when none is)", func(f facts) (string, bool) {
		return strconv.Itoa(int(f.h.Sync.VA) - 1), f.h.Sync.Known && f.h.Sync.VA > 1
	}},
	{"afterstate", "what the kernel holds of the connection after close, in words", of(func(e sim.Closed) (string, bool) { return afterState(e.After), e.After.Known })},
	{"pending", "data packets not yet confirmed (sender) or committed (receiver)", func(f facts) (string, bool) { return SeqList(f.h.Log.Pending), true }},
	{"confirmed", "data packets confirmed (sender) or committed (receiver)", func(f facts) (string, bool) { return SeqList(f.h.Log.Confirmed), true }},
	{"seqs", "the data packets this commit added", seqsOf},
	{"err", "the error a socket operation returned", func(f facts) (string, bool) {
		switch e := f.ev.(type) {
		case sim.ConnError:
			return PlainError(e.Err), e.Err != nil
		case sim.ScenarioEnded:
			return fmt.Sprint(e.Err), e.Err != nil
		}
		return "", false
	}},
	{"op", "the socket operation that failed", of(func(e sim.ConnError) (string, bool) { return e.Op, true })},
	{"speed", "the pacing speed", func(f facts) (string, bool) { return strconv.FormatFloat(f.h.Speed, 'g', -1, 64) + "x", f.h.Speed > 0 }},
	{"gap", "the pacing between data packets at the event's speed", func(f facts) (string, bool) {
		return Duration(sim.Scaled(sim.DefaultPacing().Cadence, f.h.Speed)), f.h.Speed > 0
	}},
	{"beat", "the pacing between one side's steps at the event's speed", func(f facts) (string, bool) {
		return Duration(sim.Scaled(sim.DefaultPacing().Beat, f.h.Speed)), f.h.Speed > 0
	}},
	{"why", "why the session was aborted", of(func(e sim.Aborted) (string, bool) { return e.Reason, e.Reason != "" })},
	{"lost", "data packets not confirmed (sender) or not committed (receiver) when the session was aborted", of(func(e sim.Aborted) (string, bool) {
		return SeqList(e.Lost), len(e.Lost) > 0
	})},
	{"delay", "how long a stall holds a frame back", of(func(e sim.Faulted) (string, bool) { return Duration(e.Delay), e.Delay > 0 })},
	// Answers for predictions: short words a choice's value can equal.
	{"acked", "all when TCP_INFO says nothing is unacknowledged, else some", func(f facts) (string, bool) {
		if f.h.TCP.Unacked == 0 {
			return "all", f.tcp() && f.h.TCP.Source == "TCP_INFO"
		}
		return "some", f.tcp() && f.h.TCP.Source == "TCP_INFO"
	}},
	{"handshake", "done when the client's connect() returned before accept() did, else not done", of(func(e sim.Accepted) (string, bool) {
		// Measured: the client's connect() had returned this long before
		// accept() handed the connection over.
		if e.AfterHandshake > 0 {
			return "done", true
		}
		return "not done", true
	})},
	{"twice", "for a data packet received: yes if the receiver now holds it more than once, else no", of(func(e sim.Received) (string, bool) {
		if !e.Name.Numbered || mainOrZero(e.Frame).Kind != spdu.DT || e.Side != sim.Server {
			return "", false
		}
		if countOf(e.Log.Confirmed, e.Name.Number)+countOf(e.Log.Pending, e.Name.Number) > 1 {
			return "yes", true
		}
		return "no", true
	})},
	{"waiter", "for a close: this side when it waits in TIME_WAIT afterwards, else neither", of(func(e sim.Closed) (string, bool) {
		if e.After.Known && e.After.State == sim.StateTimeWait {
			return e.Side.String(), true
		}
		return "neither", e.After.Known
	})},
}

// factIndex finds a fact by name.
func factIndex(name string) int {
	for i, ft := range factTable {
		if ft.name == name {
			return i
		}
	}
	return -1
}

func knownFact(name string) bool { return factIndex(name) >= 0 }

// get reads the fact called name from the event; false when the event
// does not carry it.
func (f facts) get(name string) (string, bool) {
	if i := factIndex(name); i >= 0 {
		v, ok := factTable[i].read(f)
		if f.stable {
			v = durationRe.ReplaceAllString(v, "‹time›")
		}
		return v, ok
	}
	return "", false
}

// afterState says what the kernel holds of a connection after close.
func afterState(t sim.TCPInfo) string {
	switch t.State {
	case sim.StateClose:
		return "the kernel no longer holds the connection"
	case sim.StateTimeWait:
		if t.TimerLeft > 0 {
			return "the kernel keeps the connection in TIME_WAIT, " + Duration(t.TimerLeft) + " left as it closed"
		}
		return "the kernel keeps the connection in TIME_WAIT"
	}
	return "the kernel reports " + t.State.String()
}

// PlainError says what a socket error means without Go's wrapping
// ("write tcp 127.0.0.1:46022->…: write: broken pipe"): the system's own
// words, or the protocol error.
func PlainError(err error) string {
	var se *os.SyscallError
	var pe *sim.ProtocolError
	switch {
	case errors.As(err, &pe):
		return pe.Error()
	case errors.As(err, &se):
		return se.Err.Error()
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// readableRef says what a Common Reference that is a UTC time (as the
// client makes it, YYMMDDhhmmssZ) stands for: "261206083000Z (UTC
// 2026-12-06 08:30:00)". Any other reference is left as it is.
func readableRef(ref string) string {
	t, err := time.Parse("060102150405Z", ref)
	if err != nil {
		return ref
	}
	return fmt.Sprintf("%s (UTC %s)", ref, t.Format("2006-01-02 15:04:05"))
}

// SeqList writes data packet numbers as "0 1 2", or "none".
func SeqList(seqs []uint32) string {
	if len(seqs) == 0 {
		return "none"
	}
	parts := make([]string, len(seqs))
	for i, s := range seqs {
		parts[i] = strconv.FormatUint(uint64(s), 10)
	}
	return strings.Join(parts, " ")
}

// Micros writes a short duration in whole microseconds: "37 µs".
func Micros(d time.Duration) string {
	return strconv.FormatInt(d.Microseconds(), 10) + " µs"
}

// Duration writes a duration for people: "1.002 s", "640 ms", "59 s".
func Duration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10) + " s"
	case d >= time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) + " s"
	case d >= 10*time.Millisecond:
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	case d >= time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
	}
	return Micros(d)
}

// mainOrZero returns a frame's main SPDU, or the zero SPDU.
func mainOrZero(f spdu.Frame) spdu.SPDU {
	m, _ := f.Main()
	return m
}

// countOf counts v in s.
func countOf(s []uint32, v uint32) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}
