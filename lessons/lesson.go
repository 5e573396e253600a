package lessons

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

//go:embed content/*.md
var builtin embed.FS

// Lesson is one lesson: its words and the scenarios it runs.
type Lesson struct {
	ID        string
	Title     string
	Summary   string // one line, for the lesson picker
	Intro     string // what the lesson is about, shown before it starts
	Scenarios []sim.Scenario
	// Takeaways are what the summary card says to remember, from the
	// file's "## takeaways" list.
	Takeaways []string

	file        string // the file it was read from
	idLine      int    // the line of its id in the file
	texts       map[string]entry
	common      map[string]entry
	predictions []*Prediction
	quiz        []Question
	// stable: the lesson writes a stable handout, in which what a run
	// measured is masked (facts.stable).
	stable bool
}

// entry is what a lesson file says about one kind of event.
type entry struct {
	line      template
	narration template
	more      template    // the longer why, the bytes, the Go calls: what the m key shows
	part      string      // for "## start SCENARIO": the part's name, in a few words
	collapse  []sim.Phase // for "## start SCENARIO": the phases an earlier lesson taught, shown as one step each
	at        int         // its heading's line in the file
}

// Book is every lesson, in order.
type Book struct {
	lessons  []*Lesson
	glossary []Term
}

// Builtin loads the lessons embedded in the program.
func Builtin() (*Book, error) {
	sub, err := fs.Sub(builtin, "content")
	if err != nil {
		return nil, err
	}
	return Load(sub)
}

// Load reads lessons from fsys: common.md for what every lesson shares, and
// one file per lesson, taken in file name order (01-establish.md, …).
func Load(fsys fs.FS) (*Book, error) {
	common := map[string]entry{}
	if b, err := readLessonFile(fsys, "common.md"); err == nil {
		f, err := parseFile("common.md", string(b))
		if err != nil {
			return nil, err
		}
		common = f.texts
	} else if !errorsIsNotExist(err) {
		return nil, err
	}
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	book := &Book{}
	if b, err := readLessonFile(fsys, "glossary.md"); err == nil {
		if book.glossary, err = parseGlossary("glossary.md", string(b)); err != nil {
			return nil, err
		}
	} else if !errorsIsNotExist(err) {
		return nil, err
	}
	seen := map[sim.Scenario]string{}
	ids := map[string]*Lesson{}
	for _, name := range names {
		if name == "common.md" || name == "glossary.md" {
			continue
		}
		b, err := readLessonFile(fsys, name)
		if err != nil {
			return nil, err
		}
		l, err := parseFile(name, string(b))
		if err != nil {
			return nil, err
		}
		if l.ID == "" || l.Title == "" || len(l.Scenarios) == 0 {
			return nil, fmt.Errorf("%s: a lesson needs id, title and scenarios in its header", name)
		}
		if other, dup := ids[l.ID]; dup {
			return nil, fmt.Errorf("%s:%d: lesson id %q is already the id of %s:%d", name, l.idLine, l.ID, other.file, other.idLine)
		}
		ids[l.ID] = l
		for _, sc := range l.Scenarios {
			if other, dup := seen[sc]; dup {
				return nil, fmt.Errorf("%s: scenario %v is already in %s", name, sc, other)
			}
			seen[sc] = name
		}
		l.common = common
		book.lessons = append(book.lessons, l)
	}
	if len(book.lessons) == 0 {
		return nil, fmt.Errorf("no lesson files (*.md) found")
	}
	if err := book.checkKeys(); err != nil {
		return nil, err
	}
	for _, l := range book.lessons {
		for _, sc := range l.Scenarios {
			if l.PartName(sc) == "" {
				return nil, fmt.Errorf(`%s: scenario %v needs a "## start %v" section with a "part:" line naming it`, l.file, sc, sc)
			}
		}
	}
	return book, nil
}

func errorsIsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// MaxFileSize bounds a lesson file: the longest shipped one is a few
// kilobytes, so anything this large is not a lesson file.
const MaxFileSize = 256 << 10

