package sim_test

import (
	"bytes"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"testing"
)

// checkWire checks what events say about the wire against the events
// themselves: IDs number the events in order; whatever an event took off
// the wire was put on by an earlier event of the peer, of the same kind,
// on the same connection (a read frame has the very bytes written); and
// nothing is taken off or lost twice.
func checkWire(t *testing.T, evs []Event) {
	t.Helper()
	byID := map[int]Event{}
	done := map[int]int{} // put-on ID -> the event that took it off or lost it
	for i, ev := range evs {
		h := ev.Head()
		if h.ID != i+1 {
			t.Fatalf("event %d (%s) has ID %d", i+1, simtest.Label(ev), h.ID)
		}
		byID[h.ID] = ev
		account := func(id int, what string) {
			t.Helper()
			put, ok := byID[id]
			switch {
			case !ok || id >= h.ID:
				t.Fatalf("%d %s: %s %d, which is not an earlier event", h.ID, simtest.Label(ev), what, id)
			case put.Head().Wire.Put == CarryNone:
				t.Fatalf("%d %s: %s %d (%s), which put nothing on the wire", h.ID, simtest.Label(ev), what, id, simtest.Label(put))
			case put.Head().Side != h.Side.Peer() || put.Head().Wire.Conn != h.Wire.Conn:
				t.Fatalf("%d %s: %s %d (%s) from another side or connection", h.ID, simtest.Label(ev), what, id, simtest.Label(put))
			case done[id] != 0:
				t.Fatalf("%d %s: %s %d, already accounted for by %d", h.ID, simtest.Label(ev), what, id, done[id])
			}
			done[id] = h.ID
		}
		if from := h.Wire.From; from != 0 {
			account(from, "took off")
			want := map[string]Carrier{"received": CarryFrame, "peerclosed": CarryFIN, "connerror": CarryRST}[ev.Verb()]
			if got := byID[from].Head().Wire.Put; got != want {
				t.Fatalf("%d %s took off a %v, want a %v", h.ID, simtest.Label(ev), got, want)
			}
			if rx, ok := ev.(Received); ok && !bytes.Equal(rx.Raw, byID[from].(Sent).Raw) {
				t.Fatalf("%d %s read % x, but %d wrote % x", h.ID, simtest.Label(ev), rx.Raw, from, byID[from].(Sent).Raw)
			}
		}
		for _, id := range h.Wire.Lost {
			account(id, "lost")
		}
		if _, ok := ev.(Received); ok && h.Wire.From == 0 {
			t.Fatalf("%d %s: a frame read that no event wrote", h.ID, simtest.Label(ev))
		}
	}
}

// TestWireFacts runs every scenario, unpaced and paced, and checks the
// wire facts; on the normal path every frame written is also read.
func TestWireFacts(t *testing.T) {
	for _, sc := range Scenarios() {
		for _, cfg := range []Config{{Scenarios: []Scenario{sc}, Unpaced: true}, {Scenarios: []Scenario{sc}}} {
			var evs []Event
			if cfg.Unpaced {
				evs = simtest.Run(t, cfg)
			} else {
				evs = simtest.Paced(t, cfg)
			}
			checkWire(t, evs)
			taken := map[int]bool{}
			for _, ev := range evs {
				taken[ev.Head().Wire.From] = true
			}
			for _, ev := range evs {
				if s, ok := ev.(Sent); ok && !taken[s.ID] && sc != RecoverReconnect {
					t.Errorf("%v: %d %s was never read", sc, s.ID, simtest.Label(ev))
				}
			}
		}
	}
}
