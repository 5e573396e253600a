package lessons

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// factNames lists every placeholder a lesson file may use, with what it
// means; the TUI's help for instructors is generated from it.
var factNames = map[string]string{
	"side":      "the side the event happened on (client or server)",
	"peer":      "the other side",
	"local":     "this side's address",
	"localport": "this side's port",
	"remote":    "the peer's address",
	"frame":     "the frame, as on the wire diagram (DT 3, MIP 1)",
	"kind":      "the frame's SPDU abbreviation (CN)",
	"kindname":  "the frame's SPDU name (connect)",
	"seq":       "a data packet's sequence number",
	"serial":    "a sync point's serial number",
	"data":      "the frame's user data, as text",
	"bytes":     "the frame's size on the wire",
	"read":      "how many bytes the read returned",
	"frames":    "how many frames that read held",
	"session":   "the session ID",
	"version":   "the protocol version in CN or AC",
	"units":     "functional units proposed (CN) or accepted (AC)",
	"initial":   "the initial serial number in CN or AC",
	"reason":    "the reason code, in words",
	"code":      "the reason code's number",
	"state":     "the TCP state the OS reports for this side",
	"rtt":       "TCP's smoothed round-trip time",
	"unacked":   "TCP segments not yet acknowledged by the peer's kernel",
	"source":    "where the TCP facts come from (TCP_INFO, sock_diag)",
	"after":     "the kernel's state for the connection after close",
	"timewait":  "time left in TIME_WAIT",
	"transit":   "measured time from the peer's write to the kernel's receive stamp",
	"queue":     "connections in the accept queue before accept()",
	"waited":    "how long the connection waited to be accepted",
	"took":      "how long connect() took",
	"vm":        "V(M), the next serial number",
	"va":        "V(A), the lowest unacknowledged serial number",
	"vr":        "V(R), the lowest serial number a restart may return to",
	"pending":   "data packets not yet confirmed (sender) or committed (receiver)",
	"confirmed": "data packets confirmed (sender) or committed (receiver)",
	"seqs":      "the data packets this commit added",
	"err":       "the error a socket operation returned",
	"op":        "the socket operation that failed",
	"speed":     "the pacing speed",
	"why":       "why the session was aborted",
	"lost":      "data packets not confirmed (sender) or not committed (receiver) when the session was aborted",
	"delay":     "how long a stall holds a frame back",
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
	h := f.h
	frame, size, hasFrame := frameOf(f.ev)
	has := func(p spdu.Param) bool { return hasFrame && frame.Has.Has(p) }
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
	case "frame":
		return frame.Label(), hasFrame
	case "kind":
		return frame.Kind.String(), hasFrame
	case "kindname":
		return frame.Kind.Name(), hasFrame
	case "seq":
		return strconv.FormatUint(uint64(frame.Seq), 10), has(spdu.PSeq)
	case "serial":
		return strconv.FormatUint(uint64(frame.Serial), 10), has(spdu.PSerial)
	case "data":
		return string(frame.Data), has(spdu.PUserData)
	case "bytes":
		return strconv.Itoa(size), hasFrame
	case "session":
		return fmt.Sprintf("%016x", frame.SessionID), has(spdu.PSessionID)
	case "version":
		return strconv.Itoa(int(frame.Version)), has(spdu.PVersion)
	case "units":
		return frame.Units.String(), has(spdu.PRequirements)
	case "initial":
		return strconv.FormatUint(uint64(frame.InitialSerial), 10), has(spdu.PInitialSerial)
	case "reason":
		return frame.Reason.String(), has(spdu.PReason)
	case "code":
		return strconv.Itoa(int(frame.Reason)), has(spdu.PReason)
	case "state":
		return h.TCP.State.String(), tcp
	case "rtt":
		return Micros(h.TCP.RTT), tcp && h.TCP.RTT > 0
	case "unacked":
		return strconv.Itoa(int(h.TCP.Unacked)), tcp && h.TCP.Source == "TCP_INFO"
	case "source":
		return h.TCP.Source, tcp
	case "vm":
		return strconv.Itoa(int(h.Sync.VM)), h.Sync.Known
	case "va":
		return strconv.Itoa(int(h.Sync.VA)), h.Sync.Known
	case "vr":
		return strconv.Itoa(int(h.Sync.VR)), h.Sync.Known
	case "pending":
		return SeqList(h.Log.Pending), true
	case "confirmed":
		return SeqList(h.Log.Confirmed), true
	}
	return f.eventFact(name)
}

// eventFact returns the facts only some event types carry.
func (f facts) eventFact(name string) (string, bool) {
	switch e := f.ev.(type) {
	case sim.Received:
		switch name {
		case "read":
			return strconv.Itoa(e.ReadBytes), true
		case "frames":
			return strconv.Itoa(e.FramesInRead), true
		case "transit":
			return Micros(e.Transit), e.Transit > 0
		}
	case sim.Accepted:
		switch name {
		case "queue":
			return strconv.Itoa(e.Queue), e.Queue >= 0
		case "waited":
			return Duration(e.AfterHandshake), e.AfterHandshake > 0
		}
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
		case "after":
			return e.After.State.String(), e.After.Known
		case "timewait":
			return Duration(e.After.TimerLeft), e.After.Known && e.After.TimerLeft > 0
		}
	case sim.ConnError:
		switch name {
		case "err":
			return e.Err.Error(), e.Err != nil
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
