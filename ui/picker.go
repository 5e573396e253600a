package ui

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
)

// lessonItem is a lesson in the picker.
type lessonItem struct {
	n int
	l *lessons.Lesson
}

func (i lessonItem) FilterValue() string { return i.l.Title }

// lessonDelegate draws a picker entry: number and title, and the summary
// under it. The chosen one is marked with a pointer as well as colour.
type lessonDelegate struct{ st *Styles }

func (d lessonDelegate) Height() int                         { return 2 }
func (d lessonDelegate) Spacing() int                        { return 1 }
func (d lessonDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }

func (d lessonDelegate) Render(w io.Writer, m list.Model, index int, item list.Item) {
	it, ok := item.(lessonItem)
	if !ok {
		return
	}
	title := fmt.Sprintf("%d. %s", it.n, it.l.Title)
	width := m.Width() - 4
	if index == m.Index() {
		fmt.Fprintf(w, "%s\n    %s", d.st.Selected.Render("▸ "+title), ansi.Truncate(it.l.Summary, width, "…"))
		return
	}
	fmt.Fprintf(w, "  %s\n    %s", title, d.st.Muted.Render(ansi.Truncate(it.l.Summary, width, "…")))
}

func newPicker(c *common) list.Model {
	var items []list.Item
	for i, l := range c.deps.Book.Lessons() {
		items = append(items, lessonItem{n: i + 1, l: l})
	}
	p := list.New(items, lessonDelegate{st: c.styles}, 0, 0)
	p.SetShowTitle(false)
	p.SetShowStatusBar(false)
	p.SetFilteringEnabled(false)
	p.SetShowHelp(false)
	p.SetShowPagination(true)
	p.DisableQuitKeybindings()
	return p
}

// pickerView is the picker screen: what SessionLab is, the lessons, help.
func (m *Model) pickerView(width, height int, help string) string {
	st := m.c.styles
	head := []string{
		" " + st.Title.Render("SessionLab") + st.Muted.Render(" · the OSI session layer, live"),
		" " + ansi.Truncate("Each lesson runs a real server and client on loopback TCP, speaking an X.225-inspired session protocol.", width-2, "…"),
		"",
	}
	// The list takes what its entries need; the chosen lesson's
	// introduction fills the rest.
	helpH := strings.Count(help, "\n") + 1
	listH := min(len(m.picker.Items())*3+1, max(height-len(head)-helpH-4, 3))
	m.picker.SetSize(width, listH)
	var intro []string
	if it, ok := m.picker.SelectedItem().(lessonItem); ok {
		room := height - len(head) - listH - helpH - 1
		intro = append(intro, " "+st.Pane.Render("About "+it.l.Title))
		for _, l := range strings.Split(ansi.Wordwrap(it.l.Intro, width-2, ""), "\n") {
			intro = append(intro, " "+l)
		}
		if len(intro) > room {
			intro = append(intro[:max(room-1, 0)], " "+st.Muted.Render("…"))
		}
	}
	body := joinLines(head, m.picker.View(), intro)
	pad := height - strings.Count(body, "\n") - helpH - 1
	return body + strings.Repeat("\n", max(pad, 0)+1) + help
}
