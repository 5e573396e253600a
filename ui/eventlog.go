package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
	"github.com/charmbracelet/x/ansi"

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
	case sim.Rejected:
		what = "closed a stranger"
	case sim.Dialed:
		what = "connected"
	case sim.Accepted:
		what = "accepted"
	case sim.Sent:
		what = "→ " + e.Name.String()
	case sim.Received:
		what = "← " + e.Name.String()
	case sim.Committed:
		what = "committed " + lessons.SeqList(e.Seqs)
	case sim.Observed:
		what = "TCP_INFO"
		switch {
		case hd.Note == sim.NoteAckCheck && hd.TCP.Known && hd.TCP.Source == "TCP_INFO":
			what += fmt.Sprintf(" unacknowledged %d", hd.TCP.Unacked) // the number that matters here
		case hd.TCP.Known:
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
	case sim.CommitFailed:
		what = "commit failed " + lessons.SeqList(e.Seqs)
	case sim.Discarded:
		what = "discarded " + lessons.SeqList(e.Seqs)
		if hd.Note == sim.NoteResend {
			what = "to send again " + lessons.SeqList(e.Seqs)
		}
	case sim.Faulted:
		what = "fault: " + e.Fault.LogLabel(e.None)
		if e.Delay > 0 {
			what += " " + lessons.Duration(e.Delay)
		}
	case sim.Aborted:
		what = e.Label() + ": " + e.Reason
	}
	if tag, ok := noteTags[hd.Note]; ok {
		what += " (" + tag + ")"
	}
	side := hd.Side.String()
	if hd.Side == sim.Nobody {
		side = ""
	}
	return fmt.Sprintf("%8s %-6s %s", lessons.Offset(h.offset(i)), side, what)
}

// noteTags mark steps in the log whose frame alone does not say what
// they were.
var noteTags = map[sim.Note]string{
	sim.NoteResume:    "resume",
	sim.NoteResend:    "again",
	sim.NoteDuplicate: "duplicate",
	sim.NotePurged:    "purged",
	sim.NoteStalled:   "stalled",
	sim.NoteRefused:   "refused",
	sim.NoteResult:    "result",
	sim.NoteTimer:     "TIM ran out",
}

// eventLog is the event log pane: a line per record shown, the cursor's
// marked, scrolled with the cursor (or by the learner, with the focus
// on it).
type eventLog struct {
	vp     viewport.Model
	height int  // the pane height the content was built for
	free   bool // the user scrolled the log away from the cursor
}

func newEventLog() eventLog { return eventLog{vp: viewport.New(0, 0)} }

// setSize sizes the pane; it reports whether the height changed (the
// content's padding depends on it).
func (l *eventLog) setSize(width, height int) bool {
	l.vp.Width, l.vp.Height = width, height
	return l.height != height
}

// scroll moves the log a line up or down, away from the cursor.
func (l *eventLog) scroll(up bool) {
	if up {
		l.vp.ScrollUp(1)
	} else {
		l.vp.ScrollDown(1)
	}
	l.free = true
}

// refreshLog rebuilds the log pane's content, up to the newest record
// shown (the ones waiting their turn are not told yet), and keeps the
// cursor's line in view. Once the log is longer than the pane, blank
// lines follow the last event, so that the pane can move on past it (see
// logJump).
func (m *lessonModel) refreshLog() {
	var b strings.Builder
	st := m.c.styles
	for i := 0; i <= m.shown && i < m.hist.len(); i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		line := m.hist.logLabel(i)
		// Playing, the newest line is the one shown; the mark is for when
		// the cursor is elsewhere (and it would make each event change
		// two lines of the terminal instead of one).
		if i == m.cursor && !(m.playing() && !m.replaying()) {
			b.WriteString(st.Cursor.Render("▸" + line))
		} else {
			b.WriteString(" " + line)
		}
	}
	l := &m.log
	h := l.vp.Height
	if n := m.shown + 1; h > 0 && n > h {
		b.WriteString(strings.Repeat("\n", logJump(h)))
	}
	l.vp.SetContent(b.String())
	l.height = h
	l.free = false
	l.follow(m.cursor)
}

// logJump is how far the log moves on when the cursor runs off the bottom
// of a pane of h lines: two thirds, keeping the last third in view.
func logJump(h int) int { return max((h*2)/3, 1) }

// follow scrolls the log so that the cursor's line shows. When the
// cursor runs off the bottom, the log moves on by two thirds of a page
// rather than a line: the lines stay put between jumps, which is easier to
// read on a projector and writes one line of the terminal per event, not
// the whole pane.
func (l *eventLog) follow(cursor int) {
	h := l.vp.Height
	if h <= 0 || cursor < 0 {
		return
	}
	switch {
	case cursor < l.vp.YOffset:
		l.vp.SetYOffset(max(cursor-logJump(h), 0))
	case cursor >= l.vp.YOffset+h:
		l.vp.SetYOffset(cursor - h + 1 + logJump(h))
	}
}

// lines is the visible part of the event log.
func (l *eventLog) lines(st *Styles, shown, width, height int) []string {
	if shown < 0 {
		return []string{st.Muted.Render(" nothing yet: the first step shows here")}
	}
	lines := strings.Split(l.vp.View(), "\n")
	for i, s := range lines {
		lines[i] = ansi.Truncate(s, width, "…")
	}
	if height < len(lines) {
		// Fewer rows than the pane was laid out for (a question takes
		// some): the rows that end at the cursor's line, or the newest.
		cursor := slices.IndexFunc(lines, func(s string) bool { return strings.HasPrefix(ansi.Strip(s), "▸") })
		end := cursor
		for i := len(lines) - 1; end < 0 && i >= 0; i-- {
			if strings.TrimSpace(ansi.Strip(lines[i])) != "" {
				end = i
			}
		}
		from := max(end-height+1, 0)
		return lines[from:min(from+height, len(lines))]
	}
	return lines
}
