package serve

// A student's terminal, read once by one goroutine: first to ask it for
// its background colour (OSC 11, then DA1, which every VT100-like
// terminal answers, so the answer's end is known), then for keys. Wish's
// own query cannot be given up on when a terminal does not answer: its
// read stays blocked and takes the student's first key. Here the wait is
// bounded, and every byte that is not the answer goes to the program.

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// input pumps a session's bytes into chunks that a query and then the
// program take, in order.
type input struct {
	chunks chan []byte
	mu     sync.Mutex
	left   []byte // taken from chunks but not yet read
}

func pump(r io.Reader) *input {
	in := &input{chunks: make(chan []byte, 16)}
	go func() {
		defer close(in.chunks)
		for {
			b := make([]byte, 1024)
			n, err := r.Read(b)
			if n > 0 {
				in.chunks <- b[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	return in
}

// Read gives the program what is left, then the next chunk.
func (in *input) Read(p []byte) (int, error) {
	in.mu.Lock()
	if len(in.left) > 0 {
		n := copy(p, in.left)
		in.left = in.left[n:]
		in.mu.Unlock()
		return n, nil
	}
	in.mu.Unlock()
	b, ok := <-in.chunks
	if !ok {
		return 0, io.EOF
	}
	n := copy(p, b)
	if n < len(b) {
		in.mu.Lock()
		in.left = append(in.left, b[n:]...)
		in.mu.Unlock()
	}
	return n, nil
}

// The answers: OSC 11 with the background as rgb:R/G/B in 1 to 4 hex
// digits each, ended by BEL or ST; DA1's answer, CSI ? … c.
var (
	oscBackground = regexp.MustCompile(`\x1b\]11;rgb:([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})(\x07|\x1b\\)`)
	da1           = regexp.MustCompile(`\x1b\[\?[0-9;]*c`)
)

// darkBackground asks the terminal on out for its background and reads
// the answer from in, for at most wait. ok is false when the terminal did
// not say; the bytes that were not the answer stay for the program.
func darkBackground(in *input, out io.Writer, wait time.Duration) (dark, ok bool) {
	if _, err := io.WriteString(out, "\x1b]11;?\x07\x1b[c"); err != nil {
		return false, false
	}
	var got []byte
	timeout := time.After(wait)
	for !da1.Match(got) {
		select {
		case b, open := <-in.chunks:
			if !open {
				return false, false
			}
			got = append(got, b...)
			continue
		case <-timeout:
		}
		break
	}
	answer := oscBackground.FindSubmatchIndex(got)
	rest := da1.ReplaceAll(got, nil)
	if answer != nil {
		m := oscBackground.FindSubmatch(got)
		lum := 0.2126*channel(m[1]) + 0.7152*channel(m[2]) + 0.0722*channel(m[3])
		dark, ok = lum < 0.5, true
		rest = oscBackground.ReplaceAll(rest, nil)
	}
	in.mu.Lock()
	in.left = append(bytes.Clone(rest), in.left...)
	in.mu.Unlock()
	return dark, ok
}

// channel is one colour channel of hex digits, from 0 to 1.
func channel(h []byte) float64 {
	v, _ := strconv.ParseUint(string(h), 16, 32)
	return float64(v) / float64(uint64(1)<<(4*len(h))-1)
}
