package ui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/sim"
)

// describe says in a line what a message is, for the debug log.
func describe(msg tea.Msg) string {
	switch msg := msg.(type) {
	case eventMsg:
		ev := msg.ev
		h := ev.Head()
		return fmt.Sprintf("event run=%d id=%d %v %s %s note=%q", msg.gen, h.ID, h.Scenario, h.Side, label(ev), h.Note)
	case startedMsg:
		if msg.err != nil {
			return fmt.Sprintf("started run=%d failed: %v", msg.gen, msg.err)
		}
		return fmt.Sprintf("started run=%d", msg.gen)
	case doneMsg:
		return fmt.Sprintf("done run=%d", msg.gen)
	case frameMsg:
		return fmt.Sprintf("frame tag=%d at=%s", msg.tag, msg.at.Format("15:04:05.000000"))
	case countdownMsg:
		return fmt.Sprintf("countdown tag=%d", msg.tag)
	case tea.KeyMsg:
		return fmt.Sprintf("key %q", msg.String())
	case tea.WindowSizeMsg:
		return fmt.Sprintf("size %dx%d", msg.Width, msg.Height)
	}
	return fmt.Sprintf("%T %+v", msg, msg)
}

// label names an event briefly: its verb, and its frame if it has one.
func label(ev sim.Event) string {
	switch e := ev.(type) {
	case sim.Sent:
		return "sent " + e.Name.String()
	case sim.Received:
		return "received " + e.Name.String()
	}
	return ev.Verb()
}
