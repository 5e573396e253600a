//go:build !unix

package lessons

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }
