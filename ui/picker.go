package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
)

// picker is the lesson picker: every lesson in order, one highlighted.
// It has no size of its own: the root model passes it the screen's at
// every View, so there is nothing to keep in step on a resize.
type picker struct {
	lessons []*lessons.Lesson
	cursor  int
}

func newPicker(book *lessons.Book) picker { return picker{lessons: book.Lessons()} }

// selected returns the highlighted lesson.
func (p picker) selected() *lessons.Lesson { return p.lessons[p.cursor] }

// choose highlights the lesson with the given ID.
func (p *picker) choose(id string) {
	for i, l := range p.lessons {
		if l.ID == id {
			p.cursor = i
		}
	}
}

// update moves the highlight; it reports the lesson to open, if the key
// opens one. A clicker's keys are enough: PgDn opens, and PgUp, F5,
// Shift+F5, Esc, B and . go round the lessons.
func (p picker) update(msg tea.KeyMsg, k *keyMap) (picker, *lessons.Lesson) {
	n := len(p.lessons)
	switch {
	case key.Matches(msg, k.PickUp):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(msg, k.PickDown):
		p.cursor = min(p.cursor+1, n-1)
	case key.Matches(msg, k.PickPrev):
		p.cursor = (p.cursor + n - 1) % n
	case key.Matches(msg, k.PickNext):
		p.cursor = (p.cursor + 1) % n
	case key.Matches(msg, k.PickFirst):
		p.cursor = 0
	case key.Matches(msg, k.PickLast):
		p.cursor = n - 1
	case key.Matches(msg, k.Open):
		return p, p.selected()
	case msg.Type == tea.KeyRunes && len(msg.Runes) == 1 && msg.Runes[0] >= '1' && msg.Runes[0] <= '9':
		if i := int(msg.Runes[0] - '1'); i < n {
			p.cursor = i
			return p, p.selected()
		}
	}
	return p, nil
}

// nextUnfinished highlights where the course goes on: the lesson to
// continue, or the first not finished, so that PgDn goes on with it.
func (p *picker) nextUnfinished(prog *progress.Progress) {
	if c, ok := continueAt(p.lessons, prog); ok {
		p.choose(c.id)
		return
	}
	for i, l := range p.lessons {
		if prog == nil || prog.Lessons[l.ID] == nil || !prog.Lessons[l.ID].Finished {
			p.cursor = i
			return
		}
	}
}

// courseLine says how far the learner is in the course: "2 of 4 lessons
// done" ("" before any progress).
func courseLine(all []*lessons.Lesson, prog *progress.Progress) string {
	if prog == nil || len(prog.Lessons) == 0 {
		return ""
	}
	done := 0
	for _, l := range all {
		if r := prog.Lessons[l.ID]; r != nil && r.Finished {
			done++
		}
	}
	if done == len(all) {
		return fmt.Sprintf("Course done: all %d lessons.", done)
	}
	return fmt.Sprintf("Your course: %d of %d lessons done.", done, len(all))
}