// readLessonFile reads a lesson file, which must be a regular file (not a
// FIFO, which would wait for a writer, nor a device such as /dev/zero,
// which never ends) of at most MaxFileSize bytes.
func readLessonFile(fsys fs.FS, name string) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	switch {
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s: not a regular file (a lesson file is plain text)", name)
	case st.Size() > MaxFileSize:
		return nil, fmt.Errorf("%s: %d bytes, more than a lesson file may hold (%d)", name, st.Size(), MaxFileSize)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err == nil && len(b) > MaxFileSize {
		err = fmt.Errorf("%s: more than a lesson file may hold (%d bytes)", name, MaxFileSize)
	}
	return b, err
}

// Lessons returns the lessons in order.
func (b *Book) Lessons() []*Lesson { return b.lessons }

// IDs returns the lesson IDs in order.
func (b *Book) IDs() []string {
	ids := make([]string, len(b.lessons))
	for i, l := range b.lessons {
		ids[i] = l.ID
	}
	return ids
}

// Lesson returns the lesson with the given ID.
func (b *Book) Lesson(id string) (*Lesson, bool) {
	for _, l := range b.lessons {
		if l.ID == id {
			return l, true
		}
	}
	return nil, false
}

// Named is the lesson a learner names (--lesson), in any case: nil for
// no name, an error that lists the lessons for a name that is none.
func (b *Book) Named(name string) (*Lesson, error) {
	if name == "" {
		return nil, nil
	}
	l, ok := b.Lesson(strings.ToLower(name))
	if !ok {
		return nil, fmt.Errorf("unknown lesson %q (choose %s)", name, strings.Join(b.IDs(), ", "))
	}
	return l, nil
}

// Scenarios lists the scenarios of lesson l, or of every lesson when l is
// nil.
func (b *Book) Scenarios(l *Lesson) []sim.Scenario {
	if l != nil {
		return l.Scenarios
	}
	var out []sim.Scenario
	for _, l := range b.lessons {
		out = append(out, l.Scenarios...)
	}
	return out
}

// For returns the lesson that runs scenario sc.
func (b *Book) For(sc sim.Scenario) (*Lesson, bool) {
	for _, l := range b.lessons {
		if slices.Contains(l.Scenarios, sc) {
			return l, true
		}
	}
	return nil, false
}

// Keys returns the content keys that can describe ev, most specific first:
// "client sent DT resend", "sent DT resend", "note resend", "client sent
// DT", "sent DT".
// A frame that shared its read with others also gets the note "same-read".
func Keys(ev sim.Event) []string {
	h := ev.Head()
	verb, note := ev.Verb(), string(h.Note)
	side := h.Side.String()
	switch e := ev.(type) {
	case sim.ScenarioStarted:
		return []string{"start " + h.Scenario.String()}
	case sim.ScenarioEnded:
		if e.Err != nil {
			return []string{"failed " + h.Scenario.String(), "failed"}
		}
		return []string{"end " + h.Scenario.String(), "end"}
	case sim.Sent:
		verb += " " + mainKind(e.Frame)
	case sim.Received:
		verb += " " + mainKind(e.Frame)
		if note == "" && e.FramesInRead > 1 {
			note = "same-read"
		} else if e.FramesInRead > 1 {
			// "server received AB abort same-read" before "server received AB abort".
			return []string{side + " " + verb + " " + note + " same-read", side + " " + verb + " " + note,
				verb + " " + note, "note " + note, side + " " + verb + " same-read", side + " " + verb, verb}
		}
	case sim.Observed:
		// What the OS answered decides what may be said about it: the
		// most specific key names the answer.
		if known := observedAnswer(e); known != "" {
			return []string{side + " observed " + note + " " + known, side + " observed " + note,
				side + " observed", "observed " + note, "observed"}
		}
	case sim.ConnError:
		if note == "" && e.Reset {
			note = "reset"
		}
	case sim.Listening:
		// Opened for this part, or the one the run already had.
		if e.Opened {
			return append([]string{side + " listening opened"}, plainKeys(side, verb, note)...)
		}
	case sim.Accepted:
		// A connection can be reset while it waits in the accept queue:
		// then accept hands over one the kernel says is closed.
		if t := h.TCP; t.Known && t.State != sim.StateEstablished {
			return append([]string{side + " accepted " + t.State.String()}, plainKeys(side, verb, note)...)
		}
	case sim.Faulted:
		verb += " " + e.Fault.String()
		if e.None {
			// There was no connection to act on: said apart, first.
			return append([]string{side + " " + verb + " none", verb + " none"}, plainKeys(side, verb, note)...)
		}
	}
	return plainKeys(side, verb, note)
}

