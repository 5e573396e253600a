package ui

import (
	"slices"
	"time"

	"sessionlab/sim"
)

// record is one event the UI has seen.
type record struct {
	ev    sim.Event
	wall  time.Time // the wall clock when it arrived: kernel timers run on it, paused or not
	start int       // index of its scenario's ScenarioStarted record
	// off is the index of the record that took what this one put on the
	// wire off it again (read it, or lost it), as the engine reported; -1
	// while it is still on its way.
	off int
	// group is the first record of the run this one belongs to: records
	// the lesson shows together as one step (lessons.SameStop) share it;
	// any other record is its own.
	group int
	own   bool // a step of its own: a prediction is asked before it, or it answers one
}

// history is every event of the current run, so that any moment of the
// run can be shown again. What crossed the wire comes from the events
// themselves (sim.Header.Wire): the UI draws it and derives nothing.
type history struct {
	recs  []record
	byID  map[int]int // event ID -> index in recs
	start int
}

func (h *history) len() int { return len(h.recs) }

// port is the server's listening port in this run, once it listens.
func (h *history) port() (uint16, bool) {
	for _, r := range h.recs {
		if l, ok := r.ev.(sim.Listening); ok && l.Local.IsValid() {
			return l.Local.Port(), true
		}
	}
	return 0, false
}

// add records ev, which arrived at wall time wall.
func (h *history) add(ev sim.Event, wall time.Time) {
	i := len(h.recs)
	if h.byID == nil {
		h.byID = map[int]int{}
	}
	if _, ok := ev.(sim.ScenarioStarted); ok {
		h.start = i
	}
	w := ev.Head().Wire
	for _, id := range append([]int{w.From}, w.Lost...) {
		if j, ok := h.byID[id]; ok && id != 0 {
			h.recs[j].off = i
		}
	}
	h.recs = append(h.recs, record{ev: ev, wall: wall, start: h.start, off: -1, group: i})
	h.byID[ev.Head().ID] = i
}

// puts reports what record i put on the wire.
func (h *history) puts(i int) sim.Carrier { return h.recs[i].ev.Head().Wire.Put }

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
		if h.puts(i) != sim.CarryNone && (r.off < 0 || r.off > c) {
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

// offset is the time of record i since its scenario started, on the
// lesson clock: the same live, stepped and replayed.
func (h *history) offset(i int) time.Duration {
	r := h.recs[i]
	return r.ev.Head().Paced - h.recs[r.start].ev.Head().Paced
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

// faultedSince reports whether a fault struck between records from and
// to: the path of the run is no longer the normal one.
func (h *history) faultedSince(from, to int) bool {
	for i := max(from, 0); i <= to && i < len(h.recs); i++ {
		if _, ok := h.recs[i].ev.(sim.Faulted); ok {
			return true
		}
	}
	return false
}
