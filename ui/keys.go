package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"sessionlab/sim"
)

// keyMap is every key SessionLab answers to. A presentation clicker sends
// PgDn and PgUp (some also . or b to blank the screen): those alone step
// through a whole lesson and on to the next one.
type keyMap struct {
	// A class's keys: a student's Explore, the teacher's Lock and Chart.
	Explore, Lock, Chart key.Binding
	Forward              key.Binding
	Back                 key.Binding
	// A step number typed, then enter, goes to that step of the part.
	StepDigit, GoToStep, Unstep key.Binding
	Play                        key.Binding
	NextPart                    key.Binding
	PrevPart                    key.Binding
	Next                        key.Binding // at a lesson's end: open the next lesson
	Retry                       key.Binding // at a lesson's end: take the quiz again
	Restart                     key.Binding
	Faster                      key.Binding
	Slower                      key.Binding
	View                        key.Binding
	Focus                       key.Binding
	Up                          key.Binding
	Down                        key.Binding
	Glossary                    key.Binding
	More                        key.Binding // the longer why of the step on screen
	Faults                      key.Binding
	Blank                       key.Binding
	// Fault shortcuts, from the fault table: capitals, so that they are
	// never hit by accident next to navigation keys; the menu (f)
	// explains each.
	FaultKeys []faultKey
	Open      key.Binding
	Continue  key.Binding // the picker: where the learner left off
	// The picker's own moves.
	PickUp, PickDown, PickFirst, PickLast key.Binding
	// A clicker's other keys, which go round the lessons.
	PickPrev, PickNext key.Binding
	Lessons            key.Binding
	Help               key.Binding
	Quit               key.Binding
	Abort              key.Binding
	Suspend            key.Binding
}

// faultKey is a fault kind's shortcut.
type faultKey struct {
	kind sim.FaultKind
	key.Binding
}

// faultKeys are the shortcuts of the fault kinds that have a menu letter.
func faultKeys() []faultKey {
	var out []faultKey
	for _, k := range sim.FaultKinds() {
		if l := k.Key(); l != "" {
			up := strings.ToUpper(l)
			out = append(out, faultKey{k, key.NewBinding(key.WithKeys(up), key.WithHelp(up, "fault: "+k.Title()))})
		}
	}
	return out
}

func newKeyMap() keyMap {
	return keyMap{
		Forward:   key.NewBinding(key.WithKeys("right", "n", "pgdown", "l"), key.WithHelp("→/PgDn", "next")),
		Back:      key.NewBinding(key.WithKeys("left", "p", "pgup", "h"), key.WithHelp("←/PgUp", "back")),
		StepDigit: key.NewBinding(key.WithKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("12 enter", "go to step 12")),
		GoToStep:  key.NewBinding(key.WithKeys("enter")),
		Unstep:    key.NewBinding(key.WithKeys("backspace")),
		Play:      key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "play/pause")),
		NextPart:  key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next part")),
		PrevPart:  key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous part")),
		Next:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next lesson")),
		Retry:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "quiz again")),
		Restart:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
		Faster:    key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster")),
		Slower:    key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "slower")),
		View:      key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "wire/ladder")),
		Focus:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "switch pane")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		Glossary:  key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "glossary")),
		More:      key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "more")),
		Faults:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "faults")),
		Blank:     key.NewBinding(key.WithKeys(".", "b"), key.WithHelp("./b", "blank")),
		FaultKeys: faultKeys(),
		Open:      key.NewBinding(key.WithKeys("enter", "right", "l", "pgdown"), key.WithHelp("enter/PgDn", "open")),
		Continue:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "continue")),
		PickUp:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "choose")),
		PickPrev:  key.NewBinding(key.WithKeys("pgup", "f17"), key.WithHelp("PgUp", "previous lesson")), // f17: Shift+F5
		PickNext:  key.NewBinding(key.WithKeys("f5", "esc", ".", "b"), key.WithHelp("F5/./b", "next lesson")),
		PickDown:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PickFirst: key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
		PickLast:  key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "last")),
		Lessons:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "lessons")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Abort:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Suspend:   key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "suspend")),
		Explore:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "explore alone / back to the teacher")),
		Lock:      key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "lock the room to your step")),
		Chart:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "the answers' chart")),
	}
}

// pickerKeys is the help for the lesson picker.
type pickerKeys struct{ k *keyMap }

func (h pickerKeys) ShortHelp() []key.Binding {
	return []key.Binding{h.k.PickUp, h.k.Open, h.k.PickPrev, h.k.PickNext, h.k.Glossary, h.k.Help, h.k.Quit}
}
