package lessons

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sessionlab/sim"
)

// handout runs l as the transcript subcommand does (Rehearse: real
// sockets, a manual clock, a look at the kernel that waits for the ACK)
// and writes its handout. A look made at once (runPaced) may or may not
// find the ACK there yet, and two runs would differ by that.
func handout(t *testing.T, l *Lesson, format string, stable bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	evs, err := Rehearse(ctx, l, uint64(time.Now().UnixNano()))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteHandout(&b, l, evs, format, stable); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestHandoutsAreStable: with stable set, two real runs of every lesson
// give the same handout byte for byte, in every format; without it, the
// run's own ports show.
func TestHandoutsAreStable(t *testing.T) {
	for _, l := range book(t).Lessons() {
		for _, format := range Formats {
			a, b := handout(t, l, format, true), handout(t, l, format, true)
			if a != b {
				t.Errorf("%s %s: two stable runs differ:\n%s", l.ID, format, firstDiff(a, b))
			}
			if format != FormatMermaid && !strings.Contains(a, "PORT1") {
				t.Errorf("%s %s: no port placeholder", l.ID, format)
			}
		}
	}
	l, _ := book(t).Lesson("establish")
	if raw := handout(t, l, FormatText, false); strings.Contains(raw, "PORT1") || !regexp.MustCompile(`127\.0\.0\.1:\d+`).MatchString(raw) {
		t.Error("without --stable the real ports are replaced")
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return al[i] + "\n" + bl[i]
		}
	}
	return "(lengths differ)"
}

// TestMarkdownHandout: the page has the intro, a row per step with its
// headline (a short cell), the diagram with the steps' times and where
// the server commits and the client learns what is confirmed, the
// predictions and the quiz as questions with nothing ticked, and an
// answer key after them with this run's answers and the quiz's.
func TestMarkdownHandout(t *testing.T) {
	l, _ := book(t).Lesson("synchronize")
	md := handout(t, l, FormatMarkdown, true)
	for _, want := range []string{"# Synchronize\n", "| time | side | frame | what happened |", "| client | GT+DT 0 | Sending data packet 0 |",
		"```mermaid\nsequenceDiagram", "C->>S: +T GT+MIP 1", "Note right of S: commits 0 1", "Note left of C: confirmed 0 1",
		"## Predict, then watch", "## Quiz", "   - [ ] No: it is pacing", "## Answer key: Synchronize",
		"- Prediction 2: V(A) = 2: point 1 is confirmed", "- Quiz 1: No: it is pacing"} {
		if !strings.Contains(md, want) {
			t.Errorf("the handout lacks %q", want)
		}
	}
	if strings.Contains(md, "[x]") || strings.Index(md, "## Answer key") < strings.Index(md, "## Quiz") {
		t.Error("the handout ticks an answer, or gives the key before the questions")
	}
	for _, row := range strings.Split(md, "\n") {
		if strings.HasPrefix(row, "| +") && len(strings.Fields(row)) > 30 {
			t.Errorf("a table cell of %d words: %s", len(strings.Fields(row)), row)
		}
	}
}

// TestStableMasksOnlyMeasurements: a stable handout masks the durations
// the run measured (connect() time, time in the accept queue, TIME_WAIT's
// time left as the client closed), but writes the lesson's own words as
// they are: TIME_WAIT's 60 s on Linux is a constant, not a measurement
// (review-accuracy-3 T23).
func TestStableMasksOnlyMeasurements(t *testing.T) {
	l, _ := book(t).Lesson("terminate")
	md := handout(t, l, FormatMarkdown, true)
	if !strings.Contains(md, "connect() returned after ‹time›") {
		t.Error("a measured duration is not masked")
	}
	for _, re := range []string{`returned after \d`, `waited \d`, `\d+ s left`} {
		if m := regexp.MustCompile(re).FindString(md); m != "" {
			t.Errorf("a measured duration shows: %q", m)
		}
	}
	for _, p := range l.Predictions() {
		if !strings.Contains(md, cell(p.Why)) {
			t.Errorf("the lesson's own words are changed: %q", p.Why)
		}
	}
	for _, q := range l.Quiz() {
		if !strings.Contains(md, cell(Plain(q.Explain))) {
			t.Errorf("the lesson's own words are changed: %q", q.Explain)
		}
	}
}

// TestMermaidHandout: the diagram has one arrow per frame the engine
// sent, each with its time, TCP's FIN and RST dashed; and Mermaid's own
// renderer draws it,
// where mermaid-cli is installed (CI installs it).
func TestMermaidHandout(t *testing.T) {
	for _, id := range []string{"terminate", "recover"} {
		l, _ := book(t).Lesson(id)
		evs := runPaced(t, sim.Config{Scenarios: l.Scenarios})
		var b bytes.Buffer
		if err := WriteHandout(&b, l, evs, FormatMermaid, false); err != nil {
			t.Fatal(err)
		}
		diagram := b.String()
		sent := 0
		for _, ev := range evs {
			if _, ok := ev.(sim.Sent); ok {
				sent++
			}
		}
		if n := regexp.MustCompile(`(?m)^    [CS](->>|-x)[CS]: `).FindAllStringIndex(diagram, -1); len(n) != sent {
			t.Errorf("%s: %d solid arrows for %d frames sent:\n%s", id, len(n), sent, diagram)
		}
		// Recover resets a connection; Terminate's abort no longer does.
		if !regexp.MustCompile(`-->>S: \+\d+\.\d{3}s TCP FIN`).MatchString(diagram) || id == "recover" && !strings.Contains(diagram, "TCP RST") {
			t.Errorf("%s: TCP's FIN and RST are not drawn dashed:\n%s", id, diagram)
		}
		renderMermaid(t, id, diagram)
	}
}

// renderMermaid draws diagram with mermaid-cli (mmdc) and fails if it
// cannot; without mmdc the test says so and skips, except under CI.
func renderMermaid(t *testing.T, name, diagram string) {
	t.Helper()
	mmdc, err := exec.LookPath("mmdc")
	if err != nil {
		if os.Getenv("SESSIONLAB_CI") != "" {
			t.Fatal("mmdc is not installed (npm install -g @mermaid-js/mermaid-cli), and CI must render the diagrams")
		}
		t.Skip("mmdc is not installed (npm install -g @mermaid-js/mermaid-cli): Mermaid cannot render the diagram here")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, name+".mmd"), filepath.Join(dir, name+".svg")
	if err := os.WriteFile(in, []byte(diagram), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-i", in, "-o", out, "-q"}
	cfg := os.Getenv("MMDC_PUPPETEER_CONFIG")
	if _, err := os.Stat("/usr/bin/chromium"); cfg == "" && err == nil {
		// Debian's chromium, which as root runs only without its sandbox.
		cfg = filepath.Join(dir, "puppeteer.json")
		os.WriteFile(cfg, []byte(`{"executablePath": "/usr/bin/chromium", "args": ["--no-sandbox"]}`), 0o644)
	}
	if cfg != "" {
		args = append(args, "-p", cfg)
	}
	if msg, err := exec.Command(mmdc, args...).CombinedOutput(); err != nil {
		t.Fatalf("mmdc could not render %s: %v\n%s", name, err, msg)
	}
	if svg, err := os.ReadFile(out); err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Fatalf("mmdc wrote no SVG for %s: %v", name, err)
	}
}
