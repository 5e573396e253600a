package lessons

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"sessionlab/sim"
)

// Prediction is a question a lesson asks just before it shows an event:
// the learner commits to an answer, then the real event answers it. The
// right answer is never written in the file: it is the event's fact
// (Answer, a template such as "{va}") as this run gives it, so a fault
// that changes the outcome changes the answer.
type Prediction struct {
	Key      string // the event it is about: a content key, * standing for any one word
	Ask      string // the event it is asked before, when earlier than Key's ("": Key's)
	Question string
	Choices  []Choice
	Why      string // said after the answer, with the event's narration
	answer   template
	line     int // where it is in its file, for messages
}

// Choice is one answer a learner can pick: Value is compared with the
// event's answer, Text is what the learner reads.
type Choice struct {
	Value, Text string
}

// Predictions returns the lesson's predictions, in file order.
func (l *Lesson) Predictions() []*Prediction { return l.predictions }

// Matches reports whether ev is the event the prediction is about: the
// one whose facts answer it.
func (p *Prediction) Matches(ev sim.Event) bool { return matchesKey(p.Key, ev) }

// AskedBefore reports whether the prediction is asked just before ev:
// the event it is about, or, with an "ask:" line, an earlier one, so
// that nothing on screen gives the answer away yet and a played run's
// data packets go on at their cadence once it is answered.
func (p *Prediction) AskedBefore(ev sim.Event) bool {
	if p.Ask != "" {
		return matchesKey(p.Ask, ev)
	}
	return p.Matches(ev)
}

// matchesKey reports whether one of ev's content keys is key, in which *
// stands for any one word.
func matchesKey(key string, ev sim.Event) bool {
	want := strings.Fields(key)
	return slices.ContainsFunc(Keys(ev), func(k string) bool { return keyMatches(want, strings.Fields(k)) })
}

// Answer is the right answer as ev gives it, and the choice that says it
// (-1 when none does: the run went another way than the choices foresaw).
func (p *Prediction) Answer(ev sim.Event) (value string, choice int) {
	value, _ = p.answer.render(factsOf(ev))
	return value, slices.IndexFunc(p.Choices, func(c Choice) bool { return c.Value == value })
}

// parsePrediction reads a "## predict KEY" section:
//
//	question: The server's MIA 1 is on its way. What will V(A) be?
//	ask: client sent DT
//	answer: {va}
//	- 1: nothing changes until a major point
//	- 2: point 1 is confirmed, so the lowest unconfirmed is 2
//	why: V(A) is the lowest serial number not yet confirmed.
func parsePrediction(key string, body []string, at int) (*Prediction, error) {
	p := &Prediction{Key: key, line: at}
	for i, ln := range body {
		ln = strings.TrimSpace(ln)
		switch {
		case ln == "":
		case strings.HasPrefix(ln, "question:"):
			p.Question = strings.TrimSpace(strings.TrimPrefix(ln, "question:"))
		case strings.HasPrefix(ln, "why:"):
			p.Why = strings.TrimSpace(strings.TrimPrefix(ln, "why:"))
		case strings.HasPrefix(ln, "ask:"):
			p.Ask = strings.TrimSpace(strings.TrimPrefix(ln, "ask:"))
		case strings.HasPrefix(ln, "answer:"):
			t, err := parseTemplate(strings.TrimSpace(strings.TrimPrefix(ln, "answer:")))
			if err != nil {
				return nil, lineErr(at+i, err)
			}
			p.answer = t
		case strings.HasPrefix(ln, "- "):
			v, text, ok := strings.Cut(strings.TrimPrefix(ln, "- "), ": ")
			if !ok {
				return nil, lineErr(at+i, fmt.Errorf(`a choice is "- VALUE: what the learner reads"`))
			}
			p.Choices = append(p.Choices, Choice{strings.TrimSpace(v), strings.TrimSpace(text)})
		default:
			return nil, lineErr(at+i, fmt.Errorf(`expected "question:", "ask:", "answer:", "why:" or a "- VALUE: text" choice, got %q`, ln))
		}
	}
	switch {
	case p.Question == "":
		return nil, lineErr(at-1, fmt.Errorf("prediction %q has no \"question:\" line", key))
	case p.answer.empty():
		return nil, lineErr(at-1, fmt.Errorf("prediction %q has no answer: (a fact such as {va})", key))
	case len(p.Choices) < 2:
		return nil, lineErr(at-1, fmt.Errorf("prediction %q needs at least two choices", key))
	}
	return p, nil
}

