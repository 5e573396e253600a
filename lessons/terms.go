package lessons

import "strings"

// Lesson text marks a glossary term where it is explained, with single
// asterisks: "an *SPDU* (session protocol data unit) is…". The terminal
// UI shows the term emphasised; the transcript prints it plain.

// Emphasize returns text with each marked term replaced by style(term).
func Emphasize(text string, style func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '*')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i+1:], '*')
		if j < 0 {
			break
		}
		b.WriteString(text[:i])
		b.WriteString(style(text[i+1 : i+1+j]))
		text = text[i+2+j:]
	}
	b.WriteString(text)
	return b.String()
}

// Plain returns text without its term marks.
func Plain(text string) string {
	return Emphasize(text, func(s string) string { return s })
}

// Marked returns the terms text marks, in order.
func Marked(text string) []string {
	var out []string
	Emphasize(text, func(s string) string { out = append(out, s); return s })
	return out
}
