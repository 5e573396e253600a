package ui

import (
	"slices"
	"time"

	"sessionlab/sim"
)

// record is one event the UI has seen.
type record struct {
	ev    sim.Event
	seen  time.Duration // the animation clock when it arrived
	start int           // index of its scenario's ScenarioStarted record
	// match links what one side puts on the wire with the peer's event
	// that takes it off: a Sent with its Received, a FIN with the peer's
	// end of stream, an RST with the peer's reset. -1 while unmatched.
	match int
	wire  wireKind // what this record puts on the wire, if anything
}

// wireKind is what travels between the endpoints.
type wireKind int

const (
	wireNone  wireKind = iota
	wireFrame          // an SPDU
	wireFIN            // TCP's FIN, from shutdown or close
	wireRST            // TCP's RST, from a close with linger 0
)

// history is every event of the current run, with what crossed the wire
// matched up, so that any moment of the run can be shown again.
type history struct {
	recs    []record
	pending [3][]int // per sending side: records on the wire, not yet taken off, in order
	finSent [3]bool  // per side: a FIN already went out in this scenario
	start   int
}

func (h *history) len() int { return len(h.recs) }

// add records ev, which arrived at animation time seen.
func (h *history) add(ev sim.Event, seen time.Duration) {
	i := len(h.recs)
	hd := ev.Head()
	r := record{ev: ev, seen: seen, match: -1}
	if _, ok := ev.(sim.ScenarioStarted); ok {
		h.start = i
		h.pending = [3][]int{}
		h.finSent = [3]bool{}
	}
	r.start = h.start
	side := hd.Side
	switch e := ev.(type) {
	case sim.Sent:
		r.wire = wireFrame
	case sim.HalfClosed:
		r.wire = wireFIN
		h.finSent[side] = true
	case sim.Closed:
		switch {
		case e.Abortive:
			r.wire = wireRST
		case !h.finSent[side]:
			r.wire = wireFIN
			h.finSent[side] = true
		}
	case sim.Received:
		r.match = h.takeOff(i, side.Peer(), wireFrame)
	case sim.PeerClosed:
		r.match = h.takeOff(i, side.Peer(), wireFIN)
	case sim.ConnError:
		if e.Reset {
			r.match = h.takeOff(i, side.Peer(), wireRST)
		}
	case sim.Faulted:
		// A reset or a stop closes a connection with linger 0: an RST.
		if !e.None && e.Fault != sim.FaultStall {
			r.wire = wireRST
			h.lostTo(i, side)
		}
	}
	switch ev.(type) {
	case sim.Closed, sim.ConnError:
		// What was on its way to this side's socket will never be read.
		h.lostTo(i, side)
	}
	h.recs = append(h.recs, r)
	if r.wire != wireNone && side != sim.Nobody {
		h.pending[side] = append(h.pending[side], i)
	}
}

// takeOff matches record i, about to be added, with the first pending
// record of kind k that from put on the wire, and returns that record's
// index (-1: none). TCP keeps order, so anything pending before it of
// another kind never arrived (frames behind an RST).
func (h *history) takeOff(i int, from sim.Side, k wireKind) int {
	q := h.pending[from]
	for j, idx := range q {
		if h.recs[idx].wire == k {
			h.recs[idx].match = i
			h.pending[from] = q[j+1:]
			return idx
		}
	}
	return -1
}

// lostTo takes off the wire, as of record i, everything still on its way
// to side: its socket is gone.
func (h *history) lostTo(i int, side sim.Side) {
	if side == sim.Nobody {
		return
	}
	from := side.Peer()
	for _, idx := range h.pending[from] {
		h.recs[idx].match = i
	}
	h.pending[from] = nil
}

// inFlight returns the records that were on the wire at cursor c: put on
// by then, in c's scenario, and not yet taken off by then. Once the
// scenario has ended nothing is.
func (h *history) inFlight(c int) []int {
	if c < 0 || c >= len(h.recs) {
		return nil
	}
	if _, ended := h.recs[c].ev.(sim.ScenarioEnded); ended {
		return nil
	}
	var out []int
	for i := h.recs[c].start; i <= c; i++ {
		r := h.recs[i]
		if r.wire != wireNone && (r.match < 0 || r.match > c) {
			out = append(out, i)
		}
	}
	return out
}

// sideAt returns the latest header from side at or before c, in c's
// scenario.
func (h *history) sideAt(c int, side sim.Side) (sim.Header, bool) {
	if c < 0 || c >= len(h.recs) {
		return sim.Header{}, false
	}
	for i := c; i >= h.recs[c].start; i-- {
		if hd := h.recs[i].ev.Head(); hd.Side == side {
			return hd, true
		}
	}
	return sim.Header{}, false
}

// lastTCP returns side's latest TCP facts at or before c, with the record
// they come from; a closed socket reports its kernel state after close.
func (h *history) lastTCP(c int, side sim.Side) (sim.TCPInfo, int, bool) {
	if c < 0 || c >= len(h.recs) {
		return sim.TCPInfo{}, 0, false
	}
	for i := c; i >= h.recs[c].start; i-- {
		ev := h.recs[i].ev
		if ev.Head().Side != side {
			continue
		}
		if cl, ok := ev.(sim.Closed); ok {
			return cl.After, i, cl.After.Known
		}
		if f, ok := ev.(sim.Faulted); ok && f.After.Known {
			return f.After, i, true
		}
		if t := ev.Head().TCP; t.Known {
			return t, i, true
		}
	}
	return sim.TCPInfo{}, 0, false
}

// lastFrame returns the latest record with a frame at or before c.
func (h *history) lastFrame(c int) (int, bool) {
	for i := min(c, len(h.recs)-1); i >= 0; i-- {
		switch h.recs[i].ev.(type) {
		case sim.Sent, sim.Received:
			return i, true
		}
	}
	return 0, false
}

// medianTransit returns the median of the transit times measured in c's
// scenario up to c.
func (h *history) medianTransit(c int) (time.Duration, bool) {
	if c < 0 || c >= len(h.recs) {
		return 0, false
	}
	var ds []time.Duration
	for i := h.recs[c].start; i <= c; i++ {
		if rx, ok := h.recs[i].ev.(sim.Received); ok && rx.Transit > 0 {
			ds = append(ds, rx.Transit)
		}
	}
	if len(ds) == 0 {
		return 0, false
	}
	slices.Sort(ds)
	return ds[len(ds)/2], true
}

// offset is the time of record i since its scenario started.
func (h *history) offset(i int) time.Duration {
	r := h.recs[i]
	return r.ev.Head().At.Sub(h.recs[r.start].ev.Head().At)
}

// lastNonMarker returns the latest record before c that is not a
// scenario's start or end.
func (h *history) lastNonMarker(c int) (int, bool) {
	for i := c - 1; i >= 0; i-- {
		switch h.recs[i].ev.(type) {
		case sim.ScenarioStarted, sim.ScenarioEnded:
			continue
		}
		return i, true
	}
	return 0, false
}
