package ui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/sim"
)

// The ladder is the sequence diagram that Wireshark's flow graph and every
// textbook draw: the client and the server as two columns, time running
// down, one arrow per frame. It is built from the records shown so far,
// never drawn by hand per lesson: what the engine put on the wire (a
// frame, TCP's FIN or RST), a connect() that finished TCP's handshake,
// and markers for faults and aborts.

// rung is one row of the ladder.
type rung struct {
	rec  int    // the record it comes from
	text string // drawn, at the ladder's width
}

// ladderLines draws the ladder in width columns and height rows, the
// step on screen highlighted and kept in view.
func (m *lessonModel) ladderLines(width, height int) []string {
	st := m.c.styles
	inner := max(width-2, 12)
	head := " " + st.Client.Render("client") + strings.Repeat(" ", max(inner-12, 1)) + st.Server.Render("server")
	var rungs []rung
	for i := 0; i <= m.shown && i < m.hist.len(); i++ {
		if s, ok := m.rungFor(i, inner); ok {
			rungs = append(rungs, rung{i, s})
		}
	}
	if len(rungs) == 0 {
		return []string{head, st.Muted.Render(" no frame yet")}
	}
	// The highlighted rung is the step on screen's: for a read, the frame
	// it took off the wire; otherwise the last rung up to the step.
	target := m.cursor
	if m.cursor >= 0 {
		if from := m.hist.recs[m.cursor].ev.Head().Wire.From; from != 0 {
			if j, ok := m.hist.byID[from]; ok {
				target = j
			}
		}
	}
	hi := -1
	for k, r := range rungs {
		if r.rec == target {
			hi = k
			break
		}
		if r.rec <= m.cursor {
			hi = k
		}
	}
	rows := height - 1
	// For a room, rungs are a row apart when the height has room for the
	// whole ladder so: easier to follow from the back of a room, and the
	// height is used.
	spare := 0
	if m.presenting() && rows >= 2*len(rungs) {
		spare = len(rungs)
	}
	first := max(0, min(hi-rows*2/3, len(rungs)-rows))
	out := []string{head}
	for k := first; k < len(rungs) && len(out) <= rows; k++ {
		line := rungs[k].text
		if k == hi {
			line = st.Cursor.Render("▸") + line
		} else {
			line = " " + line
		}
		if spare > 0 && k > first && (k*spare)/len(rungs) > ((k-1)*spare)/len(rungs) && len(out) < rows {
			out = append(out, " │"+strings.Repeat(" ", max(inner-2, 0))+"│")
		}
		out = append(out, line)
	}
	return out
}

// rungFor draws record i's row of the ladder, if it has one.
func (m *lessonModel) rungFor(i, width int) (string, bool) {
	st := m.c.styles
	r := m.hist.recs[i]
	h := r.ev.Head()
	switch e := r.ev.(type) {
	case sim.ScenarioStarted:
		name := m.lesson.PartName(e.Scenario)
		return st.Muted.Render(ansi.Truncate("┈┈ "+name+" "+strings.Repeat("┈", width), width, "")), true
	case sim.Dialed:
		return arrow("TCP handshake", true, false, width, st.Frames[classTCP], "┈", "⇄"), true
	case sim.Aborted:
		return mark(h.Side, e.Label(), width, st.Error), true
	case sim.Faulted:
		if h.Wire.Put == sim.CarryRST {
			return arrow("!RST! fault", h.Side == sim.Client, m.lost(i), width, st.Frames[classAbort], "━", "▶"), true
		}
		return mark(h.Side, "fault: "+e.Fault.String(), width, st.Error), true
	case sim.Sent:
		b := brackets[classOf(e.Frame)]
		return arrow(b[0]+e.Name.String()+b[1], h.Side == sim.Client, m.lost(i), width, st.Frames[classOf(e.Frame)], "─", "▶"), true
	}
	switch h.Wire.Put {
	case sim.CarryFIN:
		return arrow("·FIN·", h.Side == sim.Client, m.lost(i), width, st.Frames[classTCP], "┈", "▶"), true
	case sim.CarryRST:
		return arrow("!RST!", h.Side == sim.Client, m.lost(i), width, st.Frames[classAbort], "━", "▶"), true
	}
	return "", false
}

// lost reports whether what record i put on the wire was lost: the event
// that took it off says so (a reset threw it away).
func (m *lessonModel) lost(i int) bool {
	off := m.hist.recs[i].off
	return off >= 0 && slices.Contains(m.hist.recs[off].ev.Head().Wire.Lost, m.hist.recs[i].ev.Head().ID)
}

// arrow draws one rung: the two sides' lines, and between them a label
// and a shaft pointing from the sender to the receiver (both ways for
// TCP's handshake), ending in ✗ when what it carried was lost.
func arrow(label string, rightward, lost bool, width int, style interface{ Render(...string) string }, shaft, head string) string {
	span := width - 2
	body := span - ansi.StringWidth(label) - 3
	if body < 2 {
		label = ansi.Truncate(label, max(span-5, 1), "…")
		body = max(span-ansi.StringWidth(label)-3, 2)
	}
	end := head
	if lost {
		end = "✗"
	}
	var s string
	switch {
	case head == "⇄":
		s = " " + label + " " + strings.Repeat(shaft, body) + "⇄"
	case rightward:
		s = " " + label + " " + strings.Repeat(shaft, body) + end
	default:
		if !lost {
			end = "◀"
		}
		s = end + strings.Repeat(shaft, body) + " " + label + " "
	}
	return "│" + style.Render(s) + "│"
}

// mark draws an event that put nothing on the wire but changed the
// session, beside the side it happened on.
func mark(side sim.Side, text string, width int, style interface{ Render(...string) string }) string {
	span := width - 2
	text = ansi.Truncate(text, span-2, "…")
	pad := strings.Repeat(" ", max(span-ansi.StringWidth(text)-1, 0))
	if side == sim.Server {
		return "│" + pad + style.Render(text) + " │"
	}
	return "│ " + style.Render(text) + pad + "│"
}
