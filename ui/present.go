package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
)

// Presenter mode (--present) is for a room watching a projector: one idea
// per click and nothing moving in between. The step's narration comes
// first, in bold, wrapped to the middle two thirds of the screen; under it
// the wire, with the step's frame already where it goes; the endpoints,
// the log and the inspector are there on tab. space steps like PgDn, a
// prediction is a question to the room answered by the next click, and
// nothing is scored or saved.

// presentLines draws the presenter's screen below the header, in width
// columns and height rows.
func (m *lessonModel) presentLines(width, height int) []string {
	st := m.c.styles
	margin := width / 6
	textW := max(width-2*margin, 40)
	margin = max((width-textW)/2, 1)
	pad := strings.Repeat(" ", margin)
	title, text := m.stop.title, m.stop.text
	var body []string
	body = append(body, "")
	for _, l := range strings.Split(ansi.Wordwrap(lessons.Plain(title), textW, ""), "\n") {
		body = append(body, pad+st.Title.Render(l))
	}
	body = append(body, "")
	text = lessons.Emphasize(text, func(s string) string { return st.Term.Render(s) })
	for i, para := range strings.Split(text, "\n\n") {
		if i > 0 {
			body = append(body, "")
		}
		for _, l := range strings.Split(ansi.Wordwrap(para, textW, ""), "\n") {
			body = append(body, pad+st.Bold.Render(l))
		}
	}
	wire := m.wireLines(width)[:3] // the line and its two lanes; no caption
	room := height - len(wire) - 1
	if len(body) > room {
		body = append(body[:max(room-1, 0)], pad+st.Muted.Render("… (tab shows everything)"))
	}
	for len(body) < room {
		body = append(body, "")
	}
	return append(append(body, ""), wire...)
}
