package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
)

// action is one key of the lesson screen: its binding, when it is
// enabled, what it does, and how the help and the intro card name it.
// The table (actions) is the one place a lesson key is added: the short
// help, the full help and the intro card's key line are drawn from it.
// Keys the root model answers everywhere (glossary, help, blank, quit)
// are rows too, with no handler here, so that the help lists them.
type action struct {
	binding *key.Binding
	when    func(*lessonModel) bool // nil: always
	do      func(lessonModel, tea.KeyMsg) (lessonModel, tea.Cmd)
	group   string // the full help's group ("": not there)
	short   int    // place in the short help (0: not there)
	present int    // place in presenter mode's short help (0: not there)
	details int    // place in the short help of presenter mode's full screen (0: not there)
	card    string // the intro card's words for it ("": not there)
	// steers: the key moves the run or the screen's place in it; a
	// student following the teacher does not press it (follow.go). room:
	// it is for whoever shows the screen to a room (blank), which a
	// following student's short help leaves out.
	steers, room bool
}

// helpMode is which short help the lesson screen shows.
type helpMode int

const (
	helpLesson     helpMode = iota // the lesson screen
	helpPresenting                 // presenter mode's screen for a room
	helpDetails                    // presenter mode's full lesson screen (tab)
)

// helpMode is the short help the screen shows now.
func (m *lessonModel) helpMode() helpMode {
	switch {
	case m.c == nil:
		return helpLesson // no lesson open yet
	case m.presenting():
		return helpPresenting
	case m.c.deps.Present:
		return helpDetails
	}
	return helpLesson
}

// presenting reports whether presenter mode's screen for a room shows
// (not its full lesson screen, which tab opens).
func (m *lessonModel) presenting() bool { return m.c.deps.Present && !m.details }

// The full help's groups, in order.
const (
	groupMove  = "Move through the lesson"
	groupLook  = "Look closer"
	groupLearn = "Learn, and break things"
	groupLeave = "Leave"
)

