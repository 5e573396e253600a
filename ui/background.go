package ui

import (
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// The terminal's background decides between the dark and light themes
// (--theme auto). DetectDark asks the terminal (OSC 11), also from inside
// tmux and screen, which a plain query does not cross; then it reads
// COLORFGBG; failing both, it says dark, the common case.

// oscReply is a terminal's answer to OSC 11: rgb:RRRR/GGGG/BBBB, each
// part one to four hex digits.
var oscReply = regexp.MustCompile(`\]11;rgb:([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})`)

// darkFromReply reads a terminal's answers; ok is false when none holds
// a background colour.
func darkFromReply(reply string) (dark, ok bool) {
	m := oscReply.FindStringSubmatch(reply)
	if m == nil {
		return false, false
	}
	var rgb [3]float64
	for i, hex := range m[1:] {
		v, _ := strconv.ParseUint(hex, 16, 16)
		rgb[i] = float64(v) / float64(uint64(1)<<(4*len(hex))-1)
	}
	// Perceived lightness, as a terminal theme would judge it.
	return 0.299*rgb[0]+0.587*rgb[1]+0.114*rgb[2] < 0.5, true
}

// darkFromColorFGBG reads COLORFGBG ("15;0": foreground, background, as
// rxvt and Konsole set it); ok is false when it says nothing.
func darkFromColorFGBG(v string) (dark, ok bool) {
	parts := strings.Split(v, ";")
	if len(parts) < 2 {
		return false, false
	}
	bg, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return false, false
	}
	// 7 and 15 are the light greys and white of the 16 colours.
	return bg != 7 && bg != 15, true
}

// backgroundQuery is what to send to ask for the background colour: the
// OSC 11 query, wrapped for tmux or screen when inside one, then a cursor
// position request, which every terminal answers, so that the reader
// knows when no more answers will come.
func backgroundQuery(term string) string {
	q := "\x1b]11;?\x07"
	switch {
	case strings.HasPrefix(term, "tmux"):
		// tmux answers a plain query itself when it knows the outer
		// terminal's colours; the wrapped one goes through when
		// passthrough is allowed.
		q += "\x1bPtmux;\x1b" + q + "\x1b\\"
	case strings.HasPrefix(term, "screen"):
		q += "\x1bP" + q + "\x1b\\"
	}
	return q + "\x1b[6n"
}

// ChooseTheme resolves a theme's name (checked already: see ThemeFor).
// For auto it finds out whether the background is dark, before the
// program takes the terminal over; with no colour there is nothing to
// choose.
func ChooseTheme(name string, r *lipgloss.Renderer, getenv func(string) string) Theme {
	if !strings.EqualFold(name, "auto") {
		t, _ := ThemeFor(name, true)
		return t
	}
	dark := true
	term := getenv("TERM")
	switch {
	case r.ColorProfile() == termenv.Ascii:
	case strings.HasPrefix(term, "tmux") || strings.HasPrefix(term, "screen"):
		// lipgloss does not ask through a multiplexer; DetectDark does.
		var tty *os.File
		if f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
			tty = f
			defer f.Close()
		}
		dark, _ = DetectDark(tty, getenv)
	default:
		// Bubble Tea asks the terminal through lipgloss's default
		// renderer (OSC 11, then COLORFGBG) and keeps the answer: asking
		// through it too makes that one question, not two.
		dark = lipgloss.HasDarkBackground()
	}
	t, _ := ThemeFor("auto", dark)
	return t
}