// plainKeys are the keys of an event by its side, verb and note. A note
// says more about a step than the side that took it: a resent DT is first
// of all a resend.
func plainKeys(side, verb, note string) []string {
	var keys []string
	if note != "" {
		keys = append(keys, side+" "+verb+" "+note, verb+" "+note, "note "+note)
	}
	return append(keys, side+" "+verb, verb)
}

// observedAnswer names what the OS answered to an observation, for its
// key: the state for a half-closed look, "acked" or "unacked" for the
// acknowledgement check; "" when the OS said nothing.
func observedAnswer(e sim.Observed) string {
	t := e.TCP
	switch {
	case !t.Known:
		return ""
	case e.Note == sim.NoteAckCheck && t.Source == "TCP_INFO" && t.Unacked == 0:
		return "acked"
	case e.Note == sim.NoteAckCheck:
		return "unacked"
	}
	return t.State.String()
}

func (l *Lesson) lookup(ev sim.Event) (entry, bool) {
	for _, k := range Keys(ev) {
		if e, ok := l.texts[k]; ok {
			return e, true
		}
		if e, ok := l.common[k]; ok {
			return e, true
		}
	}
	return entry{}, false
}

// Covers reports whether the lesson's files have a line for ev whose
// every required fact the event carries.
func (l *Lesson) Covers(ev sim.Event) bool {
	e, ok := l.lookup(ev)
	if !ok || e.line.empty() {
		return false
	}
	_, lineOK := e.line.render(factsOf(ev))
	_, narrOK := e.narration.render(factsOf(ev))
	return lineOK && narrOK
}

// Line returns the one-line sentence for ev, as the transcript prints it.
func (l *Lesson) Line(ev sim.Event) string {
	if e, ok := l.lookup(ev); ok && !e.line.empty() {
		s, _ := e.line.render(l.factsOf(ev))
		return s
	}
	return fallback(ev)
}

// Narration returns what the TUI says about ev: what happened and why it
// matters. Where the lesson has no narration, it is the line.
func (l *Lesson) Narration(ev sim.Event) string {
	if e, ok := l.lookup(ev); ok && !e.narration.empty() {
		s, _ := e.narration.render(l.factsOf(ev))
		return s
	}
	return l.Line(ev)
}

// More returns the longer explanation of ev that the lesson keeps for
// those who ask (its "more:" paragraphs): why, the bytes, the Go calls.
// "" when it has none.
func (l *Lesson) More(ev sim.Event) string {
	if e, ok := l.lookup(ev); ok && !e.more.empty() {
		s, _ := e.more.render(l.factsOf(ev))
		return s
	}
	return ""
}

// factsOf reads ev's facts as l writes them: in a stable handout, with
// what the run measured masked.
func (l *Lesson) factsOf(ev sim.Event) facts {
	f := factsOf(ev)
	f.stable = l.stable
	return f
}

// fallback describes an event no lesson file covers, from its facts alone.
func fallback(ev sim.Event) string {
	keys := Keys(ev)
	s := keys[len(keys)-1]
	if f := factsOf(ev); f.isFrame {
		s += " (" + f.must("bytes") + " bytes)"
	}
	return s
}

func (f facts) must(name string) string {
	v, _ := f.get(name)
	return v
}

// Card is what the lesson's intro card says: the introduction's first
// paragraph.
func (l *Lesson) Card() string {
	first, _, _ := strings.Cut(l.Intro, "\n\n")
	return first
}

// PartName names part sc of the lesson in a few words ("Negotiated
// release"): the part: line of its "## start" section.
func (l *Lesson) PartName(sc sim.Scenario) string {
	return l.texts["start "+sc.String()].part
}

// Has reports whether the lesson runs scenario sc.
func (l *Lesson) Has(sc sim.Scenario) bool { return slices.Contains(l.Scenarios, sc) }

// mainKind names what a frame is for in a content key: its SPDU (DT of
// GT+DT), or its TPDU when it carries none (CR, CC).
func mainKind(f spdu.Frame) string {
	if m, ok := f.Main(); ok {
		return m.Kind.String()
	}
	return f.TPDU.Code.String()
}