// Question is one question of a lesson's quiz.
type Question struct {
	Ask     string
	Choices []string
	Right   int    // which choice is right
	Explain string // said after any answer
	// Needs is an event the question takes for granted (a "needs:" line,
	// a content key): a run a fault cut short may not have had it.
	Needs string
}

// MetBy reports whether ev is the event the question takes for granted
// (any event, when it takes none for granted).
func (q Question) MetBy(ev sim.Event) bool { return q.Needs == "" || matchesKey(q.Needs, ev) }

// Quiz returns the lesson's quiz, in file order.
func (l *Lesson) Quiz() []Question { return l.quiz }

// parseQuiz reads a "## quiz" section: each question is a "? " line, its
// choices "+ " (the right one) and "- " lines, and its explanation an
// "= " line; a "needs: KEY" line names an event it takes for granted.
func parseQuiz(body []string, at int) ([]Question, error) {
	// Each text is gathered as lines and joined once at the end: adding
	// line after line to a string takes time growing with the square of
	// its length.
	type draft struct {
		ask, explain []string
		choices      [][]string
		right        int
		needs        string
	}
	var drafts []*draft
	var cur *draft
	for i, ln := range body {
		ln = strings.TrimSpace(ln)
		switch {
		case ln == "":
		case strings.HasPrefix(ln, "? "):
			cur = &draft{ask: []string{strings.TrimPrefix(ln, "? ")}, right: -1}
			drafts = append(drafts, cur)
		case cur == nil:
			return nil, lineErr(at+i, fmt.Errorf(`a quiz starts with a "? " question line, got %q`, ln))
		case strings.HasPrefix(ln, "+ "):
			if cur.right >= 0 {
				return nil, lineErr(at+i, fmt.Errorf("a question has one right choice (+); this is a second"))
			}
			cur.right = len(cur.choices)
			cur.choices = append(cur.choices, []string{strings.TrimPrefix(ln, "+ ")})
		case strings.HasPrefix(ln, "- "):
			cur.choices = append(cur.choices, []string{strings.TrimPrefix(ln, "- ")})
		case strings.HasPrefix(ln, "needs:"):
			cur.needs = strings.TrimSpace(strings.TrimPrefix(ln, "needs:"))
		case strings.HasPrefix(ln, "= "):
			cur.explain = []string{strings.TrimPrefix(ln, "= ")}
		default:
			// A line that goes on from the one before.
			switch {
			case cur.explain != nil:
				cur.explain = append(cur.explain, ln)
			case len(cur.choices) > 0:
				cur.choices[len(cur.choices)-1] = append(cur.choices[len(cur.choices)-1], ln)
			default:
				cur.ask = append(cur.ask, ln)
			}
		}
	}
	out := make([]Question, len(drafts))
	for i, d := range drafts {
		q := Question{Ask: strings.Join(d.ask, " "), Explain: strings.Join(d.explain, " "), Right: d.right, Needs: d.needs}
		for _, c := range d.choices {
			q.Choices = append(q.Choices, strings.Join(c, " "))
		}
		out[i] = q
	}
	for i, q := range out {
		switch {
		case q.Right < 0:
			return nil, lineErr(at, fmt.Errorf("quiz question %q has no right choice (+)", q.Ask))
		case len(q.Choices) < 2:
			return nil, lineErr(at, fmt.Errorf("quiz question %q needs at least two choices", q.Ask))
		case q.Explain == "":
			return nil, lineErr(at, fmt.Errorf("quiz question %q has no explanation (=)", q.Ask))
		}
		out[i] = q.shuffled()
	}
	return out, nil
}

// shuffled is q with its choices in an order of their own, not the
// file's: an author tends to write the right answer first, or last. The
// order comes from the question's words, so it is the same in every run,
// on screen and in the handouts; the right choice lands wherever the
// hash of its question puts it, and the others keep their order around it.
func (q Question) shuffled() Question {
	h := fnv.New32a()
	h.Write([]byte(q.Ask))
	at := int(h.Sum32() % uint32(len(q.Choices)))
	right := q.Choices[q.Right]
	others := slices.Delete(slices.Clone(q.Choices), q.Right, q.Right+1)
	q.Choices = slices.Insert(others, at, right)
	q.Right = at
	return q
}

// lineErr is an error that knows its line in the file; parseFile adds
// the file's name.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("%d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

func lineErr(line int, err error) error { return &lineError{line, err} }
