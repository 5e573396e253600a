package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// narrationBudget is about the longest event narration, in characters,
// that the lesson files hold once filled in. (Introductions are longer;
// the picker shows them.)
const narrationBudget = 440

// layout is what the lesson screen computes when something changes, so
// that View only puts it together.
type layout struct {
	width, height int
	helpHeight    int
	narration     []string // the narration block, rendered
	bottom        int      // height of the log and inspector block
	logWidth      int      // 0 when only one pane shows
	inspector     []string
}

// relayout recomputes the layout for the current state and size, and sizes
// the log viewport to match.
func (m *lessonModel) relayout(width, height, helpHeight int) {
	l := layout{width: width, height: height, helpHeight: helpHeight}
	fixed := 1 + len(m.endpointLines(width, height)) + 4 + helpHeight
	// The narration block has a fixed height for a given terminal, so that
	// nothing below it moves from one event to the next: enough lines for
	// the longest narration at this width, as long as the panes keep five.
	text := min(narrationBudget/max(width-2, 1)+1, max(height-fixed-6, 2))
	l.narration = m.narrationLines(width, text+1)
	for len(l.narration) < text+1 {
		l.narration = append(l.narration, "")
	}
	l.bottom = max(height-fixed-len(l.narration), 1)
	body := l.bottom - 1
	inspectorW := width - 2
	if width >= 90 {
		l.logWidth = min(48, width*2/5)
		inspectorW = width - l.logWidth - 4
	}
	l.inspector = m.inspectorLines(inspectorW, body)
	m.lay = l
	logW := l.logWidth
	if logW == 0 {
		logW = width - 1
	}
	m.log.Width, m.log.Height = logW, body
	if m.logHeight != body {
		m.refreshLog() // the padding depends on the height
		m.log.SetYOffset(m.log.YOffset)
	}
}

// view draws the lesson screen from the last layout, with help at the
// bottom.
func (m *lessonModel) view(help string) string {
	l := m.lay
	lines := []string{m.header(l.width)}
	lines = append(lines, m.endpointLines(l.width, l.height)...)
	lines = append(lines, m.wireLines(l.width)...)
	lines = append(lines, l.narration...)
	lines = append(lines, m.panes(l.width, l.bottom)...)
	lines = append(lines, help)
	return strings.Join(lines, "\n")
}

// header names the lesson and says what state the run is in.
func (m *lessonModel) header(width int) string {
	st := m.c.styles
	left := " " + st.Title.Render("SessionLab") + st.Muted.Render(" · ") + st.Bold.Render(m.lesson.Title)
	var status string
	switch {
	case m.err != nil:
		status = st.Error.Render("could not start")
	case m.starting:
		status = st.Muted.Render("starting…")
	case !m.live:
		status = st.Replay.Render(fmt.Sprintf(" REPLAY %d/%d ", m.cursor+1, m.hist.len()))
	case m.paused:
		status = st.Paused.Render(" PAUSED ") + st.Muted.Render(fmt.Sprintf(" at event %d", m.hist.len()))
	case m.done:
		status = st.Bold.Render("■ finished")
	default:
		status = st.Live.Render("● live")
	}
	status += st.Muted.Render(" · speed " + speedLabel(m.speed))
	gap := width - ansi.StringWidth(left) - ansi.StringWidth(status)
	if gap < 1 {
		return ansi.Truncate(left+" "+status, width, "…")
	}
	return left + strings.Repeat(" ", gap) + status
}

// endpointLines draws the client on the left and the server on the
// right, each as the OS and the session protocol machine see it at the
// cursor.
func (m *lessonModel) endpointLines(width, height int) []string {
	st := m.c.styles
	// The server's column starts where the client's widest line would end
	// at full detail, not at half the width: shorter lines, fewer bytes.
	col := min((width-2)/2, 44)
	sides := [2][]string{}
	for k, side := range []sim.Side{sim.Client, sim.Server} {
		name := st.Client.Render("client")
		if side == sim.Server {
			name = st.Server.Render("server")
		}
		h, ok := m.hist.sideAt(m.cursor, side)
		lines := []string{name}
		if ok && h.Local.IsValid() {
			lines[0] += " " + h.Local.String()
		}
		tcp := ""
		if t, at, ok := m.hist.lastTCP(m.cursor, side); ok {
			// The state only: the smoothed RTT moves on every sample, which
			// says little and costs a redraw; the narration of the connect
			// gives it once.
			tcp = "TCP " + t.State.String()
			if left := m.timerLeft(t, at); left > 0 {
				tcp += " · " + lessons.Duration(left) + " left"
			}
		}
		lines = append(lines, tcp)
		sync := ""
		if ok && h.Sync.Known {
			sync = fmt.Sprintf("V(M)=%d V(A)=%d V(R)=%d", h.Sync.VM, h.Sync.VA, h.Sync.VR)
		}
		lines = append(lines, sync)
		if height >= 24 {
			lines = append(lines, ledger(h, side))
		}
		sides[k] = lines
	}
	out := make([]string, len(sides[0]))
	for i := range out {
		out[i] = " " + padRight(ansi.Truncate(sides[0][i], col-1, "…"), col) + ansi.Truncate(sides[1][i], col-1, "…")
	}
	return out
}

