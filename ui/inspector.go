package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// inspector is the frame inspector pane: the latest frame at or before
// the cursor, its bytes in hex, field by field, beside what they mean.
// Its lines are drawn when the cursor, the stage or its size changes
// (refresh), and scrolled with ↑/↓ when it has the focus.
type inspector struct {
	width, height int
	top           int // the first line shown
	at            int // the record shown; a new one starts at the top
	lines         []string
}

func (in *inspector) setSize(width, height int) { in.width, in.height = width, height }

// scroll moves the pane a line; refresh keeps it within the frame.
func (in *inspector) scroll(up bool) {
	if up {
		in.top = max(in.top-1, 0)
	} else {
		in.top++ // window stops it at the last page
	}
}

// refresh draws the pane for the screen as it is now.
func (in *inspector) refresh(m *lessonModel) {
	if in.width <= 0 {
		return
	}
	width, height := in.width, in.height
	st := m.c.styles
	focused := m.focus == paneInspector
	if m.playing() && !m.replaying() && !focused {
		// While the run goes on, frames follow each other faster than a
		// field table can be read, and the log already names each one;
		// with the focus here (tab), the inspector follows them anyway.
		text := "Pause (space), step back (←) or press tab to see the frames here, byte by byte."
		if m.follow != nil {
			text = "Press tab to see the frames here, byte by byte, while the run goes on."
		}
		if port, ok := m.hist.port(); ok {
			text += "\n\nOr watch them in Wireshark's own decoder (capturing on lo needs root or CAP_NET_RAW):\n" + lessons.TsharkCommand(port)
		}
		in.lines = strings.Split(st.Muted.Render(ansi.Wordwrap(text, width, "")), "\n")
		return
	}
	i, ok := m.hist.lastFrame(m.cursor)
	if !ok {
		in.lines = []string{st.Muted.Render("No frame yet.")}
		return
	}
	if i != in.at {
		in.at, in.top = i, 0
	}
	// A frame is described by its direction, not by whether this event
	// wrote or read it: the bytes are the same either way, and the pane
	// then need not change when the peer reads what was written.
	var raw []byte
	var name sim.FrameName
	var how string
	switch e := m.hist.recs[i].ev.(type) {
	case sim.Sent:
		raw, name, how = e.Raw, e.Name, e.Side.String()+" → "+e.Side.Peer().String()
	case sim.Received:
		raw, name, how = e.Raw, e.Name, e.Side.Peer().String()+" → "+e.Side.String()
	}
	title := fmt.Sprintf("%s · %s · %d bytes", st.Bold.Render(name.String()), how, len(raw))
	lines := []string{ansi.Truncate(title, width, "…")}
	fields, err := spdu.Describe(raw)
	if err != nil {
		in.lines = append(lines, st.Error.Render(err.Error()))
		return
	}
	lines = append(lines, fieldLines(raw, fields, width, st)...)
	more := "↓ %d more lines (tab, then ↓)"
	if focused {
		more = "↓ %d more lines"
	}
	in.lines, in.top = window(lines, in.top, height, more, st)
}

// fieldLines lays fields out in three columns: the octets in hex, the
// field's name indented by its depth, and its meaning.
func fieldLines(raw []byte, fields []spdu.Field, width int, st *Styles) []string {
	var lines []string
	per := 4 // bytes of hex per row
	if width >= 72 {
		per = 6
	}
	hexW := per*3 - 1
	nameW := 0
	for _, fd := range fields {
		nameW = max(nameW, 2*fd.Depth+ansi.StringWidth(fd.Name))
	}
	// A name longer than its column takes its own row (a PGI's name, at
	// narrow widths): cut, it would not say what the octets are.
	nameW = min(nameW, max((width-hexW-2)*2/5, 8))
	valueW := max(width-hexW-nameW-2, 8)
	for n, fd := range fields {
		b := raw[fd.Offset : fd.Offset+fd.Len]
		if n+1 < len(fields) && fields[n+1].Depth > fd.Depth && fd.Depth > 0 {
			b = raw[fd.Offset:fields[n+1].Offset] // a PGI: its members show the rest
		}
		name := strings.Repeat("  ", fd.Depth) + fd.Name
		// The meaning is what teaches, so it wraps rather than being cut;
		// long octet runs (user data) show their start only.
		value := strings.Split(ansi.Wordwrap(fd.Value, valueW, "+"), "\n")
		if ansi.StringWidth(name) > nameW {
			value = append([]string{""}, value...)
		}
		hexRows := min((len(b)+per-1)/per, 3)
		for row := 0; row < max(hexRows, len(value), 1); row++ {
			hex := ""
			if row < hexRows {
				hex = fmt.Sprintf("% x", b[row*per:min((row+1)*per, len(b))])
			}
			line := st.Hex.Render(hex) + strings.Repeat(" ", hexW-len(hex)+1)
			switch {
			case row == 0 && ansi.StringWidth(name) > nameW:
				line += st.Field.Render(ansi.Truncate(name, width-hexW-1, "…"))
			case row == 0:
				line += st.Field.Render(padRight(name, nameW))
			default:
				line += strings.Repeat(" ", nameW)
			}
			if row < len(value) {
				line += " " + ansi.Truncate(value[row], valueW, "…")
			}
			lines = append(lines, strings.TrimRight(line, " "))
		}
		if rest := len(b) - hexRows*per; rest > 0 {
			lines = append(lines, st.Muted.Render(fmt.Sprintf("… %d more %s", rest, map[bool]string{true: "byte", false: "bytes"}[rest == 1])))
		}
	}
	return lines
}

// window shows height lines of lines from top, the title first, with a
// note of what is above and below (more is the note below, with a %d for
// the count). It returns top kept within range.
func window(lines []string, top, height int, more string, st *Styles) ([]string, int) {
	if len(lines) <= height || height < 3 {
		return lines[:min(len(lines), max(height, 1))], top
	}
	title, body := lines[0], lines[1:]
	room := height - 1
	top = min(top, len(body)-room+1)
	var out []string
	if top > 0 {
		out = append(out, st.Muted.Render(fmt.Sprintf("↑ %d more lines", top)))
		room--
	}
	end := min(top+room, len(body))
	if end < len(body) {
		end--
	}
	out = append(out, body[top:end]...)
	if rest := len(body) - end; rest > 0 {
		out = append(out, st.Muted.Render(fmt.Sprintf(more, rest)))
	}
	return append([]string{title}, out...), top
}

func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w, "")
}
