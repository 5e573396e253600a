package ui

import (
	"sync"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"sessionlab/sim/spdu"
)

// Styles is every style the UI uses, built once from one renderer.
type Styles struct {
	Title    Style
	Muted    Style
	Bold     Style
	Client   Style
	Server   Style
	Pane     Style // a pane's title
	PaneOn   Style // the focused pane's title
	Live     Style
	Paused   Style
	Replay   Style
	Cursor   Style // the log line being shown
	Error    Style
	Wire     Style
	Hex      Style
	Field    Style
	Term     Style // a glossary term where the narration explains it
	Selected Style // picker: chosen lesson
	Frames   map[frameClass]Style
	Help     help.Styles
}

// frameClass groups SPDUs that are drawn alike.
type frameClass int

const (
	classTransport frameClass = iota // COTP's CR CC DR ER
	classConnect                     // CN AC RF
	classData                        // DT
	classSync                        // MIP MIA MAP MAA RS RA
	classRelease                     // FN DN NF
	classAbort                       // AB, and TCP's RST
	classTCP                         // TCP's own FIN
)

func classOf(f spdu.Frame) frameClass {
	m, ok := f.Main()
	if !ok {
		return classTransport
	}
	switch m.Kind {
	case spdu.DT:
		return classData
	case spdu.MIP, spdu.MIA, spdu.MAP, spdu.MAA, spdu.RS, spdu.RA, spdu.AS, spdu.AR, spdu.AE, spdu.AEA:
		return classSync
	case spdu.FN, spdu.DN, spdu.NF:
		return classRelease
	case spdu.AB:
		return classAbort
	case spdu.RF:
		return classAbort
	}
	return classConnect
}

// brackets are each class's shape, so that frames differ without colour.
var brackets = map[frameClass][2]string{
	classTransport: {"‹", "›"},
	classConnect:   {"«", "»"},
	classData:      {"[", "]"},
	classSync:      {"{", "}"},
	classRelease:   {"(", ")"},
	classAbort:     {"!", "!"},
	classTCP:       {"·", "·"},
}

// NewStyles builds the styles for one terminal, in theme t. The wire and
// the key bar use the terminal's own text colour, not a grey: on a
// projector a grey fades.
func NewStyles(r *lipgloss.Renderer, t Theme) *Styles {
	colAccent, colClient, colServer, colData := t.Accent, t.Client, t.Server, t.Data
	colSync, colControl, colDanger, colMuted := t.Sync, t.Control, t.Danger, t.Muted
	s := &Styles{
		Title:    memo(r.NewStyle().Bold(true).Foreground(colAccent)),
		Muted:    memo(r.NewStyle().Foreground(colMuted)),
		Bold:     memo(r.NewStyle().Bold(true)),
		Client:   memo(r.NewStyle().Bold(true).Foreground(colClient)),
		Server:   memo(r.NewStyle().Bold(true).Foreground(colServer)),
		Pane:     memo(r.NewStyle().Bold(true).Foreground(colMuted)),
		PaneOn:   memo(r.NewStyle().Bold(true).Foreground(colAccent).Underline(true)),
		Live:     memo(r.NewStyle().Bold(true).Foreground(colData)),
		Paused:   memo(r.NewStyle().Bold(true).Reverse(true)),
		Replay:   memo(r.NewStyle().Bold(true).Reverse(true).Foreground(colSync)),
		Cursor:   memo(r.NewStyle().Bold(true)),
		Error:    memo(r.NewStyle().Bold(true).Foreground(colDanger)),
		Wire:     memo(r.NewStyle()),
		Hex:      memo(r.NewStyle().Foreground(colControl)),
		Field:    memo(r.NewStyle().Bold(true)),
		Term:     memo(r.NewStyle().Bold(true).Underline(true)),
		Selected: memo(r.NewStyle().Bold(true).Foreground(colAccent)),
		Frames: map[frameClass]Style{
			classTransport: memo(r.NewStyle().Foreground(colControl)),
			classConnect:   memo(r.NewStyle().Bold(true).Foreground(colControl)),
			classData:      memo(r.NewStyle().Bold(true).Foreground(colData)),
			classSync:      memo(r.NewStyle().Bold(true).Foreground(colSync)),
			classRelease:   memo(r.NewStyle().Bold(true).Foreground(colControl)),
			classAbort:     memo(r.NewStyle().Bold(true).Foreground(colDanger)),
			classTCP:       memo(r.NewStyle().Foreground(colControl)),
		},
	}
	s.Help = help.Styles{
		ShortKey:       r.NewStyle().Bold(true),
		ShortDesc:      r.NewStyle(),
		ShortSeparator: r.NewStyle().Foreground(colMuted),
		Ellipsis:       r.NewStyle().Foreground(colMuted),
		FullKey:        r.NewStyle().Bold(true),
		FullDesc:       r.NewStyle().Foreground(colMuted),
		FullSeparator:  r.NewStyle().Foreground(colMuted),
	}
	return s
}

// Style is a lipgloss style whose Render remembers what it drew. A
// screen draws mostly the strings it drew a moment ago (the log, the
// pane titles, the header), and lipgloss takes microseconds for each:
// a room of a hundred screens paid that on every step, in the burst
// that decides how late the last student sees it. A style's output for
// one string never changes (its renderer's profile and background are
// fixed when the styles are built), so the memo cannot go stale.
type Style struct {
	lipgloss.Style
	memo *renderMemo
}

// renderMemo is one style's strings drawn, bounded.
type renderMemo struct {
	mu sync.Mutex // a Model draws in its own goroutine; the lock costs nothing and keeps a stray use safe
	m  map[string]string
}

// memoLimit bounds a style's memo: past it the memo starts again, so a
// long run's log cannot grow it without end.
const memoLimit = 256

func memo(s lipgloss.Style) Style { return Style{Style: s, memo: &renderMemo{m: map[string]string{}}} }

// Render draws strs in the style, as lipgloss does.
func (s Style) Render(strs ...string) string {
	if s.memo == nil || len(strs) != 1 {
		return s.Style.Render(strs...)
	}
	s.memo.mu.Lock()
	defer s.memo.mu.Unlock()
	if out, ok := s.memo.m[strs[0]]; ok {
		return out
	}
	out := s.Style.Render(strs[0])
	if len(s.memo.m) >= memoLimit {
		clear(s.memo.m)
	}
	s.memo.m[strs[0]] = out
	return out
}