// ledger says which data packets a side holds and which are settled: for
// the client, sent but unconfirmed and confirmed; for the server, held
// and committed.
func ledger(h sim.Header, side sim.Side) string {
	if len(h.Log.Pending) == 0 && len(h.Log.Confirmed) == 0 {
		return ""
	}
	held, settled := "unconfirmed ", "confirmed "
	if side == sim.Server {
		held, settled = "holding ", "committed "
	}
	var parts []string
	if len(h.Log.Pending) > 0 {
		parts = append(parts, held+lessons.SeqList(h.Log.Pending))
	}
	if len(h.Log.Confirmed) > 0 {
		parts = append(parts, settled+lessons.SeqList(h.Log.Confirmed))
	}
	return strings.Join(parts, " · ")
}

// narrationLines says what just happened and why it matters, in the
// lesson's words, wrapped to width and cut to at most max lines.
func (m *lessonModel) narrationLines(width, maxLines int) []string {
	st := m.c.styles
	title, text := m.lesson.Title, m.lesson.Summary
	switch {
	case m.err != nil:
		title = "Could not start the lesson"
		text = m.err.Error() + "\n\nPress r to try again, or esc to choose another lesson."
	case m.cursor >= 0:
		ev := m.hist.recs[m.cursor].ev
		switch ev.(type) {
		case sim.ScenarioStarted:
			title = m.lesson.Line(ev)
			text = "Opening a listening socket…"
		case sim.ScenarioEnded:
			// The last thing that happened stays on screen, and how to go on.
			// A fault that never fired comes first: it explains why the
			// run looks normal, and must not be cut off.
			title = "What happened"
			text = ""
			for _, u := range m.unfired {
				text += fmt.Sprintf("The fault %v you asked for never fired: %s.\n\n", u.Fault, u.Why)
			}
			if p, ok := m.hist.lastNonMarker(m.cursor); ok {
				text += m.lesson.Narration(m.hist.recs[p].ev) + "\n\n"
			}
			text += "This run is over: r runs the lesson again, esc chooses another."
		default:
			// The event itself is the log's marked line; a title that
			// stays put is one line less to redraw per event.
			title = "What happened"
			text = m.lesson.Narration(ev)
		}
	}
	if m.hint != "" {
		text = m.hint
	}
	out := []string{" " + st.Bold.Render(ansi.Truncate(title, width-2, "…"))}
	if text == "" {
		return out
	}
	wrapped := strings.Split(ansi.Wordwrap(text, width-2, ""), "\n")
	if len(wrapped) > maxLines-1 {
		wrapped = wrapped[:max(maxLines-1, 1)]
		last := len(wrapped) - 1
		wrapped[last] = ansi.Truncate(wrapped[last], width-3, "") + "…"
	}
	for _, l := range wrapped {
		out = append(out, " "+l)
	}
	return out
}

// panes draws the event log and the frame inspector side by side when
// there is room, else the one with the focus.
func (m *lessonModel) panes(width, height int) []string {
	st := m.c.styles
	title := func(name string, p pane) string {
		if m.focus == p {
			return st.PaneOn.Render(name)
		}
		return st.Pane.Render(name)
	}
	body := height - 1
	logW := m.lay.logWidth
	if logW == 0 {
		var out []string
		if m.focus == paneLog {
			out = append([]string{" " + title("Event log", paneLog) + st.Muted.Render("  (tab: frame inspector)")}, m.logLines(width-1, body)...)
		} else {
			out = append([]string{" " + title("Frame inspector", paneInspector) + st.Muted.Render("  (tab: event log)")}, prefix(" ", m.lay.inspector)...)
		}
		// Always the full height, so that the help stays at the bottom.
		for len(out) < height {
			out = append(out, "")
		}
		return out[:height]
	}
	left := append([]string{title("Event log", paneLog)}, m.logLines(logW, body)...)
	right := append([]string{title("Frame inspector", paneInspector)}, m.lay.inspector...)
	sep := " │ " // plain: it is on every row, and colour would be bytes on each
	out := make([]string, height)
	for i := range out {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = " " + padRight(ansi.Truncate(l, logW, "…"), logW) + sep + r
	}
	return out
}

// logLines is the visible part of the event log.
func (m *lessonModel) logLines(width, height int) []string {
	if m.hist.len() == 0 {
		return []string{m.c.styles.Muted.Render(" no events yet")}
	}
	lines := strings.Split(m.log.View(), "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return lines[:min(len(lines), height)]
}

func prefix(p string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = p + l
	}
	return out
}
