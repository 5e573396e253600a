package lessons

import (
	"fmt"
	"strings"
)

// template is a sentence with {placeholders} and [optional parts], which
// may nest.
type template struct {
	parts []part
	src   string // as written, for checks of the lesson text itself
}

// part is literal text, a placeholder, or an optional group.
type part struct {
	text    string
	name    string // placeholder name
	group   []part // optional group, when isGroup
	isGroup bool
}

// missing stands in for a required fact that is unknown.
const missing = "–"

// parseTemplate parses s. Every placeholder must be one facts knows.
func parseTemplate(s string) (template, error) {
	parts, rest, err := parseParts(s, s, 0)
	if err != nil {
		return template{}, err
	}
	if rest != "" {
		return template{}, fmt.Errorf("unmatched ] in %q", s)
	}
	return template{parts: parts, src: s}, nil
}

// parseParts parses until the end of s or an unmatched "]", which it
// leaves in rest.
func parseParts(whole, s string, depth int) ([]part, string, error) {
	var parts []part
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, part{text: lit.String()})
			lit.Reset()
		}
	}
	for len(s) > 0 {
		switch s[0] {
		case '{':
			end := strings.IndexByte(s, '}')
			if end < 0 {
				return nil, "", fmt.Errorf("unclosed { in %q", whole)
			}
			name := s[1:end]
			if !knownFact(name) {
				return nil, "", fmt.Errorf("unknown placeholder {%s} in %q", name, whole)
			}
			flush()
			parts = append(parts, part{name: name})
			s = s[end+1:]
		case '[':
			flush()
			group, rest, err := parseParts(whole, s[1:], depth+1)
			if err != nil {
				return nil, "", err
			}
			if !strings.HasPrefix(rest, "]") {
				return nil, "", fmt.Errorf("unclosed [ in %q", whole)
			}
			parts = append(parts, part{isGroup: true, group: group})
			s = rest[1:]
		case ']':
			if depth == 0 {
				return nil, "", fmt.Errorf("unmatched ] in %q", whole)
			}
			flush()
			return parts, s, nil
		default:
			lit.WriteByte(s[0])
			s = s[1:]
		}
	}
	flush()
	return parts, "", nil
}

// render fills the template from f. An optional group with an unknown
// fact in it is left out; an unknown fact outside any group is written as
// a dash, and complete is false.
func (t template) render(f facts) (s string, complete bool) {
	var b strings.Builder
	complete = renderParts(&b, t.parts, f, true)
	return b.String(), complete
}

// renderParts writes parts and reports whether every fact was known. At
// the top level unknown facts become dashes; inside a group the caller
// drops the group.
func renderParts(b *strings.Builder, parts []part, f facts, top bool) bool {
	ok := true
	for _, p := range parts {
		switch {
		case p.isGroup:
			var g strings.Builder
			if renderParts(&g, p.group, f, false) {
				b.WriteString(g.String())
			}
		case p.name != "":
			v, known := f.get(p.name)
			if !known {
				if !top {
					return false
				}
				ok, v = false, missing
			}
			b.WriteString(v)
		default:
			b.WriteString(p.text)
		}
	}
	return ok
}

func (t template) empty() bool { return len(t.parts) == 0 }
