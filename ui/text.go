package ui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
)

// fitHelp renders the key bindings that fit in width, in order of need:
// it drops them from the end, but always keeps always (the ? key, which
// leads to all the others). (help.Model's own cut-off keeps the first
// ones only, and can run past its width when not even the ellipsis fits.)
func fitHelp(h help.Model, bindings []key.Binding, always key.Binding, width int) string {
	h.Width = 0
	at := slices.IndexFunc(bindings, func(b key.Binding) bool { return b.Help() == always.Help() })
	for n := len(bindings); n > 0; n-- {
		shown := bindings[:n]
		if at >= n {
			shown = append(slices.Clone(shown[:n-1]), always)
		}
		if s := h.ShortHelpView(shown); ansi.StringWidth(s) <= width {
			return s
		}
	}
	return ""
}

// padTo makes s h lines by putting blank lines before its last one, so
// that the last (the help) sits at the bottom.
func padTo(s string, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) >= h {
		return s
	}
	last := len(lines) - 1
	pad := make([]string, h-len(lines))
	return strings.Join(append(append(lines[:last:last], pad...), lines[last]), "\n")
}

// clip keeps the first h lines. The renderer would drop extra lines from
// the top, losing the header; the tests make sure nothing relies on this.
func clip(s string, h int) string {
	if i := nthIndex(s, '\n', h); i >= 0 {
		return s[:i]
	}
	return s
}

// nthIndex returns the index of the nth occurrence of c in s, or -1.
func nthIndex(s string, c byte, n int) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			if n--; n == 0 {
				return i
			}
		}
	}
	return -1
}

// joinLines joins strings and slices of strings, one line each.
func joinLines(parts ...any) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch v := p.(type) {
		case string:
			b.WriteString(v)
		case []string:
			b.WriteString(strings.Join(v, "\n"))
		}
	}
	return b.String()
}

// trimRight drops the spaces at the end of every line, also those before a
// closing style reset: the renderer clears the rest of a line itself, so
// they would only be bytes written to the terminal.
func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		reset := ""
		for strings.HasSuffix(l, "\x1b[0m") {
			l = strings.TrimSuffix(l, "\x1b[0m")
			reset += "\x1b[0m"
			l = strings.TrimRight(l, " ")
		}
		lines[i] = strings.TrimRight(l, " ") + reset
	}
	return strings.Join(lines, "\n")
}

// sideBySide lays blocks of lines out as columns of the given widths,
// sep between them, rows lines in all, each line starting with a space:
// every cell is cut to its column's width and padded to it, but the last
// (the renderer clears the rest of a line itself).
func sideBySide(blocks [][]string, widths []int, sep string, rows int) []string {
	out := make([]string, rows)
	for i := range out {
		var b strings.Builder
		b.WriteByte(' ')
		for k, blk := range blocks {
			cell := ""
			if i < len(blk) {
				cell = ansi.Truncate(blk[i], widths[k], "…")
			}
			if k == len(blocks)-1 {
				b.WriteString(cell)
				break
			}
			b.WriteString(padRight(cell, widths[k]))
			b.WriteString(sep)
		}
		out[i] = b.String()
	}
	return out
}
