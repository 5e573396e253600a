package spdu

import (
	"errors"
	"fmt"
)

// The classes of malformed input. Every error from this package wraps one of
// them in an *Error; test with errors.Is.
var (
	ErrUnknownKind = errors.New("unknown SPDU identifier")
	ErrTruncated   = errors.New("truncated frame")
	ErrOversized   = errors.New("frame longer than allowed")
	ErrBadParam    = errors.New("bad parameter")
)

// Error describes malformed input or an unencodable frame.
type Error struct {
	Err    error // one of the Err* classes
	SI     byte  // the frame's identifier byte, when it was read
	Offset int   // byte offset in the frame where the problem is
	Detail string
}

func (e *Error) Error() string {
	return fmt.Sprintf("spdu: %v (SI %d, offset %d): %s", e.Err, e.SI, e.Offset, e.Detail)
}

// Unwrap returns the error class.
func (e *Error) Unwrap() error { return e.Err }

func errorf(class error, si byte, off int, format string, args ...any) error {
	return &Error{Err: class, SI: si, Offset: off, Detail: fmt.Sprintf(format, args...)}
}
