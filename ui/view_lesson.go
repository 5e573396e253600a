package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// view draws the lesson screen, with help at the bottom: what its stage
// shows, at the sizes the layout computed.
func (m *lessonModel) view(help string) string {
	l := m.lay
	lines := []string{m.header(l.width)}
	body := l.height - 1 - helpRows
	switch {
	case m.stage == stageSummary:
		// The summary card has the screen to itself: the run is over.
		lines = append(lines, m.sum.view(m.c.styles, l.width, body)...)
		return strings.Join(append(lines, help), "\n")
	case m.stage == stageQuiz:
		lines = append(lines, m.quiz.view(m.c.styles, m.c.room, m.c.chart, m.follow != nil, l.width, body)...)
		return strings.Join(append(lines, help), "\n")
	}
	lines = append(lines, m.endpointLines(l.width, l.height)...)
	if l.wire {
		lines = append(lines, m.wireLines(l.width)...)
	}
	if m.stage == stageAsking {
		// The question takes the narration's place, and the panes' as far
		// as it needs; the log and the inspector show what happened up to
		// it (a prediction is asked before anything gives it away: see
		// TestPredictionsGiveNothingAway).
		q := m.ask.view(m.c.styles, m.c.deps.Present, m.c.room, m.c.chart, l.width, l.narration+l.bottom)
		for len(q) > l.narration && strings.TrimSpace(ansi.Strip(q[len(q)-1])) == "" {
			q = q[:len(q)-1]
		}
		q = append(q, "")
		if rest := l.narration + l.bottom - len(q); rest >= 4 {
			lines = append(append(lines, q...), m.panes(l.width, rest)...)
		} else {
			lines = append(lines, m.ask.view(m.c.styles, m.c.deps.Present, m.c.room, m.c.chart, l.width, l.narration+l.bottom)...)
		}
		return strings.Join(append(lines, help), "\n")
	}
	lines = append(lines, m.stop.lines...)
	bottom := l.bottom + l.narration - len(m.stop.lines) // a room's narration takes the rows it needs
	if m.moreOpen && m.stop.more != "" {
		lines = append(lines, m.moreLines(l.width, bottom)...)
	} else {
		lines = append(lines, m.panes(l.width, bottom)...)
	}
	lines = append(lines, help)
	return strings.Join(lines, "\n")
}

// header names the lesson, says where in it the screen is, and what state
// the run is in.
func (m *lessonModel) header(width int) string {
	st := m.c.styles
	var status string
	switch {
	case m.nudge != "":
		status = st.Bold.Render(m.nudge) // a class's: why a key did nothing, or what a second q does
	case m.stage == stageFailed:
		status = st.Error.Render("could not start")
	case m.stage == stageStarting:
		status = st.Muted.Render("starting…")
	case m.stage == stageSummary:
		status = st.Bold.Render("■ finished")
	default:
		status = m.runStatus()
	}
	if role := m.classRole(); role != "" && m.nudge == "" {
		if status != "" {
			status += st.Muted.Render(" · ")
		}
		status += role
	}
	status += st.Muted.Render(" · " + speedLabel(m.speed))
	part, step := m.where()
	place := func(parts ...string) string {
		left := " " + st.Title.Render(m.lesson.Title)
		for _, p := range parts {
			if p != "" {
				left += st.Muted.Render(" · ") + p
			}
		}
		return left
	}
	room := width - ansi.StringWidth(status) - 1
	left := place(part, step)
	switch {
	case width >= 100 && ansi.StringWidth(left)+ansi.StringWidth("SessionLab · ") <= room:
		// The program's name, where it does not cut the lesson's place short.
		left = " " + st.Title.Render("SessionLab") + st.Muted.Render(" · ") + strings.TrimPrefix(left, " ")
	case ansi.StringWidth(left) > room && step != "":
		left = place(step) // the part's name goes first: where in the lesson matters more
	}
	if ansi.StringWidth(left) > room {
		left = ansi.Truncate(left, room, "…")
	}
	return left + strings.Repeat(" ", max(width-ansi.StringWidth(left)-ansi.StringWidth(status), 1)) + status
}

// runStatus is the header's word on the run: a replay, playing, or (for
// whoever steps it) paused; a class's teacher and students add their
// role (classRole).
func (m *lessonModel) runStatus() string {
	st := m.c.styles
	switch {
	case m.replaying():
		return st.Replay.Render(" REPLAY ") + st.Muted.Render(fmt.Sprintf(" %d of %d", m.cursor+1, m.shown+1))
	case m.stage == stagePlaying:
		return st.Live.Render("▶ playing")
	case m.c.deps.Present && m.c.room == nil:
		return st.Muted.Render("presenting")
	case m.c.room != nil || m.follow != nil:
		return "" // the teacher steps: the role says the rest
	}
	return st.Paused.Render(" PAUSED ") + st.Muted.Render(" → next")
}

// classRole is who this screen is in a class: the teacher's roster, a
// student following, or one exploring on their own; "" out of class.
func (m *lessonModel) classRole() string {
	st := m.c.styles
	switch {
	case m.c.deps.Present && m.c.room != nil:
		return st.Muted.Render(m.classStatus())
	case m.follow != nil && m.follow.Locked:
		return st.Muted.Render("with the teacher · locked")
	case m.follow != nil:
		return st.Muted.Render("with the teacher")
	case m.c.exploring:
		return st.Bold.Render("on your own") + st.Muted.Render(" · e: back")
	}
	return ""
}

// where is the part and the step the cursor is at: "part 2 of 3:
// negotiated release" and "step 12 of 20" (either may be ""). The count
// is the normal path's, from a rehearsal of the part; once a fault has
// changed the path it is open-ended, and says so.
func (m *lessonModel) where() (part, step string) {
	switch m.stage {
	case stageSummary:
		return "", "summary"
	case stageQuiz:
		return "", "quiz"
	}
	parts := len(m.lesson.Scenarios)
	p := m.stop.part
	if parts > 1 {
		part = fmt.Sprintf("part %d of %d: %s", p+1, parts, m.lesson.PartName(m.lesson.Scenarios[p]))
	}
	if m.cursor < 0 {
		if m.first == 0 {
			return "", "introduction"
		}
		return part, ""
	}
	start := m.hist.recs[m.cursor].start
	n := m.stepNumber(m.cursor)
	total, known := m.link.plan[m.lesson.Scenarios[p]]
	within := m.withinRun(m.cursor)
	switch {
	case m.hist.faultedSince(start, m.shown):
		step = fmt.Sprintf("step %d%s (a fault changed the path)", n, within)
	case known && n <= total:
		step = fmt.Sprintf("step %d of %d%s", n, total, within)
	default:
		step = fmt.Sprintf("step %d%s", n, within)
	}
	return part, step
}

// endpointLines draws the client on the left and the server on the
// right, each as the OS and the session protocol machine see it at the
// cursor, and a line saying what the session variables are.
func (m *lessonModel) endpointLines(width, height int) []string {
	st := m.c.styles
	// The server's column starts where the client's widest line would end
	// at full detail, not at half the width: shorter lines, fewer bytes.
	col := min((width-2)/2, 44)
	sides := [2][]string{}
	known := false
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
				tcp += timerNote(left, m.replaying(), col-1-ansi.StringWidth(tcp))
			} else if closedMidway(m.hist.recs[at].ev, t) {
				tcp += " when it closed" // the kernel moves on; with no socket, nothing reads it again
			}
		}
		lines = append(lines, tcp)
		sync := ""
		if ok && h.Sync.Known {
			known = true
			sync = fmt.Sprintf("V(M)=%d V(A)=%d V(R)=%d", h.Sync.VM, h.Sync.VA, h.Sync.VR)
		}
		lines = append(lines, sync)
		if height >= 24 {
			lines = append(lines, ledger(h, side))
		}
		sides[k] = lines
	}
	out := sideBySide(sides[:], []int{col - 1, col - 1}, " ", len(sides[0]))
	// The counters in words, once there are counters: a beginner reads
	// V(A) here before finding it in the glossary.
	legend := ""
	if known {
		legend = " " + st.Muted.Render(ansi.Truncate(m.legend(width-1), width-1, "…"))
	}
	return append(out, legend)
}

// timerNote says what is left of a kernel timer after a TCP state, in
// room cells at most: live, the kernel's figure as it runs down; in a
// replay, the figure as it was at that step, saying so (the kernel's own
// timer has gone on since). With no room to say so, a replay shows no
// figure rather than a frozen one that reads as live.
func timerNote(left time.Duration, replay bool, room int) string {
	note := " · " + lessons.Duration(left) + " left"
	if !replay {
		return note
	}
	for _, then := range []string{" at this step", " then"} {
		if ansi.StringWidth(note+then) <= room {
			return note + then
		}
	}
	return ""
}

// closedMidway reports whether t is a state a side's socket was closed
// in, with the kernel's close still under way (FIN_WAIT1, say): it moves
// on to TIME_WAIT or CLOSE without anything reading it again.
func closedMidway(ev sim.Event, t sim.TCPInfo) bool {
	if _, ok := ev.(sim.Closed); !ok {
		return false
	}
	switch t.State {
	case sim.StateFinWait1, sim.StateFinWait2, sim.StateClosing, sim.StateLastAck:
		return true
	}
	return false
}

// legend explains the session variables in the words that fit width.
func (m *lessonModel) legend(width int) string {
	for _, s := range []string{
		"V(M) next sync point's serial number · V(A) lowest not yet confirmed · V(R) lowest a restart may go back to",
		"V(M) next sync point · V(A) lowest unconfirmed · V(R) lowest restart point (g: glossary)",
		"V(M) next sync point · V(A) lowest unconfirmed · V(R) lowest restart point",
		"V(M) next point · V(A) lowest unconfirmed · V(R) restart floor",
	} {
		if ansi.StringWidth(s) <= width {
			return s
		}
	}
	return "V(M) next · V(A) unconfirmed · V(R) restart floor"
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

// panes draws the lower panes side by side, each with its title; the
// focused one's title stands out.
func (m *lessonModel) panes(width, height int) []string {
	st := m.c.styles
	body := height - 1
	var blocks [][]string
	for _, c := range m.lay.cols {
		var name string
		var lines []string
		switch c.kind {
		case kindLog:
			name, lines = "Event log", m.log.lines(st, m.shown, c.width, body)
		case kindLadder:
			name, lines = "Sequence diagram", m.ladderLines(c.width, body)
		case kindInspector:
			name, lines = "Frame inspector", m.insp.lines
		}
		title := st.Pane.Render(name)
		if (c.kind == kindInspector) == (m.focus == paneInspector) && len(m.lay.cols) > 1 {
			title = st.PaneOn.Render(name)
		}
		if m.presenting() {
			title = st.Pane.Render(name) + st.Muted.Render("  (tab: details)")
		} else if len(m.lay.cols) == 1 {
			other := "frame inspector"
			if c.kind == kindInspector {
				other = "event log"
				if !m.lay.wire {
					other = "sequence diagram"
				}
			}
			title = st.PaneOn.Render(name) + st.Muted.Render("  (tab: "+other+")")
		}
		blocks = append(blocks, append([]string{title}, lines...))
	}
	widths := make([]int, len(m.lay.cols))
	for k, c := range m.lay.cols {
		widths[k] = c.width
	}
	// The separator is plain: it is on every row, and colour would be
	// bytes on each.
	return sideBySide(blocks, widths, " │ ", height)
}

// moreLines draws the step's longer explanation in the panes' place.
func (m *lessonModel) moreLines(width, height int) []string {
	st := m.c.styles
	head := " " + st.PaneOn.Render("More about this step") + st.Muted.Render("  (m closes)")
	text := lessons.Emphasize(m.stop.more, func(s string) string { return st.Term.Render(s) })
	var body []string
	for _, l := range strings.Split(ansi.Wordwrap(text, min(width-2, measure), ""), "\n") {
		body = append(body, " "+l)
	}
	rows := height - 1
	if len(body) > rows {
		// Longer than the room: ↑ and ↓ scroll it, and the ends say so.
		rows--
		top := min(max(m.moreTop, 0), len(body)-rows)
		head += st.Muted.Render(fmt.Sprintf("  ↑/↓: lines %d–%d of %d", top+1, top+rows, len(body)))
		body = body[top : top+rows]
	}
	out := append([]string{head}, body...)
	for len(out) < height {
		out = append(out, "")
	}
	return out
}
