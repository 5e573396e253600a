//go:build !unix

package progress

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }
