package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"sessionlab/sim/spdu"
)

// Styles is every style the UI uses, built once from one renderer.
type Styles struct {
	Title    lipgloss.Style
	Muted    lipgloss.Style
	Bold     lipgloss.Style
	Client   lipgloss.Style
	Server   lipgloss.Style
	Pane     lipgloss.Style // a pane's title
	PaneOn   lipgloss.Style // the focused pane's title
	Live     lipgloss.Style
	Paused   lipgloss.Style
	Replay   lipgloss.Style
	Cursor   lipgloss.Style // the log line being shown
	Error    lipgloss.Style
	Wire     lipgloss.Style
	Hex      lipgloss.Style
	Field    lipgloss.Style
	Term     lipgloss.Style // a glossary term where the narration explains it
	Selected lipgloss.Style // picker: chosen lesson
	Frames   map[frameClass]lipgloss.Style
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
		Title:    r.NewStyle().Bold(true).Foreground(colAccent),
		Muted:    r.NewStyle().Foreground(colMuted),
		Bold:     r.NewStyle().Bold(true),
		Client:   r.NewStyle().Bold(true).Foreground(colClient),
		Server:   r.NewStyle().Bold(true).Foreground(colServer),
		Pane:     r.NewStyle().Bold(true).Foreground(colMuted),
		PaneOn:   r.NewStyle().Bold(true).Foreground(colAccent).Underline(true),
		Live:     r.NewStyle().Bold(true).Foreground(colData),
		Paused:   r.NewStyle().Bold(true).Reverse(true),
		Replay:   r.NewStyle().Bold(true).Reverse(true).Foreground(colSync),
		Cursor:   r.NewStyle().Bold(true),
		Error:    r.NewStyle().Bold(true).Foreground(colDanger),
		Wire:     r.NewStyle(),
		Hex:      r.NewStyle().Foreground(colControl),
		Field:    r.NewStyle().Bold(true),
		Term:     r.NewStyle().Bold(true).Underline(true),
		Selected: r.NewStyle().Bold(true).Foreground(colAccent),
		Frames: map[frameClass]lipgloss.Style{
			classTransport: r.NewStyle().Foreground(colControl),
			classConnect:   r.NewStyle().Bold(true).Foreground(colControl),
			classData:      r.NewStyle().Bold(true).Foreground(colData),
			classSync:      r.NewStyle().Bold(true).Foreground(colSync),
			classRelease:   r.NewStyle().Bold(true).Foreground(colControl),
			classAbort:     r.NewStyle().Bold(true).Foreground(colDanger),
			classTCP:       r.NewStyle().Foreground(colControl),
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
