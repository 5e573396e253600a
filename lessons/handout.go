package lessons

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// A handout is what a real run of a lesson did, written for a course
// page: plain text (the transcript), Markdown (the introduction, a table
// of the steps with their narration, the sequence diagram, the quiz) or
// just the Mermaid sequence diagram. With stable set, what differs from
// run to run (addresses and ports, references, times and measurements)
// is replaced by placeholders, so that two runs can be compared with
// diff.

// Handout formats.
const (
	FormatText     = "text"
	FormatMarkdown = "markdown"
	FormatMermaid  = "mermaid"
)

// Formats are the handout formats, for messages.
var Formats = []string{FormatText, FormatMarkdown, FormatMermaid}

// WriteHandouts runs lesson only (every lesson of b when nil) for real at
// full speed (Rehearse) and writes each one's handout to w. With stable
// the session references are the same every time too.
func WriteHandouts(ctx context.Context, w io.Writer, b *Book, only *Lesson, format string, stable bool) error {
	var seed uint64 // random references
	if stable {
		seed = 1
	}
	for _, l := range b.lessons {
		if only != nil && only != l {
			continue
		}
		evs, err := rehearseAt(ctx, l, seed, time.Now().UTC().Truncate(time.Second))
		if err != nil {
			return err
		}
		if err := WriteHandout(w, l, evs, format, stable); err != nil {
			return fmt.Errorf("cannot write the transcript: %w", err)
		}
	}
	return nil
}

// WriteHandout writes lesson l's handout of the run evs (its scenarios'
// events, in order) to w.
func WriteHandout(w io.Writer, l *Lesson, evs []sim.Event, format string, stable bool) error {
	if stable {
		evs = measuredAlike(simultaneousInOrder(evs))
		// The run's measurements are masked where the facts fill them
		// in, not in the lesson's own words (TIME_WAIT's 60 s is a
		// constant of Linux, not a measurement).
		masked := *l
		masked.stable = true
		l = &masked
	}
	var b strings.Builder
	switch format {
	case FormatText:
		tr := NewTranscript(&b, &Book{lessons: []*Lesson{l}})
		for _, ev := range evs {
			if err := tr.Write(ev); err != nil {
				return err
			}
		}
	case FormatMarkdown:
		markdown(&b, l, evs)
	case FormatMermaid:
		mermaid(&b, l, evs)
	default:
		return fmt.Errorf("unknown format %q (choose %s)", format, strings.Join(Formats, ", "))
	}
	out := b.String()
	if stable {
		out = stabilize(out, evs)
	}
	_, err := io.WriteString(w, out)
	return err
}

