package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
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
	picker   picker
	lesson   lessonModel
	gloss    *glossary          // open over the screen, or nil
	prog     *progress.Progress // the learner's progress as last read, for the picker
	blank    bool               // the screen is blanked (. or b), as slide software does
	notice   string             // Deps.Notice, until the first key
	quitting bool
}

// helpKey is what the help bar depends on.
type helpKey struct {
	width  int
	screen screen
	all    bool
	gloss  bool
	mode   helpMode
	follow bool
	locked bool // the teacher's lock, as this screen knows it
}

// New returns a Model showing the picker, or deps.Lesson if set. Book,
// Start and Renderer are required: a Model draws only with the renderer
// of its own terminal, never a global one, so that many can run in one
// process.
func New(deps Deps) (Model, error) {
	switch {
	case deps.Book == nil || len(deps.Book.Lessons()) == 0:
		return Model{}, errors.New("ui: no lessons")
	case deps.Start == nil:
		return Model{}, errors.New("ui: no way to start a lesson (Deps.Start)")
	case deps.Renderer == nil:
		return Model{}, errors.New("ui: no renderer for this terminal (Deps.Renderer)")
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Speed == 0 {
		deps.Speed = 1
	}
	if deps.Theme.Name == "" {
		deps.Theme, _ = ThemeFor("auto", deps.Renderer.HasDarkBackground())
	}
	c := &common{deps: deps, styles: NewStyles(deps.Renderer, deps.Theme), keys: newKeyMap()}
	if deps.Publish != nil {
		c.keys.Quit.SetHelp("q", "end the class (twice)")
		c.keys.Abort.SetHelp("ctrl+c", "end the class at once")
	}
	c.actions = actions(&c.keys)
	h := help.New()
	h.Styles = c.styles.Help
	m := Model{c: c, help: h, picker: newPicker(deps.Book), notice: deps.Notice}
	m.readProgress()
	m.picker.nextUnfinished(m.prog)
	return m, nil
}

// Init opens the lesson given in Deps, if any.
func (m Model) Init() tea.Cmd {
	if id := m.c.deps.Lesson; id != "" {
		return tea.Batch(func() tea.Msg { return openMsg{id: id} }, waitRoom(m.c.deps.Room))
	}
	return tea.Batch(waitFollow(m.c.deps.Follow), waitRoom(m.c.deps.Room))
}

// Update handles a message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.c.deps.Log != nil {
		m.c.deps.Log.Print(describe(msg))
	}
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
		if m.gloss != nil {
			w, h := m.size()
			m.gloss.clamp(m.c.styles, w, h-2)
		}
		if m.lesson.lesson != nil {
			m.lesson.resize(m.size())
		}
	case leaveMsg:
		if m.screen == lessonScreen {
			m.screen = pickerScreen
			cmd = m.lesson.stopRun()
			m.picker.nextUnfinished(m.prog)
			if m.c.deps.Progress == nil && m.lesson.lesson != nil {
				m.picker.choose(m.lesson.lesson.ID) // nobody's progress (a room's): back where it was
			}
		}
	case tea.KeyMsg:
		m, cmd = m.key(msg)
	case openMsg:
		cmd = m.open(msg.id)
	case savedMsg:
		if msg.err != nil {
			m.lesson.say("Your progress could not be saved: " + msg.err.Error())
		}
		m.readProgress()
	case followMsg:
		cmd = tea.Batch(m.follow(FollowState(msg)), waitFollow(m.c.deps.Follow))
	case roomMsg:
		r := Room(msg)
		m.c.room = &r
		cmd = waitRoom(m.c.deps.Room)
	case nextLessonMsg:
		if n, ok := m.lesson.nextLesson(); ok && m.screen == lessonScreen {
			cmd = m.open(n.ID)
		}
	default:
		// Everything else belongs to the lesson's run; a run that is no
		// longer wanted is recognised there by its generation.
		m.lesson, cmd = m.lesson.update(msg)
	}
	m.refreshHelp()
	m.publish()
	return m, cmd
}

// lastSave saves where the learner is before the program ends. A save
// made by an earlier step runs in its own goroutine, which the end of the
// program does not wait for; this one runs, in sequence, before the quit
// (the Store drops an older save that finishes later).
func (m Model) lastSave() tea.Cmd {
	if m.screen != lessonScreen {
		return nil
	}
	return m.lesson.saveProgress()
}

// refreshHelp renders the help bar again when what it depends on changed.
func (m *Model) refreshHelp() {
	w, _ := m.size()
	key := helpKey{width: w, screen: m.screen, all: m.help.ShowAll, gloss: m.gloss != nil, mode: m.lesson.helpMode(), follow: m.following(), locked: m.c.locked || m.c.latest.Locked}
	if key == m.helpFor && m.helpLine != "" {
		return
	}
	m.helpFor = key
	m.helpLine = " " + strings.ReplaceAll(m.helpView(w-1), "\n", "\n ")
}

