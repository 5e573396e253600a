package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
)

// keyGroup is a titled column of the full help.
type keyGroup struct {
	title string
	keys  []key.Binding
}

// fullHelp is what ? shows on the lesson screen and on the picker: every
// key, grouped by what it is for.
func (m Model) fullHelp() []keyGroup {
	k := &m.c.keys
	var groups []keyGroup
	if m.screen == pickerScreen {
		groups = []keyGroup{
			{"Choose a lesson", []key.Binding{k.PickUp, k.PickDown, k.PickFirst, k.PickLast, k.Open, k.Continue}},
			{"Anywhere", []key.Binding{k.Glossary, k.Blank, k.Help, k.Quit, k.Abort}},
		}
	} else {
		groups = fullHelp(m.c.actions, m.following())
	}
	switch { // a class's own keys
	case m.c.deps.Publish != nil:
		groups = append(groups, keyGroup{"Your class", []key.Binding{k.Lock, k.Chart}})
	case m.c.deps.Follow != nil:
		groups = append(groups, keyGroup{"In class", []key.Binding{k.Explore}})
	}
	return groups
}

// helpScreen draws the full help in width columns and at most height
// rows: the groups two by two side by side where they fit, else one
// under the other.
func (m Model) helpScreen(width, height int) []string {
	st := m.c.styles
	groups := m.fullHelp()
	colW := width - 2
	perRow := 1
	if width >= 78 {
		perRow, colW = 2, (width-4)/2
	}
	block := func(g keyGroup) []string {
		out := []string{st.Bold.Render(g.title)}
		for _, b := range g.keys {
			h := b.Help()
			out = append(out, ansi.Truncate(st.Help.FullKey.Render(padRight(h.Key, 11))+st.Help.FullDesc.Render(h.Desc), colW, "…"))
		}
		return out
	}
	out := []string{" " + st.Title.Render("Keys") + st.Muted.Render(" · any key closes this")}
	for i := 0; i < len(groups); i += perRow {
		out = append(out, "")
		var blocks [][]string
		rows := 0
		for _, g := range groups[i:min(i+perRow, len(groups))] {
			b := block(g)
			blocks = append(blocks, b)
			rows = max(rows, len(b))
		}
		widths := slices.Repeat([]int{colW}, len(blocks))
		out = append(out, sideBySide(blocks, widths, "  ", rows)...)
	}
	if len(out) > height {
		out = append(out[:height-1], " "+st.Muted.Render("…"))
	}
	return out
}
