package ui

import (
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/sim"
)

// faultMenu is the f menu (stageMenu): every kind of fault with its key
// and what it does, from sim's fault table. It shows in the narration's
// place; any key closes it, a kind's key injecting that fault.
type faultMenu struct {
	text string // what it says, written once
}

func newFaultMenu() faultMenu {
	var b strings.Builder
	b.WriteString("It strikes at the run's next step, and the lesson stops there to say what it did.")
	for n, k := range sim.FaultKinds() {
		fmt.Fprintf(&b, "\n%s  %s: %s", menuKey(k, n), k, k.Summary())
	}
	b.WriteString("\nAny other key cancels.")
	return faultMenu{text: b.String()}
}

// update reads the key that closes the menu: the fault it chose, if any.
func (faultMenu) update(msg tea.KeyMsg) (sim.FaultKind, bool) {
	s := strings.ToLower(msg.String())
	for n, k := range sim.FaultKinds() {
		if s == menuKey(k, n) || s == strconv.Itoa(n+1) {
			return k, true
		}
	}
	return 0, false
}

// menuKey is the menu key of the n-th fault kind (from 0): its letter
// from the fault table, else its number.
func menuKey(k sim.FaultKind, n int) string {
	if s := k.Key(); s != "" {
		return s
	}
	return strconv.Itoa(n + 1)
}

// menuKeyPressed closes the fault menu: the chosen fault is injected, or
// none.
func (m lessonModel) menuKeyPressed(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	kind, ok := m.menu.update(msg)
	wasPlaying := m.before == stagePlaying
	m.enter(m.guided())
	var cmd tea.Cmd
	if wasPlaying {
		m, cmd = m.play() // on where the menu paused it
	}
	if !ok {
		m.say("No fault injected.")
		return m, cmd
	}
	m, inject := m.inject(kind)
	return m, tea.Batch(cmd, inject)
}

// inject breaks the run on purpose: the fault takes its turn at the run's
// next step, and the lesson pauses on it when it comes.
func (m lessonModel) inject(kind sim.FaultKind) (lessonModel, tea.Cmd) {
	if !m.link.live() {
		m.say("No run to break: r starts the lesson again.")
		return m, nil
	}
	m.link.inject(kind)
	hint := "Fault: " + kind.Summary() + ", at the next step."
	if !m.playing() {
		hint += " Press → to let it happen."
	}
	m.say(hint)
	return m, nil
}
