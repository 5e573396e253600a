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

// factNames lists every placeholder a lesson file may use, with what it
// means; the TUI's help for instructors is generated from it.
var factNames = map[string]string{
	"side":        "the side the event happened on (client or server)",
	"peer":        "the other side",
	"local":       "this side's address",
	"localport":   "this side's port",
	"remote":      "the peer's address",
	"frame":       "the frame, as on the wire diagram (DT 3, MIP 1, CR)",
	"label":       "the frame with every SPDU it carries (GT+DT 3)",
	"tsdu":        "the SPDUs the frame carries (GT+DT)",
	"kind":        "the frame's SPDU abbreviation (CN), or its TPDU's for CR and CC",
	"kindname":    "the frame's SPDU name (CONNECT), or its TPDU's",
	"si":          "the SPDU identifier (SI) of the frame's SPDU",
	"seq":         "a data packet's number, from its user data",
	"serial":      "a sync point's serial number",
	"data":        "the frame's user data, as text",
	"bytes":       "the frame's size on the wire",
	"read":        "how many bytes the read returned",
	"frames":      "how many frames that read held",
	"calling":     "the Calling SS-user Reference (the client's name for the session connection)",
	"called":      "the Called SS-user Reference (the server's)",
	"common":      "the Common Reference both sides share",
	"activity":    "the Activity Identifier (AS), or in AR the new one",
	"oldactivity": "in AR, the activity it resumes",
	"resumefrom":  "in AR, where the activity goes on: after a sync point, or from its start",
	"srcref":      "the transport connection reference the TPDU's sender chose",
	"dstref":      "the transport connection reference of the TPDU's receiver",
	"tpdusize":    "the largest TPDU the transport connection allows",
	"conn":        "which connection of the run (1, 2)",
	"version":     "the protocol versions in CN, AC or RF",
	"units":       "functional units proposed (CN) or accepted (AC)",
	"initial":     "the initial serial number in CN or AC",
	"reason":      "the reason code, in words",
	"code":        "the reason code's number",
	"state":       "the TCP state the OS reports for this side",
	"rtt":         "TCP's smoothed round-trip time",
	"unacked":     "TCP segments not yet acknowledged by the peer's kernel",
	"source":      "where the TCP facts come from (TCP_INFO, sock_diag)",
	"after":       "the kernel's state for the connection after close",
	"timewait":    "time left in TIME_WAIT",
	"transit":     "measured time from the peer's write to the kernel's receive stamp",
	"queue":       "connections in the accept queue before accept()",
	"waited":      "how long the connection waited to be accepted",
	"took":        "how long connect() took",
	"vm":          "V(M), the next serial number",
	"va":          "V(A), the lowest unacknowledged serial number",
	"vr":          "V(R), the lowest serial number a restart may return to",
	"lastpoint":   "the last sync point confirmed: V(A) - 1 (unknown when none is)",
	"afterstate":  "what the kernel holds of the connection after close, in words",
	"pending":     "data packets not yet confirmed (sender) or committed (receiver)",
	"confirmed":   "data packets confirmed (sender) or committed (receiver)",
	"seqs":        "the data packets this commit added",
	"err":         "the error a socket operation returned",
	"op":          "the socket operation that failed",
	"speed":       "the pacing speed",
	"gap":         "the pacing between data packets at the event's speed",
	"beat":        "the pacing between one side's steps at the event's speed",
	"why":         "why the session was aborted",
	"lost":        "data packets not confirmed (sender) or not committed (receiver) when the session was aborted",
	"delay":       "how long a stall holds a frame back",
	// Answers for predictions: short words a choice's value can equal.
	"acked":     "all when TCP_INFO says nothing is unacknowledged, else some",
	"handshake": "done when the client's connect() returned before accept() did, else not done",
	"twice":     "for a data packet received: yes if the receiver now holds it more than once, else no",
	"waiter":    "for a close: this side when it waits in TIME_WAIT afterwards, else neither",
}

func knownFact(name string) bool {
	_, ok := factNames[name]
	return ok
}

// facts looks up placeholder values for one event.
type facts struct {
	ev sim.Event
	h  sim.Header
}

func factsOf(ev sim.Event) facts { return facts{ev: ev, h: ev.Head()} }

// frameOf returns the event's frame and its raw size, if it has one.
func frameOf(ev sim.Event) (spdu.Frame, int, bool) {
	switch e := ev.(type) {
	case sim.Sent:
		return e.Frame, len(e.Raw), true
	case sim.Received:
		return e.Frame, len(e.Raw), true
	}
	return spdu.Frame{}, 0, false
}

