package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// MinWidth and MinHeight are the smallest terminal the lesson screen fits.
const (
	MinWidth  = 60
	MinHeight = 20
)

// screen is which screen shows.
type screen int

const (
	pickerScreen screen = iota
	lessonScreen
)

// openMsg opens a lesson; Init sends it, so that the first frame is drawn
// before the lesson opens its sockets.
type openMsg struct{ id string }

// Model is one user's SessionLab.
type Model struct {
	c        *common
	help     help.Model
	helpLine string  // the help bar, rendered for helpFor
	helpFor  helpKey // what helpLine was rendered for
	screen   screen
	picker   list.Model
	lesson   lessonModel
	quitting bool
}

// helpKey is what the help bar depends on.
type helpKey struct {
	width  int
	screen screen
	all    bool
}

// New returns a Model showing the picker, or deps.Lesson if set.
func New(deps Deps) Model {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Speed == 0 {
		deps.Speed = 1
	}
	if deps.Renderer == nil {
		deps.Renderer = lipgloss.DefaultRenderer()
	}
	c := &common{deps: deps, styles: NewStyles(deps.Renderer), keys: newKeyMap()}
	h := help.New()
	h.Styles = c.styles.Help
	return Model{c: c, help: h, picker: newPicker(c)}
}

// Init opens the lesson given in Deps, if any.
func (m Model) Init() tea.Cmd {
	if id := m.c.deps.Lesson; id != "" {
		return func() tea.Msg { return openMsg{id: id} }
	}
	return nil
}

// Update handles a message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if f, ok := msg.(frameMsg); ok {
		m.lesson.now = f.at
	} else {
		m.lesson.now = m.c.deps.Now()
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.help.Width = msg.Width
	case tea.KeyMsg:
		m, cmd = m.key(msg)
	case openMsg:
		cmd = m.open(msg.id)
	default:
		// Everything else belongs to the lesson's run; a run that is no
		// longer wanted is recognised there by its generation.
		m.lesson, cmd = m.lesson.update(msg)
	}
	m.refreshHelp()
	if m.screen == lessonScreen {
		w, h := m.size()
		m.lesson.relayout(w, h, strings.Count(m.helpLine, "\n")+1)
	}
	return m, cmd
}

// refreshHelp renders the help bar again when what it depends on changed.
func (m *Model) refreshHelp() {
	w, _ := m.size()
	key := helpKey{width: w, screen: m.screen, all: m.help.ShowAll}
	if key == m.helpFor && m.helpLine != "" {
		return
	}
	m.helpFor = key
	m.helpLine = " " + strings.ReplaceAll(m.helpView(w-1), "\n", "\n ")
}

func (m Model) key(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := &m.c.keys
	switch {
	case key.Matches(msg, k.Abort):
		m.quitting = true
		return m, tea.Interrupt
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m, nil
	}
	if m.screen == pickerScreen {
		if key.Matches(msg, k.Open) {
			if it, ok := m.picker.SelectedItem().(lessonItem); ok {
				return m, m.open(it.l.ID)
			}
		}
		var cmd tea.Cmd
		m.picker, cmd = m.picker.Update(msg)
		return m, cmd
	}
	if key.Matches(msg, k.Lessons) {
		m.screen = pickerScreen
		return m, m.lesson.stop()
	}
	var cmd tea.Cmd
	m.lesson, cmd = m.lesson.update(msg)
	return m, cmd
}

// open switches to a lesson and starts its run.
func (m *Model) open(id string) tea.Cmd {
	l, ok := m.c.deps.Book.Lesson(id)
	if !ok {
		return nil
	}
	for i, it := range m.picker.Items() {
		if it.(lessonItem).l == l {
			m.picker.Select(i)
		}
	}
	stopOld := m.lesson.stop()
	speed := m.c.deps.Speed
	if m.lesson.lesson != nil {
		speed = m.lesson.speed
	}
	m.lesson = newLessonModel(m.c, l, speed)
	m.lesson.now = m.c.deps.Now()
	m.lesson.faults, m.c.deps.Faults = m.c.deps.Faults, nil // only the first lesson opened
	m.screen = lessonScreen
	return tea.Sequence(stopOld, m.lesson.start())
}

// size is the terminal's size; before one is known (no terminal), a
// common default.
func (m Model) size() (int, int) {
	if m.c.width == 0 || m.c.height == 0 {
		return 80, 24
	}
	return m.c.width, m.c.height
}

func (m Model) helpView(width int) string {
	var keys help.KeyMap = lessonKeys{&m.c.keys}
	if m.screen == pickerScreen {
		keys = pickerKeys{&m.c.keys}
	}
	if m.help.ShowAll {
		m.help.Width = width
		lines := strings.Split(m.help.FullHelpView(keys.FullHelp()), "\n")
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, width, "…")
		}
		return strings.Join(lines, "\n")
	}
	return fitHelp(m.help, keys.ShortHelp(), width)
}

// fitHelp renders as many key bindings as fit in width, then an ellipsis.
// (help.Model's own cut-off can run past its width when not even the
// ellipsis fits.)
func fitHelp(h help.Model, bindings []key.Binding, width int) string {
	h.Width = 0
	for n := len(bindings); n > 0; n-- {
		s := h.ShortHelpView(bindings[:n])
		if n < len(bindings) {
			s += " " + h.Styles.Ellipsis.Render(h.Ellipsis)
		}
		if ansi.StringWidth(s) <= width {
			return s
		}
	}
	return ""
}

// View draws the screen.
func (m Model) View() string {
	if m.quitting {
		return ""
	}
	w, h := m.size()
	if w < MinWidth || h < MinHeight {
		return m.tooSmall(w, h)
	}
	help := m.helpLine
	if help == "" { // View before any Update
		help = " " + strings.ReplaceAll(m.helpView(w-1), "\n", "\n ")
	}
	var s string
	if m.screen == pickerScreen {
		s = m.pickerView(w, h, help)
	} else {
		s = m.lesson.view(help)
	}
	return trimRight(clip(s, h))
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

func (m Model) tooSmall(w, h int) string {
	st := m.c.styles
	msg := st.Bold.Render("Terminal too small") + "\n" +
		fmt.Sprintf("SessionLab needs at least %d×%d;\nthis one is %d×%d.", MinWidth, MinHeight, w, h)
	return trimRight(m.c.deps.Renderer.Place(w, h, lipgloss.Center, lipgloss.Center, msg))
}

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
