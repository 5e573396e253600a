package lessons

// The lab bench's words: what each BenchEvent says on the screen and in
// plain output, shared by the terminal UI and --plain.

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"sessionlab/sim"
	"sessionlab/sim/spdu"
)

// NoSessionLayer is why a program that writes plain text on a socket has
// no session layer of its own: said once, when the bench meets one.
const NoSessionLayer = "A program that writes text on a TCP socket, like a plain Python socket " +
	"server or client, has no session layer of its own: no CN to agree on a session, no sync " +
	"points to confirm work, no FN to agree it is done. TCP carries its bytes; what they mean, " +
	"and when the work is over, is left to the program."

// BenchLine is a BenchEvent in one line: who, what, and the short meaning.
func BenchLine(ev sim.BenchEvent) string {
	switch ev.Kind {
	case sim.BenchListening:
		return fmt.Sprintf("Listening on %v: any TCP client may connect", ev.Local)
	case sim.BenchAccepted:
		return fmt.Sprintf("Connection accepted from %v", ev.Remote)
	case sim.BenchDialed:
		return fmt.Sprintf("Connected to %v from %v", ev.Remote, ev.Local)
	case sim.BenchTurnedAway:
		return fmt.Sprintf("Connection from %v closed at once: %s", ev.Remote, ev.Note)
	case sim.BenchFrameIn, sim.BenchFrameOut:
		arrow := "←"
		if ev.Kind == sim.BenchFrameOut {
			arrow = "→"
		}
		data := ""
		if m, ok := ev.Frame.Main(); ok && m.Kind == spdu.DT && len(m.Info) > 0 {
			data = " " + Quote(m.Info)
		}
		line := fmt.Sprintf("%s %s%s (%d bytes)", arrow, ev.Name, data, len(ev.Raw))
		if ev.Note != "" {
			line += ": " + ev.Note
		}
		return line
	case sim.BenchTextIn:
		return fmt.Sprintf("← %d bytes that are no frame: %s", len(ev.Raw), Quote(ev.Raw))
	case sim.BenchTextOut:
		return fmt.Sprintf("→ %d bytes of plain text: %s", len(ev.Raw), Quote(ev.Raw))
	case sim.BenchWrong:
		return "Wrong: " + ev.Note
	case sim.BenchPeerClosed:
		return "End of stream: " + ev.Note
	case sim.BenchReset:
		return "Reset: " + ev.Note
	case sim.BenchTimedOut:
		return "Timed out: " + ev.Note
	case sim.BenchClosed:
		if ev.First {
			return "Closed the connection first (FIN): the bench will hold TIME_WAIT"
		}
		return "Closed its side after the peer had closed"
	case sim.BenchFailed:
		return fmt.Sprintf("%s: %v", ev.Note, ev.Err)
	}
	return ev.Kind.String()
}

// BenchDetail is what the inspector shows for ev: a frame's fields with
// their octets, or the octets as hex and text with the wrong one marked.
func BenchDetail(ev sim.BenchEvent) []string {
	var out []string
	switch ev.Kind {
	case sim.BenchFrameIn, sim.BenchFrameOut:
		fields, err := spdu.Describe(ev.Raw)
		if err != nil {
			return HexDump(ev.Raw, -1)
		}
		for _, f := range fields {
			out = append(out, fmt.Sprintf("%s%-24s % x", strings.Repeat("  ", f.Depth), f.Name, ev.Raw[f.Offset:f.Offset+min(f.Len, 8)]))
			out = append(out, strings.Repeat("  ", f.Depth+1)+f.Value)
		}
		return out
	case sim.BenchWrong:
		out = append(out, fmt.Sprintf("The octets, with octet %d in brackets:", ev.Offset))
		out = append(out, HexDump(ev.Raw, ev.Offset)...)
		if len(ev.Raw) > 0 && ev.Raw[0] != spdu.TPKTVersion {
			out = append(out, "", NoSessionLayer)
		}
		return out
	case sim.BenchTextIn, sim.BenchTextOut, sim.BenchPeerClosed, sim.BenchTimedOut:
		return HexDump(ev.Raw, -1)
	}
	return nil
}

// Quote shows octets as text, cut to 60 characters, with what is not
// printable escaped.
func Quote(b []byte) string {
	s := b
	if len(s) > 60 {
		s = s[:60]
	}
	q := strconv.Quote(string(s)) // escapes what is not valid UTF-8 too
	if len(b) > 60 {
		q += fmt.Sprintf("… (%d bytes)", len(b))
	}
	return q
}

// HexDump shows octets 16 to a line, hex then text; the octet at mark
// (if any) is bracketed. At most 16 lines: the rest is counted.
func HexDump(b []byte, mark int) []string {
	var out []string
	for at := 0; at < len(b); at += 16 {
		if len(out) == 16 {
			out = append(out, fmt.Sprintf("… %d more bytes", len(b)-at))
			break
		}
		row := b[at:min(at+16, len(b))]
		var hx, tx strings.Builder
		for i, c := range row {
			switch {
			case at+i == mark:
				fmt.Fprintf(&hx, "[%02x]", c) // takes the next octet's space too
			case at+i == mark+1 && i > 0:
				hx.WriteString(hex.EncodeToString([]byte{c}))
			default:
				fmt.Fprintf(&hx, " %02x", c)
			}
			if c >= 0x20 && c < 0x7f {
				tx.WriteByte(c)
			} else {
				tx.WriteByte('.')
			}
		}
		out = append(out, fmt.Sprintf("%04x %-50s %s", at, hx.String(), tx.String()))
	}
	return out
}

// PrintBench writes the bench's events as they come, a line each with
// its detail indented under it, until the bench ends or ctx does.
func PrintBench(ctx context.Context, w io.Writer, events <-chan sim.BenchEvent) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			conn := "    "
			if ev.Conn > 0 {
				conn = fmt.Sprintf("#%-3d", ev.Conn)
			}
			if _, err := fmt.Fprintf(w, "%s %s %s\n", ev.At.Format("15:04:05.000"), conn, BenchLine(ev)); err != nil {
				return fmt.Errorf("cannot write to standard output: %w", err)
			}
			for _, l := range BenchDetail(ev) {
				if _, err := fmt.Fprintf(w, "                      %s\n", l); err != nil {
					return fmt.Errorf("cannot write to standard output: %w", err)
				}
			}
		}
	}
}
