package sim

// The errors the scenarios tell apart, and what each says about the
// connection.

import (
	"errors"
	"fmt"
	"io"
	"sessionlab/sim/spdu"
	"syscall"
)

// errEOF is the end of the peer's byte stream: it sent a FIN.
var errEOF = io.EOF

// Errors the scenarios tell apart.
var (
	errFaulted = errors.New("the connection was closed by a fault")
	errTimeout = errors.New("no answer in time")
	errAborted = errors.New("the session was aborted")
	errStopped = errors.New("a fault stopped this side")
)

func kindList(kinds []spdu.Kind) string {
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += " or "
		}
		s += k.String()
	}
	return s
}

// ProtocolError is a frame that breaks the session protocol: one the
// scenario did not expect at this point, or bytes that do not decode.
type ProtocolError struct {
	Side Side
	Want string
	Got  string
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("protocol error at the %v: expected %s, got %s", e.Side, e.Want, e.Got)
}

// lost reports whether err means the connection is gone.
func lost(err error) bool {
	var pe *ProtocolError
	return errors.Is(err, errFaulted) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, errTimeout) || errors.Is(err, syscall.ECONNREFUSED) ||
		(errors.As(err, &pe) && pe.Got == "end of stream")
}

// lostReason says in words why a connection is gone.
func lostReason(err error) string {
	var pe *ProtocolError
	switch {
	case errors.Is(err, errFaulted):
		return "its transport connection was reset"
	case errors.Is(err, syscall.ECONNRESET):
		return "the transport connection was reset by the peer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the server refused the connection: nothing listens any more"
	case errors.Is(err, syscall.EPIPE):
		return "the peer had closed the connection"
	case errors.Is(err, errTimeout):
		return "no answer in time"
	case errors.Is(err, io.EOF), errors.As(err, &pe) && pe.Got == "end of stream":
		return "the peer closed the connection"
	case errors.As(err, &pe):
		return pe.Error()
	}
	return err.Error()
}
