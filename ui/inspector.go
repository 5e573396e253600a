package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// inspectorLines shows the latest frame at or before the cursor: its bytes
// in hex, field by field, beside what they mean.
func (m *lessonModel) inspectorLines(width, height int) []string {
	st := m.c.styles
	if m.live && !m.paused && !m.done && m.focus != paneInspector {
		// While the run goes on, frames follow each other faster than a
		// field table can be read, and the log already names each one;
		// with the focus here (tab), the inspector follows them anyway.
		return prefix("", strings.Split(st.Muted.Render(ansi.Wordwrap("Pause (space), step back (←) or press tab to see the frames here, byte by byte.", width, "")), "\n"))
	}
	i, ok := m.hist.lastFrame(m.cursor)
	if !ok {
		return []string{st.Muted.Render("No frame yet.")}
	}
	// A frame is described by its direction, not by whether this event
	// wrote or read it: the bytes are the same either way, and the pane
	// then need not change when the peer reads what was written.
	var raw []byte
	var f spdu.Frame
	var how string
	switch e := m.hist.recs[i].ev.(type) {
	case sim.Sent:
		raw, f, how = e.Raw, e.Frame, e.Side.String()+" → "+e.Side.Peer().String()
	case sim.Received:
		raw, f, how = e.Raw, e.Frame, e.Side.Peer().String()+" → "+e.Side.String()
	}
	title := fmt.Sprintf("%s · %s · %d bytes", st.Bold.Render(f.Label()), how, len(raw))
	lines := []string{ansi.Truncate(title, width, "…")}
	fields, err := spdu.Describe(raw)
	if err != nil {
		return append(lines, st.Error.Render(err.Error()))
	}
	per := 4 // bytes of hex per row
	if width >= 64 {
		per = 8
	}
	hexW := per*3 - 1
	nameW := 16
	valueW := max(width-hexW-nameW-2, 8)
	for _, fd := range fields {
		for row := 0; row*per < len(fd.Bytes) || row == 0; row++ {
			chunk := fd.Bytes[row*per : min((row+1)*per, len(fd.Bytes))]
			hex := fmt.Sprintf("% x", chunk)
			line := st.Hex.Render(hex) + strings.Repeat(" ", hexW-len(hex)+1)
			if row == 0 {
				line += st.Field.Render(padRight(fd.Name, nameW)) + " " + ansi.Truncate(fd.Value, valueW, "…")
			}
			lines = append(lines, line)
		}
	}
	if len(lines) > height {
		more := len(lines) - height + 1
		lines = append(lines[:height-1], st.Muted.Render(fmt.Sprintf("… %d more lines", more)))
	}
	return lines
}

func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w, "")
}
