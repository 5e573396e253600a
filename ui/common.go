package ui

// common is what every screen of one user's Model shares: its
// dependencies, styles, keys, and the terminal's size, which only the root
// model sets.
type common struct {
	deps   Deps
	styles *Styles
	keys   keyMap
	width  int
	height int
}
