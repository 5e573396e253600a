package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
)

// glossary is the g screen: every term the lessons use, filtered as the
// learner types, scrolled with the arrows and PgUp/PgDn, closed with esc.
// Its search line is a few lines of our own rather than a text input
// whose cursor blinks: a blink is a redraw a second on every terminal.
type glossary struct {
	terms []lessons.Term
	query string
	top   int // the first line shown
}

func newGlossary(terms []lessons.Term) *glossary { return &glossary{terms: terms} }

// update answers a key; it reports false when the glossary closes.
func (g *glossary) update(msg tea.KeyMsg) bool {
	switch msg.Type {
	case tea.KeyEsc:
		return false
	case tea.KeyUp:
		g.top = max(g.top-1, 0)
	case tea.KeyDown:
		g.top++
	case tea.KeyPgUp:
		g.top = max(g.top-10, 0)
	case tea.KeyPgDown:
		g.top += 10
	case tea.KeyHome:
		g.top = 0
	case tea.KeyBackspace:
		if r := []rune(g.query); len(r) > 0 {
			g.query = string(r[:len(r)-1])
			g.top = 0
		}
	case tea.KeyCtrlU:
		g.query, g.top = "", 0
	case tea.KeyRunes, tea.KeySpace:
		g.query += string(msg.Runes)
		g.top = 0
	}
	return true
}

// lines draws the glossary in width columns and height rows.
func (g *glossary) lines(st *Styles, width, height int) []string {
	head, body := g.content(st, width)
	rows := max(height-len(head), 1)
	top := min(g.top, max(len(body)-rows, 0))
	return append(head, body[top:min(top+rows, len(body))]...)
}

// clamp keeps the scroll position within the content at this size, so
// that ↑ moves at once after scrolling past the end.
func (g *glossary) clamp(st *Styles, width, height int) {
	head, body := g.content(st, width)
	g.top = min(g.top, max(len(body)-max(height-len(head), 1), 0))
}

// content is the glossary's fixed head and its scrolled body.
func (g *glossary) content(st *Styles, width int) (head, body []string) {
	head = []string{
		" " + st.Title.Render("Glossary") + st.Muted.Render(" · type to search · ↑/↓ PgUp/PgDn scroll · esc closes"),
		" " + st.Bold.Render("Search: ") + g.query + "▏",
		"",
	}
	n := 0
	for _, t := range g.terms {
		if !t.Matches(g.query) {
			continue
		}
		n++
		name := st.Term.Render(t.Name)
		if len(t.Also) > 0 {
			name += st.Muted.Render(" (also " + strings.Join(t.Also, ", ") + ")")
		}
		body = append(body, " "+name)
		for _, l := range strings.Split(ansi.Wordwrap(t.Text, width-5, ""), "\n") {
			body = append(body, "    "+l)
		}
		body = append(body, "")
	}
	if n == 0 {
		body = append(body, " "+st.Muted.Render("No term matches “"+g.query+"”. Backspace or ctrl+u to search again."))
	}
	return head, body
}