// view draws the picker screen: what SessionLab is, a notice of what
// went wrong before it showed (if any), the lessons with
// what the learner has done in each, where to continue, the highlighted
// lesson's introduction, and help at the bottom.
func (p picker) view(st *Styles, prog *progress.Progress, notice, class string, width, height int, help string) string {
	head := []string{
		" " + st.Title.Render("SessionLab") + st.Muted.Render(" · the OSI session layer, live"),
		" " + ansi.Truncate("A real server and client on loopback, speaking X.225 (a subset) over RFC 1006.", width-2, "…"),
	}
	if class != "" {
		for _, l := range strings.Split(ansi.Wordwrap(class, width-2, ""), "\n") {
			head = append(head, " "+st.Bold.Render(l))
		}
	}
	if notice != "" {
		for k, l := range strings.Split(ansi.Wordwrap(notice, width-4, ""), "\n") {
			lead := "   "
			if k == 0 {
				lead = " " + st.Error.Render("!") + " "
			}
			head = append(head, lead+l)
		}
	}
	if c := courseLine(p.lessons, prog); c != "" {
		head = append(head, " "+ansi.Truncate(c, width-2, "…"))
	}
	if c, ok := continueAt(p.lessons, prog); ok {
		head = append(head, " "+st.Bold.Render(ansi.Truncate("Continue: "+c.what+" (PgDn or c)", width-2, "…")))
	}
	head = append(head, "")
	var list []string
	for i, l := range p.lessons {
		if i > 0 {
			list = append(list, "")
		}
		title := fmt.Sprintf("%d. %s", i+1, l.Title)
		if done := doneLine(prog, l.ID); done != "" {
			title += "  " + done
		}
		title = ansi.Truncate(title, width-3, "…")
		summary := "    " + ansi.Truncate(l.Summary, width-4, "…")
		if i == p.cursor {
			list = append(list, st.Selected.Render("▸ "+title), summary)
		} else {
			list = append(list, "  "+title, "    "+st.Muted.Render(ansi.Truncate(l.Summary, width-4, "…")))
		}
	}
	helpH := strings.Count(help, "\n") + 1
	l := p.selected()
	intro := []string{"", " " + st.Pane.Render("About "+l.Title)}
	for _, line := range strings.Split(ansi.Wordwrap(lessons.Plain(l.Intro), width-2, ""), "\n") {
		intro = append(intro, " "+line)
	}
	if room := height - len(head) - len(list) - helpH; len(intro) > room {
		intro = append(intro[:max(room-1, 0)], " "+st.Muted.Render("…"))
	}
	body := joinLines(head, list, intro)
	pad := height - strings.Count(body, "\n") - helpH - 1
	return body + strings.Repeat("\n", max(pad, 0)+1) + help
}

// doneLine says what the learner has done in a lesson: ✓ when finished,
// that questions are left when only seen, and the scores.
func doneLine(prog *progress.Progress, id string) string {
	if prog == nil {
		return ""
	}
	r := prog.Lessons[id]
	if r == nil {
		return ""
	}
	var parts []string
	switch {
	case r.Finished:
		parts = append(parts, "✓")
	case r.Seen:
		parts = append(parts, "quiz not finished")
	}
	if s := shortTally("predictions", r.Predictions, false); s != "" {
		parts = append(parts, s)
	}
	if s := shortTally("quiz", r.Quiz, true); s != "" {
		parts = append(parts, s)
	}
	return strings.Join(parts, " · ")
}

// shortTally says a score in a few words: "quiz 1/2 right (1 skipped)";
// skips are said only where they keep the lesson from being done.
func shortTally(what string, s progress.Score, skips bool) string {
	asked := max(s.Asked, s.Of) // a record from before Asked was kept
	if asked == 0 {
		return ""
	}
	out := fmt.Sprintf("%s %d/%d right", what, s.Right, asked)
	if skipped := asked - s.Of; skips && skipped > 0 {
		out += fmt.Sprintf(" (%d skipped)", skipped)
	}
	return out
}

// resume is where the learner continues: a lesson, its part and the step
// of that part reached, and the predictions' score so far.
type resume struct {
	id    string
	part  int
	step  int
	preds progress.Score
	what  string // for the picker: "Recover, part 2 (Resume), step 7"
}

// continueAt is where the learner left off: the lesson last in progress
// at the step it reached, or the first lesson after it not finished.
func continueAt(all []*lessons.Lesson, prog *progress.Progress) (resume, bool) {
	if prog == nil || prog.Last == "" {
		return resume{}, false
	}
	at := slices.IndexFunc(all, func(l *lessons.Lesson) bool { return l.ID == prog.Last })
	if at < 0 {
		return resume{}, false
	}
	if r := prog.Lessons[prog.Last]; r != nil && !r.Finished && !r.Seen {
		l := all[at]
		c := resume{id: l.ID, what: l.Title, preds: r.Predictions}
		if r.Part > 0 && r.Part < len(l.Scenarios) {
			c.part = r.Part
			c.what += fmt.Sprintf(", part %d (%s)", r.Part+1, l.PartName(l.Scenarios[r.Part]))
		}
		if r.Step > 1 {
			c.step = r.Step
			c.what += fmt.Sprintf(", step %d", r.Step)
		}
		return c, true
	}
	for _, l := range all[at+1:] {
		if r := prog.Lessons[l.ID]; r == nil || !r.Finished {
			return resume{id: l.ID, what: l.Title}, true
		}
	}
	return resume{}, false
}
