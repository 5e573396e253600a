package ui

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key SessionLab answers to.
type keyMap struct {
	Pause   key.Binding
	Forward key.Binding
	Back    key.Binding
	Restart key.Binding
	Faster  key.Binding
	Slower  key.Binding
	Focus   key.Binding
	Reset   key.Binding
	Stall   key.Binding
	Kill    key.Binding
	Up      key.Binding
	Down    key.Binding
	Open    key.Binding
	// The picker's own moves.
	PickUp, PickDown, PickFirst, PickLast key.Binding
	Lessons                               key.Binding
	Help                                  key.Binding
	Quit                                  key.Binding
	Abort                                 key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Pause:     key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/run")),
		Forward:   key.NewBinding(key.WithKeys("right", "n", "pgdown"), key.WithHelp("→/n", "step")),
		Back:      key.NewBinding(key.WithKeys("left", "p", "pgup"), key.WithHelp("←/p", "back (replay)")),
		Restart:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
		Faster:    key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster")),
		Slower:    key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "slower")),
		Focus:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "log/inspector")),
		Reset:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "fault: reset")),
		Stall:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "fault: stall")),
		Kill:      key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "fault: stop server")),
		Up:        key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "scroll up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		Open:      key.NewBinding(key.WithKeys("enter", "right", "l", "pgdown"), key.WithHelp("enter/→", "open lesson")),
		PickUp:    key.NewBinding(key.WithKeys("up", "k", "pgup"), key.WithHelp("↑/k", "up")),
		PickDown:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PickFirst: key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "first")),
		PickLast:  key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "last")),
		Lessons:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "lessons")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Abort:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// lessonKeys is the help for the lesson screen.
type lessonKeys struct{ k *keyMap }

func (h lessonKeys) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Pause, h.k.Forward, h.k.Back, h.k.Restart, h.k.Faster, h.k.Slower, h.k.Lessons, h.k.Help, h.k.Quit}
}

func (h lessonKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Pause, h.k.Forward, h.k.Back, h.k.Restart},
		{h.k.Faster, h.k.Slower, h.k.Focus, h.k.Up, h.k.Down},
		{h.k.Reset, h.k.Stall, h.k.Kill},
		{h.k.Lessons, h.k.Help, h.k.Quit, h.k.Abort},
	}
}

// pickerKeys is the help for the lesson picker.
type pickerKeys struct{ k *keyMap }

func (h pickerKeys) ShortHelp() []key.Binding {
	return []key.Binding{h.k.PickUp, h.k.PickDown, h.k.Open, h.k.Help, h.k.Quit}
}

func (h pickerKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{h.k.PickUp, h.k.PickDown, h.k.PickFirst, h.k.PickLast, h.k.Open}, {h.k.Help, h.k.Quit, h.k.Abort}}
}
