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

// ladderWidth is from what width the wire and the ladder both show, the
// ladder beside the event log.
const ladderWidth = 120

// picture is what the screen draws the run with below the endpoints when
// there is no room for both: the wire, or the ladder (sequence diagram).
type picture int

const (
	pictureWire picture = iota
	pictureLadder
)

// layout is what the lesson screen computes when something changes, so
// that View only puts it together.
type layout struct {
	width, height int
	helpHeight    int
	wire          bool     // the wire strip shows
	narration     []string // the narration block, rendered
	bottom        int      // height of the panes block
	cols          []column // the panes, left to right; one when there is room for only one
	inspector     []string
}

// column is one of the lower panes and its width.
type column struct {
	kind  paneKind
	width int
}

// paneKind is what a lower pane shows.
type paneKind int

const (
	kindLog paneKind = iota
	kindLadder
	kindInspector
)

// relayout recomputes the layout for the current state and size, and sizes
// the log viewport to match.
func (m *lessonModel) relayout(width, height, helpHeight int) {
	l := layout{width: width, height: height, helpHeight: helpHeight}
	wide := width >= ladderWidth
	l.wire = wide || m.pic == pictureWire
	fixed := 1 + len(m.endpointLines(width, height)) + helpHeight
	if l.wire {
		fixed += 4
	}
	// The narration block has a fixed height for a given terminal, so that
	// nothing below it moves from one step to the next: enough lines for
	// the longest narration at this width, as long as the panes keep five.
	text := min(narrationBudget/max(width-2, 1)+1, max(height-fixed-6, 2))
	l.narration = m.narrationLines(width, text+1)
	for len(l.narration) < text+1 {
		l.narration = append(l.narration, "")
	}
	l.bottom = max(height-fixed-len(l.narration), 1)
	l.cols = m.columns(width, wide, l.wire)
	body := l.bottom - 1
	logW := 0
	for _, c := range l.cols {
		switch c.kind {
		case kindInspector:
			l.inspector = m.inspectorLines(c.width, body)
		case kindLog:
			logW = c.width
		}
	}
	m.lay = l
	m.log.Width, m.log.Height = max(logW, 1), body
	if m.logHeight != body {
		m.refreshLog() // the padding depends on the height
		m.log.SetYOffset(m.log.YOffset)
	}
}

// columns lays out the lower panes: at the ladder width, ladder, log and
// inspector side by side; from 90 columns, the log or the ladder beside
// the inspector; below that, the one with the focus.
func (m *lessonModel) columns(width int, wide, wire bool) []column {
	left := kindLog
	if !wire {
		left = kindLadder
	}
	switch {
	case wide:
		insp := max(width*2/5, 44)
		rest := width - insp - 7 // margins and two separators
		return []column{{kindLadder, rest / 2}, {kindLog, rest - rest/2}, {kindInspector, insp}}
	case width >= 90:
		logW := min(48, width*2/5)
		return []column{{left, logW}, {kindInspector, width - logW - 4}}
	case m.focus == paneInspector:
		return []column{{kindInspector, width - 2}}
	}
	return []column{{left, width - 1}}
}

// view draws the lesson screen from the last layout, with help at the
// bottom.
func (m *lessonModel) view(help string) string {
	l := m.lay
	lines := []string{m.header(l.width)}
	switch {
	case m.finished():
		// The summary card has the screen to itself: the run is over.
		lines = append(lines, m.summaryLines(l.width, l.height-1-l.helpHeight)...)
		return strings.Join(append(lines, help), "\n")
	case m.quizzing():
		lines = append(lines, m.quizLines(l.width, l.height-1-l.helpHeight)...)
		return strings.Join(append(lines, help), "\n")
	}
	if m.presenting() {
		if m.ask != nil {
			lines = append(lines, m.askLines(l.width, l.height-1-l.helpHeight)...)
		} else {
			lines = append(lines, m.presentLines(l.width, l.height-1-l.helpHeight)...)
		}
		return strings.Join(append(lines, help), "\n")
	}
	lines = append(lines, m.endpointLines(l.width, l.height)...)
	if l.wire {
		lines = append(lines, m.wireLines(l.width)...)
	}
	if m.ask != nil {
		// The question takes the narration's place and the panes': what
		// is asked about must not show before it is answered.
		lines = append(lines, m.askLines(l.width, len(l.narration)+l.bottom)...)
		return strings.Join(append(lines, help), "\n")
	}
	lines = append(lines, l.narration...)
	lines = append(lines, m.panes(l.width, l.bottom)...)
	lines = append(lines, help)
	return strings.Join(lines, "\n")
}

