package lessons

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"sessionlab/sim"
)

// Transcript writes events as plain text, one line each: the time since
// the scenario started, the side, the frame, and the lesson's sentence.
type Transcript struct {
	w     io.Writer
	book  *Book
	start time.Duration // the lesson clock at the current scenario's start
	buf   strings.Builder
	any   bool // something was written: lessons after the first get a blank line before them
}

// NewTranscript returns a Transcript writing to w.
func NewTranscript(w io.Writer, book *Book) *Transcript {
	return &Transcript{w: w, book: book}
}

// Write writes the line (or, at a scenario's start, the heading) for ev.
// Each call is a single write, so an interrupted run never leaves half a
// line.
func (t *Transcript) Write(ev sim.Event) error {
	h := ev.Head()
	l, ok := t.book.For(h.Scenario)
	if !ok {
		return fmt.Errorf("no lesson runs scenario %v", h.Scenario)
	}
	t.buf.Reset()
	switch e := ev.(type) {
	case sim.ScenarioEnded:
		if e.Err == nil {
			return nil // the next heading or the end of output says it
		}
		fmt.Fprintf(&t.buf, "%-9s %-6s %-6s %s\n", Offset(h.Paced-t.start), "-", "", l.Line(ev))
	case sim.ScenarioStarted:
		t.start = h.Paced
		if l.Scenarios[0] == h.Scenario {
			if t.any {
				t.buf.WriteByte('\n')
			}
			fmt.Fprintf(&t.buf, "== %s ==\n", l.Title)
			for _, para := range strings.Split(l.Intro, "\n\n") {
				t.buf.WriteString(Wrap(para, 78) + "\n\n")
			}
		}
		fmt.Fprintf(&t.buf, "-- %s --\n", l.Line(ev))
	default:
		frame := ""
		if f := factsOf(ev); f.isFrame {
			frame = f.name.Short()
		}
		fmt.Fprintf(&t.buf, "%-9s %-6s %-6s %s\n", Offset(h.Paced-t.start), h.Side, frame, l.Line(ev))
	}
	t.any = true
	_, err := io.WriteString(t.w, t.buf.String())
	return err
}

// Hint writes, once at the top, how to watch the run in Wireshark: the
// port is the one the lesson's server listens on.
func (t *Transcript) Hint(port uint16) error {
	t.any = true
	_, err := fmt.Fprintf(t.w, "Watch the frames in Wireshark as they go (capturing on lo needs root or CAP_NET_RAW):\n  %s\n", TsharkCommand(port))
	return err
}

// TsharkCommand is the command that shows a lesson's frames live, decoded
// by Wireshark's own dissectors. SessionLab has no presentation layer:
// without --disable-protocol pres, Wireshark would read each SPDU's user
// data as presentation PDUs and call it malformed.
func TsharkCommand(port uint16) string {
	return fmt.Sprintf("tshark -i lo -d tcp.port==%d,tpkt --disable-protocol pres -Y ses", port)
}

// Wrap breaks text into lines of at most width characters, at spaces.
func Wrap(text string, width int) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(text) {
		n := len([]rune(w))
		switch {
		case col == 0:
		case col+1+n > width:
			b.WriteByte('\n')
			col = 0
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
	}
	return b.String()
}

// Offset writes a time since start as the transcript does: "+1.002s".
func Offset(d time.Duration) string {
	return fmt.Sprintf("+%.3fs", d.Seconds())
}

// Transcribe writes the transcript of run s to w as its events come (the
// lessons in plain mode): how to watch it in Wireshark, then a line per
// event, on the run's own pacing. It returns once the run has ended and
// its sockets are closed: with the faults scheduled that never fired; or
// with why it could not go on: w failed (the run is stopped at once, and
// nothing more is written), a scenario or the engine failed, or ctx
// ended (a signal: nothing half written).
func Transcribe(ctx context.Context, w io.Writer, b *Book, s sim.Session) ([]sim.Unfired, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, s.Stop)
	defer stop()
	tr := NewTranscript(w, b)
	var failed, writeErr error
	if port := s.Port(); port != 0 {
		writeErr = tr.Hint(port)
	}
	for ev := range s.Events() {
		if writeErr != nil || ctx.Err() != nil {
			cancel() // stop the run; drain quietly, print nothing half
			continue
		}
		if end, ok := ev.(sim.ScenarioEnded); ok && end.Err != nil && failed == nil {
			failed = fmt.Errorf("the %v scenario failed: %v", end.Scenario, end.Err)
		}
		writeErr = tr.Write(ev)
	}
	s.Stop() // the events are over: every socket is closed
	switch {
	case writeErr != nil:
		return nil, fmt.Errorf("cannot write the transcript: %w", writeErr)
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case failed != nil:
		return nil, failed
	case s.Err() != nil:
		return nil, s.Err()
	}
	return s.Unfired(), nil
}