func (m Model) key(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := &m.c.keys
	m.notice = ""
	if cmd, ok := m.classKey(msg); ok {
		return m, cmd
	}
	switch {
	case key.Matches(msg, k.Abort):
		m.quitting = true
		return m, tea.Sequence(m.lastSave(), tea.Interrupt)
	case key.Matches(msg, k.Suspend):
		if s := m.c.deps.Suspend; s != nil {
			return m, func() tea.Msg { s(); return nil }
		}
		return m, nil
	case m.blank:
		m.blank = false // any key brings the screen back, and does nothing else
		return m, nil
	case m.help.ShowAll:
		m.help.ShowAll = false // any key closes the full help
		return m, nil
	case m.gloss != nil:
		if !m.gloss.update(msg) {
			m.gloss = nil
		} else {
			w, h := m.size()
			m.gloss.clamp(m.c.styles, w, h-2)
		}
		return m, nil
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return m, tea.Sequence(m.lastSave(), tea.Quit)
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m, nil
	case key.Matches(msg, k.Blank) && m.screen == lessonScreen: // in the picker, a clicker's . and b choose
		m.blank = true
		return m, nil
	case key.Matches(msg, k.Glossary):
		m.gloss = newGlossary(m.c.deps.Book.Glossary())
		return m, nil
	}
	if m.screen == pickerScreen {
		r, resumable := continueAt(m.c.deps.Book.Lessons(), m.prog)
		if resumable && key.Matches(msg, k.Continue) {
			return m, m.resume(r)
		}
		var l *lessons.Lesson
		if m.picker, l = m.picker.update(msg, k); l != nil {
			if resumable && r.id == l.ID {
				return m, m.resume(r) // the course goes on where it was left
			}
			return m, m.open(l.ID)
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.lesson, cmd = m.lesson.update(msg)
	return m, cmd
}

// open switches to a lesson and starts its run from its first part.
func (m *Model) open(id string) tea.Cmd { return m.openAt(id, 0) }

// resume opens a lesson where the learner left it: the run starts at the
// part reached and is replayed at once up to the step reached.
func (m *Model) resume(r resume) tea.Cmd {
	cmd := m.openAt(r.id, r.part)
	if r.step > 1 {
		m.lesson.resumeTo, m.lesson.resumePart, m.lesson.resumeNote = r.step, m.lesson.first, noteResumed
	}
	m.lesson.carried = r.preds
	return cmd
}

// openAt switches to a lesson and starts its run from part first.
func (m *Model) openAt(id string, first int) tea.Cmd {
	l, ok := m.c.deps.Book.Lesson(id)
	if !ok {
		return nil
	}
	m.picker.choose(l.ID)
	stopOld := m.lesson.stopRun()
	speed := m.c.deps.Speed
	if m.lesson.lesson != nil {
		speed = m.lesson.speed
	}
	m.lesson = newLessonModel(m.c, l, speed)
	m.lesson.first = min(max(first, 0), len(l.Scenarios)-1)
	m.lesson.now = m.c.deps.Now()
	m.lesson.resize(m.size())
	m.lesson.faults, m.c.deps.Faults = m.c.deps.Faults, nil // only the first lesson opened
	m.screen = lessonScreen
	return tea.Sequence(stopOld, m.lesson.start())
}

// readProgress takes a copy of the learner's progress for the picker,
// which draws it: in Update, when it may have changed, not at every View.
func (m *Model) readProgress() {
	if m.c.deps.Progress == nil {
		return
	}
	p := m.c.deps.Progress.Snapshot()
	m.prog = &p
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
	if m.gloss != nil {
		return m.c.styles.Muted.Render("esc closes the glossary · ctrl+c quits")
	}
	short := shortHelp(m.c.actions, m.lesson.helpMode(), m.following())
	if m.screen == pickerScreen {
		short = pickerKeys{&m.c.keys}.ShortHelp()
	}
	switch { // in a class, its own key comes first: a student's e (not while locked), the teacher's L
	case m.c.deps.Follow != nil && !m.c.latest.Locked:
		short = append([]key.Binding{m.c.keys.Explore}, short...)
	case m.c.deps.Publish != nil && m.screen == lessonScreen:
		short = append([]key.Binding{m.c.keys.Lock}, short...)
	}
	if m.help.ShowAll {
		if m.c.deps.Publish != nil {
			return m.c.styles.Muted.Render("any key closes the help · ctrl+c ends the class at once")
		}
		return m.c.styles.Muted.Render("any key closes the help · ctrl+c quits")
	}
	return fitHelp(m.help, short, m.c.keys.Help, width)
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
	switch {
	case m.blank:
		return "" // a blank screen, until any key
	case m.gloss != nil:
		title := " " + m.c.styles.Title.Render("SessionLab")
		s = joinLines(title, m.gloss.lines(m.c.styles, w, h-2), help)
		return trimRight(clip(padTo(s, h), h))
	case m.help.ShowAll:
		s = joinLines(m.helpScreen(w, h-1), help)
		return trimRight(clip(padTo(s, h), h))
	}
	if m.screen == pickerScreen {
		s = m.picker.view(m.c.styles, m.prog, m.notice, m.classLine(), w, h, help)
	} else {
		s = m.lesson.view(help)
	}
	return trimRight(clip(s, h))
}

// tooSmall asks for a larger terminal in the longest wording that fits,
// down to just the size it needs: that part must never be cut.
func (m Model) tooSmall(w, h int) string {
	need := fmt.Sprintf("%d×%d", MinWidth, MinHeight)
	for _, msg := range []string{
		fmt.Sprintf("Terminal too small\nSessionLab needs at least %s;\nthis one is %d×%d.", need, w, h),
		fmt.Sprintf("Too small:\nneeds %s,\nis %d×%d", need, w, h),
		"needs " + need,
		need,
	} {
		lines := strings.Split(msg, "\n")
		fits := len(lines) <= h
		for _, l := range lines {
			fits = fits && ansi.StringWidth(l) <= w
		}
		if fits || msg == need {
			lines[0] = m.c.styles.Bold.Render(lines[0])
			return trimRight(m.c.deps.Renderer.Place(w, h, lipgloss.Center, lipgloss.Center, strings.Join(lines, "\n")))
		}
	}
	return ""
}