// actions is the lesson screen's key table. The first row that matches a
// key and is enabled handles it.
func actions(k *keyMap) []action {
	presenting := func(m *lessonModel) bool { return m.presenting() }
	details := func(m *lessonModel) bool { return m.c.deps.Present && m.details }
	finished := func(m *lessonModel) bool { return m.finished() }
	detailsKey := key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "details"))
	backKey := key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "presenter view"))
	typing := func(m *lessonModel) bool { return m.jump != "" }
	rows := []action{
		{binding: &k.GoToStep, steers: true, when: typing, do: lessonModel.jumpToStep},
		{binding: &k.Unstep, steers: true, when: typing, do: lessonModel.untypeStep},
		{binding: &k.Forward, steers: true, do: keyless(lessonModel.forward), group: groupMove, short: 1, present: 1, details: 1, card: "→ or PgDn: next step"},
		{binding: &k.Next, steers: true, when: finished, do: keyless(lessonModel.forward)},
		{binding: &k.Retry, steers: true, when: func(m *lessonModel) bool { return m.finished() && m.hasQuiz() }, do: lessonModel.retryQuiz},
		{binding: &k.Back, steers: true, do: keyless(lessonModel.back), group: groupMove, short: 2, present: 2, details: 2, card: "← or PgUp: back"},
		{binding: &k.Play, steers: true, do: keyless(lessonModel.togglePlay), group: groupMove, short: 3, present: 3, details: 4, card: "space: play"},
		{binding: &k.More, do: lessonModel.toggleMore, group: groupLook, short: 4, details: 5, card: "m: more"},
		{binding: &k.NextPart, steers: true, do: func(m lessonModel, _ tea.KeyMsg) (lessonModel, tea.Cmd) { return m.jumpPart(+1) }, group: groupMove},
		{binding: &k.PrevPart, steers: true, do: func(m lessonModel, _ tea.KeyMsg) (lessonModel, tea.Cmd) { return m.jumpPart(-1) }, group: groupMove},
		{binding: &k.StepDigit, steers: true, do: lessonModel.typeStep, group: groupMove},
		{binding: &k.Restart, steers: true, do: lessonModel.restart, group: groupMove},
		{binding: &k.Next, steers: true, group: groupMove},
		{binding: &k.View, do: lessonModel.switchPicture, group: groupLook, short: 8},
		{binding: &detailsKey, when: presenting, do: lessonModel.showDetails, present: 4},
		{binding: &backKey, when: details, do: lessonModel.hideDetails, details: 3},
		{binding: &k.Focus, do: lessonModel.switchFocus, group: groupLook},
		{binding: &k.Up, do: lessonModel.scroll, group: groupLook},
		{binding: &k.Down, do: lessonModel.scroll, group: groupLook},
		{binding: &k.Faster, steers: true, do: func(m lessonModel, _ tea.KeyMsg) (lessonModel, tea.Cmd) { return m.setSpeed(+1) }, group: groupLook},
		{binding: &k.Slower, steers: true, do: func(m lessonModel, _ tea.KeyMsg) (lessonModel, tea.Cmd) { return m.setSpeed(-1) }, group: groupLook},
		{binding: &k.Glossary, group: groupLearn, short: 6, present: 8, details: 7, card: "g: glossary"},
		{binding: &k.Faults, steers: true, do: lessonModel.openMenu, group: groupLearn, short: 9},
	}
	for i := range k.FaultKeys {
		f := &k.FaultKeys[i]
		rows = append(rows, action{binding: &f.Binding, group: groupLearn, steers: true,
			do: func(m lessonModel, _ tea.KeyMsg) (lessonModel, tea.Cmd) { return m.inject(f.kind) }})
	}
	return append(rows,
		action{binding: &k.Blank, room: true, group: groupLeave, short: 5, present: 6, details: 6},
		action{binding: &k.Lessons, steers: true, do: lessonModel.leave, group: groupLeave, short: 10, present: 5, details: 9},
		action{binding: &k.Help, group: groupLeave, short: 7, present: 7, details: 8},
		action{binding: &k.Quit, group: groupLeave, short: 11, present: 9, details: 10},
		action{binding: &k.Abort, group: groupLeave},
	)
}

// keyless adapts a step that needs no key to a key's handler.
func keyless(f func(lessonModel) (lessonModel, tea.Cmd)) func(lessonModel, tea.KeyMsg) (lessonModel, tea.Cmd) {
	return func(m lessonModel, _ tea.KeyMsg) (lessonModel, tea.Cmd) { return f(m) }
}

// key answers a key on the lesson screen, by its stage: the components
// that have the screen to themselves take every key; otherwise the key
// table does.
func (m lessonModel) key(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	k := &m.c.keys
	switch m.stage {
	case stageMenu:
		return m.menuKeyPressed(msg)
	case stageAsking:
		if key.Matches(msg, k.Lessons) {
			return m.leave(msg)
		}
		return m.askKey(msg)
	case stageQuiz:
		if key.Matches(msg, k.Lessons) {
			return m.leave(msg)
		}
		return m.quizKey(msg)
	}
	if m.hint != "" {
		m.say("")
	}
	m.nudge = ""
	if !key.Matches(msg, k.StepDigit, k.GoToStep, k.Unstep) {
		m.jump = "" // any other key cancels a step number being typed
	}
	for _, a := range m.c.actions {
		if a.do != nil && key.Matches(msg, *a.binding) && (a.when == nil || a.when(&m)) {
			if a.steers && m.follow != nil {
				m.nudge = teacherSteps
				return m, nil
			}
			return a.do(m, msg)
		}
	}
	return m, nil
}

// leave goes back to the lesson picker.
func (m lessonModel) leave(tea.KeyMsg) (lessonModel, tea.Cmd) {
	return m, func() tea.Msg { return leaveMsg{} }
}

// restart runs the lesson again from its first part.
func (m lessonModel) restart(tea.KeyMsg) (lessonModel, tea.Cmd) {
	m.first = 0
	return m, m.start()
}

