package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Theme is a palette for one kind of screen. Each colour is given for
// every colour depth, chosen by hand rather than left to the nearest
// match: downsampled, a readable colour can turn into one that is not.
// Every colour reaches a contrast of 4.5:1 (WCAG AA) against Background
// at every depth (TestContrast); with NO_COLOR or on a terminal without
// colour, none is used and what remains reads by its words and brackets.
type Theme struct {
	Name string
	Dark bool // drawn for a dark background
	// Background is the background the theme is checked against: a
	// typical one for truecolor and 256 colours, and ANSI 0 (black) or 15
	// (white) for 16 colours.
	Background lipgloss.CompleteColor

	Accent, Client, Server, Data, Sync, Control, Danger, Muted lipgloss.CompleteColor
}

// Themes are the built-in themes, by name.
func Themes() []Theme {
	return []Theme{
		{
			Name: "dark", Dark: true,
			Background: lipgloss.CompleteColor{TrueColor: "#1E1E1E", ANSI256: "234", ANSI: "0"},
			Accent:     lipgloss.CompleteColor{TrueColor: "#B7A4FF", ANSI256: "147", ANSI: "13"},
			Client:     lipgloss.CompleteColor{TrueColor: "#6CB6FF", ANSI256: "75", ANSI: "14"},
			Server:     lipgloss.CompleteColor{TrueColor: "#FFB86C", ANSI256: "215", ANSI: "11"},
			Data:       lipgloss.CompleteColor{TrueColor: "#7EE787", ANSI256: "114", ANSI: "10"},
			Sync:       lipgloss.CompleteColor{TrueColor: "#D2A8FF", ANSI256: "183", ANSI: "13"},
			Control:    lipgloss.CompleteColor{TrueColor: "#79C0FF", ANSI256: "117", ANSI: "14"},
			Danger:     lipgloss.CompleteColor{TrueColor: "#FF7B72", ANSI256: "210", ANSI: "9"},
			Muted:      lipgloss.CompleteColor{TrueColor: "#ABABAB", ANSI256: "248", ANSI: "7"},
		},
		{
			Name: "light", Dark: false,
			Background: lipgloss.CompleteColor{TrueColor: "#FFFFFF", ANSI256: "231", ANSI: "15"},
			Accent:     lipgloss.CompleteColor{TrueColor: "#5A3FC0", ANSI256: "55", ANSI: "5"},
			Client:     lipgloss.CompleteColor{TrueColor: "#0B5FA5", ANSI256: "25", ANSI: "4"},
			Server:     lipgloss.CompleteColor{TrueColor: "#9A4B00", ANSI256: "130", ANSI: "1"},
			Data:       lipgloss.CompleteColor{TrueColor: "#1A6B1A", ANSI256: "22", ANSI: "0"},
			Sync:       lipgloss.CompleteColor{TrueColor: "#7B1FC9", ANSI256: "91", ANSI: "5"},
			Control:    lipgloss.CompleteColor{TrueColor: "#005F87", ANSI256: "24", ANSI: "4"},
			Danger:     lipgloss.CompleteColor{TrueColor: "#B00020", ANSI256: "124", ANSI: "1"},
			Muted:      lipgloss.CompleteColor{TrueColor: "#595959", ANSI256: "240", ANSI: "0"},
		},
		{
			// For projectors and low vision: bright colours on black, no
			// greys; what is muted elsewhere is plain white here.
			Name: "high-contrast", Dark: true,
			Background: lipgloss.CompleteColor{TrueColor: "#000000", ANSI256: "16", ANSI: "0"},
			Accent:     lipgloss.CompleteColor{TrueColor: "#FFFF00", ANSI256: "226", ANSI: "11"},
			Client:     lipgloss.CompleteColor{TrueColor: "#00FFFF", ANSI256: "51", ANSI: "14"},
			Server:     lipgloss.CompleteColor{TrueColor: "#FFAF00", ANSI256: "214", ANSI: "11"},
			Data:       lipgloss.CompleteColor{TrueColor: "#00FF00", ANSI256: "46", ANSI: "10"},
			Sync:       lipgloss.CompleteColor{TrueColor: "#FF87FF", ANSI256: "213", ANSI: "13"},
			Control:    lipgloss.CompleteColor{TrueColor: "#FFFFFF", ANSI256: "231", ANSI: "15"},
			Danger:     lipgloss.CompleteColor{TrueColor: "#FF5F5F", ANSI256: "203", ANSI: "9"},
			Muted:      lipgloss.CompleteColor{TrueColor: "#FFFFFF", ANSI256: "231", ANSI: "15"},
		},
	}
}

// ThemeNames are the names --theme takes: auto, then the themes.
func ThemeNames() []string {
	names := []string{"auto"}
	for _, t := range Themes() {
		names = append(names, t.Name)
	}
	return names
}

// ThemeFor returns the theme called name; auto picks dark or light by
// whether the background is dark.
func ThemeFor(name string, darkBackground bool) (Theme, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" || name == "auto" {
		name = "light"
		if darkBackground {
			name = "dark"
		}
	}
	for _, t := range Themes() {
		if t.Name == name {
			return t, nil
		}
	}
	return Theme{}, fmt.Errorf("unknown theme %q (choose %s)", name, strings.Join(ThemeNames(), ", "))
}

// colors lists the theme's text colours by what they colour, for checks.
func (t Theme) colors() map[string]lipgloss.CompleteColor {
	return map[string]lipgloss.CompleteColor{
		"accent": t.Accent, "client": t.Client, "server": t.Server, "data": t.Data,
		"sync": t.Sync, "control": t.Control, "danger": t.Danger, "muted": t.Muted,
	}
}
