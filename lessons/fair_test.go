package lessons

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestQuizIsFair: in no lesson is the right choice the longest one in
// more than a third of its quiz questions ("pick the longest" must not
// pay), the right choice does not sit in the same place in every
// question, and no quiz question asks again what a prediction of the
// same lesson asked.
func TestQuizIsFair(t *testing.T) {
	places := map[int]bool{}
	for _, l := range book(t).Lessons() {
		longest := 0
		for _, q := range l.Quiz() {
			places[q.Right] = true
			if rightIsLongest(q) {
				longest++
			}
			for _, p := range l.Predictions() {
				if repeats(q, p) {
					t.Errorf("%s: quiz question %q asks again what the prediction %q asked", l.ID, q.Ask, p.Question)
				}
			}
		}
		if n := len(l.Quiz()); longest*3 > n {
			t.Errorf("%s: the right choice is the longest in %d of %d questions", l.ID, longest, n)
		}
	}
	if len(places) < 2 {
		t.Errorf("the right choice is shown in the same place in every question: %v", places)
	}
}

// TestFairnessChecksCanFail: the checks above catch the cases they are
// for: a right answer longer than the rest, and a question that asks
// again what a prediction asked (Establish's quiz of old did).
func TestFairnessChecksCanFail(t *testing.T) {
	q := Question{Ask: "Has TCP's three-way handshake finished when accept() returns?", Right: 0,
		Choices: []string{"Yes: the kernel finished it and queued the connection.", "No: accept() is what sends the SYN-ACK.", "Only once the client has sent data."}}
	p := &Prediction{Question: "The client's connect() has returned, and the server has not called accept() yet. Has TCP's three-way handshake finished?"}
	if !rightIsLongest(q) {
		t.Error("a right answer longer than the others was not seen as the longest")
	}
	if !repeats(q, p) {
		t.Error("a quiz question that repeats a prediction was not seen as one")
	}
	other := &Prediction{Question: "MIA 1 is about to reach the client. What will the client's V(A) be then?"}
	if repeats(q, other) {
		t.Error("a quiz question about something else was seen as a repeat")
	}
}

// rightIsLongest reports whether q's right choice is longer than every
// other choice.
func rightIsLongest(q Question) bool {
	right := utf8.RuneCountInString(q.Choices[q.Right])
	for i, c := range q.Choices {
		if i != q.Right && utf8.RuneCountInString(c) >= right {
			return false
		}
	}
	return true
}

// repeats reports whether quiz question q asks what prediction p asked:
// most of the words that carry meaning in the shorter of the two
// questions are in the other.
func repeats(q Question, p *Prediction) bool {
	a, b := contentWords(q.Ask), contentWords(p.Question)
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == 0 {
		return false
	}
	shared := 0
	for w := range a {
		if b[w] {
			shared++
		}
	}
	return shared*2 > len(a) // more than half
}

// contentWords are the words of s that say what it is about: longer than
// three letters, not among the commonest or the course's own subject.
func contentWords(s string) map[string]bool {
	common := map[string]bool{"what": true, "which": true, "does": true, "that": true, "this": true, "with": true,
		"will": true, "when": true, "from": true, "have": true, "then": true, "there": true, "their": true, "about": true,
		"been": true, "before": true, "after": true, "still": true, "server": true, "client": true,
		// the subject of every lesson: sharing them says nothing
		"session": true, "connection": true, "data": true, "packet": true, "packets": true, "point": true, "points": true}
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '\'' }) {
		if len(w) > 3 && !common[w] {
			out[w] = true
		}
	}
	return out
}
