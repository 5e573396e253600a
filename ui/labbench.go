package ui

// The lab bench screen (sessionlab listen, sessionlab connect): every
// event of every connection in a log, and the one under the cursor in
// full below it: a frame's fields, or the octets with the wrong one
// marked and what was expected there.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/sim"
)

// benchKeep is how many events the bench screen keeps: a peer that opens
// hundreds of connections cannot make it grow without bound.
const benchKeep = 2000

// benchKeys is the bench screen's keymap.
type benchKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Quit, Abort, Help key.Binding
}

func newBenchKeys() benchKeys {
	return benchKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "choose an event")),
		Down:     key.NewBinding(key.WithKeys("down", "j")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("PgUp/PgDn", "page")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " ")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/end", "first/latest")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G")),
		Quit:     key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q", "quit")),
		Abort:    key.NewBinding(key.WithKeys("ctrl+c")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
	}
}

func (k benchKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.PageUp, k.Top, k.Quit, k.Help}
}
func (k benchKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.PageUp, k.Top}, {k.Quit, k.Help}}
}

// benchEventMsg is the bench's next event; benchDoneMsg, that it ended.
type (
	benchEventMsg sim.BenchEvent
	benchDoneMsg  struct{}
)

// nextBenchEvent waits for the bench's next event: the one command that
// brings them, armed again after each.
func nextBenchEvent(events <-chan sim.BenchEvent) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return benchDoneMsg{}
		}
		return benchEventMsg(ev)
	}
}

// benchModel is the bench screen.
type benchModel struct {
	events  <-chan sim.BenchEvent
	st      *Styles
	keys    benchKeys
	help    help.Model
	log     []sim.BenchEvent
	dropped int  // events let go from the front of log
	cursor  int  // index in log
	follow  bool // the cursor goes to each new event
	done    bool
	addr    string
	conns   int
	w, h    int
}

func newBenchModel(events <-chan sim.BenchEvent, st *Styles) benchModel {
	h := help.New()
	h.Styles = st.Help
	return benchModel{events: events, st: st, keys: newBenchKeys(), help: h, follow: true, w: 80, h: 24}
}

func (m benchModel) Init() tea.Cmd { return nextBenchEvent(m.events) }

func (m benchModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.help.Width = msg.Width - 2
	case benchEventMsg:
		ev := sim.BenchEvent(msg)
		switch ev.Kind {
		case sim.BenchListening:
			m.addr = ev.Local.String()
		case sim.BenchAccepted, sim.BenchDialed, sim.BenchTurnedAway:
			m.conns = max(m.conns, ev.Conn)
		}
		m.log = append(m.log, ev)
		if len(m.log) > benchKeep {
			cut := len(m.log) - benchKeep
			m.log, m.dropped, m.cursor = append(m.log[:0:0], m.log[cut:]...), m.dropped+cut, max(0, m.cursor-cut)
		}
		if m.follow {
			m.cursor = len(m.log) - 1
		}
		return m, nextBenchEvent(m.events)
	case benchDoneMsg:
		m.done = true
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m benchModel) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	page := max(1, m.logHeight()-1)
	switch {
	case key.Matches(msg, k.Abort):
		return m, tea.Interrupt
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m, nil
	case key.Matches(msg, k.Up):
		m.cursor--
	case key.Matches(msg, k.Down):
		m.cursor++
	case key.Matches(msg, k.PageUp):
		m.cursor -= page
	case key.Matches(msg, k.PageDown):
		m.cursor += page
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = len(m.log) - 1
	default:
		return m, nil
	}
	m.cursor = max(0, min(m.cursor, len(m.log)-1))
	m.follow = m.cursor == len(m.log)-1
	return m, nil
}

// logHeight is how many rows the log gets: about half of what is left
// under the header, the rest going to the event's detail.
func (m benchModel) logHeight() int {
	return max(3, (m.h-4)/2)
}

func (m benchModel) View() string {
	st := m.st
	width := max(20, m.w)
	var b strings.Builder
	title := st.Title.Render("SessionLab lab bench")
	where := "connecting"
	switch {
	case m.addr != "":
		where = "listening on " + m.addr + " · any TCP client may connect"
	case m.conns > 0:
		where = "connected to a server"
	}
	status := fmt.Sprintf("%s · %d connection", where, m.conns)
	if m.conns != 1 {
		status += "s"
	}
	if m.done {
		status += " · done"
	}
	b.WriteString(" " + title + st.Muted.Render(" · "+ansi.Truncate(status, width-24, "…")) + "\n")

	logH := m.logHeight()
	start := max(0, min(m.cursor-logH/2, len(m.log)-logH))
	for i := start; i < start+logH; i++ {
		if i >= len(m.log) {
			b.WriteString("\n")
			continue
		}
		b.WriteString(m.logLine(i, width) + "\n")
	}
	b.WriteString(st.Pane.Render(" "+strings.Repeat("─", width-2)) + "\n")

	detailH := max(0, m.h-logH-4)
	var detail []string
	if m.cursor < len(m.log) {
		ev := m.log[m.cursor]
		detail = append(detail, st.Bold.Render(lessons.BenchLine(ev)))
		detail = append(detail, lessons.BenchDetail(ev)...)
	} else {
		detail = []string{st.Muted.Render("Waiting for a peer. Try, in another terminal: printf 'Hello\\n' | nc 127.0.0.1 12345")}
	}
	var lines []string
	for _, d := range detail {
		lines = append(lines, strings.Split(lipgloss.NewStyle().Width(width-2).Render(d), "\n")...)
	}
	for i := range detailH {
		if i < len(lines) {
			b.WriteString(" " + lines[i])
		}
		b.WriteString("\n")
	}
	b.WriteString(" " + m.help.View(m.keys))
	return b.String()
}

// logLine draws event i: its time, connection and line, in its class's
// colour; the cursor's is marked.
func (m benchModel) logLine(i, width int) string {
	ev := m.log[i]
	st := m.st
	conn := "    "
	if ev.Conn > 0 {
		conn = fmt.Sprintf("#%-3d", ev.Conn)
	}
	text := fmt.Sprintf("%s %s %s", ev.At.Format("15:04:05.000"), conn, lessons.BenchLine(ev))
	text = ansi.Truncate(text, width-3, "…")
	style := Style{Style: lipgloss.NewStyle()}
	switch ev.Kind {
	case sim.BenchWrong, sim.BenchReset, sim.BenchFailed, sim.BenchTurnedAway:
		style = st.Error
	case sim.BenchFrameIn, sim.BenchFrameOut:
		style = st.Frames[classOf(ev.Frame)]
	case sim.BenchListening, sim.BenchAccepted, sim.BenchDialed, sim.BenchClosed, sim.BenchPeerClosed:
		style = st.Muted
	}
	if i == m.cursor {
		return st.Cursor.Render("▸ " + text)
	}
	return "  " + style.Render(text)
}

// RunBench runs the lab bench screen on the terminal until the user
// quits or ctx ends, and gives the terminal back as it found it. The
// caller stops the bench and waits for it.
func RunBench(ctx context.Context, o Options, events <-chan sim.BenchEvent) error {
	renderer := lipgloss.NewRenderer(o.Out)
	theme := ChooseTheme(o.Theme, renderer, o.Getenv)
	renderer.SetHasDarkBackground(theme.Dark)
	m := newBenchModel(events, NewStyles(renderer, theme))
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithContext(ctx), tea.WithOutput(o.Out))
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