// markdown writes the Markdown handout.
func markdown(b *strings.Builder, l *Lesson, evs []sim.Event) {
	fmt.Fprintf(b, "# %s\n\n", l.Title)
	for _, para := range strings.Split(Plain(l.Intro), "\n\n") {
		b.WriteString(para + "\n\n")
	}
	var start time.Duration
	for _, ev := range evs {
		h := ev.Head()
		switch ev.(type) {
		case sim.ScenarioStarted:
			start = h.Paced
			fmt.Fprintf(b, "## %s\n\n", cell(l.Line(ev)))
			if n := Plain(l.Narration(ev)); n != l.Line(ev) {
				b.WriteString(n + "\n\n")
			}
			b.WriteString("| time | side | frame | what happened |\n|---:|---|---|---|\n")
			continue
		case sim.ScenarioEnded:
			b.WriteString("\n")
			continue
		}
		frame := ""
		if f := factsOf(ev); f.isFrame {
			frame = f.name.String()
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", Offset(h.Paced-start), h.Side, frame, cell(Plain(l.Line(ev))))
	}
	b.WriteString("## Sequence diagram\n\n```mermaid\n")
	mermaid(b, l, evs)
	b.WriteString("```\n")
	// The questions come without their answers, for a class to answer
	// first; the answer key is on a page of its own at the end.
	if len(l.predictions) > 0 {
		b.WriteString("\n## Predict, then watch\n\n")
		for i, p := range l.predictions {
			fmt.Fprintf(b, "%d. %s\n", i+1, cell(p.Question))
			for _, c := range p.Choices {
				fmt.Fprintf(b, "   - [ ] %s\n", cell(c.Text))
			}
			b.WriteString("\n")
		}
	}
	if len(l.quiz) > 0 {
		b.WriteString("\n## Quiz\n\n")
		for i, q := range l.quiz {
			fmt.Fprintf(b, "%d. %s\n", i+1, cell(q.Ask))
			for _, c := range q.Choices {
				fmt.Fprintf(b, "   - [ ] %s\n", cell(c))
			}
			b.WriteString("\n")
		}
	}
	if len(l.predictions)+len(l.quiz) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Answer key: %s\n\n", l.Title)
	for i, p := range l.predictions {
		answer := "this run never got there"
		for _, ev := range evs {
			if p.Matches(ev) {
				v, c := p.Answer(ev)
				if answer = v; c >= 0 {
					answer = p.Choices[c].Text
				}
				break
			}
		}
		fmt.Fprintf(b, "- Prediction %d: %s (this run). %s\n", i+1, cell(answer), cell(p.Why))
	}
	for i, q := range l.quiz {
		fmt.Fprintf(b, "- Quiz %d: %s %s\n", i+1, cell(q.Choices[q.Right]), cell(Plain(q.Explain)))
	}
}

// cell makes text safe in a Markdown table cell and on one line.
func cell(s string) string {
	s = strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
	return s
}

// mermaid writes a Mermaid sequenceDiagram of the run: one arrow per
// frame, each with its time in the part, TCP's own handshake, FIN and RST
// dashed, and notes for the parts, where the server commits and the
// client learns what is confirmed, the faults and the aborts.
func mermaid(b *strings.Builder, l *Lesson, evs []sim.Event) {
	b.WriteString("sequenceDiagram\n    participant C as client\n    participant S as server\n")
	var start time.Duration
	var at time.Duration // the event's time, for its arrow
	arrow := func(side sim.Side, dashed, lost bool, text string) {
		text = Offset(at-start) + " " + text
		from, to := "C", "S"
		if side == sim.Server {
			from, to = "S", "C"
		}
		head := "->>"
		switch {
		case dashed && lost:
			head = "--x"
		case dashed:
			head = "-->>"
		case lost:
			head = "-x"
		}
		fmt.Fprintf(b, "    %s%s%s: %s\n", from, head, to, mermaidText(text))
	}
	over := func(side sim.Side) string {
		switch side {
		case sim.Client:
			return "C"
		case sim.Server:
			return "S"
		}
		return "C,S"
	}
	lostIDs := map[int]bool{}
	for _, ev := range evs {
		for _, id := range ev.Head().Wire.Lost {
			lostIDs[id] = true
		}
	}
	for _, ev := range evs {
		h := ev.Head()
		lost := lostIDs[h.ID]
		at = h.Paced
		switch e := ev.(type) {
		case sim.ScenarioStarted:
			start = h.Paced
			fmt.Fprintf(b, "    Note over C,S: %s\n", mermaidText(l.PartName(h.Scenario)))
		case sim.Committed:
			fmt.Fprintf(b, "    Note right of S: commits %s\n", SeqList(e.Seqs))
		case sim.CommitFailed:
			fmt.Fprintf(b, "    Note right of S: cannot commit %s\n", SeqList(e.Seqs))
		case sim.Received:
			if m, ok := e.Frame.Main(); ok && h.Side == sim.Client && (m.Kind == spdu.MIA || m.Kind == spdu.MAA) {
				fmt.Fprintf(b, "    Note left of C: confirmed %s\n", SeqList(h.Log.Confirmed))
			}
		case sim.Dialed:
			arrow(sim.Client, true, false, "TCP handshake (SYN, SYN-ACK, ACK)")
		case sim.Sent:
			arrow(h.Side, false, lost, e.Name.String())
		case sim.Faulted:
			fmt.Fprintf(b, "    Note over %s: fault: %s\n", over(h.Side), e.Fault)
			if h.Wire.Put == sim.CarryRST {
				arrow(h.Side, true, lost, "TCP RST")
			}
		case sim.Aborted:
			fmt.Fprintf(b, "    Note over %s: %s\n", over(h.Side), e.Label())
		default:
			switch h.Wire.Put {
			case sim.CarryFIN:
				arrow(h.Side, true, lost, "TCP FIN")
			case sim.CarryRST:
				arrow(h.Side, true, lost, "TCP RST")
			}
		}
	}
}

// simultaneousInOrder lists events that happened at the same moment of
// the lesson clock client first, then server: which of two such events
// came first is up to the scheduler, and a stable handout must not
// change with it. (A frame is read at least a travel time after it was
// written, so no effect moves before its cause.)
func simultaneousInOrder(evs []sim.Event) []sim.Event {
	rank := func(ev sim.Event) int {
		switch ev.(type) {
		case sim.ScenarioStarted:
			return 0
		case sim.ScenarioEnded:
			return 3
		}
		if ev.Head().Side == sim.Server {
			return 2
		}
		return 1
	}
	part := map[sim.Scenario]int{} // parts stay in the order they ran
	for _, ev := range evs {
		if _, ok := part[ev.Head().Scenario]; !ok {
			part[ev.Head().Scenario] = len(part)
		}
	}
	out := slices.Clone(evs)
	slices.SortStableFunc(out, func(a, b sim.Event) int {
		if c := cmp.Compare(part[a.Head().Scenario], part[b.Head().Scenario]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Head().Paced, b.Head().Paced); c != 0 {
			return c
		}
		return cmp.Compare(rank(a), rank(b))
	})
	return out
}

// measuredAlike makes what a stable handout says of a frame's transit the
// same from run to run: a read's last frame has a measured transit (its
// figure becomes a placeholder anyway), the others none. Whether the
// kernel's receive stamp came out later than the sender's clock reading
// is up to the machine's clocks at that microsecond, and must not change
// the sentence.
func measuredAlike(evs []sim.Event) []sim.Event {
	out := slices.Clone(evs)
	for i, ev := range out {
		if r, ok := ev.(sim.Received); ok {
			r.Transit = 0
			if r.Index == r.FramesInRead-1 {
				r.Transit = time.Microsecond
			}
			out[i] = r
		}
	}
	return out
}

// mermaidText keeps a message to what Mermaid reads as plain text: it
// ends statements at ; and starts entities at #.
func mermaidText(s string) string {
	return strings.NewReplacer(";", ",", "#", "no. ", "\n", " ").Replace(s)
}

// What stabilize replaces: times on the lesson clock, transport
// references, and the session's names. Measured durations (durationRe)
// are masked as the facts fill them in (facts.stable), so that a
// duration the lesson itself states stays as written.
var (
	durationRe  = regexp.MustCompile(`\b\d+(\.\d+)? ?(µs|ms|s)\b`)
	offsetRe    = regexp.MustCompile(`\+\d+\.\d{3}s`)
	transportRe = regexp.MustCompile(`\b0x[0-9a-f]{4}\b`)
	sessionRe   = regexp.MustCompile(`\b(client|server)-[0-9a-f]{4}\b`)
	commonRe    = regexp.MustCompile(`\b\d{12}Z\b`)
	dateRe      = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\b`)
)

// stabilize replaces in out what differs between two runs: every port
// the run used (named in the order they came), transport references,
// session references and times. (Measured durations are masked already,
// by the facts.)
func stabilize(out string, evs []sim.Event) string {
	ports := map[uint16]string{}
	var order []uint16
	for _, ev := range evs {
		h := ev.Head()
		for _, a := range []uint16{h.Local.Port(), h.Remote.Port()} {
			if _, ok := ports[a]; !ok && a != 0 {
				ports[a] = "PORT" + strconv.Itoa(len(ports)+1)
				order = append(order, a)
			}
		}
	}
	for _, p := range order {
		out = regexp.MustCompile(`\b`+strconv.Itoa(int(p))+`\b`).ReplaceAllString(out, ports[p])
	}
	out = offsetRe.ReplaceAllString(out, "+T")
	out = transportRe.ReplaceAllString(out, "0xREF")
	out = sessionRe.ReplaceAllString(out, "$1-REF")
	out = commonRe.ReplaceAllString(out, "COMMON-REF")
	out = dateRe.ReplaceAllString(out, "‹date›")
	return out
}