// finished reports whether the screen is on the lesson's last stop, its
// summary card.
func (m *lessonModel) finished() bool {
	return m.atEnd() && (!m.hasQuiz() || m.quiz.done)
}

// header names the lesson, says where in it the screen is, and what state
// the run is in.
func (m *lessonModel) header(width int) string {
	st := m.c.styles
	var status string
	switch {
	case m.err != nil:
		status = st.Error.Render("could not start")
	case m.starting:
		status = st.Muted.Render("starting…")
	case m.finished():
		status = st.Bold.Render("■ finished")
	case m.replaying():
		status = st.Replay.Render(" REPLAY ") + st.Muted.Render(fmt.Sprintf(" %d of %d", m.cursor+1, m.shown+1))
	case m.c.deps.Present:
		status = st.Muted.Render("presenting")
	case m.playing:
		status = st.Live.Render("▶ playing")
	default:
		status = st.Paused.Render(" PAUSED ") + st.Muted.Render(" → next")
	}
	status += st.Muted.Render(" · " + speedLabel(m.speed))
	where := m.where()
	left := " " + st.Title.Render(m.lesson.Title)
	if where != "" {
		left += st.Muted.Render(" · ") + where
	}
	if width >= 100 {
		left = " " + st.Title.Render("SessionLab") + st.Muted.Render(" · ") + strings.TrimPrefix(left, " ")
	}
	room := width - ansi.StringWidth(status) - 1
	if ansi.StringWidth(left) > room {
		left = ansi.Truncate(left, room, "…")
	}
	return left + strings.Repeat(" ", max(width-ansi.StringWidth(left)-ansi.StringWidth(status), 1)) + status
}

// where is the part and the step the cursor is at: "part 2 of 3:
// negotiated release · step 12 of 20". The count is the normal path's,
// from a rehearsal of the part; once a fault has changed the path it is
// open-ended, and says so.
func (m *lessonModel) where() string {
	if m.finished() {
		return "summary"
	}
	if m.quizzing() {
		return "quiz"
	}
	parts := len(m.lesson.Scenarios)
	p := m.partAt(m.cursor)
	var out []string
	if parts > 1 {
		out = append(out, fmt.Sprintf("part %d of %d: %s", p+1, parts, m.lesson.PartName(m.lesson.Scenarios[p])))
	}
	if m.cursor < 0 {
		if m.first == 0 {
			return "introduction"
		}
		return strings.Join(out, " · ")
	}
	start := m.hist.recs[m.cursor].start
	step := m.cursor - start + 1
	total, known := m.plan[m.lesson.Scenarios[p]]
	switch {
	case m.hist.faultedSince(start, m.shown):
		out = append(out, fmt.Sprintf("step %d (a fault changed the path)", step))
	case known && step <= total:
		out = append(out, fmt.Sprintf("step %d of %d", step, total))
	default:
		out = append(out, fmt.Sprintf("step %d", step))
	}
	return strings.Join(out, " · ")
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
				tcp += " · " + lessons.Duration(left) + " left"
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
			name, lines = "Event log", m.logLines(c.width, body)
		case kindLadder:
			name, lines = "Sequence diagram", m.ladderLines(c.width, body)
		case kindInspector:
			name, lines = "Frame inspector", m.lay.inspector
		}
		title := st.Pane.Render(name)
		if (c.kind == kindInspector) == (m.focus == paneInspector) && len(m.lay.cols) > 1 {
			title = st.PaneOn.Render(name)
		}
		if len(m.lay.cols) == 1 {
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

// logLines is the visible part of the event log.
func (m *lessonModel) logLines(width, height int) []string {
	if m.shown < 0 {
		return []string{m.c.styles.Muted.Render(" nothing yet: → shows the first step")}
	}
	lines := strings.Split(m.log.View(), "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return lines[:min(len(lines), height)]
}
