package lessons

import (
	"fmt"
	"regexp"
	"strings"
)

// Term is one glossary entry: the word as the lessons write it, other
// spellings it goes by, and what it means.
type Term struct {
	Name string
	Also []string
	Text string
}

// Glossary returns every term the lessons use, in the file's order.
func (b *Book) Glossary() []Term { return b.glossary }

// Names returns the term's name and its other spellings.
func (t Term) Names() []string { return append([]string{t.Name}, t.Also...) }

// Matches reports whether the term, by any of its names, or its
// explanation, contains query (ignoring case).
func (t Term) Matches(query string) bool {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return true
	}
	for _, n := range t.Names() {
		if strings.Contains(strings.ToLower(n), q) {
			return true
		}
	}
	return strings.Contains(strings.ToLower(t.Text), q)
}

// pattern matches the term in running text: by any of its names, as a
// whole word, with an s or es for a plural. Names in capitals (RST,
// SPDU) match only in capitals.
func (t Term) pattern() *regexp.Regexp {
	var alts []string
	for _, n := range t.Names() {
		q := regexp.QuoteMeta(n)
		if strings.ToUpper(n) != n {
			q = "(?i:" + q + ")"
		}
		alts = append(alts, q)
	}
	return regexp.MustCompile(`(^|\W)(` + strings.Join(alts, "|") + `)(e?s)?($|\W)`)
}

// In reports whether text uses the term.
func (t Term) In(text string) bool { return t.pattern().MatchString(text) }

// parseGlossary reads glossary.md: "## Term" sections, each with an
// optional "also: a, b" line of other spellings, then the explanation.
func parseGlossary(name, text string) ([]Term, error) {
	var out []Term
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	seen := map[string]int{}
	for i := 0; i < len(lines); i++ {
		head, ok := strings.CutPrefix(lines[i], "## ")
		if !ok {
			continue
		}
		t := Term{Name: strings.TrimSpace(head)}
		at := i + 1
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "## "); i++ {
			if also, ok := strings.CutPrefix(lines[i], "also:"); ok && len(body) == 0 {
				for _, a := range strings.Split(also, ",") {
					if a = strings.TrimSpace(a); a != "" {
						t.Also = append(t.Also, a)
					}
				}
				continue
			}
			body = append(body, lines[i])
		}
		i--
		t.Text = paragraphs(body)
		if t.Name == "" || t.Text == "" {
			return nil, fmt.Errorf("%s:%d: a term needs a name and an explanation", name, at)
		}
		for _, n := range t.Names() {
			if prev, dup := seen[strings.ToLower(n)]; dup {
				return nil, fmt.Errorf("%s:%d: %q is already a name of the term on line %d", name, at, n, prev)
			}
			seen[strings.ToLower(n)] = at
		}
		out = append(out, t)
	}
	return out, nil
}