// retryQuiz takes the quiz again, from the summary card.
func (m lessonModel) retryQuiz(tea.KeyMsg) (lessonModel, tea.Cmd) {
	m.quiz = newQuiz(m.lesson.Quiz())
	m.enter(stageQuiz)
	return m, nil
}

// openMenu opens the fault menu, when there is a run to break.
func (m lessonModel) openMenu(tea.KeyMsg) (lessonModel, tea.Cmd) {
	if !m.link.live() {
		m.say("No run to break: r starts the lesson again.")
		return m, nil
	}
	m.enter(stageMenu)
	return m, nil
}

// switchPicture shows the wire or the ladder where there is room for one.
func (m lessonModel) switchPicture(tea.KeyMsg) (lessonModel, tea.Cmd) {
	m.pic = 1 - m.pic
	m.relayout()
	return m, nil
}

// switchFocus moves the focus between the lower panes.
func (m lessonModel) switchFocus(tea.KeyMsg) (lessonModel, tea.Cmd) {
	m.focus = 1 - m.focus
	m.relayout()
	return m, nil
}

// toggleMore opens the step's longer explanation in the panes' place,
// or closes it.
func (m lessonModel) toggleMore(tea.KeyMsg) (lessonModel, tea.Cmd) {
	if _, _, ok := m.groupAt(m.cursor); ok {
		return m.expand()
	}
	if !m.moreOpen && m.stop.more == "" {
		m.say("Nothing more about this step: its narration says it all.")
		return m, nil
	}
	m.moreOpen, m.moreTop = !m.moreOpen, 0
	return m, nil
}

// showDetails and hideDetails switch presenter mode between the
// presenter's screen and the full lesson screen.
func (m lessonModel) showDetails(tea.KeyMsg) (lessonModel, tea.Cmd) {
	m.details = true
	m.relayout()
	return m, nil
}

func (m lessonModel) hideDetails(tea.KeyMsg) (lessonModel, tea.Cmd) {
	m.details = false
	m.relayout()
	return m, nil
}

// scroll moves the pane with the focus by a line, or the step's longer
// explanation when it is open.
func (m lessonModel) scroll(msg tea.KeyMsg) (lessonModel, tea.Cmd) {
	up := key.Matches(msg, m.c.keys.Up)
	if m.moreOpen {
		if up {
			m.moreTop = max(m.moreTop-1, 0)
		} else {
			text := ansi.Wordwrap(lessons.Plain(m.stop.more), min(m.lay.width-2, measure), "")
			rows := m.lay.bottom - 2 // less its heading and the line saying where it is
			m.moreTop = min(m.moreTop+1, max(strings.Count(text, "\n")+1-rows, 0))
		}
		return m, nil
	}
	if m.focus == paneInspector {
		m.insp.scroll(up)
		m.insp.refresh(&m)
		return m, nil
	}
	m.log.scroll(up)
	return m, nil
}

// shortHelp is the lesson screen's short help, in order of need (fitHelp
// drops from the end, but always keeps ?).
func shortHelp(rows []action, mode helpMode, following bool) []key.Binding {
	var out []key.Binding
	for n := 1; ; n++ {
		found := false
		for _, a := range rows {
			if place := [...]int{a.short, a.present, a.details}[mode]; place == n {
				found = true
				if !following || !a.steers && !a.room {
					out = append(out, *a.binding)
				}
			}
		}
		if !found {
			return out
		}
	}
}

// fullHelp is the lesson screen's keys by group, in the table's order.
func fullHelp(rows []action, following bool) []keyGroup {
	var groups []keyGroup
	for _, name := range []string{groupMove, groupLook, groupLearn, groupLeave} {
		g := keyGroup{title: name}
		for _, a := range rows {
			if a.group == name && !(following && a.steers) {
				g.keys = append(g.keys, *a.binding)
			}
		}
		if len(g.keys) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// cardLine is the intro card's key line: "→ or PgDn: next step · …".
func cardLine(rows []action) string {
	var parts []string
	for _, a := range rows {
		if a.card != "" {
			parts = append(parts, a.card)
		}
	}
	return strings.Join(parts, " · ")
}
