package ui

// narrationBudget is about the longest event narration, in characters,
// that the lesson files hold once filled in. (Introductions are longer;
// the picker shows them.)
const narrationBudget = 440

// ladderWidth is from what width the wire and the ladder both show, the
// ladder beside the event log.
const ladderWidth = 120

// measure is the narration's widest line: about 100 columns, a readable
// measure, however wide the terminal.
const measure = 100

// helpRows is the help bar's height below the lesson screen.
const helpRows = 1

// picture is what the screen draws the run with below the endpoints when
// there is no room for both: the wire, or the ladder (sequence diagram).
type picture int

const (
	pictureWire picture = iota
	pictureLadder
)

// pane is which of the lower panes has the focus.
type pane int

const (
	paneLog pane = iota
	paneInspector
)

// layout is the lesson screen's geometry: computed when the terminal's
// size changes, or the picture or the focus (which decide which panes
// show), never while drawing.
type layout struct {
	width, height int
	endpoints     int      // rows of the endpoints block, with its legend
	wire          bool     // the wire strip shows
	narration     int      // rows of the narration block
	bottom        int      // rows of the panes block
	cols          []column // the panes, left to right; one when there is room for only one
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

// narrationRows is the narration block's height (before any size is
// known, a line).
func (l layout) narrationRows() int { return max(l.narration, 1) }

// resize takes the terminal's size.
func (m *lessonModel) resize(width, height int) {
	m.lay.width, m.lay.height = width, height
	m.relayout()
}

// relayout computes the geometry for the size, picture and focus, sizes
// the panes to it, and draws the narration block again at its width.
func (m *lessonModel) relayout() {
	width, height := m.lay.width, m.lay.height
	l := layout{width: width, height: height, endpoints: endpointRows(height)}
	wide := width >= ladderWidth
	l.wire = wide || m.pic == pictureWire
	fixed := 1 + l.endpoints + helpRows
	if l.wire {
		fixed += 4
	}
	// The narration block has a fixed height for a given terminal, so that
	// nothing below it moves from one step to the next: enough lines for
	// the longest narration at this width, as long as the panes keep five.
	textW := min(width-2, measure)
	l.narration = min(narrationBudget/max(textW, 1)+1, max(height-fixed-6, 2)) + 1
	if m.presenting() {
		// A room's screen: the endpoints, the wire and the narration in
		// large type (a blank line under the headline), and the sequence
		// diagram of the run so far in the rest.
		l.wire = true
		fixed = 1 + l.endpoints + helpRows + 4
		l.narration = min(narrationBudget/max(textW, 1)+3, max(height-fixed-4, 3))
	}
	l.bottom = max(height-fixed-l.narration, 1)
	l.cols = m.columns(width, wide, l.wire)
	if m.presenting() {
		// The diagram, and on a wide screen the event log beside it: its
		// times show the pacing, and it uses the height.
		l.cols = []column{{kindLadder, width - 1}}
		if width >= 160 {
			l.cols = []column{{kindLadder, 110}, {kindLog, width - 114}}
		}
	}
	m.lay = l
	body, logW := l.bottom-1, 0
	if m.presenting() {
		body += l.narration - 2 // a room's narration takes only the rows it needs
	}
	for _, c := range l.cols {
		switch c.kind {
		case kindInspector:
			m.insp.setSize(c.width, body)
		case kindLog:
			logW = c.width
		}
	}
	if m.log.setSize(max(logW, 1), body) {
		m.refreshLog() // the padding depends on the height
		m.log.vp.SetYOffset(m.log.vp.YOffset)
	}
	if m.stage == stageSummary {
		m.sum = newSummary(m)
	}
	m.restop()
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

// endpointRows is how many rows the endpoints block takes: each side's
// name, TCP state and session variables, its data packets when there is
// room, and the legend.
func endpointRows(height int) int {
	if height >= 24 {
		return 5
	}
	return 4
}