func (f facts) get(name string) (string, bool) {
	if v, ok, found := f.frameFact(name); found {
		return v, ok
	}
	h := f.h
	tcp := h.TCP.Known && h.TCP.State != sim.StateUnknown
	switch name {
	case "side":
		return h.Side.String(), h.Side != sim.Nobody
	case "peer":
		return h.Side.Peer().String(), h.Side != sim.Nobody
	case "local":
		return h.Local.String(), h.Local.IsValid()
	case "localport":
		return strconv.Itoa(int(h.Local.Port())), h.Local.IsValid()
	case "remote":
		return h.Remote.String(), h.Remote.IsValid()
	case "conn":
		return strconv.Itoa(h.Wire.Conn), h.Wire.Conn > 0
	case "state":
		return h.TCP.State.String(), tcp
	case "rtt":
		return Micros(h.TCP.RTT), tcp && h.TCP.RTT > 0
	case "unacked":
		return strconv.Itoa(int(h.TCP.Unacked)), tcp && h.TCP.Source == "TCP_INFO"
	case "acked":
		if h.TCP.Unacked == 0 {
			return "all", tcp && h.TCP.Source == "TCP_INFO"
		}
		return "some", tcp && h.TCP.Source == "TCP_INFO"
	case "source":
		return h.TCP.Source, tcp
	case "vm":
		return strconv.Itoa(int(h.Sync.VM)), h.Sync.Known
	case "va":
		return strconv.Itoa(int(h.Sync.VA)), h.Sync.Known
	case "vr":
		return strconv.Itoa(int(h.Sync.VR)), h.Sync.Known
	case "lastpoint":
		return strconv.Itoa(int(h.Sync.VA) - 1), h.Sync.Known && h.Sync.VA > 1
	case "pending":
		return SeqList(h.Log.Pending), true
	case "confirmed":
		return SeqList(h.Log.Confirmed), true
	case "speed":
		return strconv.FormatFloat(h.Speed, 'g', -1, 64) + "x", h.Speed > 0
	case "gap":
		return Duration(sim.Scaled(sim.DefaultPacing().Cadence, h.Speed)), h.Speed > 0
	case "beat":
		return Duration(sim.Scaled(sim.DefaultPacing().Beat, h.Speed)), h.Speed > 0
	}
	return f.eventFact(name)
}

// frameFact returns the facts of the event's frame; found is false for a
// name that is not one of them.
func (f facts) frameFact(name string) (v string, ok, found bool) {
	frame, size, hasFrame := frameOf(f.ev)
	m, hasSPDU := frame.Main()
	has := func(p spdu.Param) bool { return hasSPDU && m.Has.Has(p) }
	cotp := hasFrame && (frame.TPDU.Code == spdu.CodeCR || frame.TPDU.Code == spdu.CodeCC)
	found = true
	switch name {
	case "frame":
		v, ok = sim.ShortLabel(frame), hasFrame
	case "label":
		v, ok = sim.Label(frame), hasFrame
	case "tsdu":
		v, ok = frame.Kinds(), hasSPDU
	case "kind":
		v, ok = mainKind(frame), hasFrame
	case "kindname":
		v, ok = frame.TPDU.Code.Name(), hasFrame
		if hasSPDU {
			v = m.Kind.Name()
		}
	case "si":
		v, ok = strconv.Itoa(int(m.Kind.SI())), hasSPDU
	case "seq":
		n, isData := sim.PacketOf(m.Info)
		v, ok = strconv.Itoa(int(n)), hasSPDU && isData
	case "serial":
		v, ok = strconv.FormatUint(uint64(m.Serial), 10), has(spdu.PSerial)
	case "data":
		v, ok = string(m.UserData), has(spdu.PUserData)
		if m.Kind == spdu.DT {
			v, ok = string(m.Info), hasSPDU && len(m.Info) > 0
		}
	case "bytes":
		v, ok = strconv.Itoa(size), hasFrame
	case "calling":
		v, ok = string(m.CallingRef), has(spdu.PCallingRef)
	case "called":
		v, ok = string(m.CalledRef), has(spdu.PCalledRef)
	case "common":
		v, ok = string(m.CommonRef), has(spdu.PCommonRef)
	case "activity":
		v, ok = string(m.Activity), has(spdu.PActivity)
	case "oldactivity":
		v, ok = string(m.OldActivity), has(spdu.POldActivity)
	case "resumefrom":
		v, ok = "just after sync point "+strconv.Itoa(int(m.Serial)), m.Kind == spdu.AR && has(spdu.PSerial)
		if m.Serial == 0 {
			v = "the activity's start, as no sync point had been confirmed"
		}
	case "srcref":
		v, ok = fmt.Sprintf("0x%04x", frame.TPDU.Src), cotp
	case "dstref":
		v, ok = fmt.Sprintf("0x%04x", frame.TPDU.Dst), cotp && frame.TPDU.Code == spdu.CodeCC
	case "tpdusize":
		v, ok = strconv.Itoa(spdu.SizeOf(frame.TPDU.Size)), cotp && frame.TPDU.Size != 0
	case "version":
		v, ok = m.Versions.String(), has(spdu.PVersion)
	case "units":
		v, ok = m.Units.String(), has(spdu.PRequirements)
	case "initial":
		v, ok = strconv.FormatUint(uint64(m.InitialSerial), 10), has(spdu.PInitialSerial)
	case "reason":
		v, ok = m.Reason.String(), has(spdu.PReason)
	case "code":
		v, ok = strconv.Itoa(int(m.Reason)), has(spdu.PReason)
	default:
		found = false
	}
	return v, ok, found
}

