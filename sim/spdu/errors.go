package spdu

import (
	"errors"
	"fmt"
)

// The classes of malformed input. Every error from this package wraps one
// of them in an *Error; test with errors.Is.
var (
	ErrTruncated   = errors.New("truncated")
	ErrTPKT        = errors.New("bad TPKT")
	ErrTPDU        = errors.New("bad TPDU")
	ErrUnknownKind = errors.New("unknown SPDU")
	ErrConcat      = errors.New("SPDUs concatenated against the rules")
	ErrBadParam    = errors.New("bad parameter")
)

// Error describes malformed input, or a frame that cannot be encoded.
type Error struct {
	Err    error // one of the Err* classes
	Offset int   // where in the frame the problem is
	Detail string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%v at octet %d: %s", e.Err, e.Offset, e.Detail)
}

// Unwrap returns the error class.
func (e *Error) Unwrap() error { return e.Err }

func errorf(class error, off int, format string, args ...any) error {
	return &Error{Err: class, Offset: off, Detail: fmt.Sprintf(format, args...)}
}
