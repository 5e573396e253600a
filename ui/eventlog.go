package ui

import (
	"fmt"
	"strings"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// logLabel is a record's line in the event log: time, side, and what
// happened, short enough for a narrow pane.
func (h *history) logLabel(i int) string {
	ev := h.recs[i].ev
	hd := ev.Head()
	if st, ok := ev.(sim.ScenarioStarted); ok {
		return "── " + st.Scenario.String() + " ──"
	}
	what := ""
	switch e := ev.(type) {
	case sim.ScenarioEnded:
		if e.Err != nil {
			return "── stopped: " + e.Err.Error()
		}
		return "── end ──"
	case sim.Listening:
		what = "listening"
	case sim.Dialed:
		what = "connected"
	case sim.Accepted:
		what = "accepted"
	case sim.Sent:
		what = "→ " + lessons.FrameLabel(e.Frame)
	case sim.Received:
		what = "← " + lessons.FrameLabel(e.Frame)
	case sim.Committed:
		what = "committed " + lessons.SeqList(e.Seqs)
	case sim.Observed:
		what = "TCP_INFO"
		if hd.TCP.Known {
			what += " " + hd.TCP.State.String()
		}
	case sim.HalfClosed:
		what = "→ FIN (shutdown)"
	case sim.PeerClosed:
		what = "← FIN (end of stream)"
	case sim.ConnError:
		what = e.Op + " failed"
		if e.Reset {
			what = "← RST (" + e.Op + " reset)"
		}
	case sim.Closed:
		what = "closed"
		if e.Abortive {
			what = "→ RST (close, linger 0)"
		}
	}
	return fmt.Sprintf("%8s %-6s %s", lessons.Offset(h.offset(i)), hd.Side, what)
}

// refreshLog rebuilds the log pane's content and keeps the cursor's line
// in view.
func (m *lessonModel) refreshLog() {
	var b strings.Builder
	st := m.c.styles
	for i := range m.hist.recs {
		if i > 0 {
			b.WriteByte('\n')
		}
		line := m.hist.logLabel(i)
		if i == m.cursor {
			b.WriteString(st.Cursor.Render("▸" + line))
		} else {
			b.WriteString(" " + line)
		}
	}
	m.log.SetContent(b.String())
	m.logFree = false
	m.followCursor()
}

// followCursor scrolls the log so that the cursor's line shows.
func (m *lessonModel) followCursor() {
	h := m.log.Height
	if h <= 0 || m.cursor < 0 {
		return
	}
	switch {
	case m.cursor < m.log.YOffset:
		m.log.SetYOffset(m.cursor)
	case m.cursor >= m.log.YOffset+h:
		m.log.SetYOffset(m.cursor - h + 1)
	case m.live:
		// Following the run: keep the newest line at the bottom, so the
		// pane fills from the top once it has more lines than rows.
		m.log.SetYOffset(max(m.cursor-h+1, 0))
	}
}