// eventFact returns the facts only some event types carry.
func (f facts) eventFact(name string) (string, bool) {
	switch e := f.ev.(type) {
	case sim.Received:
		return receivedFact(e, name)
	case sim.Accepted:
		return acceptedFact(e, name)
	case sim.Dialed:
		if name == "took" {
			return Duration(e.Took), e.Took > 0
		}
	case sim.Committed:
		if name == "seqs" {
			return SeqList(e.Seqs), len(e.Seqs) > 0
		}
	case sim.CommitFailed:
		if name == "seqs" {
			return SeqList(e.Seqs), len(e.Seqs) > 0
		}
	case sim.Discarded:
		if name == "seqs" {
			return SeqList(e.Seqs), len(e.Seqs) > 0
		}
	case sim.Faulted:
		if name == "delay" {
			return Duration(e.Delay), e.Delay > 0
		}
	case sim.Aborted:
		switch name {
		case "why":
			return e.Reason, e.Reason != ""
		case "lost":
			return SeqList(e.Lost), len(e.Lost) > 0
		}
	case sim.Closed:
		switch name {
		case "waiter":
			if e.After.Known && e.After.State == sim.StateTimeWait {
				return e.Side.String(), true
			}
			return "neither", e.After.Known
		case "after":
			return e.After.State.String(), e.After.Known
		case "timewait":
			return Duration(e.After.TimerLeft), e.After.Known && e.After.TimerLeft > 0
		case "afterstate":
			return afterState(e.After), e.After.Known
		}
	case sim.ConnError:
		switch name {
		case "err":
			return PlainError(e.Err), e.Err != nil
		case "op":
			return e.Op, true
		}
	case sim.ScenarioEnded:
		if name == "err" {
			return fmt.Sprint(e.Err), e.Err != nil
		}
	}
	return "", false
}

// receivedFact is a fact only a frame read has.
func receivedFact(e sim.Received, name string) (string, bool) {
	switch name {
	case "twice":
		seq, ok := sim.PacketOf(mainOrZero(e.Frame).Info)
		if !ok || e.Side != sim.Server {
			return "", false
		}
		if n := countOf(e.Log.Confirmed, seq) + countOf(e.Log.Pending, seq); n > 1 {
			return "yes", true
		}
		return "no", true
	case "read":
		return strconv.Itoa(e.ReadBytes), true
	case "frames":
		return strconv.Itoa(e.FramesInRead), true
	case "transit":
		return Micros(e.Transit), e.Transit > 0
	}
	return "", false
}

// acceptedFact is a fact only accept() has.
func acceptedFact(e sim.Accepted, name string) (string, bool) {
	switch name {
	case "handshake":
		// Measured: the client's connect() had returned this long before
		// accept() handed the connection over.
		if e.AfterHandshake > 0 {
			return "done", true
		}
		return "not done", true
	case "queue":
		return strconv.Itoa(e.Queue), e.Queue >= 0
	case "waited":
		return Duration(e.AfterHandshake), e.AfterHandshake > 0
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
			return "the kernel keeps the connection in TIME_WAIT for " + Duration(t.TimerLeft) + " more"
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
