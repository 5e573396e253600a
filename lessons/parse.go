package lessons

import (
	"errors"
	"fmt"
	"strings"

	"sessionlab/sim"
)

// parseFile reads one lesson file: a header between "---" lines, an
// introduction, then "## key" sections.
func parseFile(name, text string) (*Lesson, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	l := &Lesson{texts: map[string]entry{}, file: name}
	lines := strings.Split(text, "\n")
	i := 0
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
		for i = 1; i < len(lines) && strings.TrimSpace(lines[i]) != "---"; i++ {
			k, v, ok := strings.Cut(lines[i], ":")
			if !ok {
				return nil, fmt.Errorf("%s:%d: header lines are \"name: value\"", name, i+1)
			}
			if strings.TrimSpace(k) == "id" {
				l.idLine = i + 1
			}
			if err := l.setHeader(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
			}
		}
		if i == len(lines) {
			return nil, fmt.Errorf("%s: header not closed with ---", name)
		}
		i++
	}
	var intro []string
	for ; i < len(lines) && !strings.HasPrefix(lines[i], "## "); i++ {
		intro = append(intro, lines[i])
	}
	l.Intro = paragraphs(intro)
	for i < len(lines) {
		key := strings.Join(strings.Fields(strings.TrimPrefix(lines[i], "## ")), " ")
		start := i + 1
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "## "); i++ {
			body = append(body, lines[i])
		}
		if pk, ok := strings.CutPrefix(key, "predict "); ok {
			pr, err := parsePrediction(pk, body, start+1)
			if err != nil {
				return nil, fmt.Errorf("%s:%w", name, err)
			}
			l.predictions = append(l.predictions, pr)
			continue
		}
		if key == "quiz" {
			q, err := parseQuiz(body, start+1)
			if err != nil {
				return nil, fmt.Errorf("%s:%w", name, err)
			}
			l.quiz = append(l.quiz, q...)
			continue
		}
		if key == "takeaways" {
			t, err := parseTakeaways(body)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, start, err)
			}
			l.Takeaways = append(l.Takeaways, t...)
			continue
		}
		e, err := parseEntry(body)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", name, start, key, err)
		}
		e.at = start
		if _, dup := l.texts[key]; dup {
			return nil, fmt.Errorf("%s:%d: %q twice", name, start-1, key)
		}
		l.texts[key] = e
	}
	return l, nil
}

// parseTakeaways reads a "## takeaways" list: "- " lines, each of which
// may go on over the lines after it. (Lines are gathered and joined once:
// adding each to a string would take time growing with the square of the
// text.)
func parseTakeaways(body []string) ([]string, error) {
	var items [][]string
	for _, ln := range body {
		ln = strings.TrimSpace(ln)
		switch t, ok := strings.CutPrefix(ln, "- "); {
		case ok:
			items = append(items, []string{strings.TrimSpace(t)})
		case ln == "":
		case len(items) == 0:
			return nil, errors.New(`takeaways are a list of "- " lines`)
		default:
			items[len(items)-1] = append(items[len(items)-1], ln)
		}
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = strings.Join(it, " ")
	}
	return out, nil
}

func (l *Lesson) setHeader(k, v string) error {
	switch k {
	case "id":
		l.ID = v
	case "title":
		l.Title = v
	case "summary":
		l.Summary = v
	case "scenarios":
		for _, name := range strings.Fields(strings.ReplaceAll(v, ",", " ")) {
			sc, ok := sim.ParseScenario(name)
			if !ok {
				return fmt.Errorf("unknown scenario %q", name)
			}
			l.Scenarios = append(l.Scenarios, sc)
		}
	default:
		return fmt.Errorf("unknown header %q (id, title, summary, scenarios)", k)
	}
	return nil
}

func parseEntry(body []string) (entry, error) {
	var e entry
	var rest, more []string
	for i, ln := range body {
		if v, ok := strings.CutPrefix(ln, "more:"); ok {
			// Everything from here on is the longer why, for those who ask.
			more = append([]string{v}, body[i+1:]...)
			break
		}
		if v, ok := strings.CutPrefix(ln, "part:"); ok && e.part == "" && e.line.empty() {
			e.part = strings.TrimSpace(v)
			continue
		}
		if v, ok := strings.CutPrefix(ln, "collapse:"); ok && e.line.empty() {
			for _, name := range strings.Fields(strings.ReplaceAll(v, ",", " ")) {
				p, ok := sim.ParsePhase(name)
				if !ok {
					return e, fmt.Errorf("collapse: %q is not a phase (open, transfer, activity, close)", name)
				}
				e.collapse = append(e.collapse, p)
			}
			continue
		}
		if v, ok := strings.CutPrefix(ln, "line:"); ok && e.line.empty() {
			t, err := parseTemplate(strings.TrimSpace(v))
			if err != nil {
				return e, err
			}
			e.line = t
			continue
		}
		rest = append(rest, ln)
	}
	if n := paragraphs(rest); n != "" {
		t, err := parseTemplate(n)
		if err != nil {
			return e, err
		}
		e.narration = t
	}
	if m := paragraphs(more); m != "" {
		t, err := parseTemplate(m)
		if err != nil {
			return e, err
		}
		e.more = t
	}
	return e, nil
}

// paragraphs joins lines into paragraphs: lines within a paragraph are
// joined with spaces, paragraphs are separated by a blank line.
func paragraphs(lines []string) string {
	var out []string
	var cur []string
	for _, ln := range append(lines, "") {
		if t := strings.TrimSpace(ln); t != "" {
			cur = append(cur, t)
			continue
		}
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	return strings.Join(out, "\n\n")
}
