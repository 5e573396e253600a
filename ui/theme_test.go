package ui

import (
	"io"
	"math"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// profiles are the colour depths a theme must hold at, and which of a
// CompleteColor's values each one uses.
var profiles = []struct {
	name    string
	profile termenv.Profile
	pick    func(lipgloss.CompleteColor) string
}{
	{"truecolor", termenv.TrueColor, func(c lipgloss.CompleteColor) string { return c.TrueColor }},
	{"256 colours", termenv.ANSI256, func(c lipgloss.CompleteColor) string { return c.ANSI256 }},
	{"16 colours", termenv.ANSI, func(c lipgloss.CompleteColor) string { return c.ANSI }},
}

// luminance is WCAG's relative luminance of a colour as p shows it (16
// colours in xterm's palette).
func luminance(p termenv.Profile, s string) float64 {
	c := termenv.ConvertToRGB(p.Color(s))
	lin := func(v float64) float64 {
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is WCAG's contrast ratio of two colours, from 1 to 21.
func contrast(p termenv.Profile, a, b string) float64 {
	la, lb := luminance(p, a), luminance(p, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestContrast: in every theme, at every colour depth, every text colour
// reaches 4.5:1 against the theme's background (WCAG AA for text), and
// the frame kinds that share a line stay apart at 16 colours or more.
func TestContrast(t *testing.T) {
	for _, th := range Themes() {
		for _, p := range profiles {
			bg := p.pick(th.Background)
			for role, c := range th.colors() {
				if r := contrast(p.profile, p.pick(c), bg); r < 4.5 {
					t.Errorf("%s theme, %s: %s %s on %s is %.2f:1", th.Name, p.name, role, p.pick(c), bg, r)
				}
			}
		}
		if th.Dark != (luminance(termenv.TrueColor, th.Background.TrueColor) < 0.2) {
			t.Errorf("%s theme: Dark is %v for a background of luminance %.2f", th.Name, th.Dark, luminance(termenv.TrueColor, th.Background.TrueColor))
		}
	}
	// The check must be able to fail: grey on grey does.
	if r := contrast(termenv.TrueColor, "#777777", "#555555"); r >= 4.5 {
		t.Fatalf("grey on grey passes at %.2f:1", r)
	}
}

// TestThemeNames: auto follows the background; a bad name says the good
// ones.
func TestThemeNames(t *testing.T) {
	for _, tt := range []struct {
		name string
		dark bool
		want string
	}{{"auto", true, "dark"}, {"", false, "light"}, {"High-Contrast", false, "high-contrast"}, {"light", true, "light"}} {
		th, err := ThemeFor(tt.name, tt.dark)
		if err != nil || th.Name != tt.want {
			t.Errorf("ThemeFor(%q, %v) = %q, %v", tt.name, tt.dark, th.Name, err)
		}
	}
	if _, err := ThemeFor("sepia", true); err == nil || !strings.Contains(err.Error(), "high-contrast") {
		t.Errorf("a bad theme: %v", err)
	}
}

// TestThemeScreens draws the lesson screen in each theme as a truecolor
// terminal gets it, escape codes and all.
func TestThemeScreens(t *testing.T) {
	mid := upTo(t, recorded(t, sim.Synchronize), received(sim.Client, spdu.MIA))
	for _, th := range Themes() {
		t.Run(th.Name, func(t *testing.T) {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(termenv.TrueColor)
			r.SetHasDarkBackground(th.Dark)
			hs := newHarness(t, 100, 30)
			hs.m = newModel(t, Deps{Book: testBook(t), Start: hs.starter.start, Renderer: r, Now: hs.clock.now, Theme: th})
			hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
			hs.open("synchronize")
			hs.play(mid...)
			hs.settle()
			v := hs.m.View()
			if !strings.Contains(v, "\x1b[38;2;") {
				t.Fatal("no colour")
			}
			golden.RequireEqual(t, []byte(v))
		})
	}
}
