package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// glyph is one thing drawn on the wire.
type glyph struct {
	text  string // rendered, with its style
	width int
	pos   float64 // 0 at the sender, 1 at the receiver
}

// glyphFor draws what record r put on the wire, pointing the way it goes.
func (m *lessonModel) glyphFor(r record) glyph {
	st := m.c.styles
	var label string
	var class frameClass
	switch e := r.ev.(type) {
	case sim.Sent:
		label, class = e.Name.String(), classOf(e.Frame)
	default:
		label, class = "FIN", classTCP
		if r.ev.Head().Wire.Put == sim.CarryRST {
			label, class = "RST", classAbort
		}
	}
	b := brackets[class]
	text := b[0] + label + b[1]
	if r.ev.Head().Side == sim.Client {
		text += "▶"
	} else {
		text = "◀" + text
	}
	return glyph{text: st.Frames[class].Render(text), width: ansi.StringWidth(text)}
}

// wireLines draws the wire: a line between the two sides, a lane for each
// direction, and a caption that says what the drawing does not.
func (m *lessonModel) wireLines(width int) []string {
	st := m.c.styles
	inner := max(width-4, 10)
	line := "  " + st.Wire.Render("client "+strings.Repeat("─", max(inner-14, 1))+" server")
	var toServer, toClient []glyph
	for _, i := range m.hist.inFlight(m.cursor) {
		g := m.glyphFor(m.hist.recs[i])
		g.pos = m.crossing(i)
		if m.hist.recs[i].ev.Head().Side == sim.Client {
			toServer = append(toServer, g)
		} else {
			toClient = append(toClient, g)
		}
	}
	return []string{
		line,
		"  " + lane(toServer, inner, false),
		"  " + lane(toClient, inner, true),
		"  " + m.wireCaption(width-2),
	}
}

// lane places glyphs, oldest first, along a lane of width cells. On the
// rightward lane the oldest is furthest right; a later glyph that would
// overlap it waits just behind. The leftward lane is the mirror image.
func lane(gs []glyph, width int, leftward bool) string {
	type placed struct {
		x int
		g glyph
	}
	var ps []placed
	if !leftward {
		limit := width // the next glyph must end before this
		for _, g := range gs {
			x := min(int(g.pos*float64(width-g.width)), limit-g.width)
			if x < 0 {
				break // no room yet: drawn once the one ahead moves on
			}
			ps = append(ps, placed{x, g})
			limit = x - 1
		}
		slices.Reverse(ps)
	} else {
		limit := 0 // the next glyph must start at or after this
		for _, g := range gs {
			x := max(width-g.width-int(g.pos*float64(width-g.width)), limit)
			if x+g.width > width {
				break
			}
			ps = append(ps, placed{x, g})
			limit = x + g.width + 1
		}
	}
	var b strings.Builder
	col := 0
	for _, p := range ps {
		b.WriteString(strings.Repeat(" ", p.x-col))
		b.WriteString(p.g.text)
		col = p.x + p.g.width
	}
	return b.String()
}

// wireCaption says how the wire is drawn: slowed for the eye, with the
// measured transit time beside it; paused (the program, not the kernel);
// replayed.
func (m *lessonModel) wireCaption(width int) string {
	st := m.c.styles
	if m.replaying() {
		return st.Replay.Render(" REPLAY ") + st.Muted.Render(" recorded steps, shown again; the network is not rewound")
	}
	transit := ""
	if d, ok := m.hist.medianTransit(m.cursor); ok {
		// The median of what was measured so far, rounded: it describes
		// loopback better than the latest sample and does not jump with
		// scheduling noise. Each frame's own figure is in the narration.
		transit = lessons.Micros(max(d.Round(10*time.Microsecond), 10*time.Microsecond))
	}
	// The longest wording that fits: what is paused, that the drawing is
	// slowed, and what loopback really took.
	var options []string
	lead := ""
	switch {
	case m.playing():
	case m.follow != nil:
		lead = "paused: no socket calls until the teacher's → · "
	default:
		lead = "paused: no socket calls until → · "
	}
	if transit != "" {
		options = append(options,
			lead+"frames drawn slowed for your eyes · loopback really takes ≈"+transit+" (measured median)",
			lead+"drawn slowed · loopback really takes ≈"+transit,
			lead+"drawn slowed · loopback ≈"+transit)
	}
	options = append(options, lead+"frames drawn slowed for your eyes", lead+"drawn slowed")
	for _, o := range options {
		if ansi.StringWidth(o) <= width {
			return st.Muted.Render(o)
		}
	}
	return st.Muted.Render(ansi.Truncate(options[len(options)-1], width, "…"))
}
